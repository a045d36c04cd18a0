/* The fixture of the graph quantizer's tests (test_quantize_graph.c, test_quantize_graph_merges.c): a
 * float graph the test builds, its calibration rows, the float model and its int8 quantization, both
 * loaded. */
#ifndef TEST_QGRAPH_FIXTURE_H
#define TEST_QGRAPH_FIXTURE_H

#include <stdlib.h>

#include "anne.h"
#include "anne_ir_graph.h"
#include "anne_quantize.h"
#include "test_quant_ref.h"
#include "test_support.h"

typedef struct fixture {
    anne_ir ir;
    float *rows;                /* (n_rows, the graph's input values) */
    size_t n_rows;
    unsigned char *fbytes, *qbytes;
    size_t fsize, qsize;
    anne_model mf, mq;          /* the float model and the int8 one */
    anne_tensor t[16];          /* the int8 model's first tensors */
} fixture;

/* n values uniform in [lo, hi) from the generator s (malloc'd). */
static inline float *values(uint64_t *s, size_t n, double lo, double hi) {
    float *v = malloc(n * sizeof *v);
    size_t i;
    assert_non_null(v);
    for (i = 0; i < n; i++) v[i] = (float)(lo + (hi - lo) * (double)(ref_rand(s) >> 11) / 9007199254740992.0);
    return v;
}

/* anne_quantize() of ir on the fixture's calibration rows. */
static inline int quantize(const fixture *f, const anne_ir *ir, anne_dtype to, int per_tensor, unsigned char **bytes,
                           size_t *size, anne_error *err) {
    anne_quantize_opts o;
    anne_quantize_info info;
    o.to = to;
    o.per_tensor = per_tensor;
    return anne_quantize(ir, f->rows, f->n_rows, &o, bytes, size, &info, err);
}

/* With f->ir and f->rows set: the float model and its int8 quantization (per channel), loaded. */
static inline void fixture_load(fixture *f) {
    anne_error err;
    uint16_t i;
    assert_int_equal(anne_ir_graph_serialize(&f->ir, &f->fbytes, &f->fsize, &err), 0);
    assert_int_equal(anne_model_load(&f->mf, f->fbytes, f->fsize), ANNE_OK);
    if (quantize(f, &f->ir, ANNE_DTYPE_S8, 0, &f->qbytes, &f->qsize, &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_model_load(&f->mq, f->qbytes, f->qsize), ANNE_OK);
    for (i = 0; i < f->mq.n_tensors && i < 16u; i++) assert_int_equal(anne_model_tensor(&f->mq, i, &f->t[i]), ANNE_OK);
}

/* Prints tensors from .. to - 1's largest error and largest bound (also in steps of each tensor's scale t[i])
 * and asserts that each tensor shows some error: quantization shows in every one, so that the checks
 * compared something. */
static inline void report_errors(const double *worst, const double *bound, const anne_tensor *t, size_t from,
                                 size_t to) {
    size_t i;
    for (i = from; i < to; i++) {
        print_message("tensor %zu: largest |int8 - float| %.6g = %.3f steps; largest bound %.6g = %.3f steps\n", i,
                      worst[i], worst[i] / (double)t[i].scale, bound[i], bound[i] / (double)t[i].scale);
        assert_true(worst[i] > 0.0);
    }
}

/* cmocka's teardown of a fixture. */
static inline int fixture_free(void **state) {
    fixture *f = *state;
    anne_ir_free(&f->ir);
    free(f->rows);
    free(f->fbytes);
    free(f->qbytes);
    free(f);
    return 0;
}

#endif /* TEST_QGRAPH_FIXTURE_H */

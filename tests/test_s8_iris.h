/* Shared by the int8 record tests: the paper's iris network quantized to int8 as `anne quantize` does
 * it (calibrated on the training set), and little-endian word access to patch the model bytes. */
#ifndef TEST_S8_IRIS_H
#define TEST_S8_IRIS_H

#include "test_support.h"

#include <stdlib.h>

#include "anne_csv.h"
#include "anne_quantize.h"

/* The model file's bytes (malloc'd: the caller frees them) and size. */
static inline void quantize_iris(unsigned char **bytes, size_t *size) {
    anne_ir ir;
    anne_error err;
    anne_csv t;
    float *calib;
    size_t nf, label;
    anne_quantize_opts opts = {ANNE_DTYPE_S8, 0};
    anne_quantize_info info;
    if (anne_import(&ir, anne_test_path("examples/iris/iris_8_neurons.json"), &err) != 0) fail_msg("%s", err.msg);
    if (anne_csv_read(&t, anne_test_path("examples/iris/iris_train.csv"), &err) != 0) fail_msg("%s", err.msg);
    assert_int_equal(anne_csv_find(&t, "Species", &label, &err), 0);
    assert_int_equal(anne_csv_features(&t, label, &calib, &nf, &err), 0);
    if (anne_quantize(&ir, calib, t.n_rows, &opts, bytes, size, &info, &err) != 0) fail_msg("%s", err.msg);
    free(calib);
    anne_csv_free(&t);
    anne_ir_free(&ir);
}

static inline uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

#endif /* TEST_S8_IRIS_H */

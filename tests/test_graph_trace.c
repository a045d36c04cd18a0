/* anne trace's view of a graph model (tools/commands/anne_graph_trace.h): the model written again with every
 * tensor in a place of its own and run once. The sample graph (tests/sample_graph.h) is first planned
 * the way the converter plans it (tensors sharing places, some ops in place: tools/model/anne_plan.h)
 * and given an input scaling and class names; its trace must then hold, bit for bit, in tensor 0 the
 * scaled input, in every other tensor what its op's kernel (runtime/include/anne_ops.h, called here by
 * hand from the op's record) computes from the traced inputs, and as output what anne_model_predict()
 * gives for the planned model. */
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_graph_trace.h"
#include "anne_ops.h"
#include "anne_plan.h"
#include "sample_graph.h"
#include "test_support.h"

static uint32_t values_of(const anne_tensor *t) {
    return (uint32_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

/* Ops whose output may take the place of their first input (docs/format.md, "Memory plan"). */
static int may_run_in_place(anne_op_kind kind) {
    switch (kind) {
    case ANNE_OP_RESHAPE:
    case ANNE_OP_CHANNEL_AFFINE:
    case ANNE_OP_LAYER_NORM:
    case ANNE_OP_ACTIVATION:
    case ANNE_OP_PRELU:
    case ANNE_OP_ADD:
    case ANNE_OP_SUBTRACT:
    case ANNE_OP_MULTIPLY:
    case ANNE_OP_AVERAGE:
    case ANNE_OP_MAXIMUM:
    case ANNE_OP_MINIMUM: return 1;
    default: return 0;
    }
}

#define N_IN 50 /* the sample graph's (5, 5, 2) input */

static const float mean[N_IN] = {0.5f, -0.25f, 1.0f}; /* the rest 0 */
static float std_dev[N_IN];
static const char *const classes[3] = {"cat", "dog", "eel"};

/* The sample graph planned as the converter does (places shared where lifetimes allow, ops in place
 * where the runtime accepts it), with standardized inputs and class names: malloc'd model bytes. */
static uint8_t *planned_sample(size_t *size, uint32_t *in_place) {
    void *bytes;
    size_t sample_size;
    anne_model m;
    anne_tensor t[20];
    anne_op op[19];
    anne_plan_tensor p[20];
    anne_graph_desc d;
    anne_error err;
    uint8_t *out;
    uint32_t arena, i, k;
    assert_int_equal(anne_sample_graph(&bytes, &sample_size), ANNE_OK);
    assert_int_equal(anne_model_load(&m, bytes, sample_size), ANNE_OK);
    assert_true(m.n_ops < 19 && m.n_inputs == N_IN);
    for (i = 0; i < m.n_tensors; i++) {
        assert_int_equal(anne_model_tensor(&m, (uint16_t)i, &t[i]), ANNE_OK);
        p[i].bytes = 4u * values_of(&t[i]);
        p[i].last = i + 1u == m.n_tensors ? m.n_ops : 0u;
        p[i].in_place_of = -1;
    }
    for (i = 0; i < m.n_ops; i++) {
        assert_int_equal(anne_model_op(&m, (uint16_t)i, &op[i]), ANNE_OK);
        for (k = 0; k < op[i].n_inputs; k++) p[op[i].inputs[k]].last = i;
    }
    *in_place = 0;
    for (i = 0; i < m.n_ops; i++) {
        uint16_t first = op[i].inputs[0];
        if (may_run_in_place(op[i].kind) && p[first].last == i && p[first].bytes == p[i + 1u].bytes) {
            p[i + 1u].in_place_of = first;
            (*in_place)++;
        }
    }
    assert_int_equal(anne_plan_arena(p, m.n_tensors, m.n_input_tensors, &arena, &err), 0);
    for (i = 0; i < m.n_tensors; i++) t[i].offset = p[i].offset;
    for (i = 0; i < N_IN; i++) std_dev[i] = 0.5f + 0.125f * (float)(i % 5u);
    memset(&d, 0, sizeof d);
    d.name = "planned sample";
    d.n_tensors = m.n_tensors, d.tensors = t, d.n_ops = m.n_ops, d.ops = op, d.arena_bytes = arena;
    d.scaling.kind = ANNE_SCALING_STANDARDIZE, d.scaling.a = mean, d.scaling.b = std_dev;
    d.n_classes = 3, d.class_names = classes;
    assert_int_equal(anne_graph_write(&d, NULL, 0, size), ANNE_OK);
    out = malloc(*size);
    assert_non_null(out);
    assert_int_equal(anne_graph_write(&d, out, *size, size), ANNE_OK);
    free(bytes);
    return out;
}

/* The (H, W, C) view of a windowed op's tensor ((L, C) is (1, L, C)). */
static anne_hwc hwc(const anne_tensor *t) {
    anne_hwc s = {1u, t->dims[t->rank - 2u], t->dims[t->rank - 1u]};
    if (t->rank == 3) s.h = t->dims[0];
    return s;
}

/* What op computes from its traced inputs x (shapes in), by the formulas of docs/ops.md: the kernel
 * of anne_ops.h for its kind (only the kinds the sample graph has), then its activation over y. */
static void expected_output(const anne_op *op, const anne_tensor *in, const float *const *x, const anne_tensor *out,
                            float *y) {
    uint32_t n = values_of(out), k;
    uint16_t c = out->dims[out->rank - 1u];
    const float *kernel = op->kernel, *bias = op->bias;
    anne_window w;
    anne_window_params p;
    anne_spatial_params sp;
    w.kernel_h = op->attr[0], w.kernel_w = op->attr[1], w.stride_h = op->attr[2], w.stride_w = op->attr[3];
    w.dilation_h = op->attr[4], w.dilation_w = op->attr[5], w.pad_top = op->attr[6], w.pad_left = op->attr[7];
    if (in[0].rank >= 2 && out->rank >= 2) { /* the windowed ops' and the copies' parameters */
        p.in = hwc(&in[0]), p.out = hwc(out), p.win = &w;
        sp.in = p.in, sp.out = p.out, sp.top = op->attr[0], sp.left = op->attr[1];
    }
    if (op->kind == ANNE_OP_CONV2D) {
        anne_conv2d_forward_f32(y, x[0], kernel, bias, &p);
    } else if (op->kind == ANNE_OP_DEPTHWISE_CONV2D) {
        anne_depthwise_conv2d_forward_f32(y, x[0], kernel, bias, &p);
    } else if (op->kind == ANNE_OP_MAX_POOL2D) {
        anne_max_pool2d_forward_f32(y, x[0], &p);
    } else if (op->kind == ANNE_OP_AVG_POOL2D) {
        anne_avg_pool2d_forward_f32(y, x[0], &p);
    } else if (op->kind == ANNE_OP_ZERO_PAD2D) {
        anne_zero_pad2d_forward_f32(y, x[0], &sp);
    } else if (op->kind == ANNE_OP_CROP2D) {
        anne_crop2d_forward_f32(y, x[0], &sp);
    } else if (op->kind == ANNE_OP_UPSAMPLE2D) {
        anne_upsample2d_nearest_forward_f32(y, x[0], &sp);
    } else if (op->kind == ANNE_OP_ADD) { /* folded from the left */
        anne_merge_forward_f32(y, x[0], x[1], n, ANNE_MERGE_ADD);
        for (k = 2; k < op->n_inputs; k++) anne_merge_forward_f32(y, y, x[k], n, ANNE_MERGE_ADD);
    } else if (op->kind == ANNE_OP_CONCAT) {
        uint32_t outer = 1, inner[ANNE_MAX_OP_INPUTS];
        for (k = 0; k < op->attr[0]; k++) outer *= out->dims[k];
        for (k = 0; k < op->n_inputs; k++) inner[k] = values_of(&in[k]) / outer;
        anne_concat_forward_f32(y, x, inner, op->n_inputs, outer);
    } else if (op->kind == ANNE_OP_CHANNEL_AFFINE) {
        memcpy(y, x[0], n * sizeof *y);
        anne_channel_affine_f32(y, n / c, c, kernel, bias);
    } else if (op->kind == ANNE_OP_PERMUTE) {
        uint8_t perm[ANNE_MAX_RANK];
        for (k = 0; k < ANNE_MAX_RANK; k++) perm[k] = (uint8_t)op->attr[k];
        anne_permute_forward_f32(y, x[0], in[0].dims, perm, in[0].rank);
    } else if (op->kind == ANNE_OP_GLOBAL_MAX_POOL) {
        anne_global_max_pool_forward_f32(y, x[0], values_of(&in[0]) / c, c);
    } else if (op->kind == ANNE_OP_LAYER_NORM) {
        uint32_t bits = (uint32_t)op->attr[0] | (uint32_t)op->attr[1] << 16;
        float eps;
        memcpy(&eps, &bits, sizeof eps);
        memcpy(y, x[0], n * sizeof *y);
        anne_layer_norm_f32(y, n / c, c, kernel, bias, eps);
    } else if (op->kind == ANNE_OP_MULTIPLY) { /* (..., C) times (C): each row by the vector */
        for (k = 0; k < n; k++) y[k] = x[0][k] * x[1][k % c];
    } else if (op->kind == ANNE_OP_PRELU) { /* one slope per channel */
        for (k = 0; k < n; k++) y[k] = x[0][k] >= 0.0f ? x[0][k] : kernel[k % c] * x[0][k];
    } else if (op->kind == ANNE_OP_GLOBAL_AVG_POOL) {
        anne_global_avg_pool_forward_f32(y, x[0], values_of(&in[0]) / c, c);
    } else if (op->kind == ANNE_OP_DENSE) {
        anne_dense_rows_forward_f32(y, x[0], kernel, bias, n / c, in[0].dims[in[0].rank - 1u], c);
    } else {
        fail_msg("op kind %d: the sample graph has none, and this test no reference for it", (int)op->kind);
    }
    if (op->activation == ANNE_ACT_SOFTMAX) anne_softmax_rows_f32(y, n / c, c);
    else anne_activation_forward_f32(y, n, op->activation, op->param);
}

static void test_trace_equals_kernels(void **state) {
    size_t size;
    uint32_t in_place, i, k, sum = 0;
    uint8_t *bytes = planned_sample(&size, &in_place);
    anne_model m;
    anne_graph_trace t;
    anne_error err;
    float raw[N_IN], scaled[N_IN], out[3], want[3], y[4096];
    void *arena;
    (void)state;
    assert_int_equal(anne_model_load(&m, bytes, size), ANNE_OK);
    /* the plan shares places (a trace read from its arena would show overwritten tensors) */
    assert_true(in_place >= 3);
    assert_int_equal(anne_graph_trace_open(&t, &m, &err), 0);
    for (i = 0; i < m.n_tensors; i++) {
        anne_tensor a;
        assert_int_equal(anne_model_tensor(&m, (uint16_t)i, &a), ANNE_OK);
        sum += 4u * values_of(&a);
    }
    assert_true(m.arena_bytes < sum);
    assert_int_equal(t.model.arena_bytes, sum);
    assert_int_equal(t.model.n_classes, 3);
    assert_string_equal(anne_model_class_name(&t.model, 2), "eel");
    assert_string_equal(t.model.name, "planned sample");

    for (i = 0; i < N_IN; i++) raw[i] = (float)((int)(i * 7919u % 61u) - 30) / 13.0f;
    arena = malloc(m.arena_bytes);
    assert_non_null(arena);
    assert_int_equal(anne_model_predict(&m, want, raw, arena, m.arena_bytes), ANNE_OK);
    assert_int_equal(anne_graph_trace_run(&t, out, raw, &err), 0);
    assert_memory_equal(out, want, sizeof out);

    /* every tensor at a place of its own, one after the other */
    for (i = 0, sum = 0; i < m.n_tensors; i++) {
        anne_tensor a;
        assert_non_null(anne_graph_trace_values(&t, (uint16_t)i, &a));
        assert_int_equal(a.offset, sum);
        sum += 4u * values_of(&a);
    }
    assert_null(anne_graph_trace_values(&t, m.n_tensors, &(anne_tensor){0}));

    /* tensor 0: the scaled input */
    assert_int_equal(anne_model_scale_input(&m, scaled, raw), ANNE_OK);
    {
        anne_tensor a;
        assert_memory_equal(anne_graph_trace_values(&t, 0, &a), scaled, sizeof scaled);
    }
    /* tensor k: op k - 1's kernel on the traced inputs, bit for bit */
    for (i = 0; i < m.n_ops; i++) {
        anne_op op;
        anne_tensor in[ANNE_MAX_OP_INPUTS], o;
        const float *x[ANNE_MAX_OP_INPUTS], *traced;
        assert_int_equal(anne_model_op(&t.model, (uint16_t)i, &op), ANNE_OK);
        for (k = 0; k < op.n_inputs; k++) x[k] = anne_graph_trace_values(&t, op.inputs[k], &in[k]);
        traced = anne_graph_trace_values(&t, op.output, &o);
        assert_true(values_of(&o) <= sizeof y / sizeof y[0]);
        memset(y, 0xA5, sizeof y);
        expected_output(&op, in, x, &o, y);
        if (memcmp(y, traced, values_of(&o) * sizeof *y) != 0) {
            fail_msg("op %u (kind %d): the traced tensor is not its kernel's result on the traced inputs", i + 1u,
                     (int)op.kind);
        }
    }
    /* the last tensor is the output */
    {
        anne_tensor a;
        assert_memory_equal(anne_graph_trace_values(&t, m.n_ops, &a), want, sizeof want);
    }
    anne_graph_trace_close(&t);
    free(arena);
    free(bytes);
}

/* A dense chain has no tensors to trace this way: refused, nothing left allocated. */
static void test_trace_refuses_dense_models(void **state) {
    anne_loaded l;
    anne_graph_trace t;
    anne_error err;
    (void)state;
    anne_test_open_model(&l, "tests/data/cli_3class.json");
    assert_int_equal(anne_graph_trace_open(&t, &l.model, &err), -1);
    assert_string_equal(err.msg, "not a graph model");
    assert_null(t.bytes);
    assert_null(t.arena);
    anne_loaded_close(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_equals_kernels),
        cmocka_unit_test(test_trace_refuses_dense_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

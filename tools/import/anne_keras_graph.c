/* Keras models that are not dense chains -> graph IR (format 2.0): walks the Keras graph (Sequential
 * or Functional, layers taken in an order where each comes after its inputs), one or two ops per
 * layer, then the IR's passes fold BatchNormalization and activation layers into the op before them.
 * The windowed layers are in anne_keras_window.c. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_json_limits.h"
#include "anne_keras_graph.h"

#define ANNE__NONE 0xFFFFu
#define ANNE__MAX_CALLS 8u /* calls of one shared layer */

/* ---- the classes only graphs have ------------------------------------------------------------- */

typedef enum anne__gkind {
    ANNE__G_NONE, ANNE__G_GLOBAL_AVG, ANNE__G_GLOBAL_MAX, ANNE__G_PAD, ANNE__G_CROP, ANNE__G_UPSAMPLE,
    ANNE__G_PERMUTE, ANNE__G_LAYER_NORM, ANNE__G_MERGE, ANNE__G_CONCAT, ANNE__G_TIME_DISTRIBUTED
} anne__gkind;

static const struct {
    const char *name;
    anne__gkind kind;
    int dims;                   /* 1 or 2 for the spatial layers; the op kind for merges */
} anne__gclasses[] = {
    {"GlobalAveragePooling1D", ANNE__G_GLOBAL_AVG, 1}, {"GlobalAveragePooling2D", ANNE__G_GLOBAL_AVG, 2},
    {"GlobalAvgPool1D", ANNE__G_GLOBAL_AVG, 1},        {"GlobalAvgPool2D", ANNE__G_GLOBAL_AVG, 2},
    {"GlobalMaxPooling1D", ANNE__G_GLOBAL_MAX, 1},     {"GlobalMaxPooling2D", ANNE__G_GLOBAL_MAX, 2},
    {"GlobalMaxPool1D", ANNE__G_GLOBAL_MAX, 1},        {"GlobalMaxPool2D", ANNE__G_GLOBAL_MAX, 2},
    {"ZeroPadding1D", ANNE__G_PAD, 1},                 {"ZeroPadding2D", ANNE__G_PAD, 2},
    {"Cropping1D", ANNE__G_CROP, 1},                   {"Cropping2D", ANNE__G_CROP, 2},
    {"UpSampling1D", ANNE__G_UPSAMPLE, 1},             {"UpSampling2D", ANNE__G_UPSAMPLE, 2},
    {"Permute", ANNE__G_PERMUTE, 0},                   {"LayerNormalization", ANNE__G_LAYER_NORM, 0},
    {"Add", ANNE__G_MERGE, ANNE_OP_ADD},               {"Subtract", ANNE__G_MERGE, ANNE_OP_SUBTRACT},
    {"Multiply", ANNE__G_MERGE, ANNE_OP_MULTIPLY},     {"Average", ANNE__G_MERGE, ANNE_OP_AVERAGE},
    {"Maximum", ANNE__G_MERGE, ANNE_OP_MAXIMUM},       {"Minimum", ANNE__G_MERGE, ANNE_OP_MINIMUM},
    {"Concatenate", ANNE__G_CONCAT, 0},                {"TimeDistributed", ANNE__G_TIME_DISTRIBUTED, 0},
};

static anne__gkind anne__gclass(const char *cls, int *dims) {
    size_t i;
    *dims = 0;
    for (i = 0; i < sizeof anne__gclasses / sizeof anne__gclasses[0]; i++) {
        if (strcmp(cls, anne__gclasses[i].name) == 0) {
            *dims = anne__gclasses[i].dims;
            return anne__gclasses[i].kind;
        }
    }
    return ANNE__G_NONE;
}

int anne_keras_graph_supported(const anne_keras_klayer *l, char *why, size_t cap) {
    int dims, w = anne_kg_window_supported(l, why, cap), r = anne_kg_rnn_supported(l, why, cap);
    anne__gkind k = anne__gclass(l->class_name, &dims);
    const char *fmt = anne_keras_str(l->config, "data_format"), *interp = anne_keras_str(l->config, "interpolation");
    if (w >= 0) return w;
    if (r >= 0) return r;
    if (k == ANNE__G_NONE) return -1;
    why[0] = '\0';
    if (fmt != NULL && strcmp(fmt, "channels_last") != 0) {
        snprintf(why, cap, "data_format \"%.40s\": ANNE's tensors are channels_last", fmt);
    } else if (k == ANNE__G_UPSAMPLE && interp != NULL && strcmp(interp, "nearest") != 0) {
        snprintf(why, cap, "interpolation \"%.40s\" is not supported (nearest)", interp);
    } else if (k == ANNE__G_LAYER_NORM && anne_keras_bool(l->config, "rms_scaling", 0)) {
        snprintf(why, cap, "rms_scaling is not supported");
    } else if (k == ANNE__G_TIME_DISTRIBUTED) {
        const char *inner = anne_keras_str(cJSON_GetObjectItemCaseSensitive(l->config, "layer"), "class_name");
        if (inner == NULL || strcmp(inner, "Dense") != 0) {
            snprintf(why, cap, "TimeDistributed around %.60s (ANNE supports TimeDistributed(Dense))",
                     inner != NULL ? inner : "an unreadable layer");
        }
    }
    return why[0] == '\0';
}

/* ---- helpers for the layers (anne_keras_graph.h) ----------------------------------------------- */

int anne_kg_fail(anne_kg *g, const char *fmt, ...) {
    va_list ap;
    if (g->err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(g->err->msg, sizeof g->err->msg, fmt, ap);
    va_end(ap);
    return anne_error_prefix(g->err, "%s: layer %zu \"%s\" (%s)", g->src->path, g->index + 1u, g->layer->name,
                             g->layer->class_name);
}

const anne_ir_tensor *anne_kg_shape(const anne_kg *g, size_t k) {
    return &g->ir->tensors[g->in[k]];
}

/* Whether an op of ir other than its last is named name. */
static int anne__name_taken(const anne_ir *ir, const char *name) {
    size_t i;
    for (i = 0; i + 1u < ir->n_ops; i++) {
        if (ir->ops[i].name != NULL && strcmp(ir->ops[i].name, name) == 0) return 1;
    }
    return 0;
}

/* The layer's name (with suffix, e.g. "_depthwise"), made unique among the ops ("_2", "_3"... for a
 * shared layer's later calls), as a malloc'd string (NULL when out of memory: the op stays unnamed). */
static char *anne__unique_name(const anne_ir *ir, const char *layer, const char *suffix) {
    size_t n = strlen(layer) + strlen(suffix) + 16u, k;
    char *name = malloc(n);
    if (name == NULL) return NULL;
    snprintf(name, n, "%s%s", layer, suffix);
    for (k = 2; anne__name_taken(ir, name) && k < 100000u; k++) snprintf(name, n, "%s%s_%zu", layer, suffix, k);
    return name;
}

anne_ir_op *anne_kg_op(anne_kg *g, anne_op_kind kind, const anne_ir_tensor *out, int first_only) {
    anne_ir_op *op = anne_ir_add_op(g->ir, kind, first_only ? 1u : g->n_in, g->in, out, &g->result, g->err);
    size_t n;
    if (op == NULL) {
        char why[sizeof g->err->msg];
        memcpy(why, g->err->msg, sizeof why);
        anne_kg_fail(g, "%s", why);
        return NULL;
    }
    n = strlen(g->layer->name);
    if (n > 0) op->name = anne__unique_name(g->ir, g->layer->name, g->name_suffix);
    return op;
}

int anne_kg_activation(anne_kg *g, anne_ir_op *op) {
    char why[160];
    if (anne_keras_activation(g->src, cJSON_GetObjectItemCaseSensitive(g->layer->config, "activation"),
                              &op->activation, op->param, why, sizeof why) != 0) {
        return anne_kg_fail(g, "%s", why);
    }
    return 0;
}

int anne_kg_weights(anne_kg *g, anne_keras_array **w, size_t *n, size_t min_n, size_t max_n, const char *what) {
    return anne_keras_fetch(g->src, g->m, g->index, w, n, min_n, max_n, what, g->err);
}

int anne_kg_array_shape(anne_kg *g, const anne_keras_array *a, const char *what, int rank, const size_t *dims) {
    char got[96], want[96];
    size_t at = 0;
    int k, ok = a->rank == rank;
    for (k = 0; ok && k < rank; k++) ok = a->dims[k] == dims[k];
    if (ok) return 0;
    anne_keras_describe_shape(a, got, sizeof got);
    at += (size_t)snprintf(want, sizeof want, "(");
    for (k = 0; k < rank && at < sizeof want; k++) {
        at += (size_t)snprintf(want + at, sizeof want - at, "%s%zu", k ? ", " : "", dims[k]);
    }
    if (at < sizeof want) snprintf(want + at, sizeof want - at, "%s)", rank == 1 ? "," : "");
    return anne_kg_fail(g, "%s has shape %s, expected %s", what, got, want);
}

int anne_kg_ints(anne_kg *g, const char *key, size_t n, long def, long lo, long hi, long *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(g->layer->config, key), *e;
    size_t k = 0;
    if (v == NULL || cJSON_IsNull(v)) {
        for (k = 0; k < n; k++) out[k] = def;
    } else if (cJSON_IsNumber(v)) {
        /* range first: converting a double out of long's range is undefined */
        if (floor(v->valuedouble) == v->valuedouble && fabs(v->valuedouble) <= 1e9) {
            for (k = 0; k < n; k++) out[k] = (long)v->valuedouble;
        }
    } else if (cJSON_IsArray(v) && (size_t)cJSON_GetArraySize(v) == n) {
        cJSON_ArrayForEach(e, v) {
            if (!cJSON_IsNumber(e) || floor(e->valuedouble) != e->valuedouble || fabs(e->valuedouble) > 1e9) break;
            out[k++] = (long)e->valuedouble;
        }
    }
    if (k != n) return anne_kg_fail(g, "\"%s\" must be an integer or a list of %zu integers", key, n);
    for (k = 0; k < n; k++) {
        if (out[k] < lo || out[k] > hi) {
            return anne_kg_fail(g, "\"%s\" is %ld, expected %ld to %ld", key, out[k], lo, hi);
        }
    }
    return 0;
}

/* Whether an axis setting (a number or a one-number list, counting the batch axis) is the last axis
 * of a rank-`rank` tensor. */
static int anne__is_last_axis(const cJSON *cfg, const char *key, size_t rank) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (v == NULL || cJSON_IsNull(v)) return 1;
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1) v = v->child;
    return cJSON_IsNumber(v) && (v->valuedouble == -1.0 || v->valuedouble == (double)rank);
}

static anne_ir_tensor anne__shape_like(const anne_ir_tensor *t) {
    return *t;
}

/* ---- shape layers ----------------------------------------------------------------------------- */

static int anne__reshape_to(anne_kg *g, const anne_ir_tensor *out) {
    if (anne_ir_tensor_values(out) != anne_ir_tensor_values(anne_kg_shape(g, 0))) {
        return anne_kg_fail(g, "reshapes %zu values into %zu", anne_ir_tensor_values(anne_kg_shape(g, 0)),
                            anne_ir_tensor_values(out));
    }
    if (anne_ir_tensor_same(out, anne_kg_shape(g, 0))) { /* the same shape: nothing to do */
        g->result = g->in[0];
        return 0;
    }
    return anne_kg_op(g, ANNE_OP_RESHAPE, out, 1) == NULL ? -1 : 0;
}

static int anne__flatten(anne_kg *g) {
    anne_ir_tensor out;
    size_t n = anne_ir_tensor_values(anne_kg_shape(g, 0));
    memset(&out, 0, sizeof out);
    out.rank = 1;
    out.dims[0] = (uint16_t)n;
    out.dims[1] = out.dims[2] = out.dims[3] = 1;
    if (n > 65535u) return anne_kg_fail(g, "flattens %zu values; a tensor axis holds at most 65535", n);
    return anne__reshape_to(g, &out);
}

static int anne__reshape(anne_kg *g) {
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(g->layer->config, "target_shape"), *e;
    size_t values = anne_ir_tensor_values(anne_kg_shape(g, 0)), known = 1, k = 0, free_at = ANNE_MAX_RANK;
    anne_ir_tensor out;
    memset(&out, 0, sizeof out);
    if (!cJSON_IsArray(ts) || cJSON_GetArraySize(ts) < 1 || cJSON_GetArraySize(ts) > (int)ANNE_MAX_RANK) {
        return anne_kg_fail(g, "\"target_shape\" must be a list of 1 to 4 sizes");
    }
    cJSON_ArrayForEach(e, ts) {
        if (cJSON_IsNumber(e) && e->valuedouble == -1.0 && free_at == ANNE_MAX_RANK) {
            free_at = k;
        } else if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 65535 ||
                   floor(e->valuedouble) != e->valuedouble) {
            return anne_kg_fail(g, "\"target_shape\" entry %zu is not a size 1 to 65535 (or one -1)", k + 1u);
        } else {
            out.dims[k] = (uint16_t)e->valuedouble;
            known *= out.dims[k];
        }
        k++;
    }
    out.rank = (uint8_t)k;
    if (free_at < ANNE_MAX_RANK) {
        if (values % known != 0 || values / known > 65535u) {
            return anne_kg_fail(g, "cannot reshape %zu values into a shape with %zu values per -1", values, known);
        }
        out.dims[free_at] = (uint16_t)(values / known);
    }
    for (k = out.rank; k < ANNE_MAX_RANK; k++) out.dims[k] = 1;
    return anne__reshape_to(g, &out);
}

static int anne__permute(anne_kg *g) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out = anne__shape_like(in);
    long dims[ANNE_MAX_RANK];
    unsigned seen = 0;
    size_t k;
    anne_ir_op *op;
    if (anne_kg_ints(g, "dims", in->rank, 0, 1, in->rank, dims) != 0) return -1;
    for (k = 0; k < in->rank; k++) {
        if (seen & (1u << dims[k])) return anne_kg_fail(g, "\"dims\" names axis %ld twice", dims[k]);
        seen |= 1u << dims[k];
        out.dims[k] = in->dims[dims[k] - 1];
    }
    op = anne_kg_op(g, ANNE_OP_PERMUTE, &out, 1);
    if (op == NULL) return -1;
    for (k = 0; k < out.rank; k++) op->attr[k] = (uint16_t)(dims[k] - 1);
    return 0;
}

/* ZeroPadding / Cropping: the amounts before and after along each spatial axis. Keras writes an int,
 * a pair (1-D: before, after; 2-D: symmetric rows, columns) or ((top, bottom), (left, right)). */
static int anne__amounts(anne_kg *g, const char *key, int dims, long before[2], long after[2]) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(g->layer->config, key), *e;
    size_t k = 0;
    long flat[4];
    before[0] = after[0] = 0;
    if (dims == 1) return anne_kg_ints(g, key, 2, 1, 0, 65535, flat) != 0 ? -1
                          : (before[1] = flat[0], after[1] = flat[1], 0);
    if (cJSON_IsArray(v) && cJSON_IsArray(v->child)) {
        cJSON_ArrayForEach(e, v) {
            const cJSON *x = e->child;
            if (k >= 4 || !cJSON_IsArray(e) || cJSON_GetArraySize(e) != 2) break;
            for (; x != NULL; x = x->next) {
                if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 65535 ||
                    floor(x->valuedouble) != x->valuedouble) {
                    return anne_kg_fail(g, "\"%s\" must hold sizes 0 to 65535", key);
                }
                flat[k++] = (long)x->valuedouble;
            }
        }
        if (k != 4) return anne_kg_fail(g, "\"%s\" must be ((top, bottom), (left, right))", key);
    } else {
        long two[2];
        if (anne_kg_ints(g, key, 2, 0, 0, 65535, two) != 0) return -1;
        flat[0] = flat[1] = two[0];
        flat[2] = flat[3] = two[1];
    }
    before[0] = flat[0];
    after[0] = flat[1];
    before[1] = flat[2];
    after[1] = flat[3];
    return 0;
}

static int anne__spatial(anne_kg *g, anne__gkind kind, int dims) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out = anne__shape_like(in);
    long before[2], after[2], size[2] = {1, 1};
    size_t k, ax0 = dims == 2 ? 0u : 1u; /* size[1] / before[1] is the last spatial axis */
    anne_ir_op *op;
    if ((size_t)in->rank != (size_t)dims + 1u) {
        return anne_kg_fail(g, "its input has rank %u; a %dD layer takes (%s)", in->rank, dims,
                            dims == 2 ? "height, width, channels" : "steps, channels");
    }
    if (kind == ANNE__G_UPSAMPLE) {
        if (anne_kg_ints(g, "size", (size_t)dims, 2, 1, 65535, size + 2 - dims) != 0) return -1;
    } else if (anne__amounts(g, kind == ANNE__G_PAD ? "padding" : "cropping", dims, before, after) != 0) {
        return -1;
    }
    for (k = ax0; k < 2u; k++) {
        size_t d = in->dims[k - ax0], n;
        if (kind == ANNE__G_UPSAMPLE) n = d * (size_t)size[k];
        else if (kind == ANNE__G_PAD) n = d + (size_t)before[k] + (size_t)after[k];
        else n = d > (size_t)(before[k] + after[k]) ? d - (size_t)(before[k] + after[k]) : 0u;
        if (n == 0 || n > 65535u) return anne_kg_fail(g, "gives an axis of %zu (expected 1 to 65535)", n);
        out.dims[k - ax0] = (uint16_t)n;
    }
    op = anne_kg_op(g, kind == ANNE__G_UPSAMPLE ? ANNE_OP_UPSAMPLE2D : kind == ANNE__G_PAD ? ANNE_OP_ZERO_PAD2D
                                                                                        : ANNE_OP_CROP2D,
                    &out, 1);
    if (op == NULL) return -1;
    if (kind != ANNE__G_UPSAMPLE) {
        op->attr[0] = (uint16_t)before[0];
        op->attr[1] = (uint16_t)before[1];
    }
    return 0;
}

static int anne__global_pool(anne_kg *g, anne__gkind kind, int dims) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out;
    int keep = anne_keras_bool(g->layer->config, "keepdims", 0);
    size_t k;
    if ((size_t)in->rank != (size_t)dims + 1u) {
        return anne_kg_fail(g, "its input has rank %u; a %dD layer takes (%s)", in->rank, dims,
                            dims == 2 ? "height, width, channels" : "steps, channels");
    }
    memset(&out, 0, sizeof out);
    out.rank = keep ? in->rank : 1u;
    for (k = 0; k < ANNE_MAX_RANK; k++) out.dims[k] = 1;
    out.dims[out.rank - 1u] = in->dims[in->rank - 1u];
    return anne_kg_op(g, kind == ANNE__G_GLOBAL_AVG ? ANNE_OP_GLOBAL_AVG_POOL : ANNE_OP_GLOBAL_MAX_POOL, &out, 1) == NULL
               ? -1
               : 0;
}

/* ---- layers with weights ---------------------------------------------------------------------- */

static int anne__dense(anne_kg *g) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out = anne__shape_like(in);
    int bias = anne_keras_bool(g->layer->config, "use_bias", 1);
    size_t n_in = in->dims[in->rank - 1u], n = 0, i, j, dims[2];
    long units;
    anne_keras_array *w = NULL;
    anne_ir_op *op;
    if (anne_kg_ints(g, "units", 1, 0, 1, 65535, &units) != 0) return -1;
    if (anne_kg_weights(g, &w, &n, 1u + (size_t)bias, 1u + (size_t)bias, bias ? "2: kernel and bias" : "1: kernel")) {
        return -1;
    }
    dims[0] = n_in;
    dims[1] = (size_t)units;
    if (anne_kg_array_shape(g, &w[0], "kernel", 2, dims) != 0 ||
        (bias && anne_kg_array_shape(g, &w[1], "bias", 1, dims + 1) != 0)) {
        goto fail;
    }
    out.dims[out.rank - 1u] = (uint16_t)units;
    op = anne_kg_op(g, ANNE_OP_DENSE, &out, 1);
    if (op == NULL) goto fail;
    op->kernel = malloc(w[0].n * sizeof *op->kernel);
    op->kernel_n = (uint32_t)w[0].n;
    if (op->kernel == NULL) {
        anne_kg_fail(g, "out of memory");
        goto fail;
    }
    /* Keras' kernel[i][j] (input i, unit j) is the runtime's kernel[j][i] */
    for (i = 0; i < n_in; i++) {
        for (j = 0; j < (size_t)units; j++) op->kernel[j * n_in + i] = w[0].data[i * (size_t)units + j];
    }
    if (bias) {
        op->bias = w[1].data;
        op->bias_n = (uint32_t)units;
        w[1].data = NULL;
    }
    anne_keras_arrays_free(w, n);
    return anne_kg_activation(g, op);
fail:
    anne_keras_arrays_free(w, n);
    return -1;
}

/* TimeDistributed(Dense): a Dense on the last axis already runs on every time step. The weights are
 * stored under the wrapper's name; the settings are the inner layer's. */
static int anne__time_distributed(anne_kg *g) {
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(g->layer->config, "layer");
    const char *cls = anne_keras_str(inner, "class_name");
    const anne_keras_klayer *wrapper = g->layer;
    anne_keras_klayer dense;
    int rc;
    if (cls == NULL || strcmp(cls, "Dense") != 0) {
        return anne_kg_fail(g, "not supported: TimeDistributed around %.60s (ANNE supports TimeDistributed(Dense))",
                            cls != NULL ? cls : "an unreadable layer");
    }
    dense = *wrapper;
    dense.config = cJSON_GetObjectItemCaseSensitive(inner, "config");
    if (!cJSON_IsObject(dense.config)) return anne_kg_fail(g, "the wrapped Dense has no config");
    g->layer = &dense;
    rc = anne__dense(g);
    g->layer = wrapper;
    return rc;
}

/* y = x * scale[c] + shift[c] over the last axis (folded into the op before it where exact). */
static int anne__channel_affine(anne_kg *g, const double *scale, const double *shift) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    size_t c = in->dims[in->rank - 1u], j;
    anne_ir_tensor out = anne__shape_like(in);
    anne_ir_op *op = anne_kg_op(g, ANNE_OP_CHANNEL_AFFINE, &out, 1);
    if (op == NULL) return -1;
    op->kernel = malloc(c * sizeof *op->kernel);
    op->bias = malloc(c * sizeof *op->bias);
    if (op->kernel == NULL || op->bias == NULL) return anne_kg_fail(g, "out of memory");
    op->kernel_n = op->bias_n = (uint32_t)c;
    for (j = 0; j < c; j++) {
        /* checked as doubles: converting one beyond float's range is undefined */
        if (!(fabs(scale[j]) <= (double)FLT_MAX) || !(fabs(shift[j]) <= (double)FLT_MAX)) {
            return anne_kg_fail(g, "channel %zu: scale %g, shift %g cannot be stored (beyond float)", j + 1u, scale[j],
                                shift[j]);
        }
        op->kernel[j] = (float)scale[j];
        op->bias[j] = (float)shift[j];
        if (!isfinite(op->kernel[j]) || !isfinite(op->bias[j])) {
            return anne_kg_fail(g, "channel %zu: scale %g, shift %g cannot be stored (not finite)", j + 1u, scale[j],
                                shift[j]);
        }
    }
    return 0;
}

static int anne__batchnorm(anne_kg *g) {
    const cJSON *cfg = g->layer->config;
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    int center = anne_keras_bool(cfg, "center", 1), scale = anne_keras_bool(cfg, "scale", 1);
    size_t need = 2u + (size_t)center + (size_t)scale, n = 0, k, j, c = in->dims[in->rank - 1u];
    double eps, *s = NULL;
    anne_keras_array *w = NULL;
    char what[64];
    int rc = -1;
    if (!anne__is_last_axis(cfg, "axis", in->rank)) return anne_kg_fail(g, "normalizes an axis other than the last");
    if (anne_keras_num(cfg, "epsilon", 1e-3, &eps) != 0 || !(eps >= 0)) return anne_kg_fail(g, "\"epsilon\" is not a number");
    snprintf(what, sizeof what, "%zu (%s%smoving mean, moving variance)", need, scale ? "gamma, " : "",
             center ? "beta, " : "");
    if (anne_kg_weights(g, &w, &n, need, need, what) != 0) return -1;
    for (k = 0; k < n; k++) {
        char name[48];
        snprintf(name, sizeof name, "weight array %zu", k + 1u);
        if (anne_kg_array_shape(g, &w[k], name, 1, &c) != 0) goto done;
    }
    s = malloc(2u * c * sizeof *s);
    if (s == NULL) {
        anne_kg_fail(g, "out of memory");
        goto done;
    }
    for (j = 0; j < c; j++) {
        /* Keras: gamma * (x - mean) / sqrt(var + eps) + beta */
        const float *gamma = scale ? w[0].data : NULL, *beta = center ? w[scale].data : NULL;
        double v = (double)w[need - 1u].data[j] + eps;
        if (!(v > 0)) {
            anne_kg_fail(g, "channel %zu: moving variance + epsilon is %g, not positive", j + 1u, v);
            goto done;
        }
        s[j] = (gamma ? (double)gamma[j] : 1.0) / sqrt(v);
        s[c + j] = (beta ? (double)beta[j] : 0.0) - (double)w[need - 2u].data[j] * s[j];
    }
    rc = anne__channel_affine(g, s, s + c);
done:
    free(s);
    anne_keras_arrays_free(w, n);
    return rc;
}

static int anne__layer_norm(anne_kg *g) {
    const cJSON *cfg = g->layer->config;
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out = anne__shape_like(in);
    int center = anne_keras_bool(cfg, "center", 1), scale = anne_keras_bool(cfg, "scale", 1);
    size_t need = (size_t)center + (size_t)scale, n = 0, k, c = in->dims[in->rank - 1u];
    double eps;
    float e;
    uint32_t bits;
    anne_keras_array *w = NULL;
    anne_ir_op *op;
    if (!anne__is_last_axis(cfg, "axis", in->rank)) return anne_kg_fail(g, "normalizes an axis other than the last");
    if (anne_keras_num(cfg, "epsilon", 1e-3, &eps) != 0 || !(eps > 0) || !(eps < 1e30) || !((e = (float)eps) > 0)) {
        return anne_kg_fail(g, "\"epsilon\" must be a positive number");
    }
    if (need > 0 && anne_kg_weights(g, &w, &n, need, need, center && scale ? "2: gamma, beta" : scale ? "1: gamma"
                                                                                                        : "1: beta")) {
        return -1;
    }
    for (k = 0; k < n; k++) {
        if (anne_kg_array_shape(g, &w[k], k == 0 && scale ? "gamma" : "beta", 1, &c) != 0) goto fail;
    }
    op = anne_kg_op(g, ANNE_OP_LAYER_NORM, &out, 1);
    if (op == NULL) goto fail;
    if (scale) {
        op->kernel = w[0].data;
        op->kernel_n = (uint32_t)c;
        w[0].data = NULL;
    }
    if (center) {
        op->bias = w[scale].data;
        op->bias_n = (uint32_t)c;
        w[scale].data = NULL;
    }
    memcpy(&bits, &e, sizeof bits);
    op->attr[0] = (uint16_t)(bits & 0xFFFFu);
    op->attr[1] = (uint16_t)(bits >> 16);
    anne_keras_arrays_free(w, n);
    return 0;
fail:
    anne_keras_arrays_free(w, n);
    return -1;
}

/* Rescaling (x * scale + offset) and Normalization ((x - mean) / sqrt(variance)) per channel. */
static int anne__rescale(anne_kg *g, int normalization) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    size_t c = in->dims[in->rank - 1u], j, n = 0;
    double *s = malloc(2u * c * sizeof *s), a, b;
    anne_keras_array *w = NULL;
    int rc = -1;
    if (s == NULL) return anne_kg_fail(g, "out of memory");
    if (!normalization) {
        if (anne_keras_num(g->layer->config, "scale", 1.0, &a) != 0 ||
            anne_keras_num(g->layer->config, "offset", 0.0, &b) != 0) {
            anne_kg_fail(g, "scale and offset must be single numbers");
            goto done;
        }
        for (j = 0; j < c; j++) {
            s[j] = a;
            s[c + j] = b;
        }
    } else {
        if (!anne__is_last_axis(g->layer->config, "axis", in->rank)) {
            anne_kg_fail(g, "normalizes an axis other than the last");
            goto done;
        }
        if (cJSON_GetObjectItemCaseSensitive(g->layer->config, "mean") != NULL &&
            !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g->layer->config, "mean"))) {
            anne_kg_fail(g, "a Normalization with its mean in the config is supported in dense models only");
            goto done;
        }
        if (anne_kg_weights(g, &w, &n, 2, 3, "3: mean, variance, count") != 0) goto done;
        if (anne_kg_array_shape(g, &w[0], "mean", 1, &c) != 0 || anne_kg_array_shape(g, &w[1], "variance", 1, &c) != 0) {
            goto done;
        }
        for (j = 0; j < c; j++) {
            /* Keras: (x - mean) / maximum(sqrt(variance), epsilon()), epsilon() = 1e-7 */
            float sd = sqrtf(w[1].data[j]);
            sd = sd > 1e-7f ? sd : 1e-7f;
            s[j] = 1.0 / (double)sd;
            s[c + j] = -(double)w[0].data[j] / (double)sd;
        }
    }
    rc = anne__channel_affine(g, s, s + c);
done:
    free(s);
    anne_keras_arrays_free(w, n);
    return rc;
}

/* PReLU: x if x >= 0 else alpha * x, alpha of the input's shape with Keras' shared_axes (numbered from
 * 1 after the batch axis) of size 1. Stored per channel when every axis but the last is shared (one
 * slope per channel), else spread over the whole shape (one slope per value). */
static int anne__prelu(anne_kg *g) {
    const anne_ir_tensor in = *anne_kg_shape(g, 0); /* a copy: adding the op moves the tensors */
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(g->layer->config, "shared_axes"), *e;
    size_t rank = in.rank, dims[ANNE_MAX_RANK], k, n = 0;
    anne_ir_tensor a = in;
    anne_keras_array *w = NULL;
    anne_ir_op *op;
    for (k = 0; k < rank; k++) dims[k] = in.dims[k];
    if (cJSON_IsNumber(sh) || cJSON_IsArray(sh)) {
        for (e = cJSON_IsArray(sh) ? sh->child : sh; e != NULL; e = cJSON_IsArray(sh) ? e->next : NULL) {
            if (!cJSON_IsNumber(e) || floor(e->valuedouble) != e->valuedouble || e->valuedouble < 1 ||
                e->valuedouble > (double)rank) {
                return anne_kg_fail(g, "\"shared_axes\" must list axes 1 to %zu of its (%zu-axis) input", rank, rank);
            }
            dims[(size_t)e->valuedouble - 1u] = 1;
        }
    } else if (sh != NULL && !cJSON_IsNull(sh)) {
        return anne_kg_fail(g, "\"shared_axes\" must be an axis or a list of axes");
    }
    for (k = 0; k < rank; k++) a.dims[k] = (uint16_t)dims[k];
    if (anne_kg_weights(g, &w, &n, 1, 1, "1: alpha") != 0) return -1;
    if (anne_kg_array_shape(g, &w[0], "alpha", (int)rank, dims) != 0) goto fail;
    op = anne_kg_op(g, ANNE_OP_PRELU, &in, 1);
    if (op == NULL) goto fail;
    op->kernel = anne_ir_prelu_slopes(&in, &a, w[0].data, &op->kernel_n);
    if (op->kernel == NULL) {
        op->kernel_n = 0;
        anne_kg_fail(g, "out of memory");
        goto fail;
    }
    anne_keras_arrays_free(w, n);
    return 0;
fail:
    anne_keras_arrays_free(w, n);
    return -1;
}

/* ---- merges and activations ------------------------------------------------------------------- */

/* Add, Subtract, Multiply, Average, Maximum, Minimum: inputs of one shape, or shapes that broadcast as
 * Keras' merges do (a lower rank aligned at the last axis; each axis equal or 1: the squeeze-and-
 * excitation product of (H, W, C) and (1, 1, C)). */
static int anne__merge(anne_kg *g, anne_op_kind kind) {
    size_t k;
    char a[48], b[48];
    const anne_ir_tensor *in[ANNE_MAX_OP_INPUTS];
    anne_ir_tensor out;
    if (g->n_in < 2 || g->n_in > ANNE_MAX_OP_INPUTS || (kind == ANNE_OP_SUBTRACT && g->n_in != 2)) {
        return anne_kg_fail(g, "has %zu inputs; ANNE merges %s", g->n_in, kind == ANNE_OP_SUBTRACT ? "2" : "2 to 4");
    }
    for (k = 0; k < g->n_in; k++) in[k] = anne_kg_shape(g, k);
    k = anne_ir_broadcast(in, g->n_in, &out);
    if (k != 0) {
        anne_ir_tensor_describe(in[0], a, sizeof a);
        anne_ir_tensor_describe(in[k - 1u], b, sizeof b);
        return anne_kg_fail(g, "input %zu has shape %s, input 1 %s: shapes that do not broadcast (each axis, counted "
                               "from the last, must be equal or 1)", k, b, a);
    }
    return anne_kg_op(g, kind, &out, 0) == NULL ? -1 : 0;
}

static int anne__concat(anne_kg *g) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_tensor out = anne__shape_like(in);
    double axis_d;
    long axis;
    size_t k, d, sum = 0;
    anne_ir_op *op;
    if (g->n_in < 2 || g->n_in > ANNE_MAX_OP_INPUTS) return anne_kg_fail(g, "has %zu inputs; ANNE concatenates 2 to 4", g->n_in);
    if (anne_keras_num(g->layer->config, "axis", -1, &axis_d) != 0 || floor(axis_d) != axis_d || fabs(axis_d) > 64) {
        return anne_kg_fail(g, "\"axis\" must be an integer (-4 to 4)");
    }
    /* Keras counts the batch axis: 1 is the first axis of a sample, -1 the last */
    axis = axis_d < 0 ? (long)in->rank + (long)axis_d : (long)axis_d - 1;
    if (axis < 0 || axis >= (long)in->rank) return anne_kg_fail(g, "axis %g is not an axis of a sample", axis_d);
    for (k = 0; k < g->n_in; k++) {
        const anne_ir_tensor *t = anne_kg_shape(g, k);
        for (d = 0; d < ANNE_MAX_RANK; d++) {
            if (t->rank != in->rank || ((long)d != axis && t->dims[d] != in->dims[d])) {
                return anne_kg_fail(g, "input %zu's shape differs from input 1's outside the concatenated axis",
                                    k + 1u);
            }
        }
        sum += t->dims[axis];
    }
    if (sum > 65535u) return anne_kg_fail(g, "the concatenated axis has %zu entries, at most 65535", sum);
    out.dims[axis] = (uint16_t)sum;
    op = anne_kg_op(g, ANNE_OP_CONCAT, &out, 0);
    if (op == NULL) return -1;
    op->attr[0] = (uint16_t)axis;
    return 0;
}

static int anne__activation_op(anne_kg *g) {
    anne_ir_op *op;
    anne_activation act;
    float p[3];
    char why[160];
    if (anne_keras_activation_layer(g->src, g->layer, &act, p, why, sizeof why) != 0) return anne_kg_fail(g, "%s", why);
    if (act == ANNE_ACT_SOFTMAX && !anne__is_last_axis(g->layer->config, "axis", anne_kg_shape(g, 0)->rank)) {
        return anne_kg_fail(g, "softmax over an axis other than the last");
    }
    if (act == ANNE_ACT_LINEAR) {
        g->result = g->in[0];
        return 0;
    }
    op = anne_kg_op(g, ANNE_OP_ACTIVATION, anne_kg_shape(g, 0), 1);
    if (op == NULL) return -1;
    op->activation = act;
    memcpy(op->param, p, sizeof p);
    return 0;
}

/* ---- the walk --------------------------------------------------------------------------------- */

static int anne__is(const anne_keras_klayer *l, const char *cls) {
    return strcmp(l->class_name, cls) == 0;
}

static int anne__noop(const anne_keras_klayer *l) {
    static const char *const noops[] = {"Dropout", "AlphaDropout", "GaussianNoise", "GaussianDropout",
                                        "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                        "ActivityRegularization"};
    size_t i;
    for (i = 0; i < sizeof noops / sizeof noops[0]; i++) {
        if (anne__is(l, noops[i])) return 1;
    }
    return 0;
}

static int anne__convert_layer(anne_kg *g) {
    int dims, w;
    anne__gkind k = anne__gclass(g->layer->class_name, &dims);
    char why[160];
    int supported = anne_keras_graph_supported(g->layer, why, sizeof why);
    if (supported == 0) return anne_kg_fail(g, "not supported: %s", why);
    w = anne_kg_window_layer(g);
    if (w == 0) w = anne_kg_rnn_layer(g);
    if (w != 0) return w < 0 ? -1 : 0;
    switch (k) {
    case ANNE__G_GLOBAL_AVG:
    case ANNE__G_GLOBAL_MAX: return anne__global_pool(g, k, dims);
    case ANNE__G_PAD:
    case ANNE__G_CROP:
    case ANNE__G_UPSAMPLE: return anne__spatial(g, k, dims);
    case ANNE__G_PERMUTE: return anne__permute(g);
    case ANNE__G_LAYER_NORM: return anne__layer_norm(g);
    case ANNE__G_MERGE: return anne__merge(g, (anne_op_kind)dims);
    case ANNE__G_CONCAT: return anne__concat(g);
    default: break;
    }
    if (anne__noop(g->layer)) {
        g->result = g->in[0];
        return 0;
    }
    if (anne__is(g->layer, "Flatten")) return anne__flatten(g);
    if (anne__is(g->layer, "Reshape")) return anne__reshape(g);
    if (anne__is(g->layer, "Dense")) return anne__dense(g);
    if (anne__is(g->layer, "TimeDistributed")) return anne__time_distributed(g);
    if (anne__is(g->layer, "BatchNormalization")) return anne__batchnorm(g);
    if (anne__is(g->layer, "Rescaling")) return anne__rescale(g, 0);
    if (anne__is(g->layer, "Normalization")) return anne__rescale(g, 1);
    if (anne__is(g->layer, "PReLU")) return anne__prelu(g);
    if (anne_keras_activation_layer(g->src, g->layer, &(anne_activation){ANNE_ACT_LINEAR}, (float[3]){0, 0, 0}, why,
                                    sizeof why) == 0 ||
        strcmp(why, "not an activation layer") != 0) {
        return anne__activation_op(g);
    }
    return anne_kg_fail(g, "layer class %.60s is not supported", g->layer->class_name);
}

static size_t anne__find(const anne_keras_kmodel *m, const char *name) {
    size_t i;
    for (i = 0; i < m->n; i++) {
        if (strcmp(m->layers[i].name, name) == 0) return i;
    }
    return m->n;
}

static int anne__is_merge(const anne_keras_klayer *l) {
    int dims;
    anne__gkind k = anne__gclass(l->class_name, &dims);
    return k == ANNE__G_MERGE || k == ANNE__G_CONCAT;
}

/* A layer's inbound node k (a call of it), or NULL. */
static const cJSON *anne__node(const anne_keras_klayer *l, size_t k) {
    return cJSON_GetArrayItem(l->inbound, (int)k);
}

/* Layer i's calls: Sequential layers and inputs 1, a Functional layer one per inbound node. */
static size_t anne__calls(const anne_keras_kmodel *m, size_t i) {
    if (!m->functional || anne__is(&m->layers[i], "InputLayer")) return 1;
    return (size_t)cJSON_GetArraySize(m->layers[i].inbound);
}

/* Checks one reference to a layer's output (name and call) and gives the layer's index. */
static int anne__ref(const anne_keras_source *src, const anne_keras_kmodel *m, size_t i, const char *name, size_t node,
                     size_t *at, anne_error *err) {
    *at = anne__find(m, name);
    if (*at == m->n) return anne_keras_fail(src, m, i, err, "its input \"%.60s\" is not a layer of the model", name);
    if (node >= anne__calls(m, *at)) {
        return anne_keras_fail(src, m, i, err, "its input is call %zu of \"%.60s\", which is called %zu time%s", node + 1u,
                               name, anne__calls(m, *at), anne__calls(m, *at) == 1 ? "" : "s");
    }
    return 0;
}

/* A Functional model's input_layers (or output_layers) in *n, names[k] and nodes[k] (at most
 * ANNE_MAX_MODEL_IO; *n counts them all). Keras 2 and TF.js list [name, node, tensor] entries, Keras 3
 * the same, or one bare entry for a single input. */
static void anne__io_refs(const anne_keras_source *src, const char *key, const char **names, size_t *nodes, size_t *n) {
    *n = 0;
    anne_keras_inbound_refs(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(src->model, "config"), key),
                            names, nodes, n, ANNE_MAX_MODEL_IO);
}

/* input_layers names every InputLayer once (their order is the model's input order); output_layers 1
 * to ANNE_MAX_MODEL_IO calls of layers of the model. */
static int anne__check_io(const anne_keras_source *src, const anne_keras_kmodel *m, size_t inputs, anne_error *err) {
    const char *names[ANNE_MAX_MODEL_IO];
    size_t nodes[ANNE_MAX_MODEL_IO], n, k, j, at;
    anne__io_refs(src, "input_layers", names, nodes, &n);
    if (n != inputs) {
        return anne_error_set(err, "%s: input_layers lists %zu inputs, but the model has %zu input layers", src->path, n,
                              inputs);
    }
    for (k = 0; k < n; k++) {
        at = anne__find(m, names[k]);
        if (at == m->n || !anne__is(&m->layers[at], "InputLayer")) {
            return anne_error_set(err, "%s: input %zu \"%.60s\" in input_layers is not an input layer of the model",
                                  src->path, k + 1u, names[k]);
        }
        for (j = 0; j < k; j++) {
            if (strcmp(names[j], names[k]) == 0) {
                return anne_error_set(err, "%s: input_layers lists \"%.60s\" twice", src->path, names[k]);
            }
        }
    }
    anne__io_refs(src, "output_layers", names, nodes, &n);
    if (n < 1 || n > ANNE_MAX_MODEL_IO) {
        return anne_error_set(err, "%s: the model has %zu outputs; ANNE converts models with 1 to %u", src->path, n,
                              (unsigned)ANNE_MAX_MODEL_IO);
    }
    for (k = 0; k < n; k++) {
        if (anne__find(m, names[k]) == m->n || nodes[k] >= anne__calls(m, anne__find(m, names[k]))) {
            return anne_error_set(err, "%s: the model's output \"%.60s\" is not a layer of the model", src->path,
                                  names[k]);
        }
    }
    return 0;
}

int anne_keras_graph_structure(const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err) {
    size_t i, k, c, inputs = 0, at, nodes[ANNE_MAX_OP_INPUTS + 1u];
    const char *names[ANNE_MAX_OP_INPUTS + 1u];
    for (i = 0; i < m->n; i++) inputs += anne__is(&m->layers[i], "InputLayer") ? 1u : 0u;
    if (!m->functional) return 0;
    if (inputs < 1 || inputs > ANNE_MAX_MODEL_IO) {
        return anne_error_set(err, "%s: the model has %zu inputs; ANNE converts models with 1 to %u", src->path, inputs,
                              (unsigned)ANNE_MAX_MODEL_IO);
    }
    for (i = 0; i < m->n; i++) {
        const anne_keras_klayer *l = &m->layers[i];
        size_t calls = anne__calls(m, i);
        if (anne__is(l, "InputLayer")) continue;
        if (calls == 0) return anne_keras_fail(src, m, i, err, "is not connected to the model's input");
        if (calls > ANNE__MAX_CALLS) {
            return anne_keras_fail(src, m, i, err, "is called %zu times; ANNE converts layers shared by up to %u calls",
                                   calls, (unsigned)ANNE__MAX_CALLS);
        }
        for (c = 0; c < calls; c++) {
            size_t n = 0;
            anne_keras_inbound_refs(anne__node(l, c), names, nodes, &n, ANNE_MAX_OP_INPUTS + 1u);
            if (n == 0 || n > ANNE_MAX_OP_INPUTS || (n > 1 && !anne__is_merge(l))) {
                return anne_keras_fail(src, m, i, err, "takes %zu inputs (%s)", n,
                                       n == 0 ? "none found" : anne__is_merge(l) ? "ANNE merges 2 to 4" : "expected 1");
            }
            for (k = 0; k < n; k++) {
                if (anne__ref(src, m, i, names[k], nodes[k], &at, err) != 0) return -1;
            }
        }
    }
    return anne__check_io(src, m, inputs, err);
}

int anne_keras_needs_graph(const anne_keras_source *src, const anne_keras_kmodel *m) {
    size_t i;
    char why[160];
    anne_error e;
    for (i = 0; i < m->n; i++) {
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(m->layers[i].config, "target_shape");
        if (anne_keras_graph_supported(&m->layers[i], why, sizeof why) >= 0) return 1;
        /* a Reshape to more than one dimension */
        if (anne__is(&m->layers[i], "Reshape") && cJSON_GetArraySize(ts) > 1) return 1;
    }
    if (m->functional && anne_keras_check_chain(src, m, &e) != 0) return 1;
    /* an input of several dimensions that is not flattened before the first layer that computes */
    for (i = 0; i < m->n; i++) {
        const anne_keras_klayer *l = &m->layers[i];
        const cJSON *s = anne_keras_declared_shape(l->config);
        if (i == 0 && s == NULL) s = anne_keras_build_shape(m);
        if (s != NULL && cJSON_GetArraySize(s) > 2) {
            size_t j;
            for (j = i + (anne__is(l, "InputLayer") ? 1u : 0u); j < m->n && anne__noop(&m->layers[j]); j++) {
            }
            return j < m->n && !anne__is(&m->layers[j], "Flatten") && !anne__is(&m->layers[j], "Reshape");
        }
    }
    return 0;
}

/* Starts the graph from a [null, d1, d2, ...] shape, or adds an input of that shape. */
static int anne__start(anne_kg *g, const cJSON *shape) {
    const cJSON *e;
    size_t dims[ANNE_MAX_RANK], rank = 0;
    int first = 1;
    if (!cJSON_IsArray(shape)) return anne_kg_fail(g, "the input shape is not a list");
    cJSON_ArrayForEach(e, shape) {
        if (first) { /* the batch dimension */
            first = 0;
            continue;
        }
        if (rank == ANNE_MAX_RANK) return anne_kg_fail(g, "the input has more than 4 dimensions besides the batch");
        if (!cJSON_IsNumber(e) || e->valuedouble < 1.0 || e->valuedouble > 65535.0 ||
            floor(e->valuedouble) != e->valuedouble) {
            return anne_kg_fail(g, "the input shape has a dimension that is not a positive size (variable sizes are "
                                   "not supported)");
        }
        dims[rank++] = (size_t)e->valuedouble;
    }
    if ((g->ir->n_input_tensors == 0 ? anne_ir_graph_start(g->ir, rank, dims, g->err)
                                     : anne_ir_graph_add_input(g->ir, rank, dims, g->err)) != 0) {
        char why[sizeof g->err->msg];
        memcpy(why, g->err->msg, sizeof why);
        return anne_kg_fail(g, "%s", why);
    }
    return 0;
}

/* The tensors feeding call c of layer i of a Functional model, when all of them are built.
 * out[layer * ANNE__MAX_CALLS + call]: the tensor each call gave. */
static int anne__inputs_ready(anne_kg *g, size_t i, size_t c, const uint16_t *out) {
    const char *names[ANNE_MAX_OP_INPUTS];
    size_t n = 0, k, nodes[ANNE_MAX_OP_INPUTS];
    anne_keras_inbound_refs(anne__node(&g->m->layers[i], c), names, nodes, &n, ANNE_MAX_OP_INPUTS);
    for (k = 0; k < n; k++) {
        uint16_t t = out[anne__find(g->m, names[k]) * ANNE__MAX_CALLS + nodes[k]];
        if (t == ANNE__NONE) return 0;
        g->in[k] = t;
    }
    g->n_in = n;
    return 1;
}

/* Converts every call of every layer, each once all its inputs are built (Keras lists a Functional
 * model's layers in no guaranteed run order; a shared layer's calls may be far apart). */
static size_t anne__weights_so_far(const anne_ir *ir) {
    size_t n = 0, j;
    for (j = 0; j < ir->n_ops; j++) n += ir->ops[j].kernel_n + ir->ops[j].bias_n;
    return n;
}

/* A Functional model's inputs, tensors 0, 1, ... in input_layers' order (checked by anne__check_io),
 * before any op: out gets each input layer's tensor. */
static int anne__start_inputs(anne_kg *g, uint16_t *out) {
    const char *names[ANNE_MAX_MODEL_IO];
    size_t nodes[ANNE_MAX_MODEL_IO], n, k;
    anne__io_refs(g->src, "input_layers", names, nodes, &n);
    for (k = 0; k < n; k++) {
        const cJSON *s;
        g->index = anne__find(g->m, names[k]);
        g->layer = &g->m->layers[g->index];
        s = anne_keras_declared_shape(g->layer->config);
        if (s == NULL) return anne_kg_fail(g, "the input layer declares no shape");
        if (anne__start(g, s) != 0) return -1;
        out[g->index * ANNE__MAX_CALLS] = (uint16_t)k;
    }
    return 0;
}

static int anne__walk(anne_kg *g, uint16_t *out) {
    const anne_keras_kmodel *m = g->m;
    size_t i, c, done = 0, total = 0, pass;
    int started = 0;
    if (m->functional) {
        if (anne__start_inputs(g, out) != 0) return -1;
        started = 1;
        done = g->ir->n_input_tensors;
    }
    for (i = 0; i < m->n; i++) total += anne__calls(m, i);
    for (pass = 0; done < total && pass <= total; pass++) {
        for (i = 0; i < m->n; i++) {
            const anne_keras_klayer *l = &m->layers[i];
            g->index = i;
            g->layer = l;
            for (c = 0; c < anne__calls(m, i); c++) {
                uint16_t *slot = &out[i * ANNE__MAX_CALLS + c];
                if (*slot != ANNE__NONE) continue;
                if (anne__is(l, "InputLayer")) { /* a Sequential model's */
                    const cJSON *s = anne_keras_declared_shape(l->config);
                    if (started) return anne_kg_fail(g, "a second input: a Sequential model has one input");
                    if (s == NULL) return anne_kg_fail(g, "the input layer declares no shape");
                    if (anne__start(g, s) != 0) return -1;
                    started = 1;
                    *slot = 0;
                    done++;
                    continue;
                }
                if (m->functional) {
                    if (!anne__inputs_ready(g, i, c, out)) continue;
                } else {
                    if (!started) {
                        const cJSON *s = anne_keras_declared_shape(l->config);
                        if (s == NULL) s = anne_keras_build_shape(m);
                        if (s == NULL) return anne_kg_fail(g, "the model declares no input shape");
                        if (anne__start(g, s) != 0) return -1;
                        started = 1;
                    }
                    g->in[0] = i == 0 ? 0u : out[(i - 1u) * ANNE__MAX_CALLS];
                    g->n_in = 1;
                }
                if (anne__convert_layer(g) != 0) return -1;
                *slot = g->result;
                done++;
                if (anne__weights_so_far(g->ir) > ANNE_IMPORT_MAX_WEIGHTS) {
                    /* checked as the model grows, so that a hostile file's memory stays near the limit */
                    return anne_kg_fail(g, "the model has %zu weights up to here, more than the %zu ANNE imports "
                                           "(ANNE_IMPORT_MAX_WEIGHTS)", anne__weights_so_far(g->ir),
                                        (size_t)ANNE_IMPORT_MAX_WEIGHTS);
                }
            }
        }
    }
    if (done < total) return anne_error_set(g->err, "%s: the layers' inputs form a cycle", g->src->path);
    return 0;
}

int anne_keras_graph_convert(anne_ir *ir, const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err) {
    anne_kg g;
    uint16_t *out, result;
    size_t i;
    int rc = -1;
    char why[160];
    if (anne_keras_graph_structure(src, m, err) != 0) return -1;
    /* unsupported layers first, so that the message names the real obstacle (an LSTM), not a shape
     * problem it causes further down */
    for (i = 0; i < m->n; i++) {
        if (!anne_keras_layer_supported(src, &m->layers[i], why, sizeof why)) {
            return anne_keras_fail(src, m, i, err, "not supported: %s", why);
        }
    }
    out = malloc(m->n * ANNE__MAX_CALLS * sizeof *out);
    if (out == NULL) return anne_error_set(err, "out of memory");
    for (i = 0; i < m->n * ANNE__MAX_CALLS; i++) out[i] = ANNE__NONE;
    memset(&g, 0, sizeof g);
    g.name_suffix = "";
    g.src = src;
    g.m = m;
    g.ir = ir;
    g.err = err;
    if (anne__walk(&g, out) != 0) goto done;
    /* the output: the last layer (Sequential) or the calls output_layers names, in its order */
    result = out[(m->n - 1u) * ANNE__MAX_CALLS];
    if (m->functional) {
        const char *names[ANNE_MAX_MODEL_IO];
        size_t n, node[ANNE_MAX_MODEL_IO];
        uint16_t list[ANNE_MAX_MODEL_IO];
        anne__io_refs(src, "output_layers", names, node, &n);
        for (i = 0; i < n; i++) list[i] = out[anne__find(m, names[i]) * ANNE__MAX_CALLS + node[i]];
        result = list[0];
        if (ir->n_ops > 0 && n > 1u && anne_ir_set_outputs(ir, n, list, err) != 0) {
            anne_error_prefix(err, "%s", src->path);
            goto done;
        }
    }
    if (ir->n_ops == 0) {
        anne_error_set(err, "%s: the model computes nothing (no layer besides the input and identities)", src->path);
        goto done;
    }
    if (ir->n_output_tensors == 0 && result + 1u != anne_ir_n_tensors(ir)) {
        anne_error_set(err, "%s: the output is not the last result computed: a graph whose layers do not all lead to "
                            "the output is not supported", src->path);
        goto done;
    }
    rc = anne_ir_graph_simplify(ir, err);
done:
    free(out);
    return rc;
}

/* Keras' windowed layers as graph ops: Conv1D/2D, DepthwiseConv1D/2D, SeparableConv1D/2D (a depthwise
 * op and a 1x1 convolution), MaxPooling1D/2D and AveragePooling1D/2D. A 1-D layer runs as a 2-D one of
 * height 1 over the (L, C) tensor (docs/format.md). Padding 'valid', 'same' (TensorFlow's: the odd
 * padding row or column goes after) and, for Conv1D, 'causal' (all of it before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_keras_graph.h"

typedef enum anne__wkind { ANNE__W_CONV, ANNE__W_DEPTHWISE, ANNE__W_SEPARABLE, ANNE__W_MAX, ANNE__W_AVG } anne__wkind;

static const struct {
    const char *name;
    int dims;
    anne__wkind kind;
} anne__classes[] = {
    {"Conv1D", 1, ANNE__W_CONV},           {"Conv2D", 2, ANNE__W_CONV},
    {"Convolution1D", 1, ANNE__W_CONV},    {"Convolution2D", 2, ANNE__W_CONV},
    {"DepthwiseConv1D", 1, ANNE__W_DEPTHWISE}, {"DepthwiseConv2D", 2, ANNE__W_DEPTHWISE},
    {"SeparableConv1D", 1, ANNE__W_SEPARABLE}, {"SeparableConv2D", 2, ANNE__W_SEPARABLE},
    {"SeparableConvolution1D", 1, ANNE__W_SEPARABLE}, {"SeparableConvolution2D", 2, ANNE__W_SEPARABLE},
    {"MaxPooling1D", 1, ANNE__W_MAX},      {"MaxPool1D", 1, ANNE__W_MAX},
    {"MaxPooling2D", 2, ANNE__W_MAX},      {"MaxPool2D", 2, ANNE__W_MAX},
    {"AveragePooling1D", 1, ANNE__W_AVG},  {"AvgPool1D", 1, ANNE__W_AVG},
    {"AveragePooling2D", 2, ANNE__W_AVG},  {"AvgPool2D", 2, ANNE__W_AVG},
};

static int anne__class(const char *cls, int *dims, anne__wkind *kind) {
    size_t i;
    for (i = 0; i < sizeof anne__classes / sizeof anne__classes[0]; i++) {
        if (strcmp(cls, anne__classes[i].name) == 0) {
            *dims = anne__classes[i].dims;
            *kind = anne__classes[i].kind;
            return 1;
        }
    }
    return 0;
}

int anne_kg_window_supported(const anne_keras_klayer *l, char *why, size_t cap) {
    const char *fmt = anne_keras_str(l->config, "data_format"), *pad = anne_keras_str(l->config, "padding");
    double groups = 1;
    int dims;
    anne__wkind kind;
    if (!anne__class(l->class_name, &dims, &kind)) return -1;
    why[0] = '\0';
    if (fmt != NULL && strcmp(fmt, "channels_last") != 0) {
        snprintf(why, cap, "data_format \"%.40s\": ANNE's tensors are channels_last", fmt);
    } else if (pad != NULL && strcmp(pad, "valid") != 0 && strcmp(pad, "same") != 0 &&
               !(strcmp(pad, "causal") == 0 && kind == ANNE__W_CONV && dims == 1)) {
        snprintf(why, cap, "padding \"%.40s\" is not supported (valid, same%s)", pad,
                 kind == ANNE__W_CONV && dims == 1 ? ", causal" : "");
    } else if (anne_keras_num(l->config, "groups", 1, &groups) != 0 || groups != 1) {
        snprintf(why, cap, "grouped convolution (groups %g) is not supported", groups);
    }
    return why[0] == '\0';
}

/* The output size and the padding before along one axis. */
static int anne__axis(anne_kg *g, const char *padding, const char *axis, size_t in, long k, long s, long d,
                      uint16_t *out, uint16_t *pad) {
    size_t span = (size_t)(k - 1) * (size_t)d + 1u, n, total;
    if (strcmp(padding, "valid") == 0) {
        if (in < span) {
            return anne_kg_fail(g, "the window spans %zu %s but the input has %zu ('valid' padding needs a window "
                                   "inside the input)", span, axis, in);
        }
        n = (in - span) / (size_t)s + 1u;
        *pad = 0;
    } else if (strcmp(padding, "causal") == 0) {
        n = (in - 1u) / (size_t)s + 1u;
        *pad = (uint16_t)(span - 1u);
    } else { /* same */
        n = (in + (size_t)s - 1u) / (size_t)s;
        total = (n - 1u) * (size_t)s + span;
        *pad = (uint16_t)(total > in ? (total - in) / 2u : 0u);
    }
    if (n > 65535u) return anne_kg_fail(g, "the output has %zu %s, at most 65535", n, axis);
    *out = (uint16_t)n;
    return 0;
}

/* Reads the window (kernel or pool size, strides, dilation, padding) and sets attr and the output's
 * spatial shape; channels: the output's channels. */
static int anne__window(anne_kg *g, int dims, anne__wkind kind, size_t channels, anne_ir_op *op_attr,
                        anne_ir_tensor *out) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    const cJSON *cfg = g->layer->config;
    int pool = kind == ANNE__W_MAX || kind == ANNE__W_AVG;
    long k[2] = {1, 1}, s[2] = {1, 1}, d[2] = {1, 1};
    const char *padding = anne_keras_str(cfg, "padding");
    size_t h = dims == 2 ? in->dims[0] : 1u, w = in->dims[dims == 2 ? 1 : 0];
    uint16_t oh, ow, pt, pl;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(cfg, "strides");
    if ((size_t)in->rank != (size_t)dims + 1u) {
        return anne_kg_fail(g, "its input has rank %u; a %dD layer takes (%s)", in->rank, dims,
                            dims == 2 ? "height, width, channels" : "steps, channels");
    }
    if (padding == NULL) padding = "valid";
    /* pool_size defaults to 2 in Keras; kernel_size has no default (0 fails the range check) */
    if (anne_kg_ints(g, pool ? "pool_size" : "kernel_size", (size_t)dims, pool ? 2 : 0, 1, 65535, k + 2 - dims) != 0) {
        return -1;
    }
    /* pooling: strides default to the pool size */
    if (pool && (st == NULL || cJSON_IsNull(st))) {
        s[0] = k[0];
        s[1] = k[1];
    } else if (anne_kg_ints(g, "strides", (size_t)dims, 1, 1, 65535, s + 2 - dims) != 0) {
        return -1;
    }
    if (!pool && anne_kg_ints(g, "dilation_rate", (size_t)dims, 1, 1, 65535, d + 2 - dims) != 0) return -1;
    if (anne__axis(g, padding, "rows", h, k[0], s[0], d[0], &oh, &pt) != 0 ||
        anne__axis(g, padding, dims == 2 ? "columns" : "steps", w, k[1], s[1], d[1], &ow, &pl) != 0) {
        return -1;
    }
    op_attr->attr[0] = (uint16_t)k[0];
    op_attr->attr[1] = (uint16_t)k[1];
    op_attr->attr[2] = (uint16_t)s[0];
    op_attr->attr[3] = (uint16_t)s[1];
    op_attr->attr[4] = (uint16_t)d[0];
    op_attr->attr[5] = (uint16_t)d[1];
    op_attr->attr[6] = pt;
    op_attr->attr[7] = pl;
    memset(out, 0, sizeof *out);
    out->rank = (uint8_t)(dims + 1);
    out->dims[0] = dims == 2 ? oh : ow;
    out->dims[1] = dims == 2 ? ow : (uint16_t)channels;
    out->dims[2] = dims == 2 ? (uint16_t)channels : 1u;
    out->dims[3] = 1;
    if (channels > 65535u) return anne_kg_fail(g, "%zu output channels, at most 65535", channels);
    return 0;
}

/* Appends a windowed op with the attributes of *tmpl. */
static anne_ir_op *anne__windowed_op(anne_kg *g, anne_op_kind kind, const anne_ir_op *tmpl, const anne_ir_tensor *out) {
    anne_ir_op *op = anne_kg_op(g, kind, out, 1);
    if (op != NULL) memcpy(op->attr, tmpl->attr, sizeof op->attr);
    return op;
}

/* Keras' kernel (kh, kw, in_c, out_c) -> the runtime's (out_c, kh, kw, in_c). */
static float *anne__conv_kernel(const float *k, size_t kh, size_t kw, size_t in_c, size_t out_c) {
    float *d = malloc(kh * kw * in_c * out_c * sizeof *d);
    size_t o, y, x, i;
    if (d == NULL) return NULL;
    for (o = 0; o < out_c; o++) {
        for (y = 0; y < kh; y++) {
            for (x = 0; x < kw; x++) {
                for (i = 0; i < in_c; i++) d[((o * kh + y) * kw + x) * in_c + i] = k[((y * kw + x) * in_c + i) * out_c + o];
            }
        }
    }
    return d;
}

/* The shape Keras stores a kernel of kh x kw in: (kw, a, b) for 1-D layers, (kh, kw, a, b) for 2-D. */
static int anne__kernel_shape(anne_kg *g, const anne_keras_array *a, const char *what, int dims, size_t kh, size_t kw,
                              size_t c0, size_t c1) {
    size_t want[4] = {kh, kw, c0, c1};
    return anne_kg_array_shape(g, a, what, dims + 2, want + 2 - dims);
}

static int anne__conv(anne_kg *g, int dims, anne__wkind kind) {
    const cJSON *cfg = g->layer->config;
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    size_t in_c = in->dims[in->rank - 1u], mult = 1, filters = 0, n = 0, dw_c;
    int bias = anne_keras_bool(cfg, "use_bias", 1);
    long v;
    anne_ir_op tmpl, *op;
    anne_ir_tensor out, dw_out;
    anne_keras_array *w = NULL;
    char what[96];
    if (kind != ANNE__W_CONV) {
        if (anne_kg_ints(g, "depth_multiplier", 1, 1, 1, 65535, &v) != 0) return -1;
        mult = (size_t)v;
    }
    if (kind != ANNE__W_DEPTHWISE) {
        if (anne_kg_ints(g, "filters", 1, 0, 1, 65535, &v) != 0) return -1;
        filters = (size_t)v;
    }
    dw_c = in_c * mult;
    memset(&tmpl, 0, sizeof tmpl);
    if (anne__window(g, dims, kind, kind == ANNE__W_DEPTHWISE ? dw_c : filters, &tmpl, &out) != 0) return -1;
    snprintf(what, sizeof what, "%d: %s%s", 1 + (kind == ANNE__W_SEPARABLE) + bias,
             kind == ANNE__W_CONV ? "kernel" : kind == ANNE__W_DEPTHWISE ? "depthwise kernel"
                                                                           : "depthwise kernel, pointwise kernel",
             bias ? ", bias" : "");
    if (anne_kg_weights(g, &w, &n, 1u + (kind == ANNE__W_SEPARABLE) + (size_t)bias,
                        1u + (kind == ANNE__W_SEPARABLE) + (size_t)bias, what) != 0) {
        return -1;
    }
    if (kind == ANNE__W_CONV) {
        if (anne__kernel_shape(g, &w[0], "kernel", dims, tmpl.attr[0], tmpl.attr[1], in_c, filters) != 0) goto fail;
        op = anne__windowed_op(g, ANNE_OP_CONV2D, &tmpl, &out);
        if (op == NULL) goto fail;
        op->kernel = anne__conv_kernel(w[0].data, tmpl.attr[0], tmpl.attr[1], in_c, filters);
        op->kernel_n = (uint32_t)w[0].n;
        if (op->kernel == NULL) goto oom;
    } else {
        /* Keras' depthwise kernel (kh, kw, in_c, mult) is the runtime's (kh, kw, in_c * mult) as it is */
        if (anne__kernel_shape(g, &w[0], "depthwise kernel", dims, tmpl.attr[0], tmpl.attr[1], in_c, mult) != 0) goto fail;
        dw_out = out;
        dw_out.dims[dims] = (uint16_t)dw_c;
        /* a separable convolution's first op is named "<layer>_depthwise", its second "<layer>" */
        g->name_suffix = kind == ANNE__W_SEPARABLE ? "_depthwise" : "";
        op = anne__windowed_op(g, ANNE_OP_DEPTHWISE_CONV2D, &tmpl, &dw_out);
        g->name_suffix = "";
        if (op == NULL) goto fail;
        op->kernel = w[0].data;
        op->kernel_n = (uint32_t)w[0].n;
        w[0].data = NULL;
        if (kind == ANNE__W_SEPARABLE) {
            /* then a 1x1 convolution over the depthwise output */
            anne_ir_op one;
            if (anne__kernel_shape(g, &w[1], "pointwise kernel", dims, 1, 1, dw_c, filters) != 0) goto fail;
            g->in[0] = g->result;
            memset(&one, 0, sizeof one);
            one.attr[0] = one.attr[1] = one.attr[2] = one.attr[3] = one.attr[4] = one.attr[5] = 1;
            op = anne__windowed_op(g, ANNE_OP_CONV2D, &one, &out);
            if (op == NULL) goto fail;
            op->kernel = anne__conv_kernel(w[1].data, 1, 1, dw_c, filters);
            op->kernel_n = (uint32_t)w[1].n;
            if (op->kernel == NULL) goto oom;
        }
    }
    if (bias) {
        size_t want = out.dims[dims];
        if (anne_kg_array_shape(g, &w[n - 1u], "bias", 1, &want) != 0) goto fail;
        op->bias = w[n - 1u].data;
        op->bias_n = (uint32_t)w[n - 1u].n;
        w[n - 1u].data = NULL;
    }
    anne_keras_arrays_free(w, n);
    return anne_kg_activation(g, op);
oom:
    anne_kg_fail(g, "out of memory");
fail:
    anne_keras_arrays_free(w, n);
    return -1;
}

static int anne__pool(anne_kg *g, int dims, anne__wkind kind) {
    const anne_ir_tensor *in = anne_kg_shape(g, 0);
    anne_ir_op tmpl;
    anne_ir_tensor out;
    memset(&tmpl, 0, sizeof tmpl);
    if (anne__window(g, dims, kind, in->dims[in->rank - 1u], &tmpl, &out) != 0) return -1;
    return anne__windowed_op(g, kind == ANNE__W_MAX ? ANNE_OP_MAX_POOL2D : ANNE_OP_AVG_POOL2D, &tmpl, &out) == NULL ? -1
                                                                                                                : 0;
}

int anne_kg_window_layer(anne_kg *g) {
    int dims;
    anne__wkind kind;
    if (!anne__class(g->layer->class_name, &dims, &kind)) return 0;
    if (kind == ANNE__W_MAX || kind == ANNE__W_AVG) return anne__pool(g, dims, kind) == 0 ? 1 : -1;
    return anne__conv(g, dims, kind) == 0 ? 1 : -1;
}

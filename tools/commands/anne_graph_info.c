/* What the commands show of a graph model's ops: names, shapes, windows, figures (anne_graph_info.h). */
#include "anne_graph_info.h"

#include <stdio.h>
#include <string.h>


const char *anne_graph_op_name(anne_op_kind kind) {
    static const char *const names[ANNE_OP_KIND_COUNT] = {
        "?", "Dense", "Conv2D", "DepthwiseConv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool", "GlobalMaxPool",
        "ZeroPad2D", "Crop2D", "UpSample2D", "Reshape", "Permute", "ChannelAffine", "LayerNorm", "Add",
        "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Activation", "PReLU", "SimpleRNN",
        "GRU", "LSTM",
    };
    return (unsigned)kind < (unsigned)ANNE_OP_KIND_COUNT ? names[kind] : "?";
}

uint32_t anne_graph_tensor_values(const anne_tensor *t) {
    return (uint32_t)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

void anne_graph_shape_text(const anne_tensor *t, char *buf, size_t cap) {
    size_t at = 0;
    uint8_t k;
    at += (size_t)snprintf(buf, cap, "(");
    for (k = 0; k < t->rank && at < cap; k++) {
        at += (size_t)snprintf(buf + at, cap - at, "%s%u", k ? ", " : "", (unsigned)t->dims[k]);
    }
    if (at < cap) snprintf(buf + at, cap - at, ")");
}

/* The (H, W, C) view of a rank-2 or rank-3 tensor, as the runtime runs windowed ops ((L, C) is (1, L, C)). */
static anne_hwc anne__hwc(const anne_tensor *t) {
    anne_hwc s;
    s.h = t->rank >= 3 ? t->dims[t->rank - 3u] : 1u;
    s.w = t->rank >= 2 ? t->dims[t->rank - 2u] : 1u;
    s.c = t->dims[t->rank - 1u];
    return s;
}

/* One axis of a window: the padding after the input that the output's size implies, and whether the
 * pads are Keras' 'valid' (none, the last rows that fill no window dropped) or 'same' (TF's rule). */
static uint16_t anne__pad_after(uint32_t in, uint32_t out, uint32_t k, uint32_t s, uint32_t d, uint32_t before,
                                int *valid, int *same) {
    uint64_t span = (uint64_t)(out - 1u) * s + (uint64_t)(k - 1u) * d + 1u; /* out >= 1, checked at load */
    uint64_t need = span > in ? span - in : 0u;                            /* TF's P */
    uint64_t after = span > (uint64_t)in + before ? span - in - before : 0u;
    uint32_t reach = (k - 1u) * d + 1u;
    *valid = *valid && before == 0 && in >= reach && out == (in - reach) / s + 1u;
    *same = *same && out == (in + s - 1u) / s && before == need / 2u;
    return (uint16_t)(after > 0xFFFFu ? 0xFFFFu : after);
}

/* The window of a windowed op, its pads and what Keras' padding they are. */
static void anne__window(anne_graph_op_info *v) {
    const uint16_t *a = v->op.attr;
    anne_hwc in = anne__hwc(&v->in), out = anne__hwc(&v->out);
    int valid = 1, same = 1;
    v->win.kernel_h = a[0];
    v->win.kernel_w = a[1];
    v->win.stride_h = a[2];
    v->win.stride_w = a[3];
    v->win.dilation_h = a[4];
    v->win.dilation_w = a[5];
    v->win.pad_top = a[6];
    v->win.pad_left = a[7];
    v->pad[0] = a[6];
    v->pad[1] = anne__pad_after(in.h, out.h, a[0], a[2], a[4], a[6], &valid, &same);
    v->pad[2] = a[7];
    v->pad[3] = anne__pad_after(in.w, out.w, a[1], a[3], a[5], a[7], &valid, &same);
    v->padding = valid ? "valid" : same ? "same" : NULL;
}

/* ZeroPad2D's pads or Crop2D's crops (top, bottom, left, right): attr gives top and left, the larger
 * tensor's size the rest. */
static void anne__edges(uint16_t pad[4], const uint16_t *attr, anne_hwc large, anne_hwc small) {
    pad[0] = attr[0];
    pad[1] = (uint16_t)(large.h - small.h - attr[0]);
    pad[2] = attr[1];
    pad[3] = (uint16_t)(large.w - small.w - attr[1]);
}

anne_status anne_graph_op_info_get(const anne_model *m, uint16_t index, anne_graph_op_info *v) {
    anne_status st;
    anne_hwc in, out;
    memset(v, 0, sizeof *v);
    st = anne_model_op(m, index, &v->op);
    if (st == ANNE_OK) st = anne_model_tensor(m, v->op.inputs[0], &v->in);
    if (st == ANNE_OK) st = anne_model_tensor(m, v->op.output, &v->out);
    if (st != ANNE_OK) return st;
    in = anne__hwc(&v->in);
    out = anne__hwc(&v->out);
    /* int8 graphs: one byte a weight, int32 biases; float32: four bytes each. The aux records are not
     * parameters (they are computed from the scales), but they are weight bytes */
    v->params = v->out.dtype == ANNE_DTYPE_S8 ? (uint64_t)v->op.kernel_size + v->op.bias_size / 4u
                                              : ((uint64_t)v->op.kernel_size + v->op.bias_size) / 4u;
    v->weight_bytes = (uint64_t)v->op.kernel_size + v->op.bias_size + v->op.aux_size;
    switch (v->op.kind) {
    case ANNE_OP_DENSE: /* rows * n_in * n_out = (out values / n_out) * n_in * n_out */
        v->macs = (uint64_t)anne_graph_tensor_values(&v->out) * in.c;
        break;
    case ANNE_OP_CONV2D:
        v->macs = (uint64_t)out.h * out.w * out.c * v->op.attr[0] * v->op.attr[1] * in.c;
        break;
    case ANNE_OP_DEPTHWISE_CONV2D: v->macs = (uint64_t)out.h * out.w * out.c * v->op.attr[0] * v->op.attr[1]; break;
    case ANNE_OP_CHANNEL_AFFINE: v->macs = anne_graph_tensor_values(&v->out); break; /* a 1x1 depthwise */
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM: /* every step: the k*u gate values' products with the input and the state */
        v->macs = (uint64_t)v->in.dims[0] * (v->op.kernel_size / 4u);
        break;
    case ANNE_OP_ZERO_PAD2D: anne__edges(v->pad, v->op.attr, out, in); break;
    case ANNE_OP_CROP2D: anne__edges(v->pad, v->op.attr, in, out); break;
    default: break;
    }
    v->windowed = v->op.kind == ANNE_OP_CONV2D || v->op.kind == ANNE_OP_DEPTHWISE_CONV2D ||
                  v->op.kind == ANNE_OP_MAX_POOL2D || v->op.kind == ANNE_OP_AVG_POOL2D;
    if (v->windowed) anne__window(v);
    return ANNE_OK;
}

/* "a" for a 1-D pair (the H entry of a height-1 window), "axb" when they differ, else "a": the way
 * Keras prints kernel sizes and strides. */
static size_t anne__pair(char *buf, size_t cap, const char *tag, uint16_t h, uint16_t w, int one_d, const char *x) {
    if (one_d || h == w) return (size_t)snprintf(buf, cap, "%s%u", tag, (unsigned)w);
    return (size_t)snprintf(buf, cap, "%s%u%s%u", tag, (unsigned)h, x, (unsigned)w);
}

/* The pads as Keras writes them: ((top, bottom), (left, right)), or (left, right) for 1-D. */
static void anne__pads(char *buf, size_t cap, const char *word, const uint16_t pad[4], int one_d) {
    if (one_d) {
        snprintf(buf, cap, "%s (%u, %u)", word, (unsigned)pad[2], (unsigned)pad[3]);
    } else {
        snprintf(buf, cap, "%s ((%u, %u), (%u, %u))", word, (unsigned)pad[0], (unsigned)pad[1], (unsigned)pad[2],
                 (unsigned)pad[3]);
    }
}

void anne_graph_attr_text(const anne_graph_op_info *v, char *buf, size_t cap) {
    const anne_op *op = &v->op;
    int one_d = v->in.rank == 2;
    size_t at = 0;
    buf[0] = '\0';
    if (v->windowed) {
        /* a 1-D window shows only its width; a square one its side once: "3x3 s1", "3 s2 d2" */
        if (one_d) at = (size_t)snprintf(buf, cap, "%u", (unsigned)v->win.kernel_w);
        else at = (size_t)snprintf(buf, cap, "%ux%u", (unsigned)v->win.kernel_h, (unsigned)v->win.kernel_w);
        if (at < cap) at += anne__pair(buf + at, cap - at, " s", v->win.stride_h, v->win.stride_w, one_d, "x");
        if (at < cap && (v->win.dilation_h != 1 || v->win.dilation_w != 1)) {
            at += anne__pair(buf + at, cap - at, " d", v->win.dilation_h, v->win.dilation_w, one_d, "x");
        }
        if (at + 1u >= cap) return;
        if (v->padding != NULL) {
            snprintf(buf + at, cap - at, " %s", v->padding);
        } else {
            buf[at++] = ' ';
            anne__pads(buf + at, cap - at, "pad", v->pad, one_d);
        }
        return;
    }
    switch (op->kind) {
    case ANNE_OP_ZERO_PAD2D: anne__pads(buf, cap, "pad", v->pad, one_d); break;
    case ANNE_OP_CROP2D: anne__pads(buf, cap, "crop", v->pad, one_d); break;
    case ANNE_OP_UPSAMPLE2D: {
        anne_hwc in = anne__hwc(&v->in), out = anne__hwc(&v->out);
        if (one_d) snprintf(buf, cap, "size %u", (unsigned)(out.w / in.w));
        else snprintf(buf, cap, "size (%u, %u)", (unsigned)(out.h / in.h), (unsigned)(out.w / in.w));
        break;
    }
    case ANNE_OP_CONCAT: snprintf(buf, cap, "axis %u", (unsigned)op->attr[0]); break;
    case ANNE_OP_PRELU: /* alpha (C) or the whole shape */
        snprintf(buf, cap, "alpha per %s", op->kernel_size == 4u * v->out.dims[v->out.rank - 1u] ? "channel" : "value");
        break;
    case ANNE_OP_PERMUTE: {
        uint8_t k;
        at = (size_t)snprintf(buf, cap, "perm (");
        for (k = 0; k < v->in.rank && at < cap; k++) {
            at += (size_t)snprintf(buf + at, cap - at, "%s%u", k ? ", " : "", (unsigned)op->attr[k]);
        }
        if (at < cap) snprintf(buf + at, cap - at, ")");
        break;
    }
    case ANNE_OP_SIMPLE_RNN:
    case ANNE_OP_GRU:
    case ANNE_OP_LSTM: { /* "tanh sigmoid backwards reset_after scratch 768 B at 20992" */
        uint32_t u = v->out.dims[v->out.rank - 1u];
        at = (size_t)snprintf(buf, cap, "%s", anne_activation_name((anne_activation)op->attr[1]));
        if (op->kind != ANNE_OP_SIMPLE_RNN && at < cap) {
            at += (size_t)snprintf(buf + at, cap - at, " %s", anne_activation_name((anne_activation)op->attr[2]));
        }
        if ((op->attr[0] & ANNE_RNN_GO_BACKWARDS) != 0 && at < cap) at += (size_t)snprintf(buf + at, cap - at, " backwards");
        if ((op->attr[0] & ANNE_RNN_REVERSE_OUTPUT) != 0 && at < cap) at += (size_t)snprintf(buf + at, cap - at, " reversed");
        if ((op->attr[0] & ANNE_RNN_RESET_AFTER) != 0 && at < cap) at += (size_t)snprintf(buf + at, cap - at, " reset_after");
        if (at < cap) {
            snprintf(buf + at, cap - at, " scratch %u B at %u", (unsigned)(4u * ANNE_RNN_SCRATCH_PER_UNIT(op->kind) * u),
                     (unsigned)((uint32_t)op->attr[4] | (uint32_t)op->attr[5] << 16));
        }
        break;
    }
    case ANNE_OP_LAYER_NORM: {
        uint32_t bits = (uint32_t)op->attr[0] | (uint32_t)op->attr[1] << 16;
        float eps;
        memcpy(&eps, &bits, sizeof eps);
        snprintf(buf, cap, "epsilon %g", (double)eps);
        break;
    }
    default: break;
    }
}

/* The .tflite importer's int8 graph operators (anne_tflite_s8_graph.h): each TFLite operator of an int8
 * CNN as ANNE int8 graph ops, with the file's integers and what TFLite's Prepare functions compute from
 * its scales -- per-channel multipliers, fused activation clamps, MEAN's multiplier, softmax's exp
 * table (docs/tflite-import.md, "int8 graph models"). */
extern "C" {
#include "anne_quant.h"
#include "anne_quantize.h"
#include "anne_quantize_ops.h"
}

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "anne_tflite_s8_graph.h"

namespace anne_tflite {

/* anne_tflite_s8_graph.h */
int anne__s8_tensor(const anne__ctx &c, const Tensor *t, anne_tensor *out) {
    anne_ir_tensor s;
    std::memset(out, 0, sizeof *out);
    if (!anne__ir_shape(t, &s)) {
        return anne_error_set(c.err, "%s: tensor '%s' has shape %s; expected a batch of one and 1 to 4 more axes of 1 "
                              "to 65535", c.path, anne__tname(t), anne__shape(t).c_str());
    }
    out->dtype = ANNE_DTYPE_S8;
    out->rank = s.rank;
    std::memcpy(out->dims, s.dims, sizeof out->dims);
    return anne__act_quant(c, t, &out->scale, &out->zero_point);
}

/* anne_tflite_s8_graph.h */
uint32_t anne__values(const anne_tensor &t) {
    uint32_t n = 1;
    for (uint32_t k = 0; k < t.rank; k++) n *= t.dims[k];
    return n;
}

/* anne_tflite_s8_graph.h */
int anne__sfail(const anne__s8op &o, const std::string &why) {
    return anne_error_set(o.c->err, "%s: operator %d (%s): %s", o.c->path, o.n_op, o.name, why.c_str());
}

/* The ANNE tensor of the operator's input k, computed by an earlier operator. */
int anne__s8_input(const anne__s8op &o, uint32_t k, uint16_t *index) {
    const auto *in = o.op->inputs();
    const int32_t t = in != nullptr && k < in->size() ? in->Get(k) : -1;
    if (t < 0 || static_cast<size_t>(t) >= o.g->at.size() || o.g->at[static_cast<size_t>(t)] < 0) {
        return anne__sfail(o, "input " + std::to_string(k + 1u) + " '" + anne__tname(anne__tensor(*o.c, t)) +
                                  "' is not computed by an earlier operator");
    }
    *index = static_cast<uint16_t>(o.g->at[static_cast<size_t>(t)]);
    return 0;
}

/* Appends an op of kind reading tensor x and writing a new tensor t; nullptr (c.err set) past the limit. */
anne_op *anne__s8_push(const anne__s8op &o, anne_op_kind kind, uint16_t x, const anne_tensor &t) {
    if (o.g->t.size() >= ANNE_MAX_TENSORS) {
        anne__sfail(o, "more than " + std::to_string(ANNE_MAX_TENSORS) + " tensors");
        return nullptr;
    }
    anne_op op;
    std::memset(&op, 0, sizeof op);
    op.kind = kind;
    op.n_inputs = 1;
    op.inputs[0] = x;
    op.output = static_cast<uint16_t>(o.g->t.size());
    o.g->t.push_back(t);
    o.g->ops.push_back(op);
    return &o.g->ops.back();
}

/* Appends an op of kind reading tensor x and writing the operator's output; nullptr on an error. */
anne_op *anne__s8_emit(const anne__s8op &o, anne_op_kind kind, uint16_t x) {
    const auto *out = o.op->outputs();
    anne_tensor t;
    if (out == nullptr || out->size() != 1 || anne__tensor(*o.c, out->Get(0)) == nullptr) {
        anne__sfail(o, "expected one output tensor");
        return nullptr;
    }
    if (anne__s8_tensor(*o.c, anne__tensor(*o.c, out->Get(0)), &t) != 0) {
        anne_error_prefix(o.c->err, "%s: operator %d (%s)", o.c->path, o.n_op, o.name);
        return nullptr;
    }
    anne_op *op = anne__s8_push(o, kind, x, t);
    if (op != nullptr) o.g->at[static_cast<size_t>(out->Get(0))] = op->output;
    return op;
}

/* A kept copy of n bytes (an op's kernel, bias or aux). */
const void *anne__s8_keep(anne__s8g &g, const void *bytes, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(bytes);
    g.keep.emplace_back(b, b + n);
    return g.keep.back().data();
}

/* Tensors a and b quantized alike, bit for bit (ops that move values without arithmetic). */
bool anne__same_quant(const anne_tensor &a, const anne_tensor &b) {
    return std::memcmp(&a.scale, &b.scale, sizeof a.scale) == 0 && a.zero_point == b.zero_point;
}

std::string anne__quant_str(const anne_tensor &t) {
    char s[64];
    std::snprintf(s, sizeof s, "scale %.9g, zero point %d", static_cast<double>(t.scale), static_cast<int>(t.zero_point));
    return s;
}

/* The fused activation as people read it (the aux clamp is what runs): relu, with relu6's top. */
void anne__s8_clamp_activation(anne_op *op, ActivationFunctionType fused) {
    if (fused == ActivationFunctionType_NONE) return;
    op->activation = ANNE_ACT_RELU;
    anne_ir_default_params(ANNE_ACT_RELU, op->param);
    if (fused == ActivationFunctionType_RELU6) op->param[1] = 6.0f;
}

namespace {

/* The int8 filter of a weighted op (input 1: n_ch channels along axis `dim`, TFLite's symmetric
 * per-channel or per-tensor scales) and its int32 bias (input 2, or none), into op; aux = act clamp,
 * then QuantizeMultiplier(in_scale * w_scale[c] / out_scale) per channel, in double as TFLite's
 * PopulateConvolutionQuantizationParams. */
int anne__s8_weighted(const anne__s8op &o, anne_op *op, uint32_t n_ch, uint32_t dim, ActivationFunctionType fused) {
    const auto *in = o.op->inputs();
    const Tensor *w = anne__tensor(*o.c, in->Get(1));
    const anne_tensor &x = o.g->t[op->inputs[0]], &y = o.g->t[op->output];
    size_t n;
    const uint8_t *wd = w != nullptr ? anne__data(*o.c, w, &n) : nullptr;
    const std::string wn = std::string("filter '") + anne__tname(w) + "'";
    if (w == nullptr || w->type() != TensorType_INT8 || wd == nullptr || n != anne__elems(w)) {
        return anne__sfail(o, wn + " must be an int8 constant" +
                                  (w != nullptr ? std::string(" (type ") + EnumNameTensorType(w->type()) + ")" : ""));
    }
    const QuantizationParameters *q = w->quantization();
    const uint32_t n_scales = q != nullptr && q->scale() != nullptr ? q->scale()->size() : 0u;
    if (n_scales != 1u && !(n_scales == n_ch && static_cast<uint32_t>(q->quantized_dimension()) == dim)) {
        return anne__sfail(o, wn + " has " + std::to_string(n_scales) + " scales; expected one, or " +
                                  std::to_string(n_ch) + " along axis " + std::to_string(dim) + " (per channel)");
    }
    std::vector<int32_t> aux(2u + 2u * n_ch);
    std::vector<float> w_scale(n_ch);
    if (anne__fused_clamp(*o.c, o.n_op, o.name, fused, anne__tensor(*o.c, o.op->outputs()->Get(0)), y.scale,
                          y.zero_point, &aux[0], &aux[1]) != 0) {
        return -1;
    }
    for (uint32_t j = 0; j < n_ch; j++) {
        const uint32_t si = n_scales == 1u ? 0u : j;
        const float ws = q->scale()->Get(si);
        const int64_t zp = q->zero_point() != nullptr && si < q->zero_point()->size() ? anne__i64(q->zero_point(), si) : 0;
        if (!anne__good_scale(ws) || zp != 0) {
            return anne__sfail(o, wn + ", channel " + std::to_string(j + 1u) + ": scale " + std::to_string(ws) +
                                      ", zero point " + std::to_string(zp) + "; int8 filters need a scale > 0 and zero "
                                      "point 0 (TFLite's symmetric weights)");
        }
        w_scale[j] = ws;
    }
    const uint32_t bad = anne_s8_channel_multipliers(x.scale, w_scale.data(), n_ch, y.scale, &aux[2], &aux[2u + n_ch]);
    if (bad != 0) {
        return anne__sfail(o, "channel " + std::to_string(bad) + ": in_scale * w_scale / out_scale is too large "
                              "(a shift above 30)");
    }
    for (size_t i = 0; i < n; i++) {
        if (static_cast<int8_t>(wd[i]) == -128) {
            return anne__sfail(o, wn + " holds -128 (value " + std::to_string(i + 1u) + "); TFLite's int8 weights are in "
                                      "-127..127");
        }
    }
    op->kernel = anne__s8_keep(*o.g, wd, n);
    op->kernel_size = static_cast<uint32_t>(n);
    if (in->size() >= 3 && in->Get(2) >= 0) {
        const Tensor *b = anne__tensor(*o.c, in->Get(2));
        size_t nb;
        const uint8_t *bd = b != nullptr ? anne__data(*o.c, b, &nb) : nullptr;
        if (b == nullptr || b->type() != TensorType_INT32 || bd == nullptr || nb != 4u * n_ch) {
            return anne__sfail(o, std::string("bias '") + anne__tname(b) + "' must be " + std::to_string(n_ch) +
                                      " int32 constants");
        }
        const int64_t limit = static_cast<int64_t>(INT32_MAX) - static_cast<int64_t>(n / n_ch) * 127 * 255;
        for (uint32_t j = 0; j < n_ch; j++) {
            int32_t v;
            std::memcpy(&v, bd + 4u * j, 4); /* little-endian in the file and on the host */
            if (v > limit || -static_cast<int64_t>(v) > limit) {
                return anne__sfail(o, std::string("bias '") + anne__tname(b) + "', channel " + std::to_string(j + 1u) +
                                          " is " + std::to_string(v) + "; at most " + std::to_string(limit) +
                                          " in absolute value keeps the int32 sum from overflowing");
            }
        }
        op->bias = anne__s8_keep(*o.g, bd, nb);
        op->bias_size = static_cast<uint32_t>(nb);
    }
    anne__s8_clamp_activation(op, fused);
    op->aux = anne__s8_keep(*o.g, aux.data(), 4u * aux.size());
    op->aux_size = static_cast<uint32_t>(4u * aux.size());
    return 0;
}

int anne__s8_conv(const anne__s8op &o) {
    const bool dw = o.code == BuiltinOperator_DEPTHWISE_CONV_2D;
    const auto *in = o.op->inputs();
    uint16_t x;
    if (in == nullptr || in->size() < 2 || in->size() > 3) return anne__sfail(o, "expected inputs (input, filter[, bias])");
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const Tensor *f = anne__tensor(*o.c, in->Get(1));
    const auto *fs = f != nullptr ? f->shape() : nullptr;
    if (fs == nullptr || fs->size() != 4) return anne__sfail(o, "its filter is not a 4-D tensor");
    int sh = 1, sw = 1, dh = 1, dwf = 1;
    Padding pad = Padding_SAME;
    ActivationFunctionType fused = ActivationFunctionType_NONE;
    if (dw && o.op->builtin_options_as_DepthwiseConv2DOptions() != nullptr) {
        const DepthwiseConv2DOptions *p = o.op->builtin_options_as_DepthwiseConv2DOptions();
        sh = p->stride_h(), sw = p->stride_w(), dh = p->dilation_h_factor(), dwf = p->dilation_w_factor();
        pad = p->padding(), fused = p->fused_activation_function();
    } else if (!dw && o.op->builtin_options_as_Conv2DOptions() != nullptr) {
        const Conv2DOptions *p = o.op->builtin_options_as_Conv2DOptions();
        sh = p->stride_h(), sw = p->stride_w(), dh = p->dilation_h_factor(), dwf = p->dilation_w_factor();
        pad = p->padding(), fused = p->fused_activation_function();
    }
    const anne_tensor xs = o.g->t[x];
    const int32_t out_c = dw ? fs->Get(3) : fs->Get(0), in_c = xs.rank == 3 ? xs.dims[2] : 0;
    if (xs.rank != 3 || (dw && (fs->Get(0) != 1 || out_c % in_c != 0)) || (!dw && fs->Get(3) != in_c)) {
        return anne__sfail(o, "filter " + anne__shape(f) + " does not fit its input (H, W, C) with " +
                                  std::to_string(in_c) + " channels");
    }
    anne_op *op = anne__s8_emit(o, dw ? ANNE_OP_DEPTHWISE_CONV2D : ANNE_OP_CONV2D, x);
    if (op == nullptr) return -1;
    const anne_tensor &ys = o.g->t[op->output];
    if (ys.rank != 3 || ys.dims[2] != out_c) return anne__sfail(o, "its output does not have " + std::to_string(out_c) + " channels");
    if (anne__window_attr(*o.c, o.n_op, o.code, xs.dims, ys.dims, fs->Get(1), fs->Get(2), sh, sw, dh, dwf, pad,
                          op->attr) != 0) {
        return -1;
    }
    /* per-channel scales along the output channels: axis 0 of a CONV_2D filter, 3 of a depthwise one */
    return anne__s8_weighted(o, op, static_cast<uint32_t>(out_c), dw ? 3u : 0u, fused);
}

/* MAX_POOL_2D and AVERAGE_POOL_2D: nothing requantized (TFLite's rule), aux = the fused clamp. */
int anne__s8_pool(const anne__s8op &o) {
    uint16_t x;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const Pool2DOptions *p = o.op->builtin_options_as_Pool2DOptions();
    if (p == nullptr) return anne__sfail(o, "its Pool2DOptions are missing");
    const anne_tensor xs = o.g->t[x];
    if (xs.rank != 3) return anne__sfail(o, "expected a 4-D [1, height, width, channels] input");
    anne_op *op = anne__s8_emit(o, o.code == BuiltinOperator_MAX_POOL_2D ? ANNE_OP_MAX_POOL2D : ANNE_OP_AVG_POOL2D, x);
    if (op == nullptr) return -1;
    const anne_tensor &ys = o.g->t[op->output];
    if (ys.rank != 3 || ys.dims[2] != xs.dims[2]) return anne__sfail(o, "its output does not keep the channels");
    if (!anne__same_quant(xs, ys)) {
        return anne__sfail(o, "input (" + anne__quant_str(xs) + ") and output (" + anne__quant_str(ys) + ") differ; "
                              "TFLite's int8 pooling keeps the input's quantization");
    }
    int32_t clamp[2];
    if (anne__window_attr(*o.c, o.n_op, o.code, xs.dims, ys.dims, p->filter_height(), p->filter_width(), p->stride_h(),
                          p->stride_w(), 1, 1, p->padding(), op->attr) != 0 ||
        anne__fused_clamp(*o.c, o.n_op, o.name, p->fused_activation_function(),
                          anne__tensor(*o.c, o.op->outputs()->Get(0)), ys.scale, ys.zero_point, &clamp[0], &clamp[1]) != 0) {
        return -1;
    }
    anne__s8_clamp_activation(op, p->fused_activation_function());
    op->aux = anne__s8_keep(*o.g, clamp, sizeof clamp);
    op->aux_size = sizeof clamp;
    return 0;
}

/* MEAN over all the spatial axes: TFLite's int8 mean (anne_s8_mean_prepare). */
int anne__s8_mean(const anne__s8op &o) {
    uint16_t x;
    std::vector<int64_t> axes;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const anne_tensor xs = o.g->t[x];
    const auto *in = o.op->inputs();
    if (in->size() != 2 || !anne__int_constants(*o.c, in->Get(1), &axes)) {
        return anne__sfail(o, "its axes are not a constant int32 tensor");
    }
    /* TFLite's axes count the batch: the spatial axes of [1, ..., C] are 1 .. rank - 1 */
    const int64_t rank = xs.rank + 1;
    std::vector<bool> seen(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
        const int64_t p = a < 0 ? a + rank : a;
        if (p < 1 || p >= rank - 1 || seen[static_cast<size_t>(p)]) {
            return anne__sfail(o, "a mean over axis " + std::to_string(a) + ": ANNE reads the mean over the spatial "
                                  "axes (a global average pooling)");
        }
        seen[static_cast<size_t>(p)] = true;
    }
    if (xs.rank < 2 || static_cast<int64_t>(axes.size()) != rank - 2) {
        return anne__sfail(o, "a mean over some of the spatial axes: ANNE reads the mean over all of them");
    }
    anne_op *op = anne__s8_emit(o, ANNE_OP_GLOBAL_AVG_POOL, x);
    if (op == nullptr) return -1;
    anne_tensor &ys = o.g->t[op->output];
    const uint32_t ch = xs.dims[xs.rank - 1u], n = static_cast<uint32_t>(anne__values(xs) / ch);
    if (anne__values(ys) != ch) return anne__sfail(o, "its output does not have " + std::to_string(ch) + " values");
    ys.rank = 1; /* keep_dims or not: (C) in ANNE */
    ys.dims[0] = static_cast<uint16_t>(ch);
    ys.dims[1] = ys.dims[2] = ys.dims[3] = 1;
    anne_s8_mean_params mp;
    if (anne_s8_mean_prepare(xs.scale, xs.zero_point, ys.scale, ys.zero_point, n, &mp, o.c->err) != 0) {
        anne_error_prefix(o.c->err, "%s: operator %d (MEAN)", o.c->path, o.n_op);
        return -1;
    }
    const int32_t aux[2] = {mp.multiplier, mp.shift};
    op->aux = anne__s8_keep(*o.g, aux, sizeof aux);
    op->aux_size = sizeof aux;
    return 0;
}

/* RESHAPE, SQUEEZE, EXPAND_DIMS: the same bytes under another shape, so the same quantization. */
int anne__s8_reshape(const anne__s8op &o) {
    uint16_t x;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const anne_tensor xs = o.g->t[x];
    anne_op *op = anne__s8_emit(o, ANNE_OP_RESHAPE, x);
    if (op == nullptr) return -1;
    const anne_tensor &ys = o.g->t[op->output];
    if (anne__values(xs) != anne__values(ys)) return anne__sfail(o, "input and output sizes differ");
    if (!anne__same_quant(xs, ys)) {
        return anne__sfail(o, "input (" + anne__quant_str(xs) + ") and output (" + anne__quant_str(ys) + ") differ; "
                              "an int8 reshape copies bytes");
    }
    return 0;
}

/* FULLY_CONNECTED on the flattened input (TFLite flattens it; ANNE reshapes first). */
int anne__s8_fc(const anne__s8op &o) {
    const auto *in = o.op->inputs();
    uint16_t x;
    if (in == nullptr || in->size() < 2 || in->size() > 3) return anne__sfail(o, "expected inputs (input, weights[, bias])");
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    uint32_t units, n_in;
    if (!anne__fc_weights_shape(*o.c, in->Get(1), &units, &n_in)) {
        return anne__sfail(o, "its weights are not a 2-D [units, inputs] tensor");
    }
    const FullyConnectedOptions *p = o.op->builtin_options_as_FullyConnectedOptions();
    if (p != nullptr && p->weights_format() != 0) return anne__sfail(o, "its weights are stored in a shuffled format");
    anne_tensor xs = o.g->t[x];
    if (anne__values(xs) != n_in) {
        return anne__sfail(o, "its input has " + std::to_string(anne__values(xs)) + " values; the weights take " +
                              std::to_string(n_in) + " (a batch of one)");
    }
    if (xs.rank != 1) { /* a flatten of the same bytes */
        xs.rank = 1, xs.dims[0] = static_cast<uint16_t>(n_in), xs.dims[1] = xs.dims[2] = xs.dims[3] = 1;
        const anne_op *r = anne__s8_push(o, ANNE_OP_RESHAPE, x, xs);
        if (r == nullptr) return -1;
        x = r->output;
    }
    anne_op *op = anne__s8_emit(o, ANNE_OP_DENSE, x);
    if (op == nullptr) return -1;
    anne_tensor &ys = o.g->t[op->output];
    if (anne__values(ys) != units) return anne__sfail(o, "its output does not have " + std::to_string(units) + " values");
    ys.rank = 1, ys.dims[0] = static_cast<uint16_t>(units), ys.dims[1] = ys.dims[2] = ys.dims[3] = 1;
    return anne__s8_weighted(o, op, units, 0u,
                             p != nullptr ? p->fused_activation_function() : ActivationFunctionType_NONE);
}

/* SOFTMAX (TFLite's exp table of the input scale, output 1/256 and -128), LOGISTIC and TANH (a table of
 * TFLite's integer kernel). */
int anne__s8_activation(const anne__s8op &o) {
    uint16_t x;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const anne_tensor xs = o.g->t[x];
    if (o.code == BuiltinOperator_SOFTMAX) {
        const SoftmaxOptions *so = o.op->builtin_options_as_SoftmaxOptions();
        if (so == nullptr || so->beta() != 1.0f) return anne__sfail(o, "only beta = 1 is supported");
    }
    anne_op *op = anne__s8_emit(o, ANNE_OP_ACTIVATION, x);
    if (op == nullptr) return -1;
    const anne_tensor &ys = o.g->t[op->output];
    unsigned char table[512];
    op->activation = o.code == BuiltinOperator_SOFTMAX ? ANNE_ACT_SOFTMAX
                     : o.code == BuiltinOperator_TANH  ? ANNE_ACT_TANH
                                                       : ANNE_ACT_SIGMOID;
    anne_ir_default_params(op->activation, op->param);
    if (o.code == BuiltinOperator_SOFTMAX) {
        if (ys.scale != 1.0f / 256.0f || ys.zero_point != -128) {
            return anne__sfail(o, "output '" + std::string(anne__tname(anne__tensor(*o.c, o.op->outputs()->Get(0)))) +
                                  "' has " + anne__quant_str(ys) + "; int8 softmax has scale 1/256 and zero point -128");
        }
        anne_quantize_s8_exp_table(table, xs.scale);
        op->aux_size = 512u;
    } else {
        anne__s8_activation_table(op->activation, op->param, xs.scale, xs.zero_point, ys.scale, ys.zero_point, table);
        op->aux_size = 256u;
    }
    op->aux = anne__s8_keep(*o.g, table, op->aux_size);
    return 0;
}

} // namespace

/* anne_tflite_s8_graph.h */
const char *const anne__s8_supported_ops =
    "ANNE reads int8 CONV_2D, DEPTHWISE_CONV_2D (per-channel or per-tensor int8 filters, fused NONE/RELU/RELU6), "
    "MAX_POOL_2D, AVERAGE_POOL_2D, MEAN (spatial), RESHAPE, SQUEEZE, EXPAND_DIMS, FULLY_CONNECTED, ADD, SUB, MUL (two "
    "computed tensors, broadcasting), CONCATENATION (2 to 4), PAD/PADV2 (spatial, with the zero point), SOFTMAX, "
    "LOGISTIC, TANH, LEAKY_RELU, HARD_SWISH, QUANTIZE of a float32 input first and DEQUANTIZE last";

/* anne_tflite_s8_graph.h */
int anne__s8_operator(const anne__s8op &o) {
    switch (o.code) {
    case BuiltinOperator_CONV_2D:
    case BuiltinOperator_DEPTHWISE_CONV_2D: return anne__s8_conv(o);
    case BuiltinOperator_MAX_POOL_2D:
    case BuiltinOperator_AVERAGE_POOL_2D: return anne__s8_pool(o);
    case BuiltinOperator_MEAN: return anne__s8_mean(o);
    case BuiltinOperator_RESHAPE:
    case BuiltinOperator_SQUEEZE:
    case BuiltinOperator_EXPAND_DIMS: return anne__s8_reshape(o);
    case BuiltinOperator_FULLY_CONNECTED: return anne__s8_fc(o);
    case BuiltinOperator_SOFTMAX:
    case BuiltinOperator_LOGISTIC:
    case BuiltinOperator_TANH: return anne__s8_activation(o);
    case BuiltinOperator_ADD:
    case BuiltinOperator_SUB:
    case BuiltinOperator_MUL:
    case BuiltinOperator_CONCATENATION: return anne__s8_merge(o);
    case BuiltinOperator_PAD:
    case BuiltinOperator_PADV2: return anne__s8_pad(o);
    case BuiltinOperator_LEAKY_RELU:
    case BuiltinOperator_HARD_SWISH: return anne__s8_requant_activation(o);
    default: {
        const std::string hint = anne__keras_hint(*o.c, static_cast<uint32_t>(o.n_op - 1), o.code);
        return anne__sfail(o, "not supported in int8 models" + (hint.empty() ? std::string() : " (" + hint + ")") +
                                  "; " + anne__s8_supported_ops);
    }
    }
}


} // namespace anne_tflite

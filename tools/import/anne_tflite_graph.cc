/* The .tflite importer for float32 graph models (convolutions, pooling, merges): every operator
 * becomes graph ops of the IR (anne_ir.h, format 2.0), each TFLite tensor an IR tensor without the
 * batch axis. TFLite's layouts are ANNE's: CONV_2D filters [out_c, kh, kw, in_c], DEPTHWISE_CONV_2D
 * [1, kh, kw, out_c], FULLY_CONNECTED [units, inputs]. A Keras 1-D layer arrives as EXPAND_DIMS, the
 * 2-D operator and RESHAPE/SQUEEZE: reshapes in ANNE too. int8 graphs: anne_tflite_s8_graph.cc. */
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "anne_ir_graph.h"
}

#include "anne_tflite_internal.h"

namespace anne_tflite {

/* anne_tflite_internal.h */
bool anne__ir_shape(const Tensor *t, anne_ir_tensor *s) {
    const auto *sh = t != nullptr ? t->shape() : nullptr;
    std::memset(s, 0, sizeof *s);
    if (sh == nullptr || sh->size() < 1) return false;
    uint32_t first = sh->size() >= 2 && sh->Get(0) == 1 ? 1u : 0u;
    if (sh->size() - first < 1 || sh->size() - first > ANNE_MAX_RANK) return false;
    s->rank = static_cast<uint8_t>(sh->size() - first);
    for (uint32_t k = 0; k < ANNE_MAX_RANK; k++) {
        const int32_t d = k < s->rank ? sh->Get(first + k) : 1;
        if (d < 1 || d > 65535) return false;
        s->dims[k] = static_cast<uint16_t>(d);
    }
    return true;
}

/* anne_tflite_internal.h */
bool anne__fc_weights_shape(const anne__ctx &c, int32_t index, uint32_t *units, uint32_t *n_in) {
    const Tensor *w = anne__tensor(c, index);
    const auto *ws = w != nullptr ? w->shape() : nullptr;
    if (ws == nullptr || ws->size() != 2 || ws->Get(0) < 1 || ws->Get(1) < 1 || ws->Get(0) > 65535 || ws->Get(1) > 65535) {
        return false;
    }
    *units = static_cast<uint32_t>(ws->Get(0));
    *n_in = static_cast<uint32_t>(ws->Get(1));
    return true;
}

/* anne_tflite_internal.h */
bool anne__int_constants(const anne__ctx &c, int32_t index, std::vector<int64_t> *v) {
    const Tensor *t = anne__tensor(c, index);
    size_t n;
    const uint8_t *d = t != nullptr ? anne__data(c, t, &n) : nullptr;
    if (d == nullptr) return false;
    const size_t count = anne__elems(t) > 0 ? anne__elems(t) : 1u;
    const size_t width = t->type() == TensorType_INT32 ? 4u : t->type() == TensorType_INT64 ? 8u : 0u;
    if (width == 0 || n != width * count) return false;
    v->clear();
    for (size_t i = 0; i < count; i++) {
        int64_t x = 0;
        for (size_t b = 0; b < width; b++) x |= static_cast<int64_t>(d[i * width + b]) << (8u * b);
        if (width == 4u) x = static_cast<int32_t>(static_cast<uint32_t>(x));
        v->push_back(x);
    }
    return true;
}

/* anne_tflite_internal.h */
int anne__window_attr(const anne__ctx &c, int n_op, int32_t code, const uint16_t *in_hw, const uint16_t *out_hw, int kh,
                      int kw, int sh, int sw, int dh, int dw, Padding pad, uint16_t *attr) {
    const int k[2] = {kh, kw}, s[2] = {sh, sw}, d[2] = {dh, dw};
    const std::string head = std::string(c.path) + ": operator " + std::to_string(n_op) + " (" + anne__op_name(code) +
                             "): ";
    for (int a = 0; a < 2; a++) {
        if (k[a] < 1 || s[a] < 1 || d[a] < 1 || k[a] > 65535 || s[a] > 65535 || d[a] > 65535) {
            return anne_error_set(c.err, "%swindow size, stride and dilation must be 1 to 65535", head.c_str());
        }
        const long span = static_cast<long>(k[a] - 1) * d[a] + 1, n = in_hw[a], o = out_hw[a];
        const long want = pad == Padding_SAME ? (n + s[a] - 1) / s[a] : (n >= span ? (n - span) / s[a] + 1 : 0);
        if (o != want) {
            return anne_error_set(c.err, "%soutput %s %ld, but %s padding gives %ld", head.c_str(),
                                  a == 0 ? "height" : "width", o, pad == Padding_SAME ? "SAME" : "VALID", want);
        }
        const long total = pad == Padding_SAME ? (o - 1) * s[a] + span - n : 0;
        attr[6 + a] = static_cast<uint16_t>(total > 0 ? total / 2 : 0);
        attr[a] = static_cast<uint16_t>(k[a]);
        attr[2 + a] = static_cast<uint16_t>(s[a]);
        attr[4 + a] = static_cast<uint16_t>(d[a]);
    }
    return 0;
}

namespace {

struct anne__gwalk {
    anne_ir ir;
    std::vector<int32_t> at; /* TFLite tensor -> IR tensor, or -1 */
    std::string what;        /* for the --check line */
};

int anne__fail(const anne__ctx &c, int n_op, int32_t code, const std::string &why) {
    return anne_error_set(c.err, "%s: operator %d (%s): %s", c.path, n_op, anne__op_name(code).c_str(), why.c_str());
}

/* A fused activation as an ANNE activation. */
int anne__fused(const anne__ctx &c, int n_op, int32_t code, ActivationFunctionType f, anne_ir_op *op) {
    anne_activation act = ANNE_ACT_LINEAR;
    /* TFLite's float kernels apply a fused activation as a clamp (CalculateActivationRange): RELU and RELU6;
     * RELU_N1_TO_1 has no ANNE activation, and TANH or SIGN_BIT would be ignored by TFLite itself */
    switch (f) {
    case ActivationFunctionType_NONE: break;
    case ActivationFunctionType_RELU:
    case ActivationFunctionType_RELU6: act = ANNE_ACT_RELU; break;
    default:
        return anne__fail(c, n_op, code, std::string("fused activation ") + EnumNameActivationFunctionType(f) +
                                             " is not supported (NONE, RELU and RELU6 are)");
    }
    op->activation = act;
    anne_ir_default_params(act, op->param);
    if (f == ActivationFunctionType_RELU6) op->param[1] = 6.0f;
    return 0;
}

/* The walk's state for one operator. */
struct anne__gop {
    const anne__ctx *c;
    anne__gwalk *w;
    const Operator *op;
    int n_op;
    int32_t code;
    bool check;
};

int anne__gfail(const anne__gop &g, const std::string &why) {
    return anne__fail(*g.c, g.n_op, g.code, why);
}

/* The IR tensor of the operator's input k (an activation computed before it). */
int anne__input(const anne__gop &g, uint32_t k, uint16_t *ir_index) {
    const auto *in = g.op->inputs();
    if (in == nullptr || k >= in->size()) return anne__gfail(g, "too few inputs");
    const int32_t t = in->Get(k);
    if (t < 0 || static_cast<size_t>(t) >= g.w->at.size() || g.w->at[static_cast<size_t>(t)] < 0) {
        const Tensor *tt = anne__tensor(*g.c, t);
        return anne__gfail(g, "input " + std::to_string(k + 1u) + " '" + anne__tname(tt) +
                                  "' is not computed by an earlier operator (a constant operand, e.g. a broadcast, is "
                                  "not supported)");
    }
    *ir_index = static_cast<uint16_t>(g.w->at[static_cast<size_t>(t)]);
    return 0;
}

/* Appends an op over the given IR inputs writing the operator's output tensor. */
anne_ir_op *anne__emit(const anne__gop &g, anne_op_kind kind, const uint16_t *inputs, size_t n_in) {
    const auto *out = g.op->outputs();
    anne_ir_tensor shape;
    const Tensor *t = out != nullptr && out->size() == 1 ? anne__tensor(*g.c, out->Get(0)) : nullptr;
    if (t == nullptr) {
        anne__gfail(g, "expected one output tensor");
        return nullptr;
    }
    if (t->type() != TensorType_FLOAT32) {
        anne__gfail(g, std::string("output '") + anne__tname(t) + "' is " + EnumNameTensorType(t->type()) +
                           "; a graph model is all float32, or all int8 (an int8 input, or a float32 one through QUANTIZE)");
        return nullptr;
    }
    if (!anne__ir_shape(t, &shape)) {
        anne__gfail(g, std::string("output '") + anne__tname(t) + "' has shape " + anne__shape(t) +
                           "; expected a batch of one and 1 to 4 more axes of 1 to 65535");
        return nullptr;
    }
    uint16_t index = 0;
    anne_ir_op *op = anne_ir_add_op(&g.w->ir, kind, n_in, inputs, &shape, &index, g.c->err);
    if (op == nullptr) {
        anne_error_prefix(g.c->err, "%s: operator %d (%s)", g.c->path, g.n_op, anne__op_name(g.code).c_str());
        return nullptr;
    }
    g.w->at[static_cast<size_t>(out->Get(0))] = index;
    return op;
}

/* The window of a CONV_2D, DEPTHWISE_CONV_2D or pool on (H, W, C) tensors: anne__window_attr. */
int anne__window(const anne__gop &g, const anne_ir_tensor &in, const anne_ir_tensor &out, int kh, int kw, int sh, int sw,
                 int dh, int dw, Padding pad, anne_ir_op *op) {
    if (in.rank != 3 || out.rank != 3) return anne__gfail(g, "expected 4-D [1, height, width, channels] tensors");
    return anne__window_attr(*g.c, g.n_op, g.code, in.dims, out.dims, kh, kw, sh, sw, dh, dw, pad, op->attr);
}

/* CONV_2D and DEPTHWISE_CONV_2D. */
int anne__conv(const anne__gop &g) {
    const bool dw = g.code == BuiltinOperator_DEPTHWISE_CONV_2D;
    const auto *in = g.op->inputs();
    uint16_t x;
    if (in == nullptr || in->size() < 2 || in->size() > 3) return anne__gfail(g, "expected inputs (input, filter[, bias])");
    if (anne__input(g, 0, &x) != 0) return -1;
    const anne_ir_tensor xs = g.w->ir.tensors[x];
    const Tensor *f = anne__tensor(*g.c, in->Get(1));
    const auto *fs = f != nullptr ? f->shape() : nullptr;
    if (fs == nullptr || fs->size() != 4) return anne__gfail(g, "its filter is not a 4-D tensor");
    int sh = 1, sw = 1, dh = 1, dw_ = 1;
    Padding pad = Padding_SAME;
    ActivationFunctionType fused = ActivationFunctionType_NONE;
    if (dw) {
        const DepthwiseConv2DOptions *o = g.op->builtin_options_as_DepthwiseConv2DOptions();
        if (o != nullptr) {
            sh = o->stride_h(), sw = o->stride_w(), dh = o->dilation_h_factor(), dw_ = o->dilation_w_factor();
            pad = o->padding();
            fused = o->fused_activation_function();
        }
    } else {
        const Conv2DOptions *o = g.op->builtin_options_as_Conv2DOptions();
        if (o != nullptr) {
            sh = o->stride_h(), sw = o->stride_w(), dh = o->dilation_h_factor(), dw_ = o->dilation_w_factor();
            pad = o->padding();
            fused = o->fused_activation_function();
        }
    }
    const int32_t out_c = dw ? fs->Get(3) : fs->Get(0), kh = fs->Get(1), kw = fs->Get(2);
    const int32_t in_c = xs.rank == 3 ? xs.dims[2] : 0;
    if ((dw && (fs->Get(0) != 1 || in_c == 0 || out_c % in_c != 0)) || (!dw && fs->Get(3) != in_c)) {
        return anne__gfail(g, "filter " + anne__shape(f) + " does not fit input channels " + std::to_string(in_c) +
                                  (dw ? " (expected [1, kh, kw, channels x multiplier])" : " (expected [out, kh, kw, in])"));
    }
    anne_ir_op *op = anne__emit(g, dw ? ANNE_OP_DEPTHWISE_CONV2D : ANNE_OP_CONV2D, &x, 1);
    if (op == nullptr) return -1;
    const anne_ir_tensor os = g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1u];
    if (os.rank != 3 || os.dims[2] != out_c) return anne__gfail(g, "its output does not have " + std::to_string(out_c) + " channels");
    if (anne__window(g, xs, os, kh, kw, sh, sw, dh, dw_, pad, op) != 0 || anne__fused(*g.c, g.n_op, g.code, fused, op)) {
        return -1;
    }
    const size_t count = anne__elems(f);
    op->kernel_n = static_cast<uint32_t>(count);
    if (anne__constant(*g.c, g.n_op, anne__op_name(g.code).c_str(), in->Get(1), count, "filter", &op->kernel) != 0) {
        return -1;
    }
    if (in->size() == 3 && in->Get(2) >= 0) {
        op->bias_n = static_cast<uint32_t>(out_c);
        if (anne__constant(*g.c, g.n_op, anne__op_name(g.code).c_str(), in->Get(2), static_cast<size_t>(out_c), "bias",
                           &op->bias) != 0) {
            return -1;
        }
    }
    return 0;
}

int anne__pool(const anne__gop &g) {
    uint16_t x;
    if (anne__input(g, 0, &x) != 0) return -1;
    const anne_ir_tensor xs = g.w->ir.tensors[x];
    const Pool2DOptions *o = g.op->builtin_options_as_Pool2DOptions();
    if (o == nullptr) return anne__gfail(g, "its Pool2DOptions are missing");
    anne_ir_op *op = anne__emit(g, g.code == BuiltinOperator_MAX_POOL_2D ? ANNE_OP_MAX_POOL2D : ANNE_OP_AVG_POOL2D, &x, 1);
    if (op == nullptr) return -1;
    return anne__window(g, xs, g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1u], o->filter_height(), o->filter_width(), o->stride_h(),
                        o->stride_w(), 1, 1, o->padding(), op) != 0 ||
                   anne__fused(*g.c, g.n_op, g.code, o->fused_activation_function(), op) != 0
               ? -1
               : 0;
}

/* Integer constants (axes, paddings) of input k. */
bool anne__ints(const anne__gop &g, uint32_t k, std::vector<int64_t> *v) {
    const auto *in = g.op->inputs();
    return in != nullptr && k < in->size() && anne__int_constants(*g.c, in->Get(k), v);
}

/* MEAN over every spatial axis: a global average pooling. */
int anne__mean(const anne__gop &g) {
    uint16_t x;
    std::vector<int64_t> axes;
    if (anne__input(g, 0, &x) != 0) return -1;
    const anne_ir_tensor xs = g.w->ir.tensors[x];
    if (!anne__ints(g, 1, &axes)) return anne__gfail(g, "its axes are not a constant int32 tensor");
    /* TFLite's axes count the batch: (H, W, C) is 4-D [1, H, W, C], spatial axes 1 and 2 */
    const int64_t rank = xs.rank + 1;
    std::vector<bool> seen(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
        const int64_t p = a < 0 ? a + rank : a;
        if (p < 1 || p >= rank - 1 || seen[static_cast<size_t>(p)]) {
            return anne__gfail(g, "a mean over axis " + std::to_string(a) + ": ANNE reads the mean over the spatial "
                                  "axes (a global average pooling)");
        }
        seen[static_cast<size_t>(p)] = true;
    }
    if (static_cast<int64_t>(axes.size()) != rank - 2) {
        return anne__gfail(g, "a mean over some of the spatial axes: ANNE reads the mean over all of them");
    }
    return anne__emit(g, ANNE_OP_GLOBAL_AVG_POOL, &x, 1) == nullptr ? -1 : 0;
}

/* PAD / PADV2 with zeros, on the spatial axes only. */
int anne__pad(const anne__gop &g) {
    uint16_t x;
    std::vector<int64_t> p;
    if (anne__input(g, 0, &x) != 0) return -1;
    const anne_ir_tensor xs = g.w->ir.tensors[x];
    if (!anne__ints(g, 1, &p) || p.size() != 2u * (xs.rank + 1u)) {
        return anne__gfail(g, "its paddings are not a constant [rank, 2] integer tensor");
    }
    if (g.code == BuiltinOperator_PADV2) {
        float *v = nullptr;
        const auto *in = g.op->inputs();
        if (in->size() >= 3 && in->Get(2) >= 0) {
            if (anne__constant(*g.c, g.n_op, "PADV2", in->Get(2), 1, "constant", &v) != 0) return -1;
            const bool zero = v[0] == 0.0f;
            std::free(v);
            if (!zero) return anne__gfail(g, "padding with a value other than 0 is not supported");
        }
    }
    const size_t last = p.size() - 2u;
    if (xs.rank < 2 || xs.rank > 3 || p[0] != 0 || p[1] != 0 || p[last] != 0 || p[last + 1u] != 0) {
        return anne__gfail(g, "padding of the batch or channel axis, or of a tensor that is not (L, C) or (H, W, C), "
                              "is not supported");
    }
    for (int64_t v : p) {
        if (v < 0 || v > 65535) return anne__gfail(g, "a padding of " + std::to_string(v));
    }
    anne_ir_op *op = anne__emit(g, ANNE_OP_ZERO_PAD2D, &x, 1);
    if (op == nullptr) return -1;
    op->attr[0] = static_cast<uint16_t>(xs.rank == 3 ? p[2] : 0);
    op->attr[1] = static_cast<uint16_t>(xs.rank == 3 ? p[4] : p[2]);
    return 0;
}

/* ADD, SUB, MUL, MAXIMUM, MINIMUM of two computed tensors, of one shape or shapes that broadcast (TFLite's
 * rules, NumPy's: aligned at the last axis, each axis equal or 1; the output's shape is theirs);
 * CONCATENATION of 2 to 4. */
int anne__merge(const anne__gop &g) {
    const auto *in = g.op->inputs();
    const size_t n = in != nullptr ? in->size() : 0u;
    uint16_t xs[ANNE_MAX_OP_INPUTS];
    const bool concat = g.code == BuiltinOperator_CONCATENATION;
    if (n < 2 || n > (concat ? ANNE_MAX_OP_INPUTS : 2u)) {
        return anne__gfail(g, std::to_string(n) + " inputs; expected " + (concat ? "2 to 4" : "2"));
    }
    for (uint32_t k = 0; k < n; k++) {
        if (anne__input(g, k, &xs[k]) != 0) return -1;
    }
    anne_ir_tensor want;
    if (!concat) {
        const anne_ir_tensor *shapes[2] = {&g.w->ir.tensors[xs[0]], &g.w->ir.tensors[xs[1]]};
        if (anne_ir_broadcast(shapes, 2, &want) != 0) {
            char a[48], b[48];
            anne_ir_tensor_describe(shapes[0], a, sizeof a);
            anne_ir_tensor_describe(shapes[1], b, sizeof b);
            return anne__gfail(g, std::string("inputs of shapes ") + a + " and " + b +
                                      " do not broadcast (each axis, counted from the last, must be equal or 1)");
        }
    }
    const anne_op_kind kind = g.code == BuiltinOperator_ADD       ? ANNE_OP_ADD
                              : g.code == BuiltinOperator_SUB     ? ANNE_OP_SUBTRACT
                              : g.code == BuiltinOperator_MUL     ? ANNE_OP_MULTIPLY
                              : g.code == BuiltinOperator_MAXIMUM ? ANNE_OP_MAXIMUM
                              : g.code == BuiltinOperator_MINIMUM ? ANNE_OP_MINIMUM
                                                                  : ANNE_OP_CONCAT;
    const uint8_t rank = g.w->ir.tensors[xs[0]].rank;
    anne_ir_op *op = anne__emit(g, kind, xs, n);
    if (op == nullptr) return -1;
    if (!concat && !anne_ir_tensor_same(&g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1], &want)) {
        char a[48], b[48];
        anne_ir_tensor_describe(&g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1], a, sizeof a);
        anne_ir_tensor_describe(&want, b, sizeof b);
        return anne__gfail(g, std::string("its output has shape ") + a + "; its inputs broadcast to " + b);
    }
    ActivationFunctionType fused = ActivationFunctionType_NONE;
    if (const AddOptions *o = g.op->builtin_options_as_AddOptions()) fused = o->fused_activation_function();
    if (const SubOptions *o = g.op->builtin_options_as_SubOptions()) fused = o->fused_activation_function();
    if (const MulOptions *o = g.op->builtin_options_as_MulOptions()) fused = o->fused_activation_function();
    if (const ConcatenationOptions *o = g.op->builtin_options_as_ConcatenationOptions()) {
        fused = o->fused_activation_function();
        /* TFLite's axis counts the batch axis */
        const int64_t axis = o->axis() < 0 ? o->axis() + rank + 1 : o->axis();
        if (axis < 1 || axis > rank) return anne__gfail(g, "concatenation over axis " + std::to_string(o->axis()));
        op->attr[0] = static_cast<uint16_t>(axis - 1);
    } else if (concat) {
        return anne__gfail(g, "its ConcatenationOptions are missing");
    }
    return anne__fused(*g.c, g.n_op, g.code, fused, op);
}

/* RESHAPE, SQUEEZE, EXPAND_DIMS: the same values in another shape. */
int anne__reshape_op(const anne__gop &g) {
    uint16_t x;
    if (anne__input(g, 0, &x) != 0) return -1;
    const size_t values = anne_ir_tensor_values(&g.w->ir.tensors[x]);
    if (anne__emit(g, ANNE_OP_RESHAPE, &x, 1) == nullptr) return -1;
    if (anne_ir_tensor_values(&g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1u]) != values) {
        return anne__gfail(g, "its output has another number of values than its input");
    }
    return 0;
}

int anne__activation_op(const anne__gop &g) {
    uint16_t x;
    anne_activation act;
    float p[3] = {0, 0, 0};
    switch (g.code) {
    case BuiltinOperator_LOGISTIC: act = ANNE_ACT_SIGMOID; break;
    case BuiltinOperator_TANH: act = ANNE_ACT_TANH; break;
    case BuiltinOperator_ELU: act = ANNE_ACT_ELU; break;
    case BuiltinOperator_RELU:
    case BuiltinOperator_RELU6: act = ANNE_ACT_RELU; break;
    case BuiltinOperator_LEAKY_RELU: act = ANNE_ACT_LEAKY_RELU; break;
    case BuiltinOperator_HARD_SWISH: act = ANNE_ACT_HARD_SWISH; break;
    default: act = ANNE_ACT_SOFTMAX; break;
    }
    anne_ir_default_params(act, p);
    if (g.code == BuiltinOperator_RELU6) p[1] = 6.0f;
    if (g.code == BuiltinOperator_LEAKY_RELU) {
        const LeakyReluOptions *o = g.op->builtin_options_as_LeakyReluOptions();
        p[0] = o != nullptr ? o->alpha() : 0.0f;
    }
    if (g.code == BuiltinOperator_SOFTMAX) {
        const SoftmaxOptions *o = g.op->builtin_options_as_SoftmaxOptions();
        if (o != nullptr && o->beta() != 1.0f) {
            return anne__gfail(g, "softmax with beta " + std::to_string(o->beta()) + " (ANNE's softmax has beta 1)");
        }
    }
    if (anne_activation_check(act, p) != ANNE_OK) return anne__gfail(g, "its parameter is out of range");
    if (anne__input(g, 0, &x) != 0) return -1;
    anne_ir_op *op = anne__emit(g, ANNE_OP_ACTIVATION, &x, 1);
    if (op == nullptr) return -1;
    op->activation = act;
    std::memcpy(op->param, p, sizeof p);
    return 0;
}

/* PRELU (a Keras PReLU): alpha a constant that broadcasts to the input (TFLite's rule; the converter
 * writes the layer's alpha, [1, 1, C] for shared_axes [1, 2]): one slope per channel, or per value. */
int anne__prelu(const anne__gop &g) {
    const auto *in = g.op->inputs();
    uint16_t x;
    if (in == nullptr || in->size() != 2) return anne__gfail(g, "expected inputs (input, alpha)");
    if (anne__input(g, 0, &x) != 0) return -1;
    const anne_ir_tensor xs = g.w->ir.tensors[x];
    const Tensor *at = anne__tensor(*g.c, in->Get(1));
    const auto *ash = at != nullptr ? at->shape() : nullptr;
    anne_ir_tensor a, b;
    std::memset(&a, 0, sizeof a);
    uint32_t skip = 0; /* leading axes of 1 beyond the input's rank (a batch axis) */
    while (ash != nullptr && ash->size() - skip > xs.rank && ash->Get(skip) == 1) skip++;
    if (ash == nullptr || ash->size() - skip < 1 || ash->size() - skip > xs.rank) {
        return anne__gfail(g, "alpha " + anne__shape(at) + " must have 1 to " + std::to_string(xs.rank) +
                                  " axes (besides leading ones of size 1), as its input");
    }
    a.rank = static_cast<uint8_t>(ash->size() - skip);
    for (uint32_t k = 0; k < ANNE_MAX_RANK; k++) {
        const int32_t d = k < a.rank ? ash->Get(skip + k) : 1;
        if (d < 1 || d > 65535) return anne__gfail(g, "alpha has shape " + anne__shape(at));
        a.dims[k] = static_cast<uint16_t>(d);
    }
    const anne_ir_tensor *shapes[2] = {&xs, &a};
    if (anne_ir_broadcast(shapes, 2, &b) != 0 || !anne_ir_tensor_same(&b, &xs)) {
        char want[48];
        anne_ir_tensor_describe(&xs, want, sizeof want);
        return anne__gfail(g, "alpha " + anne__shape(at) + " does not broadcast to the input " + want);
    }
    float *alpha = nullptr;
    if (anne__constant(*g.c, g.n_op, "PRELU", in->Get(1), anne_ir_tensor_values(&a), "alpha", &alpha) != 0) return -1;
    anne_ir_op *op = anne__emit(g, ANNE_OP_PRELU, &x, 1);
    if (op != nullptr && !anne_ir_tensor_same(&g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1], &xs)) {
        std::free(alpha);
        return anne__gfail(g, "its output's shape is not its input's");
    }
    if (op != nullptr) op->kernel = anne_ir_prelu_slopes(&xs, &a, alpha, &op->kernel_n);
    std::free(alpha);
    if (op == nullptr) return -1;
    if (op->kernel == nullptr) {
        op->kernel_n = 0;
        return anne_error_set(g.c->err, "out of memory");
    }
    return 0;
}

/* FULLY_CONNECTED on the last axis; an input whose values are the weights' inputs but whose last axis
 * is not (TFLite flattens it) gets a reshape first. */
int anne__fully_connected(const anne__gop &g) {
    const auto *in = g.op->inputs();
    uint16_t x;
    if (in == nullptr || in->size() < 2 || in->size() > 3) return anne__gfail(g, "expected inputs (input, weights[, bias])");
    if (anne__input(g, 0, &x) != 0) return -1;
    uint32_t n_units, n_inputs;
    if (!anne__fc_weights_shape(*g.c, in->Get(1), &n_units, &n_inputs)) {
        return anne__gfail(g, "its weights are not a 2-D [units, inputs] tensor");
    }
    const size_t units = n_units, n_in = n_inputs;
    anne_ir_tensor xs = g.w->ir.tensors[x];
    if (xs.dims[xs.rank - 1u] != n_in) {
        if (anne_ir_tensor_values(&xs) != n_in) {
            return anne__gfail(g, "its input has " + std::to_string(anne_ir_tensor_values(&xs)) + " values; the weights "
                                  "take " + std::to_string(n_in));
        }
        anne_ir_tensor flat;
        std::memset(&flat, 0, sizeof flat);
        flat.rank = 1;
        flat.dims[0] = static_cast<uint16_t>(n_in);
        flat.dims[1] = flat.dims[2] = flat.dims[3] = 1;
        if (anne_ir_add_op(&g.w->ir, ANNE_OP_RESHAPE, 1, &x, &flat, &x, g.c->err) == nullptr) return -1;
    }
    anne_ir_op *op = anne__emit(g, ANNE_OP_DENSE, &x, 1);
    if (op == nullptr) return -1;
    const anne_ir_tensor os = g.w->ir.tensors[anne_ir_n_tensors(&g.w->ir) - 1u];
    if (os.dims[os.rank - 1u] != units) return anne__gfail(g, "its output's last axis is not " + std::to_string(units));
    const FullyConnectedOptions *o = g.op->builtin_options_as_FullyConnectedOptions();
    if (o != nullptr && o->weights_format() != 0) return anne__gfail(g, "its weights are stored in a shuffled format");
    if (anne__fused(*g.c, g.n_op, g.code, o != nullptr ? o->fused_activation_function() : ActivationFunctionType_NONE,
                    op) != 0) {
        return -1;
    }
    op->kernel_n = static_cast<uint32_t>(units * n_in);
    if (anne__constant(*g.c, g.n_op, "FULLY_CONNECTED", in->Get(1), units * n_in, "weights", &op->kernel) != 0) return -1;
    if (in->size() == 3 && in->Get(2) >= 0) {
        op->bias_n = static_cast<uint32_t>(units);
        if (anne__constant(*g.c, g.n_op, "FULLY_CONNECTED", in->Get(2), units, "bias", &op->bias) != 0) return -1;
    }
    return 0;
}

} // namespace

/* anne_tflite_internal.h */
bool anne__graph_operator_code(int32_t code) {
    switch (code) {
    case BuiltinOperator_CONV_2D:
    case BuiltinOperator_DEPTHWISE_CONV_2D:
    case BuiltinOperator_MAX_POOL_2D:
    case BuiltinOperator_AVERAGE_POOL_2D:
    case BuiltinOperator_MEAN:
    case BuiltinOperator_PAD:
    case BuiltinOperator_PADV2:
    case BuiltinOperator_ADD:
    case BuiltinOperator_SUB:
    case BuiltinOperator_MUL:
    case BuiltinOperator_MAXIMUM:
    case BuiltinOperator_MINIMUM:
    case BuiltinOperator_CONCATENATION:
    case BuiltinOperator_SQUEEZE:
    case BuiltinOperator_EXPAND_DIMS:
    case BuiltinOperator_ELU:
    case BuiltinOperator_RELU:
    case BuiltinOperator_RELU6:
    case BuiltinOperator_LEAKY_RELU:
    case BuiltinOperator_HARD_SWISH:
    case BuiltinOperator_PRELU: return true;
    default: return false;
    }
}

namespace {

/* One operator. 0, or -1 with c.err set. */
int anne__graph_operator(const anne__gop &g) {
    switch (g.code) {
    case BuiltinOperator_CONV_2D:
    case BuiltinOperator_DEPTHWISE_CONV_2D: return anne__conv(g);
    case BuiltinOperator_MAX_POOL_2D:
    case BuiltinOperator_AVERAGE_POOL_2D: return anne__pool(g);
    case BuiltinOperator_MEAN: return anne__mean(g);
    case BuiltinOperator_PAD:
    case BuiltinOperator_PADV2: return anne__pad(g);
    case BuiltinOperator_ADD:
    case BuiltinOperator_SUB:
    case BuiltinOperator_MUL:
    case BuiltinOperator_MAXIMUM:
    case BuiltinOperator_MINIMUM:
    case BuiltinOperator_CONCATENATION: return anne__merge(g);
    case BuiltinOperator_RESHAPE:
    case BuiltinOperator_SQUEEZE:
    case BuiltinOperator_EXPAND_DIMS: return anne__reshape_op(g);
    case BuiltinOperator_LOGISTIC:
    case BuiltinOperator_TANH:
    case BuiltinOperator_ELU:
    case BuiltinOperator_RELU:
    case BuiltinOperator_RELU6:
    case BuiltinOperator_LEAKY_RELU:
    case BuiltinOperator_HARD_SWISH:
    case BuiltinOperator_SOFTMAX: return anne__activation_op(g);
    case BuiltinOperator_FULLY_CONNECTED: return anne__fully_connected(g);
    case BuiltinOperator_PRELU: return anne__prelu(g);
    default: {
        const std::string hint = anne__keras_hint(*g.c, static_cast<uint32_t>(g.n_op - 1), g.code);
        return anne__gfail(g, "not supported" + (hint.empty() ? std::string() : " (" + hint + ")") + "; " +
                                  anne__graph_supported_ops);
    }
    }
}

/* After a refused operator (--check goes on): a stand-in tensor of each output's shape (read from the
 * file), so that the operators after it are judged on their own. The IR is not written then. */
void anne__stand_in(const anne__ctx &c, anne__gwalk &w, const Operator *op) {
    if (op->outputs() == nullptr) return;
    for (int32_t t : *op->outputs()) {
        anne_ir_tensor shape;
        uint16_t index = 0, input = 0;
        anne_error ignored;
        if (t < 0 || static_cast<size_t>(t) >= w.at.size()) continue;
        if (!anne__ir_shape(anne__tensor(c, t), &shape) ||
            anne_ir_add_op(&w.ir, ANNE_OP_RESHAPE, 1, &input, &shape, &index, &ignored) == nullptr) {
            index = 0;
        }
        w.at[static_cast<size_t>(t)] = index;
    }
}

} // namespace

const char *const anne__graph_supported_ops =
    "ANNE reads float32 CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN (spatial), PAD/PADV2 (zeros), "
    "RESHAPE, SQUEEZE, EXPAND_DIMS, ADD, SUB, MUL, MAXIMUM, MINIMUM (of computed tensors, broadcasting), "
    "CONCATENATION, FULLY_CONNECTED, LOGISTIC, TANH, ELU, RELU, RELU6, LEAKY_RELU, HARD_SWISH, PRELU (constant alpha), "
    "SOFTMAX and DEQUANTIZE of constant weights";

/* A tensor of the form [n] or [1, n] (what a dense chain passes on). */
bool anne__flat(const Tensor *t) {
    const auto *sh = t != nullptr ? t->shape() : nullptr;
    return sh != nullptr && (sh->size() == 1 || (sh->size() == 2 && sh->Get(0) == 1));
}

bool anne__is_graph_model(const anne__ctx &c) {
    const Tensor *input = anne__tensor(c, c.sg->inputs()->Get(0));
    if (input == nullptr || input->type() != TensorType_FLOAT32) return false;
    if (c.sg->inputs()->size() > 1 || c.sg->outputs()->size() > 1) return true; /* a float model: only a graph */
    for (uint32_t i = 0; i < c.sg->operators()->size(); i++) {
        const int32_t code = anne__code_at(c, i);
        if (code == BuiltinOperator_QUANTIZE) return false; /* an int8 model with a float input */
        if (code != BuiltinOperator_FULLY_CONNECTED && code != BuiltinOperator_RESHAPE &&
            code != BuiltinOperator_LOGISTIC && code != BuiltinOperator_TANH && code != BuiltinOperator_SOFTMAX &&
            code != BuiltinOperator_DEQUANTIZE) {
            return true;
        }
        if (anne__unflat_dense(c, i)) return true;
    }
    return false;
}

/* anne_tflite_internal.h: a Dense on a sequence ([1, steps, inputs]), or a reshape to one */
bool anne__unflat_dense(const anne__ctx &c, uint32_t i) {
    const int32_t code = anne__code_at(c, i);
    const Operator *op = c.sg->operators()->Get(i);
    const Tensor *out = op->outputs() != nullptr && op->outputs()->size() == 1 ? anne__tensor(c, op->outputs()->Get(0))
                                                                               : nullptr;
    return (code == BuiltinOperator_FULLY_CONNECTED || code == BuiltinOperator_RESHAPE) && out != nullptr &&
           !anne__flat(out);
}

int anne__graph_convert(const anne__ctx &c, unsigned char **out, size_t *out_size, std::string *report, bool *all) {
    anne__gwalk w;
    const auto *ops = c.sg->operators();
    const Tensor *input;
    anne_ir_tensor in_shape;
    bool ok = true;
    int rc = -1;
    anne_ir_init(&w.ir);
    if (c.sg->tensors() == nullptr) return anne_error_set(c.err, "%s: the model has no tensors", c.path);
    w.at.assign(c.sg->tensors()->size(), -1);
    /* the subgraph's inputs, tensors 0, 1, ... in its order */
    for (uint32_t k = 0; k < c.sg->inputs()->size(); k++) {
        const int32_t t = c.sg->inputs()->Get(k);
        size_t dims[ANNE_MAX_RANK];
        input = anne__tensor(c, t);
        if (!anne__ir_shape(input, &in_shape) || input->type() != TensorType_FLOAT32) {
            anne_ir_free(&w.ir);
            return anne_error_set(c.err, "%s: the model input '%s' has shape %s%s; expected a float32 batch of one and "
                                  "1 to 4 more axes", c.path, anne__tname(input), anne__shape(input).c_str(),
                                  input != nullptr && input->type() != TensorType_FLOAT32 ? " and is not float32" : "");
        }
        for (uint32_t j = 0; j < ANNE_MAX_RANK; j++) dims[j] = in_shape.dims[j];
        if ((k == 0 ? anne_ir_graph_start(&w.ir, in_shape.rank, dims, c.err)
                    : anne_ir_graph_add_input(&w.ir, in_shape.rank, dims, c.err)) != 0) {
            anne_error_prefix(c.err, "%s: input %u", c.path, k + 1u);
            anne_ir_free(&w.ir);
            return -1;
        }
        w.at[static_cast<size_t>(t)] = static_cast<int32_t>(k);
    }
    for (uint32_t i = 0; i < ops->size(); i++) {
        anne__gop g;
        g.c = &c;
        g.w = &w;
        g.op = ops->Get(i);
        g.n_op = static_cast<int>(i) + 1;
        g.code = anne__code_at(c, i);
        g.check = report != nullptr;
        int r;
        if (g.code < 0) {
            r = anne_error_set(c.err, "%s: operator %d: operator code index out of range", c.path, g.n_op);
        } else if (anne__is_weight_dequantize(c, g.op, g.code)) {
            r = 0; /* its constant is read where it is used */
        } else {
            r = anne__graph_operator(g);
        }
        if (report == nullptr && r != 0) goto done;
        if (report == nullptr) continue;
        std::string what;
        if (r == 0 && g.code != BuiltinOperator_DEQUANTIZE && g.op->outputs() != nullptr && g.op->outputs()->size() == 1) {
            what = "-> " + anne__shape(anne__tensor(c, g.op->outputs()->Get(0)));
        }
        anne__report_line(*report, c, i, what, r);
        if (r != 0) {
            ok = false;
            anne__stand_in(c, w, g.op);
        }
    }
    if (!ok) {
        *all = false;
        rc = 0;
        goto done;
    }
    {
        /* the outputs: one, the last operator's result; several, in the subgraph's order */
        const uint32_t n_out = c.sg->outputs()->size();
        uint16_t list[ANNE_MAX_MODEL_IO];
        rc = 0;
        for (uint32_t k = 0; k < n_out && rc == 0; k++) {
            const int32_t o = c.sg->outputs()->Get(k);
            if (o < 0 || static_cast<size_t>(o) >= w.at.size() || w.at[static_cast<size_t>(o)] < 0) {
                rc = anne_error_set(c.err, "%s: the model's output %u is no operator's result", c.path, k + 1u);
            } else {
                list[k] = static_cast<uint16_t>(w.at[static_cast<size_t>(o)]);
            }
        }
        if (rc == 0 && n_out == 1 && list[0] + 1u != anne_ir_n_tensors(&w.ir)) {
            rc = anne_error_set(c.err, "%s: the model's output is not the last operator's result", c.path);
        } else if (rc == 0 && n_out > 1 && anne_ir_set_outputs(&w.ir, n_out, list, c.err) != 0) {
            rc = anne_error_prefix(c.err, "%s", c.path);
        }
        if (rc == 0) rc = anne_ir_graph_simplify(&w.ir, c.err);
    }
    if (rc == 0) {
        unsigned char *bytes = nullptr;
        size_t size = 0;
        rc = anne_ir_serialize(&w.ir, &bytes, &size, c.err);
        if (rc != 0) anne_error_prefix(c.err, "%s", c.path);
        if (report == nullptr && rc == 0) {
            *out = bytes;
            *out_size = size;
        } else {
            std::free(bytes);
        }
    }
    if (report != nullptr) {
        *all = rc == 0;
        if (rc != 0) {
            std::string msg = c.err->msg;
            if (msg.compare(0, std::strlen(c.path) + 2u, std::string(c.path) + ": ") == 0) {
                msg = msg.substr(std::strlen(c.path) + 2u);
            }
            *report += "model: NOT SUPPORTED: " + msg + "\n";
        }
        rc = 0;
    }
done:
    anne_ir_free(&w.ir);
    return rc;
}

} // namespace anne_tflite

/* The .tflite importer's int8 merges and requantizing elementwise operators (anne_tflite_s8_graph.h):
 * ADD, SUB, MUL (two computed tensors, broadcasting), CONCATENATION (2 to 4, any axis, an input quantized
 * otherwise than the output through a table), PAD and PADV2 (spatial, with the zero point), LEAKY_RELU
 * and HARD_SWISH (a 256-entry table that equals TFLite's integer formula for every input), with the
 * integers TFLite's Prepare functions compute (anne_quantize_ops.h; docs/tflite-import.md). */
extern "C" {
#include "anne_ir_graph.h"
#include "anne_quant_ops.h"
#include "anne_quantize_ops.h"
}

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "anne_tflite_s8_graph.h"

namespace anne_tflite {
namespace {

anne_ir_tensor anne__ir_of(const anne_tensor &t) {
    anne_ir_tensor s;
    s.rank = t.rank;
    std::memcpy(s.dims, t.dims, sizeof s.dims);
    return s;
}

std::string anne__describe(const anne_tensor &t) {
    char b[48];
    const anne_ir_tensor s = anne__ir_of(t);
    anne_ir_tensor_describe(&s, b, sizeof b);
    return b;
}

/* The fused activation of ADD, SUB, MUL, CONCATENATION (NONE where the options are missing). */
ActivationFunctionType anne__merge_fused(const Operator *op) {
    if (const AddOptions *o = op->builtin_options_as_AddOptions()) return o->fused_activation_function();
    if (const SubOptions *o = op->builtin_options_as_SubOptions()) return o->fused_activation_function();
    if (const MulOptions *o = op->builtin_options_as_MulOptions()) return o->fused_activation_function();
    if (const ConcatenationOptions *o = op->builtin_options_as_ConcatenationOptions()) return o->fused_activation_function();
    return ActivationFunctionType_NONE;
}

/* CONCATENATION of the n inputs xs into op (already emitted): the axis, then aux = the mask of the inputs
 * requantized through a table and their tables (anne_s8_concat_aux: TFLite's ConcatenationWithScaling
 * arithmetic; TFLite's own int8 kernel requires every input to have the output's quantization). */
int anne__s8_concat(const anne__s8op &o, anne_op *op, const uint16_t *xs, uint32_t n) {
    const ConcatenationOptions *p = o.op->builtin_options_as_ConcatenationOptions();
    const anne_tensor ys = o.g->t[op->output];
    if (p == nullptr) return anne__sfail(o, "its ConcatenationOptions are missing");
    if (p->fused_activation_function() != ActivationFunctionType_NONE) {
        return anne__sfail(o, std::string("fused activation ") + EnumNameActivationFunctionType(p->fused_activation_function()) +
                                  "; TFLite's concatenation has none");
    }
    const int64_t rank = ys.rank, axis = p->axis() < 0 ? p->axis() + rank + 1 : p->axis(); /* counts the batch */
    if (axis < 1 || axis > rank) return anne__sfail(o, "concatenation over axis " + std::to_string(p->axis()));
    op->attr[0] = static_cast<uint16_t>(axis - 1);
    uint32_t sum = 0;
    const anne_tensor *in[ANNE_MAX_OP_INPUTS];
    for (uint32_t k = 0; k < n; k++) {
        const anne_tensor &x = o.g->t[xs[k]];
        bool fits = x.rank == ys.rank;
        for (uint32_t d = 0; fits && d < ys.rank; d++) fits = d == axis - 1 || x.dims[d] == ys.dims[d];
        if (!fits) {
            return anne__sfail(o, "input " + std::to_string(k + 1u) + " of shape " + anne__describe(x) +
                                      " does not fit output " + anne__describe(ys) + " along axis " + std::to_string(axis));
        }
        sum += x.dims[axis - 1];
        in[k] = &x;
    }
    if (sum != ys.dims[axis - 1]) return anne__sfail(o, "its inputs do not add up to its output along the axis");
    std::vector<uint8_t> aux(4u + 256u * n);
    uint32_t size;
    if (anne_s8_concat_aux(in, n, &ys, aux.data(), &size, o.c->err) != 0) {
        return anne_error_prefix(o.c->err, "%s: operator %d (%s)", o.c->path, o.n_op, o.name);
    }
    op->aux = anne__s8_keep(*o.g, aux.data(), size);
    op->aux_size = size;
    return 0;
}

} // namespace

/* anne_tflite_s8_graph.h: ADD, SUB, MUL of two computed tensors; CONCATENATION of 2 to 4. */
int anne__s8_merge(const anne__s8op &o) {
    const auto *in = o.op->inputs();
    const uint32_t n = in != nullptr ? in->size() : 0u;
    const bool concat = o.code == BuiltinOperator_CONCATENATION;
    uint16_t xs[ANNE_MAX_OP_INPUTS];
    if (n < 2 || n > (concat ? ANNE_MAX_OP_INPUTS : 2u)) {
        return anne__sfail(o, std::to_string(n) + " inputs; expected " + (concat ? "2 to 4" : "2"));
    }
    for (uint32_t k = 0; k < n; k++) {
        if (anne__s8_input(o, k, &xs[k]) != 0) return -1;
    }
    const anne_op_kind kind = concat                           ? ANNE_OP_CONCAT
                              : o.code == BuiltinOperator_ADD ? ANNE_OP_ADD
                              : o.code == BuiltinOperator_SUB ? ANNE_OP_SUBTRACT
                                                              : ANNE_OP_MULTIPLY;
    anne_op *op = anne__s8_emit(o, kind, xs[0]);
    if (op == nullptr) return -1;
    op->n_inputs = static_cast<uint8_t>(n);
    for (uint32_t k = 1; k < n; k++) op->inputs[k] = xs[k];
    if (concat) return anne__s8_concat(o, op, xs, n);
    const anne_tensor a = o.g->t[xs[0]], b = o.g->t[xs[1]], y = o.g->t[op->output];
    const anne_ir_tensor sa = anne__ir_of(a), sb = anne__ir_of(b), sy = anne__ir_of(y);
    const anne_ir_tensor *shapes[2] = {&sa, &sb};
    anne_ir_tensor want;
    if (anne_ir_broadcast(shapes, 2, &want) != 0) {
        return anne__sfail(o, "inputs of shapes " + anne__describe(a) + " and " + anne__describe(b) +
                                  " do not broadcast (each axis, counted from the last, must be equal or 1)");
    }
    if (!anne_ir_tensor_same(&sy, &want)) {
        return anne__sfail(o, "its output has shape " + anne__describe(y) + "; its inputs broadcast to another");
    }
    const ActivationFunctionType fused = anne__merge_fused(o.op);
    int32_t aux[9];
    if (anne__fused_clamp(*o.c, o.n_op, o.name, fused, anne__tensor(*o.c, o.op->outputs()->Get(0)), y.scale,
                          y.zero_point, &aux[0], &aux[1]) != 0) {
        return -1;
    }
    const int rc = anne_s8_merge_aux(kind, &a, &b, &y, aux, &op->aux_size, o.c->err);
    if (rc != 0) return anne_error_prefix(o.c->err, "%s: operator %d (%s)", o.c->path, o.n_op, o.name);
    anne__s8_clamp_activation(op, fused);
    op->aux = anne__s8_keep(*o.g, aux, op->aux_size);
    return 0;
}

/* anne_tflite_s8_graph.h: PAD and PADV2 of the spatial axes of an (L, C) or (H, W, C) tensor, padded with
 * the zero point (PADV2: its constant must be the output's zero point, the real value 0). */
int anne__s8_pad(const anne__s8op &o) {
    uint16_t x;
    std::vector<int64_t> p;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const anne_tensor xs = o.g->t[x];
    const auto *in = o.op->inputs();
    if (in->size() < 2 || !anne__int_constants(*o.c, in->Get(1), &p) || p.size() != 2u * (xs.rank + 1u)) {
        return anne__sfail(o, "its paddings are not a constant [rank, 2] integer tensor");
    }
    const size_t last = p.size() - 2u;
    if (xs.rank < 2 || xs.rank > 3 || p[0] != 0 || p[1] != 0 || p[last] != 0 || p[last + 1u] != 0) {
        return anne__sfail(o, "padding of the batch or channel axis, or of a tensor that is not (L, C) or (H, W, C), "
                              "is not supported");
    }
    for (int64_t v : p) {
        if (v < 0 || v > 65535) return anne__sfail(o, "a padding of " + std::to_string(v));
    }
    anne_op *op = anne__s8_emit(o, ANNE_OP_ZERO_PAD2D, x);
    if (op == nullptr) return -1;
    const anne_tensor ys = o.g->t[op->output];
    bool fits = ys.rank == xs.rank;
    for (uint32_t d = 0; fits && d < xs.rank; d++) fits = ys.dims[d] == xs.dims[d] + p[2u * d + 2u] + p[2u * d + 3u];
    if (!fits) {
        return anne__sfail(o, "its output has shape " + anne__describe(ys) + "; its input " + anne__describe(xs) +
                              " padded gives another");
    }
    if (!anne__same_quant(xs, ys)) {
        return anne__sfail(o, "input (" + anne__quant_str(xs) + ") and output (" + anne__quant_str(ys) + ") differ; "
                              "an int8 padding copies bytes");
    }
    if (o.code == BuiltinOperator_PADV2 && in->size() >= 3 && in->Get(2) >= 0) {
        const Tensor *k = anne__tensor(*o.c, in->Get(2));
        size_t nk;
        const uint8_t *kd = k != nullptr ? anne__data(*o.c, k, &nk) : nullptr;
        if (k == nullptr || k->type() != TensorType_INT8 || kd == nullptr || nk != 1u) {
            return anne__sfail(o, "its constant value is not one int8 constant");
        }
        if (static_cast<int8_t>(kd[0]) != ys.zero_point) {
            return anne__sfail(o, "padding with int8 " + std::to_string(static_cast<int8_t>(kd[0])) + ", not the output's "
                                  "zero point " + std::to_string(ys.zero_point) + " (the real value 0): not supported");
        }
    }
    op->attr[0] = static_cast<uint16_t>(xs.rank == 3 ? p[2] : 0);
    op->attr[1] = static_cast<uint16_t>(xs.rank == 3 ? p[4] : p[2]);
    return 0;
}

/* anne_tflite_s8_graph.h: LEAKY_RELU and HARD_SWISH, as an ACTIVATION table: each is a function of the
 * int8 input alone, so the kernel's value at each of the 256 inputs is the whole operator, bit for bit
 * (tests/test_activation_ops_s8.c checks the kernels against TFLite's formulas for every input). */
int anne__s8_requant_activation(const anne__s8op &o) {
    uint16_t x;
    if (anne__s8_input(o, 0, &x) != 0) return -1;
    const anne_tensor xs = o.g->t[x];
    anne_op *op = anne__s8_emit(o, ANNE_OP_ACTIVATION, x);
    if (op == nullptr) return -1;
    const anne_tensor ys = o.g->t[op->output];
    int8_t lut[256];
    int rc;
    if (o.code == BuiltinOperator_LEAKY_RELU) {
        const LeakyReluOptions *lo = o.op->builtin_options_as_LeakyReluOptions();
        const float alpha = lo != nullptr ? lo->alpha() : 0.2f; /* TFLite's default */
        anne_s8_leaky_relu_params p;
        op->activation = ANNE_ACT_LEAKY_RELU;
        anne_ir_default_params(op->activation, op->param);
        op->param[0] = alpha;
        rc = anne_s8_leaky_relu_prepare(xs.scale, xs.zero_point, ys.scale, ys.zero_point, alpha, &p, o.c->err);
        if (rc == 0) anne_leaky_relu_s8_table(lut, &p);
    } else {
        anne_s8_hard_swish_params p;
        op->activation = ANNE_ACT_HARD_SWISH;
        anne_ir_default_params(op->activation, op->param);
        rc = anne_s8_hard_swish_prepare(xs.scale, xs.zero_point, ys.scale, ys.zero_point, &p, o.c->err);
        if (rc == 0) anne_hard_swish_s8_table(lut, &p);
    }
    if (rc != 0) return anne_error_prefix(o.c->err, "%s: operator %d (%s)", o.c->path, o.n_op, o.name);
    op->aux = anne__s8_keep(*o.g, lut, sizeof lut);
    op->aux_size = sizeof lut;
    return 0;
}

} // namespace anne_tflite

/* The .tflite importer's int8 graphs, shared by the walk (anne_tflite_s8_graph.cc) and the operators
 * (anne_tflite_s8_ops.cc): the model being built and one operator's context (C++ only). */
#ifndef ANNE_TFLITE_S8_GRAPH_H
#define ANNE_TFLITE_S8_GRAPH_H

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "anne_tflite_internal.h"

namespace anne_tflite {

/* The model being built: tensors (the input first, then op i's output at 1 + i), ops, and the arrays
 * they point to (a deque: pointers into it stay valid as it grows). */
struct anne__s8g {
    std::vector<anne_tensor> t;
    std::vector<anne_op> ops;
    std::vector<int32_t> at;             /* TFLite tensor -> ANNE tensor, or -1 */
    std::deque<std::vector<uint8_t>> keep;
};

struct anne__s8op {
    const anne__ctx *c;
    anne__s8g *g;
    const Operator *op;
    int n_op;
    int32_t code;
    const char *name;                    /* the operator's name, for messages */
};

/* An ANNE tensor of t's shape (without the batch) and quantization (errors name the tensor). */
int anne__s8_tensor(const anne__ctx &c, const Tensor *t, anne_tensor *out);

/* The values of an ANNE tensor. */
uint32_t anne__values(const anne_tensor &t);

/* -1 with c.err "PATH: operator N (NAME): why". */
int anne__sfail(const anne__s8op &o, const std::string &why);

/* The ANNE tensor of the operator's input k (computed by an earlier operator), or -1. */
int anne__s8_input(const anne__s8op &o, uint32_t k, uint16_t *index);

/* Appends an op of kind reading tensor x and writing a new tensor t, or the operator's output (emit);
 * nullptr (c.err set) on an error. The op's other inputs are the caller's. */
anne_op *anne__s8_push(const anne__s8op &o, anne_op_kind kind, uint16_t x, const anne_tensor &t);
anne_op *anne__s8_emit(const anne__s8op &o, anne_op_kind kind, uint16_t x);

/* A kept copy of n bytes (an op's kernel, bias or aux), alive as long as g. */
const void *anne__s8_keep(anne__s8g &g, const void *bytes, size_t n);

/* Tensors a and b quantized alike, bit for bit; "scale S, zero point Z" for messages. */
bool anne__same_quant(const anne_tensor &a, const anne_tensor &b);
std::string anne__quant_str(const anne_tensor &t);

/* The fused activation as people read it (relu, relu6's top as its max_value; the aux clamp runs). */
void anne__s8_clamp_activation(anne_op *op, ActivationFunctionType fused);

/* The merges and the elementwise ops (anne_tflite_s8_merge.cc): ADD, SUB, MUL, CONCATENATION, PAD,
 * PADV2, LEAKY_RELU, HARD_SWISH. */
int anne__s8_merge(const anne__s8op &o);
int anne__s8_pad(const anne__s8op &o);
int anne__s8_requant_activation(const anne__s8op &o);

/* One operator (not QUANTIZE / DEQUANTIZE at the ends) into ops of o.g. 0, or -1 with c.err set. */
int anne__s8_operator(const anne__s8op &o);

/* What the int8 graph walk reads, for messages. */
extern const char *const anne__s8_supported_ops;

} // namespace anne_tflite

#endif /* ANNE_TFLITE_S8_GRAPH_H */

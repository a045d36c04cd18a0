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

/* One operator (not QUANTIZE / DEQUANTIZE at the ends) into ops of o.g. 0, or -1 with c.err set. */
int anne__s8_operator(const anne__s8op &o);

/* What the int8 graph walk reads, for messages. */
extern const char *const anne__s8_supported_ops;

} // namespace anne_tflite

#endif /* ANNE_TFLITE_S8_GRAPH_H */

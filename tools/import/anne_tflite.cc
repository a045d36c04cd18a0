/* The .tflite importer: verifies the flatbuffer, walks the one subgraph's operators as a chain of
 * dense layers, and hands the layers to the int8 writer (anne_tflite_s8.cc: the file's integers and
 * quantization kept) or the float writer (anne_tflite_f32.cc: float32, float16 and dynamic-range
 * weights). With --check the same walk judges every operator and goes on past a refusal. */
/* first: it includes the tools' C headers inside extern "C" (anne_tflite.h includes anne_error.h too) */
#include "anne_tflite_internal.h"

#include "anne_tflite.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace anne_tflite {

/* ---- tensor helpers (anne_tflite_internal.h) ---------------------------------------------------- */

const Tensor *anne__tensor(const anne__ctx &c, int32_t index) {
    const auto *t = c.sg->tensors();
    if (t == nullptr || index < 0 || static_cast<uint32_t>(index) >= t->size()) return nullptr;
    return t->Get(static_cast<uint32_t>(index));
}

const char *anne__tname(const Tensor *t) {
    return t != nullptr && t->name() != nullptr ? t->name()->c_str() : "";
}

const uint8_t *anne__data(const anne__ctx &c, const Tensor *t, size_t *n) {
    const auto *bufs = c.model->buffers();
    *n = 0;
    if (bufs == nullptr || t->buffer() >= bufs->size()) return nullptr;
    const Buffer *b = bufs->Get(t->buffer());
    if (b->data() == nullptr || b->data()->size() == 0) return nullptr;
    *n = b->data()->size();
    return b->data()->data();
}

size_t anne__elems(const Tensor *t) {
    size_t n = 1;
    if (t->shape() == nullptr || t->shape()->size() == 0) return 0;
    for (int32_t d : *t->shape()) {
        if (d <= 0 || n > 65535u) return 0;
        n *= static_cast<size_t>(d);
    }
    return n;
}

/* The verifier checks a vector's alignment for its 4-byte length only, so the elements may sit at
 * 4 mod 8: a direct load would be undefined behaviour (SIGBUS on strict-alignment hosts). */
int64_t anne__i64(const flatbuffers::Vector<int64_t> *v, uint32_t i) {
    int64_t x;
    std::memcpy(&x, v->Data() + sizeof x * i, sizeof x);
    return flatbuffers::EndianScalar(x);
}

bool anne__good_scale(float s) {
    return std::isfinite(s) && s > 0.0f && std::fpclassify(s) == FP_NORMAL;
}

/* ---- names (anne_tflite_internal.h) -------------------------------------------------------------- */

/* The operator's builtin code, as TFLite reads it: the larger of the old byte field and the new one. */
int32_t anne__op_code(const OperatorCode *c) {
    int32_t a = c->deprecated_builtin_code(), b = static_cast<int32_t>(c->builtin_code());
    return a > b ? a : b;
}

/* The schema's name of a builtin operator code, or "builtin code N" for a code the schema (as of
 * TFLite 2.18) does not have. */
std::string anne__op_name(int32_t code) {
    const char *n = code >= BuiltinOperator_MIN && code <= BuiltinOperator_MAX
                        ? EnumNameBuiltinOperator(static_cast<BuiltinOperator>(code))
                        : "";
    return n[0] != '\0' ? std::string(n) : "builtin code " + std::to_string(code);
}

/* "[1, 28, 28]" */
std::string anne__shape(const Tensor *t) {
    std::string s = "[";
    if (t != nullptr && t->shape() != nullptr) {
        for (uint32_t i = 0; i < t->shape()->size(); i++) {
            s += (i ? ", " : "") + std::to_string(t->shape()->Get(i));
        }
    }
    return s + "]";
}

int32_t anne__code_at(const anne__ctx &c, uint32_t i) {
    const auto *ops = c.sg->operators();
    const auto *codes = c.model->operator_codes();
    if (ops == nullptr || i >= ops->size() || codes == nullptr || ops->Get(i)->opcode_index() >= codes->size()) {
        return -1;
    }
    return anne__op_code(codes->Get(ops->Get(i)->opcode_index()));
}

namespace {

bool anne__spatial(int32_t code) {
    return code == BuiltinOperator_CONV_2D || code == BuiltinOperator_DEPTHWISE_CONV_2D ||
           code == BuiltinOperator_MAX_POOL_2D || code == BuiltinOperator_AVERAGE_POOL_2D;
}

} // namespace

/* anne_tflite_internal.h */
std::string anne__keras_hint(const anne__ctx &c, uint32_t i, int32_t code) {
    const int32_t prev = i > 0 ? anne__code_at(c, i - 1u) : -1, next = anne__code_at(c, i + 1u);
    const int32_t next2 = anne__code_at(c, i + 2u);
    /* a Keras 1-D layer: EXPAND_DIMS, the 2-D operator, then SQUEEZE (or RESHAPE, as newer converters write) */
    const bool one_d = prev == BuiltinOperator_EXPAND_DIMS;
    const bool after_2d = i >= 2u && anne__spatial(prev) && anne__code_at(c, i - 2u) == BuiltinOperator_EXPAND_DIMS;
    switch (code) {
    case BuiltinOperator_EXPAND_DIMS:
        if (anne__spatial(next) && (next2 == BuiltinOperator_SQUEEZE || next2 == BuiltinOperator_RESHAPE)) {
            return "EXPAND_DIMS + " + anne__op_name(next) + " + " + anne__op_name(next2) + " (operators " +
                   std::to_string(i + 1u) + "-" + std::to_string(i + 3u) + ") is how TFLite stores a Keras " +
                   (next == BuiltinOperator_CONV_2D             ? "Conv1D"
                    : next == BuiltinOperator_DEPTHWISE_CONV_2D ? "DepthwiseConv1D / SeparableConv1D"
                    : next == BuiltinOperator_MAX_POOL_2D       ? "MaxPooling1D"
                                                                : "AveragePooling1D");
        }
        return "adds an axis";
    case BuiltinOperator_SQUEEZE:
        return after_2d ? "the end of a Keras 1-D layer: EXPAND_DIMS + 2-D operator + SQUEEZE" : "removes an axis";
    case BuiltinOperator_RESHAPE:
        return after_2d ? "the end of a Keras 1-D layer: EXPAND_DIMS + 2-D operator + RESHAPE" : "a Keras Reshape";
    case BuiltinOperator_CONV_2D: return one_d ? "part of a Keras Conv1D" : "a Keras Conv2D";
    case BuiltinOperator_DEPTHWISE_CONV_2D:
        return one_d ? "part of a Keras DepthwiseConv1D / SeparableConv1D" : "a Keras DepthwiseConv2D / SeparableConv2D";
    case BuiltinOperator_MAX_POOL_2D: return one_d ? "part of a Keras MaxPooling1D" : "a Keras MaxPooling2D";
    case BuiltinOperator_AVERAGE_POOL_2D:
        return one_d ? "part of a Keras AveragePooling1D" : "a Keras AveragePooling2D";
    case BuiltinOperator_MEAN: return "a Keras GlobalAveragePooling1D/2D";
    case BuiltinOperator_REDUCE_MAX: return "a Keras GlobalMaxPooling1D/2D";
    case BuiltinOperator_PAD:
    case BuiltinOperator_PADV2: return "a Keras ZeroPadding1D/2D (or 'same' padding)";
    case BuiltinOperator_TRANSPOSE: return "a Keras Permute, or the time-major transpose around a recurrent layer";
    case BuiltinOperator_FILL: return "a tensor filled with one value (such as a recurrent layer's initial state)";
    case BuiltinOperator_STRIDED_SLICE:
    case BuiltinOperator_SLICE: return "a Keras Cropping1D/2D or a slice";
    case BuiltinOperator_RESIZE_NEAREST_NEIGHBOR: return "a Keras UpSampling1D/2D";
    case BuiltinOperator_CONCATENATION: return "a Keras Concatenate (a graph, not a chain)";
    case BuiltinOperator_ADD: return "a Keras Add (a residual connection: a graph, not a chain) or a bias";
    case BuiltinOperator_SUB: return "a Keras Subtract";
    case BuiltinOperator_MUL: return "a Keras Multiply, or a BatchNormalization that was not folded";
    case BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM: return "a Keras LSTM";
    case BuiltinOperator_BIDIRECTIONAL_SEQUENCE_LSTM: return "a Keras Bidirectional(LSTM)";
    case BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_RNN: return "a Keras SimpleRNN";
    case BuiltinOperator_WHILE: return "a recurrent layer (LSTM, GRU) lowered to a loop";
    case BuiltinOperator_RELU:
    case BuiltinOperator_RELU6:
    case BuiltinOperator_LEAKY_RELU:
    case BuiltinOperator_PRELU:
    case BuiltinOperator_ELU:
    case BuiltinOperator_HARD_SWISH:
    case BuiltinOperator_GELU: return "a Keras activation layer that was not fused into the layer before it";
    case BuiltinOperator_SHAPE:
    case BuiltinOperator_PACK:
    case BuiltinOperator_GATHER: return "part of a shape computation (a model saved with an unknown batch size)";
    case BuiltinOperator_DENSIFY: return "a sparse (pruned) weight tensor made dense at run time";
    default: return "";
    }
}

namespace {

/* ---- the walk ------------------------------------------------------------------------------------ */

/* The operators read so far: the chain's current tensor and the dense layers. */
struct anne__walk {
    std::vector<anne__pending> layers;
    int32_t cur;                /* the tensor the next operator of the chain reads */
    bool quantize_in = false, dequantize_out = false;
    std::string what;           /* for the report: what the operator just judged is */
};

const char *const anne__supported_ops =
    "ANNE reads FULLY_CONNECTED with fused NONE/RELU/RELU6, LOGISTIC, TANH or SOFTMAX after one, RESHAPE as a "
    "Flatten, QUANTIZE first, DEQUANTIZE last or of constant weights";

int anne__refuse(const anne__ctx &c, int n_op, int32_t code, const std::string &why) {
    return anne_error_set(c.err, "%s: operator %d (%s): %s", c.path, n_op, anne__op_name(code).c_str(), why.c_str());
}

/* The FULLY_CONNECTED at operator n_op: its shapes and tensors into *p. */
int anne__read_fc(const anne__ctx &c, const Operator *op, int n_op, int32_t cur, anne__pending *p) {
    const int32_t code = BuiltinOperator_FULLY_CONNECTED;
    const auto *in = op->inputs();
    if (in == nullptr || in->size() < 2 || in->size() > 3 || op->outputs() == nullptr || op->outputs()->size() != 1) {
        return anne__refuse(c, n_op, code, "expected inputs (input, weights[, bias]) and one output");
    }
    if (in->Get(0) != cur) {
        return anne__refuse(c, n_op, code, "its input is not the previous operator's output: only a chain of layers is "
                                           "supported");
    }
    p->in = anne__tensor(c, cur);
    p->weights = in->Get(1);
    p->bias = in->size() == 3 && in->Get(2) >= 0 ? in->Get(2) : -1;
    p->z = p->out = anne__tensor(c, op->outputs()->Get(0));
    const Tensor *w = anne__tensor(c, p->weights);
    if (p->in == nullptr || w == nullptr || p->z == nullptr || (p->bias >= 0 && anne__tensor(c, p->bias) == nullptr)) {
        return anne__refuse(c, n_op, code, "a tensor index is out of range");
    }
    const int32_t src = static_cast<size_t>(p->weights) < c.dequantized_from.size()
                            ? c.dequantized_from[static_cast<size_t>(p->weights)]
                            : -1;
    const Tensor *stored = src >= 0 ? anne__tensor(c, src) : w;
    if (stored != nullptr && stored->sparsity() != nullptr) {
        return anne__refuse(c, n_op, code, "its weights '" + std::string(anne__tname(stored)) + "' are stored sparse "
                                           "(TFLite's sparsity encoding); ANNE reads dense weights");
    }
    const auto *ws = w->shape();
    if (ws == nullptr || ws->size() != 2 || ws->Get(0) <= 0 || ws->Get(1) <= 0 || ws->Get(0) > 65535 ||
        ws->Get(1) > 65535) {
        return anne__refuse(c, n_op, code, "its weights are not a 2-D [units, inputs] tensor of at most 65535 x 65535");
    }
    p->n_out = static_cast<uint16_t>(ws->Get(0));
    p->n_in = static_cast<uint16_t>(ws->Get(1));
    if (anne__elems(p->in) != p->n_in || anne__elems(p->z) != p->n_out) {
        return anne__refuse(c, n_op, code, "input '" + std::string(anne__tname(p->in)) + "' has " +
                                               std::to_string(anne__elems(p->in)) + " values and output '" +
                                               anne__tname(p->z) + "' " + std::to_string(anne__elems(p->z)) +
                                               "; the weights [" + std::to_string(p->n_out) + ", " +
                                               std::to_string(p->n_in) + "] expect " + std::to_string(p->n_in) +
                                               " and " + std::to_string(p->n_out) + " (a batch of one)");
    }
    p->fused = ActivationFunctionType_NONE;
    if (op->builtin_options_type() == BuiltinOptions_FullyConnectedOptions) {
        /* the type may be set with the table absent (the verifier accepts that): TFLite then takes the
         * schema's defaults, fused activation NONE and the default weights layout, and so does ANNE */
        const FullyConnectedOptions *o = op->builtin_options_as_FullyConnectedOptions();
        if (o != nullptr && o->weights_format() != 0) {
            return anne__refuse(c, n_op, code, "its weights are stored in a shuffled format; only the default layout "
                                               "is supported");
        }
        if (o != nullptr) p->fused = o->fused_activation_function();
    } else if (op->builtin_options_type() != BuiltinOptions_NONE) {
        return anne__refuse(c, n_op, code, "its options are not FullyConnectedOptions");
    }
    anne_ir_default_params(ANNE_ACT_LINEAR, p->param);
    p->act = ANNE_ACT_LINEAR;
    if (p->fused == ActivationFunctionType_RELU || p->fused == ActivationFunctionType_RELU6) {
        p->act = ANNE_ACT_RELU;
        anne_ir_default_params(ANNE_ACT_RELU, p->param);
        if (p->fused == ActivationFunctionType_RELU6) p->param[1] = 6.0f;
    } else if (p->fused != ActivationFunctionType_NONE) {
        return anne__refuse(c, n_op, code, "fused activation " + std::string(EnumNameActivationFunctionType(p->fused)) +
                                               " is not supported (NONE, RELU and RELU6 are)");
    }
    p->n_op = n_op;
    return 0;
}

} // namespace

/* anne_tflite_internal.h */
bool anne__is_weight_dequantize(const anne__ctx &c, const Operator *op, int32_t code) {
    size_t n;
    const Tensor *t;
    return code == BuiltinOperator_DEQUANTIZE && op->inputs() != nullptr && op->inputs()->size() == 1 &&
           op->outputs() != nullptr && op->outputs()->size() == 1 &&
           (t = anne__tensor(c, op->inputs()->Get(0))) != nullptr && anne__data(c, t, &n) != nullptr;
}

namespace {

int anne__weight_dequantize(const anne__ctx &c, const Operator *op, int n_op, anne__walk &w) {
    const Tensor *src = anne__tensor(c, op->inputs()->Get(0)), *dst = anne__tensor(c, op->outputs()->Get(0));
    const std::string name = anne__tname(src);
    if (dst == nullptr || dst->type() != TensorType_FLOAT32) {
        return anne__refuse(c, n_op, BuiltinOperator_DEQUANTIZE, "constant '" + name + "' is not widened to float32");
    }
    if (src->type() == TensorType_FLOAT16) {
        w.what = "float16 weights '" + name + "'";
    } else if (src->type() == TensorType_INT8) {
        w.what = "int8 weights '" + name + "' (dynamic range)";
    } else {
        return anne__refuse(c, n_op, BuiltinOperator_DEQUANTIZE,
                            "constant '" + name + "' has type " + EnumNameTensorType(src->type()) +
                                "; ANNE widens float16 weights and dequantizes int8 ones");
    }
    return 0;
}

/* RESHAPE to [n] or [1, n]: how TFLite stores Keras' Flatten (row-major, so the values keep their
 * order); a no-op on ANNE's flat activations. Anything else is a Keras Reshape and is refused. */
int anne__reshape(const anne__ctx &c, const Operator *op, int n_op, anne__walk &w) {
    const int32_t code = BuiltinOperator_RESHAPE;
    const auto *in = op->inputs();
    if (in == nullptr || in->size() < 1 || in->size() > 2 || op->outputs() == nullptr || op->outputs()->size() != 1) {
        return anne__refuse(c, n_op, code, "expected inputs (input[, shape]) and one output");
    }
    const Tensor *tin = anne__tensor(c, in->Get(0)), *tout = anne__tensor(c, op->outputs()->Get(0));
    if (in->Get(0) != w.cur || tin == nullptr || tout == nullptr) {
        return anne__refuse(c, n_op, code, "its input is not the previous operator's output: only a chain of layers is "
                                           "supported");
    }
    const auto *s = tout->shape();
    const size_t n = anne__elems(tin);
    const bool flat = s != nullptr && (s->size() == 1 || (s->size() == 2 && s->Get(0) == 1));
    if (!flat || n == 0 || anne__elems(tout) != n) {
        return anne__refuse(c, n_op, code, "a RESHAPE from " + anne__shape(tin) + " to " + anne__shape(tout) + " (" +
                                               anne__keras_hint(c, static_cast<uint32_t>(n_op - 1), code) +
                                               "); ANNE reads a RESHAPE only as a Flatten, to [n] or [1, n] with as "
                                               "many values");
    }
    if (tin->type() != tout->type()) {
        return anne__refuse(c, n_op, code, "input and output types differ");
    }
    if (tin->type() == TensorType_INT8) {
        /* TFLite's int8 RESHAPE copies bytes: both sides must mean the same numbers */
        const QuantizationParameters *a = tin->quantization(), *b = tout->quantization();
        const bool same = a != nullptr && b != nullptr && a->scale() != nullptr && b->scale() != nullptr &&
                          a->zero_point() != nullptr && b->zero_point() != nullptr && a->scale()->size() == 1 &&
                          b->scale()->size() == 1 && a->zero_point()->size() == 1 && b->zero_point()->size() == 1 &&
                          a->scale()->Get(0) == b->scale()->Get(0) &&
                          anne__i64(a->zero_point(), 0) == anne__i64(b->zero_point(), 0);
        if (!same) return anne__refuse(c, n_op, code, "its int8 input and output have different quantization");
    }
    w.what = "Keras Flatten " + anne__shape(tin) + " -> " + anne__shape(tout);
    w.cur = op->outputs()->Get(0);
    return 0;
}

/* QUANTIZE (first) or DEQUANTIZE (last) of the chain. */
int anne__quantize(const anne__ctx &c, int n_op, int32_t code, bool last, const Tensor *tin, const Tensor *tout,
                   int32_t out, anne__walk &w) {
    const bool q = code == BuiltinOperator_QUANTIZE;
    if (q ? (!w.layers.empty() || w.quantize_in) : (w.layers.empty() || !last)) {
        return anne__refuse(c, n_op, code, q ? "QUANTIZE is supported only as the first operator"
                                             : "DEQUANTIZE is supported only as the last operator, or of constant weights");
    }
    if ((q ? tin : tout)->type() != TensorType_FLOAT32 || (q ? tout : tin)->type() != TensorType_INT8) {
        return anne__refuse(c, n_op, code, "expected a conversion between float32 and int8");
    }
    if (q) w.quantize_in = true;
    else w.dequantize_out = true;
    w.what = q ? "the input, float32 -> int8" : "the output, int8 -> float32";
    w.cur = out;
    return 0;
}

/* LOGISTIC, TANH or SOFTMAX: completes the layer of the FULLY_CONNECTED just before it. */
int anne__activation(const anne__ctx &c, const Operator *op, int n_op, int32_t code, const Tensor *tin,
                     const Tensor *tout, anne__walk &w) {
    anne__pending *p = w.layers.empty() ? nullptr : &w.layers.back();
    if (p == nullptr || p->out != tin || p->act != ANNE_ACT_LINEAR || p->z != p->out) {
        return anne__refuse(c, n_op, code, "an activation operator is supported only right after a FULLY_CONNECTED "
                                           "with fused activation NONE");
    }
    if (code == BuiltinOperator_SOFTMAX) {
        /* no SoftmaxOptions table (type NONE, or the type set with the table absent): TFLite takes the
         * schema's default beta, 0 */
        const SoftmaxOptions *so = op->builtin_options_as_SoftmaxOptions();
        const float beta = so != nullptr ? so->beta() : 0.0f;
        if (op->builtin_options_type() != BuiltinOptions_SoftmaxOptions &&
            op->builtin_options_type() != BuiltinOptions_NONE) {
            return anne__refuse(c, n_op, code, "its options are not SoftmaxOptions");
        }
        if (beta != 1.0f) {
            char b[48];
            std::snprintf(b, sizeof b, "%g", static_cast<double>(beta));
            return anne__refuse(c, n_op, code, std::string("beta is ") + b +
                                                   (so == nullptr ? " (its SoftmaxOptions are absent: the schema's "
                                                                    "default)"
                                                                  : "") +
                                                   "; only beta = 1 is supported");
        }
    }
    p->act = code == BuiltinOperator_LOGISTIC ? ANNE_ACT_SIGMOID
             : code == BuiltinOperator_TANH   ? ANNE_ACT_TANH
                                              : ANNE_ACT_SOFTMAX;
    anne_ir_default_params(p->act, p->param);
    p->out = tout;
    w.what = "the activation of operator " + std::to_string(p->n_op);
    w.cur = op->outputs()->Get(0);
    return 0;
}

/* Judges operator i and, when it is supported, adds it to the walk. 0 or -1 (c.err set). */
int anne__operator(const anne__ctx &c, uint32_t i, bool check, anne__walk &w) {
    const Operator *op = c.sg->operators()->Get(i);
    const auto *codes = c.model->operator_codes();
    const int n_op = static_cast<int>(i) + 1;
    const bool last = i + 1u == c.sg->operators()->size();
    w.what.clear();
    if (op->opcode_index() >= codes->size()) {
        return anne_error_set(c.err, "%s: operator %d: operator code index %u is out of range (%u codes)", c.path, n_op,
                              op->opcode_index(), codes->size());
    }
    const OperatorCode *oc = codes->Get(op->opcode_index());
    const int32_t code = anne__op_code(oc);
    if (oc->custom_code() != nullptr && oc->custom_code()->size() > 0) {
        const bool flex = std::strncmp(oc->custom_code()->c_str(), "Flex", 4) == 0;
        return anne_error_set(c.err, "%s: operator %d (custom '%s'): %s", c.path, n_op, oc->custom_code()->c_str(),
                              flex ? "a TensorFlow (Flex) operator, which TFLite itself runs only with the Flex "
                                     "delegate: not supported"
                                   : "a custom operator: not supported");
    }
    if (anne__is_weight_dequantize(c, op, code)) return anne__weight_dequantize(c, op, n_op, w);
    if (w.dequantize_out) return anne__refuse(c, n_op, code, "only DEQUANTIZE may end the model, nothing follows it");
    if (code == BuiltinOperator_FULLY_CONNECTED) {
        anne__pending p;
        if (anne__read_fc(c, op, n_op, w.cur, &p) != 0) return -1;
        w.layers.push_back(p);
        w.what = "dense " + std::to_string(p.n_in) + " -> " + std::to_string(p.n_out);
        if (p.fused != ActivationFunctionType_NONE) w.what += std::string(", ") + EnumNameActivationFunctionType(p.fused);
        w.cur = op->outputs()->Get(0);
        return 0;
    }
    if (code == BuiltinOperator_RESHAPE) return anne__reshape(c, op, n_op, w);
    if (code != BuiltinOperator_LOGISTIC && code != BuiltinOperator_TANH && code != BuiltinOperator_SOFTMAX &&
        code != BuiltinOperator_QUANTIZE && code != BuiltinOperator_DEQUANTIZE) {
        const std::string hint = anne__keras_hint(c, i, code);
        /* an operator of graph models in a model whose input is neither float32 nor int8 (float and int8
         * graphs take other walks: anne_tflite_graph.cc, anne_tflite_s8_graph.cc) */
        const std::string note = anne__graph_operator_code(code) ? "ANNE reads it in float32 and int8 models (an int8 "
                                                                   "input, or a float32 one through QUANTIZE)" : "";
        if (op->outputs() != nullptr && op->outputs()->size() >= 1 && anne__tensor(c, op->outputs()->Get(0))) {
            w.what = "-> " + anne__shape(anne__tensor(c, op->outputs()->Get(0)));
        }
        /* the report lists the supported operators once, at its end */
        if (check) {
            return anne__refuse(c, n_op, code, (hint.empty() ? std::string("no equivalent in ANNE") : hint) +
                                                   (note.empty() ? "" : "; " + note));
        }
        return anne__refuse(c, n_op, code, "not supported" + (hint.empty() ? "" : " (" + hint + ")") +
                                               (note.empty() ? "" : "; " + note) + "; " + anne__supported_ops);
    }
    const auto *oin = op->inputs();
    const auto *oout = op->outputs();
    if (oin == nullptr || oin->size() != 1 || oin->Get(0) != w.cur || oout == nullptr || oout->size() != 1 ||
        anne__tensor(c, oout->Get(0)) == nullptr) {
        return anne__refuse(c, n_op, code, "expected one input, the previous operator's output, and one output");
    }
    const Tensor *tin = anne__tensor(c, w.cur), *tout = anne__tensor(c, oout->Get(0));
    if (tin == nullptr) return anne__refuse(c, n_op, code, "its input tensor index is out of range");
    if (code == BuiltinOperator_QUANTIZE || code == BuiltinOperator_DEQUANTIZE) {
        return anne__quantize(c, n_op, code, last, tin, tout, oout->Get(0), w);
    }
    return anne__activation(c, op, n_op, code, tin, tout, w);
}

/* After the walk: the chain as a whole (layers, sizes, the output tensor). */
int anne__check_chain(const anne__ctx &c, const anne__walk &w) {
    if (w.layers.empty()) return anne_error_set(c.err, "%s: the model has no FULLY_CONNECTED operator", c.path);
    if (w.cur != c.sg->outputs()->Get(0)) {
        return anne_error_set(c.err, "%s: the last operator's output is not the model's output tensor", c.path);
    }
    if (w.layers.size() > 65535u) {
        return anne_error_set(c.err, "%s: %zu layers are more than ANNE's 65535", c.path, w.layers.size());
    }
    for (size_t i = 1; i < w.layers.size(); i++) {
        if (w.layers[i].n_in != w.layers[i - 1u].n_out) {
            return anne_error_set(c.err, "%s: operator %d: %u inputs after a layer of %u units", c.path,
                                  w.layers[i].n_op, w.layers[i].n_in, w.layers[i - 1u].n_out);
        }
    }
    return 0;
}

/* The layers into model bytes: int8 activations make an int8 model, float32 ones a float model. */
int anne__write(const anne__ctx &c, const anne__walk &w, unsigned char **out, size_t *out_size) {
    const anne__pending &first = w.layers[0];
    const Tensor *input = anne__tensor(c, c.sg->inputs()->Get(0));
    if (first.in->type() == TensorType_INT8) {
        if (w.quantize_in != (input->type() == TensorType_FLOAT32)) {
            return anne_error_set(c.err, "%s: the model input is %s without a QUANTIZE to int8", c.path,
                                  EnumNameTensorType(input->type()));
        }
        return anne__write_s8(c, w.layers.data(), w.layers.size(), out, out_size);
    }
    if (first.in->type() == TensorType_FLOAT32) {
        if (w.quantize_in || w.dequantize_out) {
            return anne_error_set(c.err, "%s: QUANTIZE/DEQUANTIZE around float FULLY_CONNECTED layers: not supported",
                                  c.path);
        }
        return anne__write_f32(c, w.layers.data(), w.layers.size(), out, out_size);
    }
    return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): input '%s' has type %s; ANNE reads float32 and "
                          "int8 models%s", c.path, first.n_op, anne__tname(first.in), EnumNameTensorType(first.in->type()),
                          first.in->type() == TensorType_UINT8 ? " (uint8 is TFLite's older quantization scheme)" : "");
}

/* The DEQUANTIZE operators of constants: which tensor each one widens (anne__ctx::dequantized_from). */
void anne__find_weight_dequantize(anne__ctx &c) {
    const auto *ops = c.sg->operators();
    const auto *codes = c.model->operator_codes();
    c.dequantized_from.assign(c.sg->tensors() != nullptr ? c.sg->tensors()->size() : 0u, -1);
    for (const Operator *op : *ops) {
        if (op->opcode_index() >= codes->size()) continue;
        if (!anne__is_weight_dequantize(c, op, anne__op_code(codes->Get(op->opcode_index())))) continue;
        const int32_t to = op->outputs()->Get(0);
        if (to >= 0 && static_cast<size_t>(to) < c.dequantized_from.size()) {
            c.dequantized_from[static_cast<size_t>(to)] = op->inputs()->Get(0);
        }
    }
}

} // namespace

/* anne_tflite_internal.h */
void anne__report_line(std::string &r, const anne__ctx &c, uint32_t i, const std::string &what, int rc) {
    const int32_t code = anne__code_at(c, i);
    const OperatorCode *oc = code >= 0 ? c.model->operator_codes()->Get(c.sg->operators()->Get(i)->opcode_index())
                                       : nullptr;
    const std::string name = oc == nullptr                                                 ? "?"
                             : oc->custom_code() != nullptr && oc->custom_code()->size() > 0 ? oc->custom_code()->str()
                                                                                              : anne__op_name(code);
    char head[160];
    std::snprintf(head, sizeof head, "operator %-3u %-24s %-36s ", i + 1u, name.c_str(), what.c_str());
    r += head;
    if (rc == 0) {
        r += "supported\n";
        return;
    }
    /* the error without "PATH: operator N (NAME): ", which the line already shows */
    std::string msg = c.err->msg;
    const std::string prefix = std::string(c.path) + ": operator " + std::to_string(i + 1u);
    if (msg.compare(0, prefix.size(), prefix) == 0) {
        const size_t named = msg.compare(prefix.size(), 2, " (") == 0 ? msg.find("): ", prefix.size()) : std::string::npos;
        msg = named != std::string::npos ? msg.substr(named + 3u)
                                         : msg.substr(prefix.size() + (msg.compare(prefix.size(), 2, ": ") == 0 ? 2u : 0u));
    }
    r += "NOT SUPPORTED: " + msg + "\n";
}

/* anne_tflite_internal.h */
int anne__finish(const anne__ctx &c, int rc, unsigned char *bytes, size_t size, unsigned char **out, size_t *out_size,
                 std::string *report, bool *all) {
    if (report == nullptr) {
        *out = bytes;
        *out_size = size;
        return rc;
    }
    std::free(bytes);
    *all = rc == 0;
    if (rc != 0) { /* the error without "PATH: ", which the report's heading shows */
        std::string msg = c.err->msg;
        if (msg.compare(0, std::strlen(c.path) + 2u, std::string(c.path) + ": ") == 0) {
            msg = msg.substr(std::strlen(c.path) + 2u);
        }
        *report += "model: NOT SUPPORTED: " + msg + "\n";
    }
    return 0;
}

namespace {

/* Walks every operator. Converting (report == nullptr): stops at the first refusal (-1) or writes the
 * model. Checking: one report line per operator, going on past refusals, then the chain and the
 * writer's own checks on a "model:" line, so that --check says exactly what convert would do. */
int anne__convert(anne__ctx &c, unsigned char **out, size_t *out_size, std::string *report, bool *all) {
    const auto *ops = c.sg->operators();
    if (c.sg->inputs() == nullptr || c.sg->inputs()->size() < 1 || c.sg->inputs()->size() > ANNE_MAX_MODEL_IO ||
        c.sg->outputs() == nullptr || c.sg->outputs()->size() < 1 || c.sg->outputs()->size() > ANNE_MAX_MODEL_IO ||
        anne__tensor(c, c.sg->inputs()->Get(0)) == nullptr) {
        return anne_error_set(c.err, "%s: the model must have 1 to %u input and output tensors", c.path,
                              static_cast<unsigned>(ANNE_MAX_MODEL_IO));
    }
    if (ops == nullptr || ops->size() == 0 || c.model->operator_codes() == nullptr) {
        return anne_error_set(c.err, "%s: the model has no operators", c.path);
    }
    anne__find_weight_dequantize(c);
    if (anne__is_graph_model(c)) return anne__graph_convert(c, out, out_size, report, all);
    if (anne__is_s8_graph_model(c)) return anne__s8_graph_convert(c, out, out_size, report, all);
    if (c.sg->inputs()->size() != 1 || c.sg->outputs()->size() != 1) { /* an int8 model */
        return anne_error_set(c.err, "%s: the model has %u inputs and %u outputs; ANNE converts several only for "
                              "float32 graph models", c.path, c.sg->inputs()->size(), c.sg->outputs()->size());
    }
    anne__walk w;
    w.cur = c.sg->inputs()->Get(0);
    bool ok = true;
    for (uint32_t i = 0; i < ops->size(); i++) {
        int rc = anne__operator(c, i, report != nullptr, w);
        if (report == nullptr && rc != 0) return -1;
        if (report == nullptr) continue;
        anne__report_line(*report, c, i, w.what, rc);
        if (rc != 0) {
            ok = false;
            /* go on from the refused operator's output, to judge the ones after it */
            const Operator *op = ops->Get(i);
            if (op->outputs() != nullptr && op->outputs()->size() >= 1) w.cur = op->outputs()->Get(0);
        }
    }
    if (report != nullptr && !ok) {
        *all = false;
        return 0;
    }
    unsigned char *bytes = nullptr;
    size_t size = 0;
    int rc = anne__check_chain(c, w);
    if (rc == 0) rc = anne__write(c, w, &bytes, &size);
    return anne__finish(c, rc, bytes, size, out, out_size, report, all);
}

/* The file's main subgraph, after the verifier; the error for a model of several subgraphs names the
 * operator of the main one that calls the others (a WHILE loop is how TFLite stores some RNNs). */
int anne__open(const unsigned char *bytes, size_t size, const char *path, anne__ctx *c, bool any_subgraphs,
               anne_error *err) {
    if (!anne_tflite_is(bytes, size)) {
        return anne_error_set(err, "%s: not a TFLite file (no \"TFL3\" identifier)", path);
    }
    if (size >= FLATBUFFERS_MAX_BUFFER_SIZE) {
        return anne_error_set(err, "%s: %zu bytes is too large for a flatbuffer", path, size);
    }
    /* every offset, vector and string checked against the buffer before anything is read */
    flatbuffers::Verifier v(bytes, size);
    if (!VerifyModelBuffer(v)) {
        return anne_error_set(err, "%s: damaged or truncated TFLite file: the flatbuffers verifier rejects it (%zu "
                              "bytes)", path, size);
    }
    const Model *m = GetModel(bytes);
    if (m->buffers() != nullptr) {
        for (const Buffer *b : *m->buffers()) {
            if (b->offset() > 1u) {
                return anne_error_set(err, "%s: the model stores its weights outside the flatbuffer (a > 2 GB layout); "
                                      "not supported", path);
            }
        }
    }
    const uint32_t n_sg = m->subgraphs() != nullptr ? m->subgraphs()->size() : 0u;
    if (n_sg == 0) return anne_error_set(err, "%s: the model has no subgraph", path);
    c->model = m;
    c->sg = m->subgraphs()->Get(0);
    c->path = path;
    c->err = err;
    if (n_sg == 1 || any_subgraphs) return 0;
    std::string caller;
    for (uint32_t i = 0; c->sg->operators() != nullptr && i < c->sg->operators()->size() && caller.empty(); i++) {
        const int32_t code = anne__code_at(*c, i);
        if (code == BuiltinOperator_WHILE || code == BuiltinOperator_IF || code == BuiltinOperator_CALL_ONCE ||
            code == BuiltinOperator_CALL) {
            const std::string hint = anne__keras_hint(*c, i, code);
            caller = " (its operator " + std::to_string(i + 1u) + " is " + anne__op_name(code) +
                     (hint.empty() ? "" : ": " + hint) + ")";
        }
    }
    return anne_error_set(err, "%s: the model has %u subgraphs%s; ANNE reads models with exactly one", path, n_sg,
                          caller.c_str());
}

} // namespace
} // namespace anne_tflite

using namespace anne_tflite;

extern "C" int anne_tflite_is(const unsigned char *bytes, size_t size) {
    return size >= 8 && std::memcmp(bytes + 4, "TFL3", 4) == 0;
}

extern "C" int anne_tflite_convert(const unsigned char *bytes, size_t size, const char *path, unsigned char **out,
                                   size_t *out_size, anne_error *err) {
    anne__ctx c;
    *out = nullptr;
    *out_size = 0;
    /* the walk keeps its state in std::vector and std::string: no exception may reach the C caller */
    try {
        if (anne__open(bytes, size, path, &c, false, err) != 0) return -1;
        return anne__convert(c, out, out_size, nullptr, nullptr);
    } catch (const std::bad_alloc &) {
        std::free(*out);
        *out = nullptr;
        *out_size = 0;
        return anne_error_set(err, "%s: out of memory", path);
    }
}

namespace {

int anne__check(const unsigned char *bytes, size_t size, const char *path, char **report, int *all_supported,
                anne_error *err) {
    anne__ctx c;
    std::string r;
    bool all = false;
    if (anne__open(bytes, size, path, &c, true, err) != 0) return -1;
    const uint32_t n_sg = c.model->subgraphs()->size();
    if (anne__convert(c, nullptr, nullptr, &r, &all) != 0) return -1;
    if (n_sg > 1) {
        all = false;
        r += "model: NOT SUPPORTED: " + std::to_string(n_sg) + " subgraphs (the operators above are the main one's); "
             "ANNE reads models with exactly one\n";
    }
    if (!all) {
        r += std::string("(") + (anne__is_graph_model(c)      ? anne__graph_supported_ops
                                 : anne__is_s8_graph_model(c) ? anne__s8_graph_supported_ops()
                                                              : anne__supported_ops) + ")\n";
    }
    *report = static_cast<char *>(std::malloc(r.size() + 1u));
    if (*report == nullptr) return anne_error_set(err, "out of memory");
    std::memcpy(*report, r.c_str(), r.size() + 1u);
    *all_supported = all ? 1 : 0;
    return 0;
}

} // namespace

extern "C" int anne_tflite_check(const unsigned char *bytes, size_t size, const char *path, char **report,
                                 int *all_supported, anne_error *err) {
    *report = nullptr;
    *all_supported = 0;
    try {
        return anne__check(bytes, size, path, report, all_supported, err);
    } catch (const std::bad_alloc &) {
        return anne_error_set(err, "%s: out of memory", path);
    }
}

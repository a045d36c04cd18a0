/* The .tflite importer: verifies the flatbuffer, walks the one subgraph's operators as a chain of
 * dense layers and writes ANNE model bytes: int8 layers keep the file's integers and quantization
 * (the record is built by the quantizer's anne_quantize_s8_aux), float layers go through the IR. */
/* the tools' C headers have no extern "C" of their own */
extern "C" {
#include "anne_error.h"
#include "anne_ir.h"
#include "anne_quant.h"
#include "anne_quantize.h"
}

#include "anne_tflite.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tflite_subset_generated.h"

namespace {

using namespace anne_tflite;

/* One ANNE layer being assembled from a FULLY_CONNECTED and the activation operator after it. */
struct anne__pending {
    uint16_t n_in, n_out;
    const Tensor *in, *z, *out;       /* tensors: layer input, dense output, layer output */
    const Tensor *weights, *bias;     /* bias may be NULL */
    ActivationFunctionType fused;
    anne_activation act;              /* LINEAR until an activation operator follows */
    float param[3];
    int n_op;                         /* 1-based operator index of the FULLY_CONNECTED, for messages */
};

struct anne__ctx {
    const Model *model;
    const SubGraph *sg;
    const char *path;
    anne_error *err;
};

const char *anne__op_name(int32_t code) {
    const char *n = code >= 0 && code <= 114 ? EnumNameBuiltinOperator(static_cast<BuiltinOperator>(code)) : "";
    return n[0] != '\0' ? n : "an operator ANNE does not know";
}

/* The operator's builtin code, as TFLite reads it: the larger of the old byte field and the new one. */
int32_t anne__op_code(const OperatorCode *c) {
    int32_t a = c->deprecated_builtin_code(), b = static_cast<int32_t>(c->builtin_code());
    return a > b ? a : b;
}

const Tensor *anne__tensor(const anne__ctx &c, int32_t index) {
    const auto *t = c.sg->tensors();
    if (t == nullptr || index < 0 || static_cast<uint32_t>(index) >= t->size()) return nullptr;
    return t->Get(static_cast<uint32_t>(index));
}

const char *anne__tname(const Tensor *t) {
    return t->name() != nullptr ? t->name()->c_str() : "";
}

/* The tensor's constant data (nullptr when it has none); *n gets its bytes. */
const uint8_t *anne__data(const anne__ctx &c, const Tensor *t, size_t *n) {
    const auto *bufs = c.model->buffers();
    *n = 0;
    if (bufs == nullptr || t->buffer() >= bufs->size()) return nullptr;
    const Buffer *b = bufs->Get(t->buffer());
    if (b->data() == nullptr || b->data()->size() == 0) return nullptr;
    *n = b->data()->size();
    return b->data()->data();
}

/* Elements of the tensor's shape (0 when it has no shape or a dimension is not positive). */
size_t anne__elems(const Tensor *t) {
    size_t n = 1;
    if (t->shape() == nullptr || t->shape()->size() == 0) return 0;
    for (int32_t d : *t->shape()) {
        if (d <= 0 || n > 65535u) return 0;
        n *= static_cast<size_t>(d);
    }
    return n;
}

/* Element i of an int64 vector (quantization zero points). The verifier checks a vector's alignment
 * for its 4-byte length only, so the elements may sit at 4 mod 8: a direct load would be undefined
 * behaviour (SIGBUS on strict-alignment hosts); copy the bytes from Data() instead. */
int64_t anne__i64(const flatbuffers::Vector<int64_t> *v, uint32_t i) {
    int64_t x;
    std::memcpy(&x, v->Data() + sizeof x * i, sizeof x);
    return flatbuffers::EndianScalar(x);
}

/* A positive, finite, normal float (a usable scale). */
bool anne__good_scale(float s) {
    return std::isfinite(s) && s > 0.0f && std::fpclassify(s) == FP_NORMAL;
}

/* Per-tensor int8 activation quantization (one scale > 0, one zero point in -128..127). */
int anne__act_quant(const anne__ctx &c, const Tensor *t, float *scale, int32_t *zp) {
    const QuantizationParameters *q = t->quantization();
    if (t->type() != TensorType_INT8) {
        return anne_error_set(c.err, "%s: tensor '%s' has type %s; an int8 model needs int8 activations", c.path,
                              anne__tname(t), EnumNameTensorType(t->type()));
    }
    if (q == nullptr || q->scale() == nullptr || q->scale()->size() != 1 || q->zero_point() == nullptr ||
        q->zero_point()->size() != 1) {
        return anne_error_set(c.err, "%s: tensor '%s' needs one scale and one zero point (per-tensor activation "
                              "quantization)", c.path, anne__tname(t));
    }
    *scale = q->scale()->Get(0);
    int64_t z = anne__i64(q->zero_point(), 0);
    if (!anne__good_scale(*scale) || z < -128 || z > 127) {
        return anne_error_set(c.err, "%s: tensor '%s': scale %g and zero point %lld are not a valid int8 "
                              "quantization (scale > 0, zero point in -128..127)", c.path, anne__tname(t),
                              static_cast<double>(*scale), static_cast<long long>(z));
    }
    *zp = static_cast<int32_t>(z);
    return 0;
}

/* ---- reading the operator chain ------------------------------------------------------------------ */

int anne__refuse(const anne__ctx &c, int n_op, int32_t code, const char *why) {
    return anne_error_set(c.err, "%s: operator %d is %s (builtin code %d): %s", c.path, n_op, anne__op_name(code),
                          static_cast<int>(code), why);
}

/* The FULLY_CONNECTED at operator n_op: its shapes and tensors into *p. cur: the chain's tensor. */
int anne__read_fc(const anne__ctx &c, const Operator *op, int n_op, int32_t cur, anne__pending *p) {
    const auto *in = op->inputs();
    if (in == nullptr || in->size() < 2 || in->size() > 3 || op->outputs() == nullptr || op->outputs()->size() != 1) {
        return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "expected inputs (input, weights[, bias]) "
                            "and one output");
    }
    if (in->Get(0) != cur) {
        return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "its input is not the previous operator's "
                            "output: only a chain of layers is supported");
    }
    p->in = anne__tensor(c, cur);
    p->weights = anne__tensor(c, in->Get(1));
    p->bias = in->size() == 3 && in->Get(2) >= 0 ? anne__tensor(c, in->Get(2)) : nullptr;
    p->z = p->out = anne__tensor(c, op->outputs()->Get(0));
    if (p->in == nullptr || p->weights == nullptr || p->z == nullptr ||
        (in->size() == 3 && in->Get(2) >= 0 && p->bias == nullptr)) {
        return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "a tensor index is out of range");
    }
    const auto *ws = p->weights->shape();
    if (ws == nullptr || ws->size() != 2 || ws->Get(0) <= 0 || ws->Get(1) <= 0 || ws->Get(0) > 65535 ||
        ws->Get(1) > 65535) {
        return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "its weights are not a 2-D [units, inputs] "
                            "tensor of at most 65535 x 65535");
    }
    p->n_out = static_cast<uint16_t>(ws->Get(0));
    p->n_in = static_cast<uint16_t>(ws->Get(1));
    if (anne__elems(p->in) != p->n_in || anne__elems(p->z) != p->n_out) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): input '%s' has %zu values and output '%s' "
                              "%zu; the weights [%u, %u] expect %u and %u (a batch of one)", c.path, n_op,
                              anne__tname(p->in), anne__elems(p->in), anne__tname(p->z), anne__elems(p->z),
                              p->n_out, p->n_in, p->n_in, p->n_out);
    }
    p->fused = ActivationFunctionType_NONE;
    if (op->builtin_options_type() == BuiltinOptions_FullyConnectedOptions) {
        /* the type may be set with the table absent (the verifier accepts that): TFLite then takes the
         * schema's defaults, fused activation NONE and the default weights layout, and so does ANNE */
        const FullyConnectedOptions *o = op->builtin_options_as_FullyConnectedOptions();
        if (o != nullptr && o->weights_format() != 0) {
            return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "its weights are stored in a shuffled "
                                "format; only the default layout is supported");
        }
        if (o != nullptr) p->fused = o->fused_activation_function();
    } else if (op->builtin_options_type() != BuiltinOptions_NONE) {
        return anne__refuse(c, n_op, BuiltinOperator_FULLY_CONNECTED, "its options are not FullyConnectedOptions");
    }
    anne_ir_default_params(ANNE_ACT_LINEAR, p->param);
    p->act = ANNE_ACT_LINEAR;
    if (p->fused == ActivationFunctionType_RELU || p->fused == ActivationFunctionType_RELU6) {
        p->act = ANNE_ACT_RELU;
        anne_ir_default_params(ANNE_ACT_RELU, p->param);
        if (p->fused == ActivationFunctionType_RELU6) p->param[1] = 6.0f;
    } else if (p->fused != ActivationFunctionType_NONE) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): fused activation %s is not supported "
                              "(NONE, RELU and RELU6 are)", c.path, n_op,
                              EnumNameActivationFunctionType(p->fused));
    }
    p->n_op = n_op;
    return 0;
}

/* ---- int8 ---------------------------------------------------------------------------------------- */

/* Builds the int8 layer of p into *l; allocations go to keep[] (freed by the caller). */
int anne__layer_s8(const anne__ctx &c, const anne__pending *p, anne_layer *l, void **keep) {
    float in_scale, z_scale, out_scale;
    int32_t in_zp, z_zp, out_zp;
    size_t n;
    uint32_t j, i;
    const int op = p->n_op;
    if (anne__act_quant(c, p->in, &in_scale, &in_zp) != 0 || anne__act_quant(c, p->z, &z_scale, &z_zp) != 0 ||
        anne__act_quant(c, p->out, &out_scale, &out_zp) != 0) {
        return -1;
    }
    /* weights: int8, symmetric, one scale or one per unit (quantized dimension 0) */
    const QuantizationParameters *wq = p->weights->quantization();
    const uint8_t *wd = anne__data(c, p->weights, &n);
    if (p->weights->type() != TensorType_INT8 || wd == nullptr || n != static_cast<size_t>(p->n_in) * p->n_out) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' must be int8 constants, %u x %u "
                              "bytes (type %s, %zu bytes)", c.path, op, anne__tname(p->weights), p->n_out, p->n_in,
                              EnumNameTensorType(p->weights->type()), n);
    }
    if (wq == nullptr || wq->scale() == nullptr ||
        !(wq->scale()->size() == 1 || (wq->scale()->size() == p->n_out && wq->quantized_dimension() == 0))) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' need one scale, or one per unit "
                              "along dimension 0", c.path, op, anne__tname(p->weights));
    }
    float *w_scale = static_cast<float *>(std::malloc(p->n_out * sizeof(float)));
    int8_t *k = static_cast<int8_t *>(std::malloc(n));
    keep[0] = w_scale;
    keep[1] = k;
    if (w_scale == nullptr || k == nullptr) return anne_error_set(c.err, "out of memory");
    for (j = 0; j < p->n_out; j++) {
        uint32_t si = wq->scale()->size() == 1 ? 0u : j;
        w_scale[j] = wq->scale()->Get(si);
        int64_t zp = wq->zero_point() != nullptr && si < wq->zero_point()->size() ? anne__i64(wq->zero_point(), si) : 0;
        if (!anne__good_scale(w_scale[j]) || zp != 0) {
            return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s', unit %u: scale %g, zero "
                                  "point %lld; int8 weights need a scale > 0 and zero point 0", c.path, op,
                                  anne__tname(p->weights), j + 1u, static_cast<double>(w_scale[j]),
                                  static_cast<long long>(zp));
        }
    }
    std::memcpy(k, wd, n);
    for (i = 0; i < n; i++) {
        if (k[i] == -128) {
            return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' hold -128 (unit %zu, input "
                                  "%zu); TFLite's int8 weights are in -127..127", c.path, op, anne__tname(p->weights),
                                  static_cast<size_t>(i / p->n_in + 1u), static_cast<size_t>(i % p->n_in + 1u));
        }
    }
    int32_t *b = nullptr;
    if (p->bias != nullptr) {
        const uint8_t *bd = anne__data(c, p->bias, &n);
        if (p->bias->type() != TensorType_INT32 || bd == nullptr || n != 4u * p->n_out) {
            return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): bias '%s' must be %u int32 constants "
                                  "(type %s, %zu bytes)", c.path, op, anne__tname(p->bias), p->n_out,
                                  EnumNameTensorType(p->bias->type()), n);
        }
        b = static_cast<int32_t *>(std::malloc(n));
        keep[2] = b;
        if (b == nullptr) return anne_error_set(c.err, "out of memory");
        std::memcpy(b, bd, n); /* little-endian in the file and on the host */
        int64_t limit = static_cast<int64_t>(INT32_MAX) - static_cast<int64_t>(p->n_in) * 127 * 255;
        for (j = 0; j < p->n_out; j++) {
            if (b[j] > limit || -static_cast<int64_t>(b[j]) > limit) {
                return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): bias of unit %u is %d; with %u "
                                      "inputs at most %lld in absolute value keeps the int32 sum from overflowing",
                                      c.path, op, j + 1u, b[j], p->n_in, static_cast<long long>(limit));
            }
        }
    }
    anne_s8_aux_spec s;
    s.in_scale = in_scale;
    s.in_zp = in_zp;
    s.z_scale = z_scale;
    s.z_zp = z_zp;
    s.out_scale = out_scale;
    s.out_zp = out_zp;
    s.act_min = -128;
    s.act_max = 127;
    s.activation = p->act;
    s.param = p->param;
    s.w_scale = w_scale;
    s.kernel = k;
    s.bias = b;
    s.n_in = p->n_in;
    if (p->z == p->out) {
        s.kind = ANNE_S8_ACT_CLAMP;
        /* TFLite's CalculateActivationRangeQuantized: quantize(0) and quantize(6), rounded in float */
        if (p->fused != ActivationFunctionType_NONE) s.act_min = z_zp > -128 ? z_zp : -128;
        if (p->fused == ActivationFunctionType_RELU6) {
            /* 6 / scale may not fit an int32 (TFLite's own conversion would then be undefined): checked in
             * double, where any float quotient fits */
            const double q6 = static_cast<double>(std::round(6.0f / z_scale));
            if (!(q6 <= 2147483647.0)) {
                return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED, fused RELU6): output '%s' has scale "
                                      "%g, so the clamp at 6.0 quantizes to %g steps, beyond the int32 range TFLite "
                                      "computes it in; expected a scale of at least %g (a RELU6 output usually has "
                                      "about 6/255 = 0.0235)", c.path, op, anne__tname(p->z),
                                      static_cast<double>(z_scale), q6, 6.0 / 2147483647.0);
            }
            const int64_t hi = static_cast<int64_t>(z_zp) + static_cast<int64_t>(q6);
            s.act_max = hi < 127 ? static_cast<int32_t>(hi) : 127;
        }
    } else if (p->act == ANNE_ACT_SOFTMAX) {
        s.kind = ANNE_S8_ACT_SOFTMAX;
        if (out_scale != 1.0f / 256.0f || out_zp != -128) {
            return anne_error_set(c.err, "%s: SOFTMAX after operator %d: output scale %g, zero point %d; int8 softmax "
                                  "has scale 1/256 and zero point -128", c.path, op, static_cast<double>(out_scale),
                                  out_zp);
        }
    } else {
        s.kind = ANNE_S8_ACT_LUT;
    }
    size_t aux_size = anne_quantize_s8_aux_size(p->n_out, s.kind);
    unsigned char *aux = static_cast<unsigned char *>(std::calloc(aux_size, 1));
    keep[3] = aux;
    if (aux == nullptr) return anne_error_set(c.err, "out of memory");
    j = anne_quantize_s8_aux(aux, &s, p->n_out);
    if (j != 0) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED), unit %u: the requantization factor "
                              "in_scale * w_scale / out_scale = %g is too large (ANNE allows shifts up to 30)", c.path,
                              op, j, static_cast<double>(in_scale) * static_cast<double>(w_scale[j - 1u]) /
                                         static_cast<double>(z_scale));
    }
    std::memset(l, 0, sizeof *l);
    l->kind = ANNE_LAYER_DENSE;
    l->dtype = ANNE_DTYPE_S8;
    l->activation = p->act;
    std::memcpy(l->param, p->param, sizeof l->param);
    l->n_in = p->n_in;
    l->n_out = p->n_out;
    l->kernel = k;
    l->bias = b;
    l->aux = aux;
    l->aux_size = static_cast<uint32_t>(aux_size);
    return 0;
}

int anne__write_s8(const anne__ctx &c, const anne__pending *p, size_t n, unsigned char **out, size_t *out_size) {
    anne_layer *layers = static_cast<anne_layer *>(std::calloc(n, sizeof *layers));
    void **keep = static_cast<void **>(std::calloc(4u * n, sizeof *keep));
    int rc = -1;
    if (layers == nullptr || keep == nullptr) {
        anne_error_set(c.err, "out of memory");
    } else {
        size_t i;
        for (i = 0; i < n; i++) {
            if (anne__layer_s8(c, &p[i], &layers[i], keep + 4u * i) != 0) break;
        }
        if (i == n) {
            anne_model_desc d;
            std::memset(&d, 0, sizeof d);
            d.n_inputs = p[0].n_in;
            d.n_layers = static_cast<uint16_t>(n);
            d.layers = layers;
            d.scaling.kind = ANNE_SCALING_NONE;
            rc = anne_quantize_write(&d, out, out_size, c.err);
            if (rc != 0) anne_error_prefix(c.err, "%s", c.path);
        }
    }
    if (keep != nullptr) {
        for (size_t i = 0; i < 4u * n; i++) std::free(keep[i]);
    }
    std::free(keep);
    std::free(layers);
    return rc;
}

/* ---- float --------------------------------------------------------------------------------------- */

/* float32 constants of tensor t, count values, into a malloc'd array (*v). */
int anne__floats(const anne__ctx &c, const anne__pending *p, const Tensor *t, size_t count, float **v) {
    size_t n;
    const uint8_t *d = anne__data(c, t, &n);
    if (t->type() != TensorType_FLOAT32 || d == nullptr || n != 4u * count) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): '%s' must be %zu float32 constants (type "
                              "%s, %zu bytes)", c.path, p->n_op, anne__tname(t), count,
                              EnumNameTensorType(t->type()), n);
    }
    *v = static_cast<float *>(std::malloc(n));
    if (*v == nullptr) return anne_error_set(c.err, "out of memory");
    std::memcpy(*v, d, n);
    return 0;
}

int anne__write_f32(const anne__ctx &c, const anne__pending *p, size_t n, unsigned char **out, size_t *out_size) {
    anne_ir ir;
    int rc = -1;
    anne_ir_init(&ir);
    for (size_t i = 0; i < n; i++) {
        if (p[i].in->type() != TensorType_FLOAT32 || p[i].out->type() != TensorType_FLOAT32) {
            anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights are float32 but the activations are %s "
                           "(mixed float/int8 models are not supported)", c.path, p[i].n_op,
                           EnumNameTensorType(p[i].in->type() != TensorType_FLOAT32 ? p[i].in->type()
                                                                                    : p[i].out->type()));
            goto done;
        }
        anne_ir_layer *l = anne_ir_add_layer(&ir, c.err);
        if (l == nullptr) goto done;
        l->kind = ANNE_LAYER_DENSE;
        l->activation = p[i].act;
        std::memcpy(l->param, p[i].param, sizeof l->param);
        l->n_in = p[i].n_in;
        l->n_out = p[i].n_out;
        if (anne__floats(c, &p[i], p[i].weights, static_cast<size_t>(p[i].n_in) * p[i].n_out, &l->kernel) != 0)
            goto done;
        if (p[i].bias != nullptr && anne__floats(c, &p[i], p[i].bias, p[i].n_out, &l->bias) != 0) goto done;
    }
    ir.n_inputs = p[0].n_in;
    rc = anne_ir_serialize(&ir, out, out_size, c.err);
    if (rc != 0) anne_error_prefix(c.err, "%s", c.path);
done:
    anne_ir_free(&ir);
    return rc;
}

/* ---- the walk ------------------------------------------------------------------------------------ */

int anne__convert(const anne__ctx &c, unsigned char **out, size_t *out_size) {
    const auto *ops = c.sg->operators();
    const auto *codes = c.model->operator_codes();
    if (c.sg->inputs() == nullptr || c.sg->inputs()->size() != 1 || c.sg->outputs() == nullptr ||
        c.sg->outputs()->size() != 1) {
        return anne_error_set(c.err, "%s: the model must have one input and one output tensor", c.path);
    }
    if (ops == nullptr || ops->size() == 0 || codes == nullptr) {
        return anne_error_set(c.err, "%s: the model has no operators", c.path);
    }
    const uint32_t n_ops = ops->size();
    anne__pending *p = static_cast<anne__pending *>(std::calloc(n_ops, sizeof *p));
    if (p == nullptr) return anne_error_set(c.err, "out of memory");
    size_t n = 0;
    int32_t cur = c.sg->inputs()->Get(0);
    int rc = -1;
    bool quantize_in = false, dequantize_out = false;
    for (uint32_t i = 0; i < n_ops; i++) {
        const Operator *op = ops->Get(i);
        const int n_op = static_cast<int>(i) + 1;
        if (op->opcode_index() >= codes->size()) {
            anne_error_set(c.err, "%s: operator %d: operator code index %u is out of range (%u codes)", c.path, n_op,
                           op->opcode_index(), codes->size());
            goto done;
        }
        const OperatorCode *oc = codes->Get(op->opcode_index());
        const int32_t code = anne__op_code(oc);
        if (oc->custom_code() != nullptr && oc->custom_code()->size() > 0) {
            anne_error_set(c.err, "%s: operator %d is the custom operator '%s': not supported", c.path, n_op,
                           oc->custom_code()->c_str());
            goto done;
        }
        if (dequantize_out) {
            anne__refuse(c, n_op, code, "only DEQUANTIZE may end the model, nothing follows it");
            goto done;
        }
        const auto *oin = op->inputs();
        const auto *oout = op->outputs();
        const bool unary = oin != nullptr && oin->size() >= 1 && oout != nullptr && oout->size() == 1;
        if (code == BuiltinOperator_FULLY_CONNECTED) {
            if (anne__read_fc(c, op, n_op, cur, &p[n]) != 0) goto done;
            cur = op->outputs()->Get(0);
            n++;
            continue;
        }
        if (code != BuiltinOperator_LOGISTIC && code != BuiltinOperator_TANH && code != BuiltinOperator_SOFTMAX &&
            code != BuiltinOperator_QUANTIZE && code != BuiltinOperator_DEQUANTIZE) {
            anne__refuse(c, n_op, code, "not supported (ANNE reads FULLY_CONNECTED with fused NONE/RELU/RELU6, "
                         "LOGISTIC, TANH or SOFTMAX after one, QUANTIZE first and DEQUANTIZE last)");
            goto done;
        }
        if (!unary || oin->size() != 1 || oin->Get(0) != cur || anne__tensor(c, oout->Get(0)) == nullptr) {
            anne__refuse(c, n_op, code, "expected one input, the previous operator's output, and one output");
            goto done;
        }
        const Tensor *tin = anne__tensor(c, cur), *tout = anne__tensor(c, oout->Get(0));
        if (tin == nullptr) {
            anne__refuse(c, n_op, code, "its input tensor index is out of range");
            goto done;
        }
        if (code == BuiltinOperator_QUANTIZE || code == BuiltinOperator_DEQUANTIZE) {
            const bool q = code == BuiltinOperator_QUANTIZE;
            if (q ? (n != 0 || quantize_in) : (n == 0 || i + 1u != n_ops)) {
                anne__refuse(c, n_op, code, q ? "QUANTIZE is supported only as the first operator"
                                              : "DEQUANTIZE is supported only as the last operator");
                goto done;
            }
            if ((q ? tin : tout)->type() != TensorType_FLOAT32 || (q ? tout : tin)->type() != TensorType_INT8) {
                anne__refuse(c, n_op, code, "expected a conversion between float32 and int8");
                goto done;
            }
            if (q) quantize_in = true;
            else dequantize_out = true;
            cur = oout->Get(0);
            if (q) {
                /* the chain starts at the int8 tensor; the model's input quantization is its */
                continue;
            }
            cur = -1 - cur; /* mark: the output is the dequantized tensor; the last layer ends before it */
            continue;
        }
        /* an activation operator: completes the layer of the FULLY_CONNECTED just before it */
        if (n == 0 || p[n - 1u].out != tin || p[n - 1u].act != ANNE_ACT_LINEAR || p[n - 1u].z != p[n - 1u].out) {
            anne__refuse(c, n_op, code, "an activation operator is supported only right after a FULLY_CONNECTED "
                         "with fused activation NONE");
            goto done;
        }
        if (code == BuiltinOperator_SOFTMAX) {
            /* no SoftmaxOptions table (type NONE, or the type set with the table absent): TFLite takes the
             * schema's default beta, 0 */
            const SoftmaxOptions *so = op->builtin_options_as_SoftmaxOptions();
            const float beta = so != nullptr ? so->beta() : 0.0f;
            if (op->builtin_options_type() != BuiltinOptions_SoftmaxOptions &&
                op->builtin_options_type() != BuiltinOptions_NONE) {
                anne__refuse(c, n_op, code, "its options are not SoftmaxOptions");
                goto done;
            }
            if (beta != 1.0f) {
                anne_error_set(c.err, "%s: operator %d is SOFTMAX (builtin code %d): beta is %g%s; only beta = 1 is "
                               "supported", c.path, n_op, static_cast<int>(code), static_cast<double>(beta),
                               so == nullptr ? " (its SoftmaxOptions are absent: the schema's default)" : "");
                goto done;
            }
        }
        p[n - 1u].act = code == BuiltinOperator_LOGISTIC ? ANNE_ACT_SIGMOID
                        : code == BuiltinOperator_TANH   ? ANNE_ACT_TANH
                                                         : ANNE_ACT_SOFTMAX;
        anne_ir_default_params(p[n - 1u].act, p[n - 1u].param);
        p[n - 1u].out = tout;
        cur = oout->Get(0);
    }
    if (n == 0) {
        anne_error_set(c.err, "%s: the model has no FULLY_CONNECTED operator", c.path);
        goto done;
    }
    if ((cur < 0 ? -1 - cur : cur) != c.sg->outputs()->Get(0)) {
        anne_error_set(c.err, "%s: the last operator's output is not the model's output tensor", c.path);
        goto done;
    }
    if (n > 65535u) {
        anne_error_set(c.err, "%s: %zu layers are more than ANNE's 65535", c.path, n);
        goto done;
    }
    for (size_t i = 1; i < n; i++) {
        if (p[i].n_in != p[i - 1u].n_out) {
            anne_error_set(c.err, "%s: operator %d: %u inputs after a layer of %u units", c.path, p[i].n_op, p[i].n_in,
                           p[i - 1u].n_out);
            goto done;
        }
    }
    if (p[0].weights->type() == TensorType_INT8) {
        if (quantize_in != (anne__tensor(c, c.sg->inputs()->Get(0))->type() == TensorType_FLOAT32)) {
            anne_error_set(c.err, "%s: the model input is %s without a QUANTIZE to int8", c.path,
                           EnumNameTensorType(anne__tensor(c, c.sg->inputs()->Get(0))->type()));
            goto done;
        }
        rc = anne__write_s8(c, p, n, out, out_size);
    } else if (p[0].weights->type() == TensorType_FLOAT32) {
        if (quantize_in || dequantize_out) {
            anne_error_set(c.err, "%s: QUANTIZE/DEQUANTIZE around float FULLY_CONNECTED layers: not supported", c.path);
            goto done;
        }
        rc = anne__write_f32(c, p, n, out, out_size);
    } else {
        anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights of type %s are not supported (int8 or "
                       "float32)", c.path, p[0].n_op, EnumNameTensorType(p[0].weights->type()));
    }
done:
    std::free(p);
    return rc;
}

} // namespace

extern "C" int anne_tflite_is(const unsigned char *bytes, size_t size) {
    return size >= 8 && std::memcmp(bytes + 4, "TFL3", 4) == 0;
}

extern "C" int anne_tflite_convert(const unsigned char *bytes, size_t size, const char *path, unsigned char **out,
                                   size_t *out_size, anne_error *err) {
    *out = nullptr;
    *out_size = 0;
    if (!anne_tflite_is(bytes, size)) {
        return anne_error_set(err, "%s: not a TFLite file (no \"TFL3\" identifier)", path);
    }
    if (size >= FLATBUFFERS_MAX_BUFFER_SIZE) return anne_error_set(err, "%s: %zu bytes is too large for a flatbuffer",
                                                                   path, size);
    /* every offset, vector and string checked against the buffer before anything is read */
    flatbuffers::Verifier v(bytes, size);
    if (!VerifyModelBuffer(v)) {
        return anne_error_set(err, "%s: damaged or truncated TFLite file: the flatbuffers verifier rejects it (%zu "
                              "bytes)", path, size);
    }
    const Model *m = GetModel(bytes);
    if (m->subgraphs() == nullptr || m->subgraphs()->size() != 1) {
        return anne_error_set(err, "%s: the model has %u subgraphs; ANNE reads models with exactly one", path,
                              m->subgraphs() != nullptr ? m->subgraphs()->size() : 0u);
    }
    if (m->buffers() != nullptr) {
        for (const Buffer *b : *m->buffers()) {
            if (b->offset() > 1u) {
                return anne_error_set(err, "%s: the model stores its weights outside the flatbuffer (a > 2 GB layout); "
                                      "not supported", path);
            }
        }
    }
    anne__ctx c{m, m->subgraphs()->Get(0), path, err};
    return anne__convert(c, out, out_size);
}

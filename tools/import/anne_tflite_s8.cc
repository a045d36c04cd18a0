/* The .tflite importer's int8 writer: a chain of int8 FULLY_CONNECTED layers keeps the file's integer
 * weights, int32 biases, scales and zero points; the requantization records are built by the
 * quantizer's anne_quantize_s8_aux (docs/tflite-import.md). */
extern "C" {
#include "anne_quant.h"
#include "anne_quantize.h"
#include "anne_quantize_fixedpoint.h"
#include "anne_quantize_ops.h"
}

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "anne_tflite_internal.h"

namespace anne_tflite {

/* anne_tflite_internal.h */
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

/* anne_tflite_internal.h: TFLite's CalculateActivationRangeQuantized (anne_s8_relu_clamp) */
int anne__fused_clamp(const anne__ctx &c, int n_op, const char *opname, ActivationFunctionType fused,
                      const Tensor *out, float scale, int32_t zp, int32_t *act_min, int32_t *act_max) {
    *act_min = -128;
    *act_max = 127;
    if (fused == ActivationFunctionType_NONE) return 0;
    if (fused != ActivationFunctionType_RELU && fused != ActivationFunctionType_RELU6) {
        return anne_error_set(c.err, "%s: operator %d (%s): fused activation %s is not supported (NONE, RELU and "
                              "RELU6 are)", c.path, n_op, opname, EnumNameActivationFunctionType(fused));
    }
    const float top = fused == ActivationFunctionType_RELU6 ? 6.0f : HUGE_VALF;
    if (anne_s8_relu_clamp(scale, zp, top, act_min, act_max, c.err) != 0) {
        const std::string why = c.err->msg; /* "scale S: ..." */
        return anne_error_set(c.err, "%s: operator %d (%s, fused %s): output '%s' has %s", c.path, n_op, opname,
                              EnumNameActivationFunctionType(fused), anne__tname(out), why.c_str());
    }
    return 0;
}

/* anne_tflite_internal.h: TFLite's integer LOGISTIC and TANH for the output quantization they require
 * (TFLite Micro, reference_integer_ops), else the function at each input in float */
void anne__s8_activation_table(anne_activation act, const float *param, float in_scale, int32_t in_zp,
                               float out_scale, int32_t out_zp, unsigned char lut[256]) {
    int8_t *t = reinterpret_cast<int8_t *>(lut);
    if (act == ANNE_ACT_SIGMOID && out_scale == 1.0f / 256.0f && out_zp == -128 &&
        anne_s8_logistic_table(in_scale, in_zp, t) == 0) {
        return;
    }
    if (act == ANNE_ACT_TANH && out_scale == 1.0f / 128.0f && out_zp == 0 && anne_s8_tanh_table(in_scale, in_zp, t) == 0) {
        return;
    }
    anne_quantize_s8_lut(lut, act, param, in_scale, in_zp, out_scale, out_zp);
}

namespace {

/* Builds the int8 layer of p into *l; allocations go to keep[] (freed by the caller). */
int anne__layer_s8(const anne__ctx &c, const anne__pending *p, anne_layer *l, void **keep) {
    const Tensor *weights = anne__tensor(c, p->weights), *bias = p->bias >= 0 ? anne__tensor(c, p->bias) : nullptr;
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
    const QuantizationParameters *wq = weights->quantization();
    const uint8_t *wd = anne__data(c, weights, &n);
    if (weights->type() != TensorType_INT8 || wd == nullptr || n != static_cast<size_t>(p->n_in) * p->n_out) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' must be int8 constants, %u x %u "
                              "bytes (type %s, %zu bytes)", c.path, op, anne__tname(weights), p->n_out, p->n_in,
                              EnumNameTensorType(weights->type()), n);
    }
    if (wq == nullptr || wq->scale() == nullptr ||
        !(wq->scale()->size() == 1 || (wq->scale()->size() == p->n_out && wq->quantized_dimension() == 0))) {
        return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' need one scale, or one per unit "
                              "along dimension 0", c.path, op, anne__tname(weights));
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
                                  anne__tname(weights), j + 1u, static_cast<double>(w_scale[j]),
                                  static_cast<long long>(zp));
        }
    }
    std::memcpy(k, wd, n);
    for (i = 0; i < n; i++) {
        if (k[i] == -128) {
            return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): weights '%s' hold -128 (unit %zu, input "
                                  "%zu); TFLite's int8 weights are in -127..127", c.path, op, anne__tname(weights),
                                  static_cast<size_t>(i / p->n_in + 1u), static_cast<size_t>(i % p->n_in + 1u));
        }
    }
    int32_t *b = nullptr;
    if (bias != nullptr) {
        const uint8_t *bd = anne__data(c, bias, &n);
        if (bias->type() != TensorType_INT32 || bd == nullptr || n != 4u * p->n_out) {
            return anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): bias '%s' must be %u int32 constants "
                                  "(type %s, %zu bytes)", c.path, op, anne__tname(bias), p->n_out,
                                  EnumNameTensorType(bias->type()), n);
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
        if (anne__fused_clamp(c, op, "FULLY_CONNECTED", p->fused, p->z, z_scale, z_zp, &s.act_min, &s.act_max) != 0) {
            return -1;
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
    if (j == 0 && s.kind == ANNE_S8_ACT_LUT) { /* the record's table (its last 256 bytes): TFLite's */
        anne__s8_activation_table(p->act, p->param, z_scale, z_zp, out_scale, out_zp, aux + aux_size - 256u);
    }
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

} // namespace

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

} // namespace anne_tflite

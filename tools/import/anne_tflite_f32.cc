/* The .tflite importer's float writer: float32 dense layers, from float32 weights, from float16 weights
 * (widened through the DEQUANTIZE operator the converter puts in front of them) or from the int8 weights
 * of a dynamic-range ("hybrid") model, dequantized. Every widening is exact: a float16 value is a
 * float32 value, and scale * (q - zero_point) is computed exactly in double and rounded once to float,
 * as TFLite's Dequantize does (docs/tflite-import.md). */
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "anne_tflite_internal.h"

namespace anne_tflite {
namespace {

/* IEEE 754 binary16 to float (every finite half is a float exactly; the caller refuses inf and NaN):
 * normal (1024 + m) * 2^(e - 25), subnormal m * 2^-24. */
float anne__half(uint16_t h) {
    const int e = (h >> 10) & 31, m = h & 1023;
    const float v = e == 0 ? std::ldexp(static_cast<float>(m), -24) : std::ldexp(static_cast<float>(m + 1024), e - 25);
    return (h & 0x8000u) != 0 ? -v : v;
}

/* How a constant reaches a FULLY_CONNECTED, for messages. */
std::string anne__what(const Tensor *stored, const char *role) {
    const std::string name = std::string(" '") + anne__tname(stored) + "'";
    if (stored->type() == TensorType_FLOAT16) return std::string("float16 ") + role + name;
    if (stored->type() == TensorType_INT8) return std::string("dynamic-range (hybrid) quantization: int8 ") + role + name;
    return std::string(role) + name;
}

/* The channel of flat element i of a tensor quantized along dimension qd (per-axis quantization). */
size_t anne__channel(const Tensor *t, int32_t qd, size_t i) {
    size_t stride = 1;
    for (uint32_t d = static_cast<uint32_t>(qd) + 1u; d < t->shape()->size(); d++) {
        stride *= static_cast<size_t>(t->shape()->Get(d));
    }
    return i / stride % static_cast<size_t>(t->shape()->Get(static_cast<uint32_t>(qd)));
}

/* int8 constants dequantized: v[i] = float(scale_c * (q[i] - zero_point_c)), one scale and zero point
 * for the tensor or one per channel along its quantized dimension. */
int anne__dequantize(const anne__ctx &c, int n_op, const char *opname, const Tensor *t, const std::string &what,
                     const int8_t *q, size_t count, float *v) {
    const QuantizationParameters *qp = t->quantization();
    const uint32_t n_scales = qp != nullptr && qp->scale() != nullptr ? qp->scale()->size() : 0u;
    const int32_t qd = qp != nullptr ? qp->quantized_dimension() : 0;
    const bool per_axis = n_scales > 1u && t->shape() != nullptr && qd >= 0 &&
                          static_cast<uint32_t>(qd) < t->shape()->size() &&
                          static_cast<uint32_t>(t->shape()->Get(static_cast<uint32_t>(qd))) == n_scales;
    if (n_scales != 1u && !per_axis) {
        return anne_error_set(c.err, "%s: operator %d (%s): %s needs one scale, or one per channel of "
                              "its quantized dimension (it has %u scales, shape of %u dimensions, quantized dimension "
                              "%d)", c.path, n_op, opname, what.c_str(), n_scales,
                              t->shape() != nullptr ? t->shape()->size() : 0u, static_cast<int>(qd));
    }
    const auto *zp = qp->zero_point();
    if (zp != nullptr && zp->size() != 0 && zp->size() != n_scales) {
        return anne_error_set(c.err, "%s: operator %d (%s): %s has %u scales but %u zero points", c.path,
                              n_op, opname, what.c_str(), n_scales, zp->size());
    }
    for (uint32_t k = 0; k < n_scales; k++) {
        const float s = qp->scale()->Get(k);
        const int64_t z = zp != nullptr && zp->size() != 0 ? anne__i64(zp, k) : 0;
        if (!anne__good_scale(s) || z < -128 || z > 127) {
            return anne_error_set(c.err, "%s: operator %d (%s): %s, channel %u: scale %g, zero point "
                                  "%lld; expected a scale > 0 and a zero point in -128..127", c.path, n_op, opname,
                                  what.c_str(), k + 1u, static_cast<double>(s), static_cast<long long>(z));
        }
    }
    for (size_t i = 0; i < count; i++) {
        const uint32_t k = per_axis ? static_cast<uint32_t>(anne__channel(t, qd, i)) : 0u;
        const int64_t z = zp != nullptr && zp->size() != 0 ? anne__i64(zp, k) : 0;
        /* exact in double (a float times an integer below 2^9), one rounding to float */
        v[i] = static_cast<float>(static_cast<double>(qp->scale()->Get(k)) * static_cast<double>(q[i] - z));
    }
    return 0;
}

} // namespace

/* anne_tflite_internal.h */
int anne__constant(const anne__ctx &c, int n_op, const char *opname, int32_t index, size_t count, const char *role,
                   float **v) {
    const int32_t from = index >= 0 && static_cast<size_t>(index) < c.dequantized_from.size()
                             ? c.dequantized_from[static_cast<size_t>(index)]
                             : -1;
    const Tensor *stored = anne__tensor(c, from >= 0 ? from : index);
    size_t n;
    if (stored == nullptr) {
        return anne_error_set(c.err, "%s: operator %d (%s): its %s tensor index %d is out of range", c.path, n_op,
                              opname, role, static_cast<int>(index));
    }
    const uint8_t *d = anne__data(c, stored, &n);
    const std::string what = anne__what(stored, role);
    const size_t width = stored->type() == TensorType_FLOAT32   ? 4u
                         : stored->type() == TensorType_FLOAT16 ? 2u
                         : stored->type() == TensorType_INT8    ? 1u
                                                                : 0u;
    if (width == 0) {
        return anne_error_set(c.err, "%s: operator %d (%s): %s has type %s; ANNE reads float32, float16 "
                              "(through DEQUANTIZE) and int8 (dynamic-range) constants", c.path, n_op, opname, what.c_str(),
                              EnumNameTensorType(stored->type()));
    }
    if (d == nullptr || n != width * count || anne__elems(stored) != count) {
        return anne_error_set(c.err, "%s: operator %d (%s): %s must be %zu constant values of %zu bytes "
                              "(shape %zu values, %zu bytes of data)", c.path, n_op, opname, what.c_str(), count, width,
                              anne__elems(stored), n);
    }
    *v = static_cast<float *>(std::malloc(4u * count));
    if (*v == nullptr) return anne_error_set(c.err, "out of memory");
    if (width == 4u) {
        std::memcpy(*v, d, n);
        return 0;
    }
    if (width == 1u) {
        return anne__dequantize(c, n_op, opname, stored, what, reinterpret_cast<const int8_t *>(d), count, *v);
    }
    for (size_t i = 0; i < count; i++) {
        const uint16_t h = static_cast<uint16_t>(d[2u * i] | d[2u * i + 1u] << 8); /* little-endian in the file */
        if (((h >> 10) & 31) == 31) {
            return anne_error_set(c.err, "%s: operator %d (%s): %s hold %s at value %zu", c.path, n_op, opname,
                                  what.c_str(), (h & 1023) != 0 ? "NaN" : "infinity", i + 1u);
        }
        (*v)[i] = anne__half(h);
    }
    return 0;
}

int anne__write_f32(const anne__ctx &c, const anne__pending *p, size_t n, unsigned char **out, size_t *out_size) {
    anne_ir ir;
    int rc = -1;
    anne_ir_init(&ir);
    for (size_t i = 0; i < n; i++) {
        if (p[i].in->type() != TensorType_FLOAT32 || p[i].out->type() != TensorType_FLOAT32) {
            anne_error_set(c.err, "%s: operator %d (FULLY_CONNECTED): the activations are %s in a float model (the "
                           "first layer's input is float32; mixed float/int8 models are not supported)", c.path,
                           p[i].n_op, EnumNameTensorType(p[i].in->type() != TensorType_FLOAT32 ? p[i].in->type()
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
        /* TFLite's [units, inputs] is the model file's kernel layout */
        if (anne__constant(c, p[i].n_op, "FULLY_CONNECTED", p[i].weights, static_cast<size_t>(p[i].n_in) * p[i].n_out, "weights",
                           &l->kernel) != 0) {
            goto done;
        }
        if (p[i].bias >= 0 &&
            anne__constant(c, p[i].n_op, "FULLY_CONNECTED", p[i].bias, p[i].n_out, "bias", &l->bias) != 0) {
            goto done;
        }
    }
    ir.n_inputs = p[0].n_in;
    rc = anne_ir_serialize(&ir, out, out_size, c.err);
    if (rc != 0) anne_error_prefix(c.err, "%s", c.path);
done:
    anne_ir_free(&ir);
    return rc;
}

} // namespace anne_tflite

/* The loader's checks of Q16 and int8 layers in a model file, so that no stored value can make a
 * kernel overflow or read out of bounds (docs/format.md, "Quantized layers"). Integer operations on
 * aligned words only (anne__w32: the loader has checked the alignment of every offset read here), so
 * an int8 build without float code links no soft-float. */
#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

/* A positive, normal, finite float (no zero, subnormal, infinity or NaN): a usable scale. */
static int anne__good_scale(uint32_t bits) {
    return bits - 0x00800000u < 0x7F000000u;
}

/* v in -128..127 */
static int anne__is_s8(uint32_t v) {
    return v + 128u < 256u;
}

/* Q16: sum |w| of every row within ANNE_Q16_ROW_L1_MAX, so the 64-bit accumulator cannot overflow. */
static anne_status anne__check_q16(const uint8_t *rec, const uint8_t *weights) {
    uint32_t shape = anne__w32(rec + ANNE__L_N_IN), n_in = shape & 0xFFFFu, n_out = shape >> 16, i, j;
    const uint8_t *k = weights + anne__w32(rec + ANNE__L_KERNEL_OFF);
    if ((anne__w32(rec + ANNE__L_AUX_OFF) | anne__w32(rec + ANNE__L_AUX_SIZE)) != 0) return ANNE_ERR_BAD_LAYER;
    for (j = 0; j < n_out; j++) {
        uint32_t l1 = 0; /* stays <= ANNE_Q16_ROW_L1_MAX = 2^31: 32 bits hold it */
        for (i = 0; i < n_in; i++, k += 4) {
            uint32_t w = anne__w32(k), a = (w >> 31) != 0 ? 0u - w : w; /* |w|, 2^31 for INT32_MIN */
            if (a > (uint32_t)ANNE_Q16_ROW_L1_MAX - l1) return ANNE_ERR_BAD_VALUE;
            l1 += a;
        }
    }
    return ANNE_OK;
}

/* int8: the aux record's size, scales, zero points and clamp, the activation kind against the layer's
 * activation, per-unit multipliers, shifts and weight scales, kernel and bias bounds, the folded bias,
 * and the chain of quantizations between layers. The statuses follow the order of docs/format.md's
 * list: a bad header value before a mismatched activation before the other bad values. */
static anne_status anne__check_s8(const uint8_t *rec, const uint8_t *prev, const uint8_t *weights, uint32_t wsize) {
    uint32_t shape = anne__w32(rec + ANNE__L_N_IN), n_in = shape & 0xFFFFu, n_out = shape >> 16, i, j;
    uint32_t act = rec[ANNE__L_ACT];
    uint32_t a_off = anne__w32(rec + ANNE__L_AUX_OFF), a_size = anne__w32(rec + ANNE__L_AUX_SIZE);
    const uint8_t *aux, *k = weights + anne__w32(rec + ANNE__L_KERNEL_OFF);
    const uint8_t *bias = (rec[ANNE__L_FLAGS] & ANNE__L_FLAG_BIAS) != 0 ? weights + anne__w32(rec + ANNE__L_BIAS_OFF)
                                                                       : NULL;
    const uint8_t *unit;
    uint32_t kind, flags, in_zp;
    /* |bias| + n_in * 127 * 255 must fit in int32 (n_in * 32385 < 2^31 for n_in <= 65535) */
    uint32_t bias_limit = 0x7FFFFFFFu - n_in * 127u * 255u;

    if (act == ANNE_ACT_PRELU) return ANNE_ERR_UNSUPPORTED_DTYPE; /* per-unit slopes: not in int8 (yet) */
    /* the int8 softmax kernel is code (the other int8 activations are tables in the model): a build
     * that leaves softmax out (anne_config.h) rejects it as it does a float layer's */
    if (act == ANNE_ACT_SOFTMAX && !ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTMAX)) return ANNE_ERR_BAD_ACTIVATION;
    if ((a_off & 3u) != 0 || a_off > wsize || a_size > wsize - a_off || a_size < ANNE__S8_HDR_SIZE) {
        return ANNE_ERR_BAD_LAYER;
    }
    aux = weights + a_off;
    kind = anne__w32(aux + ANNE__S8_ACT_KIND);
    flags = anne__w32(aux + ANNE__S8_FLAGS);
    if (kind >= ANNE_S8_ACT_KIND_COUNT || (flags & ~ANNE__S8_FLAG_ZP_BIAS) != 0) return ANNE_ERR_BAD_LAYER;
    if (a_size != anne__s8_aux_size(n_out, kind, flags)) return ANNE_ERR_BAD_LAYER;
    in_zp = anne__w32(aux + ANNE__S8_IN_ZP);
    if (!anne__good_scale(anne__w32(aux + ANNE__S8_IN_SCALE)) || !anne__good_scale(anne__w32(aux + ANNE__S8_Z_SCALE)) ||
        !anne__good_scale(anne__w32(aux + ANNE__S8_OUT_SCALE)) || !anne__is_s8(in_zp) ||
        !anne__is_s8(anne__w32(aux + ANNE__S8_Z_ZP)) || !anne__is_s8(anne__w32(aux + ANNE__S8_OUT_ZP)) ||
        !anne__is_s8(anne__w32(aux + ANNE__S8_ACT_MIN)) || !anne__is_s8(anne__w32(aux + ANNE__S8_ACT_MAX)) ||
        (int32_t)anne__w32(aux + ANNE__S8_ACT_MIN) > (int32_t)anne__w32(aux + ANNE__S8_ACT_MAX)) {
        return ANNE_ERR_BAD_VALUE;
    }
    /* the activation kind must compute the layer's activation: clamp for linear and plain relu (no
     * threshold, no clip: parameters 0 and 2 zero), a table for the others, softmax for softmax */
    if (kind == ANNE_S8_ACT_CLAMP
            ? act != ANNE_ACT_LINEAR && !(act == ANNE_ACT_RELU && (anne__w32(rec + ANNE__L_PARAM) |
                                                                   anne__w32(rec + ANNE__L_PARAM + 8u)) == 0)
            : (kind == ANNE_S8_ACT_SOFTMAX) != (act == ANNE_ACT_SOFTMAX)) {
        return ANNE_ERR_BAD_ACTIVATION;
    }
    if (kind == ANNE_S8_ACT_CLAMP && /* the dense output is the layer's output */
        (anne__w32(aux + ANNE__S8_Z_SCALE) != anne__w32(aux + ANNE__S8_OUT_SCALE) ||
         anne__w32(aux + ANNE__S8_Z_ZP) != anne__w32(aux + ANNE__S8_OUT_ZP))) {
        return ANNE_ERR_BAD_VALUE;
    }
    if (kind == ANNE_S8_ACT_SOFTMAX && /* output 1/256, zero point -128; exp table starting at 1.0 */
        (anne__w32(aux + ANNE__S8_OUT_SCALE) != ANNE__S8_SOFTMAX_SCALE_BITS ||
         anne__w32(aux + ANNE__S8_OUT_ZP) != (uint32_t)-128 || (anne__w32(aux + anne__s8_table_off(n_out, flags)) & 0xFFFFu) != 32768u)) {
        return ANNE_ERR_BAD_VALUE;
    }
    /* per unit: multiplier >= 0, shift in -31..30, weight scale usable, bias and weights bounded, and
     * the folded bias exactly what the kernels would otherwise compute (|in_zp * sum| <= 128 * 127 *
     * n_in and the bias bound keep it in int32) */
    for (j = 0, unit = aux + ANNE__S8_HDR_SIZE; j < n_out; j++, unit += 4) {
        uint32_t b = bias != NULL ? anne__w32(bias + 4u * j) : 0u, sum = 0;
        if ((anne__w32(unit) >> 31) != 0 || anne__w32(unit + 4u * n_out) + 31u > 61u ||
            !anne__good_scale(anne__w32(unit + 8u * n_out)) || b + bias_limit > 2u * bias_limit) {
            return ANNE_ERR_BAD_VALUE;
        }
        for (i = 0; i < n_in; i++) {
            uint32_t w = k[j * n_in + i];
            /* weights symmetric: -128 would break the accumulator bound (and TFLite's spec excludes it) */
            if (w == 0x80u) return ANNE_ERR_BAD_VALUE;
            sum += w < 0x80u ? w : w - 256u;
        }
        if ((flags & ANNE__S8_FLAG_ZP_BIAS) != 0 && anne__w32(unit + 12u * n_out) != b - in_zp * sum) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    /* the input quantization is the previous layer's output quantization (bit for bit: the tensor
     * between them has one quantization) */
    if (prev != NULL) {
        const uint8_t *prev_aux = weights + anne__w32(prev + ANNE__L_AUX_OFF);
        if (anne__w32(aux + ANNE__S8_IN_SCALE) != anne__w32(prev_aux + ANNE__S8_OUT_SCALE) ||
            in_zp != anne__w32(prev_aux + ANNE__S8_OUT_ZP)) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    return ANNE_OK;
}

anne_status anne__check_quant_layer(const uint8_t *rec, const uint8_t *prev, const uint8_t *weights,
                                    uint32_t weights_size) {
    /* the caller has checked that the model has one format, and that this build runs it. The loader's
     * bytes are 4-aligned; a writer's buffer may not be, and the word reads need it. */
    if ((((uintptr_t)rec | (uintptr_t)weights) & 3u) != 0) return ANNE_ERR_ALIGNMENT;
    if (ANNE_CONFIG_Q16 && rec[ANNE__L_DTYPE] == ANNE_DTYPE_Q16) return anne__check_q16(rec, weights);
    if (ANNE_CONFIG_S8 && rec[ANNE__L_DTYPE] == ANNE_DTYPE_S8) return anne__check_s8(rec, prev, weights, weights_size);
    return ANNE_ERR_UNSUPPORTED_DTYPE; /* a format this build leaves out (anne_config.h) */
}

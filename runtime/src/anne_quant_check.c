/* The loader's checks of Q16 and int8 layers in a model file, so that no stored value can make a
 * kernel overflow or read out of bounds (docs/format.md, "Quantized layers"). */
#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

/* A positive, normal, finite float (no zero, subnormal, infinity or NaN): a usable scale. */
static int anne__good_scale(uint32_t bits) {
    uint32_t e = (bits >> 23) & 0xFFu;
    return (bits >> 31) == 0 && e != 0 && e != 0xFFu;
}

static int anne__is_s8(int32_t v) {
    return v >= -128 && v <= 127;
}

/* Q16: sum |w| of every row within ANNE_Q16_ROW_L1_MAX, so the 64-bit accumulator cannot overflow. */
static anne_status anne__check_q16(const uint8_t *rec, const uint8_t *weights) {
    uint32_t n_in = anne__rd16(rec + ANNE__L_N_IN), n_out = anne__rd16(rec + ANNE__L_N_OUT), i, j;
    const uint8_t *k = weights + anne__rd32(rec + ANNE__L_KERNEL_OFF);
    if (anne__rd32(rec + ANNE__L_AUX_OFF) != 0 || anne__rd32(rec + ANNE__L_AUX_SIZE) != 0) return ANNE_ERR_BAD_LAYER;
    for (j = 0; j < n_out; j++) {
        uint64_t l1 = 0;
        for (i = 0; i < n_in; i++) {
            int32_t w = anne__rdi32(k + 4u * (j * n_in + i));
            l1 += w >= 0 ? (uint32_t)w : (uint32_t)0 - (uint32_t)w;
        }
        if (l1 > ANNE_Q16_ROW_L1_MAX) return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

/* The input quantization of an int8 layer equals the output quantization of the one before (bit for
 * bit: the tensor between them has one quantization). */
static int anne__s8_chain_ok(const uint8_t *aux, const uint8_t *prev_aux) {
    return anne__rd32(aux + ANNE__S8_IN_SCALE) == anne__rd32(prev_aux + ANNE__S8_OUT_SCALE) &&
           anne__rd32(aux + ANNE__S8_IN_ZP) == anne__rd32(prev_aux + ANNE__S8_OUT_ZP);
}

static anne_status anne__check_s8(const uint8_t *rec, const uint8_t *prev, const uint8_t *weights, uint32_t wsize) {
    uint32_t n_in = anne__rd16(rec + ANNE__L_N_IN), n_out = anne__rd16(rec + ANNE__L_N_OUT), i;
    uint32_t act = rec[ANNE__L_ACT];
    uint32_t a_off = anne__rd32(rec + ANNE__L_AUX_OFF), a_size = anne__rd32(rec + ANNE__L_AUX_SIZE);
    const uint8_t *aux, *k = weights + anne__rd32(rec + ANNE__L_KERNEL_OFF);
    uint32_t kind, flags, j;
    int32_t act_min, act_max, in_zp;
    int64_t bias_limit = (int64_t)INT32_MAX - (int64_t)n_in * 127 * 255;

    if (act == ANNE_ACT_PRELU) return ANNE_ERR_UNSUPPORTED_DTYPE; /* per-unit slopes: not in int8 (yet) */
    if ((a_off & 3u) != 0 || a_off > wsize || a_size > wsize - a_off || a_size < ANNE__S8_HDR_SIZE) {
        return ANNE_ERR_BAD_LAYER;
    }
    aux = weights + a_off;
    kind = anne__rd32(aux + ANNE__S8_ACT_KIND);
    flags = anne__rd32(aux + ANNE__S8_FLAGS);
    if (kind >= ANNE_S8_ACT_KIND_COUNT || (flags & ~ANNE__S8_FLAG_ZP_BIAS) != 0) return ANNE_ERR_BAD_LAYER;
    if (a_size != anne__s8_aux_size(n_out, kind, flags)) return ANNE_ERR_BAD_LAYER;
    if (!anne__good_scale(anne__rd32(aux + ANNE__S8_IN_SCALE)) ||
        !anne__good_scale(anne__rd32(aux + ANNE__S8_Z_SCALE)) ||
        !anne__good_scale(anne__rd32(aux + ANNE__S8_OUT_SCALE))) {
        return ANNE_ERR_BAD_VALUE;
    }
    act_min = anne__rdi32(aux + ANNE__S8_ACT_MIN);
    act_max = anne__rdi32(aux + ANNE__S8_ACT_MAX);
    in_zp = anne__rdi32(aux + ANNE__S8_IN_ZP);
    if (!anne__is_s8(in_zp) || !anne__is_s8(anne__rdi32(aux + ANNE__S8_Z_ZP)) ||
        !anne__is_s8(anne__rdi32(aux + ANNE__S8_OUT_ZP)) || !anne__is_s8(act_min) || !anne__is_s8(act_max) ||
        act_min > act_max) {
        return ANNE_ERR_BAD_VALUE;
    }
    /* the activation kind must compute the layer's activation */
    switch (kind) {
    case ANNE_S8_ACT_CLAMP:
        if (act != ANNE_ACT_LINEAR &&
            !(act == ANNE_ACT_RELU && anne__rd32(rec + ANNE__L_PARAM) == 0 &&
              anne__rd32(rec + ANNE__L_PARAM + 8u) == 0)) {
            return ANNE_ERR_BAD_ACTIVATION;
        }
        if (anne__rd32(aux + ANNE__S8_Z_SCALE) != anne__rd32(aux + ANNE__S8_OUT_SCALE) ||
            anne__rd32(aux + ANNE__S8_Z_ZP) != anne__rd32(aux + ANNE__S8_OUT_ZP)) {
            return ANNE_ERR_BAD_VALUE;
        }
        break;
    case ANNE_S8_ACT_LUT:
        if (act == ANNE_ACT_SOFTMAX) return ANNE_ERR_BAD_ACTIVATION;
        break;
    default: /* softmax */
        if (act != ANNE_ACT_SOFTMAX) return ANNE_ERR_BAD_ACTIVATION;
        if (anne__rd32(aux + ANNE__S8_OUT_SCALE) != ANNE__S8_SOFTMAX_SCALE_BITS ||
            anne__rdi32(aux + ANNE__S8_OUT_ZP) != -128 || anne__rd16(aux + anne__s8_table_off(n_out, flags)) != 32768u) {
            return ANNE_ERR_BAD_VALUE;
        }
        break;
    }
    if (act == ANNE_ACT_SOFTMAX && kind != ANNE_S8_ACT_SOFTMAX) return ANNE_ERR_BAD_ACTIVATION;
    for (i = 0; i < n_out; i++) {
        int32_t m = anne__rdi32(aux + ANNE__S8_HDR_SIZE + 4u * i);
        int32_t s = anne__rdi32(aux + ANNE__S8_HDR_SIZE + 4u * (n_out + i));
        if (m < 0 || s < -31 || s > 30) return ANNE_ERR_BAD_VALUE;
        if (!anne__good_scale(anne__rd32(aux + ANNE__S8_HDR_SIZE + 4u * (2u * n_out + i)))) return ANNE_ERR_BAD_VALUE;
    }
    for (j = 0; j < n_out; j++) {
        int32_t sum = 0, bias = (rec[ANNE__L_FLAGS] & ANNE__L_FLAG_BIAS) != 0
                                    ? anne__rdi32(weights + anne__rd32(rec + ANNE__L_BIAS_OFF) + 4u * j)
                                    : 0;
        if ((int64_t)bias > bias_limit || -(int64_t)bias > bias_limit) return ANNE_ERR_BAD_VALUE;
        for (i = 0; i < n_in; i++) {
            uint32_t w = k[j * n_in + i];
            /* weights symmetric: -128 would break the accumulator bound (and TFLite's spec excludes it) */
            if (w == 0x80u) return ANNE_ERR_BAD_VALUE;
            sum += w < 0x80u ? (int32_t)w : (int32_t)w - 256;
        }
        /* the folded bias must be exactly what the kernels would otherwise compute (|in_zp sum| <=
         * 128 * 127 * n_in and the bias bound keep this in int32) */
        if ((flags & ANNE__S8_FLAG_ZP_BIAS) != 0 &&
            anne__rdi32(aux + ANNE__S8_HDR_SIZE + 4u * (3u * n_out + j)) != bias - in_zp * sum) {
            return ANNE_ERR_BAD_VALUE;
        }
    }
    if (prev != NULL && !anne__s8_chain_ok(aux, weights + anne__rd32(prev + ANNE__L_AUX_OFF))) {
        return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

anne_status anne__check_quant_layer(const uint8_t *rec, const uint8_t *prev, const uint8_t *weights,
                                    uint32_t weights_size) {
    if (prev != NULL && prev[ANNE__L_DTYPE] != rec[ANNE__L_DTYPE]) return ANNE_ERR_UNSUPPORTED_DTYPE; /* uniform */
    if (ANNE_CONFIG_Q16 && rec[ANNE__L_DTYPE] == ANNE_DTYPE_Q16) return anne__check_q16(rec, weights);
    if (ANNE_CONFIG_S8 && rec[ANNE__L_DTYPE] == ANNE_DTYPE_S8) return anne__check_s8(rec, prev, weights, weights_size);
    return ANNE_ERR_UNSUPPORTED_DTYPE; /* a format this build leaves out (anne_config.h) */
}

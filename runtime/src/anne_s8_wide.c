/* int8 weights widened to int16 for the DSP kernel (anne_model_s8_widen, anne_quant.h): the layout
 * that anne_dense_s8.c's four-unit kernels read, written once, so that SMLAD takes weight pairs as they
 * are instead of widening every four weights with two SXTB16 at each inference. */
#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

/* The layout, per layer in model order (anne__s8_wide_count values each): per block of four units
 * j..j+3, per block of eight inputs, for its first and then its last four inputs i..i+3, per unit u of
 * the four: w_u[i], w_u[i + 2], w_u[i + 1], w_u[i + 3]. Read as two words, these are the pairs that
 * SMLAD multiplies with SXTB16(x) = (x_i, x_i+2) and SXTB16(x ror 8) = (x_i+1, x_i+3), x the four
 * input bytes; sixteen values (32 bytes) per four inputs of a block, read front to back. */
static int16_t *anne__s8_widen_layer(int16_t *dst, const int8_t *kernel, uint32_t n_in, uint32_t n_out) {
    uint32_t j, i, u, n8 = n_in & ~7u;
    for (j = 0; j + 4u <= n_out && n8 != 0; j += 4u) {
        for (i = 0; i < n8; i += 4u) {
            for (u = 0; u < 4u; u++) {
                const int8_t *w = kernel + (j + u) * n_in + i;
                *dst++ = w[0];
                *dst++ = w[2];
                *dst++ = w[1];
                *dst++ = w[3];
            }
        }
    }
    return dst;
}

size_t anne_model_s8_wide_size(const anne_model *model) {
    const uint32_t *rec;
    size_t n = 0;
    uint16_t l;
    if (!ANNE_CONFIG_S8 || !ANNE_CONFIG_S8_WIDE || model == NULL || anne_model_dtype(model) != ANNE_DTYPE_S8) {
        return 0;
    }
    rec = (const uint32_t *)(const void *)model->layer_table;
    for (l = 0; l < model->n_layers; l++, rec += ANNE__LAYER_SIZE / 4u) {
        uint32_t shape = rec[ANNE__L_N_IN / 4u];
        /* every count is at most its layer's kernel bytes, all inside the model file: the sum of twice
         * them overflows only where a size_t of 32 bits holds a model of over 2 GB */
        size_t c = anne__s8_wide_count(shape & 0xFFFFu, shape >> 16);
        if (c > ((size_t)-1 >> 1) / 2u - n) return (size_t)-1; /* no buffer is that large */
        n += c;
    }
    return 2u * n;
}

anne_status anne_model_s8_widen(anne_model *model, void *buf, size_t size) {
    const uint32_t *rec;
    int16_t *dst = (int16_t *)buf;
    size_t need;
    uint16_t l;
    if (model == NULL) return ANNE_ERR_NULL_ARG;
    if (!ANNE_CONFIG_S8 || !ANNE_CONFIG_S8_WIDE || anne_model_dtype(model) != ANNE_DTYPE_S8) {
        return ANNE_ERR_UNSUPPORTED_DTYPE;
    }
    need = anne_model_s8_wide_size(model);
    if (need == 0) { /* no layer has four units and eight inputs: nothing to widen */
        model->s8_wide = NULL;
        return ANNE_OK;
    }
    if (buf == NULL) return ANNE_ERR_NULL_ARG;
    if (((uintptr_t)buf & 3u) != 0) return ANNE_ERR_ALIGNMENT; /* the kernel reads words */
    if (size < need) return ANNE_ERR_BUFFER_TOO_SMALL;
    rec = (const uint32_t *)(const void *)model->layer_table;
    for (l = 0; l < model->n_layers; l++, rec += ANNE__LAYER_SIZE / 4u) {
        uint32_t shape = rec[ANNE__L_N_IN / 4u];
        const int8_t *kernel = (const int8_t *)(model->weights + rec[ANNE__L_KERNEL_OFF / 4u]);
        dst = anne__s8_widen_layer(dst, kernel, shape & 0xFFFFu, shape >> 16);
    }
    model->s8_wide = (const int16_t *)buf;
    return ANNE_OK;
}

/* Quantized layers at run time: decoding an int8 layer's quantization record and running one int8
 * layer. (The loader's checks of the same records: anne_quant_check.c.) */
#include <string.h>

#include "anne_format.h"
#include "anne_quant.h"
#include "anne_quant_format.h"

anne_status anne_layer_s8(const anne_layer *layer, anne_s8_layer *out) {
    const uint8_t *aux;
    uint32_t n, flags;
    if (layer == NULL || out == NULL) return ANNE_ERR_NULL_ARG;
    if (layer->dtype != ANNE_DTYPE_S8) return ANNE_ERR_UNSUPPORTED_DTYPE;
    if (layer->aux == NULL) return ANNE_ERR_NULL_ARG;
    aux = (const uint8_t *)layer->aux;
    n = layer->n_out;
    memset(out, 0, sizeof *out);
    if (((uintptr_t)aux & 3u) == 0) {
        /* a loaded model's aux record (4-aligned, checked at load): read a word at a time, since this
         * runs for every layer of every inference; the target is little-endian (anne_model.c) */
        const int32_t *w = (const int32_t *)(const void *)aux;
        memcpy(&out->in_scale, w + ANNE__S8_IN_SCALE / 4u, sizeof(float));
        memcpy(&out->z_scale, w + ANNE__S8_Z_SCALE / 4u, sizeof(float));
        memcpy(&out->out_scale, w + ANNE__S8_OUT_SCALE / 4u, sizeof(float));
        out->in_zp = w[ANNE__S8_IN_ZP / 4u];
        out->z_zp = w[ANNE__S8_Z_ZP / 4u];
        out->out_zp = w[ANNE__S8_OUT_ZP / 4u];
        out->act_kind = (anne_s8_act_kind)w[ANNE__S8_ACT_KIND / 4u];
        out->dense.act_min = w[ANNE__S8_ACT_MIN / 4u];
        out->dense.act_max = w[ANNE__S8_ACT_MAX / 4u];
    } else {
        out->in_scale = anne__rdf32(aux + ANNE__S8_IN_SCALE);
        out->in_zp = anne__rdi32(aux + ANNE__S8_IN_ZP);
        out->z_scale = anne__rdf32(aux + ANNE__S8_Z_SCALE);
        out->z_zp = anne__rdi32(aux + ANNE__S8_Z_ZP);
        out->out_scale = anne__rdf32(aux + ANNE__S8_OUT_SCALE);
        out->out_zp = anne__rdi32(aux + ANNE__S8_OUT_ZP);
        out->act_kind = (anne_s8_act_kind)anne__rd32(aux + ANNE__S8_ACT_KIND);
        out->dense.act_min = anne__rdi32(aux + ANNE__S8_ACT_MIN);
        out->dense.act_max = anne__rdi32(aux + ANNE__S8_ACT_MAX);
    }
    out->dense.in_zp = out->in_zp; /* 0 below when the record carries the folded bias */
    out->dense.out_zp = out->z_zp;
    /* the model bytes are 4-aligned and so is every aux record: these arrays are aligned */
    out->dense.multiplier = (const int32_t *)(const void *)(aux + ANNE__S8_HDR_SIZE);
    out->dense.shift = out->dense.multiplier + n;
    out->w_scale = (const float *)(const void *)(aux + ANNE__S8_HDR_SIZE + 8u * n);
    flags = anne__rd32(aux + ANNE__S8_FLAGS);
    if ((flags & ANNE__S8_FLAG_ZP_BIAS) != 0) {
        out->zp_bias = out->dense.multiplier + 3u * n;
        out->dense.in_zp = 0;
    }
    if (out->act_kind == ANNE_S8_ACT_LUT) out->lut = (const int8_t *)(aux + anne__s8_table_off(n, flags));
    if (out->act_kind == ANNE_S8_ACT_SOFTMAX) {
        out->exp_table = (const uint16_t *)(const void *)(aux + anne__s8_table_off(n, flags));
    }
    return ANNE_OK;
}

void anne_layer_forward_s8(int8_t *out, int8_t *z, const int8_t *in, const anne_layer *layer,
                           const anne_s8_layer *q) {
    if (z == NULL) z = out;
    /* with the zero point folded into the bias, dense.in_zp is 0 */
    anne_dense_forward_s8(z, in, (const int8_t *)layer->kernel,
                          q->zp_bias != NULL ? q->zp_bias : (const int32_t *)layer->bias, layer->n_in, layer->n_out,
                          &q->dense);
    if (z != out) memcpy(out, z, layer->n_out);
    if (q->act_kind == ANNE_S8_ACT_LUT) anne_activation_forward_s8_lut(out, layer->n_out, q->lut);
    else if (ANNE_CONFIG_HAS_ACTIVATION(ANNE_ACT_SOFTMAX) && q->act_kind == ANNE_S8_ACT_SOFTMAX) {
        anne_softmax_forward_s8(out, layer->n_out, q->exp_table); /* (left out: rejected at load) */
    }
}

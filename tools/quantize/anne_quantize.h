/* The quantizer: a float model (IR) and calibration inputs in, a Q16.16 or int8 model file out. */
#ifndef ANNE_QUANTIZE_H
#define ANNE_QUANTIZE_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_quant.h"

typedef struct anne_quantize_opts {
    anne_dtype to;              /* ANNE_DTYPE_Q16 or ANNE_DTYPE_S8 */
    int per_tensor;             /* int8: one weight scale per layer instead of per unit */
} anne_quantize_opts;

/* What the quantizer saw, for the report. */
typedef struct anne_quantize_info {
    double max_abs_activation;  /* largest |value| of any layer input/output on the calibration data */
    size_t saturating_layers;   /* Q16: layers whose values reach beyond +-32768 on the calibration data */
} anne_quantize_info;

/* Quantizes ir with calib (n_rows, ir->n_inputs) raw inputs (as the model takes them: before its
 * input scaling) into a malloc'd model file. int8: activation ranges from the calibration data,
 * TFLite's rules (ranges widened to include 0; per-unit symmetric weights, scale max|w| / 127; bias
 * int32; multipliers by QuantizeMultiplier); Q16: weights rounded to nearest. A graph model (ir->n_ops
 * > 0) goes to anne_quantize_graph() (int8 only). Errors name the layer or op. */
int anne_quantize(const anne_ir *ir, const float *calib, size_t n_rows, const anne_quantize_opts *opts,
                  unsigned char **bytes, size_t *size, anne_quantize_info *info, anne_error *err);

/* One int8 layer's quantization record (docs/format.md, "Quantized layers"), as the quantizer and the
 * .tflite importer build it. Multipliers come from in_scale * w_scale[j] / z_scale (double, as
 * TFLite); a LUT tabulates `activation` (with `param`) at the 256 dequantized z values, requantized
 * to out; a softmax table holds exp(-d * z_scale) * 2^15. */
typedef struct anne_s8_aux_spec {
    float in_scale, z_scale, out_scale;
    int32_t in_zp, z_zp, out_zp;
    int32_t act_min, act_max;   /* clamp of z */
    anne_s8_act_kind kind;
    anne_activation activation; /* LUT: the function tabulated */
    const float *param;         /* its parameters (3) */
    const float *w_scale;       /* (n) weight scale per unit */
    const int8_t *kernel;       /* (n, n_in) the quantized weights and bias (NULL: none), for the record's */
    const int32_t *bias;        /* zp_bias = bias - in_zp * sum of the unit's weights */
    uint32_t n_in;
} anne_s8_aux_spec;

/* Bytes of the record for n units. */
size_t anne_quantize_s8_aux_size(uint32_t n, anne_s8_act_kind kind);

/* Fills aux (anne_quantize_s8_aux_size bytes). Returns 0, or the 1-based unit whose requantization
 * factor is too large to represent (shift > 30). */
uint32_t anne_quantize_s8_aux(unsigned char *aux, const anne_s8_aux_spec *spec, uint32_t n);

/* The 256-entry int8 table of an elementwise activation (with its 3 params), lut[q + 128] = the
 * activation of the dequantized q, quantized to (out_scale, out_zp): the records' LUT and an int8 graph's
 * ACTIVATION op. */
void anne_quantize_s8_lut(unsigned char lut[256], anne_activation activation, const float *param, float in_scale,
                          int32_t in_zp, float out_scale, int32_t out_zp);

/* TFLite's int8 softmax exp table for an input scale: entry d = round(2^15 * exp(-d * in_scale)), 256
 * u16 little-endian (512 bytes; entry 0 is 32768). */
void anne_quantize_s8_exp_table(unsigned char table[512], float in_scale);

/* The arrays a quantized model's layer or op records point to, freed together. */
typedef struct anne_quantize_keep {
    void **p;
    size_t n, cap;
} anne_quantize_keep;

/* A zeroed array of `bytes` kept in k until anne_quantize_keep_free(); NULL when out of memory. */
void *anne_quantize_keep_alloc(anne_quantize_keep *k, size_t bytes);
void anne_quantize_keep_free(anne_quantize_keep *k);

/* anne_model_write into a malloc'd buffer; errors say why the writer refused. */
int anne_quantize_write(const anne_model_desc *d, unsigned char **bytes, size_t *size, anne_error *err);

#endif /* ANNE_QUANTIZE_H */

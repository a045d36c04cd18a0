/* The quantizer: a float model (IR) and calibration inputs in, a Q16.16 or int8 model file out. */
#ifndef ANNE_QUANTIZE_H
#define ANNE_QUANTIZE_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_ir.h"

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
 * int32; multipliers by QuantizeMultiplier); Q16: weights rounded to nearest. Errors name the layer. */
int anne_quantize(const anne_ir *ir, const float *calib, size_t n_rows, const anne_quantize_opts *opts,
                  unsigned char **bytes, size_t *size, anne_quantize_info *info, anne_error *err);

#endif /* ANNE_QUANTIZE_H */

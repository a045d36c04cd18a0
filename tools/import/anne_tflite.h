/* The TensorFlow Lite (.tflite flatbuffer) importer: a chain of FULLY_CONNECTED layers, int8 or
 * float, float32 graphs (convolutions, pooling, merges) and int8 CNNs (int8 graph models, format 2.2),
 * into ANNE model bytes (docs/tflite-import.md). C entry points of C++ files. */
#ifndef ANNE_TFLITE_H
#define ANNE_TFLITE_H

#include <stddef.h>

#include "anne_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A TFLite flatbuffer: the file identifier "TFL3" at bytes 4..8. */
int anne_tflite_is(const unsigned char *bytes, size_t size);

/* Converts the .tflite file bytes into a malloc'd ANNE model file (*out, *out_size; free()): int8
 * models become int8 layers with the file's own scales, zero points and integer weights (nothing is
 * re-quantized); float models become float layers, with float16 weights widened and the int8 weights
 * of dynamic-range models dequantized, exactly. Operators other than FULLY_CONNECTED (fused NONE /
 * RELU / RELU6), LOGISTIC, TANH, SOFTMAX after one, RESHAPE as a Flatten, QUANTIZE / DEQUANTIZE at the
 * ends and DEQUANTIZE of constant weights are refused by position and name. Corrupt files are
 * rejected by the flatbuffers verifier before anything is read. Errors start with path. */
int anne_tflite_convert(const unsigned char *bytes, size_t size, const char *path, unsigned char **out,
                        size_t *out_size, anne_error *err);

/* `anne convert --check`: one line per operator of the main subgraph (position, name, what it is,
 * "supported" or "NOT SUPPORTED: why"), going on past refusals, then a "model:" line if the chain as
 * a whole or the writer refuses it. *all_supported is 1 exactly when anne_tflite_convert() succeeds.
 * *report is malloc'd (free()). Returns -1 (err set) only for a file that cannot be read at all. */
int anne_tflite_check(const unsigned char *bytes, size_t size, const char *path, char **report, int *all_supported,
                      anne_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_TFLITE_H */

/* The optimized int8 convolutions against the reference ones (conv_s8_check.c). */
#ifndef ANNE_CONV_S8_CHECK_H
#define ANNE_CONV_S8_CHECK_H

#include <stdint.h>

/* Runs `cases` random layers from `seed`; returns how many gave outputs that differ from the
 * reference kernels' (0: all bit for bit) and sets *outputs to the outputs compared. */
uint32_t anne_conv_s8_check(uint64_t seed, uint32_t cases, uint32_t *outputs);

#endif /* ANNE_CONV_S8_CHECK_H */

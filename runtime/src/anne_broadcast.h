/* Private: where a broadcasting merge (anne_ops.h, anne_quant_ops.h) reads each input, one rule for
 * every number format. */
#ifndef ANNE_BROADCAST_H
#define ANNE_BROADCAST_H

#include <stddef.h>
#include <stdint.h>

/* The index of out's element (i0, i1, i2, i3) in an input of dims d (rank 4, each 1 or out's): its own
 * row-major index, with 0 along the axes where it has 1 (the value repeated), as NumPy, Keras and
 * TFLite broadcast. Static, not forced inline: the compiler decides for each kernel as for its other
 * static functions (the float kernel's frame on the Cortex-M0+ stays as it was). */
static size_t anne__broadcast_at(const uint16_t *d, uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3) {
    size_t j = d[0] == 1u ? 0u : i0;
    j = j * d[1] + (d[1] == 1u ? 0u : i1);
    j = j * d[2] + (d[2] == 1u ? 0u : i2);
    return j * d[3] + (d[3] == 1u ? 0u : i3);
}

#endif /* ANNE_BROADCAST_H */

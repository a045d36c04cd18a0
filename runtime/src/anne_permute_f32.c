/* Permute (transpose) of a float32 tensor of rank <= 4, the reference kernel of anne_ops.h: out is
 * written in order, each value fetched from where its indices put it in `in`. */
#include "anne_ops.h"

void anne_permute_forward_f32(float *out, const float *in, const uint16_t *in_dims, const uint8_t *perm, uint8_t r) {
    /* for each of out's axes k (in's axis perm[k]): its index, and the step in `in` of one index along
     * it, the product of in's dimensions after axis perm[k] (row-major) */
    uint32_t step[4], k, a, at = 0;
    uint16_t idx[4] = {0, 0, 0, 0};
    if (r > 4u) return;
    for (k = 0; k < r; k++) {
        step[k] = 1;
        for (a = perm[k] + 1u; a < r; a++) step[k] *= in_dims[a];
    }
    /* out in order, its last index fastest, as an odometer counts; `at` follows in `in` */
    do {
        *out++ = in[at];
        for (k = r; k-- > 0;) { /* one more along the last axis; a full axis goes back to 0 and carries */
            at += step[k];
            if (++idx[k] < in_dims[perm[k]]) break;
            at -= step[k] * idx[k];
            idx[k] = 0;
        }
    } while (k < r); /* a carry out of the first axis (k wrapped past r; at once for rank 0): all written */
}

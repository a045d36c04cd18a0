/* Permute (transpose) of a float32 tensor of rank <= 4, the reference kernel of anne_ops.h: out is
 * written in order, each value fetched from where its indices put it in `in`. */
#include "anne_ops.h"

void anne_permute_forward_f32(float *out, const float *in, const uint16_t *in_dims, const uint8_t *perm, uint8_t r) {
    /* out's dimensions and, for each of out's axes, the step in `in` of one index along it; the axes
     * past r have one index, so every rank runs the same four loops */
    size_t dim[4] = {1, 1, 1, 1}, step[4] = {0, 0, 0, 0}, in_stride[4], s = 1;
    size_t i0, i1, i2, i3;
    uint32_t k;
    if (r > 4u) return;
    for (k = r; k > 0; k--) { /* row-major: the last axis steps by 1 */
        in_stride[k - 1u] = s;
        s *= in_dims[k - 1u];
    }
    for (k = 0; k < r; k++) {
        dim[k] = in_dims[perm[k]];
        step[k] = in_stride[perm[k]];
    }
    for (i0 = 0; i0 < dim[0]; i0++) {
        for (i1 = 0; i1 < dim[1]; i1++) {
            for (i2 = 0; i2 < dim[2]; i2++) {
                for (i3 = 0; i3 < dim[3]; i3++) *out++ = in[i0 * step[0] + i1 * step[1] + i2 * step[2] + i3 * step[3]];
            }
        }
    }
}

/* Spatial rearrangements of an (H, W, C) float32 tensor, the reference kernels of anne_ops.h:
 * ZeroPadding, Cropping and UpSampling (nearest), 1-D and 2-D. Copies only: the results are exact. */
#include "anne_ops.h"

void anne_zero_pad2d_forward_f32(float *out, const float *in, const anne_spatial_params *p) {
    uint32_t y, x, c;
    for (y = 0; y < p->out.h; y++) {
        /* unsigned: a row of the top padding wraps past in.h, like one of the bottom padding */
        uint32_t iy = y - p->top;
        for (x = 0; x < p->out.w; x++) {
            uint32_t ix = x - p->left;
            float *dst = out + ((size_t)y * p->out.w + x) * p->out.c; /* (c) */
            if (iy < p->in.h && ix < p->in.w) {
                const float *src = in + ((size_t)iy * p->in.w + ix) * p->in.c; /* (c) */
                for (c = 0; c < p->out.c; c++) dst[c] = src[c];
            } else {
                for (c = 0; c < p->out.c; c++) dst[c] = 0.0f;
            }
        }
    }
}

void anne_crop2d_forward_f32(float *out, const float *in, const anne_spatial_params *p) {
    uint32_t y, x, c;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            const float *src = in + (((size_t)y + p->top) * p->in.w + x + p->left) * p->in.c; /* (c) */
            float *dst = out + ((size_t)y * p->out.w + x) * p->out.c;                      /* (c) */
            for (c = 0; c < p->out.c; c++) dst[c] = src[c];
        }
    }
}

void anne_upsample2d_nearest_forward_f32(float *out, const float *in, const anne_spatial_params *p) {
    uint32_t fy = (uint32_t)p->out.h / p->in.h, fx = (uint32_t)p->out.w / p->in.w; /* the factors */
    uint32_t y, x, c;
    for (y = 0; y < p->out.h; y++) {
        for (x = 0; x < p->out.w; x++) {
            const float *src = in + ((size_t)(y / fy) * p->in.w + x / fx) * p->in.c; /* (c) */
            float *dst = out + ((size_t)y * p->out.w + x) * p->out.c;              /* (c) */
            for (c = 0; c < p->out.c; c++) dst[c] = src[c];
        }
    }
}

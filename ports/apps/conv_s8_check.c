/* The optimized int8 convolutions (anne_conv2d_s8_fast.c, the public kernels) against the reference
 * kernels (anne_conv2d_s8.c) bit for bit, on random layers: shapes up to 10x10, 1-24 input and output
 * channels (groups of channels full and left over, runs of bytes 4-aligned and not), kernels 1x1 to
 * 5x5, strides 1-3, dilations 1-2, 'same' and 'valid' padding, input zero points over -128 ... 127,
 * per-channel multipliers and shifts of both signs, relu clamps and none. Run by tests/test_conv_s8_fast.c
 * on the host and by ports/apps/app_conv_s8.c on the emulated boards (static buffers, no malloc). */
#include <string.h>

#include "anne_conv_s8.h"
#include "conv_s8_check.h"

#define CK_HW 10
#define CK_C 24
#define CK_K 5

static uint64_t ck_state;

/* PCG-style step: 32 random bits */
static uint32_t ck_rand(void) {
    ck_state = ck_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(ck_state >> 33);
}

static uint32_t ck_pick(uint32_t n) {
    return ck_rand() % n;
}

/* TF's output size on one axis of n with a window spanning `span` ('same': ceil(n / stride), the
 * smaller half of the padding first, in *pad; 'valid': 0 when it does not fit). */
static uint16_t ck_out(uint32_t n, uint32_t span, uint32_t stride, int same, uint16_t *pad) {
    uint32_t out = same ? (n + stride - 1u) / stride : (span > n ? 0u : (n - span) / stride + 1u);
    uint32_t need = out == 0u ? 0u : (out - 1u) * stride + span;
    *pad = (uint16_t)(same && need > n ? (need - n) / 2u : 0u);
    return (uint16_t)out;
}

/* 4-aligned buffers, with room for an offset of 1 to test unaligned runs */
static int32_t ck_in[(CK_HW * CK_HW * CK_C + 8) / 4], ck_kernel[(CK_C * CK_K * CK_K * CK_C + 8) / 4];
static int8_t ck_got[CK_HW * CK_HW * CK_C * 3], ck_want[CK_HW * CK_HW * CK_C * 3];
static int32_t ck_bias[3 * CK_C], ck_mult[3 * CK_C], ck_shift[3 * CK_C];

uint32_t anne_conv_s8_check(uint64_t seed, uint32_t cases, uint32_t *outputs) {
    uint32_t bad = 0, t, i;
    ck_state = seed;
    *outputs = 0;
    for (t = 0; t < cases; t++) {
        anne_window w;
        anne_window_params p;
        anne_s8_dense_params q;
        int depthwise = (int)ck_pick(3) == 0, same = (int)ck_pick(2);
        uint32_t m = depthwise ? 1u + ck_pick(3) : 1u, n_out, n_k, skew = ck_pick(4) == 0 ? 1u : 0u;
        int8_t *in = (int8_t *)ck_in + skew, *kernel = (int8_t *)ck_kernel + skew;
        w.kernel_h = (uint16_t)(1u + ck_pick(ck_pick(2) ? 3u : CK_K));
        w.kernel_w = (uint16_t)(1u + ck_pick(ck_pick(2) ? 3u : CK_K));
        w.stride_h = (uint16_t)(1u + ck_pick(ck_pick(2) ? 1u : 3u));
        w.stride_w = (uint16_t)(1u + ck_pick(ck_pick(2) ? 1u : 3u));
        w.dilation_h = (uint16_t)(1u + ck_pick(ck_pick(4) ? 1u : 2u));
        w.dilation_w = (uint16_t)(1u + ck_pick(ck_pick(4) ? 1u : 2u));
        p.in.h = (uint16_t)(1u + ck_pick(CK_HW));
        p.in.w = (uint16_t)(1u + ck_pick(CK_HW));
        p.in.c = (uint16_t)(depthwise ? 1u + ck_pick(CK_C / 3u) : (ck_pick(2) ? 4u * (1u + ck_pick(6)) : 1u + ck_pick(CK_C)));
        p.out.c = (uint16_t)(depthwise ? p.in.c * m : 1u + ck_pick(CK_C));
        p.out.h = ck_out(p.in.h, (w.kernel_h - 1u) * w.dilation_h + 1u, w.stride_h, same, &w.pad_top);
        p.out.w = ck_out(p.in.w, (w.kernel_w - 1u) * w.dilation_w + 1u, w.stride_w, same, &w.pad_left);
        p.win = &w;
        if (p.out.h == 0 || p.out.w == 0) continue;
        n_out = (uint32_t)p.out.h * p.out.w * p.out.c;
        n_k = depthwise ? (uint32_t)w.kernel_h * w.kernel_w * p.out.c
                        : (uint32_t)p.out.c * w.kernel_h * w.kernel_w * p.in.c;
        for (i = 0; i < (uint32_t)p.in.h * p.in.w * p.in.c; i++) in[i] = (int8_t)(ck_pick(256) - 128u);
        for (i = 0; i < n_k; i++) kernel[i] = (int8_t)(ck_pick(255) - 127u);
        for (i = 0; i < p.out.c; i++) {
            ck_bias[i] = (int32_t)ck_pick(200001) - 100000;
            ck_mult[i] = (int32_t)((1u << 30) + ck_pick(1u << 30));
            ck_shift[i] = -(int32_t)ck_pick(14) + (ck_pick(8) == 0 ? 3 : -4);
        }
        q.in_zp = (int32_t)ck_pick(256) - 128;
        q.out_zp = (int32_t)ck_pick(256) - 128;
        q.act_min = ck_pick(2) ? q.out_zp : -128;
        q.act_max = 127;
        q.multiplier = ck_mult;
        q.shift = ck_shift;
        memset(ck_got, 0x5A, n_out);
        memset(ck_want, 0x3C, n_out);
        {
            const int32_t *b = ck_pick(4) ? ck_bias : NULL;
            if (depthwise) {
                anne_depthwise_conv2d_forward_s8(ck_got, in, kernel, b, &p, &q);
                anne__depthwise_ref_s8(ck_want, in, kernel, b, &p, &q);
            } else {
                anne_conv2d_forward_s8(ck_got, in, kernel, b, &p, &q);
                anne__conv2d_ref_s8(ck_want, in, kernel, b, &p, &q);
            }
        }
        *outputs += n_out;
        if (memcmp(ck_got, ck_want, n_out) != 0) bad++;
    }
    return bad;
}

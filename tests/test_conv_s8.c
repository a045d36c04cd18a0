/* int8 Conv2D and DepthwiseConv2D (anne_quant.h) against a plain integer reference written here with
 * another structure: the input copied into an explicitly padded plane filled with the input zero
 * point (as TFLite pads), every window position summed in int64 (the padding's terms are 0 by
 * construction, not skipped), and the independent requantization of tests/test_quant_ref.h. Random
 * shapes, strides, dilations, 'same' and 'valid' padding, kernels as large as the input, depth
 * multipliers 1-3, realistic per-channel multipliers; exact, about 3 million outputs. Then the
 * extremes: the largest sums the contract allows (UBSan watches for overflow). */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quantize_math.h"

#define MAX_HW 9
#define MAX_C 12
#define MAX_K 5
#define MAX_PAD 16 /* (MAX_K - 1) * 3 + 1 rows or columns of padding on either side at most */

typedef struct conv_case {
    anne_window win;
    anne_window_params p;
    anne_s8_dense_params q;
    int32_t mult[3 * MAX_C], shift[3 * MAX_C], bias[3 * MAX_C];
    int use_bias;
} conv_case;

static uint64_t rng = 7;

static uint32_t pick(uint32_t n) { /* 0 .. n - 1 */
    return (uint32_t)(ref_rand(&rng) % n);
}

/* TF's output size and leading padding on one axis ('same': ceil(n / stride), the smaller half of the
 * padding first); 0 when 'valid' does not fit. */
static uint16_t out_size(uint16_t n, uint16_t k, uint16_t stride, uint16_t dilation, int same, uint16_t *pad) {
    uint32_t span = (uint32_t)dilation * (k - 1u) + 1u, out, total;
    *pad = 0;
    if (!same) return span > n ? 0 : (uint16_t)((n - span) / stride + 1u);
    out = (n + stride - 1u) / stride;
    total = (out - 1u) * stride + span;
    *pad = (uint16_t)(total > n ? (total - n) / 2u : 0u);
    return (uint16_t)out;
}

/* A random layer; out_c = in.c * m for depthwise. Returns 0 when the drawn shape has no output. */
static int make_case(conv_case *t, int depthwise) {
    int same = (int)pick(2);
    uint32_t o;
    t->win.kernel_h = (uint16_t)(1u + pick(MAX_K));
    t->win.kernel_w = (uint16_t)(1u + pick(MAX_K));
    t->win.stride_h = (uint16_t)(1u + pick(3));
    t->win.stride_w = (uint16_t)(1u + pick(3));
    t->win.dilation_h = (uint16_t)(1u + pick(3));
    t->win.dilation_w = (uint16_t)(1u + pick(3));
    t->p.in.h = (uint16_t)(1u + pick(MAX_HW));
    t->p.in.w = (uint16_t)(1u + pick(MAX_HW));
    t->p.in.c = (uint16_t)(1u + pick(MAX_C));
    t->p.out.c = depthwise ? (uint16_t)(t->p.in.c * (1u + pick(3))) : (uint16_t)(1u + pick(MAX_C));
    t->p.out.h = out_size(t->p.in.h, t->win.kernel_h, t->win.stride_h, t->win.dilation_h, same, &t->win.pad_top);
    t->p.out.w = out_size(t->p.in.w, t->win.kernel_w, t->win.stride_w, t->win.dilation_w, same, &t->win.pad_left);
    t->p.win = &t->win;
    t->q.in_zp = (int32_t)pick(256) - 128;
    t->q.out_zp = (int32_t)pick(256) - 128;
    t->q.act_min = -128 + (int32_t)pick(3) * 40;
    t->q.act_max = 127 - (int32_t)pick(3) * 40;
    t->q.multiplier = t->mult;
    t->q.shift = t->shift;
    t->use_bias = pick(4) != 0u;
    for (o = 0; o < t->p.out.c; o++) {
        /* multipliers from real scales 2^-14 .. 2^2, as converted models have them */
        double real = ldexp(0.5 + (double)pick(1000) / 2000.0, (int)pick(17) - 14);
        anne_quantize_multiplier(real, &t->mult[o], &t->shift[o]);
        t->bias[o] = (int32_t)pick(2000001) - 1000000;
    }
    return t->p.out.h != 0u && t->p.out.w != 0u;
}

/* The reference output o at (y, x): the window read from the padded plane. */
static int8_t reference(const conv_case *t, const int8_t *plane, uint32_t pw, const int8_t *kernel, uint32_t y,
                        uint32_t x, uint32_t o, int depthwise) {
    const anne_window *w = &t->win;
    uint32_t m = t->p.out.c / t->p.in.c, ky, kx, c;
    int64_t acc = t->use_bias ? t->bias[o] : 0, z;
    for (ky = 0; ky < w->kernel_h; ky++) {
        for (kx = 0; kx < w->kernel_w; kx++) {
            /* plane coordinates: the input starts at (MAX_PAD, MAX_PAD) */
            uint32_t py = MAX_PAD + y * w->stride_h + ky * w->dilation_h - w->pad_top;
            uint32_t px = MAX_PAD + x * w->stride_w + kx * w->dilation_w - w->pad_left;
            const int8_t *v = plane + ((size_t)py * pw + px) * t->p.in.c;
            if (depthwise) {
                acc += (int64_t)kernel[(ky * w->kernel_w + kx) * t->p.out.c + o] * ((int64_t)v[o / m] - t->q.in_zp);
                continue;
            }
            for (c = 0; c < t->p.in.c; c++) {
                acc += (int64_t)kernel[((o * w->kernel_h + ky) * w->kernel_w + kx) * t->p.in.c + c] *
                       ((int64_t)v[c] - t->q.in_zp);
            }
        }
    }
    assert_true(acc >= INT32_MIN && acc <= INT32_MAX);
    z = (int64_t)ref_requantize((int32_t)acc, t->mult[o], t->shift[o]) + t->q.out_zp;
    return (int8_t)(z < t->q.act_min ? t->q.act_min : (z > t->q.act_max ? t->q.act_max : z));
}

static void check_random(int depthwise, uint32_t layers) {
    const uint32_t pw = MAX_HW + 2u * MAX_PAD;
    static int8_t in[MAX_HW * MAX_HW * MAX_C], plane[(MAX_HW + 2 * MAX_PAD) * (MAX_HW + 2 * MAX_PAD) * MAX_C];
    static int8_t kernel[3 * MAX_C * MAX_K * MAX_K * MAX_C], out[MAX_HW * MAX_HW * 3 * MAX_C + 1];
    uint32_t l = 0, outputs = 0, i, y, x, o;
    while (l < layers) {
        conv_case t;
        uint32_t n_kernel;
        if (!make_case(&t, depthwise)) continue;
        n_kernel = depthwise ? (uint32_t)t.win.kernel_h * t.win.kernel_w * t.p.out.c
                             : (uint32_t)t.p.out.c * t.win.kernel_h * t.win.kernel_w * t.p.in.c;
        for (i = 0; i < (uint32_t)t.p.in.h * t.p.in.w * t.p.in.c; i++) in[i] = (int8_t)((int32_t)pick(256) - 128);
        for (i = 0; i < n_kernel; i++) kernel[i] = (int8_t)((int32_t)pick(255) - 127);
        for (i = 0; i < sizeof plane; i++) plane[i] = (int8_t)t.q.in_zp;
        for (y = 0; y < t.p.in.h; y++) {
            memcpy(plane + ((size_t)(MAX_PAD + y) * pw + MAX_PAD) * t.p.in.c, in + (size_t)y * t.p.in.w * t.p.in.c,
                   (size_t)t.p.in.w * t.p.in.c);
        }
        out[(uint32_t)t.p.out.h * t.p.out.w * t.p.out.c] = 0x55; /* a guard after the output */
        if (depthwise) {
            anne_depthwise_conv2d_forward_s8(out, in, kernel, t.use_bias ? t.bias : NULL, &t.p, &t.q);
        } else {
            anne_conv2d_forward_s8(out, in, kernel, t.use_bias ? t.bias : NULL, &t.p, &t.q);
        }
        assert_int_equal(out[(uint32_t)t.p.out.h * t.p.out.w * t.p.out.c], 0x55);
        for (y = 0, i = 0; y < t.p.out.h; y++) {
            for (x = 0; x < t.p.out.w; x++) {
                for (o = 0; o < t.p.out.c; o++, i++) {
                    int8_t want = reference(&t, plane, pw, kernel, y, x, o, depthwise);
                    if (out[i] != want) {
                        print_message("layer %u (%ux%ux%u -> %u, kernel %ux%u, stride %u,%u, dilation %u,%u, pad %u,%u) "
                                      "output (%u, %u, %u): got %d, reference %d\n",
                                      l, t.p.in.h, t.p.in.w, t.p.in.c, t.p.out.c, t.win.kernel_h, t.win.kernel_w,
                                      t.win.stride_h, t.win.stride_w, t.win.dilation_h, t.win.dilation_w,
                                      t.win.pad_top, t.win.pad_left, y, x, o, out[i], want);
                        fail();
                    }
                }
            }
        }
        outputs += i;
        l++;
    }
    print_message("%s: %u layers, %u outputs, all exact\n", depthwise ? "depthwise" : "conv2d", layers, outputs);
}

static void test_conv2d_random(void **state) {
    (void)state;
    check_random(0, 24000);
}

static void test_depthwise_random(void **state) {
    (void)state;
    check_random(1, 12000);
}

/* The largest sums the contract allows, both signs: every weight +-127, every input 255 from the zero
 * point, the bias at the bound; the reference must agree and nothing may overflow (UBSan). */
static void test_extremes(void **state) {
    enum { H = 3, W = 3, C = 12 };
    int8_t in[H * W * C], kernel[8 * H * W * C], out[8];
    int32_t mult[8], shift[8], bias[8];
    anne_window win = {H, W, 1, 1, 1, 1, 0, 0};
    anne_window_params p = {{H, W, C}, {1, 1, 8}, &win};
    anne_s8_dense_params q = {-128, 0, -128, 127, mult, shift};
    uint32_t i, o, sign;
    (void)state;
    for (sign = 0; sign < 2u; sign++) {
        for (i = 0; i < sizeof in; i++) in[i] = 127;
        for (o = 0; o < 8u; o++) {
            mult[o] = INT32_MAX - (int32_t)o;
            shift[o] = -(int32_t)(24u + o);
            bias[o] = sign ? -(INT32_MAX - H * W * C * 127 * 255) : INT32_MAX - H * W * C * 127 * 255;
            for (i = 0; i < H * W * C; i++) kernel[o * H * W * C + i] = (int8_t)(sign ? -127 : 127);
        }
        anne_conv2d_forward_s8(out, in, kernel, bias, &p, &q);
        for (o = 0; o < 8u; o++) {
            int64_t acc = (int64_t)bias[o] + (sign ? -1 : 1) * (int64_t)H * W * C * 127 * 255;
            int64_t z = ref_requantize((int32_t)acc, mult[o], shift[o]);
            z = z < -128 ? -128 : (z > 127 ? 127 : z);
            assert_int_equal(out[o], (int8_t)z);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv2d_random),
        cmocka_unit_test(test_depthwise_random),
        cmocka_unit_test(test_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

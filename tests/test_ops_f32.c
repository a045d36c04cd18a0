/* The float32 graph-operation kernels (anne_ops.h, docs/ops.md) against references written here:
 * a double-precision implementation with a different loop structure (scattering from input positions,
 * or gathering over clamped ranges) on random shapes from a fixed seed; for each summing kernel, a
 * float re-computation in the documented order, which must agree bit for bit; and Keras semantics on
 * tiny hand-computed cases. The largest relative errors seen are printed. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ops.h"
#include "test_support.h"

/* Relative tolerance against double, scaled by the sum of |terms| of each result. */
#define TOL 1e-5

/* ------------------------------------------------------------------------------------------------
 * Random numbers, buffers and comparisons
 * ---------------------------------------------------------------------------------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed) { rng_state = seed * 0x9E3779B97F4A7C15ull + 1u; }

/* xorshift64*: the same sequence on every host */
static uint32_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* uniform in lo .. hi, both included */
static uint32_t rnd_in(uint32_t lo, uint32_t hi) { return lo + rnd() % (hi - lo + 1u); }

/* uniform in [-1, 1) */
static float rnd_unit(void) { return (float)((double)rnd() / 2147483648.0 - 1.0); }

/* Buffers are allocated at their exact size, so AddressSanitizer sees any read past a tensor. */
static float *alloc_f(size_t n) {
    float *p = malloc((n > 0 ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static double *alloc_d(size_t n) {
    double *p = calloc(n > 0 ? n : 1, sizeof *p);
    assert_non_null(p);
    return p;
}

static void fill_unit(float *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = rnd_unit();
}

/* For the bit-exact tests: random values with signed zeros among them (one in eight), so that a
 * kernel that got the sign of a zero sum wrong would show it. */
static void fill_with_zeros(float *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t r = rnd() % 16u;
        p[i] = r == 0u ? 0.0f : (r == 1u ? -0.0f : rnd_unit());
    }
}

/* Outputs start as NaN: a value the kernel forgets to write shows. */
static void fill_nan(float *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = NAN;
}

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

/* got against a double reference: |got - ref| <= TOL * scale, where scale is the sum of the |terms|
 * that made ref; updates the largest |got - ref| / scale seen. */
static void check_close(const char *what, int case_no, size_t i, float got, double ref, double scale,
                        double *max_rel) {
    double err = fabs((double)got - ref);
    if (!(err <= TOL * scale)) {
        fail_msg("%s, case %d, value %zu: got %.9g, reference %.17g, error %.3g > %.1g * %.3g", what, case_no, i,
                 (double)got, ref, err, TOL, scale);
    }
    if (scale > 0.0 && err / scale > *max_rel) *max_rel = err / scale;
}

static void check_bits(const char *what, int case_no, const float *got, const float *want, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (!same_bits(got[i], want[i])) {
            uint32_t g, w;
            memcpy(&g, &got[i], sizeof g);
            memcpy(&w, &want[i], sizeof w);
            fail_msg("%s, case %d, value %zu of %zu: got %.9g (0x%08x), want %.9g (0x%08x)", what, case_no, i, n,
                     (double)got[i], (unsigned)g, (double)want[i], (unsigned)w);
        }
    }
}

/* Tests compile in GNU C, where GCC may fuse a * b + c into one FMA on hosts that have it; the
 * runtime (ISO C) never does. The float re-computations round each product on its own through this. */
static float mul_rounded(float a, float b) {
    volatile float p = a * b;
    return p;
}

/* ------------------------------------------------------------------------------------------------
 * Windows with TF's 'valid' and 'same' padding
 * ---------------------------------------------------------------------------------------------- */

/* One axis: out = ceil(in / stride) for 'same', ceil((in - (k-1)*dilation) / stride) for 'valid';
 * 'same' pads pad_total = max((out-1)*stride + (k-1)*dilation + 1 - in, 0), the smaller half before. */
static void tf_axis(uint32_t in, uint32_t k, uint32_t stride, uint32_t dilation, int same, uint16_t *out,
                    uint16_t *pad_before) {
    long total;
    uint32_t o = same ? (in + stride - 1u) / stride : (in - (k - 1u) * dilation + stride - 1u) / stride;
    total = (long)(o - 1u) * stride + (long)(k - 1u) * dilation + 1 - (long)in;
    assert_true(same || total <= 0); /* 'valid' never pads */
    *out = (uint16_t)o;
    *pad_before = (uint16_t)(total > 0 ? total / 2 : 0);
}

typedef struct geom {
    anne_hwc in, out;
    anne_window win;
    int same;
} geom;

/* Random kernel size, stride and dilation for an axis of length `in`: 1x1 kernels and kernels as
 * large as the input (or larger, with 'same') come often. */
static void random_axis(uint32_t in, int same, int dilate, uint16_t *k, uint16_t *s, uint16_t *d) {
    uint32_t kmax, r;
    *s = (uint16_t)rnd_in(1, 3);
    *d = (uint16_t)(dilate ? rnd_in(1, 3) : 1u);
    kmax = same ? in + 2u : (in - 1u) / *d + 1u; /* 'valid': (k-1)*d + 1 <= in */
    r = rnd() % 4u;
    *k = (uint16_t)(r == 0u ? 1u : (r == 1u ? kmax : rnd_in(1, kmax)));
}

/* A random window over a random (h, w, c) input; one case in four is 1-D (h = 1, a 1-row kernel). */
static void random_geom(geom *g, int dilate, uint32_t max_hw, uint16_t in_c, uint16_t out_c) {
    int one_d = rnd() % 4u == 0u;
    memset(g, 0, sizeof *g);
    g->same = (int)(rnd() % 2u);
    g->in.h = (uint16_t)(one_d ? 1u : rnd_in(1, max_hw));
    g->in.w = (uint16_t)rnd_in(1, max_hw);
    g->in.c = in_c;
    if (one_d) {
        g->win.kernel_h = g->win.stride_h = g->win.dilation_h = 1;
    } else {
        random_axis(g->in.h, g->same, dilate, &g->win.kernel_h, &g->win.stride_h, &g->win.dilation_h);
    }
    random_axis(g->in.w, g->same, dilate, &g->win.kernel_w, &g->win.stride_w, &g->win.dilation_w);
    tf_axis(g->in.h, g->win.kernel_h, g->win.stride_h, g->win.dilation_h, g->same, &g->out.h, &g->win.pad_top);
    tf_axis(g->in.w, g->win.kernel_w, g->win.stride_w, g->win.dilation_w, g->same, &g->out.w, &g->win.pad_left);
    g->out.c = out_c;
}

static size_t hwc_size(anne_hwc s) { return (size_t)s.h * s.w * s.c; }

/* For input row iy and kernel row ky, the output row whose window puts ky on iy, or -1: the scatter
 * view of the window (out row y reads iy = y * stride - pad + ky * dilation). */
static long scatter_to(long i, long k, long stride, long dilation, long pad, long n_out) {
    long t = i + pad - k * dilation;
    if (t < 0 || t % stride != 0 || t / stride >= n_out) return -1;
    return t / stride;
}

/* ------------------------------------------------------------------------------------------------
 * Conv2D and DepthwiseConv2D
 * ---------------------------------------------------------------------------------------------- */

static size_t kernel_size(const geom *g, int depthwise) {
    size_t taps = (size_t)g->win.kernel_h * g->win.kernel_w;
    return depthwise ? taps * g->out.c : g->out.c * taps * g->in.c;
}

static void run_conv(float *out, const geom *g, const float *in, const float *kernel, const float *bias,
                     int depthwise) {
    anne_window_params p;
    p.in = g->in, p.out = g->out, p.win = &g->win;
    if (depthwise) anne_depthwise_conv2d_forward_f32(out, in, kernel, bias, &p);
    else anne_conv2d_forward_f32(out, in, kernel, bias, &p);
}

/* Double reference by scattering: every input position adds its products to the outputs that read
 * it. A depthwise convolution is the full one with the weights that join output channel o to an
 * input channel other than o / m left out. scale gets the sum of |terms| of each output. */
static void ref_conv(double *ref, double *scale, const geom *g, const float *in, const float *kernel,
                     const float *bias, int depthwise) {
    const anne_window *w = &g->win;
    long m = g->out.c / g->in.c, taps = w->kernel_h * w->kernel_w, iy, ix, ky, kx, o, c;
    size_t p, n_pos = (size_t)g->out.h * g->out.w;
    for (iy = 0; iy < g->in.h; iy++)
        for (ix = 0; ix < g->in.w; ix++)
            for (ky = 0; ky < w->kernel_h; ky++)
                for (kx = 0; kx < w->kernel_w; kx++) {
                    long y = scatter_to(iy, ky, w->stride_h, w->dilation_h, w->pad_top, g->out.h);
                    long x = scatter_to(ix, kx, w->stride_w, w->dilation_w, w->pad_left, g->out.w);
                    long tap = ky * w->kernel_w + kx;
                    if (y < 0 || x < 0) continue;
                    for (o = 0; o < g->out.c; o++)
                        for (c = 0; c < g->in.c; c++) {
                            size_t at = (size_t)((y * g->out.w + x) * g->out.c + o);
                            double t;
                            if (depthwise && c != o / m) continue;
                            t = (double)in[(iy * g->in.w + ix) * g->in.c + c] *
                                (depthwise ? kernel[tap * g->out.c + o] : kernel[(o * taps + tap) * g->in.c + c]);
                            ref[at] += t;
                            scale[at] += fabs(t);
                        }
                }
    for (p = 0; bias != NULL && p < n_pos; p++)
        for (o = 0; o < g->out.c; o++) {
            ref[p * g->out.c + (size_t)o] += bias[o];
            scale[p * g->out.c + (size_t)o] += fabs((double)bias[o]);
        }
}

static void conv_case(const geom *g, int case_no, int with_bias, int depthwise, double *max_rel) {
    size_t n_in = hwc_size(g->in), n_out = hwc_size(g->out), n_k = kernel_size(g, depthwise), i;
    float *in = alloc_f(n_in), *kernel = alloc_f(n_k), *bias = with_bias ? alloc_f(g->out.c) : NULL;
    float *out = alloc_f(n_out);
    double *ref = alloc_d(n_out), *scale = alloc_d(n_out);
    fill_unit(in, n_in);
    fill_unit(kernel, n_k);
    if (bias != NULL) fill_unit(bias, g->out.c);
    fill_nan(out, n_out);
    run_conv(out, g, in, kernel, bias, depthwise);
    ref_conv(ref, scale, g, in, kernel, bias, depthwise);
    for (i = 0; i < n_out; i++)
        check_close(depthwise ? "depthwise" : "conv2d", case_no, i, out[i], ref[i], scale[i], max_rel);
    free(in), free(kernel), free(bias), free(out), free(ref), free(scale);
}

/* 600 random windows (channels 1-4; depthwise: multipliers 1-3), then the fixed large cases. */
static void conv_random(int depthwise, const geom *large, int n_large) {
    double max_rel = 0.0;
    int t, k;
    geom g;
    rng_seed(depthwise ? 3 : 1);
    for (t = 0; t < 600; t++) {
        uint16_t in_c = (uint16_t)rnd_in(1, 4), out_c = (uint16_t)(depthwise ? in_c * rnd_in(1, 3) : rnd_in(1, 4));
        random_geom(&g, 1, 9, in_c, out_c);
        conv_case(&g, t, (int)(rnd() % 2u), depthwise, &max_rel);
    }
    for (k = 0; k < n_large; k++) conv_case(&large[k], t++, k % 2 == 0, depthwise, &max_rel);
    print_message("%s: %d cases, max relative error %.3g (of the sum of |terms|)\n",
                  depthwise ? "depthwise" : "conv2d", t, max_rel);
}

static void test_conv2d_random(void **state) {
    /* more than 65535 values in and out: flat indices must not be 16 bits wide. The second is a
     * Conv1D, kernel 9, stride 2, 'valid': out ceil((1100 - 8) / 2) = 546 */
    const geom large[2] = {
        {{40, 40, 48}, {40, 40, 48}, {3, 3, 1, 1, 1, 1, 1, 1}, 1},
        {{1, 1100, 64}, {1, 546, 3}, {1, 9, 1, 2, 1, 1, 0, 0}, 0},
    };
    (void)state;
    conv_random(0, large, 2);
}

static void test_depthwise_random(void **state) {
    /* 72000 values in, 144000 out (multiplier 2) */
    const geom large[1] = {{{60, 50, 24}, {60, 50, 48}, {3, 3, 1, 1, 1, 1, 1, 1}, 1}};
    (void)state;
    conv_random(1, large, 1);
}

/* The input values output (y, x)'s window puts on channels c0 .. c0 + n_c - 1, in the order (ky, kx, c),
 * 0 for padding positions: an im2col row. */
static void gather_patch(float *col, const geom *g, const float *in, long y, long x, long c0, long n_c) {
    long ky, kx, c;
    for (ky = 0; ky < g->win.kernel_h; ky++)
        for (kx = 0; kx < g->win.kernel_w; kx++) {
            long iy = y * g->win.stride_h - g->win.pad_top + ky * g->win.dilation_h;
            long ix = x * g->win.stride_w - g->win.pad_left + kx * g->win.dilation_w;
            int inside = iy >= 0 && iy < g->in.h && ix >= 0 && ix < g->in.w;
            for (c = c0; c < c0 + n_c; c++) *col++ = inside ? in[(iy * g->in.w + ix) * g->in.c + c] : 0.0f;
        }
}

/* The contract's order, by another route, through the dense kernel (sums from 0 in input order, bias
 * last). Conv2D: an im2col row per output position in (ky, kx, c) order with the kernel (out_c, kh,
 * kw, in_c) read as (out_c, kh*kw*in_c). Depthwise: per output channel o, the patch of input channel
 * o / m and the kernel's column o, one unit. Adding the padding's 0 * w where the kernels skip them
 * changes no bit: a sum that starts at +0.0 is never -0.0, and x + (+-0) = x otherwise. */
static void conv_bits(int depthwise) {
    int t;
    rng_seed(depthwise ? 4 : 2);
    for (t = 0; t < 300; t++) {
        geom g;
        uint16_t in_c = (uint16_t)rnd_in(1, 5), out_c = (uint16_t)(depthwise ? in_c * rnd_in(1, 3) : rnd_in(1, 9));
        uint16_t taps, k_len;
        size_t n_in, n_out, n_k;
        float *in, *kernel, *bias, *out, *want, *col, *wcol;
        long y, x, o, tap;
        int with_bias = (int)(rnd() % 2u);
        random_geom(&g, 1, 9, in_c, out_c);
        n_in = hwc_size(g.in), n_out = hwc_size(g.out), n_k = kernel_size(&g, depthwise);
        taps = (uint16_t)(g.win.kernel_h * g.win.kernel_w);
        k_len = (uint16_t)(depthwise ? taps : taps * in_c);
        in = alloc_f(n_in), kernel = alloc_f(n_k), bias = with_bias ? alloc_f(out_c) : NULL;
        out = alloc_f(n_out), want = alloc_f(n_out), col = alloc_f(k_len), wcol = alloc_f(taps);
        fill_with_zeros(in, n_in);
        fill_with_zeros(kernel, n_k);
        if (bias != NULL) fill_with_zeros(bias, out_c);
        fill_nan(out, n_out);
        run_conv(out, &g, in, kernel, bias, depthwise);
        for (y = 0; y < g.out.h; y++)
            for (x = 0; x < g.out.w; x++) {
                float *dst = want + (y * g.out.w + x) * out_c;
                if (!depthwise) {
                    gather_patch(col, &g, in, y, x, 0, in_c);
                    anne_dense_forward_f32(dst, col, kernel, bias, k_len, out_c);
                    continue;
                }
                for (o = 0; o < out_c; o++) {
                    gather_patch(col, &g, in, y, x, o / (out_c / in_c), 1);
                    for (tap = 0; tap < taps; tap++) wcol[tap] = kernel[tap * out_c + o];
                    anne_dense_forward_f32(dst + o, col, wcol, bias != NULL ? bias + o : NULL, taps, 1);
                }
            }
        check_bits(depthwise ? "depthwise vs per-channel dense" : "conv2d vs im2col + dense", t, out, want, n_out);
        free(in), free(kernel), free(bias), free(out), free(want), free(col), free(wcol);
    }
}

static void test_conv2d_bits(void **state) {
    (void)state;
    conv_bits(0);
}

static void test_depthwise_bits(void **state) {
    (void)state;
    conv_bits(1);
}

/* Keras Conv2D(1, 3, strides=2, padding='same') on a 4x4 input 1..16 (row-major), all weights 1:
 * out = ceil(4/2) = 2; pad_total = max((2-1)*2 + 3 - 4, 0) = 1: pad_top = pad_left = 0, and the one
 * padding row and column go after (bottom, right). Output (0,0) sums rows 0-2, cols 0-2:
 * 1+2+3 + 5+6+7 + 9+10+11 = 54; (0,1) rows 0-2, cols 2-3: 3+4+7+8+11+12 = 45; (1,0) rows 2-3, cols
 * 0-2: 9+10+11+13+14+15 = 72; (1,1): 11+12+15+16 = 54. (Padding on top would give (0,0) = 1+2+5+6.)
 * The bias 0.5 is added to each. */
static void test_conv2d_keras_same_stride2(void **state) {
    float in[16], kernel[9], bias[1] = {0.5f}, out[4];
    const float want[4] = {54.5f, 45.5f, 72.5f, 54.5f};
    anne_hwc in_s = {4, 4, 1}, out_s = {2, 2, 1};
    geom g;
    int i;
    (void)state;
    for (i = 0; i < 16; i++) in[i] = (float)(i + 1);
    for (i = 0; i < 9; i++) kernel[i] = 1.0f;
    memset(&g, 0, sizeof g);
    g.in = in_s;
    g.win.kernel_h = g.win.kernel_w = 3;
    g.win.stride_h = g.win.stride_w = 2;
    g.win.dilation_h = g.win.dilation_w = 1;
    tf_axis(4, 3, 2, 1, 1, &g.out.h, &g.win.pad_top);
    tf_axis(4, 3, 2, 1, 1, &g.out.w, &g.win.pad_left);
    assert_int_equal(g.out.h, 2);
    assert_int_equal(g.win.pad_top, 0);
    anne_conv2d_forward_f32(out, in, kernel, bias, &(anne_window_params){in_s, out_s, &g.win});
    check_bits("conv2d same stride 2", 0, out, want, 4);
}

/* Keras Conv1D(1, 2, dilation_rate=2, padding='causal') on x = (1, 2, 3, 4), kernel (10, 1):
 * 'causal' pads (k-1)*dilation = 2 before, none after, so out[t] = 10 x[t-2] + 1 x[t]:
 * (0 + 1, 0 + 2, 10 + 3, 20 + 4) = (1, 2, 13, 24). As the 2-D kernel: in (1, 4, 1), kernel
 * (1, 1, 2, 1), pad_left 2, out (1, 4, 1). Conv1D(padding='same') on the same input with kernel
 * (1, 1, 1), no dilation: pad_total 2, pad_left 1: out = (0+1+2, 1+2+3, 2+3+4, 3+4+0) = (3, 6, 9, 7). */
static void test_conv1d_keras_causal_and_same(void **state) {
    const float x[4] = {1, 2, 3, 4}, k_causal[2] = {10, 1}, k_same[3] = {1, 1, 1};
    const float want_causal[4] = {1, 2, 13, 24}, want_same[4] = {3, 6, 9, 7};
    anne_hwc s = {1, 4, 1};
    anne_window causal = {1, 2, 1, 1, 1, 2, 0, 2}, same = {1, 3, 1, 1, 1, 1, 0, 1};
    float out[4];
    (void)state;
    anne_conv2d_forward_f32(out, x, k_causal, NULL, &(anne_window_params){s, s, &causal});
    check_bits("conv1d causal", 0, out, want_causal, 4);
    anne_conv2d_forward_f32(out, x, k_same, NULL, &(anne_window_params){s, s, &same});
    check_bits("conv1d same", 0, out, want_same, 4);
}

/* Padding positions are skipped, not read as 0 (the contract's rule, which decides the one case where
 * skipping and adding 0 * w differ): a weight that only ever meets padding may be infinite and the
 * output stays finite; 0 * inf would make it NaN. And sums start at +0.0: products that are all -0.0
 * give +0.0, not the -0.0 of a sum started from its first product. */
static void test_conv2d_padding_and_zero_rules(void **state) {
    const float in[1] = {2.0f};
    float kernel[9] = {INFINITY, 1, 1, 1, 3, 1, 1, 1, -INFINITY}, out[1];
    const float neg_zero_in[2] = {-0.0f, -0.0f}, pos_k[2] = {1.0f, 2.0f};
    anne_hwc s = {1, 1, 1}, s2 = {1, 2, 1};
    anne_window w = {3, 3, 1, 1, 1, 1, 1, 1};   /* 'same' 3x3 over 1x1: only the centre is inside */
    anne_window w1 = {1, 2, 1, 1, 1, 1, 0, 0};  /* 1x2 'valid' */
    (void)state;
    anne_conv2d_forward_f32(out, in, kernel, NULL, &(anne_window_params){s, s, &w});
    assert_true(same_bits(out[0], 6.0f));
    anne_conv2d_forward_f32(out, neg_zero_in, pos_k, NULL, &(anne_window_params){s2, s, &w1});
    assert_true(same_bits(out[0], 0.0f));
}

/* Keras DepthwiseConv2D(1, depth_multiplier=2) on one pixel (2, 3): Keras' kernel (1, 1, 2, 2) is
 * [[k00, k01], [k10, k11]] = [[1, 10], [100, 1000]], flattened (1, 10, 100, 1000); output channel
 * c * 2 + j = in[c] * k[c][j]: (2, 20, 300, 3000). (Channels taken as j * in_c + c would give
 * (2, 30, 200, 3000).) */
static void test_depthwise_keras_multiplier(void **state) {
    const float in[2] = {2, 3}, kernel[4] = {1, 10, 100, 1000}, want[4] = {2, 20, 300, 3000};
    anne_hwc in_s = {1, 1, 2}, out_s = {1, 1, 4};
    anne_window w = {1, 1, 1, 1, 1, 1, 0, 0};
    float out[4];
    (void)state;
    anne_depthwise_conv2d_forward_f32(out, in, kernel, NULL, &(anne_window_params){in_s, out_s, &w});
    check_bits("depthwise multiplier 2", 0, out, want, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Pooling
 * ---------------------------------------------------------------------------------------------- */

/* The window of output (y, x) clamped to the input: rows y0 .. y1-1, columns x0 .. x1-1 (pooling has
 * no dilation, so the positions inside form one rectangle). */
static void clamp_window(const geom *g, long y, long x, long *y0, long *y1, long *x0, long *x1) {
    long top = y * g->win.stride_h - g->win.pad_top, left = x * g->win.stride_w - g->win.pad_left;
    *y0 = top < 0 ? 0 : top;
    *y1 = top + g->win.kernel_h > g->in.h ? g->in.h : top + g->win.kernel_h;
    *x0 = left < 0 ? 0 : left;
    *x1 = left + g->win.kernel_w > g->in.w ? g->in.w : left + g->win.kernel_w;
}

/* A random pooling window (channels 1-4), or, for large != NULL, that one. */
static void pool_geom(geom *g, const geom *large) {
    uint16_t ch = (uint16_t)rnd_in(1, 4);
    if (large != NULL) *g = *large;
    else random_geom(g, 0, 9, ch, ch);
}

/* Float references over the clamped rectangle, rows then columns: the max of its values (exact), or
 * their sum from 0 over their count (the contract's order); with want_d, also the mean and the mean of
 * |values| in double. */
static void ref_pool(float *want, double *want_d, double *scale, const geom *g, const float *in, int average) {
    long y, x, c, iy, ix, y0, y1, x0, x1;
    for (y = 0; y < g->out.h; y++)
        for (x = 0; x < g->out.w; x++) {
            clamp_window(g, y, x, &y0, &y1, &x0, &x1);
            assert_true(y0 < y1 && x0 < x1); /* TF's shapes leave every window a position */
            for (c = 0; c < g->in.c; c++) {
                long at = (y * g->out.w + x) * g->out.c + c, count = (y1 - y0) * (x1 - x0);
                float best = -INFINITY, sum = 0.0f;
                double sum_d = 0.0, abs_d = 0.0;
                for (iy = y0; iy < y1; iy++)
                    for (ix = x0; ix < x1; ix++) {
                        float v = in[(iy * g->in.w + ix) * g->in.c + c];
                        best = v > best ? v : best;
                        sum += v, sum_d += v, abs_d += fabs((double)v);
                    }
                want[at] = average ? sum / (float)count : best;
                if (want_d != NULL) want_d[at] = sum_d / (double)count, scale[at] = abs_d / (double)count;
            }
        }
}

/* Max pooling exactly, average pooling bit for bit against the float references and (with fill_unit
 * data) within TOL of the double mean. */
static void pool_random(int average, int exact_only, const geom *large, double *max_rel) {
    int t;
    rng_seed(average ? (exact_only ? 7 : 6) : 5);
    for (t = 0; t < 601; t++) {
        geom g;
        anne_window_params p;
        size_t n_in, n_out, i;
        float *in, *out, *want;
        double *want_d, *scale;
        pool_geom(&g, t < 600 ? NULL : large);
        n_in = hwc_size(g.in), n_out = hwc_size(g.out);
        in = alloc_f(n_in), out = alloc_f(n_out), want = alloc_f(n_out), want_d = alloc_d(n_out), scale = alloc_d(n_out);
        if (exact_only) fill_with_zeros(in, n_in);
        else fill_unit(in, n_in);
        fill_nan(out, n_out);
        p.in = g.in, p.out = g.out, p.win = &g.win;
        if (average) anne_avg_pool2d_forward_f32(out, in, &p);
        else anne_max_pool2d_forward_f32(out, in, &p);
        ref_pool(want, want_d, scale, &g, in, average);
        check_bits(average ? "avg pool vs clamped float sum" : "max pool", t, out, want, n_out);
        for (i = 0; average && !exact_only && i < n_out; i++) check_close("avg pool", t, i, out[i], want_d[i], scale[i], max_rel);
        free(in), free(out), free(want), free(want_d), free(scale);
    }
}

static void test_max_pool_random(void **state) {
    const geom large = {{64, 64, 20}, {32, 32, 20}, {3, 3, 2, 2, 1, 1, 0, 0}, 1}; /* 81920 values in */
    (void)state;
    pool_random(0, 1, &large, NULL);
}

static void test_avg_pool_random(void **state) {
    /* 'same' 5x5 stride 3 over 64: out 22, pad_total 21 * 3 + 5 - 64 = 4, 2 before */
    const geom large = {{64, 64, 20}, {22, 22, 20}, {5, 5, 3, 3, 1, 1, 2, 2}, 1};
    double max_rel = 0.0;
    (void)state;
    pool_random(1, 0, &large, &max_rel);
    print_message("avg pool: 601 cases, max relative error %.3g (of the mean of |terms|)\n", max_rel);
}

/* With signed zeros in the data: the float sums must match to the sign of zero. */
static void test_avg_pool_bits(void **state) {
    const geom large = {{64, 64, 20}, {22, 22, 20}, {5, 5, 3, 3, 1, 1, 2, 2}, 1};
    (void)state;
    pool_random(1, 1, &large, NULL);
}

/* Keras AveragePooling2D(2, padding='same') (strides 2) on a 3x3 input 1..9: out 2x2, pad_total
 * (2-1)*2 + 2 - 3 = 1, all after. (0,0) = (1+2+4+5)/4 = 3; (0,1) = (3+6)/2 = 4.5; (1,0) = (7+8)/2 =
 * 7.5; (1,1) = 9/1 = 9: the padding is not counted (counted, the last would be 9/4).
 * Keras MaxPooling1D(3, strides=1, padding='same') on (-3, -1, -2): (-1, -1, -1): padding is not a 0
 * that wins. */
static void test_pool_keras_same(void **state) {
    float in[9], out[4];
    const float want[4] = {3, 4.5f, 7.5f, 9}, neg[3] = {-3, -1, -2}, want_max[3] = {-1, -1, -1};
    anne_hwc in_s = {3, 3, 1}, out_s = {2, 2, 1}, s1 = {1, 3, 1};
    anne_window w = {2, 2, 2, 2, 1, 1, 0, 0}, w1 = {1, 3, 1, 1, 1, 1, 0, 1};
    int i;
    (void)state;
    for (i = 0; i < 9; i++) in[i] = (float)(i + 1);
    anne_avg_pool2d_forward_f32(out, in, &(anne_window_params){in_s, out_s, &w});
    check_bits("avg pool same", 0, out, want, 4);
    anne_max_pool2d_forward_f32(out, neg, &(anne_window_params){s1, s1, &w1});
    check_bits("max pool same of negatives", 0, out, want_max, 3);
}

/* A NaN never wins a max (the comparison is x > best), in a window and globally; a column of NaNs
 * only gives -inf. Sums of -0.0 give +0.0 (they start at +0.0). */
static void test_pool_nan_and_zero(void **state) {
    const float in[4] = {NAN, 1.0f, 2.0f, NAN}, nans[2] = {NAN, NAN}, zeros[4] = {-0.0f, -0.0f, -0.0f, -0.0f};
    anne_hwc in_s = {1, 4, 1}, out_s = {1, 1, 1}, z_s = {2, 2, 1};
    anne_window w = {1, 4, 1, 1, 1, 1, 0, 0}, wz = {2, 2, 1, 1, 1, 1, 0, 0};
    float out[2];
    (void)state;
    anne_max_pool2d_forward_f32(out, in, &(anne_window_params){in_s, out_s, &w});
    assert_true(same_bits(out[0], 2.0f));
    anne_global_max_pool_forward_f32(out, in, 4, 1);
    assert_true(same_bits(out[0], 2.0f));
    anne_global_max_pool_forward_f32(out, nans, 1, 2);
    assert_true(same_bits(out[0], -INFINITY) && same_bits(out[1], -INFINITY));
    anne_avg_pool2d_forward_f32(out, zeros, &(anne_window_params){z_s, out_s, &wz});
    assert_true(same_bits(out[0], 0.0f));
    anne_global_avg_pool_forward_f32(out, zeros, 2, 2);
    assert_true(same_bits(out[0], 0.0f) && same_bits(out[1], 0.0f));
}

/* Global pools: against double (average) and exactly (max) on random (n, c), the last with more than
 * 65535 positions; the average also bit for bit against the dense kernel with a row of ones (sums
 * 1 * x from 0 in order: exactly the contract's sum) over the column gathered, divided by n. */
static void test_global_pools(void **state) {
    double max_rel = 0.0;
    int t;
    (void)state;
    rng_seed(8);
    for (t = 0; t < 201; t++) {
        uint32_t n = t < 200 ? rnd_in(1, 300) : 70000u, p;
        uint16_t c = (uint16_t)(t < 200 ? rnd_in(1, 6) : 2u), ch;
        float *in = alloc_f((size_t)n * c), *avg = alloc_f(c), *mx = alloc_f(c), *col = alloc_f(n);
        float *ones = alloc_f(n), dense;
        if (t % 2 == 0) fill_unit(in, (size_t)n * c);
        else fill_with_zeros(in, (size_t)n * c);
        fill_nan(avg, c), fill_nan(mx, c);
        anne_global_avg_pool_forward_f32(avg, in, n, c);
        anne_global_max_pool_forward_f32(mx, in, n, c);
        for (p = 0; p < n; p++) ones[p] = 1.0f;
        for (ch = 0; ch < c; ch++) {
            double sum = 0.0, abs_sum = 0.0, best = -HUGE_VAL;
            for (p = 0; p < n; p++) {
                double v = in[(size_t)p * c + ch];
                sum += v, abs_sum += fabs(v), best = fmax(best, v);
                col[p] = in[(size_t)p * c + ch];
            }
            check_close("global avg pool", t, ch, avg[ch], sum / n, abs_sum / n, &max_rel);
            if (!same_bits(mx[ch], (float)best) && !(best == 0.0 && mx[ch] == 0.0f))
                fail_msg("global max pool, case %d, channel %u: %.9g, want %.9g", t, ch, (double)mx[ch], best);
            if (n <= 65535u) {
                anne_dense_forward_f32(&dense, col, ones, NULL, (uint16_t)n, 1);
                dense /= (float)n;
                check_bits("global avg pool vs dense of ones", t, &avg[ch], &dense, 1);
            }
        }
        free(in), free(avg), free(mx), free(col), free(ones);
    }
    print_message("global avg pool: %d cases, max relative error %.3g (of the mean of |terms|)\n", t, max_rel);
}

/* ------------------------------------------------------------------------------------------------
 * Zero padding, cropping, upsampling: exact copies
 * ---------------------------------------------------------------------------------------------- */

static anne_hwc random_hwc(uint32_t max_hw, uint32_t max_c) {
    anne_hwc s;
    s.h = (uint16_t)(rnd() % 4u == 0u ? 1u : rnd_in(1, max_hw)); /* 1-D often */
    s.w = (uint16_t)rnd_in(1, max_hw);
    s.c = (uint16_t)rnd_in(1, max_c);
    return s;
}

/* Each reference starts from the output and scatters the input into it. */
static void test_zero_pad_crop_upsample(void **state) {
    int t;
    (void)state;
    rng_seed(9);
    for (t = 0; t < 401; t++) {
        anne_hwc in_s = t < 400 ? random_hwc(9, 4) : (anne_hwc){100, 100, 7}, pad_s, crop_s, up_s;
        uint16_t top = (uint16_t)rnd_in(0, 3), bottom = (uint16_t)rnd_in(0, 3), left = (uint16_t)rnd_in(0, 3);
        uint16_t right = (uint16_t)rnd_in(0, 3), fy = (uint16_t)rnd_in(1, 3), fx = (uint16_t)rnd_in(1, 3);
        uint16_t ct, cl;
        size_t n_in = hwc_size(in_s), n, i;
        float *in = alloc_f(n_in), *out, *want;
        long y, x, c, dy, dx;
        if (in_s.h == 1u) top = bottom = 0, fy = 1; /* 1-D: the row axis stays */
        fill_with_zeros(in, n_in);

        pad_s = (anne_hwc){(uint16_t)(in_s.h + top + bottom), (uint16_t)(in_s.w + left + right), in_s.c};
        n = hwc_size(pad_s), out = alloc_f(n), want = alloc_f(n);
        fill_nan(out, n);
        for (i = 0; i < n; i++) want[i] = 0.0f;
        for (y = 0; y < in_s.h; y++)
            for (x = 0; x < in_s.w; x++)
                for (c = 0; c < in_s.c; c++)
                    want[((y + top) * pad_s.w + x + left) * in_s.c + c] = in[(y * in_s.w + x) * in_s.c + c];
        anne_zero_pad2d_forward_f32(out, in, &(anne_spatial_params){in_s, pad_s, top, left});
        check_bits("zero pad", t, out, want, n);
        free(out), free(want);

        /* crop a random sub-rectangle */
        crop_s = (anne_hwc){(uint16_t)rnd_in(1, in_s.h), (uint16_t)rnd_in(1, in_s.w), in_s.c};
        ct = (uint16_t)rnd_in(0, (uint32_t)(in_s.h - crop_s.h)), cl = (uint16_t)rnd_in(0, (uint32_t)(in_s.w - crop_s.w));
        n = hwc_size(crop_s), out = alloc_f(n), want = alloc_f(n);
        fill_nan(out, n), fill_nan(want, n);
        for (y = 0; y < in_s.h; y++)
            for (x = 0; x < in_s.w; x++) {
                if (y < ct || y >= ct + crop_s.h || x < cl || x >= cl + crop_s.w) continue;
                for (c = 0; c < in_s.c; c++)
                    want[((y - ct) * crop_s.w + x - cl) * in_s.c + c] = in[(y * in_s.w + x) * in_s.c + c];
            }
        anne_crop2d_forward_f32(out, in, &(anne_spatial_params){in_s, crop_s, ct, cl});
        check_bits("crop", t, out, want, n);
        free(out), free(want);

        /* upsample: each input value fills its fy x fx block */
        up_s = (anne_hwc){(uint16_t)(in_s.h * fy), (uint16_t)(in_s.w * fx), in_s.c};
        n = hwc_size(up_s), out = alloc_f(n), want = alloc_f(n);
        fill_nan(out, n), fill_nan(want, n);
        for (y = 0; y < in_s.h; y++)
            for (x = 0; x < in_s.w; x++)
                for (dy = 0; dy < fy; dy++)
                    for (dx = 0; dx < fx; dx++)
                        for (c = 0; c < in_s.c; c++)
                            want[((y * fy + dy) * up_s.w + x * fx + dx) * in_s.c + c] = in[(y * in_s.w + x) * in_s.c + c];
        anne_upsample2d_nearest_forward_f32(out, in, &(anne_spatial_params){in_s, up_s, 0, 0});
        check_bits("upsample", t, out, want, n);
        free(out), free(want), free(in);
    }
}

/* Keras ZeroPadding1D((1, 2)) on (L, C) = (2, 1) values (5, 6): (0, 5, 6, 0, 0). Cropping1D((1, 0))
 * of (5, 6, 7): (6, 7). UpSampling1D(3) of (5, 6): (5, 5, 5, 6, 6, 6). UpSampling2D((2, 1)) of the
 * 1x2 image (5, 6): rows (5, 6), (5, 6). */
static void test_spatial_keras(void **state) {
    const float x2[2] = {5, 6}, x3[3] = {5, 6, 7};
    const float want_pad[5] = {0, 5, 6, 0, 0}, want_crop[2] = {6, 7}, want_up[6] = {5, 5, 5, 6, 6, 6};
    const float want_up2[4] = {5, 6, 5, 6};
    float out[6];
    (void)state;
    anne_zero_pad2d_forward_f32(out, x2, &(anne_spatial_params){{1, 2, 1}, {1, 5, 1}, 0, 1});
    check_bits("ZeroPadding1D", 0, out, want_pad, 5);
    anne_crop2d_forward_f32(out, x3, &(anne_spatial_params){{1, 3, 1}, {1, 2, 1}, 0, 1});
    check_bits("Cropping1D", 0, out, want_crop, 2);
    anne_upsample2d_nearest_forward_f32(out, x2, &(anne_spatial_params){{1, 2, 1}, {1, 6, 1}, 0, 0});
    check_bits("UpSampling1D", 0, out, want_up, 6);
    anne_upsample2d_nearest_forward_f32(out, x2, &(anne_spatial_params){{1, 2, 1}, {2, 2, 1}, 0, 0});
    check_bits("UpSampling2D", 0, out, want_up2, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Merges, division, concatenation, permutation
 * ---------------------------------------------------------------------------------------------- */

/* Each merge is one correctly rounded float operation (or a comparison): the double result rounded
 * to float is the same value (double has more than 2 * 24 + 2 bits), so the comparison is exact. */
static float ref_merge(float a, float b, anne_merge op) {
    switch (op) {
    case ANNE_MERGE_ADD: return (float)((double)a + (double)b);
    case ANNE_MERGE_SUBTRACT: return (float)((double)a - (double)b);
    case ANNE_MERGE_MULTIPLY: return (float)((double)a * (double)b);
    case ANNE_MERGE_MAXIMUM: return b > a ? b : a;
    case ANNE_MERGE_MINIMUM: return b < a ? b : a;
    default: break;
    }
    return NAN;
}

static void test_merge_and_div(void **state) {
    int t;
    (void)state;
    rng_seed(10);
    for (t = 0; t < 101; t++) {
        uint32_t n = t < 100 ? rnd_in(1, 200) : 70000u, i;
        float *a = alloc_f(n), *b = alloc_f(n), *out = alloc_f(n), *want = alloc_f(n), d;
        int op;
        fill_with_zeros(a, n), fill_with_zeros(b, n);
        for (i = 0; i < n; i++) b[i] = i % 7u == 0u ? a[i] : b[i] * 1e3f; /* ties and wide ranges */
        for (op = 0; op < ANNE_MERGE_COUNT; op++) {
            for (i = 0; i < n; i++) want[i] = ref_merge(a[i], b[i], (anne_merge)op);
            fill_nan(out, n);
            anne_merge_forward_f32(out, a, b, n, (anne_merge)op);
            check_bits("merge", t * 10 + op, out, want, n);
            memcpy(out, a, n * sizeof *out); /* in place: out is a */
            anne_merge_forward_f32(out, out, b, n, (anne_merge)op);
            check_bits("merge in place", t * 10 + op, out, want, n);
        }
        d = (float)rnd_in(1, 5); /* Average of k inputs: the sum over k */
        for (i = 0; i < n; i++) want[i] = (float)((double)a[i] / (double)d);
        memcpy(out, a, n * sizeof *out);
        anne_div_scalar_f32(out, n, d);
        check_bits("div scalar", t, out, want, n);
        free(a), free(b), free(out), free(want);
    }
}

/* Broadcasting merges on random shapes of rank 4 (any rank aligned at the last axis is one): each axis
 * of a and of b is out's or 1. The reference walks each output value's flat index, takes its digits in
 * out's dims and reads each input at the digits reduced modulo the input's dims (another route to the
 * same index); every value must match the elementwise merge bit for bit, also in place (out is a when a
 * has out's shape). */
static void test_merge_broadcast(void **state) {
    int t;
    (void)state;
    rng_seed(12);
    for (t = 0; t < 300; t++) {
        anne_broadcast_params p;
        uint32_t n = 1, na = 1, nb = 1, i, k;
        float *a, *b, *out, *want;
        int op;
        for (k = 0; k < 4; k++) {
            p.out[k] = (uint16_t)rnd_in(1, 5);
            p.a[k] = rnd_in(0, 2) == 0 ? 1u : p.out[k]; /* a third of the axes broadcast */
            p.b[k] = rnd_in(0, 2) == 0 ? 1u : p.out[k];
            n *= p.out[k], na *= p.a[k], nb *= p.b[k];
        }
        a = alloc_f(n), b = alloc_f(nb), out = alloc_f(n), want = alloc_f(n);
        fill_with_zeros(a, na), fill_with_zeros(b, nb);
        for (op = 0; op < ANNE_MERGE_COUNT; op++) {
            for (i = 0; i < n; i++) {
                uint32_t rest = i, ia = 0, ib = 0, digit[4];
                for (k = 4; k-- > 0;) digit[k] = rest % p.out[k], rest /= p.out[k];
                for (k = 0; k < 4; k++) ia = ia * p.a[k] + digit[k] % p.a[k], ib = ib * p.b[k] + digit[k] % p.b[k];
                want[i] = ref_merge(a[ia], b[ib], (anne_merge)op);
            }
            fill_nan(out, n);
            p.op = (anne_merge)op;
            anne_merge_broadcast_forward_f32(out, a, b, &p);
            check_bits("merge broadcast", t * 10 + op, out, want, n);
            if (na == n) {
                memcpy(out, a, n * sizeof *out);
                anne_merge_broadcast_forward_f32(out, out, b, &p);
                check_bits("merge broadcast in place", t * 10 + op, out, want, n);
            }
        }
        free(a), free(b), free(out), free(want);
    }
}

/* PReLU per channel: each row of c values takes the c slopes; x >= 0 (+0 and -0 too) passes unchanged. */
static void test_prelu_channels(void **state) {
    float x[12] = {-1, 2, -3, 0.0f, -0.0f, -6, 7, -8, 9, -10, -11, 12}, alpha[3] = {0.5f, -2, 0.25f}, want[12];
    int i;
    (void)state;
    for (i = 0; i < 12; i++) want[i] = x[i] >= 0.0f ? x[i] : (float)((double)alpha[i % 3] * (double)x[i]);
    anne_prelu_channels_f32(x, 4, 3, alpha);
    check_bits("prelu channels", 0, x, want, 12);
    assert_true(same_bits(x[4], -0.0f)); /* -0 >= 0: kept as it is */
}

/* Keras Maximum/Minimum as the contract writes them: b > a ? b : a keeps a when b is NaN and when
 * a is; -0 and +0 tie, and a is kept. Subtract is a - b, not b - a. */
static void test_merge_specials(void **state) {
    const float a[4] = {NAN, 1.0f, -0.0f, 0.0f}, b[4] = {1.0f, NAN, 0.0f, -0.0f};
    float out[4];
    (void)state;
    anne_merge_forward_f32(out, a, b, 4, ANNE_MERGE_MAXIMUM);
    assert_true(isnan(out[0]) && same_bits(out[1], 1.0f) && same_bits(out[2], -0.0f) && same_bits(out[3], 0.0f));
    anne_merge_forward_f32(out, a, b, 4, ANNE_MERGE_MINIMUM);
    assert_true(isnan(out[0]) && same_bits(out[1], 1.0f) && same_bits(out[2], -0.0f) && same_bits(out[3], 0.0f));
    anne_merge_forward_f32(out, (const float[]){5.0f}, (const float[]){3.0f}, 1, ANNE_MERGE_SUBTRACT);
    assert_true(same_bits(out[0], 2.0f));
}

/* Concatenate on random shapes of rank 1 to 4 and a random axis; the reference walks each input's
 * values and puts them where their indices go in out, the axis index shifted by the inputs before. */
static void test_concat(void **state) {
    int t;
    (void)state;
    rng_seed(11);
    for (t = 0; t < 301; t++) {
        uint32_t r = t < 300 ? rnd_in(1, 4) : 2u, axis = rnd() % r, k, a;
        uint16_t n_in = (uint16_t)(t < 300 ? rnd_in(1, 4) : 3u);
        uint32_t dims[4][4], outer = 1, after = 1, axis_total = 0, offset = 0, inner[4];
        float *in[4], *out, *want;
        const float *in_c[4];
        size_t n_out, i;
        if (t == 300) axis = 1;
        for (a = 0; a < r; a++) {
            uint32_t d = t < 300 ? rnd_in(1, 5) : 3000u; /* the last: 3000 x (25, 7, 5), > 65535 in and out */
            for (k = 0; k < n_in; k++) dims[k][a] = d;
            if (a < axis) outer *= d;
            if (a > axis) after *= d;
        }
        for (k = 0; k < n_in; k++) {
            dims[k][axis] = t < 300 ? rnd_in(1, 4) : (k == 0u ? 25u : (k == 1u ? 7u : 5u));
            axis_total += dims[k][axis];
            inner[k] = dims[k][axis] * after;
            in[k] = alloc_f((size_t)outer * inner[k]);
            fill_with_zeros(in[k], (size_t)outer * inner[k]);
            in_c[k] = in[k];
        }
        n_out = (size_t)outer * axis_total * after;
        out = alloc_f(n_out), want = alloc_f(n_out);
        fill_nan(out, n_out), fill_nan(want, n_out);
        for (k = 0; k < n_in; k++) {
            for (i = 0; i < (size_t)outer * inner[k]; i++) {
                /* i = (o * dims[k][axis] + j) * after + q */
                size_t q = i % after, j = i / after % dims[k][axis], o = i / after / dims[k][axis];
                want[(o * axis_total + offset + j) * after + q] = in[k][i];
            }
            offset += dims[k][axis];
        }
        anne_concat_forward_f32(out, in_c, inner, n_in, outer);
        check_bits("concat", t, out, want, n_out);
        for (k = 0; k < n_in; k++) free(in[k]);
        free(out), free(want);
    }
}

/* Keras Concatenate(axis=-1) of (2, 1) [[1], [2]] and (2, 2) [[3, 4], [5, 6]]: outer 2, inner 1 and 2:
 * [[1, 3, 4], [2, 5, 6]]. Concatenate(axis=0) of (1, 2) [[1, 2]] and (2, 2) [[3, 4], [5, 6]]: outer 1,
 * inner 2 and 4: [[1, 2], [3, 4], [5, 6]]. */
static void test_concat_keras(void **state) {
    const float a[2] = {1, 2}, b[4] = {3, 4, 5, 6}, want[6] = {1, 3, 4, 2, 5, 6}, want0[6] = {1, 2, 3, 4, 5, 6};
    const float *in[2] = {a, b};
    const uint32_t inner[2] = {1, 2}, inner0[2] = {2, 4};
    float out[6];
    (void)state;
    anne_concat_forward_f32(out, in, inner, 2, 2);
    check_bits("Concatenate axis -1", 0, out, want, 6);
    anne_concat_forward_f32(out, in, inner0, 2, 1);
    check_bits("Concatenate axis 0", 0, out, want0, 6);
}

/* Permute of random rank 0 to 4 tensors with random permutations; the reference walks `in` in order
 * and puts each value at out's index i_k = j_perm[k]. */
static void test_permute(void **state) {
    int t;
    (void)state;
    rng_seed(12);
    for (t = 0; t < 401; t++) {
        uint8_t r = (uint8_t)(t < 400 ? rnd_in(0, 4) : 3u), perm[4] = {0, 1, 2, 3}, k;
        uint16_t dims[4];
        size_t n = 1, i, out_dims[4];
        float *in, *out, *want;
        for (k = 0; k < r; k++) {
            dims[k] = (uint16_t)(t < 400 ? rnd_in(1, 6) : (k == 0 ? 40u : (k == 1 ? 50u : 36u)));
            n *= dims[k];
        }
        for (k = r; k > 1; k--) { /* Fisher-Yates */
            uint8_t j = (uint8_t)(rnd() % k), tmp = perm[k - 1];
            perm[k - 1] = perm[j], perm[j] = tmp;
        }
        if (t == 400) perm[0] = 0, perm[1] = 2, perm[2] = 1; /* (40, 50, 36) -> (40, 36, 50): steps of 1800 */
        for (k = 0; k < r; k++) out_dims[k] = dims[perm[k]];
        in = alloc_f(n), out = alloc_f(n), want = alloc_f(n);
        fill_with_zeros(in, n), fill_nan(out, n), fill_nan(want, n);
        for (i = 0; i < n; i++) {
            size_t j[4], rest = i, o = 0;
            for (k = r; k > 0; k--) j[k - 1] = rest % dims[k - 1], rest /= dims[k - 1];
            for (k = 0; k < r; k++) o = o * out_dims[k] + j[perm[k]];
            want[o] = in[i];
        }
        anne_permute_forward_f32(out, in, dims, perm, r);
        check_bits("permute", t, out, want, n);
        free(in), free(out), free(want);
    }
}

/* Keras Permute((2, 1)) of (2, 3) [[1, 2, 3], [4, 5, 6]]: (3, 2) [[1, 4], [2, 5], [3, 6]].
 * Permute((3, 1, 2)) of (1, 2, 2) [[[1, 2], [3, 4]]]: out axis 0 is in's axis 2 (size 2), then
 * axes 0 and 1: [[[1, 3]], [[2, 4]]]. */
static void test_permute_keras(void **state) {
    const float x[6] = {1, 2, 3, 4, 5, 6}, want[6] = {1, 4, 2, 5, 3, 6}, x3[4] = {1, 2, 3, 4}, want3[4] = {1, 3, 2, 4};
    const uint16_t dims[2] = {2, 3}, dims3[3] = {1, 2, 2};
    const uint8_t perm[2] = {1, 0}, perm3[3] = {2, 0, 1};
    float out[6];
    (void)state;
    anne_permute_forward_f32(out, x, dims, perm, 2);
    check_bits("Permute((2, 1))", 0, out, want, 6);
    anne_permute_forward_f32(out, x3, dims3, perm3, 3);
    check_bits("Permute((3, 1, 2))", 0, out, want3, 4);
}

/* ------------------------------------------------------------------------------------------------
 * Channel affine, layer normalization
 * ---------------------------------------------------------------------------------------------- */

static void test_channel_affine(void **state) {
    double max_rel = 0.0;
    int t;
    (void)state;
    rng_seed(13);
    for (t = 0; t < 101; t++) {
        uint32_t n = t < 100 ? rnd_in(1, 50) : 70000u, p;
        uint16_t c = (uint16_t)(t < 100 ? rnd_in(1, 8) : 2u), ch;
        size_t len = (size_t)n * c;
        float *x = alloc_f(len), *orig = alloc_f(len), *scale = alloc_f(c), *shift = alloc_f(c);
        fill_with_zeros(orig, len), fill_with_zeros(scale, c), fill_with_zeros(shift, c);
        memcpy(x, orig, len * sizeof *x);
        anne_channel_affine_f32(x, n, c, scale, shift);
        for (p = 0; p < n; p++)
            for (ch = 0; ch < c; ch++) {
                size_t at = (size_t)p * c + ch;
                float want = mul_rounded(orig[at], scale[ch]) + shift[ch];
                double t_mul = (double)orig[at] * scale[ch];
                check_bits("channel affine", t, &x[at], &want, 1);
                check_close("channel affine", t, at, x[at], t_mul + shift[ch], fabs(t_mul) + fabs((double)shift[ch]),
                            &max_rel);
            }
        free(x), free(orig), free(scale), free(shift);
    }
    print_message("channel affine: max relative error %.3g\n", max_rel);
}

/* The double reference; scale: (|x| + mean of |x|) / sd * |gamma| + |beta|: the float kernel's
 * x - mean is off by rounding errors of x and of the mean's sum, whose partial sums are as large as
 * the sum of |x| (not |mean|, which may be near 0). */
static void test_layer_norm_random(void **state) {
    double max_rel = 0.0;
    int t;
    (void)state;
    rng_seed(14);
    for (t = 0; t < 301; t++) {
        uint32_t n = t < 300 ? rnd_in(1, 6) : 100u, p;
        uint16_t c = (uint16_t)(t < 300 ? rnd_in(1, 300) : 1000u), i;
        int has_gamma = (int)(rnd() % 2u), has_beta = (int)(rnd() % 2u);
        float epsilon = t % 3 == 0 ? 1e-3f : 1e-5f, offset = t % 4 == 0 ? 50.0f : 0.0f;
        size_t len = (size_t)n * c, k;
        float *x = alloc_f(len), *orig = alloc_f(len), *gamma = alloc_f(c), *beta = alloc_f(c);
        fill_unit(orig, len), fill_unit(gamma, c), fill_unit(beta, c);
        for (k = 0; k < len; k++) orig[k] += offset; /* a mean far from 0: the two passes matter */
        memcpy(x, orig, len * sizeof *x);
        anne_layer_norm_f32(x, n, c, has_gamma ? gamma : NULL, has_beta ? beta : NULL, epsilon);
        for (p = 0; p < n; p++) {
            const float *row = orig + (size_t)p * c;
            double mean = 0.0, mean_abs = 0.0, var = 0.0, sd;
            for (i = 0; i < c; i++) mean += row[i], mean_abs += fabs((double)row[i]);
            mean /= c, mean_abs /= c;
            for (i = 0; i < c; i++) var += (row[i] - mean) * (row[i] - mean);
            sd = sqrt(var / c + (double)epsilon);
            for (i = 0; i < c; i++) {
                double g = has_gamma ? gamma[i] : 1.0, b = has_beta ? beta[i] : 0.0;
                double ref = (row[i] - mean) / sd * g + b;
                double scale = (fabs((double)row[i]) + mean_abs) / sd * fabs(g) + fabs(b);
                check_close("layer norm", t, (size_t)p * c + i, x[(size_t)p * c + i], ref, scale, &max_rel);
            }
        }
        free(x), free(orig), free(gamma), free(beta);
    }
    print_message("layer norm: max relative error %.3g (of (|x| + mean |x|) / sd |gamma| + |beta|)\n", max_rel);
}

/* The contract's order in float, by another route: both sums through the dense kernel (a row of ones
 * for the mean, the deviations times themselves for the variance), then sqrtf, a division, the
 * product with gamma rounded on its own, and beta. */
static void test_layer_norm_bits(void **state) {
    int t;
    (void)state;
    rng_seed(15);
    for (t = 0; t < 300; t++) {
        uint32_t n = rnd_in(1, 4), p;
        uint16_t c = (uint16_t)rnd_in(1, 200), i;
        int has_gamma = (int)(rnd() % 2u), has_beta = (int)(rnd() % 2u);
        size_t len = (size_t)n * c;
        float *x = alloc_f(len), *want = alloc_f(len), *gamma = alloc_f(c), *beta = alloc_f(c);
        float *ones = alloc_f(c), *dev = alloc_f(c), epsilon = 1e-3f;
        fill_with_zeros(want, len), fill_unit(gamma, c), fill_unit(beta, c);
        memcpy(x, want, len * sizeof *x);
        anne_layer_norm_f32(x, n, c, has_gamma ? gamma : NULL, has_beta ? beta : NULL, epsilon);
        for (i = 0; i < c; i++) ones[i] = 1.0f;
        for (p = 0; p < n; p++) {
            float *row = want + (size_t)p * c, mean, var, sd;
            anne_dense_forward_f32(&mean, row, ones, NULL, c, 1);
            mean /= (float)c;
            for (i = 0; i < c; i++) dev[i] = row[i] - mean;
            anne_dense_forward_f32(&var, dev, dev, NULL, c, 1);
            sd = sqrtf(var / (float)c + epsilon);
            for (i = 0; i < c; i++) {
                float v = dev[i] / sd;
                if (has_gamma) v = mul_rounded(v, gamma[i]);
                row[i] = has_beta ? v + beta[i] : v;
            }
        }
        check_bits("layer norm vs dense sums", t, x, want, len);
        free(x), free(want), free(gamma), free(beta), free(ones), free(dev);
    }
}

/* Keras LayerNormalization(epsilon=0, center=False, scale=False) of (1, 2, 3, 4): mean 2.5, variance
 * (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, out (x - 2.5) / sqrt(1.25) = (-1.3416408, -0.4472136,
 * 0.4472136, 1.3416408). With gamma (2, 2, 2, 2) and beta (1, 1, 1, 1): 2 out + 1. A row of equal
 * values gives 0 (var 0, epsilon 1e-3 keeps the division finite). */
static void test_layer_norm_keras(void **state) {
    float x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4}, z[3] = {7, 7, 7};
    const float g[4] = {2, 2, 2, 2}, b[4] = {1, 1, 1, 1};
    const double want[4] = {-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738};
    int i;
    (void)state;
    anne_layer_norm_f32(x, 1, 4, NULL, NULL, 0.0f);
    anne_layer_norm_f32(y, 1, 4, g, b, 0.0f);
    anne_layer_norm_f32(z, 1, 3, NULL, NULL, 1e-3f);
    for (i = 0; i < 4; i++) {
        assert_true(fabs((double)x[i] - want[i]) < 3e-7);
        assert_true(fabs((double)y[i] - (2.0 * want[i] + 1.0)) < 6e-7);
    }
    for (i = 0; i < 3; i++) assert_true(same_bits(z[i], 0.0f));
}

/* ------------------------------------------------------------------------------------------------
 * Dense rows, softmax rows
 * ---------------------------------------------------------------------------------------------- */

/* Against double and bit for bit against one anne_dense_forward_f32 / anne_activation_forward_f32
 * call per row; the last case has more than 65535 rows. */
static void test_rows(void **state) {
    double max_rel_dense = 0.0, max_rel_softmax = 0.0;
    int t;
    (void)state;
    rng_seed(16);
    for (t = 0; t < 201; t++) {
        uint32_t rows = t < 200 ? rnd_in(1, 20) : 70000u, r;
        uint16_t n_in = (uint16_t)rnd_in(1, 40), n_out = (uint16_t)rnd_in(1, 12), i, j;
        int with_bias = (int)(rnd() % 2u);
        float *in = alloc_f((size_t)rows * n_in), *kernel = alloc_f((size_t)n_out * n_in);
        float *bias = with_bias ? alloc_f(n_out) : NULL, *out = alloc_f((size_t)rows * n_out);
        float *want = alloc_f((size_t)rows * n_out), *sm = alloc_f((size_t)rows * n_out);
        const float none[3] = {0, 0, 0};
        size_t k, len = (size_t)rows * n_out;
        fill_unit(in, (size_t)rows * n_in), fill_unit(kernel, (size_t)n_out * n_in);
        if (bias != NULL) fill_unit(bias, n_out);
        fill_nan(out, (size_t)rows * n_out);
        anne_dense_rows_forward_f32(out, in, kernel, bias, rows, n_in, n_out);
        for (r = 0; r < rows; r++) {
            const float *x = in + (size_t)r * n_in;
            anne_dense_forward_f32(want + (size_t)r * n_out, x, kernel, bias, n_in, n_out);
            if (t == 200 && r % 97u != 0u) continue; /* the large case: every 97th row against double */
            for (j = 0; j < n_out; j++) {
                double sum = bias != NULL ? bias[j] : 0.0, scale = bias != NULL ? fabs((double)bias[j]) : 0.0;
                for (i = 0; i < n_in; i++) {
                    double term = (double)kernel[(size_t)j * n_in + i] * x[i];
                    sum += term, scale += fabs(term);
                }
                check_close("dense rows", t, (size_t)r * n_out + j, out[(size_t)r * n_out + j], sum, scale,
                            &max_rel_dense);
            }
        }
        check_bits("dense rows vs dense", t, out, want, (size_t)rows * n_out);

        /* softmax over the rows of the dense output, as logits of up to a few hundred; the error is
         * relative to the value, with a floor far below 1 for results that underflow */
        for (k = 0; k < len; k++) want[k] = sm[k] = out[k] * 10.0f;
        anne_softmax_rows_f32(sm, rows, n_out);
        for (r = 0; r < rows; r++) {
            float *row = want + (size_t)r * n_out;
            double mx = -HUGE_VAL, sum = 0.0;
            for (j = 0; j < n_out; j++) mx = fmax(mx, row[j]);
            for (j = 0; j < n_out; j++) sum += exp(row[j] - mx);
            for (j = 0; j < n_out; j++) {
                double ref = exp(row[j] - mx) / sum;
                check_close("softmax rows", t, (size_t)r * n_out + j, sm[(size_t)r * n_out + j], ref, ref + 1e-30,
                            &max_rel_softmax);
            }
            anne_activation_forward_f32(row, n_out, ANNE_ACT_SOFTMAX, none);
        }
        check_bits("softmax rows vs activation", t, sm, want, len);
        free(in), free(kernel), free(bias), free(out), free(want), free(sm);
    }
    print_message("dense rows: max relative error %.3g (of the sum of |terms|); softmax rows: %.3g (of the value)\n",
                  max_rel_dense, max_rel_softmax);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv2d_random),
        cmocka_unit_test(test_conv2d_bits),
        cmocka_unit_test(test_conv2d_keras_same_stride2),
        cmocka_unit_test(test_conv1d_keras_causal_and_same),
        cmocka_unit_test(test_conv2d_padding_and_zero_rules),
        cmocka_unit_test(test_depthwise_random),
        cmocka_unit_test(test_depthwise_bits),
        cmocka_unit_test(test_depthwise_keras_multiplier),
        cmocka_unit_test(test_max_pool_random),
        cmocka_unit_test(test_avg_pool_random),
        cmocka_unit_test(test_avg_pool_bits),
        cmocka_unit_test(test_pool_keras_same),
        cmocka_unit_test(test_pool_nan_and_zero),
        cmocka_unit_test(test_global_pools),
        cmocka_unit_test(test_zero_pad_crop_upsample),
        cmocka_unit_test(test_spatial_keras),
        cmocka_unit_test(test_merge_and_div),
        cmocka_unit_test(test_merge_specials),
        cmocka_unit_test(test_merge_broadcast),
        cmocka_unit_test(test_prelu_channels),
        cmocka_unit_test(test_concat),
        cmocka_unit_test(test_concat_keras),
        cmocka_unit_test(test_permute),
        cmocka_unit_test(test_permute_keras),
        cmocka_unit_test(test_channel_affine),
        cmocka_unit_test(test_layer_norm_random),
        cmocka_unit_test(test_layer_norm_bits),
        cmocka_unit_test(test_layer_norm_keras),
        cmocka_unit_test(test_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

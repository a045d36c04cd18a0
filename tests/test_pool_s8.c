/* int8 MAX_POOL_2D, AVERAGE_POOL_2D and MEAN (anne_quant_ops.h) against integer references written
 * here with another structure. Pooling: the input copied into an explicitly padded plane beside a
 * validity mask (1 inside the input, 0 in the padding), every window position visited and the mask
 * deciding, the mean rounded half away from zero by floor((2|s| + n) / 2n) with the sign put back.
 * MEAN: the int64 sum and TFLite's multiplier adaptation for the element count written out again from
 * reduce.h's description, with the independent requantization of tests/test_quant_ref.h; and, against
 * the real numbers, within one step of round(mean * in_scale / out_scale) + out_zp. Random shapes,
 * strides, 'same' and 'valid' padding, zero points, clamps and scales; exact, about 3.3 million outputs.
 * Then the extremes the contracts allow (UBSan watches for overflow). */
#include "test_support.h"
#include "test_quant_ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"

#define MAX_HW 12
#define MAX_C 8
#define MAX_K 6
#define PAD MAX_K /* rows and columns of padding on each side of the plane */
#define PW (MAX_HW + 2 * PAD)

static uint64_t rng = 11;

static uint32_t pick(uint32_t n) { /* 0 .. n - 1 */
    return (uint32_t)(ref_rand(&rng) % n);
}

/* TF's output size and leading padding on one axis ('same': ceil(n / stride), the smaller half of the
 * padding first); 0 when 'valid' does not fit. */
static uint16_t out_size(uint16_t n, uint16_t k, uint16_t stride, int same, uint16_t *pad) {
    uint32_t out, total;
    *pad = 0;
    if (!same) return k > n ? 0 : (uint16_t)((n - k) / stride + 1u);
    out = (n + stride - 1u) / stride;
    total = (out - 1u) * stride + k;
    *pad = (uint16_t)(total > n ? (total - n) / 2u : 0u);
    return (uint16_t)out;
}

/* The mean of s over n rounded half away from zero, by floor division of the doubled magnitude. */
static int64_t round_half_away(int64_t s, int64_t n) {
    int64_t m = s < 0 ? -s : s;
    int64_t q = ref_floor_div(2 * m + n, 2 * n);
    return s < 0 ? -q : q;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

static void check_pool_random(uint32_t layers) {
    static int8_t in[MAX_HW * MAX_HW * MAX_C], out[MAX_HW * MAX_HW * MAX_C + 1], plane[PW * PW * MAX_C];
    static uint8_t valid[PW * PW];
    uint32_t l, outputs = 0, counted_ties = 0;
    for (l = 0; l < layers;) {
        anne_window win;
        anne_window_params p;
        int same = (int)pick(2), average = (int)pick(2);
        int32_t act_min = -128 + (int32_t)pick(3) * 50, act_max = 127 - (int32_t)pick(3) * 50;
        uint32_t i, y, x, c, ky, kx, n_out;
        memset(&win, 0, sizeof win);
        p.in.h = (uint16_t)(1u + pick(MAX_HW));
        p.in.w = (uint16_t)(1u + pick(MAX_HW));
        p.in.c = (uint16_t)(1u + pick(MAX_C));
        win.kernel_h = (uint16_t)(1u + pick(MAX_K));
        win.kernel_w = (uint16_t)(1u + pick(MAX_K));
        win.stride_h = (uint16_t)(1u + pick(3));
        win.stride_w = (uint16_t)(1u + pick(3));
        win.dilation_h = win.dilation_w = 1;
        p.out.h = out_size(p.in.h, win.kernel_h, win.stride_h, same, &win.pad_top);
        p.out.w = out_size(p.in.w, win.kernel_w, win.stride_w, same, &win.pad_left);
        p.out.c = p.in.c;
        p.win = &win;
        if (p.out.h == 0u || p.out.w == 0u) continue;
        /* values near the ends often, so that clamps and ties are common */
        for (i = 0; i < (uint32_t)p.in.h * p.in.w * p.in.c; i++) {
            in[i] = (int8_t)(pick(4) == 0u ? (pick(2) ? 127 : -128) : (int32_t)pick(256) - 128);
        }
        memset(plane, 0x5A, sizeof plane); /* the padding holds a value that must never count */
        memset(valid, 0, sizeof valid);
        for (y = 0; y < p.in.h; y++) {
            for (x = 0; x < p.in.w; x++) {
                memcpy(plane + ((size_t)(PAD + y) * PW + PAD + x) * p.in.c, in + ((size_t)y * p.in.w + x) * p.in.c,
                       p.in.c);
                valid[(PAD + y) * PW + PAD + x] = 1;
            }
        }
        n_out = (uint32_t)p.out.h * p.out.w * p.out.c;
        out[n_out] = 0x55;
        if (average) {
            anne_avg_pool2d_forward_s8(out, in, &p, act_min, act_max);
        } else {
            anne_max_pool2d_forward_s8(out, in, &p, act_min, act_max);
        }
        assert_int_equal(out[n_out], 0x55);
        for (y = 0; y < p.out.h; y++) {
            for (x = 0; x < p.out.w; x++) {
                for (c = 0; c < p.out.c; c++) {
                    int64_t best = INT64_MIN, sum = 0, n = 0, want;
                    int8_t got = out[((size_t)y * p.out.w + x) * p.out.c + c];
                    for (ky = 0; ky < win.kernel_h; ky++) {
                        for (kx = 0; kx < win.kernel_w; kx++) {
                            uint32_t py = PAD + y * win.stride_h + ky - win.pad_top;
                            uint32_t px = PAD + x * win.stride_w + kx - win.pad_left;
                            int64_t v = plane[((size_t)py * PW + px) * p.in.c + c];
                            if (!valid[py * PW + px]) continue;
                            sum += v;
                            n++;
                            if (v > best) best = v;
                        }
                    }
                    assert_true(n > 0);
                    if (average && (2 * (sum < 0 ? -sum : sum)) % (2 * n) == n) counted_ties++;
                    want = clamp64(average ? round_half_away(sum, n) : best, act_min, act_max);
                    if (got != want) {
                        print_message("%s layer %u (%ux%ux%u, kernel %ux%u, stride %u,%u, pad %u,%u, clamp %d..%d) "
                                      "output (%u, %u, %u): got %d, reference %d\n",
                                      average ? "avg" : "max", l, p.in.h, p.in.w, p.in.c, win.kernel_h, win.kernel_w,
                                      win.stride_h, win.stride_w, win.pad_top, win.pad_left, act_min, act_max, y, x,
                                      c, got, (int)want);
                        fail();
                    }
                }
            }
        }
        outputs += n_out;
        l++;
    }
    print_message("pooling: %u layers, %u outputs (%u averages exactly halfway), all exact\n", layers, outputs,
                  counted_ties);
}

static void test_pool_random(void **state) {
    (void)state;
    check_pool_random(40000);
}

/* A random scale as converters give them: a range of a few units over 255 steps. */
static float random_scale(void) {
    return (float)ldexp(0.5 + (double)pick(100000) / 200000.0, -(int)pick(9) - 3); /* 2^-12 .. 2^-3 */
}

/* TFLite's reduce.h adaptation of (M, s) to n, written again: k is the position of n's highest bit,
 * found here with frexp, then held to 32 and to 31 + s. */
static void reference_mean_multiplier(float in_scale, float out_scale, uint32_t n, int32_t *m, int32_t *s) {
    int e, k;
    int32_t m0, s0;
    anne_quantize_multiplier((double)in_scale / (double)out_scale, &m0, &s0);
    (void)frexp((double)n, &e); /* n = f 2^e, f in [0.5, 1): floor(log2 n) = e - 1 */
    k = e - 1;
    if (k > 32) k = 32;
    if (k > 31 + s0) k = 31 + s0;
    *m = (int32_t)(((int64_t)m0 * ((int64_t)1 << k)) / (int64_t)n);
    *s = s0 - k;
}

static void test_mean_random(void **state) {
    enum { MAX_N = 200, MEAN_C = 16 };
    static int8_t in[MAX_N * MEAN_C];
    int8_t out[MEAN_C];
    uint32_t t, outputs = 0, off_by_one = 0;
    (void)state;
    for (t = 0; t < 60000; t++) {
        anne_s8_mean_params p;
        anne_error err;
        float in_scale = random_scale(), out_scale;
        int32_t in_zp = (int32_t)pick(256) - 128, out_zp = (int32_t)pick(256) - 128, m, s;
        uint32_t n = 1u + (pick(4) == 0u ? pick(MAX_N) : pick(64)), c = 1u + pick(MEAN_C), i, ch;
        /* the output scale near the input's (a mean's range is within the input's), sometimes equal */
        out_scale = pick(4) == 0u ? in_scale : in_scale * (float)(0.25 + (double)pick(10000) / 5000.0);
        /* now and then scales 2^20 .. 2^29 apart: QuantizeMultiplier's shift near -31 holds k to 31 + s */
        if (pick(50) == 0u) out_scale = in_scale * (float)ldexp(1.0 + (double)pick(1000) / 1000.0, 20 + (int)pick(10));
        for (i = 0; i < n * c; i++) in[i] = (int8_t)((int32_t)pick(256) - 128);
        assert_int_equal(anne_s8_mean_prepare(in_scale, in_zp, out_scale, out_zp, n, &p, &err), 0);
        reference_mean_multiplier(in_scale, out_scale, n, &m, &s);
        assert_int_equal(p.multiplier, m);
        assert_int_equal(p.shift, s);
        anne_mean_forward_s8(out, in, n, (uint16_t)c, &p);
        for (ch = 0; ch < c; ch++) {
            int64_t sum = 0, want;
            double real;
            for (i = 0; i < n; i++) sum += in[i * c + ch];
            want = clamp64((int64_t)ref_requantize((int32_t)(sum - (int64_t)n * in_zp), m, s) + out_zp, -128, 127);
            if (out[ch] != want) {
                print_message("mean case %u (n %u, c %u, zp %d -> %d, scales %.9g -> %.9g) channel %u: got %d, "
                              "reference %d\n",
                              t, n, c, in_zp, out_zp, (double)in_scale, (double)out_scale, ch, out[ch], (int)want);
                fail();
            }
            /* the real mean on the output scale: the integer path is within one step of it */
            real = (double)(sum - (int64_t)n * in_zp) / n * in_scale / out_scale + out_zp;
            real = real < -128.0 ? -128.0 : (real > 127.0 ? 127.0 : real);
            assert_true(fabs(out[ch] - real) <= 1.0);
            off_by_one += fabs(out[ch] - real) > 0.5;
        }
        outputs += c;
    }
    print_message("mean: 60000 cases, %u outputs, all exact (%u more than half a step from the real mean)\n",
                  outputs, off_by_one);
}

/* The largest windows and sums the contracts allow, both ends: nothing may overflow (UBSan), and the
 * results are the obvious ones. */
static void test_extremes(void **state) {
    enum { H = 4080, W = 4096 }; /* one window of 2^24 - 2^16 positions, the average's bound */
    int8_t *in = malloc((size_t)H * W), out[2];
    anne_window win = {H, W, 1, 1, 1, 1, 0, 0};
    anne_window_params p = {{H, W, 1}, {1, 1, 1}, &win};
    int v;
    (void)state;
    assert_non_null(in);
    for (v = -128; v <= 127; v += 255) {
        memset(in, v, (size_t)H * W);
        in[(size_t)H * W / 2] = (int8_t)(v == -128 ? -127 : 126); /* one value off: the mean still rounds to v */
        anne_avg_pool2d_forward_s8(out, in, &p, -128, 127);
        anne_max_pool2d_forward_s8(out + 1, in, &p, -128, 127);
        assert_int_equal(out[0], v);
        assert_int_equal(out[1], v == -128 ? -127 : 127);
    }
    /* MEAN at its bound: n = 8 421 504 positions 255 from the zero point, both signs; multiplier 1 */
    {
        const uint32_t n = 8421504u;
        anne_s8_mean_params q;
        anne_error err;
        int8_t *big = realloc(in, n);
        assert_non_null(big);
        in = big;
        for (v = -128; v <= 127; v += 255) {
            memset(in, v, n);
            assert_int_equal(anne_s8_mean_prepare(0.5f, v == -128 ? 127 : -128, 0.5f, 0, n, &q, &err), 0);
            anne_mean_forward_s8(out, in, n, 1, &q);
            assert_int_equal(out[0], v == -128 ? -128 : 127); /* mean -255 or 255, clamped */
            assert_int_equal(anne_s8_mean_prepare(0.5f, v == -128 ? 127 : -128, 4.0f, 0, n, &q, &err), 0);
            anne_mean_forward_s8(out, in, n, 1, &q);
            assert_int_equal(out[0], v == -128 ? -32 : 32); /* 255 / 8 = 31.875 */
        }
        assert_int_equal(anne_s8_mean_prepare(0.5f, 0, 0.5f, 0, n + 1u, &q, &err), -1);
        assert_int_equal(anne_s8_mean_prepare(0.5f, 0, 0.5f, 0, 0, &q, &err), -1);
        assert_int_equal(anne_s8_mean_prepare(0.5f, 128, 0.5f, 0, 4, &q, &err), -1);
        assert_int_equal(anne_s8_mean_prepare(-0.5f, 0, 0.5f, 0, 4, &q, &err), -1);
        assert_int_equal(anne_s8_mean_prepare(1.0f, 0, 1e-10f, 0, 4, &q, &err), -1); /* ratio >= 2^30 */
        print_message("refused as expected: %s\n", err.msg);
    }
    free(in);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_random),
        cmocka_unit_test(test_mean_random),
        cmocka_unit_test(test_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

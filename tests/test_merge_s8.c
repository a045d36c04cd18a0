/* int8 ADD, SUB, MUL (same shape and broadcast) and CONCATENATION (anne_quant_ops.h) against
 * references written here: each value step by step as TFLite writes AddFunc and MulElementwise, in
 * int64 with the independent requantization of tests/test_quant_ref.h; the multipliers recomputed from
 * the float scales with TFLite's expressions (tools/quantize/anne_quantize_ops.h must give the same);
 * and every value within one step of the real-number result. Broadcasting against the same-shape
 * kernel run on inputs expanded to the output's shape; concatenation by locating each output value's
 * source. Random scales, zero points, clamps and shapes; exact, about 15 million values. Then the
 * extremes (UBSan watches for overflow). */
#include "test_support.h"
#include "test_quant_ref.h"
#include "test_s8_ops_ref.h"

#include <math.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"

static uint64_t rng = 23;

static uint32_t pick(uint32_t n) { /* 0 .. n - 1 */
    return (uint32_t)(ref_rand(&rng) % n);
}

/* Scales as converters give them: 2^-10 .. 2^-1, any mantissa. */
static float random_scale(void) {
    return (float)ldexp(0.5 + (double)pick(1000000) / 2000000.0, -(int)pick(10));
}

static int8_t random_s8(void) {
    return (int8_t)(pick(8) == 0u ? (pick(2) ? 127 : -128) : (int32_t)pick(256) - 128);
}

/* SUB as TFLite Micro's reference_ops (sub.h) computes it: input 2 scaled with its positive multiplier,
 * then subtracted. It differs from TFLite's negated multiplier where the doubling high multiply ties
 * (rounded toward +inf either way, so -round(x) != round(-x) there); counted, not required. */
static int64_t reference_sub_after_scaling(int32_t a, int32_t b, const anne_s8_add_params *p) {
    int32_t r1 = ref_requantize((a - p->in1_zp) * (1 << p->left_shift), p->in1_multiplier, p->in1_shift);
    int32_t r2 = ref_requantize((b - p->in2_zp) * (1 << p->left_shift), -p->in2_multiplier, p->in2_shift);
    return ref_clamp64((int64_t)ref_requantize(r1 - r2, p->out_multiplier, p->out_shift) + p->out_zp, p->act_min,
                   p->act_max);
}

typedef struct merge_case {
    float s1, s2, so;
    int32_t z1, z2, zo;
    int op; /* 0 add, 1 sub, 2 mul */
    anne_s8_add_params add;
    anne_s8_mul_params mul;
} merge_case;

/* Draws a case, prepares it and checks the prepared multipliers against TFLite's expressions. */
static void make_case(merge_case *t) {
    anne_error err;
    int32_t m, s, clamp = (int32_t)pick(4);
    t->op = (int)pick(3);
    t->s1 = random_scale();
    t->s2 = pick(4) == 0u ? t->s1 : random_scale();
    /* an output scale near what the result's range needs */
    t->so = (t->op == 2 ? t->s1 * t->s2 * 128.0f : (t->s1 > t->s2 ? t->s1 : t->s2) * 2.0f) *
            (float)(0.25 + (double)pick(10000) / 5000.0);
    t->z1 = (int32_t)pick(256) - 128;
    t->z2 = (int32_t)pick(256) - 128;
    t->zo = (int32_t)pick(256) - 128;
    if (t->op < 2) {
        double twice_max = 2.0 * (double)(t->s1 > t->s2 ? t->s1 : t->s2);
        assert_int_equal(anne_s8_add_prepare(t->s1, t->z1, t->s2, t->z2, t->so, t->zo, t->op, &t->add, &err), 0);
        assert_int_equal(t->add.left_shift, 20);
        anne_quantize_multiplier((double)t->s1 / twice_max, &m, &s);
        assert_true(m == t->add.in1_multiplier && s == t->add.in1_shift && s <= 0);
        anne_quantize_multiplier((double)t->s2 / twice_max, &m, &s);
        assert_true((t->op ? -m : m) == t->add.in2_multiplier && s == t->add.in2_shift && s <= 0);
        anne_quantize_multiplier(twice_max / ((double)t->so * 1048576.0), &m, &s);
        assert_true(m == t->add.out_multiplier && s == t->add.out_shift && s <= 0);
        t->add.act_min = clamp == 1 ? t->zo : -128; /* sometimes a fused ReLU, or a narrower clamp */
        t->add.act_max = clamp == 2 ? 100 : 127;
        if (t->add.act_min > t->add.act_max) t->add.act_min = t->add.act_max;
    } else {
        volatile float prod = t->s1 * t->s2, real = prod / t->so; /* float steps, as TFLite's mul.cc */
        assert_int_equal(anne_s8_mul_prepare(t->s1, t->z1, t->s2, t->z2, t->so, t->zo, &t->mul, &err), 0);
        anne_quantize_multiplier((double)real, &m, &s);
        assert_true(m == t->mul.multiplier && s == t->mul.shift);
        t->mul.act_min = clamp == 1 ? t->zo : -128;
        t->mul.act_max = clamp == 2 ? 100 : 127;
        if (t->mul.act_min > t->mul.act_max) t->mul.act_min = t->mul.act_max;
    }
}

static int64_t reference(const merge_case *t, int32_t a, int32_t b) {
    return t->op < 2 ? reference_add(a, b, &t->add) : reference_mul(a, b, &t->mul);
}

/* The real-number result on the output scale, clamped as the case clamps. */
static double real_value(const merge_case *t, int32_t a, int32_t b) {
    double x = t->s1 * ((double)a - t->z1), y = t->s2 * ((double)b - t->z2);
    double r = (t->op == 0 ? x + y : t->op == 1 ? x - y : x * y) / t->so + t->zo;
    int32_t lo = t->op < 2 ? t->add.act_min : t->mul.act_min, hi = t->op < 2 ? t->add.act_max : t->mul.act_max;
    return r < lo ? lo : (r > hi ? hi : r);
}

static void test_same_shape_random(void **state) {
    enum { N = 64 };
    int8_t a[N], b[N], out[N + 1];
    uint32_t t, values = 0, sub_differs = 0, far = 0;
    (void)state;
    for (t = 0; t < 150000; t++) {
        merge_case c;
        uint32_t n = 1u + pick(N), i;
        make_case(&c);
        for (i = 0; i < n; i++) {
            a[i] = random_s8();
            b[i] = random_s8();
        }
        out[n] = 0x55;
        if (c.op < 2) {
            anne_add_forward_s8(out, a, b, n, &c.add);
        } else {
            anne_mul_forward_s8(out, a, b, n, &c.mul);
        }
        assert_int_equal(out[n], 0x55);
        for (i = 0; i < n; i++) {
            int64_t want = reference(&c, a[i], b[i]);
            double real = real_value(&c, a[i], b[i]);
            if (out[i] != want) {
                print_message("%s case %u value %u: %d, %d (scales %.9g %.9g -> %.9g, zp %d %d -> %d): got %d, "
                              "reference %d\n",
                              c.op == 0 ? "add" : c.op == 1 ? "sub" : "mul", t, i, a[i], b[i], (double)c.s1,
                              (double)c.s2, (double)c.so, c.z1, c.z2, c.zo, out[i], (int)want);
                fail();
            }
            if (fabs(out[i] - real) > 1.0) {
                print_message("%s case %u: %d, %d gives %d, real %.4f\n", c.op == 0 ? "add" : c.op == 1 ? "sub" : "mul",
                              t, a[i], b[i], out[i], real);
                fail();
            }
            far += fabs(out[i] - real) > 0.5;
            if (c.op == 1) sub_differs += reference_sub_after_scaling(a[i], b[i], &c.add) != want;
        }
        values += n;
    }
    print_message("add, sub, mul: 150000 cases, %u values, all exact, all within one step of the real result "
                  "(%u beyond half a step); SUB as TFLite Micro rounds it would differ in %u values\n",
                  values, far, sub_differs);
}

/* A rank-4 shape of at most 4 per axis, and for each input each axis either out's or 1. */
static void test_broadcast_random(void **state) {
    enum { MAX = 256 };
    int8_t a[MAX], b[MAX], ea[MAX], eb[MAX], out[MAX + 1], want[MAX];
    uint32_t t, values = 0;
    (void)state;
    for (t = 0; t < 30000; t++) {
        merge_case c;
        anne_broadcast_params s;
        uint32_t k, n_out = 1, n_a = 1, n_b, i0, i1, i2, i3, o = 0;
        make_case(&c);
        s.op = ANNE_MERGE_ADD; /* not read */
        for (k = 0; k < 4; k++) {
            s.out[k] = (uint16_t)(1u + pick(4));
            s.a[k] = pick(2) ? s.out[k] : 1;
            s.b[k] = pick(3) ? (uint16_t)1 : s.out[k]; /* mostly the (1, 1, C) kind of bias */
            n_out *= s.out[k];
            n_a *= s.a[k];
        }
        if (pick(2)) s.b[3] = s.out[3];
        n_b = (uint32_t)s.b[0] * s.b[1] * s.b[2] * s.b[3];
        for (k = 0; k < n_a; k++) a[k] = random_s8();
        for (k = 0; k < n_b; k++) b[k] = random_s8();
        /* the inputs expanded to out's shape by explicit index arithmetic, then the same-shape kernel */
        for (i0 = 0; i0 < s.out[0]; i0++) {
            for (i1 = 0; i1 < s.out[1]; i1++) {
                for (i2 = 0; i2 < s.out[2]; i2++) {
                    for (i3 = 0; i3 < s.out[3]; i3++, o++) {
                        uint32_t ja = (((i0 % s.a[0]) * s.a[1] + i1 % s.a[1]) * s.a[2] + i2 % s.a[2]) * s.a[3] +
                                      i3 % s.a[3];
                        uint32_t jb = (((i0 % s.b[0]) * s.b[1] + i1 % s.b[1]) * s.b[2] + i2 % s.b[2]) * s.b[3] +
                                      i3 % s.b[3];
                        ea[o] = a[ja];
                        eb[o] = b[jb];
                    }
                }
            }
        }
        out[n_out] = 0x55;
        if (c.op < 2) {
            anne_add_forward_s8(want, ea, eb, n_out, &c.add);
            anne_add_broadcast_forward_s8(out, a, b, &s, &c.add);
        } else {
            anne_mul_forward_s8(want, ea, eb, n_out, &c.mul);
            anne_mul_broadcast_forward_s8(out, a, b, &s, &c.mul);
        }
        assert_int_equal(out[n_out], 0x55);
        assert_memory_equal(out, want, n_out);
        values += n_out;
    }
    print_message("broadcast add, sub, mul: 30000 shapes, %u values, all exact\n", values);
}

static void test_concat_random(void **state) {
    enum { MAX_IN = 4, MAX_OUTER = 16, MAX_INNER = 40 };
    static int8_t data[MAX_IN][MAX_OUTER * MAX_INNER], out[MAX_IN * MAX_OUTER * MAX_INNER + 1];
    static int8_t tables[MAX_IN][256];
    uint32_t t, values = 0, requantized = 0, beyond_half = 0;
    (void)state;
    for (t = 0; t < 20000; t++) {
        const int8_t *in[MAX_IN], *requant[MAX_IN];
        uint32_t inner[MAX_IN], total = 0, n_in = 1u + pick(MAX_IN), outer = 1u + pick(MAX_OUTER), k, i;
        float out_scale = random_scale();
        int32_t out_zp = (int32_t)pick(256) - 128;
        int use_tables = pick(4) != 0u;
        for (k = 0; k < n_in; k++) {
            int same = pick(2) == 0u;
            float s = same ? out_scale : out_scale * (float)(0.5 + (double)pick(10000) / 6000.0);
            int32_t zp = same ? out_zp : (int32_t)pick(256) - 128;
            anne_error err;
            int q;
            inner[k] = 1u + pick(MAX_INNER);
            total += inner[k];
            for (i = 0; i < outer * inner[k]; i++) data[k][i] = random_s8();
            in[k] = data[k];
            assert_int_equal(anne_s8_concat_table(s, zp, out_scale, out_zp, tables[k], &err), same ? 1 : 0);
            for (q = -128; q <= 127; q++) {
                int32_t want = same ? q : reference_concat(q, s, zp, out_scale, out_zp);
                double real = (double)s * (q - zp) / out_scale + out_zp;
                real = real < -128.0 ? -128.0 : (real > 127.0 ? 127.0 : real);
                assert_int_equal(tables[k][q + 128], want);
                assert_true(fabs(want - real) <= 0.5 + 1e-4); /* rounding to nearest of a near-exact value */
                beyond_half += fabs(want - real) > 0.5;
            }
            requant[k] = same ? NULL : tables[k];
            requantized += !same;
        }
        out[outer * total] = 0x55;
        anne_concat_forward_s8(out, in, inner, (uint16_t)n_in, outer, use_tables ? requant : NULL);
        assert_int_equal(out[outer * total], 0x55);
        for (i = 0; i < outer * total; i++) {
            uint32_t row = i / total, col = i % total, src = 0;
            int8_t v, want;
            while (col >= inner[src]) col -= inner[src++];
            v = in[src][row * inner[src] + col];
            want = use_tables && requant[src] != NULL ? tables[src][v + 128] : v;
            assert_int_equal(out[i], want);
        }
        values += outer * total;
    }
    /* ties of the float value: 0.125 on 0.25 is exactly q / 2, which TFLite rounds away from zero */
    {
        anne_error err;
        int q;
        assert_int_equal(anne_s8_concat_table(0.125f, 0, 0.25f, 0, tables[0], &err), 0);
        for (q = -128; q <= 127; q++) {
            assert_int_equal(tables[0][q + 128], q % 2 == 0 ? q / 2 : (q + (q > 0 ? 1 : -1)) / 2);
        }
    }
    print_message("concatenation: 20000 cases, %u values (%u inputs requantized), all exact, tables within half a "
                  "step of the real value (%u at a float rounding's distance beyond)\n",
                  values, requantized, beyond_half);
}

/* The extremes: zero points at both ends, inputs 255 from them, scales far apart; nothing may
 * overflow (UBSan), and the reference agrees. */
static void test_extremes(void **state) {
    static const float scales[] = {1.0f, 1.0f / 1048576.0f, 0.5f, 3e-7f};
    int8_t a[2] = {-128, 127}, b[2] = {127, -128}, out[2];
    uint32_t i, j, k, op, z;
    anne_error err;
    (void)state;
    for (op = 0; op < 2; op++) {
        for (i = 0; i < 4; i++) {
            for (j = 0; j < 4; j++) {
                for (z = 0; z < 4; z++) {
                    anne_s8_add_params p;
                    int32_t z1 = z & 1u ? 127 : -128, z2 = z & 2u ? 127 : -128;
                    float so = 2.0f * (scales[i] > scales[j] ? scales[i] : scales[j]) / 1000000.0f;
                    assert_int_equal(
                        anne_s8_add_prepare(scales[i], z1, scales[j], z2, so, -z1 - 1, (int)op, &p, &err), 0);
                    anne_add_forward_s8(out, a, b, 2, &p);
                    for (k = 0; k < 2; k++) assert_int_equal(out[k], reference_add(a[k], b[k], &p));
                }
            }
        }
    }
    /* MUL: the largest product, 255^2, with the largest shift that cannot saturate (15), and beyond */
    for (k = 0; k < 2; k++) {
        anne_s8_mul_params q;
        float so = k ? 1.0f / 65536.0f : 1.0f / 16384.0f;
        assert_int_equal(anne_s8_mul_prepare(1.0f, -128, 1.0f, -128, so, 0, &q, &err), 0);
        assert_int_equal(q.shift, k ? 17 : 15);
        anne_mul_forward_s8(out, b, b, 1, &q);
        assert_int_equal(out[0], 127);
        anne_mul_forward_s8(out, a, a, 1, &q);
        assert_int_equal(out[0], 0);
    }
    /* SUB's rounding: TFLite negates input 2's multiplier, and the doubling high multiply rounds ties
     * toward +inf, so round(-x) and -round(x) differ at a tie. M = 2^30 + 2^10 makes 2^20 M / 2^31 =
     * 2^19 + 1/2 a tie; both inputs 1 from their zero points, output multiplier 1/2: TFLite's SUB gives
     * 1, subtracting after scaling (TFLite Micro's reference_ops::Sub) would give 0. */
    {
        anne_s8_add_params p = {0, 0, 0, 20, (1 << 30) + (1 << 10), -1, -((1 << 30) + (1 << 10)), -1, 1 << 30, 0,
                                -128, 127};
        int8_t one = 1;
        anne_add_forward_s8(out, &one, &one, 1, &p);
        assert_int_equal(reference_add(1, 1, &p), 1);
        assert_int_equal(reference_sub_after_scaling(1, 1, &p), 0);
        assert_int_equal(out[0], 1);
    }
    /* bad arguments are refused with a message */
    {
        anne_s8_add_params p;
        anne_s8_mul_params q;
        assert_int_equal(anne_s8_add_prepare(1.0f, 0, 1.0f, 0, 1e-9f, 0, 0, &p, &err), -1);
        print_message("refused as expected: %s\n", err.msg);
        assert_int_equal(anne_s8_add_prepare(1.0f, 0, NAN, 0, 1.0f, 0, 0, &p, &err), -1);
        assert_int_equal(anne_s8_add_prepare(1.0f, -129, 1.0f, 0, 1.0f, 0, 0, &p, &err), -1);
        assert_int_equal(anne_s8_mul_prepare(1.0f, 0, 1.0f, 0, 1e-10f, 0, &q, &err), -1);
        print_message("refused as expected: %s\n", err.msg);
        assert_int_equal(anne_s8_concat_table(0.0f, 0, 1.0f, 0, (int8_t[256]){0}, &err), -1);
        assert_int_equal(anne_quantize_multiplier_below_one(1.0, &q.multiplier, &q.shift, &err), -1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_shape_random),
        cmocka_unit_test(test_broadcast_random),
        cmocka_unit_test(test_concat_random),
        cmocka_unit_test(test_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

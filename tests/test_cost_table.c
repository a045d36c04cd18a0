/* The cost table of `anne info --target` (tools/commands/anne_cost.c): the counts of layers and ops
 * against counts worked out by hand from their shapes, the cycles against the dot product of the
 * table's coefficients with the counts (in long double here), the analogy rule for terms a format has
 * no fit for, and the table's own sanity (every core and format fitted, errors in range). */
#include <string.h>

#include "anne_cost.h"
#include "test_support.h"

static void test_core_names(void **state) {
    (void)state;
    assert_int_equal(anne_core_parse("m0plus"), ANNE_CORE_M0PLUS);
    assert_int_equal(anne_core_parse("m33"), ANNE_CORE_M33);
    assert_int_equal(anne_core_parse("M33"), -1);
    assert_int_equal(anne_core_parse("m4"), -1);
    assert_int_equal(anne_core_parse(""), -1);
    assert_string_equal(anne_core_name(ANNE_CORE_M0PLUS), "m0plus");
    assert_true(anne_core_mhz(ANNE_CORE_M0PLUS) == 133.0 && anne_core_mhz(ANNE_CORE_M33) == 150.0);
}

static void assert_terms(const double *got, const double *want) {
    int k;
    for (k = 0; k < ANNE_COST_TERM_COUNT; k++) {
        if (got[k] != want[k]) fail_msg("term %s: %g, expected %g", anne_cost_term_name((anne_cost_term)k), got[k], want[k]);
    }
}

static void test_dense_terms(void **state) {
    double t[ANNE_COST_TERM_COUNT] = {0}, want[ANNE_COST_TERM_COUNT] = {0};
    (void)state;
    anne_cost_dense_terms(t, 3, 2, ANNE_ACT_SIGMOID); /* 3 -> 2 sigmoid: 6 MACs, 2 outputs, 2 exps */
    want[ANNE_COST_OP] = 1;
    want[ANNE_COST_OP_OUTPUT] = 2;
    want[ANNE_COST_MAC_DENSE] = 6;
    want[ANNE_COST_EXP] = 2;
    assert_terms(t, want);
    anne_cost_dense_terms(t, 2, 5, ANNE_ACT_RELU); /* relu: no exp; the counts add up */
    want[ANNE_COST_OP] = 2;
    want[ANNE_COST_OP_OUTPUT] = 7;
    want[ANNE_COST_MAC_DENSE] = 16;
    assert_terms(t, want);
}

/* A graph op's arguments and the counts it must give. */
typedef struct op_case {
    const char *what;
    anne_op_kind kind;
    anne_activation act;
    uint64_t macs;
    uint32_t in_values, out_values, n_inputs, window;
    double want[ANNE_COST_TERM_COUNT];
} op_case;

static void test_op_terms(void **state) {
    static const op_case cases[] = {
        /* 128 outputs, 128 * 9 taps, 128 * 9 * 4 MACs */
        {"Conv2D 3x3 of (6, 6, 4) 'valid' -> (4, 4, 8), relu", ANNE_OP_CONV2D, ANNE_ACT_RELU, 4608, 144, 128, 1, 9,
         {[ANNE_COST_OP] = 1, [ANNE_COST_OP_OUTPUT] = 128, [ANNE_COST_MAC_CONV] = 4608, [ANNE_COST_CONV_TAP] = 1152}},
        /* an exp per output, no taps */
        {"DepthwiseConv2D 3x3 of it, tanh", ANNE_OP_DEPTHWISE_CONV2D, ANNE_ACT_TANH, 576, 144, 64, 1, 9,
         {[ANNE_COST_OP] = 1, [ANNE_COST_OP_OUTPUT] = 64, [ANNE_COST_MAC_DEPTHWISE] = 576, [ANNE_COST_EXP] = 64}},
        {"MaxPool2D 2x2 to 36 values reads 144", ANNE_OP_MAX_POOL2D, ANNE_ACT_LINEAR, 0, 144, 36, 1, 4,
         {[ANNE_COST_OP] = 1, [ANNE_COST_WINDOW] = 144}},
        {"GlobalAvgPool of 144 values reads them", ANNE_OP_GLOBAL_AVG_POOL, ANNE_ACT_LINEAR, 0, 144, 4, 1, 0,
         {[ANNE_COST_OP] = 1, [ANNE_COST_WINDOW] = 144}},
        {"Reshape: the op only", ANNE_OP_RESHAPE, ANNE_ACT_LINEAR, 0, 144, 144, 1, 0, {[ANNE_COST_OP] = 1}},
        /* every input value read, an exp per output */
        {"Add of three inputs, softmax", ANNE_OP_ADD, ANNE_ACT_SOFTMAX, 0, 10, 10, 3, 0,
         {[ANNE_COST_OP] = 1, [ANNE_COST_WINDOW] = 30, [ANNE_COST_EXP] = 10}},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const op_case *c = &cases[i];
        double t[ANNE_COST_TERM_COUNT] = {0};
        print_message("%s\n", c->what);
        anne_cost_op_terms(t, c->kind, c->act, c->macs, c->in_values, c->out_values, c->n_inputs, c->window);
        assert_terms(t, c->want);
    }
}

/* cycles = sum of coefficient * count over the fitted terms, and no analogy flagged. */
static void test_cycles_are_the_dot_product(void **state) {
    int core, dtype, k;
    (void)state;
    for (core = 0; core < ANNE_CORE_COUNT; core++) {
        for (dtype = 0; dtype < ANNE_DTYPE_COUNT; dtype++) {
            const anne_cost_table *tab = &anne_cost_fit[core][dtype];
            double t[ANNE_COST_TERM_COUNT];
            long double want = 0.0L;
            int analogy = 0;
            double got;
            for (k = 0; k < ANNE_COST_TERM_COUNT; k++) {
                t[k] = tab->coef[k] >= 0.0 ? (double)(k * 37 + 11) : 0.0;
                want += (long double)tab->coef[k] * (tab->coef[k] >= 0.0 ? t[k] : 0.0);
            }
            got = anne_cost_cycles((anne_core)core, (anne_dtype)dtype, t, &analogy);
            assert_true(analogy == 0);
            if ((long double)got - want > 1e-9L * want || want - (long double)got > 1e-9L * want) {
                fail_msg("core %d format %d: %.17g cycles, expected %.17Lg", core, dtype, got, want);
            }
        }
    }
}

/* A term a format has no fit for: float32's coefficient times the format's Dense-MAC ratio. */
static void test_analogy(void **state) {
    int core, dtype, k, seen = 0;
    (void)state;
    for (core = 0; core < ANNE_CORE_COUNT; core++) {
        const anne_cost_table *f32 = &anne_cost_fit[core][ANNE_DTYPE_F32];
        for (dtype = 1; dtype < ANNE_DTYPE_COUNT; dtype++) {
            const anne_cost_table *tab = &anne_cost_fit[core][dtype];
            for (k = 0; k < ANNE_COST_TERM_COUNT; k++) {
                double t[ANNE_COST_TERM_COUNT] = {0}, want, got;
                int analogy = 0;
                if (tab->coef[k] >= 0.0 || f32->coef[k] < 0.0) continue;
                t[k] = 1000.0;
                want = 1000.0 * f32->coef[k] * (tab->coef[ANNE_COST_MAC_DENSE] / f32->coef[ANNE_COST_MAC_DENSE]);
                got = anne_cost_cycles((anne_core)core, (anne_dtype)dtype, t, &analogy);
                assert_true(analogy == 1);
                if (got - want > 1e-9 * want || want - got > 1e-9 * want) {
                    fail_msg("core %d format %d term %s: %.17g, expected %.17g", core, dtype,
                             anne_cost_term_name((anne_cost_term)k), got, want);
                }
                seen++;
            }
        }
    }
    assert_true(seen > 0); /* the bench measures convolutions in float32 only (so far) */
}

/* Every core and format fitted: the terms every model has, records, an error claim in range. */
static void test_table_fitted(void **state) {
    int core, dtype;
    (void)state;
    for (core = 0; core < ANNE_CORE_COUNT; core++) {
        for (dtype = 0; dtype < ANNE_DTYPE_COUNT; dtype++) {
            const anne_cost_table *tab = &anne_cost_fit[core][dtype];
            assert_true(tab->records >= 4);
            assert_true(tab->max_error_pct > 0.0 && tab->max_error_pct < 50.0);
            assert_true(tab->coef[ANNE_COST_INFERENCE] >= 0.0 && tab->coef[ANNE_COST_OP] >= 0.0);
            assert_true(tab->coef[ANNE_COST_MAC_DENSE] > 0.0);
            assert_true(tab->stack_bytes > 0 && tab->stack_bytes < 1024 && tab->code_bytes > 0);
        }
        assert_true(anne_cost_fit[core][ANNE_DTYPE_F32].graph_code_bytes > 0);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_names),
        cmocka_unit_test(test_dense_terms),
        cmocka_unit_test(test_op_terms),
        cmocka_unit_test(test_cycles_are_the_dot_product),
        cmocka_unit_test(test_analogy),
        cmocka_unit_test(test_table_fitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

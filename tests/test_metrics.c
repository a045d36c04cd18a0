/* Streaming metrics on hand-computed cases: the paper's binary confusion matrix, a multi-class case
 * with a class that never occurs and one that is only predicted (sklearn's rules), log loss with
 * clipping, the output-to-class rule, and the error paths. The arithmetic is in the comments. */
#include <math.h>
#include <string.h>

#include "test_support.h"

/* cmocka's assert_float_equal compares in float; these are doubles, compared to 1e-12. */
#define assert_near(got, want) assert_near_((got), (want), #got, __LINE__)
static void assert_near_(double got, double want, const char *what, int line) {
    if (!(fabs(got - want) <= 1e-12)) fail_msg("line %d: %s = %.17g, expected %.17g", line, what, got, want);
}

/* Feeds `count` samples of (truth, predicted). */
static void feed(anne_metrics *m, uint16_t truth, uint16_t predicted, int count) {
    int i;
    for (i = 0; i < count; i++) assert_int_equal(anne_metrics_update(m, truth, predicted), ANNE_OK);
}

static void expect_class(const anne_class_metrics *k, double p, double r, double f1, uint32_t support) {
    assert_near(k->precision, p);
    assert_near(k->recall, r);
    assert_near(k->f1, f1);
    assert_int_equal(k->support, support);
}

/* The paper's IRIS result: confusion [[8, 2], [0, 10]] (rows = truth, columns = predicted).
 *   accuracy = (8 + 10) / 20 = 0.9
 *   class 0: tp 8, predicted 8 + 0 = 8, support 8 + 2 = 10 -> precision 8/8 = 1, recall 8/10 = 0.8,
 *            F1 = 2 * 1 * 0.8 / 1.8 = 8/9
 *   class 1: tp 10, predicted 2 + 10 = 12, support 10 -> precision 10/12, recall 1,
 *            F1 = 2 * (5/6) * 1 / (11/6) = 10/11
 *   macro:    precision (1 + 10/12) / 2 = 11/12, recall (0.8 + 1) / 2 = 0.9,
 *             F1 (8/9 + 10/11) / 2 = (88 + 90) / 198 = 89/99
 *   weighted: supports are equal (10, 10), so the same as macro; support 20 */
static void test_binary_paper(void **state) {
    uint32_t conf[4];
    anne_metrics m;
    anne_class_metrics k;
    (void)state;
    memset(conf, 0xFF, sizeof conf);
    assert_int_equal(anne_metrics_init(&m, 2, conf, 4), ANNE_OK);
    assert_int_equal(conf[0] | conf[1] | conf[2] | conf[3], 0); /* init zeroes the caller's counters */
    feed(&m, 0, 0, 8);
    feed(&m, 0, 1, 2);
    feed(&m, 1, 1, 10);
    assert_int_equal(m.n, 20);
    assert_int_equal(conf[0], 8), assert_int_equal(conf[1], 2);
    assert_int_equal(conf[2], 0), assert_int_equal(conf[3], 10);
    assert_near(anne_metrics_accuracy(&m), 0.9);

    assert_int_equal(anne_metrics_class(&m, 0, &k), ANNE_OK);
    expect_class(&k, 1.0, 0.8, 8.0 / 9.0, 10);
    assert_int_equal(anne_metrics_class(&m, 1, &k), ANNE_OK);
    expect_class(&k, 10.0 / 12.0, 1.0, 10.0 / 11.0, 10);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_MACRO, &k), ANNE_OK);
    expect_class(&k, 11.0 / 12.0, 0.9, 89.0 / 99.0, 20);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_WEIGHTED, &k), ANNE_OK);
    expect_class(&k, 11.0 / 12.0, 0.9, 89.0 / 99.0, 20);
}

/* The 6-neuron network with ReLU everywhere, as in the paper: [[9, 1], [0, 10]].
 *   accuracy 19/20 = 0.95; class 1 precision 10/11, recall 1, F1 = 2 (10/11) / (21/11) = 20/21
 *   class 0 precision 9/9 = 1, recall 9/10, F1 = 1.8 / 1.9 = 18/19 */
static void test_binary_relu_everywhere(void **state) {
    uint32_t conf[4];
    anne_metrics m;
    anne_class_metrics k;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 2, conf, 4), ANNE_OK);
    feed(&m, 0, 0, 9);
    feed(&m, 0, 1, 1);
    feed(&m, 1, 1, 10);
    assert_near(anne_metrics_accuracy(&m), 0.95);
    assert_int_equal(anne_metrics_class(&m, 1, &k), ANNE_OK);
    expect_class(&k, 10.0 / 11.0, 1.0, 20.0 / 21.0, 10);
    assert_int_equal(anne_metrics_class(&m, 0, &k), ANNE_OK);
    expect_class(&k, 1.0, 0.9, 18.0 / 19.0, 10);
}

/* Four classes: class 2 never occurs (neither truth nor prediction), class 3 is only predicted.
 *   confusion   pred 0  1  2  3
 *   truth 0          3  1  0  1     support 5
 *   truth 1          2  4  0  0     support 6
 *   truth 2          0  0  0  0     support 0
 *   truth 3          0  0  0  0     support 0
 *   accuracy = (3 + 4) / 11 = 7/11
 *   class 0: tp 3, predicted 3 + 2 = 5 -> P 3/5, R 3/5, F1 3/5
 *   class 1: tp 4, predicted 1 + 4 = 5 -> P 4/5, R 4/6 = 2/3, F1 = 2 (4/5)(2/3) / (22/15) = 8/11
 *   class 2: nothing at all -> P = R = F1 = 0 (zero_division = 0), and no NaN
 *   class 3: tp 0, predicted 1, support 0 -> P 0/1 = 0, R 0 (undefined: 0), F1 0
 *   macro over the classes that occur as truth or prediction, {0, 1, 3}, as sklearn:
 *     P (3/5 + 4/5 + 0) / 3 = 7/15, R (3/5 + 2/3 + 0) / 3 = 19/45, F1 (3/5 + 8/11 + 0) / 3 = 73/165
 *   weighted by support (5, 6, 0):
 *     P (5 * 3/5 + 6 * 4/5) / 11 = (39/5) / 11 = 39/55
 *     R (5 * 3/5 + 6 * 2/3) / 11 = 7/11 (weighted recall is always the accuracy)
 *     F1 (5 * 3/5 + 6 * 8/11) / 11 = (81/11) / 11 = 81/121 */
static void test_multiclass_absent_classes(void **state) {
    uint32_t conf[16];
    anne_metrics m;
    anne_class_metrics k;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 4, conf, 16), ANNE_OK);
    feed(&m, 0, 0, 3);
    feed(&m, 0, 1, 1);
    feed(&m, 0, 3, 1);
    feed(&m, 1, 1, 4);
    feed(&m, 1, 0, 2);
    assert_near(anne_metrics_accuracy(&m), 7.0 / 11.0);
    assert_int_equal(anne_metrics_class(&m, 0, &k), ANNE_OK);
    expect_class(&k, 0.6, 0.6, 0.6, 5);
    assert_int_equal(anne_metrics_class(&m, 1, &k), ANNE_OK);
    expect_class(&k, 0.8, 2.0 / 3.0, 8.0 / 11.0, 6);
    assert_int_equal(anne_metrics_class(&m, 2, &k), ANNE_OK);
    expect_class(&k, 0.0, 0.0, 0.0, 0);
    assert_int_equal(anne_metrics_class(&m, 3, &k), ANNE_OK);
    expect_class(&k, 0.0, 0.0, 0.0, 0);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_MACRO, &k), ANNE_OK);
    expect_class(&k, 7.0 / 15.0, 19.0 / 45.0, 73.0 / 165.0, 11);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_WEIGHTED, &k), ANNE_OK);
    expect_class(&k, 39.0 / 55.0, 7.0 / 11.0, 81.0 / 121.0, 11);
}

/* No samples: every score is 0, never 0/0. */
static void test_empty(void **state) {
    uint32_t conf[9];
    anne_metrics m;
    anne_class_metrics k;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 3, conf, 9), ANNE_OK);
    assert_true(anne_metrics_accuracy(&m) == 0.0);
    assert_true(anne_metrics_log_loss(&m) == 0.0);
    assert_int_equal(anne_metrics_class(&m, 1, &k), ANNE_OK);
    expect_class(&k, 0, 0, 0, 0);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_MACRO, &k), ANNE_OK);
    expect_class(&k, 0, 0, 0, 0);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_WEIGHTED, &k), ANNE_OK);
    expect_class(&k, 0, 0, 0, 0);
}

/* Log loss of a one-output (sigmoid) model; p is the probability given to the true class:
 *   truth 1, out 0.75 -> p 0.75  -> -ln 0.75      = 0.2876820724517809
 *   truth 0, out 0.25 -> p 0.75  -> -ln 0.75      = 0.2876820724517809
 *   truth 1, out 0.5  -> p 0.5   -> ln 2          = 0.6931471805599453
 *   truth 1, out 1    -> p 1, clipped to 1 - 1e-15 -> 9.992007221626415e-16
 *   truth 1, out 0    -> p 0, clipped to 1e-15     -> -ln 1e-15 = 34.538776394910684
 *   truth 0, out 0    -> p 1, clipped              -> 9.992007221626415e-16
 *   mean = 35.80728772037419 / 6 = 5.967881286729032
 * Classes (threshold 0.5, strictly above): 1, 0, 0 (0.5 is not > 0.5), 1, 0, 0. */
static void test_log_loss_binary(void **state) {
    static const float out[6] = {0.75f, 0.25f, 0.5f, 1.0f, 0.0f, 0.0f};
    static const uint16_t truth[6] = {1, 0, 1, 1, 1, 0}, expected_class[6] = {1, 0, 0, 1, 0, 0};
    uint32_t conf[4];
    anne_metrics m;
    int i;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 2, conf, 4), ANNE_OK);
    for (i = 0; i < 6; i++) {
        uint16_t cls = 99;
        assert_int_equal(anne_metrics_update_output(&m, truth[i], &out[i], 1, 0.5f, &cls), ANNE_OK);
        assert_int_equal(cls, expected_class[i]);
    }
    assert_int_equal(m.n, 6);
    assert_int_equal(m.n_log_loss, 6);
    assert_near(anne_metrics_log_loss(&m), 5.967881286729032);
    /* confusion: truth 0 -> 0 twice; truth 1 -> 1 twice, -> 0 twice: accuracy 4/6 */
    assert_near(anne_metrics_accuracy(&m), 4.0 / 6.0);
    assert_int_equal(conf[0], 2), assert_int_equal(conf[2], 2), assert_int_equal(conf[3], 2);
    /* predicted may be NULL */
    assert_int_equal(anne_metrics_update_output(&m, 0, &out[1], 1, 0.5f, NULL), ANNE_OK);
}

/* Log loss of a three-output (softmax) model:
 *   [0.5, 0.25, 0.25], truth 0 -> -ln 0.5 = 0.6931471805599453; class 0
 *   [0, 0, 1],         truth 2 -> p 1 clipped: 9.992007221626415e-16; class 2
 *   [0, 1, 0],         truth 0 -> p 0 clipped: 34.538776394910684; class 1
 *   mean = 35.23192357547063 / 3 = 11.743974525156878
 * A NaN output is counted in the confusion matrix but not in the log loss. */
static void test_log_loss_multiclass(void **state) {
    static const float out[3][3] = {{0.5f, 0.25f, 0.25f}, {0, 0, 1}, {0, 1, 0}};
    static const uint16_t truth[3] = {0, 2, 0}, expected_class[3] = {0, 2, 1};
    float nan_out[3] = {NAN, NAN, NAN};
    uint32_t conf[9];
    anne_metrics m;
    uint16_t cls;
    int i;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 3, conf, 9), ANNE_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(anne_metrics_update_output(&m, truth[i], out[i], 3, 0.5f, &cls), ANNE_OK);
        assert_int_equal(cls, expected_class[i]);
    }
    assert_near(anne_metrics_log_loss(&m), 11.743974525156878);
    assert_int_equal(anne_metrics_update_output(&m, 1, nan_out, 3, 0.5f, &cls), ANNE_OK);
    assert_int_equal(m.n, 4);
    assert_int_equal(m.n_log_loss, 3);
    assert_near(anne_metrics_log_loss(&m), 11.743974525156878);
}

/* One output: class 1 only when strictly above the threshold. More outputs: argmax, first max wins. */
static void test_output_class(void **state) {
    const float half = 0.5f, above = 0.50000006f, below = 0.49999997f, zero = 0.0f;
    const float tie2[3] = {0.2f, 0.4f, 0.4f}, tie3[3] = {0.3f, 0.3f, 0.3f}, last[4] = {-1, -2, -3, 5};
    const float neg[2] = {-5.0f, -4.0f};
    (void)state;
    assert_int_equal(anne_output_class(&half, 1, 0.5f), 0);
    assert_int_equal(anne_output_class(&above, 1, 0.5f), 1);
    assert_int_equal(anne_output_class(&below, 1, 0.5f), 0);
    assert_int_equal(anne_output_class(&half, 1, 0.3f), 1);
    assert_int_equal(anne_output_class(&zero, 1, 0.0f), 0);
    assert_int_equal(anne_output_class(tie2, 3, 0.5f), 1);
    assert_int_equal(anne_output_class(tie3, 3, 0.5f), 0);
    assert_int_equal(anne_output_class(last, 4, 0.5f), 3);
    assert_int_equal(anne_output_class(neg, 2, 0.5f), 1); /* the threshold plays no part in argmax */
    assert_int_equal(anne_output_class(NULL, 3, 0.5f), 0);
    assert_int_equal(anne_output_class(tie2, 0, 0.5f), 0);
}

static void test_errors(void **state) {
    uint32_t conf[9];
    anne_metrics m;
    anne_class_metrics k;
    const float out3[3] = {0.1f, 0.2f, 0.7f}, out1 = 0.9f;
    (void)state;
    assert_int_equal(anne_metrics_init(&m, 3, conf, 8), ANNE_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(anne_metrics_init(&m, 1, conf, 9), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_init(&m, 0, conf, 9), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_init(&m, ANNE_MAX_CLASSES + 1, conf, 9), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_init(NULL, 3, conf, 9), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_metrics_init(&m, 3, NULL, 9), ANNE_ERR_NULL_ARG);

    assert_int_equal(anne_metrics_init(&m, 3, conf, 9), ANNE_OK);
    assert_int_equal(anne_metrics_update(&m, 3, 0), ANNE_ERR_BAD_ARG);      /* truth out of range */
    assert_int_equal(anne_metrics_update(&m, 0, 3), ANNE_ERR_BAD_ARG);      /* prediction out of range */
    assert_int_equal(anne_metrics_update(NULL, 0, 0), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_metrics_update_output(&m, 3, out3, 3, 0.5f, NULL), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_update_output(&m, 0, out3, 2, 0.5f, NULL), ANNE_ERR_BAD_ARG); /* 2 of 3 */
    assert_int_equal(anne_metrics_update_output(&m, 0, &out1, 1, 0.5f, NULL), ANNE_ERR_BAD_ARG); /* sigmoid, 3 */
    assert_int_equal(anne_metrics_update_output(&m, 0, out3, 0, 0.5f, NULL), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_update_output(&m, 0, NULL, 3, 0.5f, NULL), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_metrics_update_output(NULL, 0, out3, 3, 0.5f, NULL), ANNE_ERR_NULL_ARG);
    /* refused samples leave no trace */
    assert_int_equal(m.n, 0);
    assert_int_equal(m.n_log_loss, 0);
    assert_true(m.log_loss_sum == 0.0);

    assert_int_equal(anne_metrics_class(&m, 3, &k), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_class(&m, 0, NULL), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_metrics_class(NULL, 0, &k), ANNE_ERR_NULL_ARG);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_COUNT, &k), ANNE_ERR_BAD_ARG);
    assert_int_equal(anne_metrics_average(&m, ANNE_AVERAGE_MACRO, NULL), ANNE_ERR_NULL_ARG);
    assert_true(anne_metrics_accuracy(NULL) == 0.0);
    assert_true(anne_metrics_log_loss(NULL) == 0.0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_paper),
        cmocka_unit_test(test_binary_relu_everywhere),
        cmocka_unit_test(test_multiclass_absent_classes),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_log_loss_binary),
        cmocka_unit_test(test_log_loss_multiclass),
        cmocka_unit_test(test_output_class),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

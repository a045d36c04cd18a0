/* Optimizers against their Keras (and TF.js) update rules written out in double precision, over a
 * few steps with changing gradients, a learning rate that changes between steps, and Adam's two
 * epsilon placements. */
#include <math.h>
#include <string.h>

#include "anne_train.h"
#include "test_support.h"

#define N 4
#define STEPS 5

static const float grads[STEPS][N] = {
    {0.5f, -1.0f, 0.0f, 2.0f},    {0.25f, -0.5f, 1e-8f, 1.5f}, {-0.75f, 0.1f, -2e-8f, 1.0f},
    {0.3f, 0.3f, 0.0f, -0.2f},    {0.05f, -0.4f, 3e-8f, 0.6f},
};
static const float lrs[STEPS] = {0.1f, 0.1f, 0.05f, 0.2f, 0.01f};

static void check(const float *got, const double *want, const char *what, int step) {
    int i;
    for (i = 0; i < N; i++) {
        double tol = 1e-6 * (fabs(want[i]) > 1 ? fabs(want[i]) : 1);
        if (!(fabs(got[i] - want[i]) < tol)) {
            fail_msg("%s step %d param %d: got %.9g, Keras' rule gives %.9g", what, step, i, got[i], want[i]);
        }
    }
}

/* Runs STEPS updates through anne_optimizer_update_f32 with grad_scale 0.5 (a batch of 2: the
 * gradients given are sums) and compares each step with the rule in double. */
static void run(anne_optimizer_kind kind, anne_adam_form form) {
    anne_optimizer opt;
    float p[N] = {1.0f, -0.5f, 0.25f, 2.0f}, m[N] = {0}, v[N] = {0}, b1p = 1, b2p = 1;
    double pd[N], md[N] = {0}, vd[N] = {0};
    int s, i;
    anne_optimizer_defaults(&opt, kind);
    opt.adam_form = form;
    for (i = 0; i < N; i++) pd[i] = p[i];
    for (s = 0; s < STEPS; s++) {
        double lr = lrs[s], mom = opt.momentum, b1 = opt.beta1, b2 = opt.beta2, eps = opt.epsilon;
        opt.lr = lrs[s];
        b1p *= opt.beta1;
        b2p *= opt.beta2;
        anne_optimizer_update_f32(p, kind == ANNE_OPTIMIZER_SGD ? NULL : m, kind == ANNE_OPTIMIZER_ADAM ? v : NULL,
                                  grads[s], N, 0.5f, &opt, b1p, b2p);
        for (i = 0; i < N; i++) {
            double g = 0.5 * grads[s][i];
            switch (kind) {
            case ANNE_OPTIMIZER_SGD: pd[i] -= lr * g; break;
            case ANNE_OPTIMIZER_MOMENTUM:
                md[i] = mom * md[i] - lr * g;
                pd[i] += md[i];
                break;
            case ANNE_OPTIMIZER_NESTEROV:
                md[i] = mom * md[i] - lr * g;
                pd[i] += mom * md[i] - lr * g;
                break;
            default: {
                double t = s + 1, c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t);
                md[i] = b1 * md[i] + (1 - b1) * g;
                vd[i] = b2 * vd[i] + (1 - b2) * g * g;
                if (form == ANNE_ADAM_KERAS) pd[i] -= lr * sqrt(c2) / c1 * md[i] / (sqrt(vd[i]) + eps);
                else pd[i] -= lr * (md[i] / c1) / (sqrt(vd[i] / c2) + eps);
                break;
            }
            }
        }
        check(p, pd, kind == ANNE_OPTIMIZER_ADAM ? (form == ANNE_ADAM_KERAS ? "adam" : "adam (tfjs)")
                     : kind == ANNE_OPTIMIZER_SGD ? "sgd" : kind == ANNE_OPTIMIZER_MOMENTUM ? "momentum" : "nesterov",
              s + 1);
    }
}

static void test_sgd(void **state) {
    (void)state;
    run(ANNE_OPTIMIZER_SGD, ANNE_ADAM_KERAS);
}
static void test_momentum(void **state) {
    (void)state;
    run(ANNE_OPTIMIZER_MOMENTUM, ANNE_ADAM_KERAS);
}
static void test_nesterov(void **state) {
    (void)state;
    run(ANNE_OPTIMIZER_NESTEROV, ANNE_ADAM_KERAS);
}
static void test_adam_keras(void **state) {
    (void)state;
    run(ANNE_OPTIMIZER_ADAM, ANNE_ADAM_KERAS);
}
static void test_adam_tfjs(void **state) {
    (void)state;
    run(ANNE_OPTIMIZER_ADAM, ANNE_ADAM_TFJS);
}

/* The two Adam forms really differ where the gradient is tiny (parameter 2 above): one step with
 * g = 1e-8 moves Keras' form by about 0.0032 lr and TF.js' form by about 0.091 lr. */
static void test_adam_forms_differ_for_tiny_gradients(void **state) {
    anne_optimizer opt;
    float pk = 0, pt = 0, mk = 0, vk = 0, mt = 0, vt = 0, g = 1e-8f;
    (void)state;
    anne_optimizer_defaults(&opt, ANNE_OPTIMIZER_ADAM);
    opt.lr = 1.0f;
    anne_optimizer_update_f32(&pk, &mk, &vk, &g, 1, 1.0f, &opt, 0.9f, 0.999f);
    opt.adam_form = ANNE_ADAM_TFJS;
    anne_optimizer_update_f32(&pt, &mt, &vt, &g, 1, 1.0f, &opt, 0.9f, 0.999f);
    assert_float_equal(pk, -(sqrt(0.001) / 0.1) * 1e-9 / (sqrt(1e-19) + 1e-7), 1e-6);
    assert_float_equal(pt, -1e-8 / (1e-8 + 1e-7), 1e-6);
}

static void test_keras_defaults(void **state) {
    anne_optimizer o;
    (void)state;
    anne_optimizer_defaults(&o, ANNE_OPTIMIZER_ADAM);
    assert_true(o.lr == 0.001f && o.beta1 == 0.9f && o.beta2 == 0.999f && o.epsilon == 1e-7f);
    anne_optimizer_defaults(&o, ANNE_OPTIMIZER_SGD);
    assert_true(o.lr == 0.01f && o.momentum == 0.0f);
    anne_optimizer_defaults(&o, ANNE_OPTIMIZER_NESTEROV);
    assert_true(o.lr == 0.01f && o.momentum == 0.9f);
    assert_int_equal(anne_optimizer_moments(ANNE_OPTIMIZER_SGD), 0);
    assert_int_equal(anne_optimizer_moments(ANNE_OPTIMIZER_MOMENTUM), 1);
    assert_int_equal(anne_optimizer_moments(ANNE_OPTIMIZER_ADAM), 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd),
        cmocka_unit_test(test_momentum),
        cmocka_unit_test(test_nesterov),
        cmocka_unit_test(test_adam_keras),
        cmocka_unit_test(test_adam_tfjs),
        cmocka_unit_test(test_adam_forms_differ_for_tiny_gradients),
        cmocka_unit_test(test_keras_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

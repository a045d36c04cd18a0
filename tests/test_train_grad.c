/* Backpropagation against central finite differences computed in double precision: every
 * activation, every loss with the output activations it meets, the dense layer, and whole small
 * networks through the trainer. The double forward pass below is written independently of the
 * runtime's float code. Relative error must be below 1e-4. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "test_support.h"

#define REL_TOL 1e-4
#define FD_H 1e-6

/* |a - b| relative to the larger magnitude; values both below 1e-7 count as equal (float noise). */
static void check_close(double got, double want, const char *what, int index) {
    double scale = fabs(got) > fabs(want) ? fabs(got) : fabs(want);
    double err = scale < 1e-7 ? 0.0 : fabs(got - want) / scale;
    if (!(err < REL_TOL)) {
        fail_msg("%s [%d]: backprop %.9g, finite difference %.9g, relative error %.3g", what, index, got, want, err);
    }
}

/* ---- the reference: activations and losses in double, from their textbook definitions ---- */
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static double ref_act(anne_activation act, const float p[3], double x) {
    switch (act) {
    case ANNE_ACT_LINEAR: return x;
    case ANNE_ACT_RELU: {
        double y = x > p[2] ? x : 0.0;
        if (isfinite(p[1])) y = y < 0 ? 0 : (y > p[1] ? p[1] : y);
        if (p[0] != 0 && x < p[2]) y -= p[0] * (p[2] - x);
        return y;
    }
    case ANNE_ACT_LEAKY_RELU: return x > 0 ? x : p[0] * x;
    case ANNE_ACT_SIGMOID: return ref_sigmoid(x);
    case ANNE_ACT_TANH: return tanh(x);
    case ANNE_ACT_ELU: return x > 0 ? x : p[0] * (exp(x) - 1.0);
    case ANNE_ACT_SELU: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (exp(x) - 1.0));
    case ANNE_ACT_SOFTPLUS: return log(1.0 + exp(x));
    case ANNE_ACT_SOFTSIGN: return x / (1.0 + fabs(x));
    case ANNE_ACT_HARD_SIGMOID: return fmin(1.0, fmax(0.0, 0.2 * x + 0.5));
    case ANNE_ACT_HARD_SIGMOID_K3: return fmin(6.0, fmax(0.0, x + 3.0)) / 6.0;
    case ANNE_ACT_SWISH: return x * ref_sigmoid(x);
    case ANNE_ACT_HARD_SWISH: return x * fmin(6.0, fmax(0.0, x + 3.0)) / 6.0;
    case ANNE_ACT_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    case ANNE_ACT_GELU_TANH: return 0.5 * x * (1.0 + tanh(sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
    case ANNE_ACT_EXPONENTIAL: return exp(x);
    case ANNE_ACT_THRESHOLDED_RELU: return x > p[0] ? x : 0.0;
    default: break;
    }
    fail_msg("no reference for activation %d", (int)act);
    return 0;
}

static void ref_act_vec(double *y, const double *x, int n, anne_activation act, const float p[3]) {
    int i;
    if (act == ANNE_ACT_SOFTMAX) {
        double m = x[0], s = 0;
        for (i = 1; i < n; i++) m = fmax(m, x[i]);
        for (i = 0; i < n; i++) s += exp(x[i] - m);
        for (i = 0; i < n; i++) y[i] = exp(x[i] - m) / s;
        return;
    }
    for (i = 0; i < n; i++) y[i] = ref_act(act, p, x[i]);
}

static double clipd(double p) {
    double eps = (double)ANNE_LOSS_EPSILON;
    return p < eps ? eps : (p > 1 - eps ? 1 - eps : p);
}

/* Keras' loss of one sample on the outputs y (n) of activation act (from the logits z where Keras
 * does so: sigmoid + BCE, softmax + CCE). */
static double ref_loss(anne_loss kind, anne_activation act, const double *z, const double *y, const double *t, int n) {
    double s = 0;
    int i;
    switch (kind) {
    case ANNE_LOSS_BINARY_CROSSENTROPY:
        for (i = 0; i < n; i++) {
            if (act == ANNE_ACT_SIGMOID) {
                s += fmax(z[i], 0) - z[i] * t[i] + log1p(exp(-fabs(z[i])));
            } else {
                double p = clipd(y[i]);
                s -= t[i] * log(p) + (1 - t[i]) * log(1 - p);
            }
        }
        return s / n;
    case ANNE_LOSS_CATEGORICAL_CROSSENTROPY: {
        if (act == ANNE_ACT_SOFTMAX) {
            double m = z[0], se = 0;
            for (i = 1; i < n; i++) m = fmax(m, z[i]);
            for (i = 0; i < n; i++) se += exp(z[i] - m);
            for (i = 0; i < n; i++) s += t[i] * (m + log(se) - z[i]);
            return s;
        }
        double sum = 0;
        for (i = 0; i < n; i++) sum += y[i];
        for (i = 0; i < n; i++) s -= t[i] * log(clipd(y[i] / sum));
        return s;
    }
    case ANNE_LOSS_MSE:
        for (i = 0; i < n; i++) s += (y[i] - t[i]) * (y[i] - t[i]);
        return s / n;
    default: break;
    }
    fail_msg("no reference for loss %d", (int)kind);
    return 0;
}

/* ---- activations ---- */
typedef struct act_case {
    anne_activation act;
    float param[3];
} act_case;

static const act_case act_cases[] = {
    {ANNE_ACT_LINEAR, {0, 0, 0}},
    {ANNE_ACT_RELU, {0, INFINITY, 0}},
    {ANNE_ACT_RELU, {0.1f, 6.0f, 0.5f}}, /* leaky, clipped, shifted: every branch of Keras' relu */
    {ANNE_ACT_RELU, {0.0f, 2.0f, -1.0f}},
    {ANNE_ACT_LEAKY_RELU, {0.01f, 0, 0}},
    {ANNE_ACT_LEAKY_RELU, {0.3f, 0, 0}},
    {ANNE_ACT_SIGMOID, {0, 0, 0}},
    {ANNE_ACT_TANH, {0, 0, 0}},
    {ANNE_ACT_ELU, {1.0f, 0, 0}},
    {ANNE_ACT_ELU, {0.5f, 0, 0}},
    {ANNE_ACT_SELU, {0, 0, 0}},
    {ANNE_ACT_SOFTPLUS, {0, 0, 0}},
    {ANNE_ACT_SOFTSIGN, {0, 0, 0}},
    {ANNE_ACT_HARD_SIGMOID, {0, 0, 0}},
    {ANNE_ACT_HARD_SIGMOID_K3, {0, 0, 0}},
    {ANNE_ACT_SWISH, {0, 0, 0}},
    {ANNE_ACT_HARD_SWISH, {0, 0, 0}},
    {ANNE_ACT_GELU, {0, 0, 0}},
    {ANNE_ACT_GELU_TANH, {0, 0, 0}},
    {ANNE_ACT_EXPONENTIAL, {0, 0, 0}},
    {ANNE_ACT_THRESHOLDED_RELU, {1.0f, 0, 0}},
};

/* Points away from every kink (0, +-2.5, +-3, 0.5, -1, 1, 2, 6), over the range where activations bend. */
static const float xs[] = {-4.3f, -2.7f, -1.7f, -1.3f, -0.77f, -0.4f, -0.13f, 0.07f, 0.33f, 0.71f, 1.2f, 1.6f, 2.3f, 2.8f, 3.4f, 6.6f};
#define NX ((int)(sizeof xs / sizeof xs[0]))

static void test_every_elementwise_activation_matches_finite_differences(void **state) {
    size_t c;
    (void)state;
    for (c = 0; c < sizeof act_cases / sizeof act_cases[0]; c++) {
        const act_case *ac = &act_cases[c];
        float x[NX], y[NX], dy[NX], dx[NX];
        int i;
        for (i = 0; i < NX; i++) {
            x[i] = y[i] = xs[i];
            dy[i] = 0.5f + 0.1f * (float)i; /* a non-trivial upstream gradient */
        }
        anne_activation_forward_f32(y, NX, ac->act, ac->param);
        anne_activation_backward_f32(dx, dy, x, y, NX, ac->act, ac->param);
        for (i = 0; i < NX; i++) {
            double fd = (ref_act(ac->act, ac->param, (double)x[i] + FD_H) - ref_act(ac->act, ac->param, (double)x[i] - FD_H)) /
                        (2 * FD_H);
            check_close(dx[i], (double)dy[i] * fd, anne_activation_name(ac->act), i);
        }
        /* in place (dx == dy) gives the same */
        anne_activation_backward_f32(dy, dy, x, y, NX, ac->act, ac->param);
        assert_memory_equal(dx, dy, sizeof dx);
    }
}

/* Every activation of anne.h has a case above. */
static void test_every_activation_is_covered(void **state) {
    int seen[ANNE_ACT_COUNT] = {0};
    size_t c;
    int a;
    (void)state;
    for (c = 0; c < sizeof act_cases / sizeof act_cases[0]; c++) seen[act_cases[c].act] = 1;
    seen[ANNE_ACT_SOFTMAX] = 1; /* its own test below */
    seen[ANNE_ACT_PRELU] = 1;   /* per-unit alphas: tests/test_train_prelu.c */
    for (a = 0; a < ANNE_ACT_COUNT; a++) {
        if (!seen[a]) fail_msg("activation %s has no gradient test", anne_activation_name((anne_activation)a));
    }
}

static void test_softmax_jacobian_matches_finite_differences(void **state) {
    const float zero[3] = {0, 0, 0};
    float x[5] = {0.3f, -1.2f, 2.0f, 0.7f, -0.1f}, y[5], dy[5] = {0.4f, -1.0f, 0.25f, 2.0f, -0.6f}, dx[5];
    int k, i;
    (void)state;
    memcpy(y, x, sizeof y);
    anne_activation_forward_f32(y, 5, ANNE_ACT_SOFTMAX, zero);
    anne_activation_backward_f32(dx, dy, x, y, 5, ANNE_ACT_SOFTMAX, zero);
    for (k = 0; k < 5; k++) {
        double xp[5], xm[5], yp[5], ym[5], fp = 0, fm = 0;
        for (i = 0; i < 5; i++) xp[i] = xm[i] = x[i];
        xp[k] += FD_H;
        xm[k] -= FD_H;
        ref_act_vec(yp, xp, 5, ANNE_ACT_SOFTMAX, zero);
        ref_act_vec(ym, xm, 5, ANNE_ACT_SOFTMAX, zero);
        for (i = 0; i < 5; i++) {
            fp += dy[i] * yp[i];
            fm += dy[i] * ym[i];
        }
        check_close(dx[k], (fp - fm) / (2 * FD_H), "softmax", k);
    }
}

/* ---- losses: d loss(act(z)) / dz for each loss with the output activations it is used with ---- */
typedef struct loss_case {
    anne_loss loss;
    anne_activation act;
    float z[3];
    float t[3];
    uint16_t n;
} loss_case;

static const loss_case loss_cases[] = {
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SIGMOID, {0.8f}, {1}, 1},
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SIGMOID, {-2.5f}, {1}, 1},
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SIGMOID, {1.3f, -0.4f, 3.0f}, {0, 1, 1}, 3},     /* multi-label */
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SIGMOID, {0.5f, -0.5f}, {0.3f, 0.8f}, 2},        /* soft targets */
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_LINEAR, {0.35f, 0.8f}, {1, 0}, 2},               /* on probabilities */
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_HARD_SIGMOID, {0.9f, -1.1f}, {0, 1}, 2},
    {ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SOFTMAX, {0.2f, -0.3f, 1.0f}, {0, 1, 0}, 3},
    {ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SOFTMAX, {0.2f, -1.3f, 2.1f}, {0, 1, 0}, 3},
    {ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SOFTMAX, {3.0f, -1.0f}, {1, 0}, 2},
    {ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SOFTMAX, {0.5f, 0.1f, -0.4f}, {0.2f, 0.5f, 0.3f}, 3},
    {ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SIGMOID, {0.5f, -0.8f, 1.4f}, {0, 0, 1}, 3}, /* normalized */
    {ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SOFTPLUS, {0.5f, -0.8f, 1.4f}, {0, 1, 0}, 3},
    {ANNE_LOSS_MSE, ANNE_ACT_LINEAR, {0.5f, -0.8f, 1.4f}, {0.1f, 0.2f, 0.3f}, 3},
    {ANNE_LOSS_MSE, ANNE_ACT_SIGMOID, {0.5f, -0.8f}, {1, 0}, 2},
    {ANNE_LOSS_MSE, ANNE_ACT_TANH, {0.5f, -0.8f, 1.4f}, {0.9f, -0.2f, 0.0f}, 3},
    {ANNE_LOSS_MSE, ANNE_ACT_SOFTMAX, {0.5f, -0.8f, 1.4f}, {0, 1, 0}, 3},
    {ANNE_LOSS_MSE, ANNE_ACT_RELU, {0.5f, -0.8f, 1.4f}, {1, 1, 1}, 3},
};

static void test_every_loss_matches_finite_differences(void **state) {
    size_t c;
    int seen[ANNE_LOSS_COUNT] = {0}, l;
    (void)state;
    for (c = 0; c < sizeof loss_cases / sizeof loss_cases[0]; c++) {
        const loss_case *lc = &loss_cases[c];
        float param[3] = {0, INFINITY, 0}, y[3], dz[3], value;
        double zd[3], yd[3], td[3], want;
        int n = lc->n, k, i;
        if (lc->act != ANNE_ACT_RELU) param[1] = 0;
        memcpy(y, lc->z, sizeof y);
        anne_activation_forward_f32(y, (size_t)n, lc->act, param);
        assert_int_equal(anne_loss_f32(&value, dz, lc->z, y, lc->t, lc->n, lc->loss,
                                       lc->act, param),
                         ANNE_OK);
        for (i = 0; i < n; i++) {
            zd[i] = lc->z[i];
            td[i] = lc->t[i];
        }
        ref_act_vec(yd, zd, n, lc->act, param);
        want = ref_loss(lc->loss, lc->act, zd, yd, td, n);
        check_close(value, want, anne_loss_name(lc->loss), (int)c);
        for (k = 0; k < n; k++) {
            double zp[3], zm[3], yp[3], ym[3], fd;
            for (i = 0; i < n; i++) zp[i] = zm[i] = zd[i];
            zp[k] += FD_H;
            zm[k] -= FD_H;
            ref_act_vec(yp, zp, n, lc->act, param);
            ref_act_vec(ym, zm, n, lc->act, param);
            fd = (ref_loss(lc->loss, lc->act, zp, yp, td, n) - ref_loss(lc->loss, lc->act, zm, ym, td, n)) / (2 * FD_H);
            check_close(dz[k], fd, anne_loss_name(lc->loss), (int)c * 10 + k);
        }
        seen[lc->loss] = 1;
    }
    for (l = 0; l < ANNE_LOSS_COUNT; l++) assert_true(seen[l]);
}

/* Stable from logits: a confident wrong answer gives the true loss (no clip at -ln(1e-7) = 16.1)
 * and a gradient of exactly y - t, with no NaN or infinity for huge logits. */
static void test_cross_entropy_from_logits_is_stable(void **state) {
    const float param[3] = {0, 0, 0};
    float z1[1] = {-40.0f}, y1[1], t1[1] = {1}, dz1[1], loss;
    float z2[3] = {90.0f, -90.0f, 0.0f}, y2[3], t2[3] = {0, 1, 0}, dz2[3];
    (void)state;
    memcpy(y1, z1, sizeof y1);
    anne_activation_forward_f32(y1, 1, ANNE_ACT_SIGMOID, param);
    assert_int_equal(anne_loss_f32(&loss, dz1, z1, y1, t1, 1, ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_SIGMOID, param),
                     ANNE_OK);
    assert_float_equal(loss, 40.0f, 1e-5f);
    assert_float_equal(dz1[0], -1.0f, 1e-6f);
    memcpy(y2, z2, sizeof y2);
    anne_activation_forward_f32(y2, 3, ANNE_ACT_SOFTMAX, param);
    assert_int_equal(
        anne_loss_f32(&loss, dz2, z2, y2, t2, 3, ANNE_LOSS_CATEGORICAL_CROSSENTROPY, ANNE_ACT_SOFTMAX, param), ANNE_OK);
    assert_float_equal(loss, 180.0f, 1e-3f);
    assert_float_equal(dz2[0], 1.0f, 1e-6f);
    assert_float_equal(dz2[1], -1.0f, 1e-6f);
    assert_true(isfinite(dz2[2]));
}

/* On probabilities Keras clips to [eps, 1 - eps]: a linear output of 0 with target 1 costs -ln(1e-7)
 * and passes no gradient. */
static void test_bce_on_probabilities_clips_at_epsilon(void **state) {
    const float param[3] = {0, 0, 0};
    float z[1] = {0.0f}, t[1] = {1}, dz[1], loss;
    (void)state;
    assert_int_equal(anne_loss_f32(&loss, dz, z, z, t, 1, ANNE_LOSS_BINARY_CROSSENTROPY, ANNE_ACT_LINEAR, param),
                     ANNE_OK);
    assert_float_equal(loss, (float)-log(1e-7), 1e-4f);
    assert_true(dz[0] == 0.0f);
}

/* ---- the dense layer: L = sum_j c_j out_j ---- */
static void test_dense_backward_matches_finite_differences(void **state) {
    enum { NI = 3, NO = 4 };
    float w[NO * NI], b[NO], x[NI] = {0.5f, -1.5f, 2.0f}, c[NO] = {1.0f, -0.5f, 0.25f, 2.0f};
    float dw[NO * NI], db[NO], dx[NI];
    int j, i;
    (void)state;
    for (i = 0; i < NO * NI; i++) w[i] = 0.1f * (float)((i * 7) % 11) - 0.5f;
    for (j = 0; j < NO; j++) b[j] = 0.05f * (float)j;
    for (i = 0; i < NO * NI; i++) dw[i] = 1.0f; /* accumulates onto what is there */
    for (j = 0; j < NO; j++) db[j] = -1.0f;
    anne_dense_backward_f32(dx, dw, db, c, x, w, NI, NO);
    for (j = 0; j < NO; j++) {
        for (i = 0; i < NI; i++) check_close(dw[j * NI + i] - 1.0f, c[j] * (double)x[i], "dense dkernel", j * NI + i);
        check_close(db[j] + 1.0f, c[j], "dense dbias", j);
    }
    for (i = 0; i < NI; i++) {
        /* finite difference of L(x) in double */
        double fp = 0, fm = 0;
        for (j = 0; j < NO; j++) {
            double ap = b[j], am = b[j];
            int k;
            for (k = 0; k < NI; k++) {
                double xv = x[k];
                ap += (double)w[j * NI + k] * (k == i ? xv + FD_H : xv);
                am += (double)w[j * NI + k] * (k == i ? xv - FD_H : xv);
            }
            fp += c[j] * ap;
            fm += c[j] * am;
        }
        check_close(dx[i], (fp - fm) / (2 * FD_H), "dense dinput", i);
    }
}

/* ---- whole networks through the trainer ---- */
typedef struct net {
    uint16_t n_inputs, n_layers;
    uint16_t units[4];
    anne_activation act[4];
    anne_loss loss;
} net;

/* The network's loss for one sample, in double, from the trainer's current float parameters with
 * parameter `p` moved by delta. */
static double ref_net_loss(const anne_trainer *t, uint32_t p, double delta, const float *input, const float *target) {
    double a[64], z[64], y[64], td[64];
    int n_prev = t->n_inputs, l, j, i;
    for (i = 0; i < t->n_inputs; i++) a[i] = input[i];
    for (l = 0; l < t->n_layers; l++) {
        const anne_layer *ly = &t->layers[l];
        const float *k = ly->kernel, *b = ly->bias;
        for (j = 0; j < ly->n_out; j++) {
            double acc = 0;
            for (i = 0; i < n_prev; i++) {
                uint32_t idx = (uint32_t)(k + j * n_prev + i - t->params);
                acc += ((double)k[j * n_prev + i] + (idx == p ? delta : 0)) * a[i];
            }
            if (b != NULL) {
                uint32_t idx = (uint32_t)(b + j - t->params);
                acc += (double)b[j] + (idx == p ? delta : 0);
            }
            z[j] = acc;
        }
        ref_act_vec(y, z, ly->n_out, ly->activation, ly->param);
        for (j = 0; j < ly->n_out; j++) a[j] = y[j];
        n_prev = ly->n_out;
    }
    for (j = 0; j < n_prev; j++) td[j] = target[j];
    return ref_loss(t->loss, t->layers[t->n_layers - 1].activation, z, y, td, n_prev);
}

static void *make_trainer(anne_trainer *t, const net *nt, uint32_t seed, anne_optimizer_kind opt) {
    anne_layer layers[4];
    anne_model_desc d;
    anne_train_config cfg;
    size_t size;
    void *arena;
    int l;
    memset(layers, 0, sizeof layers);
    memset(&d, 0, sizeof d);
    for (l = 0; l < nt->n_layers; l++) {
        layers[l].kind = ANNE_LAYER_DENSE;
        layers[l].dtype = ANNE_DTYPE_F32;
        layers[l].activation = nt->act[l];
        anne_ir_default_params(nt->act[l], layers[l].param);
        layers[l].n_in = l == 0 ? nt->n_inputs : nt->units[l - 1];
        layers[l].n_out = nt->units[l];
    }
    d.n_inputs = nt->n_inputs;
    d.n_layers = nt->n_layers;
    d.layers = layers;
    cfg.loss = nt->loss;
    anne_optimizer_defaults(&cfg.optimizer, opt);
    cfg.seed = seed;
    assert_int_equal(anne_trainer_arena_size(&d, opt, &size), ANNE_OK);
    arena = malloc(size);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(t, &d, &cfg, arena, size), ANNE_OK);
    return arena;
}

static void check_network(const net *nt, uint32_t seed) {
    anne_trainer t;
    void *arena = make_trainer(&t, nt, seed, ANNE_OPTIMIZER_SGD);
    float input[4] = {0.7f, -1.1f, 0.4f, 1.9f}, target[4] = {0, 1, 0, 0}, loss;
    uint32_t p;
    int l;
    /* biases start at 0: give them values so their gradients are tested off the trivial point */
    for (l = 0; l < t.n_layers; l++) {
        int j;
        for (j = 0; j < t.layers[l].n_out; j++) ((float *)t.layers[l].bias)[j] = 0.1f * (float)(j + 1) - 0.15f;
    }
    if (nt->loss == ANNE_LOSS_MSE) target[0] = 0.3f;
    assert_int_equal(anne_trainer_accumulate(&t, input, target, &loss, NULL), ANNE_OK);
    check_close(loss, ref_net_loss(&t, UINT32_MAX, 0, input, target), "network loss", 0);
    for (p = 0; p < t.n_params; p++) {
        double fd = (ref_net_loss(&t, p, FD_H, input, target) - ref_net_loss(&t, p, -FD_H, input, target)) / (2 * FD_H);
        check_close(t.grads[p], fd, "network parameter gradient", (int)p);
    }
    free(arena);
}

static void test_networks_match_finite_differences(void **state) {
    static const net nets[] = {
        /* the paper's 8-neuron IRIS network, BCE */
        {4, 4, {2, 3, 2, 1}, {ANNE_ACT_RELU, ANNE_ACT_SIGMOID, ANNE_ACT_RELU, ANNE_ACT_SIGMOID}, ANNE_LOSS_BINARY_CROSSENTROPY},
        {4, 3, {5, 4, 3}, {ANNE_ACT_TANH, ANNE_ACT_ELU, ANNE_ACT_SOFTMAX}, ANNE_LOSS_CATEGORICAL_CROSSENTROPY},
        {4, 3, {6, 3, 2}, {ANNE_ACT_SWISH, ANNE_ACT_GELU, ANNE_ACT_LINEAR}, ANNE_LOSS_MSE},
        {4, 2, {3, 4}, {ANNE_ACT_SOFTPLUS, ANNE_ACT_SIGMOID}, ANNE_LOSS_BINARY_CROSSENTROPY},
    };
    size_t i;
    uint32_t seed;
    (void)state;
    for (i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        for (seed = 1; seed <= 3; seed++) check_network(&nets[i], seed);
    }
}

/* Gradient accumulation: two samples summed equal the sum of each alone; a step divides by 2. */
static void test_accumulation_sums_samples(void **state) {
    static const net nt = {4, 2, {3, 2}, {ANNE_ACT_TANH, ANNE_ACT_SOFTMAX}, ANNE_LOSS_CATEGORICAL_CROSSENTROPY};
    anne_trainer t;
    void *arena = make_trainer(&t, &nt, 9, ANNE_OPTIMIZER_SGD);
    float in1[4] = {1, 2, 3, 4}, in2[4] = {-1, 0.5f, 0, 2};
    float *g1 = malloc(t.n_params * sizeof *g1), *before = malloc(t.n_params * sizeof *before);
    uint32_t p;
    (void)state;
    assert_non_null(g1);
    assert_non_null(before);
    memcpy(before, t.params, t.n_params * sizeof *before);
    assert_int_equal(anne_trainer_accumulate_class(&t, in1, 1, NULL, NULL), ANNE_OK);
    memcpy(g1, t.grads, t.n_params * sizeof *g1);
    memset(t.grads, 0, t.n_params * sizeof *t.grads);
    assert_int_equal(anne_trainer_accumulate_class(&t, in2, 0, NULL, NULL), ANNE_OK);
    for (p = 0; p < t.n_params; p++) g1[p] += t.grads[p];
    memset(t.grads, 0, t.n_params * sizeof *t.grads);
    t.n_accum = 0;
    assert_int_equal(anne_trainer_accumulate_class(&t, in1, 1, NULL, NULL), ANNE_OK);
    assert_int_equal(anne_trainer_accumulate_class(&t, in2, 0, NULL, NULL), ANNE_OK);
    for (p = 0; p < t.n_params; p++) assert_float_equal(t.grads[p], g1[p], 1e-6f);
    assert_int_equal(anne_trainer_step(&t), ANNE_OK);
    for (p = 0; p < t.n_params; p++) assert_float_equal(t.params[p], before[p] - 0.01f * g1[p] / 2, 1e-7f);
    for (p = 0; p < t.n_params; p++) assert_true(t.grads[p] == 0.0f);
    free(g1);
    free(before);
    free(arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_elementwise_activation_matches_finite_differences),
        cmocka_unit_test(test_every_activation_is_covered),
        cmocka_unit_test(test_softmax_jacobian_matches_finite_differences),
        cmocka_unit_test(test_every_loss_matches_finite_differences),
        cmocka_unit_test(test_cross_entropy_from_logits_is_stable),
        cmocka_unit_test(test_bce_on_probabilities_clips_at_epsilon),
        cmocka_unit_test(test_dense_backward_matches_finite_differences),
        cmocka_unit_test(test_networks_match_finite_differences),
        cmocka_unit_test(test_accumulation_sums_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

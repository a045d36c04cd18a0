/* Training PReLU layers (per-unit slopes alpha, trainable as in Keras): the backward kernel at hand-
 * computed points and at the kink (Keras' convention: d/dx = 0 at x == 0); the gradients of kernels,
 * biases and alphas of whole networks against central finite differences in double precision; a
 * few steps of every optimizer against a double-precision trainer written here from the formulas;
 * the exact arena size; frozen prelu layers; and the trained alphas written back into a model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/src/anne_prelu_grad.h" /* the backward kernel, runtime-private for now */
#include "anne_train.h"
#include "test_support.h"

#define REL_TOL 1e-4
#define FD_H 1e-6
#define MAXL 4
#define MAXW 8

/* |a - b| relative to the larger magnitude; values both below 1e-7 count as equal (float noise). */
static void check_close(double got, double want, double tol, const char *what, int index) {
    double scale = fabs(got) > fabs(want) ? fabs(got) : fabs(want);
    double err = scale < 1e-7 ? 0.0 : fabs(got - want) / scale;
    if (!(err < tol)) fail_msg("%s [%d]: got %.9g, expected %.9g, relative error %.3g", what, index, got, want, err);
}

/* ---- the backward kernel ---- */

/* dx = dy * (1, alpha or 0), dalpha += dy * x below 0: numbers worked out by hand, including x == 0
 * and -0.0, where Keras' relu(x) - alpha relu(-x) has derivative 0 (TF.js' prelu op would give alpha). */
static void test_prelu_backward_hand_computed(void **state) {
    const float x[6] = {2.0f, -3.0f, 0.0f, -0.5f, -0.0f, 1e-30f};
    const float alpha[6] = {0.1f, 0.25f, 0.3f, -1.5f, 0.7f, 0.9f};
    const float want_dx[6] = {1.0f, 0.5f, 0.0f, -6.0f, 0.0f, 6.0f};
    const float want_da[6] = {10.0f, 10.0f - 6.0f, 10.0f, 10.0f - 2.0f, 10.0f, 10.0f};
    float dy[6] = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}, dx[6], da[6];
    int i;
    (void)state;
    for (i = 0; i < 6; i++) da[i] = 10.0f; /* accumulates onto what is there */
    anne_prelu_backward_f32(dx, da, dy, x, alpha, 6);
    for (i = 0; i < 6; i++) {
        if (dx[i] != want_dx[i] || da[i] != want_da[i]) {
            fail_msg("unit %d: dx %g dalpha %g, expected %g and %g", i, (double)dx[i], (double)da[i],
                     (double)want_dx[i], (double)want_da[i]);
        }
    }
    /* in place (dx == dy), and without alpha gradients (a frozen layer) */
    anne_prelu_backward_f32(dy, NULL, dy, x, alpha, 6);
    assert_memory_equal(dy, want_dx, sizeof dy);
}

/* Away from 0, against central differences of x -> dy . prelu(x) and alpha -> dy . prelu(x). */
static void test_prelu_backward_matches_finite_differences(void **state) {
    enum { N = 8 };
    const float x[N] = {-4.3f, -1.3f, -0.4f, -0.13f, 0.07f, 0.71f, 2.3f, -0.02f};
    const float alpha[N] = {0.25f, -0.3f, 1.5f, 0.01f, 0.2f, -0.7f, 0.0f, 2.0f};
    const float dy[N] = {0.5f, -1.0f, 0.7f, 2.0f, -0.3f, 0.9f, 1.1f, -0.6f};
    float dx[N], da[N] = {0};
    int i;
    (void)state;
    anne_prelu_backward_f32(dx, da, dy, x, alpha, N);
    for (i = 0; i < N; i++) {
        double xd = x[i], ad = alpha[i];
#define PRELU_D(v, a) ((v) > 0 ? (v) : (a) * (v))
        double fdx = dy[i] * (PRELU_D(xd + FD_H, ad) - PRELU_D(xd - FD_H, ad)) / (2 * FD_H);
        double fda = dy[i] * (PRELU_D(xd, ad + FD_H) - PRELU_D(xd, ad - FD_H)) / (2 * FD_H);
#undef PRELU_D
        check_close(dx[i], fdx, REL_TOL, "prelu dx", i);
        check_close(da[i], fda, REL_TOL, "prelu dalpha", i);
    }
}

/* ---- a network described for the tests ---- */
typedef struct net {
    uint16_t n_inputs, n_layers;
    uint16_t units[MAXL];
    anne_activation act[MAXL];
    int no_bias[MAXL];          /* 1: the layer is given without a bias */
    anne_loss loss;
} net;

typedef struct net_data {
    anne_layer layers[MAXL];
    float kernel[MAXL][MAXW * MAXW], bias[MAXL][MAXW], alpha[MAXL][MAXW];
} net_data;

/* A small LCG for the test's own weights, so they do not depend on the runtime's initializer. */
static float next_uniform(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) * (1.0f / 16777216.0f);
}

/* Fills an architecture with given weights: kernels in [-0.9, 0.9), biases in [-0.2, 0.2), alphas
 * in [-0.5, 1.0) (any slope Keras accepts, negative ones included). */
static void make_desc(anne_model_desc *d, net_data *w, const net *nt, uint32_t seed) {
    uint32_t s = seed * 2654435761u + 7u;
    int l, i;
    memset(d, 0, sizeof *d);
    memset(w, 0, sizeof *w);
    for (l = 0; l < nt->n_layers; l++) {
        anne_layer *ly = &w->layers[l];
        ly->kind = ANNE_LAYER_DENSE;
        ly->dtype = ANNE_DTYPE_F32;
        ly->activation = nt->act[l];
        anne_ir_default_params(nt->act[l], ly->param);
        ly->n_in = l == 0 ? nt->n_inputs : nt->units[l - 1];
        ly->n_out = nt->units[l];
        for (i = 0; i < ly->n_in * ly->n_out; i++) w->kernel[l][i] = 1.8f * next_uniform(&s) - 0.9f;
        for (i = 0; i < ly->n_out; i++) w->bias[l][i] = 0.4f * next_uniform(&s) - 0.2f;
        for (i = 0; i < ly->n_out; i++) w->alpha[l][i] = 1.5f * next_uniform(&s) - 0.5f;
        ly->kernel = w->kernel[l];
        ly->bias = nt->no_bias[l] ? NULL : w->bias[l];
        ly->act_data = nt->act[l] == ANNE_ACT_PRELU ? w->alpha[l] : NULL;
    }
    d->n_inputs = nt->n_inputs;
    d->n_layers = nt->n_layers;
    d->layers = w->layers;
}

static void *make_trainer(anne_trainer *t, const anne_model_desc *d, anne_loss loss, anne_optimizer_kind opt,
                          anne_adam_form form, float lr) {
    anne_train_config cfg;
    size_t size;
    void *arena;
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = loss;
    anne_optimizer_defaults(&cfg.optimizer, opt);
    cfg.optimizer.lr = lr;
    cfg.optimizer.adam_form = form;
    cfg.seed = 5;
    assert_int_equal(anne_trainer_arena_size(d, opt, &size), ANNE_OK);
    arena = malloc(size);
    assert_non_null(arena);
    assert_int_equal(anne_trainer_init(t, d, &cfg, arena, size), ANNE_OK);
    return arena;
}

/* ---- the reference, in double: where each parameter sits, forward, loss, backward ---- */
typedef struct ref_layer {
    int n_in, n_out;
    anne_activation act;
    long k, b, a;               /* offsets into the flat parameters; b, a: -1 when absent */
} ref_layer;

typedef struct ref_net {
    int n_inputs, n_layers;
    ref_layer l[MAXL];
    anne_loss loss;
    long n_params;
} ref_net;

/* The documented layout, computed from the shapes alone: layer after layer, kernel (n_out, n_in),
 * bias (n_out) if any, prelu alphas (n_out). The trainer's pointers must agree with it. */
static void ref_layout(ref_net *r, const net *nt, const anne_trainer *t) {
    long off = 0;
    int l;
    r->n_inputs = nt->n_inputs;
    r->n_layers = nt->n_layers;
    r->loss = nt->loss;
    for (l = 0; l < nt->n_layers; l++) {
        ref_layer *rl = &r->l[l];
        rl->n_in = l == 0 ? nt->n_inputs : nt->units[l - 1];
        rl->n_out = nt->units[l];
        rl->act = nt->act[l];
        rl->k = off;
        off += (long)rl->n_in * rl->n_out;
        rl->b = nt->no_bias[l] ? -1 : off;
        off += nt->no_bias[l] ? 0 : rl->n_out;
        rl->a = rl->act == ANNE_ACT_PRELU ? off : -1;
        off += rl->act == ANNE_ACT_PRELU ? rl->n_out : 0;
        if (t != NULL) {
            const anne_layer *tl = &t->layers[l];
            assert_int_equal((const float *)tl->kernel - t->params, rl->k);
            assert_int_equal(tl->bias == NULL ? -1 : (const float *)tl->bias - t->params, rl->b);
            assert_int_equal(tl->act_data == NULL ? -1 : (const float *)tl->act_data - t->params, rl->a);
        }
    }
    r->n_params = off;
    if (t != NULL) assert_int_equal(t->n_params, off);
}

static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* z[l] and y[l] (n_out of layer l) for one input; returns the sample's loss against target. */
static double ref_forward(const ref_net *r, const double *w, const float *input, const float *target,
                          double z[MAXL][MAXW], double y[MAXL][MAXW]) {
    double a[MAXW], s = 0;
    int l, j, i, n;
    for (i = 0; i < r->n_inputs; i++) a[i] = input[i];
    for (l = 0; l < r->n_layers; l++) {
        const ref_layer *rl = &r->l[l];
        double m = -INFINITY, se = 0;
        for (j = 0; j < rl->n_out; j++) {
            double acc = rl->b >= 0 ? w[rl->b + j] : 0.0;
            for (i = 0; i < rl->n_in; i++) acc += w[rl->k + (long)j * rl->n_in + i] * a[i];
            z[l][j] = acc;
            if (acc > m) m = acc;
        }
        for (j = 0; j < rl->n_out; j++) se += exp(z[l][j] - m);
        for (j = 0; j < rl->n_out; j++) {
            double v = z[l][j];
            switch (rl->act) {
            case ANNE_ACT_PRELU: y[l][j] = v > 0 ? v : w[rl->a + j] * v; break;
            case ANNE_ACT_SIGMOID: y[l][j] = ref_sigmoid(v); break;
            case ANNE_ACT_TANH: y[l][j] = tanh(v); break;
            case ANNE_ACT_SOFTMAX: y[l][j] = exp(v - m) / se; break;
            case ANNE_ACT_LINEAR: y[l][j] = v; break;
            default: fail_msg("no reference for activation %d", (int)rl->act);
            }
        }
        for (j = 0; j < rl->n_out; j++) a[j] = y[l][j];
    }
    l = r->n_layers - 1;
    n = r->l[l].n_out;
    switch (r->loss) {
    case ANNE_LOSS_BINARY_CROSSENTROPY: /* sigmoid outputs: from the logits, as Keras */
        for (j = 0; j < n; j++) s += fmax(z[l][j], 0) - z[l][j] * target[j] + log1p(exp(-fabs(z[l][j])));
        return s / n;
    case ANNE_LOSS_CATEGORICAL_CROSSENTROPY: { /* softmax outputs: from the logits */
        double m = z[l][0], se = 0;
        for (j = 1; j < n; j++) m = fmax(m, z[l][j]);
        for (j = 0; j < n; j++) se += exp(z[l][j] - m);
        for (j = 0; j < n; j++) s += target[j] * (m + log(se) - z[l][j]);
        return s;
    }
    default:
        for (j = 0; j < n; j++) s += (y[l][j] - target[j]) * (y[l][j] - target[j]);
        return s / n;
    }
}

static double ref_loss(const ref_net *r, const double *w, const float *input, const float *target) {
    double z[MAXL][MAXW], y[MAXL][MAXW];
    return ref_forward(r, w, input, target, z, y);
}

/* g += d loss / d w for one sample, by the chain rule written out in double (Keras' derivative 0 at a
 * prelu's x == 0). Frozen layers (frozen[l]) get no gradient but pass one down. */
static void ref_backward(const ref_net *r, const double *w, const float *input, const float *target, const int *frozen,
                         double *g) {
    double z[MAXL][MAXW], y[MAXL][MAXW], dy[MAXW], dz[MAXW];
    int l, j, i, n;
    (void)ref_forward(r, w, input, target, z, y);
    l = r->n_layers - 1;
    n = r->l[l].n_out;
    for (j = 0; j < n; j++) {
        if (r->loss == ANNE_LOSS_MSE) dy[j] = 2.0 * (y[l][j] - target[j]) / n;
        else dy[j] = y[l][j] - target[j]; /* from the logits: dz directly */
        if (r->loss == ANNE_LOSS_BINARY_CROSSENTROPY) dy[j] /= n;
    }
    for (; l >= 0; l--) {
        const ref_layer *rl = &r->l[l];
        int logits = l == r->n_layers - 1 && r->loss != ANNE_LOSS_MSE;
        for (j = 0; j < rl->n_out; j++) {
            double v = z[l][j], d = 1.0;
            if (!logits) {
                switch (rl->act) {
                case ANNE_ACT_PRELU:
                    d = v > 0 ? 1.0 : v < 0 ? w[rl->a + j] : 0.0;
                    if (!frozen[l] && v < 0) g[rl->a + j] += dy[j] * v;
                    break;
                case ANNE_ACT_SIGMOID: d = y[l][j] * (1 - y[l][j]); break;
                case ANNE_ACT_TANH: d = 1 - y[l][j] * y[l][j]; break;
                default: break;
                }
            }
            dz[j] = dy[j] * d;
        }
        for (i = 0; i < rl->n_in; i++) {
            double acc = 0;
            for (j = 0; j < rl->n_out; j++) acc += w[rl->k + (long)j * rl->n_in + i] * dz[j];
            dy[i] = acc; /* dz is kept apart, so dy may be overwritten */
        }
        if (frozen[l]) continue;
        for (j = 0; j < rl->n_out; j++) {
            for (i = 0; i < rl->n_in; i++) {
                double a = l == 0 ? (double)input[i] : y[l - 1][i];
                g[rl->k + (long)j * rl->n_in + i] += dz[j] * a;
            }
            if (rl->b >= 0) g[rl->b + j] += dz[j];
        }
    }
}

/* ---- gradients of whole networks against finite differences ---- */
static const net fd_nets[] = {
    /* prelu hidden layers under a sigmoid output with BCE */
    {4, 3, {5, 3, 1}, {ANNE_ACT_PRELU, ANNE_ACT_PRELU, ANNE_ACT_SIGMOID}, {0, 0, 0}, ANNE_LOSS_BINARY_CROSSENTROPY},
    /* a prelu layer without bias under softmax with CCE */
    {4, 2, {6, 3}, {ANNE_ACT_PRELU, ANNE_ACT_SOFTMAX}, {1, 0}, ANNE_LOSS_CATEGORICAL_CROSSENTROPY},
    /* prelu as the output layer, MSE */
    {3, 2, {4, 2}, {ANNE_ACT_TANH, ANNE_ACT_PRELU}, {0, 0}, ANNE_LOSS_MSE},
    /* prelu everywhere, MSE */
    {3, 3, {4, 4, 2}, {ANNE_ACT_PRELU, ANNE_ACT_PRELU, ANNE_ACT_PRELU}, {0, 1, 0}, ANNE_LOSS_MSE},
};

static const float fd_inputs[3][4] = {{0.7f, -1.1f, 0.4f, 1.9f}, {-1.3f, 0.2f, 0.9f, -0.6f}, {0.1f, 1.4f, -0.8f, 0.3f}};

/* Sample s's target for the loss: one-hot classes, 0/1 for one sigmoid, regression values for MSE. */
static void fd_target(float target[4], anne_loss loss, int s) {
    int k;
    for (k = 0; k < 4; k++) target[k] = k == s ? 1.0f : 0.0f;
    if (loss == ANNE_LOSS_BINARY_CROSSENTROPY) target[0] = (float)(s & 1);
    if (loss == ANNE_LOSS_MSE) {
        target[0] = 0.3f;
        target[1] = -0.2f;
    }
}

/* How many prelu pre-activations are negative (these give alpha gradients), or -1 when one is within
 * 1e-3 of the kink, where a finite difference would not measure the derivative. */
static int check_away_from_kink(const ref_net *r, const double *w, const float *input, const float *target) {
    double z[MAXL][MAXW], y[MAXL][MAXW];
    int l, j, negative = 0;
    (void)ref_forward(r, w, input, target, z, y);
    for (l = 0; l < r->n_layers; l++) {
        if (r->l[l].act != ANNE_ACT_PRELU) continue;
        for (j = 0; j < r->l[l].n_out; j++) {
            if (fabs(z[l][j]) < 1e-3) return -1;
            negative += z[l][j] < 0;
        }
    }
    return negative;
}

/* Returns 0 without checking when this seed puts a sample next to a kink, 1 after checking. */
static int check_network(const net *nt, uint32_t seed) {
    anne_model_desc d;
    net_data wd;
    anne_trainer t;
    ref_net r;
    void *arena;
    double *w;
    float target[4];
    long p;
    int s, negative = 0;
    make_desc(&d, &wd, nt, seed);
    arena = make_trainer(&t, &d, nt->loss, ANNE_OPTIMIZER_SGD, ANNE_ADAM_KERAS, 0.01f);
    ref_layout(&r, nt, &t);
    w = malloc((size_t)r.n_params * sizeof *w);
    assert_non_null(w);
    for (p = 0; p < r.n_params; p++) w[p] = t.params[p];
    for (s = 0; s < 3; s++) {
        int neg;
        fd_target(target, nt->loss, s);
        neg = check_away_from_kink(&r, w, fd_inputs[s], target);
        if (neg < 0) {
            free(w);
            free(arena);
            return 0;
        }
        negative += neg;
    }
    /* three samples summed: the alpha gradients accumulate like the others */
    for (s = 0; s < 3; s++) {
        float loss, eval_loss;
        fd_target(target, nt->loss, s);
        assert_int_equal(anne_trainer_accumulate(&t, fd_inputs[s], target, &loss, NULL), ANNE_OK);
        check_close(loss, ref_loss(&r, w, fd_inputs[s], target), REL_TOL, "sample loss", s);
        assert_int_equal(anne_trainer_evaluate(&t, fd_inputs[s], target, &eval_loss, NULL), ANNE_OK);
        assert_true(eval_loss == loss); /* validation sees the same loss, without touching the sums */
    }
    assert_true(negative > 0); /* some alpha gradient is not trivially 0 */
    for (p = 0; p < r.n_params; p++) {
        double keep = w[p], fd = 0;
        for (s = 0; s < 3; s++) {
            double lp, lm;
            fd_target(target, nt->loss, s);
            w[p] = keep + FD_H;
            lp = ref_loss(&r, w, fd_inputs[s], target);
            w[p] = keep - FD_H;
            lm = ref_loss(&r, w, fd_inputs[s], target);
            fd += (lp - lm) / (2 * FD_H);
        }
        w[p] = keep;
        check_close(t.grads[p], fd, REL_TOL, "network gradient (kernel, bias or alpha)", (int)p);
    }
    free(w);
    free(arena);
    return 1;
}

/* Four weight seeds per network (seeds that put a sample next to a kink are passed over). */
static void test_network_gradients_match_finite_differences(void **state) {
    size_t i;
    uint32_t seed;
    (void)state;
    for (i = 0; i < sizeof fd_nets / sizeof fd_nets[0]; i++) {
        int checked = 0;
        for (seed = 1; seed <= 40 && checked < 4; seed++) checked += check_network(&fd_nets[i], seed);
        if (checked < 4) fail_msg("network %zu: only %d of 40 seeds keep every prelu input away from 0", i, checked);
    }
}

/* ---- optimizer steps against the double trainer ---- */
static const net opt_net = {3, 3, {4, 3, 2}, {ANNE_ACT_PRELU, ANNE_ACT_PRELU, ANNE_ACT_SOFTMAX}, {0, 0, 0},
                            ANNE_LOSS_CATEGORICAL_CROSSENTROPY};

static void sample(int i, float x[3], uint16_t *label) {
    x[0] = (float)((i * 37) % 17) * 0.25f - 2.0f;
    x[1] = (float)((i * 11) % 7) * 0.5f - 1.5f;
    x[2] = (float)((i * 5) % 13) * 0.2f - 1.2f;
    *label = (uint16_t)(x[0] + x[2] > 0.0f);
}

/* One double step of the rule in anne_train.h / docs/training.md on the mean gradient g. */
static void ref_update(double *w, double *m, double *v, const double *g, long n, const anne_optimizer *o, int step,
                       const int *frozen_param) {
    long i;
    for (i = 0; i < n; i++) {
        double lr = o->lr, mom = o->momentum, b1 = o->beta1, b2 = o->beta2, eps = o->epsilon;
        if (frozen_param[i]) continue;
        switch (o->kind) {
        case ANNE_OPTIMIZER_SGD: w[i] -= lr * g[i]; break;
        case ANNE_OPTIMIZER_MOMENTUM:
            m[i] = mom * m[i] - lr * g[i];
            w[i] += m[i];
            break;
        case ANNE_OPTIMIZER_NESTEROV:
            m[i] = mom * m[i] - lr * g[i];
            w[i] += mom * m[i] - lr * g[i];
            break;
        default: {
            double c1 = 1 - pow(b1, step), c2 = 1 - pow(b2, step);
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            if (o->adam_form == ANNE_ADAM_KERAS) w[i] -= lr * sqrt(c2) / c1 * m[i] / (sqrt(v[i]) + eps);
            else w[i] -= lr * (m[i] / c1) / (sqrt(v[i] / c2) + eps);
            break;
        }
        }
    }
}

/* STEPS batches of BATCH samples (the rate changed half-way) through the C trainer and through the
 * double one; every parameter, alphas included, agrees after every step. frozen: layers to freeze. */
static void run_optimizer(anne_optimizer_kind kind, anne_adam_form form, const int frozen[MAXL]) {
    enum { STEPS = 5, BATCH = 3 };
    anne_model_desc d;
    net_data wd;
    anne_trainer t;
    ref_net r;
    void *arena;
    double *w, *g, *m, *v, *start;
    int *frozen_param, s, b, l;
    long p;
    float lr = kind == ANNE_OPTIMIZER_ADAM ? 0.02f : 0.1f;
    make_desc(&d, &wd, &opt_net, 3);
    arena = make_trainer(&t, &d, opt_net.loss, kind, form, lr);
    ref_layout(&r, &opt_net, &t);
    w = calloc((size_t)r.n_params, sizeof *w);
    g = calloc((size_t)r.n_params, sizeof *g);
    m = calloc((size_t)r.n_params, sizeof *m);
    v = calloc((size_t)r.n_params, sizeof *v);
    start = calloc((size_t)r.n_params, sizeof *start);
    frozen_param = calloc((size_t)r.n_params, sizeof *frozen_param);
    assert_true(w && g && m && v && start && frozen_param);
    for (p = 0; p < r.n_params; p++) start[p] = w[p] = t.params[p];
    for (l = 0; l < r.n_layers; l++) {
        long end = l + 1 < r.n_layers ? r.l[l + 1].k : r.n_params;
        if (!frozen[l]) continue;
        assert_int_equal(anne_trainer_set_trainable(&t, (uint16_t)l, 0), ANNE_OK);
        for (p = r.l[l].k; p < end; p++) frozen_param[p] = 1;
    }
    for (s = 0; s < STEPS; s++) {
        anne_optimizer o = t.opt;
        if (s == 3) {
            assert_int_equal(anne_trainer_set_lr(&t, lr * 0.5f), ANNE_OK);
            o.lr = lr * 0.5f;
        }
        memset(g, 0, (size_t)r.n_params * sizeof *g);
        for (b = 0; b < BATCH; b++) {
            float x[3], target[2];
            uint16_t label;
            sample(s * BATCH + b, x, &label);
            target[0] = label == 0;
            target[1] = label == 1;
            assert_int_equal(anne_trainer_accumulate(&t, x, target, NULL, NULL), ANNE_OK);
            ref_backward(&r, w, x, target, frozen, g);
        }
        for (p = 0; p < r.n_params; p++) g[p] /= BATCH;
        assert_int_equal(anne_trainer_step(&t), ANNE_OK);
        ref_update(w, m, v, g, r.n_params, &o, s + 1, frozen_param);
        for (p = 0; p < r.n_params; p++) {
            double tol = 1e-5 * (fabs(w[p]) > 1 ? fabs(w[p]) : 1);
            if (frozen_param[p] && t.params[p] != (float)start[p]) fail_msg("frozen parameter %ld changed", p);
            if (!(fabs(t.params[p] - w[p]) < tol)) {
                fail_msg("optimizer %d (form %d) step %d parameter %ld: C %.9g, double %.9g", (int)kind, (int)form,
                         s + 1, p, (double)t.params[p], w[p]);
            }
        }
    }
    /* the alphas of every trainable prelu layer moved: they are in the updated range */
    for (l = 0; l < r.n_layers; l++) {
        double moved = 0;
        int j;
        if (r.l[l].a < 0 || frozen[l]) continue;
        for (j = 0; j < r.l[l].n_out; j++) moved = fmax(moved, fabs(t.params[r.l[l].a + j] - start[r.l[l].a + j]));
        if (!(moved > 1e-4)) fail_msg("layer %d: the alphas did not train (largest change %g)", l, moved);
    }
    free(w);
    free(g);
    free(m);
    free(v);
    free(start);
    free(frozen_param);
    free(arena);
}

static void test_every_optimizer_steps_alphas_like_the_double_trainer(void **state) {
    static const int none[MAXL] = {0};
    (void)state;
    run_optimizer(ANNE_OPTIMIZER_SGD, ANNE_ADAM_KERAS, none);
    run_optimizer(ANNE_OPTIMIZER_MOMENTUM, ANNE_ADAM_KERAS, none);
    run_optimizer(ANNE_OPTIMIZER_NESTEROV, ANNE_ADAM_KERAS, none);
    run_optimizer(ANNE_OPTIMIZER_ADAM, ANNE_ADAM_KERAS, none);
    run_optimizer(ANNE_OPTIMIZER_ADAM, ANNE_ADAM_TFJS, none);
}

/* A frozen prelu layer keeps kernel, bias and alphas bit-identical, and still passes gradients down
 * through its (frozen) slopes: the layers around it train as the double trainer says. */
static void test_frozen_prelu_layers_stay_bit_identical(void **state) {
    static const int first[MAXL] = {1, 0, 0}, middle[MAXL] = {0, 1, 0};
    (void)state;
    run_optimizer(ANNE_OPTIMIZER_ADAM, ANNE_ADAM_KERAS, first);
    run_optimizer(ANNE_OPTIMIZER_MOMENTUM, ANNE_ADAM_KERAS, middle);
    run_optimizer(ANNE_OPTIMIZER_SGD, ANNE_ADAM_KERAS, middle);
}

/* ---- memory and initial values ---- */

/* 3 -> 4 prelu -> 2 sigmoid: P = 3*4 + 4 + 4 alphas + 4*2 + 2 = 30 parameters; activations
 * 3 + 2*(4 + 2) = 15; backprop 2*4 + 2 = 10; counted by hand for each optimizer. */
static void test_arena_size_counts_the_alphas(void **state) {
    static const net nt = {3, 2, {4, 2}, {ANNE_ACT_PRELU, ANNE_ACT_SIGMOID}, {0, 0}, ANNE_LOSS_BINARY_CROSSENTROPY};
    anne_model_desc d;
    net_data wd;
    anne_train_config cfg;
    anne_trainer t;
    size_t size, want;
    unsigned char *arena;
    unsigned moments;
    float x[3] = {0.5f, -1.0f, 2.0f}, out[2];
    int i;
    (void)state;
    make_desc(&d, &wd, &nt, 1);
    for (moments = 0; moments <= 2; moments++) {
        anne_optimizer_kind kind = moments == 0 ? ANNE_OPTIMIZER_SGD
                                   : moments == 1 ? ANNE_OPTIMIZER_MOMENTUM
                                                  : ANNE_OPTIMIZER_ADAM;
        want = 2 * sizeof(anne_layer) + 4 * (30 * (2 + moments) + 15 + 10) + 2;
        assert_int_equal(anne_trainer_arena_size(&d, kind, &size), ANNE_OK);
        assert_int_equal(size, want);
        memset(&cfg, 0, sizeof cfg);
        cfg.loss = nt.loss;
        anne_optimizer_defaults(&cfg.optimizer, kind);
        arena = malloc(want + 64);
        assert_non_null(arena);
        assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, want - 1), ANNE_ERR_ARENA_TOO_SMALL);
        memset(arena, 0xA5, want + 64);
        assert_int_equal(anne_trainer_init(&t, &d, &cfg, arena, want), ANNE_OK);
        assert_int_equal(t.n_params, 30);
        for (i = 0; i < 4; i++) {
            assert_int_equal(anne_trainer_accumulate_class(&t, x, (uint16_t)(i & 1), NULL, NULL), ANNE_OK);
            assert_int_equal(anne_trainer_step(&t), ANNE_OK);
        }
        assert_int_equal(anne_trainer_predict(&t, out, x), ANNE_OK);
        for (size = want; size < want + 64; size++) assert_int_equal(arena[size], 0xA5); /* nothing past the end */
        free(arena);
    }
}

/* New prelu layers start as Keras starts them: alphas 0 (its alpha_initializer), kernels from the
 * same glorot draws as any other layer; given alphas are copied. */
static void test_initial_alphas(void **state) {
    anne_layer layers[2];
    anne_model_desc d;
    anne_train_config cfg;
    anne_trainer t, t_relu;
    const float given[3] = {0.25f, -0.5f, 1.5f};
    void *a1, *a2;
    size_t size, size_relu;
    int j;
    (void)state;
    memset(layers, 0, sizeof layers);
    memset(&d, 0, sizeof d);
    for (j = 0; j < 2; j++) {
        layers[j].kind = ANNE_LAYER_DENSE;
        layers[j].dtype = ANNE_DTYPE_F32;
        layers[j].n_in = j == 0 ? 2 : 3;
        layers[j].n_out = j == 0 ? 3 : 1;
    }
    layers[0].activation = ANNE_ACT_PRELU;
    layers[1].activation = ANNE_ACT_SIGMOID;
    d.n_inputs = 2;
    d.n_layers = 2;
    d.layers = layers;
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.seed = 17;
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size), ANNE_OK);
    a1 = malloc(size);
    assert_non_null(a1);
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, a1, size), ANNE_OK);
    for (j = 0; j < 3; j++) assert_true(((const float *)t.layers[0].act_data)[j] == 0.0f);
    assert_null(t.layers[1].act_data);

    layers[0].activation = ANNE_ACT_RELU; /* the same seed draws the same kernels */
    anne_ir_default_params(ANNE_ACT_RELU, layers[0].param);
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size_relu), ANNE_OK);
    assert_int_equal(size_relu, size - 3 * 4 * 4); /* 3 alphas, each with a gradient and two moments */
    a2 = malloc(size_relu);
    assert_non_null(a2);
    assert_int_equal(anne_trainer_init(&t_relu, &d, &cfg, a2, size_relu), ANNE_OK);
    assert_memory_equal(t.layers[0].kernel, t_relu.layers[0].kernel, 6 * sizeof(float));
    assert_memory_equal(t.layers[1].kernel, t_relu.layers[1].kernel, 3 * sizeof(float));
    free(a2);

    layers[0].activation = ANNE_ACT_PRELU;
    memset(layers[0].param, 0, sizeof layers[0].param);
    layers[0].act_data = given;
    assert_int_equal(anne_trainer_init(&t, &d, &cfg, a1, size), ANNE_OK);
    assert_memory_equal(t.layers[0].act_data, given, sizeof given);
    assert_true(t.layers[0].act_data != (const void *)given); /* a copy in the arena */
    free(a1);
}

/* ---- writing back ---- */

/* After training, anne_trainer_write carries the trained alphas: the loaded model holds them bit for
 * bit, predicts what the trainer predicts, and a trainer started from it continues from exactly the
 * same parameters in an arena of the same size. */
static void test_trained_alphas_are_written_back(void **state) {
    static const net nt = {3, 3, {4, 3, 2}, {ANNE_ACT_PRELU, ANNE_ACT_PRELU, ANNE_ACT_PRELU}, {0, 1, 0}, ANNE_LOSS_MSE};
    anne_model_desc d;
    net_data wd;
    anne_trainer t, t2;
    anne_train_config cfg;
    anne_model model;
    void *arena, *arena2;
    uint64_t *buf;
    size_t bytes, size, size2;
    float out[2], out_model[2], model_arena[64];
    int i, l;
    (void)state;
    make_desc(&d, &wd, &nt, 2);
    arena = make_trainer(&t, &d, nt.loss, ANNE_OPTIMIZER_ADAM, ANNE_ADAM_KERAS, 0.05f);
    for (i = 0; i < 30; i++) {
        float x[3], target[2];
        uint16_t label;
        sample(i, x, &label);
        target[0] = x[0] * 0.5f - x[1];
        target[1] = (float)label;
        assert_int_equal(anne_trainer_accumulate(&t, x, target, NULL, NULL), ANNE_OK);
        if (i % 5 == 4) assert_int_equal(anne_trainer_step(&t), ANNE_OK);
    }
    for (l = 0; l < 3; l++) {
        assert_memory_not_equal(t.layers[l].act_data, wd.alpha[l], nt.units[l] * sizeof(float)); /* they trained */
    }
    assert_int_equal(anne_trainer_write(&t, "prelu", 0, NULL, NULL, 0, &bytes), ANNE_OK);
    buf = malloc(bytes + 8);
    assert_non_null(buf);
    assert_int_equal(anne_trainer_write(&t, "prelu", 0, NULL, buf, bytes, &bytes), ANNE_OK);
    assert_int_equal(anne_model_load(&model, buf, bytes), ANNE_OK);
    for (l = 0; l < 3; l++) {
        anne_layer ml;
        assert_int_equal(anne_model_layer(&model, (uint16_t)l, &ml), ANNE_OK);
        assert_int_equal(ml.activation, ANNE_ACT_PRELU);
        assert_memory_equal(ml.act_data, t.layers[l].act_data, ml.n_out * sizeof(float));
        assert_memory_equal(ml.kernel, t.layers[l].kernel, (size_t)ml.n_in * ml.n_out * sizeof(float));
    }
    for (i = 0; i < 5; i++) {
        float x[3];
        uint16_t label;
        sample(100 + i, x, &label);
        assert_int_equal(anne_trainer_predict(&t, out, x), ANNE_OK);
        assert_int_equal(anne_model_predict(&model, out_model, x, model_arena, sizeof model_arena), ANNE_OK);
        assert_memory_equal(out, out_model, sizeof out);
    }
    assert_int_equal(anne_trainer_arena_size(&d, ANNE_OPTIMIZER_ADAM, &size), ANNE_OK);
    assert_int_equal(anne_trainer_arena_size_model(&model, ANNE_OPTIMIZER_ADAM, &size2), ANNE_OK);
    assert_int_equal(size, size2);
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = nt.loss;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    arena2 = malloc(size2);
    assert_non_null(arena2);
    assert_int_equal(anne_trainer_init_model(&t2, &model, &cfg, arena2, size2), ANNE_OK);
    assert_int_equal(t2.n_params, t.n_params);
    assert_memory_equal(t2.params, t.params, t.n_params * sizeof(float));
    free(arena2);
    free(buf);
    free(arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prelu_backward_hand_computed),
        cmocka_unit_test(test_prelu_backward_matches_finite_differences),
        cmocka_unit_test(test_network_gradients_match_finite_differences),
        cmocka_unit_test(test_every_optimizer_steps_alphas_like_the_double_trainer),
        cmocka_unit_test(test_frozen_prelu_layers_stay_bit_identical),
        cmocka_unit_test(test_arena_size_counts_the_alphas),
        cmocka_unit_test(test_initial_alphas),
        cmocka_unit_test(test_trained_alphas_are_written_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

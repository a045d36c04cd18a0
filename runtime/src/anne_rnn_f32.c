/* The recurrent layers of Keras in float32 (SimpleRNN, GRU, LSTM): the reference kernels, one time step
 * after the other from a zero state, written to be read (docs/ops.md has the formulas and the order of
 * every sum). The state lives in the caller's scratch, so a step reads the previous h while it computes
 * the gates and only then overwrites it. */
#include <math.h>
#include <string.h>

#include "anne.h"
#include "anne_ops.h"

/* The cell's activations take no parameters: relu is Keras' plain relu (no slope, no maximum), elu has
 * alpha 1, as the strings "relu" and "elu" mean in a recurrent layer's config. */
static void anne__rnn_activate(float *x, uint32_t n, uint8_t act) {
    float param[3] = {0.0f, 0.0f, 0.0f};
    if (act == ANNE_ACT_RELU) param[1] = INFINITY;
    if (act == ANNE_ACT_ELU) param[0] = 1.0f;
    anne_activation_forward_f32(x, n, (anne_activation)act, param);
}

/* sum over k < n of w[k] * v[k], from +0.0, k = 0, 1, ... */
static float anne__dot(const float *w, const float *v, uint32_t n) {
    float s = 0.0f;
    uint32_t k;
    for (k = 0; k < n; k++) s += w[k] * v[k];
    return s;
}

/* The input row of step s, and the output row its h goes to. */
static const float *anne__step_in(const float *in, uint32_t s, const anne_rnn_params *p) {
    uint32_t t = (p->flags & ANNE_RNN_GO_BACKWARDS) != 0 ? p->steps - 1u - s : s;
    return in + (size_t)t * p->features;
}
static float *anne__step_out(float *out, uint32_t s, const anne_rnn_params *p) {
    uint32_t t = (p->flags & ANNE_RNN_REVERSE_OUTPUT) != 0 ? p->steps - 1u - s : s;
    return out + (size_t)t * p->units;
}

/* h after step s into the output: every step's (return_sequences), or the last one's. */
static void anne__emit(float *out, const float *h, uint32_t s, const anne_rnn_params *p) {
    if (p->sequences) memcpy(anne__step_out(out, s, p), h, (size_t)p->units * sizeof *h);
    else if (s + 1u == p->steps) memcpy(out, h, (size_t)p->units * sizeof *h);
}

/* SimpleRNN: h = act((x . W_j + b_j) + h . U_j). scratch: h (u), the new h (u). */
void anne_simple_rnn_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                                 const anne_rnn_params *p) {
    uint32_t u = p->units, f = p->features, s, j;
    float *h = scratch, *next = scratch + u;
    memset(h, 0, (size_t)u * sizeof *h);
    for (s = 0; s < p->steps; s++) {
        const float *x = anne__step_in(in, s, p);
        for (j = 0; j < u; j++) {
            const float *row = kernel + (size_t)j * (f + u); /* (F) input weights, then (u) recurrent */
            float z = anne__dot(row, x, f);
            if (bias != NULL) z += bias[j];
            next[j] = z + anne__dot(row + f, h, u);
        }
        anne__rnn_activate(next, u, p->activation);
        memcpy(h, next, (size_t)u * sizeof *h);
        anne__emit(out, h, s, p);
    }
}

/* GRU, gates z (update), r (reset), h (candidate), each u values:
 *   gx = x . W + b_x, gh = h . U (+ b_h with reset_after), over all 3u gate values;
 *   z = rec_act(gx_z + gh_z), r = rec_act(gx_r + gh_r);
 *   reset_after: hh = act(gx_h + r * gh_h); else: hh = act(gx_h + (r * h) . U_h);
 *   h = z * h + (1 - z) * hh.
 * scratch: h (u), gx (3u), gh (3u), r * h (u). */
void anne_gru_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                          const anne_rnn_params *p) {
    uint32_t u = p->units, f = p->features, s, j;
    int after = (p->flags & ANNE_RNN_RESET_AFTER) != 0;
    float *h = scratch, *gx = scratch + u, *gh = scratch + 4u * u, *rh = scratch + 7u * u;
    const float *bx = bias, *bh = bias != NULL && after ? bias + 3u * u : NULL;
    memset(h, 0, (size_t)u * sizeof *h);
    for (s = 0; s < p->steps; s++) {
        const float *x = anne__step_in(in, s, p);
        /* the input sums of every gate; the recurrent sums of z and r, and of h with reset_after */
        for (j = 0; j < 3u * u; j++) {
            const float *row = kernel + (size_t)j * (f + u);
            gx[j] = anne__dot(row, x, f);
            if (bx != NULL) gx[j] += bx[j];
            if (j < 2u * u || after) {
                gh[j] = anne__dot(row + f, h, u);
                if (bh != NULL) gh[j] += bh[j];
            }
        }
        for (j = 0; j < 2u * u; j++) gx[j] += gh[j]; /* z and r before their activation */
        anne__rnn_activate(gx, 2u * u, p->recurrent_activation);
        if (after) {
            for (j = 0; j < u; j++) gx[2u * u + j] += gx[u + j] * gh[2u * u + j];
        } else {
            for (j = 0; j < u; j++) rh[j] = gx[u + j] * h[j];
            for (j = 0; j < u; j++) {
                const float *row = kernel + (size_t)(2u * u + j) * (f + u);
                gx[2u * u + j] += anne__dot(row + f, rh, u);
            }
        }
        anne__rnn_activate(gx + 2u * u, u, p->activation);
        for (j = 0; j < u; j++) {
            float z = gx[j];
            h[j] = z * h[j] + (1.0f - z) * gx[2u * u + j];
        }
        anne__emit(out, h, s, p);
    }
}

/* LSTM, gates i (input), f (forget), c (cell candidate), o (output), each u values:
 *   g = (x . W + h . U) + b over all 4u gate values;
 *   i = rec_act(g_i), f = rec_act(g_f), o = rec_act(g_o), cc = act(g_c);
 *   c = f * c + i * cc; h = o * act(c).
 * scratch: h (u), c (u), g (4u). */
void anne_lstm_forward_f32(float *out, const float *in, const float *kernel, const float *bias, float *scratch,
                           const anne_rnn_params *p) {
    uint32_t u = p->units, f = p->features, s, j;
    float *h = scratch, *c = scratch + u, *g = scratch + 2u * u;
    memset(h, 0, 2u * (size_t)u * sizeof *h); /* h and c */
    for (s = 0; s < p->steps; s++) {
        const float *x = anne__step_in(in, s, p);
        for (j = 0; j < 4u * u; j++) {
            const float *row = kernel + (size_t)j * (f + u);
            g[j] = anne__dot(row, x, f) + anne__dot(row + f, h, u);
            if (bias != NULL) g[j] += bias[j];
        }
        anne__rnn_activate(g, 2u * u, p->recurrent_activation);      /* i, f */
        anne__rnn_activate(g + 2u * u, u, p->activation);            /* cc */
        anne__rnn_activate(g + 3u * u, u, p->recurrent_activation); /* o */
        for (j = 0; j < u; j++) c[j] = g[u + j] * c[j] + g[j] * g[2u * u + j];
        memcpy(g + 2u * u, c, (size_t)u * sizeof *c); /* act(c), where cc was */
        anne__rnn_activate(g + 2u * u, u, p->activation);
        for (j = 0; j < u; j++) h[j] = g[3u * u + j] * g[2u * u + j];
        anne__emit(out, h, s, p);
    }
}

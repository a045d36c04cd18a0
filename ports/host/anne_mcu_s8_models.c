/* The int8 graph benchmark models (format 2.2), built with anne_graph_write() from PCG32 integers:
 *   ds_cnn_kws    a DS-CNN keyword spotter shaped like MLPerf Tiny's KWS reference: (49, 10, 1) ->
 *                 conv 10x4 stride 2 'same' to 64 + relu -> 4 x (depthwise 3x3 'same' + relu,
 *                 pointwise 1x1 to 64 + relu) -> average over the whole map -> dense 12 -> softmax
 *   conv3x3_16    one 3x3 'same' convolution, (16, 16, 16) -> 16, relu
 *   dwconv3x3_64  one 3x3 'same' depthwise convolution of (16, 16, 64), relu
 *   pwconv_64     one 1x1 convolution, (16, 16, 64) -> 64, relu
 * Weights in -127 ... 127, per-channel multipliers that keep the outputs spread over the int8 range
 * (the values a trained model's requantization gives), input zero points other than 0 so that the
 * padding's arithmetic is exercised. The tensors' places are planned here: two buffers used in turn. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_mcu_s8_models.h"
#include "anne_train.h"

#define S8_MAX_T 16

typedef struct s8_net {
    anne_tensor t[S8_MAX_T];
    anne_op op[S8_MAX_T];
    void *mem[3 * S8_MAX_T]; /* the arrays the ops point to, freed by s8_free */
    uint16_t n_t, n_mem;
    uint32_t arena;
    anne_rng rng;
    int failed;
} s8_net;

static void *s8_alloc(s8_net *n, size_t bytes) {
    void *p = calloc(1, bytes);
    if (p == NULL || n->n_mem == 3 * S8_MAX_T) {
        free(p);
        n->failed = 1;
        return NULL;
    }
    n->mem[n->n_mem++] = p;
    return p;
}

/* TFLite's QuantizeMultiplier: m = q 2^shift / 2^31 with q in [2^30, 2^31). */
static void s8_multiplier(double m, int32_t *q, int32_t *shift) {
    int e = 0;
    double f = frexp(m, &e);
    long long v = llround(f * 2147483648.0);
    if (v == 2147483648LL) {
        v /= 2;
        e++;
    }
    *q = (int32_t)v;
    *shift = e;
}

/* A tensor of shape (d0, d1, d2) (rank 3) or (d0) (rank 1) at byte offset `at` of the arena. */
static uint16_t s8_tensor(s8_net *n, uint8_t rank, uint16_t d0, uint16_t d1, uint16_t d2, uint32_t at,
                          float scale, int32_t zp) {
    anne_tensor *t = &n->t[n->n_t];
    t->dtype = ANNE_DTYPE_S8;
    t->rank = rank;
    t->dims[0] = d0, t->dims[1] = d1, t->dims[2] = d2, t->dims[3] = 1;
    t->offset = at;
    t->scale = scale;
    t->zero_point = zp;
    if (at + (uint32_t)d0 * d1 * d2 > n->arena) n->arena = at + (uint32_t)d0 * d1 * d2;
    return n->n_t++;
}

/* The next op, reading tensor `in` and writing the tensor made for it (`out`). */
static anne_op *s8_op(s8_net *n, anne_op_kind kind, uint16_t in, uint16_t out) {
    anne_op *op = &n->op[out - 1u];
    op->kind = kind;
    op->activation = ANNE_ACT_LINEAR;
    op->n_inputs = 1;
    op->inputs[0] = in;
    op->output = out;
    return op;
}

/* A Dense, Conv2D or DepthwiseConv2D op with `taps` products per output and c output channels: random
 * kernel (kernel_values bytes) and bias, relu (a clamp at the output's zero point) or none. */
static void s8_weighted(s8_net *n, anne_op *op, uint32_t kernel_values, uint32_t taps, uint16_t c, int relu) {
    int8_t *k = s8_alloc(n, kernel_values);
    int32_t *b = s8_alloc(n, 4u * c), *aux = s8_alloc(n, 8u + 8u * c);
    uint32_t i;
    if (n->failed) return;
    for (i = 0; i < kernel_values; i++) k[i] = (int8_t)((int32_t)anne_rng_below(&n->rng, 255u) - 127);
    for (i = 0; i < c; i++) b[i] = (int32_t)anne_rng_below(&n->rng, 400u * taps + 1u) - (int32_t)(200u * taps);
    aux[0] = relu ? n->t[op->output].zero_point : -128;
    aux[1] = 127;
    for (i = 0; i < c; i++) {
        /* a sum of taps products of about 73 x 60 each, spread to about +-60 output steps */
        double m = 60.0 / (sqrt((double)taps) * 73.0 * 60.0) * (0.6 + 0.8 * (double)anne_rng_uniform(&n->rng));
        s8_multiplier(m, &aux[2 + i], &aux[2 + c + i]);
    }
    if (relu) op->activation = ANNE_ACT_RELU, op->param[1] = INFINITY;
    op->kernel = k, op->kernel_size = kernel_values;
    op->bias = b, op->bias_size = 4u * c;
    op->aux = aux, op->aux_size = 8u + 8u * c;
}

/* A convolution (depthwise: dw) of tensor `in` to a new tensor at `at`: kernel kh x kw, stride s, 'same'
 * padding as TF places it (the extra row or column after), out_c channels, relu. */
static uint16_t s8_conv(s8_net *n, uint16_t in, uint32_t at, int dw, uint16_t kh, uint16_t kw, uint16_t s,
                        uint16_t out_c) {
    const anne_tensor *x = &n->t[in];
    uint16_t oh = (uint16_t)((x->dims[0] + s - 1u) / s), ow = (uint16_t)((x->dims[1] + s - 1u) / s);
    int32_t ph = ((oh - 1) * s + kh - x->dims[0]), pw = ((ow - 1) * s + kw - x->dims[1]);
    uint16_t out = s8_tensor(n, 3, oh, ow, out_c, at, 0.05f, -128);
    anne_op *op = s8_op(n, dw ? ANNE_OP_DEPTHWISE_CONV2D : ANNE_OP_CONV2D, in, out);
    uint32_t taps = (uint32_t)kh * kw * (dw ? 1u : x->dims[2]);
    op->attr[0] = kh, op->attr[1] = kw, op->attr[2] = op->attr[3] = s, op->attr[4] = op->attr[5] = 1;
    op->attr[6] = (uint16_t)(ph > 0 ? ph / 2 : 0), op->attr[7] = (uint16_t)(pw > 0 ? pw / 2 : 0);
    s8_weighted(n, op, taps * out_c, taps, out_c, 1);
    return out;
}

static int s8_write(s8_net *n, const char *dir, const char *name) {
    anne_graph_desc d;
    char path[1024];
    void *buf = NULL;
    size_t size = 0;
    FILE *f;
    int rc = 1;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.n_tensors = n->n_t, d.tensors = n->t, d.n_ops = (uint16_t)(n->n_t - 1u), d.ops = n->op;
    d.arena_bytes = (n->arena + 3u) & ~3u;
    if (n->failed || anne_graph_write(&d, NULL, 0, &size) != ANNE_OK || (buf = malloc(size)) == NULL ||
        anne_graph_write(&d, buf, size, &size) != ANNE_OK) {
        fprintf(stderr, "anne_mcu_host: cannot write the int8 model %s\n", name);
    } else {
        snprintf(path, sizeof path, "%s/%s.anne", dir, name);
        f = fopen(path, "wb");
        if (f != NULL && fwrite(buf, 1, size, f) == size && fclose(f) == 0) {
            rc = 0;
        } else {
            fprintf(stderr, "anne_mcu_host: cannot write %s\n", path);
            if (f != NULL) fclose(f);
            remove(path);
        }
    }
    free(buf);
    while (n->n_mem > 0) free(n->mem[--n->n_mem]);
    return rc;
}

static void s8_start(s8_net *n, uint64_t stream) {
    memset(n, 0, sizeof *n);
    anne_rng_seed(&n->rng, 2026u, stream);
}

/* MLPerf Tiny's DS-CNN for keyword spotting, random weights; buffers A = [0, 8000), B = [8000, 16000). */
static int s8_ds_cnn(const char *dir) {
    s8_net n;
    uint16_t t, k;
    anne_op *op;
    int32_t *aux;
    uint16_t *exp_table;
    s8_start(&n, 1u);
    t = s8_tensor(&n, 3, 49, 10, 1, 8000u, 1.0f / 64.0f, 5);
    t = s8_conv(&n, t, 0u, 0, 10, 4, 2, 64);
    for (k = 0; k < 4; k++) {
        t = s8_conv(&n, t, 8000u, 1, 3, 3, 1, 64);
        t = s8_conv(&n, t, 0u, 0, 1, 1, 1, 64);
    }
    /* the average over the 25 x 5 positions (TFLite's MEAN): same scale in and out, so its multiplier is
     * 1 / 125 as anne_s8_mean_prepare makes it: (2^30 2^6) / 125 with shift 1 - 6 */
    t = s8_tensor(&n, 1, 64, 1, 1, 8000u, 0.05f, -128);
    op = s8_op(&n, ANNE_OP_GLOBAL_AVG_POOL, (uint16_t)(t - 1u), t);
    aux = s8_alloc(&n, 8u);
    if (aux != NULL) aux[0] = (int32_t)(((int64_t)1 << 36) / 125), aux[1] = 1 - 6;
    op->aux = aux, op->aux_size = 8u;
    t = s8_tensor(&n, 1, 12, 1, 1, 8064u, 0.125f, 0);
    s8_weighted(&n, s8_op(&n, ANNE_OP_DENSE, (uint16_t)(t - 1u), t), 64u * 12u, 64u, 12, 0);
    t = s8_tensor(&n, 1, 12, 1, 1, 8080u, 1.0f / 256.0f, -128);
    op = s8_op(&n, ANNE_OP_ACTIVATION, (uint16_t)(t - 1u), t);
    op->activation = ANNE_ACT_SOFTMAX;
    exp_table = s8_alloc(&n, 512u);
    for (k = 0; exp_table != NULL && k < 256u; k++) {
        exp_table[k] = (uint16_t)lround(32768.0 * exp(-(double)k * 0.125));
    }
    op->aux = exp_table, op->aux_size = 512u;
    n.arena = 16000u;
    return s8_write(&n, dir, "ds_cnn_kws");
}

/* One convolution over a (16, 16, c) input: in at 0, out after it. */
static int s8_layer(const char *dir, const char *name, int dw, uint16_t k, uint16_t c, uint16_t out_c,
                    int32_t in_zp) {
    s8_net n;
    uint16_t t;
    s8_start(&n, 2u + k + c);
    t = s8_tensor(&n, 3, 16, 16, c, 0u, 1.0f / 64.0f, in_zp);
    s8_conv(&n, t, 16u * 16u * c, dw, k, k, 1, out_c);
    return s8_write(&n, dir, name);
}

int anne_mcu_s8_models(const char *dir) {
    int rc = s8_ds_cnn(dir);
    if (rc == 0) rc = s8_layer(dir, "conv3x3_16", 0, 3, 16, 16, 3);
    if (rc == 0) rc = s8_layer(dir, "dwconv3x3_64", 1, 3, 64, 64, -128);
    if (rc == 0) rc = s8_layer(dir, "pwconv_64", 0, 1, 64, 64, -128);
    return rc;
}

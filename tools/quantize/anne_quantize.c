/* The quantizer: runs the float model on calibration data to find each tensor's range, then writes
 * the integer model (Q16.16 weights, or int8 weights with TFLite's quantization parameters, lookup
 * tables and exp tables). Host only: double precision where the choice is made. */
#include "anne_quantize.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"
#include "anne_quantize_graph.h"
#include "anne_quantize_math.h"
#include "anne_quantize_ops.h"

/* Record layout of docs/format.md ("Quantized layers"); kept here in one place for the host. */
#define ANNE__QREC_HDR 40u

typedef struct anne__range {
    double lo, hi;
} anne__range;

/* Per layer: ranges of the layer's input (x), dense output (z) and activation output (y). */
typedef struct anne__calib {
    anne__range *x, *z, *y; /* (n_layers) */
} anne__calib;

static void anne__range_add(anne__range *r, const float *v, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if ((double)v[i] < r->lo) r->lo = (double)v[i];
        if ((double)v[i] > r->hi) r->hi = (double)v[i];
    }
}

static float anne__ir_scale(const anne_ir *ir, size_t i, float x) {
    if (ir->scaling == ANNE_SCALING_STANDARDIZE) return (x - ir->scale_a[i]) / ir->scale_b[i];
    if (ir->scaling == ANNE_SCALING_MINMAX) return (x - ir->scale_a[i]) / (ir->scale_b[i] - ir->scale_a[i]);
    return x;
}

static void anne__act_f32(const anne_ir_layer *l, float *v, size_t n) {
    if (l->activation == ANNE_ACT_PRELU) anne_prelu_forward_f32(v, n, l->act_data);
    else anne_activation_forward_f32(v, n, l->activation, l->param);
}

/* Runs the float model over the calibration rows, recording every tensor's range. */
static int anne__calibrate(const anne_ir *ir, const float *calib, size_t n_rows, anne__calib *c, anne_error *err) {
    size_t width = ir->n_inputs, r, i, k;
    float *a, *b;
    for (i = 0; i < ir->n_layers; i++) {
        if (ir->layers[i].n_out > width) width = ir->layers[i].n_out;
        c->x[i].lo = c->z[i].lo = c->y[i].lo = DBL_MAX;
        c->x[i].hi = c->z[i].hi = c->y[i].hi = -DBL_MAX;
    }
    a = malloc(2u * width * sizeof *a);
    if (a == NULL) return anne_error_set(err, "out of memory");
    b = a + width;
    for (r = 0; r < n_rows; r++) {
        for (k = 0; k < ir->n_inputs; k++) a[k] = anne__ir_scale(ir, k, calib[r * ir->n_inputs + k]);
        for (i = 0; i < ir->n_layers; i++) {
            const anne_ir_layer *l = &ir->layers[i];
            anne__range_add(&c->x[i], a, l->n_in);
            anne_dense_forward_f32(b, a, l->kernel, l->bias, l->n_in, l->n_out);
            anne__range_add(&c->z[i], b, l->n_out);
            anne__act_f32(l, b, l->n_out);
            anne__range_add(&c->y[i], b, l->n_out);
            memcpy(a, b, l->n_out * sizeof *a);
        }
    }
    free(a);
    for (i = 0; i < ir->n_layers; i++) {
        if (!isfinite(c->z[i].lo) || !isfinite(c->z[i].hi) || !isfinite(c->y[i].lo) || !isfinite(c->y[i].hi)) {
            return anne_error_set(err, "layer %zu: the calibration data gives values that are not finite", i + 1u);
        }
    }
    return 0;
}

void *anne_quantize_keep_alloc(anne_quantize_keep *k, size_t bytes) {
    void *p;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2u * k->cap : 16u;
        void **np = realloc(k->p, cap * sizeof *np);
        if (np == NULL) return NULL;
        k->p = np;
        k->cap = cap;
    }
    p = calloc(bytes ? bytes : 1u, 1);
    if (p != NULL) k->p[k->n++] = p;
    return p;
}

void anne_quantize_keep_free(anne_quantize_keep *k) {
    size_t i;
    for (i = 0; i < k->n; i++) free(k->p[i]);
    free(k->p);
    k->p = NULL;
    k->n = k->cap = 0;
}

static void anne__put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void anne__putf(unsigned char *p, float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    anne__put32(p, u);
}

static const char *anne__lname(const anne_ir_layer *l) {
    return l->name != NULL ? l->name : "";
}

static int anne__layer_q16(const anne_ir_layer *l, size_t index, anne_layer *out, anne_quantize_keep *q, anne_error *err) {
    int32_t *k = anne_quantize_keep_alloc(q, (size_t)l->n_in * l->n_out * sizeof *k), *b = NULL;
    size_t i, j;
    if (k == NULL) return anne_error_set(err, "out of memory");
    for (j = 0; j < l->n_out; j++) {
        uint64_t l1 = 0;
        for (i = 0; i < l->n_in; i++) {
            int32_t w = anne_q16_from_double((double)l->kernel[j * l->n_in + i]);
            k[j * l->n_in + i] = w;
            l1 += w >= 0 ? (uint64_t)w : (uint64_t)(-(int64_t)w);
        }
        if (l1 > ANNE_Q16_ROW_L1_MAX) {
            return anne_error_set(err,
                                  "layer %zu%s%s, unit %zu: its weights sum to %.1f in absolute value; Q16.16 "
                                  "allows at most 32768 per unit",
                                  index + 1u, l->name ? " " : "", anne__lname(l), j + 1u, (double)l1 / 65536.0);
        }
    }
    if (l->bias != NULL) {
        b = anne_quantize_keep_alloc(q, l->n_out * sizeof *b);
        if (b == NULL) return anne_error_set(err, "out of memory");
        for (j = 0; j < l->n_out; j++) b[j] = anne_q16_from_double((double)l->bias[j]);
    }
    out->kernel = k;
    out->bias = b;
    return 0;
}

size_t anne_quantize_s8_aux_size(uint32_t n, anne_s8_act_kind kind) {
    return ANNE__QREC_HDR + 16u * n + (kind == ANNE_S8_ACT_LUT ? 256u : kind == ANNE_S8_ACT_SOFTMAX ? 512u : 0u);
}

uint32_t anne_quantize_s8_aux(unsigned char *aux, const anne_s8_aux_spec *s, uint32_t n) {
    uint32_t i, j;
    anne__putf(aux + 0, s->in_scale);
    anne__put32(aux + 4, (uint32_t)s->in_zp);
    anne__putf(aux + 8, s->z_scale);
    anne__put32(aux + 12, (uint32_t)s->z_zp);
    anne__putf(aux + 16, s->out_scale);
    anne__put32(aux + 20, (uint32_t)s->out_zp);
    anne__put32(aux + 24, (uint32_t)s->act_min);
    anne__put32(aux + 28, (uint32_t)s->act_max);
    anne__put32(aux + 32, (uint32_t)s->kind);
    anne__put32(aux + 36, 1u); /* flags: the record has zp_bias (docs/format.md) */
    for (j = 0; j < n; j++) {
        int32_t m, sh, sum = 0;
        for (i = 0; i < s->n_in; i++) sum += s->kernel[j * s->n_in + i];
        /* exact: |bias| <= 2^31 - 1 - 127 * 255 * n_in and |in_zp * sum| <= 128 * 127 * n_in */
        anne__put32(aux + ANNE__QREC_HDR + 4u * (3u * n + j),
                    (uint32_t)((s->bias != NULL ? s->bias[j] : 0) - s->in_zp * sum));
        /* as TFLite: the float scales, multiplied in double (the int8 graphs' and the importer's function) */
        if (anne_s8_channel_multipliers(s->in_scale, &s->w_scale[j], 1u, s->z_scale, &m, &sh) != 0) return j + 1u;
        anne__put32(aux + ANNE__QREC_HDR + 4u * j, (uint32_t)m);
        anne__put32(aux + ANNE__QREC_HDR + 4u * (n + j), (uint32_t)sh);
        anne__putf(aux + ANNE__QREC_HDR + 4u * (2u * n + j), s->w_scale[j]);
    }
    if (s->kind == ANNE_S8_ACT_LUT) {
        anne_quantize_s8_lut(aux + ANNE__QREC_HDR + 16u * n, s->activation, s->param, s->z_scale, s->z_zp,
                             s->out_scale, s->out_zp);
    } else if (s->kind == ANNE_S8_ACT_SOFTMAX) {
        anne_quantize_s8_exp_table(aux + ANNE__QREC_HDR + 16u * n, s->z_scale);
    }
    return 0;
}

void anne_quantize_s8_lut(unsigned char lut[256], anne_activation activation, const float *param, float in_scale,
                          int32_t in_zp, float out_scale, int32_t out_zp) {
    uint32_t i;
    for (i = 0; i < 256u; i++) { /* the activation at each of the 256 possible inputs, exactly */
        float v = anne_s8_dequantize((int8_t)((int32_t)i - 128), in_scale, in_zp);
        anne_activation_forward_f32(&v, 1, activation, param);
        lut[i] = (unsigned char)anne_s8_quantize(v, out_scale, out_zp);
    }
}

void anne_quantize_s8_exp_table(unsigned char table[512], float in_scale) {
    uint32_t i;
    for (i = 0; i < 256u; i++) {
        uint32_t e = (uint32_t)floor(32768.0 * exp(-(double)i * (double)in_scale) + 0.5);
        table[2u * i] = (unsigned char)e;
        table[2u * i + 1u] = (unsigned char)(e >> 8);
    }
}

int anne_quantize_write(const anne_model_desc *d, unsigned char **bytes, size_t *size, anne_error *err) {
    anne_status st = anne_model_write(d, NULL, 0, size);
    *bytes = NULL;
    if (st == ANNE_OK) {
        *bytes = malloc(*size);
        if (*bytes == NULL) {
            *size = 0;
            return anne_error_set(err, "out of memory");
        }
        st = anne_model_write(d, *bytes, *size, size);
    }
    if (st != ANNE_OK) {
        free(*bytes);
        *bytes = NULL;
        *size = 0;
        return anne_error_set(err, "cannot write the quantized model: %s", anne_status_str(st));
    }
    return 0;
}

/* Is the activation a clamp of the requantized output (TFLite's fused relu / relu6)? */
static int anne__is_clamp(const anne_ir_layer *l) {
    return l->activation == ANNE_ACT_LINEAR ||
           (l->activation == ANNE_ACT_RELU && l->param[0] == 0.0f && l->param[2] == 0.0f);
}

static int anne__layer_s8(const anne_ir_layer *l, size_t index, const anne__calib *c, float in_scale, int32_t in_zp,
                          int per_tensor, anne_layer *out, float *out_scale, int32_t *out_zp, anne_quantize_keep *q,
                          anne_error *err) {
    uint32_t n = l->n_out, kind, j, i;
    size_t aux_size;
    unsigned char *aux;
    int8_t *k = anne_quantize_keep_alloc(q, (size_t)l->n_in * n);
    int32_t *b = NULL;
    float z_scale, y_scale, *w_scale = malloc(n * sizeof *w_scale);
    int32_t z_zp, y_zp, act_min = -128, act_max = 127;
    anne_s8_aux_spec spec;
    double bias_limit = 2147483647.0 - (double)l->n_in * 127.0 * 255.0;
    if (k == NULL || w_scale == NULL) {
        free(w_scale);
        return anne_error_set(err, "out of memory");
    }
    if (l->activation == ANNE_ACT_PRELU) {
        free(w_scale);
        return anne_error_set(err, "layer %zu%s%s: prelu has no int8 form (quantize to q16 instead)", index + 1u,
                              l->name ? " " : "", anne__lname(l));
    }
    kind = anne__is_clamp(l)                       ? ANNE_S8_ACT_CLAMP
           : l->activation == ANNE_ACT_SOFTMAX ? ANNE_S8_ACT_SOFTMAX
                                               : ANNE_S8_ACT_LUT;
    /* output quantization: from the activation's range; softmax has TFLite's fixed 1/256, -128 */
    if (kind == ANNE_S8_ACT_SOFTMAX) {
        y_scale = 1.0f / 256.0f;
        y_zp = -128;
    } else {
        anne_choose_qparams(c->y[index].lo, c->y[index].hi, &y_scale, &y_zp);
    }
    if (kind == ANNE_S8_ACT_CLAMP) {
        z_scale = y_scale;
        z_zp = y_zp;
        if (l->activation == ANNE_ACT_RELU) {
            act_min = y_zp; /* quantized 0 */
            if (isfinite(l->param[1])) {
                double hi = (double)y_zp + round((double)l->param[1] / (double)y_scale);
                act_max = hi > 127.0 ? 127 : (int32_t)hi;
            }
        }
    } else {
        anne_choose_qparams(c->z[index].lo, c->z[index].hi, &z_scale, &z_zp);
    }
    /* weights: symmetric, per unit (or one scale for the layer) */
    if (per_tensor) {
        float s = anne_symmetric_scale(l->kernel, (uint32_t)l->n_in * n);
        for (j = 0; j < n; j++) w_scale[j] = s;
    } else {
        for (j = 0; j < n; j++) w_scale[j] = anne_symmetric_scale(l->kernel + (size_t)j * l->n_in, l->n_in);
    }
    for (j = 0; j < n; j++) {
        for (i = 0; i < l->n_in; i++) k[j * l->n_in + i] = anne_quantize_weight(l->kernel[j * l->n_in + i], w_scale[j]);
    }
    if (l->bias != NULL) {
        b = anne_quantize_keep_alloc(q, n * sizeof *b);
        if (b == NULL) {
            free(w_scale);
            return anne_error_set(err, "out of memory");
        }
        for (j = 0; j < n; j++) {
            double v = round((double)l->bias[j] / ((double)in_scale * (double)w_scale[j]));
            b[j] = (int32_t)(v > bias_limit ? bias_limit : (v < -bias_limit ? -bias_limit : v));
        }
    }
    spec.in_scale = in_scale;
    spec.in_zp = in_zp;
    spec.z_scale = z_scale;
    spec.z_zp = z_zp;
    spec.out_scale = y_scale;
    spec.out_zp = y_zp;
    spec.act_min = act_min;
    spec.act_max = act_max;
    spec.kind = (anne_s8_act_kind)kind;
    spec.activation = l->activation;
    spec.param = l->param;
    spec.w_scale = w_scale;
    spec.kernel = k;
    spec.bias = b;
    spec.n_in = l->n_in;
    aux_size = anne_quantize_s8_aux_size(n, spec.kind);
    aux = anne_quantize_keep_alloc(q, aux_size);
    if (aux == NULL) {
        free(w_scale);
        return anne_error_set(err, "out of memory");
    }
    j = anne_quantize_s8_aux(aux, &spec, n);
    if (j != 0) {
        free(w_scale);
        return anne_error_set(err, "layer %zu%s%s, unit %zu: the requantization factor is too large for int8 "
                              "(the calibration range of its outputs is too narrow)",
                              index + 1u, l->name ? " " : "", anne__lname(l), (size_t)j);
    }
    free(w_scale);
    out->kernel = k;
    out->bias = b;
    out->aux = aux;
    out->aux_size = (uint32_t)aux_size;
    *out_scale = y_scale;
    *out_zp = y_zp;
    return 0;
}

int anne_quantize(const anne_ir *ir, const float *calib, size_t n_rows, const anne_quantize_opts *opts,
                  unsigned char **bytes, size_t *size, anne_quantize_info *info, anne_error *err) {
    anne_quantize_keep q = {NULL, 0, 0};
    anne__calib c = {NULL, NULL, NULL};
    anne_layer *layers = NULL;
    anne_model_desc d;
    float in_scale = 1.0f;
    int32_t in_zp = 0;
    size_t i;
    int rc = -1;

    if (ir->n_ops > 0) return anne_quantize_graph(ir, calib, n_rows, opts, bytes, size, info, err);
    *bytes = NULL;
    *size = 0;
    memset(info, 0, sizeof *info);
    if (ir->n_layers == 0) return anne_error_set(err, "the model has no layers");
    if (n_rows == 0) return anne_error_set(err, "no calibration rows");
    c.x = calloc(3u * ir->n_layers, sizeof *c.x);
    layers = calloc(ir->n_layers, sizeof *layers);
    if (c.x == NULL || layers == NULL) {
        anne_error_set(err, "out of memory");
        goto done;
    }
    c.z = c.x + ir->n_layers;
    c.y = c.z + ir->n_layers;
    if (anne__calibrate(ir, calib, n_rows, &c, err) != 0) goto done;
    anne_choose_qparams(c.x[0].lo, c.x[0].hi, &in_scale, &in_zp);
    for (i = 0; i < ir->n_layers; i++) {
        const anne_ir_layer *l = &ir->layers[i];
        double m = fmax(fmax(fabs(c.x[i].lo), fabs(c.x[i].hi)), fmax(fmax(fabs(c.z[i].lo), fabs(c.z[i].hi)),
                                                                    fmax(fabs(c.y[i].lo), fabs(c.y[i].hi))));
        if (m > info->max_abs_activation) info->max_abs_activation = m;
        if (m >= 32768.0) info->saturating_layers++;
        layers[i].kind = l->kind;
        layers[i].dtype = opts->to;
        layers[i].activation = l->activation;
        memcpy(layers[i].param, l->param, sizeof l->param);
        layers[i].n_in = l->n_in;
        layers[i].n_out = l->n_out;
        layers[i].act_data = l->act_data;
        if (opts->to == ANNE_DTYPE_Q16) {
            if (anne__layer_q16(l, i, &layers[i], &q, err) != 0) goto done;
        } else {
            if (anne__layer_s8(l, i, &c, in_scale, in_zp, opts->per_tensor, &layers[i], &in_scale, &in_zp, &q,
                               err) != 0) {
                goto done;
            }
        }
    }
    memset(&d, 0, sizeof d);
    d.name = ir->name;
    d.n_inputs = ir->n_inputs;
    d.n_layers = (uint16_t)ir->n_layers;
    d.layers = layers;
    d.scaling.kind = ir->scaling;
    d.scaling.a = ir->scale_a;
    d.scaling.b = ir->scale_b;
    d.n_classes = ir->n_classes;
    d.class_names = (const char *const *)ir->class_names;
    if (anne_quantize_write(&d, bytes, size, err) != 0) goto done;
    rc = 0;
done:
    anne_quantize_keep_free(&q);
    free(c.x);
    free(layers);
    return rc;
}

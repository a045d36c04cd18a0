/* The trainer: carves the caller's arena, runs forward and backward passes one sample at a time,
 * sums gradients over a mini-batch and applies the optimizer to the trainable layers. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "anne_format.h"
#include "anne_prelu_grad.h"
#include "anne_train.h"

/* Where the layers come from: an architecture description or a loaded model. */
typedef struct anne__source {
    const anne_model_desc *desc;
    const anne_model *model;
} anne__source;

/* Sizes of every part of the arena, computed once from the shapes. */
typedef struct anne__plan {
    uint16_t n_inputs, n_outputs, n_layers, width;
    uint32_t n_params, moments, n_acts;
    int scaled;
    uint64_t layer_bytes, floats, total;
} anne__plan;

/* The alignment anne_layer needs (it holds pointers), in C99. */
typedef struct anne__align_probe {
    char c;
    anne_layer layer;
} anne__align_probe;
#define ANNE__LAYER_ALIGN offsetof(anne__align_probe, layer)

static uint16_t anne__src_inputs(const anne__source *s) {
    return s->desc != NULL ? s->desc->n_inputs : s->model->n_inputs;
}

static uint16_t anne__src_n_layers(const anne__source *s) {
    return s->desc != NULL ? s->desc->n_layers : s->model->n_layers;
}

static const anne_scaling *anne__src_scaling(const anne__source *s) {
    return s->desc != NULL ? &s->desc->scaling : &s->model->scaling;
}

static anne_status anne__src_layer(const anne__source *s, uint16_t i, anne_layer *out) {
    if (s->desc != NULL) {
        *out = s->desc->layers[i];
        return ANNE_OK;
    }
    return anne_model_layer(s->model, i, out);
}

/* A layer has a bias unless it comes with a kernel and without a bias. */
static int anne__has_bias(const anne_layer *l) {
    return l->kernel == NULL || l->bias != NULL;
}

/* Trainable floats of a layer: kernel, bias if any, prelu's alphas; adjacent in the parameter block. */
static uint64_t anne__layer_params(const anne_layer *l, int has_bias) {
    return (uint64_t)l->n_in * l->n_out + (has_bias ? l->n_out : 0u) +
           (l->activation == ANNE_ACT_PRELU ? l->n_out : 0u);
}

static anne_status anne__check_scaling(const anne_scaling *sc, uint16_t n) {
    uint16_t i;
    if (sc->kind == ANNE_SCALING_NONE) return ANNE_OK;
    if (sc->kind != ANNE_SCALING_STANDARDIZE && sc->kind != ANNE_SCALING_MINMAX) return ANNE_ERR_BAD_SCALING;
    if (sc->a == NULL || sc->b == NULL) return ANNE_ERR_NULL_ARG;
    for (i = 0; i < n; i++) {
        if (!anne__scaling_ok((uint32_t)sc->kind, sc->a[i], sc->b[i])) return ANNE_ERR_BAD_VALUE;
    }
    return ANNE_OK;
}

static anne_status anne__plan_make(anne__plan *p, const anne__source *s, anne_optimizer_kind opt) {
    uint16_t i, prev;
    uint64_t params = 0, acts = 0;
    anne_status st;
    memset(p, 0, sizeof *p);
    if ((unsigned)opt >= (unsigned)ANNE_OPTIMIZER_KIND_COUNT) return ANNE_ERR_BAD_ARG;
    if (s->desc != NULL && s->desc->layers == NULL) return ANNE_ERR_NULL_ARG;
    p->n_inputs = anne__src_inputs(s);
    p->n_layers = anne__src_n_layers(s);
    if (p->n_inputs == 0) return ANNE_ERR_SHAPE;
    if (p->n_layers == 0 || p->n_layers > ANNE_MAX_LAYERS) return ANNE_ERR_BAD_ARG;
    st = anne__check_scaling(anne__src_scaling(s), p->n_inputs);
    if (st != ANNE_OK) return st;
    p->scaled = anne__src_scaling(s)->kind != ANNE_SCALING_NONE;
    prev = p->n_inputs;
    p->width = prev;
    for (i = 0; i < p->n_layers; i++) {
        anne_layer l;
        st = anne__src_layer(s, i, &l);
        if (st != ANNE_OK) return st;
        if (l.kind != ANNE_LAYER_DENSE) return ANNE_ERR_BAD_LAYER;
        if (l.dtype != ANNE_DTYPE_F32) return ANNE_ERR_UNSUPPORTED_DTYPE;
        st = anne_activation_check(l.activation, l.param);
        if (st != ANNE_OK) return st;
        if (l.n_in != prev || l.n_out == 0) return ANNE_ERR_SHAPE;
        params += anne__layer_params(&l, anne__has_bias(&l));
        acts += 2u * (uint64_t)l.n_out;
        if (l.n_out > p->width) p->width = l.n_out;
        prev = l.n_out;
    }
    if (params > 0x3FFFFFFFu) return ANNE_ERR_BAD_ARG;
    p->n_outputs = prev;
    p->n_params = (uint32_t)params;
    p->moments = anne_optimizer_moments(opt);
    p->n_acts = (uint32_t)(p->n_inputs + acts);
    p->layer_bytes = (uint64_t)p->n_layers * sizeof(anne_layer);
    p->floats = params * (2u + p->moments) + (p->scaled ? 2u * p->n_inputs : 0u) + p->n_acts + 2u * p->width +
                p->n_outputs;
    p->total = p->layer_bytes + 4u * p->floats + p->n_layers;
    if (p->total > (uint64_t)(size_t)-1) return ANNE_ERR_BAD_ARG;
    return ANNE_OK;
}

anne_status anne_trainer_arena_size(const anne_model_desc *arch, anne_optimizer_kind opt, size_t *size) {
    anne__source s;
    anne__plan p;
    anne_status st;
    if (arch == NULL || size == NULL) return ANNE_ERR_NULL_ARG;
    s.desc = arch;
    s.model = NULL;
    *size = 0;
    st = anne__plan_make(&p, &s, opt);
    if (st == ANNE_OK) *size = (size_t)p.total;
    return st;
}

anne_status anne_trainer_arena_size_model(const anne_model *model, anne_optimizer_kind opt, size_t *size) {
    anne__source s;
    anne__plan p;
    anne_status st;
    if (model == NULL || size == NULL) return ANNE_ERR_NULL_ARG;
    if (model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    s.desc = NULL;
    s.model = model;
    *size = 0;
    st = anne__plan_make(&p, &s, opt);
    if (st == ANNE_OK) *size = (size_t)p.total;
    return st;
}

static anne_status anne__check_config(const anne_train_config *c) {
    const anne_optimizer *o = &c->optimizer;
    if ((unsigned)c->loss >= (unsigned)ANNE_LOSS_COUNT) return ANNE_ERR_BAD_ARG;
    if ((unsigned)o->kind >= (unsigned)ANNE_OPTIMIZER_KIND_COUNT) return ANNE_ERR_BAD_ARG;
    if (!isfinite(o->lr) || o->lr < 0.0f) return ANNE_ERR_BAD_ARG;
    if (o->kind == ANNE_OPTIMIZER_MOMENTUM || o->kind == ANNE_OPTIMIZER_NESTEROV) {
        if (!(o->momentum >= 0.0f && o->momentum < 1.0f)) return ANNE_ERR_BAD_ARG;
    }
    if (o->kind == ANNE_OPTIMIZER_ADAM) {
        if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f) || !(o->beta2 >= 0.0f && o->beta2 < 1.0f)) return ANNE_ERR_BAD_ARG;
        if (!(o->epsilon > 0.0f) || !isfinite(o->epsilon)) return ANNE_ERR_BAD_ARG;
        if ((unsigned)o->adam_form >= (unsigned)ANNE_ADAM_FORM_COUNT) return ANNE_ERR_BAD_ARG;
    }
    return ANNE_OK;
}

static anne_status anne__init(anne_trainer *t, const anne__source *s, const anne_train_config *config, void *arena,
                              size_t arena_size) {
    anne__plan p;
    anne_status st;
    uint8_t *bytes = (uint8_t *)arena;
    float *f;
    const anne_scaling *sc;
    anne_rng rng;
    uint16_t i;
    if (t == NULL || config == NULL || arena == NULL) return ANNE_ERR_NULL_ARG;
    memset(t, 0, sizeof *t);
    st = anne__check_config(config);
    if (st != ANNE_OK) return st;
    st = anne__plan_make(&p, s, config->optimizer.kind);
    if (st != ANNE_OK) return st;
    if (((uintptr_t)arena % ANNE__LAYER_ALIGN) != 0u) return ANNE_ERR_ALIGNMENT;
    if (arena_size < p.total) return ANNE_ERR_ARENA_TOO_SMALL;
    memset(arena, 0, (size_t)p.total); /* zero gradients, moments and biases of new layers */

    t->n_inputs = p.n_inputs;
    t->n_outputs = p.n_outputs;
    t->n_layers = p.n_layers;
    t->width = p.width;
    t->loss = config->loss;
    t->opt = config->optimizer;
    t->n_params = p.n_params;
    t->beta1_pow = 1.0f;
    t->beta2_pow = 1.0f;
    t->layers = (anne_layer *)(void *)bytes;
    f = (float *)(void *)(bytes + p.layer_bytes);
    t->params = f;
    f += p.n_params;
    t->grads = f;
    f += p.n_params;
    if (p.moments >= 1u) {
        t->m = f;
        f += p.n_params;
    }
    if (p.moments >= 2u) {
        t->v = f;
        f += p.n_params;
    }
    sc = anne__src_scaling(s);
    t->scaling.kind = sc->kind;
    if (p.scaled) {
        memcpy(f, sc->a, (size_t)p.n_inputs * sizeof *f);
        memcpy(f + p.n_inputs, sc->b, (size_t)p.n_inputs * sizeof *f);
        t->scaling.a = f;
        t->scaling.b = f + p.n_inputs;
        f += 2u * p.n_inputs;
    }
    t->acts = f;
    f += p.n_acts;
    t->delta[0] = f;
    f += p.width;
    t->delta[1] = f;
    f += p.width;
    t->target = f;
    f += p.n_outputs;
    t->trainable = (uint8_t *)f;

    anne_rng_seed(&rng, config->seed, ANNE_RNG_STREAM_INIT);
    f = t->params;
    for (i = 0; i < p.n_layers; i++) {
        anne_layer src, *dst = &t->layers[i];
        uint32_t nk;
        (void)anne__src_layer(s, i, &src); /* checked by the plan */
        nk = (uint32_t)src.n_in * src.n_out;
        *dst = src;
        dst->kernel = f;
        if (src.kernel == NULL) {
            anne_init_glorot_uniform_f32(f, src.n_in, src.n_out, &rng);
        } else {
            memcpy(f, src.kernel, (size_t)nk * sizeof *f);
        }
        f += nk;
        dst->bias = NULL;
        if (anne__has_bias(&src)) {
            if (src.bias != NULL) memcpy(f, src.bias, (size_t)src.n_out * sizeof *f);
            dst->bias = f;
            f += src.n_out;
        }
        /* prelu: the alphas follow the bias; without given ones they start at 0, Keras' alpha_initializer */
        dst->act_data = NULL;
        if (src.activation == ANNE_ACT_PRELU) {
            if (src.act_data != NULL) memcpy(f, src.act_data, (size_t)src.n_out * sizeof *f);
            dst->act_data = f;
            f += src.n_out;
        }
        t->trainable[i] = ANNE_TRAINER_TRAINABLE;
    }
    return ANNE_OK;
}

anne_status anne_trainer_init(anne_trainer *t, const anne_model_desc *arch, const anne_train_config *config,
                              void *arena, size_t arena_size) {
    anne__source s;
    if (arch == NULL) return ANNE_ERR_NULL_ARG;
    s.desc = arch;
    s.model = NULL;
    return anne__init(t, &s, config, arena, arena_size);
}

anne_status anne_trainer_init_model(anne_trainer *t, const anne_model *model, const anne_train_config *config,
                                    void *arena, size_t arena_size) {
    anne__source s;
    if (model == NULL || model->layer_table == NULL) return ANNE_ERR_NULL_ARG;
    s.desc = NULL;
    s.model = model;
    return anne__init(t, &s, config, arena, arena_size);
}

anne_status anne_trainer_set_trainable(anne_trainer *t, uint16_t index, int trainable) {
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= t->n_layers) return ANNE_ERR_BAD_ARG;
    t->trainable[index] = (uint8_t)((t->trainable[index] & ~ANNE_TRAINER_TRAINABLE) | (trainable ? ANNE_TRAINER_TRAINABLE : 0u));
    return ANNE_OK;
}

anne_status anne_trainer_set_pruned(anne_trainer *t, uint16_t index, int pruned) {
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    if (index >= t->n_layers) return ANNE_ERR_BAD_ARG;
    t->trainable[index] = (uint8_t)((t->trainable[index] & ~ANNE_TRAINER_PRUNED) | (pruned ? ANNE_TRAINER_PRUNED : 0u));
    return ANNE_OK;
}

anne_status anne_trainer_prune(anne_trainer *t, float sparsity) {
    uint16_t i;
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    for (i = 0; i < t->n_layers; i++) {
        const anne_layer *l = &t->layers[i];
        anne_status st;
        if (t->trainable[i] != (ANNE_TRAINER_TRAINABLE | ANNE_TRAINER_PRUNED)) continue;
        st = anne_prune_magnitude_f32((float *)l->kernel, (size_t)l->n_in * l->n_out, sparsity, NULL);
        if (st != ANNE_OK) return st;
    }
    return ANNE_OK;
}

anne_status anne_trainer_set_lr(anne_trainer *t, float lr) {
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    if (!isfinite(lr) || lr < 0.0f) return ANNE_ERR_BAD_ARG;
    t->opt.lr = lr;
    return ANNE_OK;
}

/* Scales the input and runs every layer, keeping each z and act(z) for the backward pass.
 * Returns the last layer's act(z). */
static const float *anne__forward(anne_trainer *t, const float *input) {
    float *x = t->acts, *p;
    const float *prev = x;
    uint16_t i, n = t->n_inputs;
    const float *a = t->scaling.a, *b = t->scaling.b;
    switch (t->scaling.kind) {
    case ANNE_SCALING_STANDARDIZE:
        for (i = 0; i < n; i++) x[i] = (input[i] - a[i]) / b[i];
        break;
    case ANNE_SCALING_MINMAX:
        for (i = 0; i < n; i++) x[i] = (input[i] - a[i]) / (b[i] - a[i]);
        break;
    default: memcpy(x, input, (size_t)n * sizeof *x); break;
    }
    p = x + n;
    for (i = 0; i < t->n_layers; i++) {
        const anne_layer *l = &t->layers[i];
        float *z = p, *y = p + l->n_out; /* (n_out) each */
        anne_dense_forward_f32(z, prev, (const float *)l->kernel, (const float *)l->bias, l->n_in, l->n_out);
        memcpy(y, z, (size_t)l->n_out * sizeof *y);
        if (l->activation == ANNE_ACT_PRELU) {
            anne_prelu_forward_f32(y, l->n_out, (const float *)l->act_data);
        } else {
            anne_activation_forward_f32(y, l->n_out, l->activation, l->param);
        }
        prev = y;
        p += 2u * l->n_out;
    }
    return prev;
}

/* True when the scaled input of the last forward pass is finite. relu and the clipping activations
 * turn NaN into 0, so a finite loss does not prove a finite input, and an inf or NaN input would
 * still reach the kernel gradients through dw += g * in. */
static int anne__input_finite(const anne_trainer *t) {
    uint16_t i;
    for (i = 0; i < t->n_inputs; i++) {
        if (!isfinite(t->acts[i])) return 0;
    }
    return 1;
}

anne_status anne_trainer_predict(anne_trainer *t, float *output, const float *input) {
    const float *y;
    if (t == NULL || output == NULL || input == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    y = anne__forward(t, input);
    memcpy(output, y, (size_t)t->n_outputs * sizeof *output);
    return ANNE_OK;
}

/* Where layer li's alpha gradients are summed: NULL unless it is a trainable prelu layer. */
static float *anne__dalpha(anne_trainer *t, uint16_t li) {
    const anne_layer *l = &t->layers[li];
    if (l->activation != ANNE_ACT_PRELU || !(t->trainable[li] & ANNE_TRAINER_TRAINABLE)) return NULL;
    return t->grads + ((const float *)l->act_data - t->params);
}

/* d (n_out of layer li): dLoss/d(act(z)) in, dLoss/dz out, in place; z and y = act(z) are the layer's. */
static void anne__act_backward(anne_trainer *t, uint16_t li, float *d, const float *z, const float *y) {
    const anne_layer *l = &t->layers[li];
    if (l->activation == ANNE_ACT_PRELU) {
        anne_prelu_backward_f32(d, anne__dalpha(t, li), d, z, (const float *)l->act_data, l->n_out);
    } else {
        anne_activation_backward_f32(d, d, z, y, l->n_out, l->activation, l->param);
    }
}

/* The output layer's loss and, when d is not NULL, its gradient: with respect to z, except for a
 * prelu output, whose loss is taken on y (there is no logits form) and d is dLoss/dy. */
static anne_status anne__loss(const anne_trainer *t, float *value, float *d, const float *y, const float *target) {
    const anne_layer *last = &t->layers[t->n_layers - 1];
    if (last->activation == ANNE_ACT_PRELU) {
        return anne_loss_f32(value, d, y, y, target, last->n_out, t->loss, ANNE_ACT_LINEAR, last->param);
    }
    return anne_loss_f32(value, d, y - last->n_out, y, target, last->n_out, t->loss, last->activation, last->param);
}

anne_status anne_trainer_accumulate(anne_trainer *t, const float *input, const float *target, float *loss,
                                    float *output) {
    const anne_layer *last;
    const float *y;
    float *z, *cur, value;
    uint16_t first_trainable, li;
    anne_status st;
    if (t == NULL || input == NULL || target == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    y = anne__forward(t, input);
    if (output != NULL) memcpy(output, y, (size_t)t->n_outputs * sizeof *output);
    if (!anne__input_finite(t)) return ANNE_ERR_BAD_VALUE;
    last = &t->layers[t->n_layers - 1];
    z = (float *)y - last->n_out;
    cur = t->delta[0];
    st = anne__loss(t, &value, cur, y, target);
    if (st != ANNE_OK) return st;
    if (loss != NULL) *loss = value;
    /* a sample that overflows would poison every weight: refuse it before it reaches the sums */
    if (!isfinite(value)) return ANNE_ERR_BAD_VALUE;
    if (last->activation == ANNE_ACT_PRELU) anne__act_backward(t, (uint16_t)(t->n_layers - 1u), cur, z, y); /* dz */

    for (first_trainable = 0; first_trainable < t->n_layers && !(t->trainable[first_trainable] & ANNE_TRAINER_TRAINABLE); first_trainable++) {
    }
    /* walk down the layers; z points at layer li's pre-activations, its input sits just below */
    for (li = t->n_layers; li-- > first_trainable;) {
        const anne_layer *l = &t->layers[li];
        const float *in = li == 0 ? t->acts : z - l->n_in; /* (n_in): act(z) of layer li - 1 */
        int down = li > first_trainable;
        float *other = cur == t->delta[0] ? t->delta[1] : t->delta[0];
        float *dk = NULL, *db = NULL;
        if (t->trainable[li] & ANNE_TRAINER_TRAINABLE) {
            dk = t->grads + ((const float *)l->kernel - t->params);
            if (l->bias != NULL) db = t->grads + ((const float *)l->bias - t->params);
        }
        anne_dense_backward_f32(down ? other : NULL, dk, db, cur, in, (const float *)l->kernel, l->n_in, l->n_out);
        if (!down) break;
        {
            const anne_layer *below = &t->layers[li - 1];
            const float *y_below = in, *z_below = in - below->n_out;
            anne__act_backward(t, (uint16_t)(li - 1u), other, z_below, y_below);
            z = (float *)z_below;
        }
        cur = other;
    }
    t->n_accum++;
    return ANNE_OK;
}

/* Writes the target of class `label` into t->target: the class itself for one output, else one-hot. */
static anne_status anne__class_target(anne_trainer *t, uint16_t label) {
    uint16_t i;
    if (t->n_outputs == 1) {
        if (label > 1u) return ANNE_ERR_BAD_ARG;
        t->target[0] = (float)label;
    } else {
        if (label >= t->n_outputs) return ANNE_ERR_BAD_ARG;
        for (i = 0; i < t->n_outputs; i++) t->target[i] = i == label ? 1.0f : 0.0f;
    }
    return ANNE_OK;
}

anne_status anne_trainer_accumulate_class(anne_trainer *t, const float *input, uint16_t label, float *loss,
                                          float *output) {
    anne_status st;
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    st = anne__class_target(t, label);
    if (st != ANNE_OK) return st;
    return anne_trainer_accumulate(t, input, t->target, loss, output);
}

anne_status anne_trainer_evaluate(anne_trainer *t, const float *input, const float *target, float *loss, float *output) {
    const float *y;
    if (t == NULL || input == NULL || target == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    y = anne__forward(t, input);
    if (output != NULL) memcpy(output, y, (size_t)t->n_outputs * sizeof *output);
    if (!anne__input_finite(t)) return ANNE_ERR_BAD_VALUE;
    return anne__loss(t, loss, NULL, y, target);
}

anne_status anne_trainer_evaluate_class(anne_trainer *t, const float *input, uint16_t label, float *loss,
                                        float *output) {
    anne_status st;
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    st = anne__class_target(t, label);
    if (st != ANNE_OK) return st;
    return anne_trainer_evaluate(t, input, t->target, loss, output);
}

/* The optimizer on params[off, off + n). */
static void anne__update(anne_trainer *t, size_t off, size_t n, float scale) {
    anne_optimizer_update_f32(t->params + off, t->m != NULL ? t->m + off : NULL, t->v != NULL ? t->v + off : NULL,
                              t->grads + off, n, scale, &t->opt, t->beta1_pow, t->beta2_pow);
}

/* The optimizer on the non-zero params of [off, off + n), run by run: a pruned weight (exactly 0) is
 * never written, nor are its moments. */
static void anne__update_nonzero(anne_trainer *t, size_t off, size_t n, float scale) {
    size_t i = 0, start;
    while (i < n) {
        while (i < n && t->params[off + i] == 0.0f) i++;
        start = i;
        while (i < n && t->params[off + i] != 0.0f) i++;
        if (i > start) anne__update(t, off + start, i - start, scale);
    }
}

anne_status anne_trainer_step(anne_trainer *t) {
    uint16_t i;
    float scale;
    if (t == NULL || t->layers == NULL) return ANNE_ERR_NULL_ARG;
    if (t->n_accum == 0) return ANNE_OK;
    scale = 1.0f / (float)t->n_accum; /* the batch mean, as Keras' default loss reduction */
    t->steps++;
    t->beta1_pow *= t->opt.beta1;
    t->beta2_pow *= t->opt.beta2;
    for (i = 0; i < t->n_layers; i++) {
        const anne_layer *l = &t->layers[i];
        size_t off, n;
        if (!(t->trainable[i] & ANNE_TRAINER_TRAINABLE)) continue; /* frozen: never written, so bit-identical */
        off = (size_t)((const float *)l->kernel - t->params);
        n = (size_t)anne__layer_params(l, l->bias != NULL); /* kernel, bias and alphas are adjacent */
        if (t->trainable[i] & ANNE_TRAINER_PRUNED) { /* the kernel's zeros are left alone */
            size_t nk = (size_t)l->n_in * l->n_out;
            anne__update_nonzero(t, off, nk, scale);
            off += nk;
            n -= nk;
        }
        anne__update(t, off, n, scale);
    }
    memset(t->grads, 0, (size_t)t->n_params * sizeof *t->grads);
    t->n_accum = 0;
    return ANNE_OK;
}

anne_status anne_trainer_write(const anne_trainer *t, const char *name, uint16_t n_classes,
                               const char *const *class_names, void *buf, size_t cap, size_t *size_out) {
    anne_model_desc d;
    if (t == NULL || t->layers == NULL || size_out == NULL) return ANNE_ERR_NULL_ARG;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.n_inputs = t->n_inputs;
    d.n_layers = t->n_layers;
    d.layers = t->layers;
    d.scaling = t->scaling;
    d.n_classes = n_classes;
    d.class_names = class_names;
    return anne_model_write(&d, buf, cap, size_out);
}

/* Keras model config -> IR: the layer mapping every Keras-family importer shares. A chain of layers
 * becomes Dense layers: activation layers merge into the Dense before them (or become an identity
 * Dense), BatchNormalization folds into the Dense before it (or becomes a diagonal Dense), Rescaling
 * and Normalization at the input become the model's input scaling. Anything else is refused. */
#include "anne_keras.h"
#include "anne_keras_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_json_limits.h"

#define ANNE__SUPPORTED                                                                                    \
    "InputLayer, Dense, Activation, ReLU, LeakyReLU, ELU, PReLU, ThresholdedReLU, Softmax, "               \
    "BatchNormalization, Rescaling, Normalization, Flatten, Reshape, Dropout, "                            \
    "AlphaDropout, GaussianNoise, GaussianDropout, SpatialDropout1D/2D/3D, ActivityRegularization; "      \
    "and in graph models Conv1D/2D, DepthwiseConv1D/2D, SeparableConv1D/2D, MaxPooling1D/2D, "            \
    "AveragePooling1D/2D, GlobalAverage/MaxPooling1D/2D, ZeroPadding1D/2D, Cropping1D/2D, "              \
    "UpSampling1D/2D, Permute, LayerNormalization, Add, Subtract, Multiply, Average, Maximum, Minimum, "  \
    "Concatenate, TimeDistributed(Dense)"

void anne_keras_arrays_free(anne_keras_array *a, size_t n) {
    size_t i;
    if (a == NULL) return;
    for (i = 0; i < n; i++) free(a[i].data);
    free(a);
}

int anne_keras_major(const char *version) {
    if (version == NULL) return 2;
    while (*version != '\0' && !isdigit((unsigned char)*version)) version++;
    return *version == '3' && !isdigit((unsigned char)version[1]) ? 3 : 2;
}

void anne_keras_snake_case(const char *s, char *out, size_t cap) {
    /* Keras: re.sub("(.)([A-Z][a-z]+)", r"\1_\2"), then re.sub("([a-z])([A-Z])", r"\1_\2"), lower() */
    char tmp[256];
    size_t n = strlen(s), i, k = 0, j = 0;
    if (cap == 0) return;
    for (i = 0; i < n && k + 2 < sizeof tmp; i++) {
        if (i > 0 && isupper((unsigned char)s[i]) && i + 1 < n && islower((unsigned char)s[i + 1])) tmp[k++] = '_';
        tmp[k++] = s[i];
    }
    tmp[k] = '\0';
    for (i = 0; i < k && j + 2 < cap; i++) {
        if (i > 0 && islower((unsigned char)tmp[i - 1]) && isupper((unsigned char)tmp[i])) out[j++] = '_';
        out[j++] = (char)tolower((unsigned char)tmp[i]);
    }
    out[j] = '\0';
}

/* ---- reading the config ----------------------------------------------------------------------- */

const char *anne_keras_str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int anne_keras_read_model(const anne_keras_source *src, anne_keras_kmodel *m, anne_error *err) {
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(src->model, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(src->model, "config");
    const cJSON *list, *e;
    size_t i = 0;
    memset(m, 0, sizeof *m);
    if (!cJSON_IsString(cls) || cfg == NULL) {
        return anne_error_set(err, "%s: the model config has no \"class_name\" and \"config\"", src->path);
    }
    if (strcmp(cls->valuestring, "Sequential") == 0) {
        /* a bare list of layers up to Keras 2.2.2, {"name", "layers"} after */
        list = cJSON_IsArray(cfg) ? cfg : cJSON_GetObjectItemCaseSensitive(cfg, "layers");
        if (cJSON_IsObject(cfg)) m->seq_config = cfg;
    } else if (strcmp(cls->valuestring, "Functional") == 0 || strcmp(cls->valuestring, "Model") == 0) {
        m->functional = 1;
        list = cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    } else {
        return anne_error_set(err, "%s: the model is a %.60s; ANNE converts Sequential and Functional models",
                              src->path, cls->valuestring);
    }
    if (!cJSON_IsArray(list)) return anne_error_set(err, "%s: the model config has no list of layers", src->path);
    m->n = (size_t)cJSON_GetArraySize(list);
    if (m->n == 0) return anne_error_set(err, "%s: the model has no layers", src->path);
    if (m->n > 4096) return anne_error_set(err, "%s: the model has %zu layers, too many", src->path, m->n);
    m->layers = calloc(m->n, sizeof *m->layers);
    if (m->layers == NULL) return anne_error_set(err, "out of memory");
    cJSON_ArrayForEach(e, list) {
        anne_keras_klayer *l = &m->layers[i];
        l->class_name = anne_keras_str(e, "class_name");
        l->config = cJSON_GetObjectItemCaseSensitive(e, "config");
        if (l->class_name == NULL || !cJSON_IsObject(l->config)) {
            free(m->layers);
            m->layers = NULL;
            return anne_error_set(err, "%s: layer %zu has no \"class_name\" and \"config\"", src->path, i + 1u);
        }
        l->name = anne_keras_str(l->config, "name");
        if (l->name == NULL) l->name = anne_keras_str(e, "name");
        if (l->name == NULL) l->name = "";
        l->inbound = cJSON_GetObjectItemCaseSensitive(e, "inbound_nodes");
        i++;
    }
    return 0;
}

void anne_keras_inbound_refs(const cJSON *v, const char **names, size_t *nodes, size_t *n, size_t cap) {
    const cJSON *e, *ref = NULL;
    if (v == NULL) return;
    if (cJSON_IsObject(v)) {
        const cJSON *hist = cJSON_GetObjectItemCaseSensitive(v, "keras_history");
        if (cJSON_IsArray(hist) && cJSON_IsString(hist->child)) {
            ref = hist; /* Keras 3: [name, node index, tensor index] */
        } else {
            cJSON_ArrayForEach(e, v) anne_keras_inbound_refs(e, names, nodes, n, cap);
            return;
        }
    } else if (cJSON_IsArray(v)) {
        /* a Keras 2 entry: [name (string), node index, tensor index, kwargs] */
        if (cJSON_IsString(v->child) && v->child->next != NULL && cJSON_IsNumber(v->child->next)) {
            ref = v;
        } else {
            cJSON_ArrayForEach(e, v) anne_keras_inbound_refs(e, names, nodes, n, cap);
            return;
        }
    }
    if (ref == NULL) return;
    if (*n < cap) {
        const cJSON *node = ref->child->next;
        names[*n] = ref->child->valuestring;
        if (nodes != NULL) {
            nodes[*n] = cJSON_IsNumber(node) && node->valuedouble >= 0 && node->valuedouble < 65536
                            ? (size_t)node->valuedouble : 0u;
        }
    }
    (*n)++;
}

void anne_keras_inbound_names(const cJSON *v, const char **names, size_t *n, size_t cap) {
    anne_keras_inbound_refs(v, names, NULL, n, cap);
}

/* A Functional model must be a chain: one input, each layer fed by the one before, the last the output. */
int anne_keras_check_chain(const anne_keras_source *src, const anne_keras_kmodel *m, anne_error *err) {
    size_t i;
    for (i = 1; i < m->n; i++) {
        const char *names[4];
        size_t n = 0, nodes = (size_t)cJSON_GetArraySize(m->layers[i].inbound);
        if (nodes != 1) {
            return anne_error_set(err, "%s: layer %zu \"%s\" (%s) is %s: ANNE converts chains (each layer fed by the "
                                       "one before it)", src->path, i + 1u, m->layers[i].name, m->layers[i].class_name,
                                  nodes == 0 ? "a second input" : "used more than once (shared)");
        }
        anne_keras_inbound_names(m->layers[i].inbound, names, &n, 4);
        if (n != 1 || strcmp(names[0], m->layers[i - 1].name) != 0) {
            return anne_error_set(err, "%s: layer %zu \"%s\" (%s) takes %zu input%s%s%s, not the output of \"%s\" "
                                       "alone: ANNE converts chains (one input, each layer fed by the one before it)",
                                  src->path, i + 1u, m->layers[i].name, m->layers[i].class_name, n, n == 1 ? "" : "s",
                                  n >= 1 ? " from " : "", n >= 1 ? names[0] : "", m->layers[i - 1].name);
        }
    }
    {
        const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(src->model, "config");
        const cJSON *outs = cJSON_GetObjectItemCaseSensitive(cfg, "output_layers");
        const char *names[4];
        size_t n = 0;
        anne_keras_inbound_names(outs, names, &n, 4);
        if (outs != NULL && n != 1) {
            return anne_error_set(err, "%s: the model has %zu outputs; ANNE converts models with one", src->path, n);
        }
        if (n == 1 && strcmp(names[0], m->layers[m->n - 1].name) != 0) {
            return anne_error_set(err, "%s: the model's output is \"%s\", not its last layer \"%s\": not a chain",
                                  src->path, names[0], m->layers[m->n - 1].name);
        }
    }
    return 0;
}

/* ---- layer support ---------------------------------------------------------------------------- */

typedef enum anne__kind {
    ANNE__K_UNSUPPORTED, ANNE__K_INPUT, ANNE__K_NOOP, ANNE__K_FLATTEN, ANNE__K_RESHAPE, ANNE__K_DENSE,
    ANNE__K_ACTIVATION, ANNE__K_RELU, ANNE__K_LEAKY, ANNE__K_ELU, ANNE__K_THRESHOLDED, ANNE__K_SOFTMAX,
    ANNE__K_PRELU, ANNE__K_BATCHNORM, ANNE__K_RESCALING, ANNE__K_NORMALIZATION
} anne__kind;

static anne__kind anne__kind_of(const char *cls) {
    static const struct { const char *name; anne__kind kind; } table[] = {
        {"InputLayer", ANNE__K_INPUT},           {"Dropout", ANNE__K_NOOP},
        {"AlphaDropout", ANNE__K_NOOP},          {"GaussianNoise", ANNE__K_NOOP},
        {"GaussianDropout", ANNE__K_NOOP},       {"SpatialDropout1D", ANNE__K_NOOP},
        {"SpatialDropout2D", ANNE__K_NOOP},      {"SpatialDropout3D", ANNE__K_NOOP},
        {"ActivityRegularization", ANNE__K_NOOP}, {"Flatten", ANNE__K_FLATTEN},
        {"Reshape", ANNE__K_RESHAPE},            {"Dense", ANNE__K_DENSE},
        {"Activation", ANNE__K_ACTIVATION},      {"ReLU", ANNE__K_RELU},
        {"LeakyReLU", ANNE__K_LEAKY},            {"ELU", ANNE__K_ELU},
        {"ThresholdedReLU", ANNE__K_THRESHOLDED}, {"Softmax", ANNE__K_SOFTMAX},
        {"PReLU", ANNE__K_PRELU},                {"BatchNormalization", ANNE__K_BATCHNORM},
        {"Rescaling", ANNE__K_RESCALING},        {"Normalization", ANNE__K_NORMALIZATION},
    };
    size_t i;
    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(cls, table[i].name) == 0) return table[i].kind;
    }
    return ANNE__K_UNSUPPORTED;
}

/* A Keras activation name (as a Dense's or Activation's "activation") with its parameters.
 * Returns 0, or -1 with a reason in why. */
int anne_keras_activation(const anne_keras_source *src, const cJSON *v, anne_activation *act, float param[3],
                            char *why, size_t cap) {
    const char *name;
    if (v == NULL || cJSON_IsNull(v)) {
        *act = ANNE_ACT_LINEAR;
        anne_ir_default_params(*act, param);
        return 0;
    }
    if (cJSON_IsObject(v)) { /* Keras 3 may serialize an activation as {"class_name": ..., "config": ...} */
        const char *cls = anne_keras_str(v, "class_name");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
        name = cJSON_IsString(c) ? c->valuestring : cls;
        if (name == NULL) {
            snprintf(why, cap, "its activation is an object ANNE cannot read");
            return -1;
        }
    } else if (cJSON_IsString(v)) {
        name = v->valuestring;
    } else {
        snprintf(why, cap, "its activation is not a name");
        return -1;
    }
    if (strcmp(name, "gelu_new") == 0) { /* TF.js' name for the tanh approximation */
        *act = ANNE_ACT_GELU_TANH;
    } else if (anne_activation_from_name(name, act) != 0 || *act == ANNE_ACT_PRELU ||
               *act == ANNE_ACT_HARD_SIGMOID_K3) {
        snprintf(why, cap, "activation \"%.60s\" is not supported", name);
        return -1;
    }
    anne_ir_default_params(*act, param);
    if (strcmp(name, "relu6") == 0) param[1] = 6.0f;
    /* keras.activations.leaky_relu's default slope is 0.2 (the LeakyReLU layer's is 0.3) */
    if (*act == ANNE_ACT_LEAKY_RELU) param[0] = 0.2f;
    /* hard_sigmoid: clip(0.2x + 0.5) in Keras 2 and TF.js, relu6(x + 3) / 6 in Keras 3 */
    if (*act == ANNE_ACT_HARD_SIGMOID && strcmp(name, "hard_sigmoid") == 0 && src->keras_major >= 3 && !src->tfjs) {
        *act = ANNE_ACT_HARD_SIGMOID_K3;
    }
    return 0;
}

/* A number from the config (absent or null: def). */
int anne_keras_num(const cJSON *cfg, const char *key, double def, double *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (v == NULL || cJSON_IsNull(v)) {
        *out = def;
        return 0;
    }
    if (!cJSON_IsNumber(v)) return -1;
    *out = v->valuedouble;
    return 0;
}

int anne_keras_bool(const cJSON *cfg, const char *key, int def) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    return def;
}

/* True when an "axis" setting means the last axis (-1, [-1], or the last index of a rank-1 input). */
int anne_keras_last_axis(const cJSON *cfg, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (v == NULL || cJSON_IsNull(v)) return 1;
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1) v = v->child;
    return cJSON_IsNumber(v) && (v->valuedouble == -1.0 || v->valuedouble == 1.0);
}

/* Whether an axis setting can be the last axis: -1, or a positive axis (the last one of an input of that
 * rank; the converters check it against the input's rank). */
static int anne__maybe_last_axis(const cJSON *cfg, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (v == NULL || cJSON_IsNull(v)) return 1;
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 1) v = v->child;
    return cJSON_IsNumber(v) && (v->valuedouble == -1.0 || v->valuedouble >= 1.0);
}

/* Whether a layer can be converted at all, from its config alone. why: the reason when not. */
int anne_keras_layer_supported(const anne_keras_source *src, const anne_keras_klayer *l, char *why, size_t cap) {
    anne__kind k = anne__kind_of(l->class_name);
    anne_activation act;
    float p[3];
    why[0] = '\0';
    switch (k) {
    case ANNE__K_UNSUPPORTED: {
        int g = anne_keras_graph_supported(l, why, cap); /* convolutions, pooling, merges... */
        if (g >= 0) return g;
        snprintf(why, cap, "layer class %.60s is not supported", l->class_name);
        return 0;
    }
    case ANNE__K_DENSE:
    case ANNE__K_ACTIVATION:
        return anne_keras_activation(src, cJSON_GetObjectItemCaseSensitive(l->config, "activation"), &act, p, why, cap) == 0;
    case ANNE__K_SOFTMAX:
        if (!anne__maybe_last_axis(l->config, "axis")) snprintf(why, cap, "softmax over an axis other than the last");
        return why[0] == '\0';
    case ANNE__K_BATCHNORM:
        if (!anne__maybe_last_axis(l->config, "axis")) snprintf(why, cap, "normalizes an axis other than the last");
        return why[0] == '\0';
    case ANNE__K_NORMALIZATION:
        if (anne_keras_bool(l->config, "invert", 0)) snprintf(why, cap, "invert=True is not supported");
        else if (!anne__maybe_last_axis(l->config, "axis")) snprintf(why, cap, "normalizes an axis other than the last");
        return why[0] == '\0';
    case ANNE__K_RESCALING: {
        double d;
        if (anne_keras_num(l->config, "scale", 1.0, &d) != 0 || anne_keras_num(l->config, "offset", 0.0, &d) != 0) {
            snprintf(why, cap, "scale and offset must be single numbers");
        }
        return why[0] == '\0';
    }
    default: return 1;
    }
}

/* ---- conversion ------------------------------------------------------------------------------- */

typedef struct anne__conv {
    const anne_keras_source *src;
    anne_ir *ir;
    anne_error *err;
    const anne_keras_kmodel *model; /* every layer of the config */
    const anne_keras_klayer *layer;  /* the layer being converted */
    size_t index;
    int have_shape;
    size_t rank;                /* of one sample */
    size_t size;                /* elements of one sample */
    int open_linear;            /* the last IR layer is a Dense whose activation is still linear */
} anne__conv;

/* "<path>: layer 3 "dense_1" (Dense): <message>". Returns -1. */
static int anne__fail(anne__conv *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int anne__fail(anne__conv *c, const char *fmt, ...) {
    va_list ap;
    if (c->err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
    va_end(ap);
    return anne_error_prefix(c->err, "%s: layer %zu \"%s\" (%s)", c->src->path, c->index + 1u, c->layer->name,
                             c->layer->class_name);
}

static char *anne__strdup(const char *s) {
    size_t n = strlen(s) + 1u;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

/* Sets the input shape from a [null, d1, d2, ...] list. */
static int anne__set_shape(anne__conv *c, const cJSON *shape) {
    const cJSON *e;
    size_t rank = 0, size = 1;
    int first = 1;
    if (!cJSON_IsArray(shape)) return anne__fail(c, "the input shape is not a list");
    cJSON_ArrayForEach(e, shape) {
        if (first) { /* the batch dimension */
            first = 0;
            continue;
        }
        if (!cJSON_IsNumber(e) || e->valuedouble < 1.0 || e->valuedouble > 65535.0 ||
            floor(e->valuedouble) != e->valuedouble) {
            return anne__fail(c, "the input shape has a dimension that is not a positive size (variable sizes are "
                                 "not supported)");
        }
        size *= (size_t)e->valuedouble;
        rank++;
        if (size > 65535u) return anne__fail(c, "the input has %zu or more values, at most 65535 are supported", size);
    }
    if (rank == 0) return anne__fail(c, "the input shape has no dimensions besides the batch");
    c->have_shape = 1;
    c->rank = rank;
    c->size = size;
    c->ir->n_inputs = (uint16_t)size;
    return 0;
}

/* Looks for the input shape a layer's config declares (Keras 2 batch_input_shape, Keras 3 batch_shape). */
const cJSON *anne_keras_declared_shape(const cJSON *cfg) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(cfg, "batch_input_shape");
    if (s == NULL || cJSON_IsNull(s)) s = cJSON_GetObjectItemCaseSensitive(cfg, "batch_shape");
    if (s == NULL || cJSON_IsNull(s)) return NULL;
    return s;
}

static int anne__need_flat(anne__conv *c) {
    if (!c->have_shape) return anne__fail(c, "the model declares no input shape");
    if (c->rank != 1) {
        return anne__fail(c, "its input has %zu dimensions; ANNE's layers take a flat vector (add Flatten before it)",
                          c->rank);
    }
    return 0;
}

int anne_keras_fetch(const anne_keras_source *src, const anne_keras_kmodel *m, size_t index, anne_keras_array **w,
                     size_t *n, size_t min_n, size_t max_n, const char *what, anne_error *err) {
    const anne_keras_klayer *l = &m->layers[index];
    anne_keras_layer_ref ref;
    size_t i, k;
    ref.index = index;
    ref.name = l->name;
    ref.class_name = l->class_name;
    ref.class_index = 0;
    for (i = 0; i < index; i++) {
        if (strcmp(m->layers[i].class_name, l->class_name) == 0) ref.class_index++;
    }
    *w = NULL;
    *n = 0;
    if (src->weights(src->ctx, &ref, w, n, err) != 0) {
        return anne_error_prefix(err, "%s: layer %zu \"%s\" (%s)", src->path, index + 1u, l->name, l->class_name);
    }
    if (*n < min_n || *n > max_n) {
        size_t got = *n;
        anne_keras_arrays_free(*w, *n);
        *w = NULL;
        *n = 0;
        if (got == 0) {
            return anne_keras_fail(src, m, index, err, "missing weights: the file holds none for this layer (expected %s)",
                                   what);
        }
        return anne_keras_fail(src, m, index, err, "has %zu weight arrays, expected %s", got, what);
    }
    for (k = 0; k < *n; k++) {
        for (i = 0; i < (*w)[k].n; i++) {
            if (!isfinite((*w)[k].data[i])) {
                int rc = anne_keras_fail(src, m, index, err, "weight array %zu value %zu is %s (the model file cannot "
                                         "hold non-finite numbers)", k + 1u, i + 1u,
                                         isnan((*w)[k].data[i]) ? "NaN" : "infinite");
                anne_keras_arrays_free(*w, *n);
                *w = NULL;
                *n = 0;
                return rc;
            }
        }
    }
    return 0;
}

int anne_keras_fail(const anne_keras_source *src, const anne_keras_kmodel *m, size_t index, anne_error *err,
                    const char *fmt, ...) {
    va_list ap;
    const anne_keras_klayer *l = &m->layers[index];
    if (err == NULL) return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return anne_error_prefix(err, "%s: layer %zu \"%s\" (%s)", src->path, index + 1u, l->name, l->class_name);
}

/* The layer's weights, counted and checked (anne_keras_fetch). */
static int anne__weights(anne__conv *c, anne_keras_array **w, size_t *n, size_t min_n, size_t max_n,
                         const char *what) {
    return anne_keras_fetch(c->src, c->model, c->index, w, n, min_n, max_n, what, c->err);
}

/* Checks one array's shape: (d0) or (d0, d1). */
static int anne__shape_is(const anne_keras_array *a, int rank, size_t d0, size_t d1) {
    if (a->rank != rank || a->dims[0] != d0) return 0;
    return rank == 1 || a->dims[1] == d1;
}

void anne_keras_describe_shape(const anne_keras_array *a, char *buf, size_t cap) {
    size_t at = 0;
    int i;
    at += (size_t)snprintf(buf, cap, "(");
    for (i = 0; i < a->rank && at < cap; i++) at += (size_t)snprintf(buf + at, cap - at, "%s%zu", i ? ", " : "", a->dims[i]);
    if (at < cap) snprintf(buf + at, cap - at, "%s)", a->rank == 1 ? "," : "");
}

static anne_ir_layer *anne__add(anne__conv *c, uint16_t n_in, uint16_t n_out) {
    anne_ir_layer *l = anne_ir_add_layer(c->ir, c->err);
    if (l == NULL) return NULL;
    l->n_in = n_in;
    l->n_out = n_out;
    l->kernel = calloc((size_t)n_in * n_out, sizeof *l->kernel);
    if (l->kernel == NULL || (c->layer->name[0] != '\0' && (l->name = anne__strdup(c->layer->name)) == NULL)) {
        anne__fail(c, "out of memory");
        return NULL;
    }
    return l;
}

/* A diagonal Dense: out[j] = scale[j] * x[j] + shift[j] (shift may be NULL). */
static int anne__diagonal(anne__conv *c, const double *scale, const double *shift) {
    uint16_t n = (uint16_t)c->size, j;
    anne_ir_layer *l;
    if (anne__need_flat(c) != 0) return -1;
    l = anne__add(c, n, n);
    if (l == NULL) return -1;
    for (j = 0; j < n; j++) l->kernel[(size_t)j * n + j] = (float)scale[j];
    if (shift != NULL) {
        l->bias = malloc((size_t)n * sizeof *l->bias);
        if (l->bias == NULL) return anne__fail(c, "out of memory");
        for (j = 0; j < n; j++) l->bias[j] = (float)shift[j];
    }
    c->open_linear = 1;
    return 0;
}

/* y = scale * x + shift per unit, applied after the current last layer: folded into a linear Dense,
 * else a diagonal Dense. */
static int anne__affine(anne__conv *c, const double *scale, const double *shift) {
    anne_ir_layer *l;
    size_t i, j;
    if (!c->open_linear) return anne__diagonal(c, scale, shift);
    l = &c->ir->layers[c->ir->n_layers - 1];
    if (l->bias == NULL) {
        l->bias = calloc(l->n_out, sizeof *l->bias);
        if (l->bias == NULL) return anne__fail(c, "out of memory");
    }
    for (j = 0; j < l->n_out; j++) {
        for (i = 0; i < l->n_in; i++) l->kernel[j * l->n_in + i] = (float)(scale[j] * (double)l->kernel[j * l->n_in + i]);
        l->bias[j] = (float)(scale[j] * (double)l->bias[j] + (shift ? shift[j] : 0.0));
    }
    return 0;
}

/* Applies an activation after the current last layer: merged into a linear Dense, else an identity
 * Dense carrying it. alpha: prelu's per-unit slopes (taken over). */
static int anne__apply_activation(anne__conv *c, anne_activation act, const float param[3], float *alpha) {
    anne_ir_layer *l;
    if (act == ANNE_ACT_LINEAR && alpha == NULL) return 0;
    if (c->open_linear) {
        l = &c->ir->layers[c->ir->n_layers - 1];
    } else {
        uint16_t j, n;
        if (anne__need_flat(c) != 0) {
            free(alpha);
            return -1;
        }
        n = (uint16_t)c->size;
        l = anne__add(c, n, n);
        if (l == NULL) {
            free(alpha);
            return -1;
        }
        for (j = 0; j < n; j++) l->kernel[(size_t)j * n + j] = 1.0f; /* identity: exact */
    }
    l->activation = act;
    memcpy(l->param, param, sizeof l->param);
    l->act_data = alpha;
    c->open_linear = 0;
    return 0;
}

static int anne__dense(anne__conv *c) {
    const cJSON *cfg = c->layer->config;
    double units_d;
    size_t units, n_in, n, i, j;
    int use_bias = anne_keras_bool(cfg, "use_bias", 1);
    anne_keras_array *w;
    anne_ir_layer *l;
    anne_activation act;
    float param[3];
    char why[160], got[64];
    if (anne__need_flat(c) != 0) return -1;
    if (anne_keras_num(cfg, "units", 0, &units_d) != 0 || units_d < 1 || units_d > 65535 || floor(units_d) != units_d) {
        return anne__fail(c, "\"units\" must be an integer in 1..65535");
    }
    units = (size_t)units_d;
    n_in = c->size;
    if (anne_keras_activation(c->src, cJSON_GetObjectItemCaseSensitive(cfg, "activation"), &act, param, why, sizeof why)) {
        return anne__fail(c, "%s", why);
    }
    if (anne__weights(c, &w, &n, use_bias ? 2u : 1u, use_bias ? 2u : 1u, use_bias ? "2: kernel and bias" : "1: kernel")) {
        return -1;
    }
    if (!anne__shape_is(&w[0], 2, n_in, units)) {
        anne_keras_describe_shape(&w[0], got, sizeof got);
        anne_keras_arrays_free(w, n);
        return anne__fail(c, "kernel has shape %s, expected (%zu, %zu) (inputs, units)", got, n_in, units);
    }
    if (use_bias && !anne__shape_is(&w[1], 1, units, 0)) {
        anne_keras_describe_shape(&w[1], got, sizeof got);
        anne_keras_arrays_free(w, n);
        return anne__fail(c, "bias has shape %s, expected (%zu,)", got, units);
    }
    l = anne__add(c, (uint16_t)n_in, (uint16_t)units);
    if (l == NULL) {
        anne_keras_arrays_free(w, n);
        return -1;
    }
    /* Keras' kernel[i][j] (input i, unit j) is the runtime's kernel[j][i] */
    for (i = 0; i < n_in; i++) {
        for (j = 0; j < units; j++) l->kernel[j * n_in + i] = w[0].data[i * units + j];
    }
    if (use_bias) {
        l->bias = w[1].data;
        w[1].data = NULL;
    }
    anne_keras_arrays_free(w, n);
    c->size = units;
    c->open_linear = 1;
    return anne__apply_activation(c, act, param, NULL);
}

static int anne__batchnorm(anne__conv *c) {
    const cJSON *cfg = c->layer->config;
    int center = anne_keras_bool(cfg, "center", 1), scale = anne_keras_bool(cfg, "scale", 1);
    size_t need = 2u + (size_t)center + (size_t)scale, n, k, j, units;
    double eps, *s, *t;
    anne_keras_array *w;
    const float *gamma, *beta, *mean, *var;
    char what[64], got[64];
    int rc;
    if (anne__need_flat(c) != 0) return -1;
    if (!anne_keras_last_axis(cfg, "axis")) return anne__fail(c, "normalizes an axis other than the last");
    if (anne_keras_num(cfg, "epsilon", 1e-3, &eps) != 0 || !(eps >= 0)) return anne__fail(c, "\"epsilon\" is not a number");
    units = c->size;
    snprintf(what, sizeof what, "%zu (%s%smoving mean, moving variance)", need, scale ? "gamma, " : "",
             center ? "beta, " : "");
    if (anne__weights(c, &w, &n, need, need, what) != 0) return -1;
    for (k = 0; k < n; k++) {
        if (!anne__shape_is(&w[k], 1, units, 0)) {
            anne_keras_describe_shape(&w[k], got, sizeof got);
            anne_keras_arrays_free(w, n);
            return anne__fail(c, "weight array %zu has shape %s, expected (%zu,)", k + 1u, got, units);
        }
    }
    k = 0;
    gamma = scale ? w[k++].data : NULL;
    beta = center ? w[k++].data : NULL;
    mean = w[k++].data;
    var = w[k].data;
    s = malloc(2u * units * sizeof *s);
    if (s == NULL) {
        anne_keras_arrays_free(w, n);
        return anne__fail(c, "out of memory");
    }
    t = s + units;
    for (j = 0; j < units; j++) {
        /* Keras: gamma * (x - mean) / sqrt(var + eps) + beta */
        double v = (double)var[j] + eps;
        if (!(v > 0)) {
            free(s);
            anne_keras_arrays_free(w, n);
            return anne__fail(c, "unit %zu: moving variance + epsilon is %g, not positive", j + 1u, v);
        }
        s[j] = (gamma ? (double)gamma[j] : 1.0) / sqrt(v);
        t[j] = (beta ? (double)beta[j] : 0.0) - (double)mean[j] * s[j];
    }
    rc = anne__affine(c, s, t);
    free(s);
    anne_keras_arrays_free(w, n);
    return rc;
}

/* Rescaling / Normalization: the model's input scaling when nothing precedes them, else an affine step. */
static int anne__input_affine(anne__conv *c, const float *mean, const float *std, const double *scale,
                              const double *shift) {
    size_t j, n = c->size;
    if (anne__need_flat(c) != 0) return -1;
    if (c->ir->n_layers == 0 && c->ir->scaling == ANNE_SCALING_NONE) {
        c->ir->scale_a = malloc(n * sizeof *c->ir->scale_a);
        c->ir->scale_b = malloc(n * sizeof *c->ir->scale_b);
        if (c->ir->scale_a == NULL || c->ir->scale_b == NULL) return anne__fail(c, "out of memory");
        for (j = 0; j < n; j++) {
            c->ir->scale_a[j] = mean[j];
            c->ir->scale_b[j] = std[j];
            if (!(std[j] > 0.0f) || !isfinite(std[j]) || !isfinite(mean[j])) {
                return anne__fail(c, "input %zu: the scaling (x - %g) / %g cannot be stored (needs a finite divisor "
                                     "> 0)", j + 1u, (double)mean[j], (double)std[j]);
            }
        }
        c->ir->scaling = ANNE_SCALING_STANDARDIZE;
        return 0;
    }
    return anne__affine(c, scale, shift);
}

static int anne__rescaling(anne__conv *c) {
    double scale = 1.0, offset = 0.0, *s;
    float *mean, *std;
    size_t j, n;
    int rc;
    if (anne__need_flat(c) != 0) return -1;
    anne_keras_num(c->layer->config, "scale", 1.0, &scale);
    anne_keras_num(c->layer->config, "offset", 0.0, &offset);
    n = c->size;
    if (!(scale > 0) || !isfinite(scale) || !isfinite(offset)) {
        return anne__fail(c, "scale %g: only a positive scale can become the model's input scaling", scale);
    }
    s = malloc(2u * n * sizeof *s);
    mean = malloc(2u * n * sizeof *mean);
    if (s == NULL || mean == NULL) {
        free(s);
        free(mean);
        return anne__fail(c, "out of memory");
    }
    std = mean + n;
    for (j = 0; j < n; j++) {
        /* x * scale + offset = (x - (-offset / scale)) / (1 / scale) */
        s[j] = scale;
        s[n + j] = offset;
        mean[j] = (float)(-offset / scale);
        std[j] = (float)(1.0 / scale);
    }
    rc = anne__input_affine(c, mean, std, s, s + n);
    free(s);
    free(mean);
    return rc;
}

static int anne__normalization(anne__conv *c) {
    anne_keras_array *w = NULL;
    size_t n = 0, j, units;
    float *mean, *std;
    double *s;
    int rc;
    const cJSON *cm, *cv;
    char got[64];
    if (anne__need_flat(c) != 0) return -1;
    if (!anne_keras_last_axis(c->layer->config, "axis")) return anne__fail(c, "normalizes an axis other than the last");
    units = c->size;
    mean = malloc(2u * units * sizeof *mean);
    s = malloc(2u * units * sizeof *s);
    if (mean == NULL || s == NULL) {
        free(mean);
        free(s);
        return anne__fail(c, "out of memory");
    }
    std = mean + units;
    cm = cJSON_GetObjectItemCaseSensitive(c->layer->config, "mean");
    cv = cJSON_GetObjectItemCaseSensitive(c->layer->config, "variance");
    if (cJSON_IsArray(cm) && cJSON_IsArray(cv)) { /* given in the config (Normalization(mean=..., variance=...)) */
        const cJSON *a = cm->child, *b = cv->child;
        if ((size_t)cJSON_GetArraySize(cm) != units || (size_t)cJSON_GetArraySize(cv) != units) {
            free(mean);
            free(s);
            return anne__fail(c, "\"mean\" and \"variance\" must have %zu values", units);
        }
        for (j = 0; j < units; j++, a = a->next, b = b->next) {
            mean[j] = (float)a->valuedouble;
            std[j] = (float)b->valuedouble; /* variance for now */
        }
    } else {
        /* adapted: mean, variance, count */
        if (anne__weights(c, &w, &n, 2, 3, "3: mean, variance, count") != 0) {
            free(mean);
            free(s);
            return -1;
        }
        for (j = 0; j < 2; j++) {
            if (w[j].n != units) {
                anne_keras_describe_shape(&w[j], got, sizeof got);
                anne_keras_arrays_free(w, n);
                free(mean);
                free(s);
                return anne__fail(c, "weight array %zu has shape %s, expected %zu values", j + 1u, got, units);
            }
        }
        memcpy(mean, w[0].data, units * sizeof *mean);
        memcpy(std, w[1].data, units * sizeof *std);
        anne_keras_arrays_free(w, n);
    }
    for (j = 0; j < units; j++) {
        /* Keras: (x - mean) / maximum(sqrt(variance), epsilon()), epsilon() = 1e-7, in float32 */
        float sd = sqrtf(std[j]);
        std[j] = sd > 1e-7f ? sd : 1e-7f;
        s[j] = 1.0 / (double)std[j];
        s[units + j] = -(double)mean[j] / (double)std[j];
    }
    rc = anne__input_affine(c, mean, std, s, s + units);
    free(mean);
    free(s);
    return rc;
}

static int anne__prelu(anne__conv *c) {
    anne_keras_array *w;
    size_t n, j, units;
    float *alpha, p[3] = {0, 0, 0};
    if (anne__need_flat(c) != 0) return -1;
    units = c->size;
    if (anne__weights(c, &w, &n, 1, 1, "1: alpha") != 0) return -1;
    if (w[0].n != units && w[0].n != 1) {
        size_t got = w[0].n; /* read before the arrays are freed */
        anne_keras_arrays_free(w, n);
        return anne__fail(c, "alpha has %zu values, expected %zu (one per unit) or 1 (shared)", got, units);
    }
    alpha = malloc(units * sizeof *alpha);
    if (alpha == NULL) {
        anne_keras_arrays_free(w, n);
        return anne__fail(c, "out of memory");
    }
    for (j = 0; j < units; j++) alpha[j] = w[0].data[w[0].n == 1 ? 0 : j];
    anne_keras_arrays_free(w, n);
    return anne__apply_activation(c, ANNE_ACT_PRELU, p, alpha);
}

int anne_keras_activation_layer(const anne_keras_source *src, const anne_keras_klayer *l, anne_activation *act,
                                float p[3], char *why, size_t cap) {
    const cJSON *cfg = l->config;
    double a, b, t;
    p[0] = p[1] = p[2] = 0.0f;
    *act = ANNE_ACT_LINEAR;
    switch (anne__kind_of(l->class_name)) {
    case ANNE__K_ACTIVATION:
        if (anne_keras_activation(src, cJSON_GetObjectItemCaseSensitive(cfg, "activation"), act, p, why, cap)) return -1;
        break;
    case ANNE__K_RELU:
        if (anne_keras_num(cfg, "max_value", INFINITY, &a) || anne_keras_num(cfg, "negative_slope", 0, &b) ||
            anne_keras_num(cfg, "threshold", 0, &t)) {
            snprintf(why, cap, "max_value, negative_slope and threshold must be numbers");
            return -1;
        }
        *act = ANNE_ACT_RELU;
        p[0] = (float)b;
        p[1] = isinf(a) ? INFINITY : (float)a;
        p[2] = (float)t;
        break;
    case ANNE__K_LEAKY: {
        /* Keras 2 and TF.js call it alpha, Keras 3 negative_slope; the layer's default is 0.3 in both */
        const cJSON *ns = cJSON_GetObjectItemCaseSensitive(cfg, "negative_slope");
        if (anne_keras_num(cfg, ns != NULL && !cJSON_IsNull(ns) ? "negative_slope" : "alpha", 0.3, &a)) {
            snprintf(why, cap, "alpha must be a number");
            return -1;
        }
        *act = ANNE_ACT_LEAKY_RELU;
        p[0] = (float)a;
        break;
    }
    case ANNE__K_ELU:
        if (anne_keras_num(cfg, "alpha", 1.0, &a)) {
            snprintf(why, cap, "alpha must be a number");
            return -1;
        }
        *act = ANNE_ACT_ELU;
        p[0] = (float)a;
        break;
    case ANNE__K_THRESHOLDED:
        if (anne_keras_num(cfg, "theta", 1.0, &a)) {
            snprintf(why, cap, "theta must be a number");
            return -1;
        }
        *act = ANNE_ACT_THRESHOLDED_RELU;
        p[0] = (float)a;
        break;
    case ANNE__K_SOFTMAX: *act = ANNE_ACT_SOFTMAX; break;
    default: snprintf(why, cap, "not an activation layer"); return -1;
    }
    if (anne_activation_check(*act, p) != ANNE_OK) {
        snprintf(why, cap, "its parameters (%g, %g, %g) are out of range", (double)p[0], (double)p[1], (double)p[2]);
        return -1;
    }
    return 0;
}

/* The activation layers with their parameters. */
static int anne__activation_layer(anne__conv *c) {
    anne_activation act;
    float p[3];
    char why[160];
    if (anne__need_flat(c) != 0) return -1;
    if (anne_keras_activation_layer(c->src, c->layer, &act, p, why, sizeof why) != 0) return anne__fail(c, "%s", why);
    if (act == ANNE_ACT_SOFTMAX && !anne_keras_last_axis(c->layer->config, "axis")) {
        return anne__fail(c, "softmax over an axis other than the last");
    }
    return anne__apply_activation(c, act, p, NULL);
}

static int anne__reshape(anne__conv *c) {
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(c->layer->config, "target_shape");
    if (!c->have_shape) return anne__fail(c, "the model declares no input shape");
    if (!cJSON_IsArray(ts) || cJSON_GetArraySize(ts) != 1 || !cJSON_IsNumber(ts->child) ||
        (ts->child->valuedouble != -1.0 && ts->child->valuedouble != (double)c->size)) {
        return anne__fail(c, "only a Reshape to one dimension of %zu values is supported", c->size);
    }
    c->rank = 1;
    return 0;
}

static int anne__convert_layer(anne__conv *c) {
    anne__kind k = anne__kind_of(c->layer->class_name);
    char why[160];
    if (!anne_keras_layer_supported(c->src, c->layer, why, sizeof why)) {
        return anne__fail(c, "not supported: %s (ANNE converts these layers: " ANNE__SUPPORTED ")", why);
    }
    if (!c->have_shape && k != ANNE__K_INPUT) {
        const cJSON *s = anne_keras_declared_shape(c->layer->config);
        if (s != NULL && anne__set_shape(c, s) != 0) return -1;
    }
    switch (k) {
    case ANNE__K_INPUT: {
        const cJSON *s = anne_keras_declared_shape(c->layer->config);
        if (c->index != 0) return anne__fail(c, "a second input: ANNE converts models with one input");
        if (s == NULL) return anne__fail(c, "the input layer declares no shape");
        return anne__set_shape(c, s);
    }
    case ANNE__K_NOOP: return 0; /* identity at inference */
    case ANNE__K_FLATTEN:
        if (!c->have_shape) return anne__fail(c, "the model declares no input shape");
        c->rank = 1;
        return 0;
    case ANNE__K_RESHAPE: return anne__reshape(c);
    case ANNE__K_DENSE: return anne__dense(c);
    case ANNE__K_BATCHNORM: return anne__batchnorm(c);
    case ANNE__K_RESCALING: return anne__rescaling(c);
    case ANNE__K_NORMALIZATION: return anne__normalization(c);
    case ANNE__K_PRELU: return anne__prelu(c);
    default: return anne__activation_layer(c);
    }
}

/* Sequential models built later (deferred build) keep the input shape only in build_input_shape
 * (Keras 2) or build_config.input_shape (Keras 3); these have no batch entry missing. */
const cJSON *anne_keras_build_shape(const anne_keras_kmodel *m) {
    const cJSON *s, *bc;
    if (m->seq_config == NULL) return NULL;
    s = cJSON_GetObjectItemCaseSensitive(m->seq_config, "build_input_shape");
    if (cJSON_IsArray(s)) return s;
    bc = cJSON_GetObjectItemCaseSensitive(m->seq_config, "build_config");
    s = cJSON_GetObjectItemCaseSensitive(bc, "input_shape");
    return cJSON_IsArray(s) ? s : NULL;
}

/* The weights the IR holds so far: kernels, biases, PReLU alphas and the input scaling. */
static size_t anne__ir_weights(const anne_ir *ir) {
    size_t n = ir->scale_a != NULL ? 2u * (size_t)ir->n_inputs : 0u, i;
    for (i = 0; i < ir->n_layers; i++) {
        const anne_ir_layer *l = &ir->layers[i];
        n += (size_t)l->n_in * l->n_out + (l->bias != NULL ? l->n_out : 0u) + (l->act_data != NULL ? l->n_out : 0u);
    }
    return n;
}

/* The model's own name, kept as the IR's: Keras' model.name is the "name" in the config of a Sequential
 * or Functional model (Keras 2 and 3, and TF.js, which writes Keras' config). A Keras 2.2 Sequential's
 * config is a bare list: no name. */
static int anne__model_name(anne_ir *ir, const anne_keras_source *src, anne_error *err) {
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(src->model, "config");
    const char *name = cJSON_IsObject(cfg) ? anne_keras_str(cfg, "name") : NULL;
    size_t n;
    if (name == NULL || name[0] == '\0') return 0;
    n = strlen(name) + 1u;
    if ((ir->name = malloc(n)) == NULL) return anne_error_set(err, "out of memory");
    memcpy(ir->name, name, n);
    return 0;
}

int anne_keras_convert(anne_ir *ir, const anne_keras_source *src, anne_error *err) {
    anne_keras_kmodel m;
    anne__conv c;
    size_t i;
    anne_ir_init(ir);
    if (anne_keras_read_model(src, &m, err) != 0) return -1;
    if (anne_keras_needs_graph(src, &m)) {
        int rc = anne_keras_graph_convert(ir, src, &m, err);
        free(m.layers);
        if (rc == 0 && ir->name == NULL) rc = anne__model_name(ir, src, err);
        if (rc != 0) anne_ir_free(ir);
        return rc;
    }
    memset(&c, 0, sizeof c);
    c.src = src;
    c.ir = ir;
    c.err = err;
    c.model = &m;
    /* unsupported layers first, so that the message names the real obstacle (an LSTM), not a shape
     * problem it causes further down */
    for (i = 0; i < m.n; i++) {
        char why[160];
        c.layer = &m.layers[i];
        c.index = i;
        if (!anne_keras_layer_supported(src, c.layer, why, sizeof why) && anne__convert_layer(&c) != 0) goto fail;
    }
    for (i = 0; i < m.n; i++) {
        c.layer = &m.layers[i];
        c.index = i;
        if (i == 0 && anne__kind_of(m.layers[0].class_name) != ANNE__K_INPUT &&
            anne_keras_declared_shape(m.layers[0].config) == NULL && anne_keras_build_shape(&m) != NULL) {
            if (anne__set_shape(&c, anne_keras_build_shape(&m)) != 0) goto fail;
        }
        if (anne__convert_layer(&c) != 0) goto fail;
        /* checked as the model grows, so that a hostile file's memory stays near the limit */
        if (anne__ir_weights(ir) > ANNE_IMPORT_MAX_WEIGHTS) {
            anne__fail(&c, "the model has %zu weights up to here, more than the %zu ANNE imports "
                           "(ANNE_IMPORT_MAX_WEIGHTS: 16 MiB of float32, four times the flash of the largest board "
                           "ANNE targets)", anne__ir_weights(ir), (size_t)ANNE_IMPORT_MAX_WEIGHTS);
            goto fail;
        }
    }
    if (ir->n_layers == 0) {
        anne_error_set(err, "%s: the model has no Dense or activation layer: nothing to convert", src->path);
        goto fail;
    }
    if (anne__model_name(ir, src, err) != 0) goto fail;
    free(m.layers);
    return 0;
fail:
    free(m.layers);
    anne_ir_free(ir);
    return -1;
}

/* ---- --check ---------------------------------------------------------------------------------- */

int anne_keras_check(const anne_keras_source *src, char **report, anne_error *err) {
    anne_keras_kmodel m;
    size_t i, at = 0, cap;
    char *text;
    int all = 1;
    anne_error chain;
    *report = NULL;
    if (anne_keras_read_model(src, &m, err) != 0) return -1;
    cap = 256u + m.n * 512u;
    text = malloc(cap);
    if (text == NULL) {
        free(m.layers);
        return anne_error_set(err, "out of memory");
    }
    text[0] = '\0';
    for (i = 0; i < m.n; i++) {
        char why[160];
        int ok = anne_keras_layer_supported(src, &m.layers[i], why, sizeof why);
        all &= ok;
        at += (size_t)snprintf(text + at, cap - at, "layer %-3zu %-24.60s %-22.60s %s%s\n", i + 1u, m.layers[i].name,
                               m.layers[i].class_name, ok ? "supported" : "NOT SUPPORTED: ", ok ? "" : why);
    }
    if (anne_keras_needs_graph(src, &m) && anne_keras_graph_structure(src, &m, &chain) != 0) {
        all = 0;
        snprintf(text + at, cap - at, "graph: NOT SUPPORTED: %s\n", chain.msg);
    }
    free(m.layers);
    if (all && src->check_converts) {
        anne_ir ir;
        if (anne_keras_convert(&ir, src, err) != 0) {
            free(text);
            return -1;
        }
        anne_ir_free(&ir);
    }
    *report = text;
    return all ? 0 : 1;
}

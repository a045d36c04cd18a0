/* The host's in-memory model and its conversion to and from model files. */
#include "anne_ir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_ir_graph.h"
#include "anne_tflite.h"

void anne_ir_init(anne_ir *ir) {
    memset(ir, 0, sizeof *ir);
}

void anne_ir_free(anne_ir *ir) {
    size_t i;
    if (ir == NULL) return;
    for (i = 0; i < ir->n_layers; i++) {
        free(ir->layers[i].kernel);
        free(ir->layers[i].bias);
        free(ir->layers[i].act_data);
        free(ir->layers[i].name);
    }
    free(ir->layers);
    anne_ir_graph_free(ir);
    for (i = 0; i < ir->n_classes; i++) free(ir->class_names[i]);
    free(ir->class_names);
    free(ir->scale_a);
    free(ir->scale_b);
    free(ir->name);
    anne_ir_init(ir);
}

anne_ir_layer *anne_ir_add_layer(anne_ir *ir, anne_error *err) {
    anne_ir_layer *grown, *l;
    if (ir->n_layers >= ANNE_MAX_LAYERS) {
        anne_error_set(err, "too many layers (at most %u)", (unsigned)ANNE_MAX_LAYERS);
        return NULL;
    }
    grown = realloc(ir->layers, (ir->n_layers + 1u) * sizeof *grown);
    if (grown == NULL) {
        anne_error_set(err, "out of memory");
        return NULL;
    }
    ir->layers = grown;
    l = &ir->layers[ir->n_layers++];
    memset(l, 0, sizeof *l);
    l->kind = ANNE_LAYER_DENSE;
    l->activation = ANNE_ACT_LINEAR;
    return l;
}

void anne_ir_default_params(anne_activation act, float param[3]) {
    param[0] = param[1] = param[2] = 0.0f;
    switch (act) {
    case ANNE_ACT_RELU: param[1] = INFINITY; break;
    case ANNE_ACT_LEAKY_RELU: param[0] = 0.01f; break;
    case ANNE_ACT_ELU: param[0] = 1.0f; break;
    case ANNE_ACT_THRESHOLDED_RELU: param[0] = 1.0f; break;
    default: break;
    }
}

int anne_activation_from_name(const char *name, anne_activation *act) {
    static const struct { const char *name; anne_activation act; } aliases[] = {
        {"silu", ANNE_ACT_SWISH},          {"hardSigmoid", ANNE_ACT_HARD_SIGMOID},
        {"leakyrelu", ANNE_ACT_LEAKY_RELU}, {"leakyRelu", ANNE_ACT_LEAKY_RELU},
        {"relu6", ANNE_ACT_RELU},          {"gelu_approximate", ANNE_ACT_GELU_TANH},
        {"hard_silu", ANNE_ACT_HARD_SWISH},
    };
    size_t i;
    for (i = 0; i < (size_t)ANNE_ACT_COUNT; i++) {
        if (strcmp(name, anne_activation_name((anne_activation)i)) == 0) {
            *act = (anne_activation)i;
            return 0;
        }
    }
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(name, aliases[i].name) == 0) {
            *act = aliases[i].act;
            return 0;
        }
    }
    return -1;
}

/* Explains a writer status for one layer in words a user can act on. */
static int anne__layer_problem(const anne_ir *ir, size_t i, anne_error *err) {
    const anne_ir_layer *l = &ir->layers[i];
    uint32_t expected_in = i == 0 ? ir->n_inputs : ir->layers[i - 1].n_out;
    size_t k;
    const char *name = l->name ? l->name : "";
    if (anne_activation_check(l->activation, l->param) != ANNE_OK) {
        return anne_error_set(err, "layer %zu%s%s: activation %s has an invalid parameter (%g, %g, %g)", i + 1,
                              *name ? " " : "", name, anne_activation_name(l->activation), (double)l->param[0],
                              (double)l->param[1], (double)l->param[2]);
    }
    if (l->n_in != expected_in) {
        return anne_error_set(err, "layer %zu%s%s: has %u inputs, expected %u (%s)", i + 1, *name ? " " : "", name,
                              l->n_in, expected_in, i == 0 ? "the model's inputs" : "the units of the layer before");
    }
    for (k = 0; k < (size_t)l->n_in * l->n_out; k++) {
        if (!isfinite(l->kernel[k])) {
            return anne_error_set(err, "layer %zu%s%s: kernel value %g is not finite", i + 1, *name ? " " : "",
                                  name, (double)l->kernel[k]);
        }
    }
    for (k = 0; l->bias && k < l->n_out; k++) {
        if (!isfinite(l->bias[k])) {
            return anne_error_set(err, "layer %zu%s%s: bias value %g is not finite", i + 1, *name ? " " : "", name,
                                  (double)l->bias[k]);
        }
    }
    if (l->activation == ANNE_ACT_PRELU && l->act_data == NULL) {
        return anne_error_set(err, "layer %zu%s%s: prelu has no alphas", i + 1, *name ? " " : "", name);
    }
    for (k = 0; l->activation == ANNE_ACT_PRELU && k < l->n_out; k++) {
        if (!isfinite(l->act_data[k])) {
            return anne_error_set(err, "layer %zu%s%s: prelu alpha %g is not finite", i + 1, *name ? " " : "", name,
                                  (double)l->act_data[k]);
        }
    }
    return 0;
}

int anne_ir_serialize(const anne_ir *ir, unsigned char **bytes, size_t *size, anne_error *err) {
    anne_model_desc d;
    anne_layer *layers;
    size_t i, need = 0;
    anne_status st;
    *bytes = NULL;
    *size = 0;
    if (ir->n_ops > 0) return anne_ir_graph_serialize(ir, bytes, size, err);
    if (ir->n_layers == 0) return anne_error_set(err, "the model has no layers");
    if (ir->n_layers > ANNE_MAX_LAYERS) return anne_error_set(err, "too many layers (%zu)", ir->n_layers);
    for (i = 0; i < ir->n_layers; i++) {
        if (anne__layer_problem(ir, i, err) != 0) return -1;
    }
    layers = calloc(ir->n_layers, sizeof *layers);
    if (layers == NULL) return anne_error_set(err, "out of memory");
    for (i = 0; i < ir->n_layers; i++) {
        const anne_ir_layer *l = &ir->layers[i];
        layers[i].kind = l->kind;
        layers[i].dtype = ANNE_DTYPE_F32;
        layers[i].activation = l->activation;
        layers[i].n_in = l->n_in;
        layers[i].n_out = l->n_out;
        memcpy(layers[i].param, l->param, sizeof l->param);
        layers[i].kernel = l->kernel;
        layers[i].bias = l->bias;
        layers[i].act_data = l->activation == ANNE_ACT_PRELU ? l->act_data : NULL;
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
    st = anne_model_write(&d, NULL, 0, &need);
    if (st == ANNE_OK) {
        *bytes = malloc(need);
        if (*bytes == NULL) {
            free(layers);
            return anne_error_set(err, "out of memory");
        }
        st = anne_model_write(&d, *bytes, need, size);
    }
    free(layers);
    if (st != ANNE_OK) {
        free(*bytes);
        *bytes = NULL;
        *size = 0;
        return anne_error_set(err, "cannot write the model: %s", anne_status_str(st));
    }
    return 0;
}

int anne_ir_save(const anne_ir *ir, const char *path, anne_error *err) {
    unsigned char *bytes;
    size_t size;
    int rc;
    if (anne_ir_serialize(ir, &bytes, &size, err) != 0) return -1;
    rc = anne_file_write(path, bytes, size, err);
    free(bytes);
    return rc;
}

static float *anne__copy_floats(const void *src, size_t n) {
    float *dst = malloc(n * sizeof *dst + 1u);
    if (dst != NULL && n != 0) memcpy(dst, src, n * sizeof *dst);
    return dst;
}

static char *anne__strdup(const char *s) {
    size_t n = strlen(s) + 1u;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

int anne_ir_from_model(anne_ir *ir, const anne_model *m, anne_error *err) {
    uint16_t i;
    anne_ir_init(ir);
    ir->n_inputs = m->n_inputs;
    if (m->name[0] != '\0' && (ir->name = anne__strdup(m->name)) == NULL) goto oom;
    if (m->op_table != NULL && anne_ir_graph_from_model(ir, m, err) != 0) goto fail;
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        anne_ir_layer *dst = anne_ir_add_layer(ir, err);
        if (dst == NULL) goto fail;
        anne_model_layer(m, i, &l);
        if (l.dtype != ANNE_DTYPE_F32) {
            anne_error_set(err, "layer %u is quantized (%s): only float models convert back to a description",
                           i + 1u, l.dtype == ANNE_DTYPE_Q16 ? "q16" : "int8");
            goto fail;
        }
        dst->kind = l.kind;
        dst->activation = l.activation;
        memcpy(dst->param, l.param, sizeof l.param);
        dst->n_in = l.n_in;
        dst->n_out = l.n_out;
        dst->kernel = anne__copy_floats(l.kernel, (size_t)l.n_in * l.n_out);
        if (dst->kernel == NULL) goto oom;
        if (l.bias != NULL && (dst->bias = anne__copy_floats(l.bias, l.n_out)) == NULL) goto oom;
        if (l.act_data != NULL && (dst->act_data = anne__copy_floats(l.act_data, l.n_out)) == NULL) goto oom;
    }
    ir->scaling = m->scaling.kind;
    if (m->scaling.kind != ANNE_SCALING_NONE) {
        ir->scale_a = anne__copy_floats(m->scaling.a, m->n_inputs);
        ir->scale_b = anne__copy_floats(m->scaling.b, m->n_inputs);
        if (ir->scale_a == NULL || ir->scale_b == NULL) goto oom;
    }
    if (m->n_classes != 0) {
        ir->class_names = calloc(m->n_classes, sizeof *ir->class_names);
        if (ir->class_names == NULL) goto oom;
        ir->n_classes = m->n_classes;
        for (i = 0; i < m->n_classes; i++) {
            if ((ir->class_names[i] = anne__strdup(anne_model_class_name(m, i))) == NULL) goto oom;
        }
    }
    return 0;
oom:
    anne_error_set(err, "out of memory");
fail:
    anne_ir_free(ir);
    return -1;
}

int anne_loaded_open(anne_loaded *out, const char *path, anne_error *err) {
    anne_ir ir;
    anne_status st;
    memset(out, 0, sizeof *out);
    if (anne_file_read(path, &out->bytes, &out->size, err) != 0) return -1;
    if (anne_tflite_is(out->bytes, out->size)) {
        /* TFLite: converted straight to model bytes (an int8 model never becomes float) */
        unsigned char *tf = out->bytes;
        int rc = anne_tflite_convert(tf, out->size, path, &out->bytes, &out->size, err);
        free(tf);
        if (rc != 0) return -1;
    } else if (out->size < 4 || memcmp(out->bytes, "ANNE", 4) != 0) {
        /* another format: import, then serialize in memory */
        free(out->bytes);
        out->bytes = NULL;
        if (anne_import(&ir, path, err) != 0) return -1;
        if (anne_ir_serialize(&ir, &out->bytes, &out->size, err) != 0) {
            anne_ir_free(&ir);
            return anne_error_prefix(err, "%s", path);
        }
        anne_ir_free(&ir);
    }
    st = anne_model_load(&out->model, out->bytes, out->size);
    if (st != ANNE_OK) {
        anne_loaded_close(out);
        return anne_error_set(err, "%s: invalid model: %s", path, anne_status_str(st));
    }
    return 0;
}

void anne_loaded_close(anne_loaded *m) {
    if (m == NULL) return;
    free(m->bytes);
    memset(m, 0, sizeof *m);
}

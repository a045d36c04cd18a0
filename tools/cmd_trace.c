/* anne trace: runs a model on one input layer by layer with the runtime's public kernels and shows
 * every neuron's value before (z) and after (a) its activation: the paper's "explore what every
 * neuron does". The result is checked bit for bit against anne_model_predict(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_quant.h"

#define ANNE__TRACE_USAGE "anne trace MODEL --input V1,V2,... [--threshold T] [--json]"

static void anne__trace_help(FILE *out) {
    fprintf(out, "usage: " ANNE__TRACE_USAGE "\n\n"
           "Runs MODEL (an .anne file or ANNE JSON) on one raw input and prints, layer by layer and\n"
           "neuron by neuron, the value before the activation (z = weights . inputs + bias) and after\n"
           "it (a), then the output and the class. When the model scales its inputs (mean/std or\n"
           "min/max), the scaled input is shown first.\n\n"
           "options:\n"
           "  --input V1,...   the raw input: one number per model input, separated by commas\n"
           "  --threshold T    one sigmoid output: class 1 when the output is above T (default 0.5)\n"
           "  --json           keys input, scaled_input (with scaling), layers (each with layer,\n"
           "                   units, activation, z, a), output, class, label (with class names)\n"
           "  --help           this text\n");
}

typedef struct anne__trace_args {
    const char *model, *input;
    float threshold;
    int json;
} anne__trace_args;

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int anne__trace_parse(int argc, char **argv, anne__trace_args *a) {
    const anne_cli_opt opts[] = {
        {"--json", NULL, &a->json, 1, NULL, NULL, NULL, NULL},
        {"--input", NULL, NULL, 0, &a->input, NULL, NULL, "--input needs values V1,V2,..."},
        {"--threshold", NULL, NULL, 0, NULL, anne_cli_parse_float_opt, &a->threshold,
         "--threshold needs a number, got \"%s\""},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"trace", ANNE__TRACE_USAGE, anne__trace_help, opts, &a->model, 1,
                                "unexpected argument '%s'"};
    int n_pos, rc;
    memset(a, 0, sizeof *a);
    a->threshold = 0.5f;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 1) return anne_cli_spec_error(&spec, "needs a model");
    if (a->input == NULL) return anne_cli_spec_error(&spec, "needs --input V1,V2,...");
    return -1;
}

/* Parses "v1,v2,..." into exactly n floats; errors name the position (1-based) and the value. */
static int anne__trace_input(const char *text, float *x, uint16_t n, anne_error *err) {
    size_t count = 1, pos = 0;
    const char *p;
    for (p = text; *p; p++) count += *p == ',';
    if (count != n) {
        return anne_error_set(err, "--input has %zu value%s, but the model has %u input%s", count,
                              count == 1u ? "" : "s", (unsigned)n, n == 1u ? "" : "s");
    }
    p = text;
    for (pos = 0; pos < count; pos++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char buf[64];
        double v;
        if (len >= sizeof buf) {
            return anne_error_set(err, "--input: value %zu (\"%.20s...\") is not a number", pos + 1u, p);
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (anne_csv_number(buf, &v) != 0) {
            if (strspn(buf, " \t") == len) return anne_error_set(err, "--input: value %zu is empty", pos + 1u);
            return anne_error_set(err, "--input: value %zu (\"%s\") is not a number", pos + 1u, buf);
        }
        if (v > 3.4028234663852886e38 || v < -3.4028234663852886e38) {
            return anne_error_set(err, "--input: value %zu (\"%s\") is too large for a float", pos + 1u, buf);
        }
        x[pos] = (float)v;
        p = end ? end + 1 : p + len;
    }
    return 0;
}

static void anne__print_vector(const char *title, const float *v, uint16_t n) {
    uint16_t i;
    printf("%s", title);
    char buf[32];
    for (i = 0; i < n; i++) printf(" %s", anne_cli_format_float(buf, v[i]));
    putchar('\n');
}

static cJSON *anne__json_vector(const float *v, uint16_t n) {
    cJSON *arr = cJSON_CreateArray();
    uint16_t i;
    for (i = 0; i < n; i++) {
        if (anne_cli_json_add(arr, NULL, anne_cli_json_float(v[i])) != 0) {
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static const char *anne__scaling_name(anne_scaling_kind kind) {
    return kind == ANNE_SCALING_STANDARDIZE ? "standardize: (x - mean) / std" : "min-max: (x - min) / (max - min)";
}

/* Integer state of a quantized model between layers: the layer's input, z and a, as the runtime holds
 * them (int32 Q16.16 or int8); shown dequantized. */
typedef struct anne__trace_q {
    anne_dtype dtype;
    int32_t *cur, *z, *a;      /* (width) each; int8 models use the first bytes */
} anne__trace_q;

/* One quantized layer: the runtime's own kernels on the integers, z and a dequantized into floats. */
static void anne__trace_quant_layer(anne__trace_q *q, const anne_layer *layer, float *z, float *act) {
    uint16_t j;
    int32_t *t;
    if (q->dtype == ANNE_DTYPE_Q16) {
        anne_dense_forward_q16(q->z, q->cur, (const int32_t *)layer->kernel, (const int32_t *)layer->bias, layer->n_in,
                               layer->n_out);
        memcpy(q->a, q->z, (size_t)layer->n_out * sizeof *q->a);
        anne_activation_forward_q16(q->a, layer->n_out, layer->activation, layer->param,
                                    (const float *)layer->act_data);
        for (j = 0; j < layer->n_out; j++) {
            z[j] = anne_q16_to_f32(q->z[j]);
            act[j] = anne_q16_to_f32(q->a[j]);
        }
    } else {
        anne_s8_layer p;
        int8_t *zq = (int8_t *)q->z, *aq = (int8_t *)q->a;
        anne_layer_s8(layer, &p);
        anne_layer_forward_s8(aq, zq, (const int8_t *)q->cur, layer, &p);
        for (j = 0; j < layer->n_out; j++) {
            z[j] = anne_s8_dequantize(zq[j], p.z_scale, p.z_zp);
            act[j] = anne_s8_dequantize(aq[j], p.out_scale, p.out_zp);
        }
    }
    t = q->cur; /* this layer's output is the next one's input */
    q->cur = q->a;
    q->a = t;
}

/* The scaled input in the model's number format (what the first quantized layer sees). */
static void anne__trace_quant_input(anne__trace_q *q, const anne_model *model, const float *scaled) {
    uint16_t k;
    if (q->dtype == ANNE_DTYPE_Q16) {
        for (k = 0; k < model->n_inputs; k++) q->cur[k] = anne_q16_from_f32(scaled[k]);
    } else {
        float in_scale;
        int32_t in_zp;
        anne_model_s8_io(model, &in_scale, &in_zp, NULL, NULL);
        for (k = 0; k < model->n_inputs; k++) ((int8_t *)q->cur)[k] = anne_s8_quantize(scaled[k], in_scale, in_zp);
    }
}

/* The walk through the layers. buf holds 3 vectors of the widest layer: the layer's input, z, a. */
static int anne__trace_run(anne_cli_model *m, const float *raw, const anne__trace_args *a, cJSON *doc,
                           anne_error *err) {
    const anne_model *model = &m->loaded.model;
    uint16_t i, j, width = model->n_inputs, cls;
    float *buf, *cur, *z, *act, *check = m->out;
    cJSON *layers = NULL;
    int bad = 0;
    anne_layer layer;
    anne__trace_q q;
    for (i = 0; i < model->n_layers; i++) {
        if (anne_model_layer(model, i, &layer) != ANNE_OK)
            return anne_error_set(err, "layer %u: cannot be read", i + 1u);
        if (layer.n_out > width) width = layer.n_out;
    }
    buf = malloc(6u * (size_t)width * sizeof *buf); /* 3 float vectors, then 3 integer ones */
    if (buf == NULL) return anne_error_set(err, "out of memory");
    q.dtype = anne_model_dtype(model);
    q.cur = (int32_t *)(void *)(buf + 3u * width);
    q.z = q.cur + width;
    q.a = q.z + width;
    cur = buf;
    z = buf + width;
    act = buf + 2u * width;

    anne_model_scale_input(model, cur, raw);
    if (q.dtype != ANNE_DTYPE_F32) anne__trace_quant_input(&q, model, cur);
    if (doc != NULL) {
        bad |= anne_cli_json_add(doc, "input", anne__json_vector(raw, model->n_inputs));
        if (model->scaling.kind != ANNE_SCALING_NONE) {
            bad |= anne_cli_json_add(
                doc, "scaling",
                cJSON_CreateString(model->scaling.kind == ANNE_SCALING_STANDARDIZE ? "standardize" : "minmax"));
            bad |= anne_cli_json_add(doc, "scaled_input", anne__json_vector(cur, model->n_inputs));
        }
        layers = cJSON_CreateArray();
        bad |= anne_cli_json_add(doc, "layers", layers);
    } else {
        printf("model: %s (%u input%s, %u layer%s, %u output%s)\n", model->name[0] ? model->name : "(unnamed)",
               (unsigned)model->n_inputs, model->n_inputs == 1 ? "" : "s", (unsigned)model->n_layers,
               model->n_layers == 1 ? "" : "s", (unsigned)model->n_outputs, model->n_outputs == 1 ? "" : "s");
        anne__print_vector("input:", raw, model->n_inputs);
        if (model->scaling.kind != ANNE_SCALING_NONE) {
            printf("scaled input (%s):", anne__scaling_name(model->scaling.kind));
            anne__print_vector("", cur, model->n_inputs);
        }
    }
    for (i = 0; i < model->n_layers && !bad; i++) {
        float *t;
        anne_model_layer(model, i, &layer);
        /* the same steps as anne_model_predict(), keeping z before the activation overwrites it */
        if (q.dtype != ANNE_DTYPE_F32) {
            anne__trace_quant_layer(&q, &layer, z, act); /* integers inside; shown dequantized */
        } else {
            anne_dense_forward_f32(z, cur, (const float *)layer.kernel, (const float *)layer.bias, layer.n_in,
                                   layer.n_out);
            memcpy(act, z, (size_t)layer.n_out * sizeof *act);
            if (layer.activation == ANNE_ACT_PRELU) {
                anne_prelu_forward_f32(act, layer.n_out, (const float *)layer.act_data);
            } else {
                anne_activation_forward_f32(act, layer.n_out, layer.activation, layer.param);
            }
        }
        if (doc != NULL) {
            cJSON *o = cJSON_CreateObject();
            bad |= anne_cli_json_add(layers, NULL, o);
            bad |= anne_cli_json_add(o, "layer", cJSON_CreateNumber((double)i + 1.0));
            bad |= anne_cli_json_add(o, "units", cJSON_CreateNumber((double)layer.n_out));
            bad |= anne_cli_json_add(o, "activation", cJSON_CreateString(anne_activation_name(layer.activation)));
            bad |= anne_cli_json_add(o, "z", anne__json_vector(z, layer.n_out));
            bad |= anne_cli_json_add(o, "a", anne__json_vector(act, layer.n_out));
        } else {
            printf("layer %u: dense %u -> %u, %s\n", i + 1u, (unsigned)layer.n_in, (unsigned)layer.n_out,
                   anne_activation_name(layer.activation));
            for (j = 0; j < layer.n_out; j++) {
                char bz[32], ba[32];
                printf("  neuron %u: z = %s  a = %s\n", j + 1u, anne_cli_format_float(bz, z[j]),
                       anne_cli_format_float(ba, act[j]));
            }
        }
        t = cur; /* this layer's output is the next one's input */
        cur = act;
        act = t;
    }
    if (bad) {
        free(buf);
        return anne_error_set(err, "out of memory");
    }
    /* cur holds the output; anne_model_predict() must agree to the bit, or the trace shows something
     * other than what the model computes */
    if (anne_cli_model_predict(m, check, raw, err) != 0) {
        free(buf);
        return -1;
    }
    if (memcmp(check, cur, (size_t)model->n_outputs * sizeof *check) != 0) {
        free(buf);
        return anne_error_set(err, "internal error: the layer-by-layer output differs from anne_model_predict()");
    }
    cls = anne_output_class(cur, model->n_outputs, a->threshold);
    if (doc != NULL) {
        bad |= anne_cli_json_add(doc, "output", anne__json_vector(cur, model->n_outputs));
        bad |= anne_cli_json_add(doc, "class", cJSON_CreateNumber((double)cls));
        if (m->class_names != NULL) bad |= anne_cli_json_add(doc, "label", cJSON_CreateString(m->class_names[cls]));
    } else {
        anne__print_vector("output:", cur, model->n_outputs);
        if (m->class_names != NULL) {
            printf("class: %u (%s)\n", (unsigned)cls, m->class_names[cls]);
        } else {
            printf("class: %u\n", (unsigned)cls);
        }
    }
    free(buf);
    return bad ? anne_error_set(err, "out of memory") : 0;
}

int anne_cmd_trace(int argc, char **argv) {
    anne__trace_args a;
    anne_cli_model m;
    anne_error err;
    float *raw;
    cJSON *doc = NULL;
    int rc = anne__trace_parse(argc, argv, &a);
    if (rc >= 0) return rc;
    if (anne_cli_model_open(&m, a.model, &err) != 0) return anne_cli_fail("trace", err.msg);
    raw = malloc((size_t)m.loaded.model.n_inputs * sizeof *raw + sizeof *raw);
    if (raw == NULL) {
        rc = anne_error_set(&err, "out of memory");
    } else {
        rc = anne__trace_input(a.input, raw, m.loaded.model.n_inputs, &err);
    }
    if (rc == 0 && a.json) {
        doc = cJSON_CreateObject();
        if (doc == NULL) rc = anne_error_set(&err, "out of memory");
    }
    if (rc == 0) rc = anne__trace_run(&m, raw, &a, doc, &err);
    free(raw);
    anne_cli_model_close(&m);
    if (rc != 0) {
        cJSON_Delete(doc);
        return anne_cli_fail("trace", err.msg);
    }
    if (doc != NULL && anne_cli_json_print("trace", doc) != 0) return 1;
    return anne_cli_flush("trace");
}

/* anne trace: runs a model on one input layer by layer with the runtime's public kernels and shows
 * every neuron's value before (z) and after (a) its activation: the paper's "explore what every
 * neuron does". The result is checked bit for bit against anne_model_predict(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_graph_info.h"
#include "anne_graph_trace.h"
#include "anne_quant.h"

#define ANNE__TRACE_USAGE "anne trace MODEL --input V1,V2,... [--threshold T] [--task T] [--full] [--json]"

static void anne__trace_help(FILE *out) {
    fprintf(out, "usage: " ANNE__TRACE_USAGE "\n\n"
           "Runs MODEL (an .anne file or ANNE JSON) on one raw input and prints, layer by layer and\n"
           "neuron by neuron, the value before the activation (z = weights . inputs + bias) and after\n"
           "it (a), then the output and the class (none for a regression model). When the model\n"
           "scales its inputs (mean/std or min/max), the scaled input is shown first.\n\n"
           "options:\n"
           "  --input V1,...   the raw input: one number per model input, separated by commas\n"
           "  --threshold T    one sigmoid output: class 1 when the output is above T (default 0.5)\n"
           "  --task T         classification or regression (default: regression for a model with one\n"
           "                   linear output and no class names, else classification)\n"
           "  --full           a graph model: every value of every tensor, not only a summary\n"
           "  --json           keys input, scaled_input (with scaling), layers (each with layer,\n"
           "                   units, activation, z, a), output, class, label (with class names);\n"
           "                   a graph model: ops (each with op, type, activation, input_tensors,\n"
           "                   shape, min, mean, max, channels, and values with --full)\n"
           "  --help           this text\n\n"
           "A graph model (format 2.0: convolutions, pooling, merges) is shown op by op: each op's\n"
           "output shape, the min, mean and max of its values and of each channel (the last axis)\n"
           "over all other axes, or with --full every value. --input is then the input tensor's\n"
           "values flattened row-major, channels last (Keras' Flatten order).\n");
}

typedef struct anne__trace_args {
    const char *model, *input;
    float threshold;
    int json, full;
    anne_cli_task task;
} anne__trace_args;

/* Returns -1 to go on, else the exit code (0 after --help, 2 on a usage error). */
static int anne__trace_parse(int argc, char **argv, anne__trace_args *a) {
    const anne_cli_opt opts[] = {
        {"--json", NULL, &a->json, 1, NULL, NULL, NULL, NULL},
        {"--full", NULL, &a->full, 1, NULL, NULL, NULL, NULL},
        {"--input", NULL, NULL, 0, &a->input, NULL, NULL, "--input needs values V1,V2,..."},
        {"--threshold", NULL, NULL, 0, NULL, anne_cli_parse_float_opt, &a->threshold,
         "--threshold needs a number, got \"%s\""},
        {"--task", NULL, NULL, 0, NULL, anne_cli_parse_task, &a->task, ANNE_CLI_TASK_ERROR},
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

static void anne__print_vector(const char *title, const float *v, uint32_t n) {
    uint32_t i;
    printf("%s", title);
    char buf[32];
    for (i = 0; i < n; i++) printf(" %s", anne_cli_format_float(buf, v[i]));
    putchar('\n');
}

static cJSON *anne__json_vector(const float *v, uint32_t n) {
    cJSON *arr = cJSON_CreateArray();
    uint32_t i;
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

/* The output and its class (and name; the first output's), as text or JSON; a regression model's output
 * alone. Returns non-zero when out of memory. */
static int anne__trace_result(const anne_cli_model *m, const float *out, const anne__trace_args *a, cJSON *doc) {
    uint16_t n = m->loaded.model.n_outputs, cls = anne_output_class(out, m->class_values, a->threshold);
    int bad = 0;
    if (anne_cli_regression(&m->loaded.model, a->task)) {
        if (doc != NULL) bad |= anne_cli_json_add(doc, "output", anne__json_vector(out, n));
        else anne__print_vector("output:", out, n);
        return bad;
    }
    if (doc != NULL) {
        bad |= anne_cli_json_add(doc, "output", anne__json_vector(out, n));
        bad |= anne_cli_json_add(doc, "class", cJSON_CreateNumber((double)cls));
        if (m->class_names != NULL) bad |= anne_cli_json_add(doc, "label", cJSON_CreateString(m->class_names[cls]));
    } else {
        anne__print_vector("output:", out, n);
        if (m->class_names != NULL) {
            printf("class: %u (%s)\n", (unsigned)cls, m->class_names[cls]);
        } else {
            printf("class: %u\n", (unsigned)cls);
        }
    }
    return bad;
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
    uint16_t i, j, width = model->n_inputs;
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
    bad |= anne__trace_result(m, cur, a, doc);
    free(buf);
    return bad ? anne_error_set(err, "out of memory") : 0;
}

/* ---- graph models --------------------------------------------------------------------------------- */

#define ANNE__TRACE_CHANNELS 16u /* channel lines of a tensor without --full */
#define ANNE__TRACE_VALUES 32u   /* values of a one-position tensor ((C) or (1, C)) without --full */

/* min, mean and max of channel ch of a (positions, c) tensor; ch == c: of all its values */
typedef struct anne__summary {
    float min, mean, max;
} anne__summary;

static anne__summary anne__summarize(const float *v, uint32_t positions, uint16_t c, uint16_t ch) {
    anne__summary s;
    uint32_t p, n = ch == c ? positions * c : positions, step = ch == c ? 1u : c;
    double sum = 0.0;
    const float *x = v + (ch == c ? 0u : ch);
    s.min = s.max = x[0];
    for (p = 0; p < n; p++) {
        float y = x[(size_t)p * step];
        if (y < s.min) s.min = y;
        if (y > s.max) s.max = y;
        sum += (double)y;
    }
    s.mean = (float)(sum / (double)n);
    return s;
}

static void anne__print_summary(const char *label, const anne__summary *s) {
    char a[32], b[32], c[32];
    printf("  %-12s min %s  mean %s  max %s\n", label, anne_cli_format_float(a, s->min),
           anne_cli_format_float(b, s->mean), anne_cli_format_float(c, s->max));
}

/* A tensor for people: a one-position tensor's values, or the summary of all values and of each
 * channel over the other axes; with full, also every value, one line per position "[y, x]:". */
static void anne__print_tensor(const float *v, const anne_tensor *t, int full) {
    uint32_t n = anne_graph_tensor_values(t), p;
    uint16_t c = t->dims[t->rank - 1u], ch, shown;
    char buf[32], label[32];
    anne__summary s;
    if (n == c) {
        uint32_t k = full || n <= ANNE__TRACE_VALUES ? n : ANNE__TRACE_VALUES / 2u;
        printf("  values:");
        for (p = 0; p < k; p++) printf(" %s", anne_cli_format_float(buf, v[p]));
        if (k < n) printf(" ... (%lu more: --full shows them)", (unsigned long)(n - k));
        putchar('\n');
        return;
    }
    s = anne__summarize(v, n / c, c, c);
    anne__print_summary("all", &s);
    shown = full || c <= ANNE__TRACE_CHANNELS ? c : (uint16_t)ANNE__TRACE_CHANNELS;
    for (ch = 0; ch < shown; ch++) {
        snprintf(label, sizeof label, "channel %u", (unsigned)ch);
        s = anne__summarize(v, n / c, c, ch);
        anne__print_summary(label, &s);
    }
    if (shown < c) printf("  ... %u more channels (--full shows every value)\n", (unsigned)(c - shown));
    for (p = 0; full && p < n / c; p++) {
        uint32_t rest = p;
        int k;
        char index[64];
        size_t at = 0;
        /* the position's indices over the axes before the channels, the last running fastest */
        uint32_t idx[ANNE_MAX_RANK];
        for (k = t->rank - 2; k >= 0; k--) {
            idx[k] = rest % t->dims[k];
            rest /= t->dims[k];
        }
        for (k = 0; k + 1 < t->rank; k++) {
            at += (size_t)snprintf(index + at, sizeof index - at, "%s%lu", k ? ", " : "", (unsigned long)idx[k]);
        }
        printf("  [%s]:", index);
        for (ch = 0; ch < c; ch++) printf(" %s", anne_cli_format_float(buf, v[(size_t)p * c + ch]));
        putchar('\n');
    }
}

/* Adds min, mean and max to o (NULL: out of memory earlier). Returns non-zero when out of memory. */
static int anne__json_summary(cJSON *o, const anne__summary *s) {
    return anne_cli_json_add(o, "min", anne_cli_json_float(s->min)) |
           anne_cli_json_add(o, "mean", anne_cli_json_float(s->mean)) |
           anne_cli_json_add(o, "max", anne_cli_json_float(s->max));
}

static cJSON *anne__json_shape(const anne_tensor *t) {
    int dims[ANNE_MAX_RANK], k;
    for (k = 0; k < t->rank; k++) dims[k] = t->dims[k];
    return cJSON_CreateIntArray(dims, t->rank);
}

/* One op's JSON: what it is, its output's shape, its summary, per channel and (full) every value.
 * Returns non-zero when out of memory. */
static int anne__json_op(cJSON *ops, const anne_graph_op_info *v, const float *y, int full) {
    cJSON *o = cJSON_CreateObject(), *channels;
    uint32_t n = anne_graph_tensor_values(&v->out);
    uint16_t c = v->out.dims[v->out.rank - 1u], ch, k;
    anne__summary s = anne__summarize(y, n / c, c, c);
    int bad, in[ANNE_MAX_OP_INPUTS];
    if (anne_cli_json_add(ops, NULL, o) != 0) return -1; /* o is freed */
    for (k = 0; k < v->op.n_inputs; k++) in[k] = v->op.inputs[k];
    bad = anne_cli_json_add(o, "op", cJSON_CreateNumber((double)v->op.output));
    bad |= anne_cli_json_add(o, "type", cJSON_CreateString(anne_graph_op_name(v->op.kind)));
    bad |= anne_cli_json_add(o, "activation", cJSON_CreateString(anne_activation_name(v->op.activation)));
    bad |= anne_cli_json_add(o, "input_tensors", cJSON_CreateIntArray(in, v->op.n_inputs));
    bad |= anne_cli_json_add(o, "shape", anne__json_shape(&v->out));
    bad |= anne__json_summary(o, &s);
    bad |= anne_cli_json_add(o, "channels", channels = cJSON_CreateArray());
    for (ch = 0; ch < c && !bad; ch++) {
        cJSON *one = cJSON_CreateObject();
        s = anne__summarize(y, n / c, c, ch);
        bad |= anne_cli_json_add(channels, NULL, one);
        if (!bad) bad |= anne__json_summary(one, &s);
    }
    if (full && !bad) bad |= anne_cli_json_add(o, "values", anne__json_vector(y, n));
    return bad;
}

/* The input as given and, when the model scales it, as the first op sees it (the input tensors; JSON:
 * the whole row, and the first input's shape). */
static int anne__trace_graph_input(const anne_model *model, const anne_graph_trace *t, const float *raw,
                                   const anne__trace_args *a, cJSON *doc) {
    anne_tensor in;
    uint16_t k;
    const float *scaled = anne_graph_trace_values(t, 0, &in);
    char shape[96];
    int bad = 0;
    anne_graph_shape_text(&in, shape, sizeof shape);
    if (doc != NULL) {
        bad |= anne_cli_json_add(doc, "input", anne__json_vector(raw, model->n_inputs));
        bad |= anne_cli_json_add(doc, "input_shape", anne__json_shape(&in));
        if (model->scaling.kind != ANNE_SCALING_NONE) {
            bad |= anne_cli_json_add(
                doc, "scaling",
                cJSON_CreateString(model->scaling.kind == ANNE_SCALING_STANDARDIZE ? "standardize" : "minmax"));
            bad |= anne_cli_json_add(doc, "scaled_input", anne__json_vector(scaled, model->n_inputs));
        }
        return bad;
    }
    printf("model: %s (input %s%s, %u op%s, output ", model->name[0] ? model->name : "(unnamed)", shape,
           model->n_input_tensors > 1 ? " and more" : "", (unsigned)model->n_ops, model->n_ops == 1 ? "" : "s");
    {
        anne_model_io io;
        anne_model_output(model, 0, &io);
        anne_model_tensor(model, io.tensor, &in);
    }
    anne_graph_shape_text(&in, shape, sizeof shape);
    printf("%s%s)\n", shape, model->n_output_tensors > 1 ? " and more" : "");
    for (k = 0; k < model->n_input_tensors; k++) { /* each input: its part of the row */
        anne_model_io io;
        anne_model_input(model, k, &io);
        scaled = anne_graph_trace_values(t, k, &in);
        anne_graph_shape_text(&in, shape, sizeof shape);
        if (model->n_input_tensors == 1) printf("input %s:\n", shape);
        else printf("input %u %s (tensor %u):\n", (unsigned)k + 1u, shape, (unsigned)k);
        anne__print_tensor(raw + io.first, &in, a->full);
        if (model->scaling.kind != ANNE_SCALING_NONE) {
            printf("scaled input (%s):\n", anne__scaling_name(model->scaling.kind));
            anne__print_tensor(scaled, &in, a->full);
        }
    }
    return 0;
}

/* A graph model: run once with every tensor in a place of its own, then each op's output. */
static int anne__trace_graph(anne_cli_model *m, const float *raw, const anne__trace_args *a, cJSON *doc,
                             anne_error *err) {
    const anne_model *model = &m->loaded.model;
    anne_graph_trace t;
    anne_graph_op_info v;
    cJSON *ops = NULL;
    float *out;
    uint16_t i;
    int rc = 0, oom = 0;
    if (anne_graph_trace_open(&t, model, err) != 0) return -1;
    out = malloc((size_t)model->n_outputs * sizeof *out);
    if (out == NULL) {
        anne_graph_trace_close(&t);
        return anne_error_set(err, "out of memory");
    }
    /* the traced run and anne_model_predict() on the model as planned must agree to the bit */
    if (anne_graph_trace_run(&t, out, raw, err) != 0 || anne_cli_model_predict(m, m->out, raw, err) != 0) {
        rc = -1;
    } else if (memcmp(out, m->out, (size_t)model->n_outputs * sizeof *out) != 0) {
        rc = anne_error_set(err, "internal error: the traced output differs from anne_model_predict()");
    }
    if (rc == 0) oom |= anne__trace_graph_input(model, &t, raw, a, doc);
    if (rc == 0 && doc != NULL) oom |= anne_cli_json_add(doc, "ops", ops = cJSON_CreateArray());
    for (i = 0; i < model->n_ops && rc == 0 && !oom; i++) {
        anne_tensor y;
        const float *values = anne_graph_trace_values(&t, (uint16_t)(i + model->n_input_tensors), &y);
        anne_graph_op_info_get(model, i, &v);
        if (doc != NULL) {
            oom |= anne__json_op(ops, &v, values, a->full);
        } else {
            char attrs[96], shape[96];
            uint8_t k;
            anne_graph_attr_text(&v, attrs, sizeof attrs);
            anne_graph_shape_text(&y, shape, sizeof shape);
            printf("op %u: %s%s%s", (unsigned)(i + 1u), anne_graph_op_name(v.op.kind), attrs[0] ? " " : "", attrs);
            if (v.op.activation != ANNE_ACT_LINEAR) printf(", %s", anne_activation_name(v.op.activation));
            printf(" (tensor%s", v.op.n_inputs == 1 ? "" : "s");
            for (k = 0; k < v.op.n_inputs; k++) printf("%s %u", k ? "," : "", (unsigned)v.op.inputs[k]);
            printf(") -> %s\n", shape);
            anne__print_tensor(values, &y, a->full);
        }
    }
    if (rc == 0 && !oom) oom |= anne__trace_result(m, out, a, doc);
    if (rc == 0 && oom) rc = anne_error_set(err, "out of memory");
    free(out);
    anne_graph_trace_close(&t);
    return rc;
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
    if (rc == 0 && m.loaded.model.op_table != NULL) rc = anne__trace_graph(&m, raw, &a, doc, &err);
    else if (rc == 0) rc = anne__trace_run(&m, raw, &a, doc, &err);
    free(raw);
    anne_cli_model_close(&m);
    if (rc != 0) {
        cJSON_Delete(doc);
        return anne_cli_fail("trace", err.msg);
    }
    if (doc != NULL && anne_cli_json_print("trace", doc) != 0) return 1;
    return anne_cli_flush("trace");
}

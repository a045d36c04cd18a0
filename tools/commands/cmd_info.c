/* anne info: a model's summary, as Keras' summary() prints it, plus what a microcontroller cares
 * about: weight bytes, arena bytes, file bytes. A table for people, or one JSON object (--json). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_graph_info.h"
#include "anne_info_target.h"
#include "anne_ir.h"
#include "anne_json_write.h"

static void anne__info_usage(FILE *out) {
    fprintf(out,
            "usage: anne info MODEL [--target m0plus|m33 [--measure]] [--json]\n"
            "\n"
            "Summarizes MODEL (an .anne model file or ANNE JSON): one row per layer with its activation,\n"
            "inputs, units, parameters (kernel + bias + prelu alphas), multiply-accumulates and number format; then the\n"
            "totals, weight bytes, the arena (working memory) bytes a run needs, the model file's bytes\n"
            "(for ANNE JSON: the size it has as an .anne file), input scaling and class names.\n"
            "A graph model (format 2.x): a row for each input tensor and one per op (each row's # is the\n"
            "tensor it writes): its kind, activation, input tensors, output shape, window or attributes,\n"
            "parameters, MACs, weight bytes and the output's place in the arena (offset, bytes); then each\n"
            "input and output with its shape and where its values are in a CSV row (inputs) or in the\n"
            "prediction (outputs). docs/cli.md says how each figure is counted.\n"
            "With --target, also what the model costs on that board's core (docs/mcu.md, \"Will my model\n"
            "fit?\"): per layer or op and in total the MACs, the cycles and microseconds (m0plus: Cortex-M0+\n"
            "of the RP2040 at 133 MHz; m33: Cortex-M33 of the RP2350 at 150 MHz), estimated from a cost table\n"
            "fitted to bench/mcu-bench's measurements (the output says to how many records and with what\n"
            "error); flash: the model's bytes as generated C stores them and the runtime's code, as measured\n"
            "in the bench's firmwares; RAM: the arena (exact) and the stack.\n"
            "\n"
            "options:\n"
            "  --json             one JSON object instead of the table (with --target: a \"target\" object)\n"
            "  --target CORE      m0plus or m33: cycles, time, flash and RAM on that core\n"
            "  --measure          with --target: build the model's firmware and run it on the emulated core\n"
            "                     (arm-none-eabi-gcc and qemu-system-arm, as bench/mcu-bench does; minutes\n"
            "                     the first time): measured cycles, code bytes and stack instead of the\n"
            "                     estimate's; without the tools the estimate, with a note saying so\n"
            "  -h, --help         show this help\n");
}

static const char *anne__dtype_name(anne_dtype d) {
    switch (d) {
    case ANNE_DTYPE_F32: return "f32";
    case ANNE_DTYPE_Q16: return "q16";
    case ANNE_DTYPE_S8: return "s8";
    case ANNE_DTYPE_COUNT: break;
    }
    return "?";
}

static size_t anne__dtype_bytes(anne_dtype d) {
    return d == ANNE_DTYPE_S8 ? 1u : 4u;
}

/* Per-layer figures. Weight bytes are the kernel and bias data as stored (later also quantization
 * parameters, which f32 layers have none of). */
typedef struct anne__layer_info {
    anne_layer l;
    uint64_t params, macs, weight_bytes;
} anne__layer_info;

static void anne__layer_figures(const anne_model *m, uint16_t i, anne__layer_info *out) {
    uint32_t alphas;
    memset(out, 0, sizeof *out);
    anne_model_layer(m, i, &out->l);
    out->macs = (uint64_t)out->l.n_in * out->l.n_out;
    /* a prelu layer's alphas are trainable parameters (as Keras counts them), stored beside its bias */
    alphas = out->l.activation == ANNE_ACT_PRELU ? out->l.n_out : 0u;
    out->params = out->macs + (out->l.bias != NULL ? out->l.n_out : 0u) + alphas;
    /* as stored: kernel elements of the format, 4-byte biases and alphas, the int8 quantization record */
    out->weight_bytes = out->macs * anne__dtype_bytes(out->l.dtype) + (out->l.bias != NULL ? 4u * out->l.n_out : 0u) +
                        4u * alphas + out->l.aux_size;
}

/* "relu", "relu(max_value=6)", "leaky_relu(alpha=0.01)": parameters that are not Keras' defaults, and
 * always the alpha/theta of leaky_relu, elu and thresholded_relu (defaults differ between sources). */
static void anne__activation_text(anne_activation act, const float param[3], char *buf, size_t cap) {
    const char *name = anne_activation_name(act);
    switch (act) {
    case ANNE_ACT_RELU: {
        char parts[128] = "";
        size_t at = 0;
        if (param[0] != 0.0f) {
            at += (size_t)snprintf(parts + at, sizeof parts - at, "negative_slope=%g", (double)param[0]);
        }
        if (param[1] != INFINITY && at < sizeof parts) {
            at += (size_t)snprintf(parts + at, sizeof parts - at, "%smax_value=%g", at ? ", " : "", (double)param[1]);
        }
        if (param[2] != 0.0f && at < sizeof parts) {
            snprintf(parts + at, sizeof parts - at, "%sthreshold=%g", at ? ", " : "", (double)param[2]);
        }
        if (parts[0] != '\0') snprintf(buf, cap, "%s(%s)", name, parts);
        else snprintf(buf, cap, "%s", name);
        break;
    }
    case ANNE_ACT_LEAKY_RELU:
    case ANNE_ACT_ELU: snprintf(buf, cap, "%s(alpha=%g)", name, (double)param[0]); break;
    case ANNE_ACT_THRESHOLDED_RELU: snprintf(buf, cap, "%s(theta=%g)", name, (double)param[0]); break;
    case ANNE_ACT_PRELU: snprintf(buf, cap, "%s(alpha per unit)", name); break;
    default: snprintf(buf, cap, "%s", name); break;
    }
}

static const char *anne__scaling_name(anne_scaling_kind k) {
    return k == ANNE_SCALING_STANDARDIZE ? "standardize" : k == ANNE_SCALING_MINMAX ? "minmax" : "none";
}

static void anne__print_floats(const float *x, uint16_t n) {
    uint16_t i;
    printf("[");
    for (i = 0; i < n; i++) printf("%s%g", i ? ", " : "", (double)x[i]);
    printf("]");
}

/* The three sums under the table. */
typedef struct anne__totals {
    uint64_t params, macs, wbytes;
} anne__totals;

static void anne__print_layers(const anne_model *m, anne__totals *t) {
    anne__layer_info li;
    uint16_t i;
    char act[128];
    printf("%-3s %-6s %-28s %7s %7s %10s %10s %12s  %s\n", "#", "Layer", "Activation", "Inputs", "Units", "Params",
           "MACs", "Weight bytes", "Format");
    printf("------------------------------------------------------------------------------------------------\n");
    for (i = 0; i < m->n_layers; i++) {
        anne__layer_figures(m, i, &li);
        anne__activation_text(li.l.activation, li.l.param, act, sizeof act);
        printf("%-3u %-6s %-28s %7u %7u %10llu %10llu %12llu  %s\n", i + 1u, "dense", act, li.l.n_in, li.l.n_out,
               (unsigned long long)li.params, (unsigned long long)li.macs, (unsigned long long)li.weight_bytes,
               anne__dtype_name(li.l.dtype));
        t->params += li.params;
        t->macs += li.macs;
        t->wbytes += li.weight_bytes;
    }
    printf("------------------------------------------------------------------------------------------------\n");
}

/* A graph model's table: a row for each input tensor, then one per op (row k: the op writing tensor k).
 * The columns are as wide as their widest cell: text left-aligned, figures right-aligned. */
#define ANNE__GRAPH_COLS 11
typedef char anne__cell[96];

static const char *const anne__graph_head[ANNE__GRAPH_COLS] = {
    "#", "Op", "Activation", "Inputs", "Output shape", "Window", "Params", "MACs", "Weight bytes", "Arena offset",
    "Arena bytes",
};

/* Row k's cells: input tensor k (k < n_input_tensors) or the op writing tensor k. */
static void anne__graph_row(const anne_model *m, uint16_t k, anne__cell *c, anne__totals *t) {
    anne_graph_op_info v;
    const anne_tensor *out = &v.out;
    uint8_t j;
    size_t at = 0;
    if (k < m->n_input_tensors) {
        anne_model_tensor(m, k, &v.out);
        snprintf(c[0], sizeof c[0], "%u", (unsigned)k);
        if (m->n_input_tensors == 1) snprintf(c[1], sizeof c[1], "Input");
        else snprintf(c[1], sizeof c[1], "Input %u", (unsigned)k + 1u);
        for (j = 2; j < 9; j++) snprintf(c[j], sizeof c[j], "%s", j >= 6 ? "0" : "-");
    } else {
        anne_graph_op_info_get(m, (uint16_t)(k - m->n_input_tensors), &v);
        snprintf(c[0], sizeof c[0], "%u", (unsigned)k);
        snprintf(c[1], sizeof c[1], "%s", anne_graph_op_name(v.op.kind));
        anne__activation_text(v.op.activation, v.op.param, c[2], sizeof c[2]);
        for (j = 0; j < v.op.n_inputs && at < sizeof c[3]; j++) {
            at += (size_t)snprintf(c[3] + at, sizeof c[3] - at, "%s%u", j ? ", " : "", (unsigned)v.op.inputs[j]);
        }
        anne_graph_attr_text(&v, c[5], sizeof c[5]);
        if (c[5][0] == '\0') snprintf(c[5], sizeof c[5], "-");
        snprintf(c[6], sizeof c[6], "%llu", (unsigned long long)v.params);
        snprintf(c[7], sizeof c[7], "%llu", (unsigned long long)v.macs);
        snprintf(c[8], sizeof c[8], "%llu", (unsigned long long)v.weight_bytes);
        t->params += v.params;
        t->macs += v.macs;
        t->wbytes += v.weight_bytes;
    }
    anne_graph_shape_text(out, c[4], sizeof c[4]);
    snprintf(c[9], sizeof c[9], "%lu", (unsigned long)out->offset);
    snprintf(c[10], sizeof c[10], "%lu",
             (unsigned long)((out->dtype == ANNE_DTYPE_S8 ? 1u : 4u) * anne_graph_tensor_values(out)));
}

static void anne__graph_print_row(const char *const *cells, const int *width) {
    int j;
    for (j = 0; j < ANNE__GRAPH_COLS; j++) {
        const char *sep = j + 1 < ANNE__GRAPH_COLS ? "  " : "\n";
        if (j >= 6) printf("%*s%s", width[j], cells[j], sep); /* the figures */
        else printf("%-*s%s", width[j], cells[j], sep);
    }
}

static int anne__print_graph(const anne_model *m, anne__totals *t) {
    size_t n = m->n_tensors, r;
    anne__cell *cells = calloc(n * ANNE__GRAPH_COLS, sizeof *cells);
    const char *row[ANNE__GRAPH_COLS];
    int width[ANNE__GRAPH_COLS], j, total = 0;
    if (cells == NULL) return -1;
    for (j = 0; j < ANNE__GRAPH_COLS; j++) width[j] = (int)strlen(anne__graph_head[j]);
    for (r = 0; r < n; r++) {
        anne__graph_row(m, (uint16_t)r, cells + r * ANNE__GRAPH_COLS, t);
        for (j = 0; j < ANNE__GRAPH_COLS; j++) {
            int len = (int)strlen(cells[r * ANNE__GRAPH_COLS + (size_t)j]);
            if (len > width[j]) width[j] = len;
        }
    }
    for (j = 0; j < ANNE__GRAPH_COLS; j++) total += width[j] + (j ? 2 : 0);
    anne__graph_print_row(anne__graph_head, width);
    for (j = 0; j < total; j++) putchar('-');
    putchar('\n');
    for (r = 0; r < n; r++) {
        for (j = 0; j < ANNE__GRAPH_COLS; j++) row[j] = cells[r * ANNE__GRAPH_COLS + (size_t)j];
        anne__graph_print_row(row, width);
    }
    for (j = 0; j < total; j++) putchar('-');
    putchar('\n');
    free(cells);
    return 0;
}

/* A graph model's inputs (outputs: 1): one line for one, else a line for each, with its tensor and
 * the values of the row (a CSV row, the prediction) it takes. */
static void anne__print_graph_io(const anne_model *m, int outputs) {
    uint16_t k, n = outputs ? m->n_output_tensors : m->n_input_tensors;
    anne_model_io io;
    anne_tensor t;
    char shape[96];
    if (n == 1) {
        (outputs ? anne_model_output : anne_model_input)(m, 0, &io);
        anne_model_tensor(m, io.tensor, &t);
        anne_graph_shape_text(&t, shape, sizeof shape);
        if (outputs) printf("Output:        %s, %u values\n", shape, m->n_outputs);
        else printf("Input:         %s, %u values (a CSV row: row-major, channels last)\n", shape, m->n_inputs);
        return;
    }
    if (outputs) printf("Outputs:       %u, %u values, one after the other:\n", n, m->n_outputs);
    else printf("Inputs:        %u, %u values in a CSV row, one after the other (each row-major, channels last):\n", n,
                m->n_inputs);
    for (k = 0; k < n; k++) {
        (outputs ? anne_model_output : anne_model_input)(m, k, &io);
        anne_model_tensor(m, io.tensor, &t);
        anne_graph_shape_text(&t, shape, sizeof shape);
        printf("  %-6s %-5u %s (tensor %u), values %lu to %lu\n", outputs ? "output" : "input", (unsigned)k + 1u, shape,
               (unsigned)io.tensor, (unsigned long)io.first + 1u, (unsigned long)(io.first + io.values));
    }
}

/* What predict, eval and trace make of the outputs by default (anne_cli_regression's rule). */
static const char *anne__task_text(const anne_model *m) {
    if (anne_cli_regression(m, ANNE_CLI_TASK_AUTO)) {
        return "regression (one linear output, no class names; --task classification scores it as classes)";
    }
    return "classification";
}

static int anne__print_table(const anne_model *m, const char *path, const anne_target_report *target) {
    anne__totals t = {0, 0, 0};
    uint16_t i;
    if (m->name[0] != '\0') printf("Model: \"%s\"", m->name);
    else printf("Model: (no name)");
    printf("  (%s, format %u.%u", path, m->format_major, m->format_minor);
    if (m->op_table != NULL) {
        printf(", a graph of %u op%s)\n", (unsigned)m->n_ops, m->n_ops == 1 ? "" : "s");
        if (anne__print_graph(m, &t) != 0) return -1;
    } else {
        printf(")\n");
        anne__print_layers(m, &t);
    }
    printf("Parameters:    %llu\n", (unsigned long long)t.params);
    printf("MACs:          %llu per inference\n", (unsigned long long)t.macs);
    printf("Weight bytes:  %llu\n", (unsigned long long)t.wbytes);
    printf("Arena bytes:   %lu (working memory for one inference)\n", (unsigned long)anne_model_arena_size(m));
    printf("File bytes:    %lu (as an .anne model file)\n", (unsigned long)m->size);
    if (m->op_table != NULL) {
        anne__print_graph_io(m, 0);
        anne__print_graph_io(m, 1);
    } else {
        printf("Inputs:        %u\n", m->n_inputs);
        printf("Outputs:       %u\n", m->n_outputs);
    }
    printf("Input scaling: %s", anne__scaling_name(m->scaling.kind));
    if (m->scaling.kind != ANNE_SCALING_NONE) {
        int std = m->scaling.kind == ANNE_SCALING_STANDARDIZE;
        printf(", %s ", std ? "mean" : "min");
        anne__print_floats(m->scaling.a, m->n_inputs);
        printf(", %s ", std ? "std" : "max");
        anne__print_floats(m->scaling.b, m->n_inputs);
    }
    printf("\nClasses:       ");
    if (m->n_classes == 0) printf("(none)");
    for (i = 0; i < m->n_classes; i++) printf("%s%s", i ? ", " : "", anne_model_class_name(m, i));
    printf("\nTask:          %s\n", anne__task_text(m));
    if (target != NULL) anne_target_report_print(target);
    return 0;
}

/* A float as a raw JSON number with the digits it has (reads back exactly), not double noise. */
static cJSON *anne__json_float(float x) {
    char s[32];
    if (!isfinite(x)) return cJSON_CreateNull();
    anne_json_format_float(s, x);
    return cJSON_CreateRaw(s);
}

static cJSON *anne__json_floats(const float *x, uint16_t n) {
    cJSON *a = cJSON_CreateArray();
    uint16_t i;
    for (i = 0; a != NULL && i < n; i++) {
        cJSON *v = anne__json_float(x[i]);
        if (v == NULL || !cJSON_AddItemToArray(a, v)) {
            cJSON_Delete(v);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

/* Adds item to obj under key; on failure deletes item. Returns 0 on success. */
static int anne__add(cJSON *obj, const char *key, cJSON *item) {
    if (item == NULL) return -1;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

/* Appends item to the array arr; on failure deletes item. Returns 0 on success. */
static int anne__push(cJSON *arr, cJSON *item) {
    if (item == NULL) return -1;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

static int anne__add_num(cJSON *obj, const char *key, double v) {
    return anne__add(obj, key, cJSON_CreateNumber(v));
}

/* The activation's parameters; alphas: prelu's (n of them; dense layers only, graph ops have no prelu). */
static int anne__add_params(cJSON *o, anne_activation act, const float param[3], const float *alphas, uint16_t n) {
    switch (act) {
    case ANNE_ACT_RELU:
        return anne__add(o, "negative_slope", anne__json_float(param[0])) |
               anne__add(o, "max_value", anne__json_float(param[1])) | /* +inf (no clip): null */
               anne__add(o, "threshold", anne__json_float(param[2]));
    case ANNE_ACT_LEAKY_RELU:
    case ANNE_ACT_ELU: return anne__add(o, "alpha", anne__json_float(param[0]));
    case ANNE_ACT_THRESHOLDED_RELU: return anne__add(o, "theta", anne__json_float(param[0]));
    case ANNE_ACT_PRELU: {
        cJSON *a = cJSON_CreateArray();
        uint16_t j;
        int bad = 0;
        for (j = 0; a != NULL && alphas != NULL && j < n; j++) bad |= anne__push(a, anne__json_float(alphas[j]));
        return anne__add(o, "alpha", a) | bad;
    }
    default: return 0;
    }
}

static int anne__json_layers(cJSON *root, const anne_model *m, anne__totals *t) {
    cJSON *layers = cJSON_CreateArray();
    anne__layer_info li;
    uint16_t i;
    int bad = anne__add(root, "layers", layers);
    for (i = 0; !bad && i < m->n_layers; i++) {
        cJSON *o = cJSON_CreateObject();
        if (anne__push(layers, o) != 0) return -1;
        anne__layer_figures(m, i, &li);
        bad |= anne__add_num(o, "index", i + 1u);
        bad |= anne__add(o, "type", cJSON_CreateString("dense"));
        bad |= anne__add(o, "activation", cJSON_CreateString(anne_activation_name(li.l.activation)));
        bad |= anne__add_params(o, li.l.activation, li.l.param, (const float *)li.l.act_data, li.l.n_out);
        bad |= anne__add_num(o, "inputs", li.l.n_in);
        bad |= anne__add_num(o, "units", li.l.n_out);
        bad |= anne__add(o, "bias", cJSON_CreateBool(li.l.bias != NULL));
        bad |= anne__add_num(o, "parameters", (double)li.params);
        bad |= anne__add_num(o, "macs", (double)li.macs);
        bad |= anne__add_num(o, "weight_bytes", (double)li.weight_bytes);
        bad |= anne__add(o, "dtype", cJSON_CreateString(anne__dtype_name(li.l.dtype)));
        t->params += li.params;
        t->macs += li.macs;
        t->wbytes += li.weight_bytes;
    }
    return bad;
}

/* [a, b] or [[a, b], [c, d]]: the int arrays of shapes, windows and pads. */
static cJSON *anne__json_ints(const uint16_t *v, int n) {
    int x[ANNE_MAX_RANK], k;
    for (k = 0; k < n; k++) x[k] = v[k];
    return cJSON_CreateIntArray(x, n);
}

static cJSON *anne__json_pads(const uint16_t pad[4], int one_d) {
    cJSON *a;
    if (one_d) return anne__json_ints(pad + 2, 2);
    a = cJSON_CreateArray();
    if (anne__push(a, anne__json_ints(pad, 2)) != 0 || anne__push(a, anne__json_ints(pad + 2, 2)) != 0) {
        cJSON_Delete(a);
        return NULL;
    }
    return a;
}

/* A graph op's window or attributes under Keras' argument names (1-D ops: the width entries only). */
static int anne__json_attrs(cJSON *o, const anne_graph_op_info *v) {
    const uint16_t *a = v->op.attr;
    int one_d = v->in.rank == 2, bad = 0;
    if (v->windowed) {
        cJSON *w = cJSON_CreateObject();
        bad |= anne__add(o, "window", w);
        if (bad) return bad;
        bad |= anne__add(w, "kernel_size", anne__json_ints(a + one_d, 2 - one_d));
        bad |= anne__add(w, "strides", anne__json_ints(a + 2 + one_d, 2 - one_d));
        bad |= anne__add(w, "dilation_rate", anne__json_ints(a + 4 + one_d, 2 - one_d));
        bad |= anne__add(w, "padding", cJSON_CreateString(v->padding != NULL ? v->padding : "explicit"));
        return bad | anne__add(w, "pads", anne__json_pads(v->pad, one_d));
    }
    switch (v->op.kind) {
    case ANNE_OP_ZERO_PAD2D: return anne__add(o, "padding", anne__json_pads(v->pad, one_d));
    case ANNE_OP_CROP2D: return anne__add(o, "cropping", anne__json_pads(v->pad, one_d));
    case ANNE_OP_UPSAMPLE2D: {
        uint16_t size[2] = {1, 1};
        if (!one_d) size[0] = (uint16_t)(v->out.dims[0] / v->in.dims[0]);
        size[1] = (uint16_t)(v->out.dims[1 - one_d] / v->in.dims[1 - one_d]); /* (L, C): dims[0] is the width */
        return anne__add(o, "size", anne__json_ints(size + one_d, 2 - one_d));
    }
    case ANNE_OP_CONCAT: return anne__add_num(o, "axis", a[0]);
    case ANNE_OP_PERMUTE: return anne__add(o, "perm", anne__json_ints(a, v->in.rank));
    case ANNE_OP_LAYER_NORM: {
        uint32_t bits = (uint32_t)a[0] | (uint32_t)a[1] << 16;
        float eps;
        memcpy(&eps, &bits, sizeof eps);
        return anne__add(o, "epsilon", anne__json_float(eps));
    }
    default: return 0;
    }
}

/* A graph model's inputs (outputs: 1): for each its tensor, shape, place in the row and in the arena. */
static cJSON *anne__json_graph_io(const anne_model *m, int outputs) {
    cJSON *list = cJSON_CreateArray();
    uint16_t k, n = outputs ? m->n_output_tensors : m->n_input_tensors;
    int bad = list == NULL;
    for (k = 0; !bad && k < n; k++) {
        cJSON *o = cJSON_CreateObject();
        anne_model_io io;
        anne_tensor t;
        (outputs ? anne_model_output : anne_model_input)(m, k, &io);
        anne_model_tensor(m, io.tensor, &t);
        if (anne__push(list, o) != 0) break;
        bad |= anne__add_num(o, "tensor", io.tensor);
        bad |= anne__add(o, "shape", anne__json_ints(t.dims, t.rank));
        bad |= anne__add_num(o, "first_value", io.first);
        bad |= anne__add_num(o, "values", io.values);
        bad |= anne__add_num(o, "arena_offset", t.offset);
    }
    if (bad || k < n) {
        cJSON_Delete(list);
        return NULL;
    }
    return list;
}

/* A graph model's input and output shapes (the first of each when there are several; all of them in
 * "input_tensors" and "output_tensors") and its ops, in run order; op i writes tensor index. */
static int anne__json_ops(cJSON *root, const anne_model *m, anne__totals *t) {
    cJSON *ops = cJSON_CreateArray();
    anne_graph_op_info v;
    anne_tensor in, out;
    anne_model_io io;
    uint16_t i;
    int bad = 0;
    anne_model_tensor(m, 0, &in);
    anne_model_output(m, 0, &io);
    anne_model_tensor(m, io.tensor, &out);
    bad |= anne__add(root, "input_shape", anne__json_ints(in.dims, in.rank));
    bad |= anne__add_num(root, "input_arena_offset", in.offset);
    bad |= anne__add_num(root, "input_arena_bytes", 4.0 * anne_graph_tensor_values(&in));
    bad |= anne__add(root, "output_shape", anne__json_ints(out.dims, out.rank));
    bad |= anne__add(root, "input_tensors", anne__json_graph_io(m, 0));
    bad |= anne__add(root, "output_tensors", anne__json_graph_io(m, 1));
    for (i = 0; !bad && i < m->n_ops; i++) {
        cJSON *o = cJSON_CreateObject();
        anne_graph_op_info_get(m, i, &v);
        if (anne__push(ops, o) != 0) break;
        bad |= anne__add_num(o, "index", i + m->n_input_tensors);
        bad |= anne__add(o, "type", cJSON_CreateString(anne_graph_op_name(v.op.kind)));
        bad |= anne__add(o, "activation", cJSON_CreateString(anne_activation_name(v.op.activation)));
        bad |= anne__add_params(o, v.op.activation, v.op.param, NULL, 0);
        bad |= anne__add(o, "input_tensors", anne__json_ints(v.op.inputs, v.op.n_inputs));
        bad |= anne__add(o, "output_shape", anne__json_ints(v.out.dims, v.out.rank));
        bad |= anne__json_attrs(o, &v);
        bad |= anne__add(o, "bias", cJSON_CreateBool(v.op.bias != NULL));
        bad |= anne__add_num(o, "parameters", (double)v.params);
        bad |= anne__add_num(o, "macs", (double)v.macs);
        bad |= anne__add_num(o, "weight_bytes", (double)v.weight_bytes);
        bad |= anne__add(o, "dtype", cJSON_CreateString(anne__dtype_name(v.out.dtype)));
        bad |= anne__add_num(o, "arena_offset", v.out.offset);
        bad |= anne__add_num(o, "arena_bytes", 4.0 * anne_graph_tensor_values(&v.out));
        t->params += v.params;
        t->macs += v.macs;
        t->wbytes += v.weight_bytes;
    }
    return anne__add(root, "ops", ops) | bad;
}

static cJSON *anne__info_json(const anne_model *m, const anne_target_report *target) {
    cJSON *root = cJSON_CreateObject(), *scaling, *classes;
    anne__totals t = {0, 0, 0};
    char version[32];
    uint16_t i;
    int bad = 0;
    if (root == NULL) return NULL;
    bad |= anne__add(root, "name", cJSON_CreateString(m->name));
    snprintf(version, sizeof version, "%u.%u", m->format_major, m->format_minor);
    bad |= anne__add(root, "format_version", cJSON_CreateString(version));
    bad |= anne__add_num(root, "inputs", m->n_inputs);
    bad |= anne__add_num(root, "outputs", m->n_outputs);
    if (!bad) bad |= m->op_table != NULL ? anne__json_ops(root, m, &t) : anne__json_layers(root, m, &t);
    bad |= anne__add_num(root, "parameters", (double)t.params);
    bad |= anne__add_num(root, "macs", (double)t.macs);
    bad |= anne__add_num(root, "weight_bytes", (double)t.wbytes);
    bad |= anne__add_num(root, "arena_bytes", anne_model_arena_size(m));
    bad |= anne__add_num(root, "file_bytes", m->size);
    scaling = cJSON_CreateObject();
    bad |= anne__add(root, "scaling", scaling);
    if (!bad) {
        int std = m->scaling.kind == ANNE_SCALING_STANDARDIZE;
        bad |= anne__add(scaling, "kind", cJSON_CreateString(anne__scaling_name(m->scaling.kind)));
        if (m->scaling.kind != ANNE_SCALING_NONE) {
            bad |= anne__add(scaling, std ? "mean" : "min", anne__json_floats(m->scaling.a, m->n_inputs));
            bad |= anne__add(scaling, std ? "std" : "max", anne__json_floats(m->scaling.b, m->n_inputs));
        }
    }
    bad |= anne__add(root, "task", cJSON_CreateString(anne_cli_regression(m, ANNE_CLI_TASK_AUTO) ? "regression"
                                                                                                 : "classification"));
    classes = cJSON_CreateArray();
    bad |= anne__add(root, "classes", classes);
    for (i = 0; !bad && i < m->n_classes; i++) {
        bad |= anne__push(classes, cJSON_CreateString(anne_model_class_name(m, i)));
    }
    if (!bad && target != NULL) bad |= anne__add(root, "target", anne_target_report_json(target));
    if (bad) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* anne_cli_opt.parse for --target (out: int *, the anne_core). */
static int anne__parse_target(const char *text, void *out) {
    int core = anne_core_parse(text);
    if (core < 0) return -1;
    *(int *)out = core;
    return 0;
}

int anne_cmd_info(int argc, char **argv) {
    const char *path = NULL;
    int json = 0, measure = 0, core = -1, n_pos, rc;
    const anne_cli_opt opts[] = {
        {"--json", NULL, &json, 1, NULL, NULL, NULL, NULL},
        {"--target", NULL, NULL, 0, NULL, anne__parse_target, &core,
         "--target must be one of the targets m0plus (Cortex-M0+, RP2040) or m33 (Cortex-M33, RP2350), got \"%s\""},
        {"--measure", NULL, &measure, 1, NULL, NULL, NULL, NULL},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"info", NULL, anne__info_usage, opts, &path, 1, "too many arguments ('%s')"};
    anne_target_report target, *tp = NULL;
    anne_loaded lm;
    anne_error err;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (path == NULL) return anne_cli_spec_error(&spec, "expected MODEL");
    if (measure && core < 0) return anne_cli_spec_error(&spec, "--measure needs --target m0plus|m33");
    if (anne_loaded_open(&lm, path, &err) != 0) {
        fprintf(stderr, "anne info: %s\n", err.msg);
        return 1;
    }
    if (core >= 0) {
        if (anne_target_report_make(&target, &lm.model, (anne_core)core, measure, lm.bytes, lm.size) != 0) {
            anne_loaded_close(&lm);
            return anne_cli_fail("info", "out of memory");
        }
        tp = &target;
    }
    if (json) {
        cJSON *root = anne__info_json(&lm.model, tp);
        char *text = root != NULL ? cJSON_Print(root) : NULL;
        cJSON_Delete(root);
        if (text == NULL) {
            if (tp != NULL) anne_target_report_free(tp);
            anne_loaded_close(&lm);
            fprintf(stderr, "anne info: out of memory\n");
            return 1;
        }
        printf("%s\n", text);
        cJSON_free(text);
    } else if (anne__print_table(&lm.model, path, tp) != 0) {
        if (tp != NULL) anne_target_report_free(tp);
        anne_loaded_close(&lm);
        fprintf(stderr, "anne info: out of memory\n");
        return 1;
    }
    if (tp != NULL) anne_target_report_free(tp);
    anne_loaded_close(&lm);
    return anne_cli_flush("info"); /* a full disk or closed pipe is a failure, not a silent truncation */
}

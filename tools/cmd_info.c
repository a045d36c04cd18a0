/* anne info: a model's summary, as Keras' summary() prints it, plus what a microcontroller cares
 * about: weight bytes, arena bytes, file bytes. A table for people, or one JSON object (--json). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_ir.h"
#include "anne_json_write.h"

static void anne__info_usage(FILE *out) {
    fprintf(out,
            "usage: anne info MODEL [--json]\n"
            "\n"
            "Summarizes MODEL (an .anne model file or ANNE JSON): one row per layer with its activation,\n"
            "inputs, units, parameters (kernel + bias + prelu alphas), multiply-accumulates and number format; then the\n"
            "totals, weight bytes, the arena (working memory) bytes a run needs, the model file's bytes\n"
            "(for ANNE JSON: the size it has as an .anne file), input scaling and class names.\n"
            "\n"
            "options:\n"
            "  --json       one JSON object instead of the table\n"
            "  -h, --help   show this help\n");
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
static void anne__activation_text(const anne_layer *l, char *buf, size_t cap) {
    const char *name = anne_activation_name(l->activation);
    switch (l->activation) {
    case ANNE_ACT_RELU: {
        char parts[128] = "";
        size_t at = 0;
        if (l->param[0] != 0.0f) {
            at += (size_t)snprintf(parts + at, sizeof parts - at, "negative_slope=%g", (double)l->param[0]);
        }
        if (l->param[1] != INFINITY && at < sizeof parts) {
            at += (size_t)snprintf(parts + at, sizeof parts - at, "%smax_value=%g", at ? ", " : "",
                                   (double)l->param[1]);
        }
        if (l->param[2] != 0.0f && at < sizeof parts) {
            snprintf(parts + at, sizeof parts - at, "%sthreshold=%g", at ? ", " : "", (double)l->param[2]);
        }
        if (parts[0] != '\0') snprintf(buf, cap, "%s(%s)", name, parts);
        else snprintf(buf, cap, "%s", name);
        break;
    }
    case ANNE_ACT_LEAKY_RELU:
    case ANNE_ACT_ELU: snprintf(buf, cap, "%s(alpha=%g)", name, (double)l->param[0]); break;
    case ANNE_ACT_THRESHOLDED_RELU: snprintf(buf, cap, "%s(theta=%g)", name, (double)l->param[0]); break;
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

static void anne__print_table(const anne_model *m, const char *path) {
    anne__layer_info li;
    uint64_t params = 0, macs = 0, wbytes = 0;
    uint16_t i;
    char act[128];
    if (m->name[0] != '\0') printf("Model: \"%s\"", m->name);
    else printf("Model: (no name)");
    printf("  (%s, format %d.%u)\n", path, ANNE_FORMAT_MAJOR, m->format_minor);
    printf("%-3s %-6s %-28s %7s %7s %10s %10s %12s  %s\n", "#", "Layer", "Activation", "Inputs", "Units", "Params",
           "MACs", "Weight bytes", "Format");
    printf("------------------------------------------------------------------------------------------------\n");
    for (i = 0; i < m->n_layers; i++) {
        anne__layer_figures(m, i, &li);
        anne__activation_text(&li.l, act, sizeof act);
        printf("%-3u %-6s %-28s %7u %7u %10llu %10llu %12llu  %s\n", i + 1u, "dense", act, li.l.n_in, li.l.n_out,
               (unsigned long long)li.params, (unsigned long long)li.macs, (unsigned long long)li.weight_bytes,
               anne__dtype_name(li.l.dtype));
        params += li.params;
        macs += li.macs;
        wbytes += li.weight_bytes;
    }
    printf("------------------------------------------------------------------------------------------------\n");
    printf("Parameters:    %llu\n", (unsigned long long)params);
    printf("MACs:          %llu per inference\n", (unsigned long long)macs);
    printf("Weight bytes:  %llu\n", (unsigned long long)wbytes);
    printf("Arena bytes:   %lu (working memory for one inference)\n", (unsigned long)anne_model_arena_size(m));
    printf("File bytes:    %lu (as an .anne model file)\n", (unsigned long)m->size);
    printf("Inputs:        %u\n", m->n_inputs);
    printf("Outputs:       %u\n", m->n_outputs);
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
    printf("\n");
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

static int anne__add_params(cJSON *o, const anne_layer *l) {
    switch (l->activation) {
    case ANNE_ACT_RELU:
        return anne__add(o, "negative_slope", anne__json_float(l->param[0])) |
               anne__add(o, "max_value", anne__json_float(l->param[1])) | /* +inf (no clip): null */
               anne__add(o, "threshold", anne__json_float(l->param[2]));
    case ANNE_ACT_LEAKY_RELU:
    case ANNE_ACT_ELU: return anne__add(o, "alpha", anne__json_float(l->param[0]));
    case ANNE_ACT_THRESHOLDED_RELU: return anne__add(o, "theta", anne__json_float(l->param[0]));
    case ANNE_ACT_PRELU: {
        cJSON *a = cJSON_CreateArray();
        uint16_t j;
        int bad = 0;
        for (j = 0; a != NULL && j < l->n_out; j++) {
            bad |= anne__push(a, anne__json_float(((const float *)l->act_data)[j]));
        }
        return anne__add(o, "alpha", a) | bad;
    }
    default: return 0;
    }
}

static cJSON *anne__info_json(const anne_model *m) {
    cJSON *root = cJSON_CreateObject(), *layers, *scaling, *classes;
    anne__layer_info li;
    uint64_t params = 0, macs = 0, wbytes = 0;
    char version[32];
    uint16_t i;
    int bad = 0;
    if (root == NULL) return NULL;
    bad |= anne__add(root, "name", cJSON_CreateString(m->name));
    snprintf(version, sizeof version, "%d.%u", ANNE_FORMAT_MAJOR, m->format_minor);
    bad |= anne__add(root, "format_version", cJSON_CreateString(version));
    bad |= anne__add_num(root, "inputs", m->n_inputs);
    bad |= anne__add_num(root, "outputs", m->n_outputs);
    layers = cJSON_CreateArray();
    bad |= anne__add(root, "layers", layers);
    for (i = 0; !bad && i < m->n_layers; i++) {
        cJSON *o = cJSON_CreateObject();
        if (anne__push(layers, o) != 0) {
            bad = 1;
            break;
        }
        anne__layer_figures(m, i, &li);
        bad |= anne__add_num(o, "index", i + 1u);
        bad |= anne__add(o, "type", cJSON_CreateString("dense"));
        bad |= anne__add(o, "activation", cJSON_CreateString(anne_activation_name(li.l.activation)));
        bad |= anne__add_params(o, &li.l);
        bad |= anne__add_num(o, "inputs", li.l.n_in);
        bad |= anne__add_num(o, "units", li.l.n_out);
        bad |= anne__add(o, "bias", cJSON_CreateBool(li.l.bias != NULL));
        bad |= anne__add_num(o, "parameters", (double)li.params);
        bad |= anne__add_num(o, "macs", (double)li.macs);
        bad |= anne__add_num(o, "weight_bytes", (double)li.weight_bytes);
        bad |= anne__add(o, "dtype", cJSON_CreateString(anne__dtype_name(li.l.dtype)));
        params += li.params;
        macs += li.macs;
        wbytes += li.weight_bytes;
    }
    bad |= anne__add_num(root, "parameters", (double)params);
    bad |= anne__add_num(root, "macs", (double)macs);
    bad |= anne__add_num(root, "weight_bytes", (double)wbytes);
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
    classes = cJSON_CreateArray();
    bad |= anne__add(root, "classes", classes);
    for (i = 0; !bad && i < m->n_classes; i++) {
        bad |= anne__push(classes, cJSON_CreateString(anne_model_class_name(m, i)));
    }
    if (bad) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int anne_cmd_info(int argc, char **argv) {
    const char *path = NULL;
    int json = 0, n_pos, rc;
    const anne_cli_opt opts[] = {
        {"--json", NULL, &json, 1, NULL, NULL, NULL, NULL},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"info", NULL, anne__info_usage, opts, &path, 1, "too many arguments ('%s')"};
    anne_loaded lm;
    anne_error err;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (path == NULL) return anne_cli_spec_error(&spec, "expected MODEL");
    if (anne_loaded_open(&lm, path, &err) != 0) {
        fprintf(stderr, "anne info: %s\n", err.msg);
        return 1;
    }
    if (json) {
        cJSON *root = anne__info_json(&lm.model);
        char *text = root != NULL ? cJSON_Print(root) : NULL;
        cJSON_Delete(root);
        if (text == NULL) {
            anne_loaded_close(&lm);
            fprintf(stderr, "anne info: out of memory\n");
            return 1;
        }
        printf("%s\n", text);
        cJSON_free(text);
    } else {
        anne__print_table(&lm.model, path);
    }
    anne_loaded_close(&lm);
    return anne_cli_flush("info"); /* a full disk or closed pipe is a failure, not a silent truncation */
}

/* The ANNE JSON writer: the IR as a readable document, one kernel row (one input) per line. The
 * document and dense layers are written here; a graph's ops in anne_json_graph_write.c. */
#include "anne_json_write.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"
#include "anne_json_internal.h"

void anne_json_put(anne_json_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    anne_text_vput(&b->text, fmt, ap);
    va_end(ap);
}

/* Other bytes go as they are. */
void anne_json_put_string(anne_json_buf *b, const char *s) {
    anne_json_put(b, "\"");
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') anne_json_put(b, "\\%c", ch);
        else if (ch == '\n') anne_json_put(b, "\\n");
        else if (ch == '\t') anne_json_put(b, "\\t");
        else if (ch < 0x20u) anne_json_put(b, "\\u%04x", ch);
        else anne_json_put(b, "%c", ch);
    }
    anne_json_put(b, "\"");
}

void anne_json_format_float(char buf[32], float x) {
    int p;
    /* the shortest "%.<p>g" that reads back (as the importer reads: strtod, then float) to the same
     * bits; p = 9 always does, so this never loses a bit */
    for (p = 1; p < 9; p++) {
        snprintf(buf, 32, "%.*g", p, (double)x);
        if ((float)strtod(buf, NULL) == x && (x != 0.0f || signbit(x) == (buf[0] == '-'))) return;
    }
    snprintf(buf, 32, "%.9g", (double)x);
}

void anne_json_put_float(anne_json_buf *b, float x) {
    char s[32];
    if (!isfinite(x)) {
        b->nonfinite = 1; /* JSON has no inf or NaN */
        return;
    }
    anne_json_format_float(s, x);
    anne_json_put(b, "%s", s);
}

static void anne__put_param(anne_json_buf *b, const char *key, float x) {
    anne_json_put(b, ", \"%s\": ", key);
    anne_json_put_float(b, x);
}

void anne_json_put_floats(anne_json_buf *b, const float *x, size_t n) {
    size_t i;
    anne_json_put(b, "[");
    for (i = 0; i < n; i++) {
        if (i) anne_json_put(b, ", ");
        anne_json_put_float(b, x[i]);
    }
    anne_json_put(b, "]");
}

void anne_json_put_params(anne_json_buf *b, anne_activation act, const float param[3], const float *alphas, size_t n) {
    switch (act) {
    case ANNE_ACT_RELU:
        /* Keras' defaults are left out; max_value +inf (no clip) has no JSON number and is the default */
        if (param[0] != 0.0f || signbit(param[0])) anne__put_param(b, "negative_slope", param[0]);
        if (param[1] != INFINITY) anne__put_param(b, "max_value", param[1]);
        if (param[2] != 0.0f || signbit(param[2])) anne__put_param(b, "threshold", param[2]);
        break;
    case ANNE_ACT_LEAKY_RELU: /* always stated: Keras' and the paper's defaults differ */
    case ANNE_ACT_ELU: anne__put_param(b, "alpha", param[0]); break;
    case ANNE_ACT_THRESHOLDED_RELU: anne__put_param(b, "theta", param[0]); break;
    case ANNE_ACT_PRELU: /* one alpha per unit */
        if (alphas != NULL) {
            anne_json_put(b, ", \"alpha\": ");
            anne_json_put_floats(b, alphas, n);
        }
        break;
    default: break;
    }
}

static void anne__put_layer(anne_json_buf *b, const anne_ir_layer *l) {
    size_t i, j;
    anne_json_put(b, "    {");
    if (l->name != NULL && l->name[0] != '\0') {
        anne_json_put(b, "\"name\": ");
        anne_json_put_string(b, l->name);
        anne_json_put(b, ", ");
    }
    anne_json_put(b, "\"type\": \"dense\", \"units\": %u, \"activation\": \"%s\"", l->n_out,
                  anne_activation_name(l->activation));
    anne_json_put_params(b, l->activation, l->param, l->act_data, l->n_out);
    anne_json_put(b, ",\n     \"kernel\": [");
    /* Keras' kernel[i][j] (input i, unit j) is the IR's kernel[j][i] */
    for (i = 0; i < l->n_in; i++) {
        anne_json_put(b, "%s\n       [", i ? "," : "");
        for (j = 0; j < l->n_out; j++) {
            if (j) anne_json_put(b, ", ");
            anne_json_put_float(b, l->kernel[j * l->n_in + i]);
        }
        anne_json_put(b, "]");
    }
    anne_json_put(b, "\n     ]");
    if (l->bias != NULL) {
        anne_json_put(b, ",\n     \"bias\": ");
        anne_json_put_floats(b, l->bias, l->n_out);
    }
    anne_json_put(b, "}");
}

/* The scaling of input values first .. first + n - 1, when the model has one. */
static void anne__put_scaling(anne_json_buf *b, const anne_ir *ir, size_t first, size_t n) {
    if (ir->scaling != ANNE_SCALING_NONE && ir->scale_a != NULL && ir->scale_b != NULL) {
        int std = ir->scaling == ANNE_SCALING_STANDARDIZE;
        anne_json_put(b, ", \"%s\": ", std ? "mean" : "min");
        anne_json_put_floats(b, ir->scale_a + first, n);
        anne_json_put(b, ", \"%s\": ", std ? "std" : "max");
        anne_json_put_floats(b, ir->scale_b + first, n);
    }
}

/* A graph's several inputs: "inputs", each with its name, shape and the scaling of its values. */
static int anne__put_graph_inputs(anne_json_buf *b, const anne_ir *ir) {
    char **names = anne_json_tensor_names(ir);
    size_t k, first = 0;
    if (names == NULL) return -1;
    anne_json_put(b, "  \"inputs\": [\n");
    for (k = 0; k < ir->n_input_tensors; k++) {
        size_t n = anne_ir_tensor_values(&ir->tensors[k]);
        anne_json_put(b, "    {\"name\": ");
        anne_json_put_string(b, names[k]);
        anne_json_put(b, ", \"shape\": ");
        anne_json_put_shape(b, &ir->tensors[k]);
        anne__put_scaling(b, ir, first, n);
        anne_json_put(b, "}%s\n", k + 1u < ir->n_input_tensors ? "," : "");
        first += n;
    }
    anne_json_put(b, "  ]");
    anne_json_free_names(ir, names);
    return 0;
}

int anne_json_write(const anne_ir *ir, char **text, anne_error *err) {
    anne_json_buf b;
    size_t i;
    int rc = 0;
    *text = NULL;
    if (ir->n_ops == 0 && ir->n_layers == 0) return anne_error_set(err, "the model has no layers");
    for (i = 0; i < ir->n_layers; i++) {
        if (ir->layers[i].kind != ANNE_LAYER_DENSE) {
            return anne_error_set(err, "layer %zu: layer kind %d has no ANNE JSON form", i + 1u,
                                  (int)ir->layers[i].kind);
        }
    }
    memset(&b, 0, sizeof b);
    anne_json_put(&b, "{\n");
    if (ir->name != NULL && ir->name[0] != '\0') {
        anne_json_put(&b, "  \"name\": ");
        anne_json_put_string(&b, ir->name);
        anne_json_put(&b, ",\n");
    }
    if (ir->n_ops > 0 && ir->n_input_tensors > 1u) {
        if (anne__put_graph_inputs(&b, ir) != 0) {
            free(b.text.p);
            return anne_error_set(err, "out of memory while writing ANNE JSON");
        }
    } else if (ir->n_ops > 0) {
        anne_json_put(&b, "  \"input\": {\"shape\": ");
        anne_json_put_shape(&b, &ir->tensors[0]);
        anne__put_scaling(&b, ir, 0, ir->n_inputs);
    } else {
        anne_json_put(&b, "  \"input\": {\"size\": %u", ir->n_inputs);
        anne__put_scaling(&b, ir, 0, ir->n_inputs);
    }
    if (ir->n_ops > 0) {
        anne_json_put(&b, "%s,\n  \"ops\": ", ir->n_input_tensors > 1u ? "" : "}");
        rc = anne_json_write_ops(&b, ir, err);
    } else {
        anne_json_put(&b, "},\n  \"layers\": [\n");
        for (i = 0; i < ir->n_layers; i++) {
            anne__put_layer(&b, &ir->layers[i]);
            anne_json_put(&b, "%s\n", i + 1u < ir->n_layers ? "," : "");
        }
        anne_json_put(&b, "  ]");
    }
    if (ir->n_classes != 0) {
        anne_json_put(&b, ",\n  \"classes\": [");
        for (i = 0; i < ir->n_classes; i++) {
            if (i) anne_json_put(&b, ", ");
            anne_json_put_string(&b, ir->class_names[i]);
        }
        anne_json_put(&b, "]");
    }
    anne_json_put(&b, "\n}\n");
    if (rc != 0 || b.text.oom || b.nonfinite) {
        free(b.text.p);
        if (rc != 0) return -1;
        if (b.text.oom) return anne_error_set(err, "out of memory while writing ANNE JSON");
        return anne_error_set(err, "the model holds a number that is not finite (JSON cannot write inf or NaN)");
    }
    *text = b.text.p;
    return 0;
}

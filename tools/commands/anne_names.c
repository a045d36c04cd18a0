/* --name and --classes: parsed once, checked against the model's outputs, put into the IR. */
#include "anne_names.h"

#include <stdlib.h>
#include <string.h>

#include "anne_ir_graph.h"

void anne_names_free(char **names, uint16_t n) {
    uint16_t i;
    if (names == NULL) return;
    for (i = 0; i < n; i++) free(names[i]);
    free(names);
}

int anne_names_parse(const char *text, char ***names, uint16_t *n, anne_error *err) {
    size_t count = 1, i;
    const char *p = text;
    *names = NULL;
    *n = 0;
    if (text[strspn(text, " \t")] == '\0') return 0;
    for (; *p; p++) count += *p == ',';
    if (count > ANNE_MAX_CLASSES) {
        return anne_error_set(err, "--classes has %zu names, at most %u", count, (unsigned)ANNE_MAX_CLASSES);
    }
    *names = calloc(count, sizeof **names);
    if (*names == NULL) return anne_error_set(err, "out of memory");
    p = text;
    for (i = 0; i < count; i++) {
        const char *end = strchr(p, ','), *stop;
        size_t len;
        if (end == NULL) end = p + strlen(p);
        p += strspn(p, " \t");
        for (stop = end; stop > p && (stop[-1] == ' ' || stop[-1] == '\t'); stop--) {
        }
        len = (size_t)(stop - p);
        if (len == 0) {
            anne_names_free(*names, (uint16_t)i);
            *names = NULL;
            return anne_error_set(err, "--classes: name %zu is empty (expected names separated by commas, e.g. "
                                       "--classes cat,dog)",
                                  i + 1u);
        }
        (*names)[i] = malloc(len + 1u);
        if ((*names)[i] == NULL) {
            anne_names_free(*names, (uint16_t)i);
            *names = NULL;
            return anne_error_set(err, "out of memory");
        }
        memcpy((*names)[i], p, len);
        (*names)[i][len] = '\0';
        p = *end ? end + 1 : end;
    }
    *n = (uint16_t)count;
    return 0;
}

uint16_t anne_names_expected(uint32_t n_outputs) {
    return n_outputs == 1u ? 2u : (uint16_t)(n_outputs > ANNE_MAX_CLASSES ? 0u : n_outputs);
}

int anne_names_check(uint16_t n, uint32_t n_outputs, anne_error *err) {
    if (n == anne_names_expected(n_outputs)) return 0;
    if (n_outputs == 1u) {
        return anne_error_set(err, "--classes has %u name%s, but the model has one output: 2 classes (0: output at or "
                                   "below the threshold, 1: above)",
                              (unsigned)n, n == 1 ? "" : "s");
    }
    return anne_error_set(err, "--classes has %u name%s, but the model has %lu outputs (one per class)", (unsigned)n,
                          n == 1 ? "" : "s", (unsigned long)n_outputs);
}

static int anne__set_name(anne_ir *ir, const char *name, anne_error *err) {
    char *copy = NULL;
    if (name[0] != '\0') {
        copy = malloc(strlen(name) + 1u);
        if (copy == NULL) return anne_error_set(err, "out of memory");
        memcpy(copy, name, strlen(name) + 1u);
    }
    free(ir->name);
    ir->name = copy;
    return 0;
}

int anne_names_apply(anne_ir *ir, const char *name, const char *classes, anne_error *err) {
    char **names;
    uint16_t n;
    uint32_t outputs;
    if (name != NULL && anne__set_name(ir, name, err) != 0) return -1;
    if (classes == NULL) return 0;
    if (anne_names_parse(classes, &names, &n, err) != 0) return -1;
    /* the names are the first output's (a graph's other outputs may be regressions) */
    outputs = ir->n_ops > 0 ? (uint32_t)anne_ir_tensor_values(&ir->tensors[anne_ir_output(ir, 0)])
                            : (ir->n_layers > 0 ? ir->layers[ir->n_layers - 1].n_out : 0u);
    if (n != 0 && anne_names_check(n, outputs, err) != 0) {
        anne_names_free(names, n);
        return -1;
    }
    anne_names_free(ir->class_names, ir->n_classes);
    ir->class_names = names;
    ir->n_classes = n;
    return 0;
}

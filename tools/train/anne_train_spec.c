/* Parsing `anne train`'s --layers SPEC and the names of optimizers and losses. */
#include "anne_train_spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anne_ir.h"

int anne_train_spec_parse(const char *spec, anne_train_spec_layer **layers, size_t *n_layers, anne_error *err) {
    size_t n = 1, k = 0;
    const char *p;
    anne_train_spec_layer *out;
    *layers = NULL;
    *n_layers = 0;
    if (spec == NULL || spec[0] == '\0') return anne_error_set(err, "--layers: empty; expected e.g. 2:relu,1:sigmoid");
    for (p = spec; *p; p++) n += *p == ',';
    if (n > ANNE_MAX_LAYERS) return anne_error_set(err, "--layers: %zu layers, at most %u", n, (unsigned)ANNE_MAX_LAYERS);
    out = calloc(n, sizeof *out);
    if (out == NULL) return anne_error_set(err, "out of memory");
    p = spec;
    for (k = 0; k < n; k++) {
        const char *end = strchr(p, ','), *colon;
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128], *units_end;
        long units;
        if (len == 0 || len >= sizeof item) {
            free(out);
            return anne_error_set(err, "--layers: item %zu is %s; expected units:activation, e.g. 3:relu", k + 1,
                                  len == 0 ? "empty" : "too long");
        }
        memcpy(item, p, len);
        item[len] = '\0';
        colon = strchr(item, ':');
        if (colon == NULL) {
            free(out);
            return anne_error_set(err, "--layers: \"%s\" has no activation; expected units:activation, e.g. 3:relu", item);
        }
        errno = 0;
        units = strtol(item, &units_end, 10);
        if (units_end != colon || units_end == item || errno != 0 || units < 1 || units > 65535) {
            free(out);
            return anne_error_set(err, "--layers: \"%s\": the units must be an integer 1..65535", item);
        }
        if (anne_activation_from_name(colon + 1, &out[k].activation) != 0) {
            free(out);
            return anne_error_set(err, "--layers: \"%s\": unknown activation \"%s\" (e.g. relu, sigmoid, tanh, softmax, "
                                  "linear, leaky_relu, elu, selu, swish, gelu)", item, colon + 1);
        }
        out[k].units = (uint16_t)units;
        anne_ir_default_params(out[k].activation, out[k].param);
        p += len + (end ? 1u : 0u);
    }
    *layers = out;
    *n_layers = n;
    return 0;
}

static const char *const anne__optimizer_names[ANNE_OPTIMIZER_KIND_COUNT] = {"sgd", "momentum", "nesterov", "adam"};

int anne_train_optimizer_from_name(const char *name, anne_optimizer_kind *kind) {
    int k;
    for (k = 0; k < (int)ANNE_OPTIMIZER_KIND_COUNT; k++) {
        if (strcmp(name, anne__optimizer_names[k]) == 0) {
            *kind = (anne_optimizer_kind)k;
            return 0;
        }
    }
    return -1;
}

const char *anne_train_optimizer_name(anne_optimizer_kind kind) {
    return (unsigned)kind < (unsigned)ANNE_OPTIMIZER_KIND_COUNT ? anne__optimizer_names[kind] : "?";
}

int anne_train_loss_from_name(const char *name, anne_loss *loss) {
    if (strcmp(name, "binary_crossentropy") == 0) {
        *loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    } else if (strcmp(name, "categorical_crossentropy") == 0 || strcmp(name, "sparse_categorical_crossentropy") == 0) {
        *loss = ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
    } else if (strcmp(name, "mse") == 0 || strcmp(name, "mean_squared_error") == 0) {
        *loss = ANNE_LOSS_MSE;
    } else {
        return -1;
    }
    return 0;
}

anne_loss anne_train_default_loss(anne_activation last, uint16_t n_outputs) {
    (void)n_outputs;
    if (last == ANNE_ACT_SIGMOID) return ANNE_LOSS_BINARY_CROSSENTROPY;
    if (last == ANNE_ACT_SOFTMAX) return ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
    return ANNE_LOSS_MSE;
}

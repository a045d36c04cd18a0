/* `anne train`'s vocabulary: the --layers SPEC ("2:relu,3:sigmoid,1:sigmoid"), optimizer and loss
 * names, and the loss Keras would pair with an output layer. */
#ifndef ANNE_TRAIN_SPEC_H
#define ANNE_TRAIN_SPEC_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_train.h"

typedef struct anne_train_spec_layer {
    uint16_t units;
    anne_activation activation;
    float param[3];             /* the defaults of anne_ir_default_params() */
} anne_train_spec_layer;

/* Parses SPEC: comma-separated units:activation (units 1..65535, activation as Keras or TF.js
 * names it). *layers is malloc'd (free with free()). Errors quote the bad item and say why. */
int anne_train_spec_parse(const char *spec, anne_train_spec_layer **layers, size_t *n_layers, anne_error *err);

/* "sgd", "momentum", "nesterov", "adam" -> kind; -1 when unknown. */
int anne_train_optimizer_from_name(const char *name, anne_optimizer_kind *kind);
const char *anne_train_optimizer_name(anne_optimizer_kind kind);

/* "binary_crossentropy", "categorical_crossentropy", "mse" (also "mean_squared_error",
 * "sparse_categorical_crossentropy", which is categorical cross-entropy on class indices) -> loss. */
int anne_train_loss_from_name(const char *name, anne_loss *loss);

/* The loss for an output layer when none is given: sigmoid -> binary cross-entropy, softmax ->
 * categorical cross-entropy, anything else -> mean squared error. */
anne_loss anne_train_default_loss(anne_activation last, uint16_t n_outputs);

#endif /* ANNE_TRAIN_SPEC_H */

/* Keras weights held in HDF5, shared by the importers of .h5 files, .keras zips and to_json() +
 * --weights: one weight array read with its shape, and Keras 3's layout (a .keras file's
 * model.weights.h5, which is also what Keras 3's save_weights writes as NAME.weights.h5). */
#ifndef ANNE_KERAS_WEIGHTS_H
#define ANNE_KERAS_WEIGHTS_H

#include <stddef.h>

#include "anne_error.h"
#include "anne_h5.h"
#include "anne_keras.h"

/* Reads the float dataset dset into *a (data malloc'd; shape kept up to ANNE_KERAS_MAX_RANK). */
int anne_keras_h5_read_array(const anne_h5 *h, const char *dset, anne_keras_array *a, anne_error *err);

/* True when the file is laid out as Keras 3 stores weights: a "layers" group (or tf.keras 2.15's
 * "_layer_checkpoint_dependencies"), or the root "vars" group that such files always have (a file
 * written on Windows names its layer groups "layers\dense", with no "layers" group). */
int anne_keras_v3_found(const anne_h5 *h);

/* An anne_keras_weights_fn for that layout; ctx: the open file (anne_h5 *). A layer's arrays are
 * layers/<snake_case class>[_<n>]/vars/0, 1, ... where n counts the earlier layers of the same class:
 * Keras 3 names them by class and order, never by the layer's name. A layer whose group or arrays are
 * absent is an error naming the file and the group looked for. */
int anne_keras_v3_weights(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays, size_t *n,
                          anne_error *err);

#endif /* ANNE_KERAS_WEIGHTS_H */

/* Keras weights held in HDF5 (anne_keras_weights.h): one array with its shape, and Keras 3's layout
 * layers/<snake_case class>[_n]/vars/<i>, read the same way from a .keras zip's model.weights.h5 and
 * from a NAME.weights.h5 that Keras 3's save_weights wrote. */
#include "anne_keras_weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where Keras has put a layer's weight groups: Keras 3 and tf.keras 2.15 under "layers/", a file
 * written on Windows in groups literally named "layers\<name>", older tf.keras .keras files under
 * "_layer_checkpoint_dependencies/". */
static const char *const anne__v3_prefixes[] = {"/layers/", "/layers\\", "/_layer_checkpoint_dependencies/"};
#define ANNE__V3_N_PREFIXES (sizeof anne__v3_prefixes / sizeof anne__v3_prefixes[0])
/* More arrays than any layer ANNE converts has (BatchNormalization: 4) */
#define ANNE__V3_MAX_ARRAYS 64u

int anne_keras_h5_read_array(const anne_h5 *h, const char *dset, anne_keras_array *a, anne_error *err) {
    size_t dims[ANNE_H5_MAX_RANK];
    int r, k;
    if (anne_h5_read_floats(h, dset, &a->data, &a->n, &r, dims, err) != 0) return -1;
    if (r > ANNE_KERAS_MAX_RANK) r = ANNE_KERAS_MAX_RANK;
    a->rank = r;
    for (k = 0; k < r; k++) a->dims[k] = dims[k];
    return 0;
}

int anne_keras_v3_found(const anne_h5 *h) {
    return anne_h5_exists(h, "/layers") || anne_h5_exists(h, "/_layer_checkpoint_dependencies") ||
           anne_h5_exists(h, "/vars");
}

/* The layer's vars group (first prefix that has it) into group; 0 when found, -1 when under none. */
static int anne__v3_group(const anne_h5 *h, const anne_keras_layer_ref *ref, char *group, size_t cap) {
    char snake[128];
    size_t p;
    anne_keras_snake_case(ref->class_name, snake, sizeof snake);
    for (p = 0; p < ANNE__V3_N_PREFIXES; p++) {
        if (ref->class_index == 0) snprintf(group, cap, "%s%s/vars", anne__v3_prefixes[p], snake);
        else snprintf(group, cap, "%s%s_%zu/vars", anne__v3_prefixes[p], snake, ref->class_index);
        if (anne_h5_exists(h, group)) return 0;
    }
    /* for the message: where Keras 3 itself would have put it */
    if (ref->class_index == 0) snprintf(group, cap, "layers/%s/vars", snake);
    else snprintf(group, cap, "layers/%s_%zu/vars", snake, ref->class_index);
    return -1;
}

/* Arrays <group>/0, <group>/1, ... that exist. */
static size_t anne__v3_count(const anne_h5 *h, const char *group) {
    char dset[320];
    size_t count;
    for (count = 0; count < ANNE__V3_MAX_ARRAYS; count++) {
        snprintf(dset, sizeof dset, "%s/%zu", group, count);
        if (!anne_h5_exists(h, dset)) break;
    }
    return count;
}

/* Where a layer's arrays are under its group <base>/vars: there, and for a recurrent layer in its cell
 * (<base>/cell/vars), for a Bidirectional in its forward then its backward layer's cell. */
static const char *const anne__v3_parts[] = {"/vars", "/cell/vars", "/forward_layer/cell/vars",
                                             "/backward_layer/cell/vars"};
#define ANNE__V3_N_PARTS (sizeof anne__v3_parts / sizeof anne__v3_parts[0])

int anne_keras_v3_weights(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays, size_t *n,
                          anne_error *err) {
    const anne_h5 *h = ctx;
    char group[256], base[256], part[300], dset[300 + 24]; /* part, "/" and an index */
    size_t count = 0, i, k, at = 0, len;
    anne_keras_array *a;
    *arrays = NULL;
    *n = 0;
    if (anne__v3_group(h, ref, group, sizeof group) != 0) {
        /* the usual cause: a weights file of another model, whose layers of this class are fewer */
        return anne_error_set(err, "missing weights: %s has no group %s (Keras 3 finds a layer's weights by its "
                                   "class and order, not by its name: this is the model's %s number %zu)",
                              h->path, group, ref->class_name, ref->class_index + 1u);
    }
    len = strlen(group) - 5u; /* without "/vars" */
    memcpy(base, group, len);
    base[len] = '\0';
    for (k = 0; k < ANNE__V3_N_PARTS; k++) {
        snprintf(part, sizeof part, "%s%s", base, anne__v3_parts[k]);
        count += anne__v3_count(h, part);
    }
    if (count == 0) return anne_error_set(err, "missing weights: %s: group %s holds no arrays", h->path, group);
    a = calloc(count, sizeof *a);
    if (a == NULL) return anne_error_set(err, "out of memory");
    for (k = 0; k < ANNE__V3_N_PARTS; k++) {
        size_t here;
        snprintf(part, sizeof part, "%s%s", base, anne__v3_parts[k]);
        here = anne__v3_count(h, part);
        for (i = 0; i < here && at < count; i++, at++) {
            snprintf(dset, sizeof dset, "%s/%zu", part, i);
            if (anne_keras_h5_read_array(h, dset, &a[at], err) != 0) {
                anne_keras_arrays_free(a, count);
                return -1;
            }
        }
    }
    *arrays = a;
    *n = count;
    return 0;
}

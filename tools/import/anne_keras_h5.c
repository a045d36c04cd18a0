/* Keras HDF5 files: full models (model.save("m.h5"), Keras 2.0 to 3's legacy format) and weights-only
 * files (save_weights) paired with a to_json() architecture. Layer weights are found by layer name;
 * their order comes from each group's weight_names attribute, never from HDF5's alphabetical order.
 * Keras 3's save_weights files (NAME.weights.h5) are laid out as a .keras file's weights instead:
 * anne_keras_weights.c reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_h5.h"
#include "anne_import.h"
#include "anne_json_limits.h"
#include "anne_keras_weights.h"

typedef struct anne__h5_ctx {
    const anne_h5 *h;
    const char *root;           /* "/model_weights" for full models, "" for save_weights files */
} anne__h5_ctx;

static int anne__h5_weights(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays, size_t *n,
                            anne_error *err) {
    const anne__h5_ctx *c = ctx;
    char group[1024], dset[2048];
    char **names = NULL;
    size_t count = 0, i;
    anne_keras_array *a;
    int rc;
    *arrays = NULL;
    *n = 0;
    if (strlen(ref->name) > 900) return anne_error_set(err, "layer name too long");
    snprintf(group, sizeof group, "%s/%s", c->root, ref->name);
    if (!anne_h5_exists(c->h, group)) return 0;
    rc = anne_h5_attr_strings(c->h, group, "weight_names", &names, &count, err);
    if (rc < 0) return -1;
    if (rc == 0 || count == 0) {
        anne_h5_free_strings(names, count);
        return 0;
    }
    a = calloc(count, sizeof *a);
    if (a == NULL) {
        anne_h5_free_strings(names, count);
        return anne_error_set(err, "out of memory");
    }
    for (i = 0; i < count; i++) {
        snprintf(dset, sizeof dset, "%s/%s", group, names[i]);
        if (anne_keras_h5_read_array(c->h, dset, &a[i], err) != 0) break;
    }
    anne_h5_free_strings(names, count);
    if (i < count) {
        anne_keras_arrays_free(a, count);
        return -1;
    }
    *arrays = a;
    *n = count;
    return 0;
}

/* The Keras version a file states (root or model_weights attribute); NULL when none. */
static char *anne__h5_version(const anne_h5 *h) {
    char *v = NULL;
    anne_error ignored;
    if (anne_h5_attr_string(h, "/", "keras_version", &v, &ignored) == 1) return v;
    if (anne_h5_attr_string(h, "/model_weights", "keras_version", &v, &ignored) == 1) return v;
    return NULL;
}

int anne_keras_import_h5(anne_ir *ir, const void *bytes, size_t size, const char *path, anne_import_options *opt,
                         anne_error *err) {
    anne_h5 h;
    anne__h5_ctx ctx;
    anne_keras_source src;
    char *config = NULL, *version, **names = NULL, where[1000];
    size_t n_names = 0;
    cJSON *root;
    int rc;
    anne_ir_init(ir);
    if (anne_h5_open(&h, bytes, size, path, err) != 0) return -1;
    rc = anne_h5_attr_string(&h, "/", "model_config", &config, err);
    if (rc < 0) {
        anne_h5_close(&h);
        return -1;
    }
    if (rc == 0) {
        if (anne_h5_exists(&h, "/model_weights")) {
            anne_h5_close(&h);
            return anne_error_set(err, "%s: the file holds weights but no model_config (saved without its "
                                       "architecture?): give the architecture (model.to_json()) with --weights", path);
        }
        rc = anne_h5_attr_strings(&h, "/", "layer_names", &names, &n_names, err);
        anne_h5_free_strings(names, n_names);
        anne_h5_close(&h);
        if (rc < 0) return -1;
        if (rc == 1) {
            return anne_error_set(err, "%s: a weights-only file (save_weights): convert the architecture "
                                       "(model.to_json()) and pass this file with --weights", path);
        }
        return anne_error_set(err, "%s: an empty Keras file: it holds no model (no model_config) and no weights", path);
    }
    snprintf(where, sizeof where, "%.900s (its model_config attribute)", path);
    if (anne_json_prescan(config, strlen(config), &anne_json_limits_keras, where, err) != 0) {
        free(config);
        anne_h5_close(&h);
        return -1;
    }
    root = cJSON_Parse(config);
    free(config);
    if (root == NULL) {
        anne_h5_close(&h);
        return anne_error_set(err, "%s: the model_config attribute is not valid JSON", path);
    }
    version = anne__h5_version(&h);
    memset(&src, 0, sizeof src);
    src.path = path;
    src.model = root;
    src.keras_major = anne_keras_major(version);
    src.weights = anne__h5_weights;
    src.ctx = &ctx;
    src.check_converts = 1; /* --check converts too: it fails where convert would */
    ctx.h = &h;
    ctx.root = "/model_weights";
    rc = anne_import_keras_source(ir, &src, opt, err);
    free(version);
    cJSON_Delete(root);
    anne_h5_close(&h);
    return rc;
}

/* Points src at the weights in h by the file's layout, told from its content, never its name: a full
 * Keras .h5 (a group per layer name under model_weights), Keras 2's save_weights (the same at the root,
 * listed by a root attribute layer_names), or Keras 3's save_weights (NAME.weights.h5, laid out as a
 * .keras file's weights: groups by class and order). ver: the architecture's keras_version, or NULL. */
static int anne__weights_layout(anne_keras_source *src, anne__h5_ctx *ctx, anne_h5 *h, const char *ver,
                                anne_error *err) {
    char **names = NULL, *fver;
    size_t n = 0;
    int listed = anne_h5_attr_strings(h, "/", "layer_names", &names, &n, err);
    int full = anne_h5_exists(h, "/model_weights");
    anne_h5_free_strings(names, n);
    if (listed < 0) return -1;
    if (listed == 1 || full) {
        ctx->h = h;
        ctx->root = full ? "/model_weights" : "";
        fver = anne__h5_version(h);
        src->keras_major = anne_keras_major(ver != NULL ? ver : fver);
        free(fver);
        src->weights = anne__h5_weights;
        src->ctx = ctx;
        return 0;
    }
    if (anne_keras_v3_found(h)) {
        /* Keras 3's to_json() and weights files state no version; Keras 2's to_json() always does */
        src->keras_major = ver != NULL ? anne_keras_major(ver) : 3;
        src->weights = anne_keras_v3_weights;
        src->ctx = h;
        return 0;
    }
    return anne_error_set(err, "%s: HDF5 but not Keras weights: expected a Keras 2 save_weights file (a layer_names "
                               "attribute at the root), a full Keras .h5 (a model_weights group) or a Keras 3 "
                               ".weights.h5 (a layers group holding <class>/vars/0, 1, ...)", h->path);
}

int anne_keras_import_json(anne_ir *ir, const cJSON *root, const char *path, anne_import_options *opt,
                           anne_error *err) {
    unsigned char *bytes = NULL;
    size_t size = 0;
    anne_h5 h;
    anne__h5_ctx ctx;
    anne_keras_source src;
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "keras_version");
    int rc;
    anne_ir_init(ir);
    memset(&src, 0, sizeof src);
    src.path = path;
    src.model = root;
    if (opt == NULL || opt->weights_path == NULL) {
        if (opt != NULL && opt->check) {
            src.keras_major = anne_keras_major(cJSON_IsString(ver) ? ver->valuestring : NULL);
            return anne_import_keras_source(ir, &src, opt, err);
        }
        return anne_error_set(err, "%s: a Keras architecture (model.to_json()) holds no weights: give them with "
                                   "--weights WEIGHTS.h5", path);
    }
    if (anne_file_read(opt->weights_path, &bytes, &size, err) != 0) return -1;
    if (!anne_h5_is_hdf5(bytes, size)) {
        free(bytes);
        return anne_error_set(err, "%s: not an HDF5 file (--weights takes Keras' .h5 weights)", opt->weights_path);
    }
    if (anne_h5_open(&h, bytes, size, opt->weights_path, err) != 0) {
        free(bytes);
        return -1;
    }
    rc = anne__weights_layout(&src, &ctx, &h, cJSON_IsString(ver) ? ver->valuestring : NULL, err);
    /* --check converts too, so that it fails where convert would */
    src.check_converts = 1;
    if (rc == 0) rc = anne_import_keras_source(ir, &src, opt, err);
    anne_h5_close(&h);
    free(bytes);
    return rc;
}

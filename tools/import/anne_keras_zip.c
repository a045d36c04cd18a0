/* Keras 3 .keras files (also written by tf.keras 2.15): a zip of config.json, metadata.json and
 * model.weights.h5, read in memory. Weights live at layers/<snake_case class>[_n]/vars/<i>, numbered
 * by class and order, not by layer name (read by anne_keras_weights.c, which Keras 3's save_weights
 * files share). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "anne_h5.h"
#include "anne_import.h"
#include "anne_json_limits.h"
#include "anne_keras_weights.h"

/* What an entry may inflate to, checked on the sizes the zip states before anything is inflated (and
 * libzip never inflates more than the stated size: the rest fails the CRC). config.json and
 * metadata.json are kilobytes in real files: ANNE_KERAS_JSON_MAX_BYTES (16 MiB). model.weights.h5
 * holds the model's variables, perhaps in float64 and with an optimizer's state beside them: 256 MiB
 * is 16 times ANNE_IMPORT_MAX_WEIGHTS in float32. */
#define ANNE__ZIP_MAX_WEIGHTS_H5 ((zip_uint64_t)256 << 20)
/* Inflating more than this many times the stored bytes: only long runs of one byte do that (real
 * configs compress about 10:1, weights hardly at all); checked for entries above 1 MiB. */
#define ANNE__ZIP_MAX_RATIO 200u
#define ANNE__ZIP_RATIO_FLOOR ((zip_uint64_t)1 << 20)

/* Reads one zip entry of at most cap bytes into a malloc'd, NUL-terminated buffer. 1 read, 0 absent,
 * -1 error. */
static int anne__zip_entry(zip_t *z, const char *name, zip_uint64_t cap, const char *path, unsigned char **out,
                           size_t *size, anne_error *err) {
    zip_stat_t st;
    zip_file_t *f;
    zip_int64_t got;
    *out = NULL;
    *size = 0;
    zip_stat_init(&st);
    if (zip_stat(z, name, 0, &st) != 0) return 0;
    if (!(st.valid & ZIP_STAT_SIZE)) return anne_error_set(err, "%s: zip entry %s has no usable size", path, name);
    if (st.size > cap) {
        return anne_error_set(err, "%s: zip entry %s inflates to %llu bytes, more than the %llu (%llu MiB) a Keras "
                                   "file's %s may have: refused before inflating", path, name,
                              (unsigned long long)st.size, (unsigned long long)cap,
                              (unsigned long long)(cap >> 20), name);
    }
    if (st.size > ANNE__ZIP_RATIO_FLOOR && (st.valid & ZIP_STAT_COMP_SIZE) &&
        st.size / ANNE__ZIP_MAX_RATIO > st.comp_size) {
        return anne_error_set(err, "%s: zip entry %s inflates %llu bytes to %llu, a ratio above %u:1 that no real "
                                   "model has (a decompression bomb?): refused before inflating", path, name,
                              (unsigned long long)st.comp_size, (unsigned long long)st.size, ANNE__ZIP_MAX_RATIO);
    }
    *out = malloc((size_t)st.size + 8u);
    if (*out == NULL) return anne_error_set(err, "%s: out of memory reading %s", path, name);
    f = zip_fopen(z, name, 0);
    if (f == NULL) {
        free(*out);
        *out = NULL;
        return anne_error_set(err, "%s: cannot open zip entry %s: %s", path, name, zip_strerror(z));
    }
    got = zip_fread(f, *out, st.size);
    /* reading to the end makes libzip check the entry's CRC */
    if (got < 0 || (zip_uint64_t)got != st.size || zip_fread(f, *out, 1) != 0) {
        zip_fclose(f);
        free(*out);
        *out = NULL;
        return anne_error_set(err, "%s: zip entry %s is damaged (truncated or checksum mismatch)", path, name);
    }
    if (zip_fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return anne_error_set(err, "%s: zip entry %s is damaged (checksum mismatch)", path, name);
    }
    (*out)[st.size] = '\0';
    *size = (size_t)st.size;
    return 1;
}

int anne_keras_import_zip(anne_ir *ir, const void *bytes, size_t size, const char *path, anne_import_options *opt,
                          anne_error *err) {
    zip_error_t zerr;
    zip_source_t *zs;
    zip_t *z;
    unsigned char *config = NULL, *meta = NULL, *weights = NULL;
    size_t config_n, meta_n, weights_n;
    cJSON *root = NULL, *mroot = NULL;
    anne_h5 h;
    anne_keras_source src;
    int rc = -1, found;
    char h5name[1024];
    anne_ir_init(ir);
    h.file = -1;
    zip_error_init(&zerr);
    zs = zip_source_buffer_create(bytes, size, 0, &zerr);
    if (zs == NULL) {
        zip_error_fini(&zerr);
        return anne_error_set(err, "%s: cannot read the zip data", path);
    }
    z = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (z == NULL) {
        anne_error_set(err, "%s: not a readable zip file (truncated or damaged?): %s", path, zip_error_strerror(&zerr));
        zip_source_free(zs);
        zip_error_fini(&zerr);
        return -1;
    }
    zip_error_fini(&zerr);
    found = anne__zip_entry(z, "config.json", ANNE_KERAS_JSON_MAX_BYTES, path, &config, &config_n, err);
    if (found == 0) anne_error_set(err, "%s: a zip without config.json: not a Keras .keras file", path);
    if (found <= 0) goto done;
    if (anne__zip_entry(z, "metadata.json", ANNE_KERAS_JSON_MAX_BYTES, path, &meta, &meta_n, err) < 0) goto done;
    snprintf(h5name, sizeof h5name, "%.900s:config.json", path);
    if (anne_json_prescan((const char *)config, config_n, &anne_json_limits_keras, h5name, err) != 0) goto done;
    snprintf(h5name, sizeof h5name, "%.900s:metadata.json", path);
    if (meta != NULL && anne_json_prescan((const char *)meta, meta_n, &anne_json_limits_keras, h5name, err) != 0) {
        goto done;
    }
    root = cJSON_ParseWithLength((const char *)config, config_n);
    if (root == NULL) {
        anne_error_set(err, "%s: config.json is not valid JSON", path);
        goto done;
    }
    if (meta != NULL) mroot = cJSON_ParseWithLength((const char *)meta, meta_n);
    memset(&src, 0, sizeof src);
    src.path = path;
    src.model = root;
    {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(mroot, "keras_version");
        /* tf.keras 2.15 writes .keras files too: the version decides hard_sigmoid */
        src.keras_major = cJSON_IsString(v) ? anne_keras_major(v->valuestring) : 3;
    }
    src.weights = anne_keras_v3_weights;
    src.ctx = &h;
    /* read for --check too: it converts when every layer is supported, and fails where convert would */
    src.check_converts = 1;
    found = anne__zip_entry(z, "model.weights.h5", ANNE__ZIP_MAX_WEIGHTS_H5, path, &weights, &weights_n, err);
    if (found == 0) anne_error_set(err, "%s: the .keras file has no model.weights.h5", path);
    if (found <= 0) goto done;
    snprintf(h5name, sizeof h5name, "%.900s:model.weights.h5", path);
    if (anne_h5_open(&h, weights, weights_n, h5name, err) != 0) goto done;
    rc = anne_import_keras_source(ir, &src, opt, err);
done:
    anne_h5_close(&h);
    cJSON_Delete(root);
    cJSON_Delete(mroot);
    free(config);
    free(meta);
    free(weights);
    zip_discard(z);
    return rc;
}

/* libFuzzer harness: TensorFlow.js layers models (tools/import/anne_tfjs.c, and through it the Keras config
 * converter tools/import/anne_keras.c). Input: the model.json text, a NUL byte, then the bytes of the weight
 * shards. The shards are served from memory (fuzz_support.h) under the names the manifest gives, in
 * manifest order: each group gets the bytes its weights' shapes ask for, split evenly over its paths,
 * and the last file also gets whatever is left; so a seed made of a real model.json, a NUL and its
 * weights.bin imports as the real files do, and mutated shapes meet truncated or overlong shards. A
 * shard path that leaves the model's folder ("../x") aborts (see ANNE_FUZZ_ALLOW_ESCAPE). Each input
 * runs anne_tfjs_import() twice: with --check (the layer report; no shards are read) and converting;
 * a converted model must pass anne_fuzz_check_ir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_import.h"
#include "fuzz_support.h"

#define ANNE__MAX_FILES 32

typedef struct anne__file {
    char name[4200];
    size_t at, size;
} anne__file;

/* Bytes a manifest group's weights ask for (a weight whose shape is not a list of sane numbers: 0). */
static size_t anne__group_bytes(const cJSON *group) {
    const cJSON *w, *d, *weights = cJSON_GetObjectItemCaseSensitive(group, "weights");
    size_t total = 0;
    cJSON_ArrayForEach(w, weights) {
        const cJSON *shape = cJSON_GetObjectItemCaseSensitive(w, "shape");
        size_t count = 1;
        if (!cJSON_IsArray(shape)) continue;
        cJSON_ArrayForEach(d, shape) {
            if (!cJSON_IsNumber(d) || !(d->valuedouble >= 0.0 && d->valuedouble <= 65536.0)) {
                count = 0;
                break;
            }
            count *= (size_t)d->valuedouble;
            if (count > ((size_t)1 << 20)) count = (size_t)1 << 20;
        }
        total += 4u * count;
    }
    return total;
}

/* Cuts n shard bytes into the files the manifest names (see the header comment); returns the count. */
static size_t anne__plan_shards(const cJSON *root, size_t n, anne__file *f) {
    const cJSON *manifest = cJSON_GetObjectItemCaseSensitive(root, "weightsManifest"), *g, *p;
    size_t at = 0, k = 0;
    cJSON_ArrayForEach(g, manifest) {
        const cJSON *paths = cJSON_GetObjectItemCaseSensitive(g, "paths");
        size_t need = anne__group_bytes(g), n_paths = 0, i = 0;
        cJSON_ArrayForEach(p, paths) n_paths++;
        cJSON_ArrayForEach(p, paths) {
            size_t part = i + 1u < n_paths ? need / n_paths : need - (n_paths - 1u) * (need / n_paths), j;
            i++;
            if (!cJSON_IsString(p) || k == ANNE__MAX_FILES || strlen(p->valuestring) > 4000) continue;
            snprintf(f[k].name, sizeof f[k].name, ANNE_FUZZ_DIR "%s", p->valuestring);
            for (j = 0; j < k && strcmp(f[j].name, f[k].name) != 0; j++) {
            }
            if (j < k) continue; /* the same file twice: its first bytes serve both */
            if (part > n - at) part = n - at;
            f[k].at = at;
            f[k].size = part;
            at += part;
            k++;
        }
    }
    if (k > 0) f[k - 1u].size += n - at;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static anne__file files[ANNE__MAX_FILES];
    const uint8_t *nul = memchr(data, 0, size);
    size_t json_n = nul != NULL ? (size_t)(nul - data) : size;
    const uint8_t *shards = nul != NULL ? nul + 1 : data + size;
    size_t shards_n = size - json_n - (nul != NULL ? 1u : 0u), n_files, i;
    int rc;
    anne_import_options opt;
    anne_ir ir;
    anne_error err;
    cJSON *root;
    if (anne_fuzz_excluded(data, size)) return -1;
    root = cJSON_ParseWithLength((const char *)data, json_n);
    if (root == NULL) return 0; /* the dispatcher would not call the TF.js importer */
    anne_fuzz_vfs_reset();
    n_files = anne__plan_shards(root, shards_n, files);
    for (i = 0; i < n_files; i++) anne_fuzz_vfs_add(files[i].name, shards + files[i].at, files[i].size);

    memset(&opt, 0, sizeof opt);
    opt.check = 1;
    rc = anne_tfjs_import(&ir, root, ANNE_FUZZ_DIR "model.json", &opt, &err);
    anne_fuzz_note("tfjs --check", rc, &err);
    if (rc == 0 && opt.report == NULL) anne_fuzz_fail("--check succeeded without a report");
    free(opt.report);
    anne_ir_free(&ir);

    rc = anne_tfjs_import(&ir, root, ANNE_FUZZ_DIR "model.json", NULL, &err);
    anne_fuzz_note("tfjs", rc, &err);
    if (rc == 0) anne_fuzz_check_ir(&ir);
    anne_ir_free(&ir);
    cJSON_Delete(root);
    return 0;
}

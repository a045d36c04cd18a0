/* TensorFlow.js layers models: model.json (a Keras config under modelTopology, in the layout of
 * tfjs-layers or of the 2018 Python converter) plus the binary weight shards its manifest names.
 * Shards hold little-endian float32 values back to back, in manifest order, exactly as many bytes as
 * the manifest lists, and must lie inside the model.json's folder (no "..", no symbolic link leading
 * out). --check reads them too. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"
#include "anne_import.h"

typedef struct anne__tfjs_weight {
    const char *name;           /* in the manifest (not owned) */
    anne_keras_array a;         /* data owned until handed out */
} anne__tfjs_weight;

typedef struct anne__tfjs_ctx {
    anne__tfjs_weight *w;
    size_t n;
} anne__tfjs_ctx;

/* Whether path component [start, start + len) is a recurrent layer's inner part: a Bidirectional's
 * "forward_lstm_LSTM1" / "backward_..." layer, or a cell ("lstm_cell", in the Python converter's names). */
static int anne__inner_part(const char *start, size_t len) {
    return (len > 8u && memcmp(start, "forward_", 8) == 0) || (len > 9u && memcmp(start, "backward_", 9) == 0) ||
           (len > 5u && memcmp(start + len - 5u, "_cell", 5) == 0);
}

/* True when a manifest weight name ("dense_Dense1/kernel", "model/dense_1/bias",
 * "bidirectional_Bidirectional1/forward_lstm_LSTM2/kernel", "lstm/lstm_cell/kernel") belongs to layer:
 * the component before the weight's own name is the layer's, past at most two inner parts. */
static int anne__belongs(const char *wname, const char *layer) {
    const char *end = strrchr(wname, '/'), *start;
    size_t len;
    int level;
    if (end == NULL) return 0;
    for (level = 0; level < 3; level++) {
        start = end;
        while (start > wname && start[-1] != '/') start--;
        len = (size_t)(end - start);
        if (len == strlen(layer) && memcmp(start, layer, len) == 0) return 1;
        if (!anne__inner_part(start, len) || start == wname) return 0;
        end = start - 1; /* the '/' before it */
    }
    return 0;
}

static int anne__tfjs_weights(void *ctx, const anne_keras_layer_ref *ref, anne_keras_array **arrays, size_t *n,
                              anne_error *err) {
    anne__tfjs_ctx *c = ctx;
    size_t i, count = 0, k = 0;
    *arrays = NULL;
    *n = 0;
    for (i = 0; i < c->n; i++) count += (size_t)anne__belongs(c->w[i].name, ref->name);
    if (count == 0) return 0;
    *arrays = calloc(count, sizeof **arrays);
    if (*arrays == NULL) return anne_error_set(err, "out of memory");
    for (i = 0; i < c->n; i++) {
        if (!anne__belongs(c->w[i].name, ref->name)) continue;
        (*arrays)[k] = c->w[i].a;
        (*arrays)[k].data = malloc(c->w[i].a.n * sizeof(float) + 1u);
        if ((*arrays)[k].data == NULL) {
            anne_keras_arrays_free(*arrays, k);
            *arrays = NULL;
            return anne_error_set(err, "out of memory");
        }
        memcpy((*arrays)[k].data, c->w[i].a.data, c->w[i].a.n * sizeof(float));
        k++;
    }
    *n = count;
    return 0;
}

static void anne__tfjs_free(anne__tfjs_ctx *c) {
    size_t i;
    for (i = 0; i < c->n; i++) free(c->w[i].a.data);
    free(c->w);
    c->w = NULL;
    c->n = 0;
}

/* The file a manifest shard path names, which must lie inside the model.json's folder (dir: that folder
 * with a trailing '/', or "" for the current one): a relative path without ".." components, and, once
 * symbolic links are resolved, still under the folder, so that a model.json cannot read other files
 * ("../secret", "/etc/passwd", a link pointing out) as its weights. full: the resolved path. */
static int anne__shard_path(const char *dir, const char *shard, const char *path, char *full, size_t cap,
                            anne_error *err) {
    char joined[4096], *rdir, *rfile;
    const char *p = shard;
    size_t n;
    int rc = 0;
    if (shard[0] == '\0' || shard[0] == '/') {
        return anne_error_set(err, "%s: weight shard \"%.200s\" (weightsManifest paths): a shard path must be a "
                                   "relative file name inside the model's folder", path, shard);
    }
    while (*p != '\0') { /* each component */
        const char *end = strchr(p, '/');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            return anne_error_set(err, "%s: weight shard \"%.200s\" (weightsManifest paths) has a \"..\" component: "
                                       "shards must lie inside the model's folder", path, shard);
        }
        p += len;
        if (*p == '/') p++;
    }
    if (snprintf(joined, sizeof joined, "%s%s", dir, shard) >= (int)sizeof joined) {
        return anne_error_set(err, "%s: weight shard \"%.200s\" (weightsManifest paths): the path is too long", path,
                              shard);
    }
    rdir = realpath(dir[0] != '\0' ? dir : ".", NULL);
    if (rdir == NULL) return anne_error_set(err, "%s: cannot resolve the model's folder: %s", path, strerror(errno));
    rfile = realpath(joined, NULL);
    if (rfile == NULL) {
        rc = anne_error_set(err, "%s: weight shard \"%.200s\" (weightsManifest paths): cannot open %s: %s", path,
                            shard, joined, strerror(errno));
    } else {
        n = strlen(rdir);
        if (n == 1) n = 0; /* the folder is "/": every absolute path is under it */
        if (strncmp(rfile, rdir, n) != 0 || rfile[n] != '/') {
            rc = anne_error_set(err, "%s: weight shard \"%.200s\" (weightsManifest paths) resolves to %.1000s, "
                                     "outside the model's folder %.1000s (a symbolic link pointing out?): refused",
                                path, shard, rfile, rdir);
        } else if (strlen(rfile) >= cap) {
            rc = anne_error_set(err, "%s: weight shard \"%.200s\": the path is too long", path, shard);
        } else {
            memcpy(full, rfile, strlen(rfile) + 1u);
        }
    }
    free(rfile);
    free(rdir);
    return rc;
}

/* Checks one manifest weight (a name, float32, a shape) and appends it to c without its data, which
 * anne__tfjs_fill cuts from the shards once their length is known to match. *bytes: its size there. */
static int anne__tfjs_entry(anne__tfjs_ctx *c, const cJSON *e, const char *path, size_t *bytes, anne_error *err) {
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape"), *d;
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    const char *name = cJSON_IsString(nm) ? nm->valuestring : NULL;
    const char *dtype = cJSON_IsString(dt) ? dt->valuestring : "float32";
    anne__tfjs_weight *grown, *w;
    size_t count = 1;
    int rank = 0;
    if (name == NULL || !cJSON_IsArray(shape)) {
        return anne_error_set(err, "%s: a manifest weight needs a \"name\" and a \"shape\"", path);
    }
    if (strcmp(dtype, "float32") != 0 || cJSON_GetObjectItemCaseSensitive(e, "quantization") != NULL) {
        return anne_error_set(err, "%s: weight \"%.100s\" is %s%s; ANNE reads float32 weights", path, name, dtype,
                              cJSON_GetObjectItemCaseSensitive(e, "quantization") ? " (quantized)" : "");
    }
    cJSON_ArrayForEach(d, shape) {
        if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble > 16777216.0 || rank >= ANNE_KERAS_MAX_RANK) {
            return anne_error_set(err, "%s: weight \"%.100s\" has an invalid shape", path, name);
        }
        count *= (size_t)d->valuedouble;
        if (count > ((size_t)1 << 26)) return anne_error_set(err, "%s: weight \"%.100s\" is too large", path, name);
        rank++;
    }
    grown = realloc(c->w, (c->n + 1u) * sizeof *c->w);
    if (grown == NULL) return anne_error_set(err, "out of memory");
    c->w = grown;
    w = &c->w[c->n++];
    memset(w, 0, sizeof *w);
    w->name = name;
    w->a.n = count;
    w->a.rank = rank;
    rank = 0;
    cJSON_ArrayForEach(d, shape) w->a.dims[rank++] = (size_t)d->valuedouble;
    *bytes = 4u * count;
    return 0;
}

/* Reads a group's shards back to back into *buf (*len bytes) and names them in names (with their sizes
 * when there are several), for the message when their length is not the manifest's. */
static int anne__tfjs_shards(const cJSON *paths, const char *dir, const char *path, unsigned char **buf, size_t *len,
                             char *names, size_t cap, anne_error *err) {
    const cJSON *e;
    size_t at = 0;
    int many = cJSON_GetArraySize(paths) > 1;
    *buf = NULL;
    *len = 0;
    names[0] = '\0';
    cJSON_ArrayForEach(e, paths) {
        char full[4096];
        unsigned char *part, *grown;
        size_t n;
        if (!cJSON_IsString(e)) {
            return anne_error_set(err, "%s: a weight shard path (weightsManifest paths) must be a string", path);
        }
        if (anne__shard_path(dir, e->valuestring, path, full, sizeof full, err) != 0) return -1;
        if (anne_file_read(full, &part, &n, err) != 0) return anne_error_prefix(err, "%s: weight shard", path);
        grown = realloc(*buf, *len + n + 1u);
        if (grown == NULL) {
            free(part);
            return anne_error_set(err, "out of memory");
        }
        *buf = grown;
        memcpy(*buf + *len, part, n);
        *len += n;
        free(part);
        if (at < cap && many) {
            at += (size_t)snprintf(names + at, cap - at, "%s\"%.200s\" (%zu bytes)", at > 0 ? ", " : "",
                                   e->valuestring, n);
        } else if (at < cap) {
            at += (size_t)snprintf(names + at, cap - at, "\"%.200s\"", e->valuestring);
        }
    }
    if (at == 0) snprintf(names, cap, "(none listed)");
    return 0;
}

/* Cuts the shards' bytes (little-endian float32, back to back) into the weights c->w[first...]. */
static int anne__tfjs_fill(anne__tfjs_ctx *c, size_t first, const unsigned char *buf, anne_error *err) {
    size_t k, i, at = 0;
    for (k = first; k < c->n; k++) {
        anne__tfjs_weight *w = &c->w[k];
        w->a.data = malloc(w->a.n * sizeof(float) + 1u);
        if (w->a.data == NULL) return anne_error_set(err, "out of memory");
        for (i = 0; i < w->a.n; i++) {
            const unsigned char *p = buf + at + 4u * i;
            uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
            memcpy(&w->a.data[i], &u, sizeof u);
        }
        at += 4u * w->a.n;
    }
    return 0;
}

/* Reads the shards of one manifest group and cuts them into its weights. The shards must hold exactly
 * the bytes the manifest's weights take: TensorFlow.js would ignore bytes beyond them and zero-fill a
 * short end, but neither happens with the files it writes, so a shard of another length is one of
 * another model, or damaged, and refused with its name, its length and the manifest's. */
static int anne__tfjs_group(anne__tfjs_ctx *c, const cJSON *group, const char *dir, const char *path,
                            anne_error *err) {
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(group, "paths");
    const cJSON *weights = cJSON_GetObjectItemCaseSensitive(group, "weights"), *e;
    unsigned char *buf = NULL;
    size_t len = 0, want = 0, first = c->n, n_weights = 0;
    char names[1024];
    int rc;
    if (!cJSON_IsArray(paths) || !cJSON_IsArray(weights)) {
        return anne_error_set(err, "%s: a weightsManifest entry needs \"paths\" and \"weights\" lists", path);
    }
    cJSON_ArrayForEach(e, weights) {
        size_t bytes = 0;
        if (anne__tfjs_entry(c, e, path, &bytes, err) != 0) return -1;
        /* saturating: a manifest listing absurd sizes must not wrap around to the shards' length */
        want = bytes > SIZE_MAX - want ? SIZE_MAX : want + bytes;
        n_weights++;
    }
    if (anne__tfjs_shards(paths, dir, path, &buf, &len, names, sizeof names, err) != 0) {
        free(buf);
        return -1;
    }
    if (len != want) {
        int one = cJSON_GetArraySize(paths) == 1;
        char what[300] = "no weights";
        if (n_weights > 0) snprintf(what, sizeof what, "%zu float32 weights, \"%.200s\" first", n_weights,
                                    c->w[first].name);
        rc = anne_error_set(err, "%s: weight shard%s %s hold%s %zu bytes, but the manifest lists %zu (%s): %s", path,
                            one ? "" : "s", names, one ? "s" : "", len, want, what,
                            len < want ? "a truncated shard, or one of another model"
                                       : "a shard of another model? (ANNE reads shards that hold exactly what the "
                                         "manifest lists)");
    } else {
        rc = anne__tfjs_fill(c, first, buf, err);
    }
    free(buf);
    return rc;
}

int anne_tfjs_import(anne_ir *ir, const cJSON *root, const char *path, anne_import_options *opt, anne_error *err) {
    const cJSON *topo = cJSON_GetObjectItemCaseSensitive(root, "modelTopology");
    const cJSON *manifest = cJSON_GetObjectItemCaseSensitive(root, "weightsManifest"), *g, *model;
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
    anne__tfjs_ctx ctx;
    anne_keras_source src;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int rc;
    anne_ir_init(ir);
    if (cJSON_IsString(format) && strcmp(format->valuestring, "layers-model") != 0) {
        return anne_error_set(err, "%s: a TensorFlow.js %.40s; ANNE reads layers models", path, format->valuestring);
    }
    /* the 2018 converter wraps the Keras config as {"model_config": ..., "training_config": ...} */
    model = cJSON_GetObjectItemCaseSensitive(topo, "model_config");
    if (model == NULL) model = topo;
    if (!cJSON_IsObject(model)) return anne_error_set(err, "%s: modelTopology holds no model", path);
    memset(&ctx, 0, sizeof ctx);
    memset(&src, 0, sizeof src);
    src.path = path;
    src.model = model;
    src.keras_major = 2; /* TF.js follows Keras 2's definitions (hardSigmoid, LeakyReLU alpha) */
    src.tfjs = 1;
    src.weights = anne__tfjs_weights;
    src.ctx = &ctx;
    if (slash == NULL) dir[0] = '\0';
    else snprintf(dir, sizeof dir, "%.*s/", (int)(slash - path) > 4000 ? 4000 : (int)(slash - path), path);
    /* --check reads the shards as well and converts when every layer is supported: it fails wherever
     * convert would (a shard missing, of the wrong length, a weight of the wrong shape) */
    src.check_converts = 1;
    if (!cJSON_IsArray(manifest)) return anne_error_set(err, "%s: no weightsManifest", path);
    cJSON_ArrayForEach(g, manifest) {
        if (anne__tfjs_group(&ctx, g, dir, path, err) != 0) {
            anne__tfjs_free(&ctx);
            return -1;
        }
    }
    rc = anne_import_keras_source(ir, &src, opt, err);
    anne__tfjs_free(&ctx);
    return rc;
}

/* Keras file layouts from fuzz bytes, written with libhdf5 into memory (fuzz_keras_layout.h). */
#include "fuzz_keras_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "anne_keras.h"

/* ---- decoding ------------------------------------------------------------------------------------- */

typedef struct anne__reader {
    const uint8_t *p;
    size_t n, at;
} anne__reader;

static unsigned anne__u8(anne__reader *r) {
    return r->at < r->n ? r->p[r->at++] : 0u;
}

static size_t anne__varint(anne__reader *r) {
    size_t v = 0;
    unsigned shift = 0, b;
    do {
        b = anne__u8(r);
        v |= (size_t)(b & 0x7fu) << shift;
        shift += 7;
    } while ((b & 0x80u) != 0 && shift < 28);
    return v;
}

static const char *anne__str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void anne_fuzz_klayout_layers(const cJSON *root, const char **names, const char **classes, size_t max,
                              size_t *n) {
    const char *cls = anne__str(root, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config"), *list = NULL, *e;
    *n = 0;
    if (cls == NULL || cfg == NULL) return;
    if (strcmp(cls, "Sequential") == 0) {
        list = cJSON_IsArray(cfg) ? cfg : cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    } else if (strcmp(cls, "Functional") == 0 || strcmp(cls, "Model") == 0) {
        list = cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    }
    if (!cJSON_IsArray(list)) return;
    cJSON_ArrayForEach(e, list) {
        const cJSON *lc = cJSON_GetObjectItemCaseSensitive(e, "config");
        const char *name;
        if (*n == max || anne__str(e, "class_name") == NULL || !cJSON_IsObject(lc)) return;
        name = anne__str(lc, "name");
        if (name == NULL) name = anne__str(e, "name");
        names[*n] = name != NULL ? name : "";
        classes[*n] = anne__str(e, "class_name");
        (*n)++;
    }
}

void anne_fuzz_klayout_decode(anne_fuzz_klayout *k, const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    size_t text_n = nul != NULL ? (size_t)(nul - data) : size, i, j, e;
    const char *names[ANNE_FUZZ_KMAX_LAYERS], *classes[ANNE_FUZZ_KMAX_LAYERS];
    anne__reader r;
    char *text;
    memset(k, 0, sizeof *k);
    text = malloc(text_n + 1u);
    if (text == NULL) abort();
    memcpy(text, data, text_n);
    text[text_n] = '\0';
    k->config = text;
    k->config_n = text_n;
    k->root = cJSON_ParseWithLength(text, text_n);
    r.p = data;
    r.n = size;
    r.at = nul != NULL ? text_n + 1u : size;
    k->flags = anne__u8(&r);
    anne_fuzz_klayout_layers(k->root, names, classes, ANNE_FUZZ_KMAX_LAYERS, &k->n);
    for (i = 0; i < k->n; i++) {
        anne_fuzz_klayer *l = &k->layers[i];
        unsigned lf = anne__u8(&r);
        l->name = names[i];
        l->class_name = classes[i];
        for (j = 0; j < i; j++) l->class_index += strcmp(classes[j], classes[i]) == 0;
        l->flags = lf & ~7u;
        l->n = lf & 7u;
        for (j = 0; j < l->n; j++) {
            anne_fuzz_karray *a = &l->a[j];
            unsigned af = anne__u8(&r);
            int d;
            a->flags = af;
            a->rank = (int)(af & 15u);
            a->n = 1;
            for (d = 0; d < a->rank; d++) {
                a->dims[d] = anne__varint(&r);
                a->n = a->n > ANNE_FUZZ_KMAX_ELEMS ? a->n : a->n * a->dims[d];
            }
            if (a->n > ANNE_FUZZ_KMAX_ELEMS) {
                /* keep HDF5 from being asked for absurd sizes: the last dimension shrinks */
                a->dims[a->rank - 1] = 1;
                for (a->n = 1, d = 0; d < a->rank; d++) a->n = a->n > ANNE_FUZZ_KMAX_ELEMS ? a->n : a->n * a->dims[d];
                if (a->n > ANNE_FUZZ_KMAX_ELEMS) a->rank = 0, a->n = 1;
            }
            if (a->n > ANNE_FUZZ_KMAX_STREAMED) continue;
            a->v = calloc(a->n ? a->n : 1u, sizeof *a->v);
            if (a->v == NULL) abort();
            for (e = 0; e < a->n && r.at < r.n; e++) {
                uint32_t u = (uint32_t)anne__u8(&r);
                u |= (uint32_t)anne__u8(&r) << 8;
                u |= (uint32_t)anne__u8(&r) << 16;
                u |= (uint32_t)anne__u8(&r) << 24;
                memcpy(&a->v[e], &u, sizeof u);
            }
        }
    }
}

void anne_fuzz_klayout_free(anne_fuzz_klayout *k) {
    size_t i, j;
    for (i = 0; i < k->n; i++) {
        for (j = 0; j < k->layers[i].n; j++) free(k->layers[i].a[j].v);
    }
    cJSON_Delete(k->root);
    free((void *)(uintptr_t)k->config);
    memset(k, 0, sizeof *k);
}

/* ---- encoding ------------------------------------------------------------------------------------- */

void anne_fuzz_kbuf_put(anne_fuzz_kbuf *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096u;
        uint8_t *g;
        while (cap < b->n + n) cap *= 2u;
        g = realloc(b->p, cap);
        if (g == NULL) abort();
        b->p = g;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, data, n);
    b->n += n;
}

void anne_fuzz_kbuf_u8(anne_fuzz_kbuf *b, unsigned v) {
    uint8_t c = (uint8_t)v;
    anne_fuzz_kbuf_put(b, &c, 1);
}

void anne_fuzz_kbuf_varint(anne_fuzz_kbuf *b, size_t v) {
    do {
        anne_fuzz_kbuf_u8(b, (unsigned)(v & 0x7fu) | (v >= 0x80u ? 0x80u : 0u));
        v >>= 7;
    } while (v != 0);
}

/* ---- writing HDF5 --------------------------------------------------------------------------------- */

/* A new in-memory file (core driver, no backing store): the image is taken with H5Fget_file_image. */
static hid_t anne__h5_create(void) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f;
    if (fapl < 0) return -1;
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    f = H5Fcreate("/dev/null/anne-fuzz-image", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    return f;
}

static int anne__h5_image(hid_t f, unsigned char **image, size_t *size) {
    ssize_t n;
    *image = NULL;
    *size = 0;
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || (n = H5Fget_file_image(f, NULL, 0)) <= 0) {
        H5Fclose(f);
        return -1;
    }
    *image = malloc((size_t)n);
    if (*image == NULL || H5Fget_file_image(f, *image, (size_t)n) != n) {
        free(*image);
        *image = NULL;
        H5Fclose(f);
        return -1;
    }
    *size = (size_t)n;
    H5Fclose(f);
    return 0;
}

/* A group at path, with the groups above it (a layer named "a/b" nests, as h5py would). */
static hid_t anne__h5_group(hid_t f, const char *path) {
    hid_t lcpl, g;
    if (path[0] == '\0') return -1;
    if (H5Lexists(f, path, H5P_DEFAULT) > 0) {
        g = H5Oopen(f, path, H5P_DEFAULT);
        if (g >= 0 && H5Iget_type(g) != H5I_GROUP) {
            H5Oclose(g);
            return -1;
        }
        return g;
    }
    lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl < 0) return -1;
    H5Pset_create_intermediate_group(lcpl, 1);
    g = H5Gcreate2(f, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    return g;
}

static void anne__h5_close(hid_t o) {
    if (o >= 0) H5Oclose(o);
}

/* A string attribute (a scalar when scalar, else a 1-D array of n), fixed-length or variable-length. */
static void anne__h5_strings(hid_t obj, const char *attr, const char *const *s, size_t n, int fixed, int scalar) {
    hid_t type = H5Tcopy(H5T_C_S1), space, a;
    hsize_t dim = n;
    char *buf = NULL;
    size_t i, width = 1;
    if (type < 0) return;
    if (fixed) {
        for (i = 0; i < n; i++) width = strlen(s[i]) > width ? strlen(s[i]) : width;
        buf = calloc(n ? n : 1u, width);
        if (buf == NULL) abort();
        for (i = 0; i < n; i++) memcpy(buf + i * width, s[i], strlen(s[i]));
        H5Tset_size(type, width);
        H5Tset_strpad(type, H5T_STR_NULLPAD);
    } else {
        H5Tset_size(type, H5T_VARIABLE);
    }
    space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    a = space >= 0 ? H5Acreate2(obj, attr, type, space, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (a >= 0) {
        H5Awrite(a, type, fixed ? (const void *)buf : (const void *)s);
        H5Aclose(a);
    }
    if (space >= 0) H5Sclose(space);
    H5Tclose(type);
    free(buf);
}

/* An empty float64 array attribute: how some Keras versions write weight_names of a layer without
 * weights. */
static void anne__h5_empty_numeric(hid_t obj, const char *attr) {
    hsize_t dim = 0;
    hid_t space = H5Screate_simple(1, &dim, NULL), a;
    if (space < 0) return;
    a = H5Acreate2(obj, attr, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
}

/* The dataset of one array at path (relative to loc), in the array's type. */
static void anne__h5_dataset(hid_t loc, const char *path, const anne_fuzz_karray *a) {
    hsize_t dims[ANNE_FUZZ_KMAX_RANK];
    hid_t space, type, d, lcpl;
    int i, kind = (int)((a->flags >> 4) & 3u);
    for (i = 0; i < a->rank; i++) dims[i] = a->dims[i];
    space = a->rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(a->rank, dims, NULL);
    if (space < 0) return;
    if (kind == ANNE_FUZZ_KT_STRING) {
        type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, 4);
    } else {
        type = H5Tcopy(kind == ANNE_FUZZ_KT_F32 ? H5T_IEEE_F32LE : kind == ANNE_FUZZ_KT_F64 ? H5T_IEEE_F64LE
                                                                                            : H5T_STD_I32LE);
    }
    lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    d = type >= 0 ? H5Dcreate2(loc, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT) : -1;
    H5Pclose(lcpl);
    if (d >= 0 && a->v != NULL && a->n > 0) {
        /* float32 values as the file's type: HDF5 converts (to int32 with its clamping rules) */
        if (kind == ANNE_FUZZ_KT_STRING) {
            char *s = malloc(a->n * 4u);
            if (s == NULL) abort();
            memcpy(s, a->v, a->n * 4u);
            H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
            free(s);
        } else {
            H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->v);
        }
    }
    if (d >= 0) H5Dclose(d);
    if (type >= 0) H5Tclose(type);
    H5Sclose(space);
}

static void anne__h5_version(hid_t obj, const char *v) {
    anne__h5_strings(obj, "keras_version", &v, 1, 0, 1);
}

int anne_fuzz_klayout_h5_model(const anne_fuzz_klayout *k, unsigned char **image, size_t *size) {
    const char *layer_names[ANNE_FUZZ_KMAX_LAYERS];
    char path[2400];
    hid_t f = anne__h5_create(), mw;
    size_t i, j, n_names = 0;
    int weights_only = (k->flags & 0x10u) != 0;
    if (f < 0) return -1;
    if (!(k->flags & 0x08u)) anne__h5_strings(f, "model_config", &k->config, 1, (k->flags & 0x04u) != 0, 1);
    if ((k->flags & 3u) == 0) anne__h5_version(f, "2.13.1");
    if ((k->flags & 3u) == 1) anne__h5_version(f, "3.7.0");
    {
        const char *backend = "tensorflow";
        anne__h5_strings(f, "backend", &backend, 1, 0, 1);
    }
    mw = weights_only ? H5Oopen(f, "/", H5P_DEFAULT) : anne__h5_group(f, "/model_weights");
    if (mw >= 0 && (k->flags & 3u) == 2) anne__h5_version(mw, "3.7.0");
    for (i = 0; i < k->n && mw >= 0; i++) {
        const anne_fuzz_klayer *l = &k->layers[i];
        char wn[ANNE_FUZZ_KMAX_ARRAYS][1100];
        const char *wp[ANNE_FUZZ_KMAX_ARRAYS];
        hid_t g;
        layer_names[n_names++] = l->name;
        if ((l->flags & ANNE_FUZZ_KL_NO_GROUP) || strlen(l->name) > 1000) continue;
        snprintf(path, sizeof path, "%s/%s", weights_only ? "" : "/model_weights", l->name);
        g = anne__h5_group(f, path);
        if (g < 0) continue;
        for (j = 0; j < l->n; j++) {
            if (l->flags & ANNE_FUZZ_KL_NESTED) snprintf(wn[j], sizeof wn[j], "model/%s/w%zu", l->name, j);
            else snprintf(wn[j], sizeof wn[j], "%s/w%zu:0", l->name, j);
            wp[j] = wn[j];
        }
        if (l->flags & ANNE_FUZZ_KL_NAMES_NUMERIC) {
            anne__h5_empty_numeric(g, "weight_names");
        } else if (!(l->flags & ANNE_FUZZ_KL_NO_NAMES)) {
            anne__h5_strings(g, "weight_names", wp, l->n, (l->flags & ANNE_FUZZ_KL_NAMES_FIXED) != 0, 0);
        }
        for (j = 0; j < l->n; j++) {
            if (!(l->a[j].flags & ANNE_FUZZ_KA_MISSING)) anne__h5_dataset(g, wn[j], &l->a[j]);
        }
        anne__h5_close(g);
    }
    if (mw >= 0) {
        anne__h5_strings(mw, "layer_names", layer_names, n_names, (k->flags & 0x04u) != 0, 0);
        anne__h5_close(mw);
    }
    return anne__h5_image(f, image, size);
}

int anne_fuzz_klayout_h5_keras3(const anne_fuzz_klayout *k, unsigned char **image, size_t *size) {
    static const char *const prefixes[4] = {"/layers/", "/layers\\", "/_layer_checkpoint_dependencies/", "/layers/"};
    const char *prefix = prefixes[(k->flags >> 2) & 3u];
    hid_t f = anne__h5_create();
    size_t i, j;
    if (f < 0) return -1;
    for (i = 0; i < k->n; i++) {
        const anne_fuzz_klayer *l = &k->layers[i];
        char snake[128], path[400], name[420];
        size_t index = l->class_index + (((k->flags >> 2) & 3u) == 3u ? 1u : 0u);
        hid_t g;
        if (l->flags & ANNE_FUZZ_KL_NO_GROUP) continue;
        anne_keras_snake_case(l->class_name, snake, sizeof snake);
        if (index == 0) snprintf(path, sizeof path, "%s%s/vars", prefix, snake);
        else snprintf(path, sizeof path, "%s%s_%zu/vars", prefix, snake, index);
        g = anne__h5_group(f, path);
        if (g < 0) continue;
        for (j = 0; j < l->n; j++) {
            if (l->a[j].flags & ANNE_FUZZ_KA_MISSING) break;
            snprintf(name, sizeof name, "%zu", j);
            anne__h5_dataset(g, name, &l->a[j]);
        }
        anne__h5_close(g);
    }
    return anne__h5_image(f, image, size);
}

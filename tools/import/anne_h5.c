/* Read-only HDF5 access for the Keras importers, on a file image in memory (H5Pset_file_image with
 * the core driver), so a .keras zip's model.weights.h5 needs no temporary file. */
#include "anne_h5.h"

#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "anne_json_limits.h"

/* Largest attribute the importers accept (elements): far above any Keras file, small enough that a
 * lying header cannot make us allocate gigabytes. */
#define ANNE__H5_MAX_ELEMS ((hssize_t)1 << 26)
/* Largest dataset (elements): one weight array never exceeds what a whole imported model may hold,
 * and a small file whose compressed dataset inflates to gigabytes is refused before it is read. */
#define ANNE__H5_MAX_DATASET ((hssize_t)ANNE_IMPORT_MAX_WEIGHTS)

int anne_h5_is_hdf5(const void *bytes, size_t size) {
    return size >= 8 && memcmp(bytes, "\x89HDF\r\n\x1a\n", 8) == 0;
}

int anne_h5_open(anne_h5 *h, const void *bytes, size_t size, const char *path, anne_error *err) {
    hid_t fapl;
    h->file = -1;
    h->path = path;
    /* the tools report errors themselves; HDF5's stack dumps on stderr would only confuse */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return anne_error_set(err, "%s: cannot initialize the HDF5 library", path);
    if (H5Pset_fapl_core(fapl, 64 * 1024, 0) < 0 || H5Pset_file_image(fapl, (void *)(uintptr_t)bytes, size) < 0) {
        H5Pclose(fapl);
        return anne_error_set(err, "%s: cannot open the HDF5 data in memory (%zu bytes)", path, size);
    }
    /* the core driver refuses a name that exists on disk (it would not read it anyway): give one that
     * cannot exist, as /dev/null is no folder */
    h->file = H5Fopen("/dev/null/anne-hdf5-image", H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (h->file < 0) {
        return anne_error_set(err, "%s: not a readable HDF5 file (truncated or damaged?)", path);
    }
    return 0;
}

void anne_h5_close(anne_h5 *h) {
    if (h != NULL && h->file >= 0) H5Fclose((hid_t)h->file);
    if (h != NULL) h->file = -1;
}

int anne_h5_exists(const anne_h5 *h, const char *obj) {
    char buf[1024];
    size_t len = strlen(obj), i;
    if (strcmp(obj, "/") == 0) return 1;
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, obj, len + 1);
    /* H5Lexists needs every intermediate link to exist: check the path one component at a time. Only
     * hard links count: an external link (or a soft link, which could lead to one) would make HDF5 open
     * another file on this machine, whose datasets a hostile .h5 could pass off as its weights */
    for (i = 1; i <= len; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            htri_t ok;
            H5L_info_t info;
            buf[i] = '\0';
            ok = H5Lexists((hid_t)h->file, buf, H5P_DEFAULT);
            if (ok > 0 && (H5Lget_info((hid_t)h->file, buf, &info, H5P_DEFAULT) < 0 || info.type != H5L_TYPE_HARD)) {
                ok = 0;
            }
            if (ok > 0 && saved != '\0') {
                /* an intermediate component must be a group, or the next lookup fails inside HDF5 */
                hid_t o = H5Oopen((hid_t)h->file, buf, H5P_DEFAULT);
                if (o < 0 || H5Iget_type(o) != H5I_GROUP) ok = 0;
                if (o >= 0) H5Oclose(o);
            }
            buf[i] = saved;
            if (ok <= 0) return 0;
        }
    }
    return 1;
}

void anne_h5_free_strings(char **s, size_t n) {
    size_t i;
    if (s == NULL) return;
    for (i = 0; i < n; i++) free(s[i]);
    free(s);
}

static char *anne__strndup(const char *s, size_t cap) {
    size_t n = 0;
    char *d;
    while (n < cap && s[n] != '\0') n++;
    d = malloc(n + 1u);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Reads all strings of an open attribute. */
static int anne__read_attr_strings(const anne_h5 *h, hid_t a, const char *obj, const char *attr, char ***out,
                                   size_t *n_out, anne_error *err) {
    hid_t type = -1, space = -1, mem = -1;
    hssize_t np;
    char **res = NULL;
    size_t n = 0, i;
    int rc = -1;
    *out = NULL;
    *n_out = 0;
    type = H5Aget_type(a);
    space = H5Aget_space(a);
    if (type < 0 || space < 0) goto bad;
    np = H5Sget_simple_extent_npoints(space);
    if (np < 0 || np > ANNE__H5_MAX_ELEMS) goto bad;
    n = (size_t)np;
    if (H5Tget_class(type) != H5T_STRING) {
        if (n == 0) { /* an empty numeric array: Keras' way of saying "no weights" */
            rc = 0;
            goto done;
        }
        anne_error_set(err, "%s: attribute \"%s\" of \"%s\" is not a string", h->path, attr, obj);
        goto done;
    }
    res = calloc(n ? n : 1u, sizeof *res);
    if (res == NULL) goto oom;
    if (n == 0) {
        rc = 0;
        goto done;
    }
    mem = H5Tcopy(H5T_C_S1);
    if (mem < 0) goto bad;
    if (H5Tis_variable_str(type) > 0) {
        char **vl = calloc(n, sizeof *vl);
        if (vl == NULL) goto oom;
        if (H5Tset_size(mem, H5T_VARIABLE) < 0 || H5Aread(a, mem, vl) < 0) {
            free(vl);
            goto bad;
        }
        for (i = 0; i < n; i++) {
            res[i] = anne__strndup(vl[i] != NULL ? vl[i] : "", (size_t)-1);
            if (res[i] == NULL) break;
        }
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, vl);
        free(vl);
        if (i < n) goto oom;
    } else {
        size_t sz = H5Tget_size(type);
        char *buf;
        if (sz == 0 || sz > 1u << 24 || n > ((size_t)1 << 30) / sz) goto bad;
        buf = malloc(n * sz);
        if (buf == NULL) goto oom;
        if (H5Tset_size(mem, sz) < 0 || H5Tset_strpad(mem, H5T_STR_NULLPAD) < 0 || H5Aread(a, mem, buf) < 0) {
            free(buf);
            goto bad;
        }
        for (i = 0; i < n; i++) {
            res[i] = anne__strndup(buf + i * sz, sz);
            if (res[i] == NULL) break;
        }
        free(buf);
        if (i < n) goto oom;
    }
    rc = 0;
    goto done;
oom:
    anne_error_set(err, "%s: out of memory reading attribute \"%s\" of \"%s\"", h->path, attr, obj);
    goto done;
bad:
    anne_error_set(err, "%s: cannot read attribute \"%s\" of \"%s\" (damaged file?)", h->path, attr, obj);
done:
    if (mem >= 0) H5Tclose(mem);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (rc == 0) {
        *out = res;
        *n_out = n;
    } else {
        anne_h5_free_strings(res, n);
    }
    return rc;
}

int anne_h5_attr_strings(const anne_h5 *h, const char *obj, const char *attr, char ***out, size_t *n,
                         anne_error *err) {
    hid_t a;
    int rc;
    *out = NULL;
    *n = 0;
    if (!anne_h5_exists(h, obj) || H5Aexists_by_name((hid_t)h->file, obj, attr, H5P_DEFAULT) <= 0) return 0;
    a = H5Aopen_by_name((hid_t)h->file, obj, attr, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) return anne_error_set(err, "%s: cannot open attribute \"%s\" of \"%s\"", h->path, attr, obj);
    rc = anne__read_attr_strings(h, a, obj, attr, out, n, err);
    H5Aclose(a);
    return rc == 0 ? 1 : -1;
}

int anne_h5_attr_string(const anne_h5 *h, const char *obj, const char *attr, char **out, anne_error *err) {
    char **s;
    size_t n, i;
    int rc = anne_h5_attr_strings(h, obj, attr, &s, &n, err);
    *out = NULL;
    if (rc <= 0) return rc;
    if (n == 0) {
        anne_h5_free_strings(s, n);
        return anne_error_set(err, "%s: attribute \"%s\" of \"%s\" is empty", h->path, attr, obj);
    }
    *out = s[0];
    for (i = 1; i < n; i++) free(s[i]);
    free(s);
    return 1;
}

int anne_h5_read_floats(const anne_h5 *h, const char *dset, float **data, size_t *n, int *rank,
                        size_t dims[ANNE_H5_MAX_RANK], anne_error *err) {
    hid_t d = -1, space = -1, type = -1;
    hsize_t hd[ANNE_H5_MAX_RANK];
    hssize_t np;
    int r, i, rc = -1;
    H5T_class_t cls;
    *data = NULL;
    *n = 0;
    *rank = 0;
    if (!anne_h5_exists(h, dset)) return anne_error_set(err, "%s: dataset \"%s\" is missing", h->path, dset);
    d = H5Dopen2((hid_t)h->file, dset, H5P_DEFAULT);
    if (d < 0) return anne_error_set(err, "%s: \"%s\" is not a readable dataset", h->path, dset);
    space = H5Dget_space(d);
    type = H5Dget_type(d);
    if (space < 0 || type < 0) goto bad;
    r = H5Sget_simple_extent_ndims(space);
    if (r < 0 || r > ANNE_H5_MAX_RANK) goto bad;
    if (H5Sget_simple_extent_dims(space, hd, NULL) < 0) goto bad;
    np = H5Sget_simple_extent_npoints(space);
    if (np < 0) goto bad;
    if (np > ANNE__H5_MAX_DATASET) {
        anne_error_set(err, "%s: dataset \"%s\" has %lld values, more than the %zu weights a model imported by ANNE "
                            "may have in all (ANNE_IMPORT_MAX_WEIGHTS)", h->path, dset, (long long)np,
                       (size_t)ANNE_IMPORT_MAX_WEIGHTS);
        goto done;
    }
    {
        /* data kept outside the file (external storage, a virtual dataset's sources) would be read from
         * other files on this machine: a model file must hold its own weights */
        hid_t dcpl = H5Dget_create_plist(d);
        int outside = dcpl < 0 || H5Pget_external_count(dcpl) != 0 || H5Pget_layout(dcpl) == H5D_VIRTUAL;
        if (dcpl >= 0) H5Pclose(dcpl);
        if (outside) {
            anne_error_set(err, "%s: dataset \"%s\" keeps its data in another file (external storage or a virtual "
                                "dataset): refused, a model file must hold its own weights", h->path, dset);
            goto done;
        }
    }
    cls = H5Tget_class(type);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
        anne_error_set(err, "%s: dataset \"%s\" does not hold numbers", h->path, dset);
        goto done;
    }
    *data = malloc(np > 0 ? (size_t)np * sizeof **data : 1u);
    if (*data == NULL) {
        anne_error_set(err, "%s: out of memory reading \"%s\"", h->path, dset);
        goto done;
    }
    if (np > 0 && H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) < 0) goto bad;
    for (i = 0; i < r; i++) dims[i] = (size_t)hd[i];
    *rank = r;
    *n = (size_t)np;
    rc = 0;
    goto done;
bad:
    anne_error_set(err, "%s: cannot read dataset \"%s\" (damaged file?)", h->path, dset);
done:
    if (rc != 0) {
        free(*data);
        *data = NULL;
    }
    if (type >= 0) H5Tclose(type);
    if (space >= 0) H5Sclose(space);
    H5Dclose(d);
    return rc;
}

/* A small read-only view of an HDF5 file held in memory (Keras .h5, a .keras zip's model.weights.h5):
 * string attributes, float datasets, existence checks. HDF5's own error printing is silenced; every
 * failure becomes a message naming the file and the object. */
#ifndef ANNE_H5_H
#define ANNE_H5_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"

#define ANNE_H5_MAX_RANK 8

typedef struct anne_h5 {
    int64_t file;               /* hid_t of the open file image */
    const char *path;           /* for messages (not owned) */
} anne_h5;

/* True when the bytes start with HDF5's signature ("\x89HDF\r\n\x1a\n"). */
int anne_h5_is_hdf5(const void *bytes, size_t size);

/* Opens an in-memory copy of the bytes (no temporary file). path names the source in messages. */
int anne_h5_open(anne_h5 *h, const void *bytes, size_t size, const char *path, anne_error *err);
void anne_h5_close(anne_h5 *h);

/* 1 when the object (group or dataset) at obj exists, 0 otherwise (also for malformed paths). */
int anne_h5_exists(const anne_h5 *h, const char *obj);

/* A string attribute (scalar or the first of an array; fixed-length or variable-length) as a malloc'd
 * string. Returns 1 when found, 0 when the object has no such attribute, -1 on error. */
int anne_h5_attr_string(const anne_h5 *h, const char *obj, const char *attr, char **out, anne_error *err);

/* A string-array attribute (layer_names, weight_names) as *n malloc'd strings. An empty numeric array
 * (how some Keras versions store "no weights") gives *n = 0. 1 found, 0 absent, -1 error. */
int anne_h5_attr_strings(const anne_h5 *h, const char *obj, const char *attr, char ***out, size_t *n,
                         anne_error *err);
void anne_h5_free_strings(char **s, size_t n);

/* A float dataset (float32 or float64 in the file; converted to float) in C order: *data malloc'd,
 * *n elements, rank and dims. */
int anne_h5_read_floats(const anne_h5 *h, const char *dset, float **data, size_t *n, int *rank,
                        size_t dims[ANNE_H5_MAX_RANK], anne_error *err);

#endif /* ANNE_H5_H */

/* Whole-file reading and atomic writing for the host tools. */
#ifndef ANNE_FILE_H
#define ANNE_FILE_H

#include <stddef.h>

#include "anne_error.h"

/* Largest file the tools read (model files, JSON, CSV). */
#define ANNE_FILE_MAX_BYTES ((size_t)1 << 30)

/* Reads the whole file into a malloc'd buffer (8-byte aligned, one NUL byte appended so text can be
 * parsed as a string). *data is NULL on error. Free with free(). */
int anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err);

/* Writes size bytes to path atomically: to a temporary file beside it, then rename(), so a failure
 * never leaves a half-written output. */
int anne_file_write(const char *path, const void *data, size_t size, anne_error *err);

#endif /* ANNE_FILE_H */

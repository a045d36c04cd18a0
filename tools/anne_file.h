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
 * never leaves a half-written output. An existing file keeps its permissions; a symbolic link keeps
 * pointing where it did (its target is replaced); a device or FIFO (/dev/null, /dev/stdout) is
 * written to, never replaced by a regular file. */
int anne_file_write(const char *path, const void *data, size_t size, anne_error *err);

/* Outputs that must land together (NAME.c and NAME.h): each is staged with anne_file_stage() (for a
 * regular file: written to a temporary file beside it), and only when all are staged does
 * anne_file_commit() put each in place; anne_file_abort() removes what was staged. A failed stage
 * leaves every earlier output untouched. */
typedef struct anne_file_stage {
    char *path;                 /* where it goes (a symlink's target, resolved) */
    char *tmp;                  /* the staged temporary file, or NULL for a device/FIFO */
    const void *data;           /* for a device/FIFO: written at commit (borrowed, must stay valid) */
    size_t size;
} anne_file_stage;

int anne_file_stage_write(anne_file_stage *stage, const char *path, const void *data, size_t size, anne_error *err);
int anne_file_commit(anne_file_stage *stage, anne_error *err);
void anne_file_abort(anne_file_stage *stage);

#endif /* ANNE_FILE_H */

/* Whole-file reading and atomic writing for the host tools. */
#ifndef ANNE_FILE_H
#define ANNE_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "anne_error.h"

/* Largest file the tools read (model files, JSON, CSV). */
#define ANNE_FILE_MAX_BYTES ((size_t)1 << 30)

/* Outputs one process can have staged at once (a command writes at most a few). */
#define ANNE_FILE_MAX_STAGED 8

/* Reads the whole file into a malloc'd buffer (8-byte aligned, one NUL byte appended so text can be
 * parsed as a string). *data is NULL on error. Anything but a regular file (a FIFO, a device, a
 * directory, a socket) is refused without blocking, by what it is: "PATH: is a FIFO, expected a
 * regular file". Every input file of the tools is read through here. Free with free(). */
int anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err);

/* Reads an open file descriptor (standard input: 0) to its end, as anne_file_read() reads a file: at
 * most ANNE_FILE_MAX_BYTES, a NUL appended, malloc'd. name is what messages call it ("<stdin>"). */
int anne_file_read_fd(int fd, const char *name, unsigned char **data, size_t *size, anne_error *err);

/* Writes size bytes to path atomically: to a temporary file beside it, then rename(), so a failure
 * never leaves a half-written output. An existing file keeps its permissions, a new one gets what
 * the umask gives (0666 & ~umask, as fopen would); a symbolic link keeps pointing where it did (its
 * target is replaced); a device or FIFO (/dev/null, /dev/stdout) is written to, never replaced by a
 * regular file.
 * The temporary file is ".BASE.tmpXXXXXX" in the folder of the file it replaces (BASE its name,
 * XXXXXX random), created with O_CREAT|O_EXCL (it never follows or reuses anything already there)
 * and mode 0600 until it is put in place. It is removed on every error, and when SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM or SIGPIPE ends the process while it exists (the handler, installed when the first file
 * is staged, removes the staged files and re-raises the signal with its default action; a signal
 * ignored at that time stays ignored). SIGXFSZ is ignored, so a file-size limit (ulimit -f) makes
 * the write fail with an error instead of killing the process. SIGKILL cannot be caught: a killed
 * run may leave its .BASE.tmpXXXXXX behind (never OUT itself half-written). */
int anne_file_write(const char *path, const void *data, size_t size, anne_error *err);

/* One output of a command that writes several (train's model and history, NAME.c and NAME.h). */
typedef struct anne_file_output {
    const char *path;
    const void *data;           /* borrowed: must stay valid until the call returns */
    size_t size;
} anne_file_output;

/* Writes n outputs together: all are staged (written completely to their temporary files) before
 * any is put in place, so a failure to write any of them (a missing folder, a full disk, a file-size
 * limit) leaves every one of them as it was. Then devices and FIFOs are written to (what cannot be
 * undone, and may still fail, first), then the temporary files are renamed into place. Two outputs
 * naming the same file are refused. */
int anne_file_write_all(const anne_file_output *outputs, size_t n, anne_error *err);

/* The steps of anne_file_write_all(), for callers that stage outputs as they are made: each output is
 * staged with anne_file_stage_write() (for a regular file: written completely to a temporary file
 * beside it), and when all are staged anne_file_commit_all() puts them in place; anne_file_abort()
 * removes what was staged. A failed stage leaves every earlier output untouched. */
typedef struct anne_file_stage {
    char *path;                 /* where it goes (a symlink's target, resolved) */
    char *tmp;                  /* the staged temporary file, or NULL for a device/FIFO */
    const void *data;           /* for a device/FIFO: written at commit (borrowed, must stay valid) */
    size_t size;
    int fd;                     /* tmp, still open (its mode is set at commit), or -1 */
    mode_t mode;                /* the mode it gets at commit */
    int keep_mode;              /* mode is an existing file's (a failure to set it is an error) */
    int slot;                   /* its entry in the signal handler's list of staged files, or -1 */
    int exists;                 /* path existed when staged (dev, ino: which file it was) */
    dev_t dev;
    ino_t ino;
} anne_file_stage;

int anne_file_stage_write(anne_file_stage *stage, const char *path, const void *data, size_t size, anne_error *err);
/* Commits n staged outputs (devices and FIFOs first, then the renames); on a failure the ones not yet
 * committed are aborted. Every stage is cleared either way. */
int anne_file_commit_all(anne_file_stage *stages, size_t n, anne_error *err);
int anne_file_commit(anne_file_stage *stage, anne_error *err);
void anne_file_abort(anne_file_stage *stage);

#endif /* ANNE_FILE_H */

/* Whole-file reading and atomic writing for the host tools. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "anne_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err) {
    FILE *f;
    struct stat st;
    unsigned char *buf;
    size_t n;
    *data = NULL;
    *size = 0;
    f = fopen(path, "rb");
    if (f == NULL) return anne_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return anne_error_set(err, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > ANNE_FILE_MAX_BYTES) {
        fclose(f);
        return anne_error_set(err, "%s: file too large (%lld bytes, at most %zu)", path, (long long)st.st_size,
                              (size_t)ANNE_FILE_MAX_BYTES);
    }
    buf = malloc((size_t)st.st_size + 1u); /* malloc is aligned for any type */
    if (buf == NULL) {
        fclose(f);
        return anne_error_set(err, "%s: out of memory", path);
    }
    n = fread(buf, 1, (size_t)st.st_size, f);
    if (n != (size_t)st.st_size || ferror(f)) {
        free(buf);
        fclose(f);
        return anne_error_set(err, "%s: read error", path);
    }
    fclose(f);
    buf[n] = 0;
    *data = buf;
    *size = n;
    return 0;
}

/* Writes straight to a path that is not a regular file (/dev/null, /dev/stdout, a FIFO): such a
 * target cannot be replaced by a rename, and must not be (renaming over /dev/null as root would put
 * a regular file in its place). */
static int anne__write_direct(const char *path, const void *data, size_t size, anne_error *err) {
    FILE *f = fopen(path, "wb");
    int ok;
    if (f == NULL) return anne_error_set(err, "%s: cannot open for writing: %s", path, strerror(errno));
    ok = fwrite(data, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : anne_error_set(err, "%s: write failed: %s", path, strerror(errno));
}

/* Writes a temporary file beside `path` (mode kept from an existing file when keep_mode). */
static int anne__write_tmp(anne_file_stage *st, mode_t mode, int keep_mode, const void *data, size_t size,
                           anne_error *err) {
    size_t len = strlen(st->path);
    FILE *f;
    int ok;
    st->tmp = malloc(len + 32u);
    if (st->tmp == NULL) return anne_error_set(err, "%s: out of memory", st->path);
    snprintf(st->tmp, len + 32u, "%s.tmp%ld", st->path, (long)getpid());
    f = fopen(st->tmp, "wb");
    if (f == NULL) {
        anne_error_set(err, "%s: cannot create: %s", st->path, strerror(errno));
        free(st->tmp);
        st->tmp = NULL;
        return -1;
    }
    ok = fwrite(data, 1, size, f) == size;
    if (ok && keep_mode) ok = fchmod(fileno(f), mode) == 0; /* an existing file keeps its permissions */
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        anne_error_set(err, "%s: write failed: %s", st->path, strerror(errno));
        remove(st->tmp);
        free(st->tmp);
        st->tmp = NULL;
        return -1;
    }
    return 0;
}

static char *anne__strdup(const char *s) {
    size_t n = strlen(s) + 1u;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

int anne_file_stage_write(anne_file_stage *st, const char *path, const void *data, size_t size, anne_error *err) {
    struct stat sb;
    int exists;
    memset(st, 0, sizeof *st);
    if (lstat(path, &sb) != 0) {
        if (errno != ENOENT) return anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
        exists = 0;
        st->path = anne__strdup(path);
    } else if (S_ISLNK(sb.st_mode)) {
        /* a symlink: replace what it points to, and keep the link */
        st->path = realpath(path, NULL);
        if (st->path == NULL) {
            return anne_error_set(err, "%s: a symbolic link whose target cannot be resolved: %s", path,
                                  strerror(errno));
        }
        if (stat(st->path, &sb) != 0) {
            anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
            anne_file_abort(st);
            return -1;
        }
        exists = 1;
    } else {
        exists = 1;
        st->path = anne__strdup(path);
    }
    if (st->path == NULL) return anne_error_set(err, "%s: out of memory", path);
    if (exists && S_ISDIR(sb.st_mode)) {
        anne_error_set(err, "%s: is a directory", path);
        anne_file_abort(st);
        return -1;
    }
    if (exists && !S_ISREG(sb.st_mode)) { /* a device or FIFO: written at commit, if it can be */
        if (access(st->path, W_OK) != 0) {
            anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
            anne_file_abort(st);
            return -1;
        }
        st->data = data;
        st->size = size;
        return 0;
    }
    if (anne__write_tmp(st, sb.st_mode & 07777, exists, data, size, err) != 0) {
        anne_file_abort(st);
        return -1;
    }
    return 0;
}

int anne_file_commit(anne_file_stage *st, anne_error *err) {
    int rc = 0;
    if (st->tmp != NULL) {
        if (rename(st->tmp, st->path) != 0) {
            rc = anne_error_set(err, "%s: write failed: %s", st->path, strerror(errno));
            remove(st->tmp);
        }
    } else if (st->path != NULL) {
        rc = anne__write_direct(st->path, st->data, st->size, err);
    }
    free(st->tmp);
    free(st->path);
    memset(st, 0, sizeof *st);
    return rc;
}

void anne_file_abort(anne_file_stage *st) {
    if (st->tmp != NULL) remove(st->tmp);
    free(st->tmp);
    free(st->path);
    memset(st, 0, sizeof *st);
}

int anne_file_write(const char *path, const void *data, size_t size, anne_error *err) {
    anne_file_stage st;
    if (anne_file_stage_write(&st, path, data, size, err) != 0) return -1;
    return anne_file_commit(&st, err);
}

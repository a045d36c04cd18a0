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

/* Writes to a temporary file beside `path` with the given mode, then renames it over `path`. */
static int anne__write_atomic(const char *path, mode_t mode, int keep_mode, const void *data, size_t size,
                              anne_error *err) {
    size_t len = strlen(path);
    char *tmp = malloc(len + 32u);
    FILE *f;
    int ok;
    if (tmp == NULL) return anne_error_set(err, "%s: out of memory", path);
    snprintf(tmp, len + 32u, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (f == NULL) {
        anne_error_set(err, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    ok = fwrite(data, 1, size, f) == size;
    if (ok && keep_mode) ok = fchmod(fileno(f), mode) == 0; /* an existing file keeps its permissions */
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        anne_error_set(err, "%s: write failed: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int anne_file_write(const char *path, const void *data, size_t size, anne_error *err) {
    struct stat st;
    char *target;
    int rc;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) return anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
        return anne__write_atomic(path, 0, 0, data, size, err); /* a new file */
    }
    if (S_ISREG(st.st_mode)) return anne__write_atomic(path, st.st_mode & 07777, 1, data, size, err);
    if (!S_ISLNK(st.st_mode)) return anne__write_direct(path, data, size, err);
    /* a symlink: replace what it points to, and keep the link */
    target = realpath(path, NULL);
    if (target == NULL) return anne_error_set(err, "%s: a symbolic link whose target cannot be resolved: %s", path,
                                              strerror(errno));
    if (stat(target, &st) != 0) {
        rc = anne_error_set(err, "%s: cannot write: %s", path, strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
        rc = anne__write_atomic(target, st.st_mode & 07777, 1, data, size, err);
    } else {
        rc = anne__write_direct(target, data, size, err);
    }
    free(target);
    return rc;
}

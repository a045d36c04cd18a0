/* Whole-file reading and atomic writing for the host tools. */
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

int anne_file_write(const char *path, const void *data, size_t size, anne_error *err) {
    size_t len = strlen(path);
    char *tmp = malloc(len + 16u);
    FILE *f;
    int ok;
    if (tmp == NULL) return anne_error_set(err, "%s: out of memory", path);
    snprintf(tmp, len + 16u, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (f == NULL) {
        anne_error_set(err, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    ok = fwrite(data, 1, size, f) == size;
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

/* anne info --measure (anne_info_measure.h): the model's bytes to a temporary file, the script run on
 * it, its "key=value" line read back. */
#include "anne_info_measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ANNE_SOURCE_DIR
#define ANNE_SOURCE_DIR ""
#endif

/* value of KEY in a "k=v k=v" line, or -1 when absent */
static double anne__field(const char *line, const char *key) {
    size_t n = strlen(key);
    const char *p = line;
    while ((p = strstr(p, key)) != NULL) {
        if ((p == line || p[-1] == ' ') && p[n] == '=') return strtod(p + n + 1, NULL);
        p += n;
    }
    return -1.0;
}

/* The last line of text (without its newline) into note. */
static void anne__last_line(char *note, size_t cap, const char *text) {
    size_t len = strlen(text);
    const char *start;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) len--;
    start = text + len;
    while (start > text && start[-1] != '\n') start--;
    if ((size_t)(text + len - start) >= cap) len = (size_t)(start - text) + cap - 1u;
    memcpy(note, start, (size_t)(text + len - start));
    note[text + len - start] = '\0';
}

/* Runs the script on path; its whole stdout into buf. Returns its exit code, -1 if it did not run. */
static int anne__run(const char *script, const char *target, const char *path, char *buf, size_t cap) {
    char cmd[4096];
    size_t at = 0, got;
    FILE *p;
    int st;
    if ((size_t)snprintf(cmd, sizeof cmd, "'%s' %s '%s' 2>&1", script, target, path) >= sizeof cmd) return -1;
    p = popen(cmd, "r");
    if (p == NULL) return -1;
    while (at + 1u < cap && (got = fread(buf + at, 1, cap - 1u - at, p)) > 0) at += got;
    buf[at] = '\0';
    while (fgetc(p) != EOF) {
    }
    st = pclose(p);
    return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

void anne_info_measure(anne_target_measured *out, anne_core core, const unsigned char *bytes, size_t size) {
    const char *root = getenv("ANNE_SOURCE_DIR");
    char script[2048], path[] = "/tmp/anne-measure-XXXXXX", text[8192];
    const char *line;
    FILE *f;
    int fd, rc;
    memset(out, 0, sizeof *out);
    if (root == NULL || root[0] == '\0') root = ANNE_SOURCE_DIR;
    snprintf(script, sizeof script, "%s/ports/measure-model.sh", root);
    if (root[0] == '\0' || access(script, X_OK) != 0 || strchr(script, '\'') != NULL) {
        snprintf(out->note, sizeof out->note, "no ANNE source tree with ports/measure-model.sh (set ANNE_SOURCE_DIR)");
        return;
    }
    fd = mkstemp(path);
    f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL || fwrite(bytes, 1, size, f) != size || fclose(f) != 0) {
        if (f == NULL && fd >= 0) close(fd);
        remove(path);
        snprintf(out->note, sizeof out->note, "cannot write a temporary model file");
        return;
    }
    rc = anne__run(script, anne_core_name(core), path, text, sizeof text);
    remove(path);
    line = strstr(text, "cycles=");
    if (rc != 0 || line == NULL || anne__field(line, "text_bytes") < 0.0 || anne__field(line, "stack_bytes") < 0.0) {
        anne__last_line(out->note, sizeof out->note, rc == -1 ? "the measuring script did not run" : text);
        if (rc == 77) {
            /* the script's SKIP line names the Debian packages */
            const char *s = strstr(text, "missing");
            if (s != NULL) anne__last_line(out->note, sizeof out->note, s);
        }
        if (out->note[0] == '\0') snprintf(out->note, sizeof out->note, "ports/measure-model.sh exited %d", rc);
        return;
    }
    out->measured = 1;
    out->cycles = anne__field(line, "cycles");
    out->instructions = anne__field(line, "instructions");
    out->load_cycles = anne__field(line, "load_cycles");
    out->text_bytes = (uint32_t)anne__field(line, "text_bytes");
    out->stack_bytes = (uint32_t)anne__field(line, "stack_bytes");
    out->arena_bytes = (uint32_t)anne__field(line, "arena_bytes");
}

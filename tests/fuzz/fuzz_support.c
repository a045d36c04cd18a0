/* The harnesses' shared parts (fuzz_support.h): in-memory files behind anne_file_read, fork() that
 * always fails (so the HDF5 importers' child process never starts: the harnesses call those
 * importers in-process, where ASan sees them), the model checks, and the exclusion filter. */
#include "fuzz_support.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "anne_file.h"
#include "anne_ir_graph.h"
#include "anne_json.h"
#include "anne_json_write.h"

void anne_fuzz_fail(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "\nANNE FUZZ CHECK FAILED: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

void anne_fuzz_note(const char *what, int rc, const anne_error *err) {
    static int verbose = -1;
    if (verbose < 0) {
        const char *v = getenv("ANNE_FUZZ_VERBOSE");
        verbose = v != NULL && strcmp(v, "1") == 0;
    }
    if (verbose) fprintf(stderr, "%s: %s\n", what, rc == 0 ? "ok" : err->msg);
}

/* ---- in-memory files ------------------------------------------------------------------------------ */

#define ANNE__VFS_MAX 64
#define ANNE__PATH_MAX 4200

static struct {
    char path[ANNE__PATH_MAX];  /* normalized */
    const void *data;
    size_t size;
} anne__vfs[ANNE__VFS_MAX];
static size_t anne__vfs_n;

/* The path with "." and empty components dropped and ".." applied, as realpath() would give it when
 * no symbolic link is involved (there are none in memory). Relative paths stay relative. */
static void anne__normalize(const char *path, char out[ANNE__PATH_MAX]) {
    size_t n = 0;
    const char *p = path;
    if (*p == '/') out[n++] = '/';
    while (*p != '\0') {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            size_t root = n > 0 && out[0] == '/' ? 1u : 0u; /* "/.." stays "/" */
            while (n > root && out[n - 1] != '/') n--;      /* back over the last component */
            if (n > root) n--;                               /* and the '/' before it */
        } else if (len > 0 && !(len == 1 && p[0] == '.') && n + len + 2 < ANNE__PATH_MAX) {
            if (n > 0 && out[n - 1] != '/') out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p += len;
        if (*p == '/') p++;
    }
    out[n] = '\0';
}

void anne_fuzz_vfs_reset(void) {
    anne__vfs_n = 0;
}

void anne_fuzz_vfs_add(const char *path, const void *data, size_t size) {
    if (anne__vfs_n == ANNE__VFS_MAX || strlen(path) >= ANNE__PATH_MAX) return;
    anne__normalize(path, anne__vfs[anne__vfs_n].path);
    anne__vfs[anne__vfs_n].data = data;
    anne__vfs[anne__vfs_n].size = size;
    anne__vfs_n++;
}

/* 1 when the part of path after ANNE_FUZZ_DIR climbs above it ("../x", "a/../../x"). */
static int anne__escapes(const char *path) {
    const char *p = path + strlen(ANNE_FUZZ_DIR);
    long depth = 0;
    if (strncmp(path, ANNE_FUZZ_DIR, strlen(ANNE_FUZZ_DIR)) != 0) return 0;
    while (*p != '\0') {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0) return 1;
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            depth++;
        }
        p += len;
        if (*p == '/') p++;
    }
    return 0;
}

int __real_anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err);
int __wrap_anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err);

int __wrap_anne_file_read(const char *path, unsigned char **data, size_t *size, anne_error *err) {
    char norm[ANNE__PATH_MAX];
    size_t i;
    *data = NULL;
    *size = 0;
    if (anne__escapes(path)) {
        const char *allow = getenv("ANNE_FUZZ_ALLOW_ESCAPE");
        if (allow == NULL || strcmp(allow, "1") != 0) {
            anne_fuzz_fail("the tools read \"%s\", outside the model's folder \"%s\" (set ANNE_FUZZ_ALLOW_ESCAPE=1 "
                           "to go on fuzzing past this)", path, ANNE_FUZZ_DIR);
        }
    }
    if (strlen(path) >= ANNE__PATH_MAX) {
        return anne_error_set(err, "%.100s...: cannot open: %s", path, strerror(ENAMETOOLONG));
    }
    anne__normalize(path, norm);
    for (i = 0; i < anne__vfs_n; i++) {
        if (strcmp(norm, anne__vfs[i].path) == 0) {
            unsigned char *copy = malloc(anne__vfs[i].size + 1u);
            if (copy == NULL) return anne_error_set(err, "%s: out of memory", path);
            if (anne__vfs[i].size != 0) memcpy(copy, anne__vfs[i].data, anne__vfs[i].size);
            copy[anne__vfs[i].size] = 0;
            *data = copy;
            *size = anne__vfs[i].size;
            return 0;
        }
    }
    return anne_error_set(err, "%s: cannot open: %s", path, strerror(ENOENT));
}

/* realpath() of a path in ANNE_FUZZ_DIR: the normalized path when it is an in-memory file or a folder
 * above one; other paths go to the real realpath(). */
char *__real_realpath(const char *path, char *resolved);
char *__wrap_realpath(const char *path, char *resolved);

char *__wrap_realpath(const char *path, char *resolved) {
    static const char root[] = ANNE_FUZZ_DIR;
    const size_t n_root = sizeof root - 2u; /* without the final '/' */
    char norm[ANNE__PATH_MAX];
    size_t i, n;
    int found = 0;
    if (strlen(path) >= ANNE__PATH_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    anne__normalize(path, norm);
    n = strlen(norm);
    /* not /anne-fuzz nor below it: the real file system */
    if (strncmp(norm, root, n_root) != 0 || (norm[n_root] != '\0' && norm[n_root] != '/')) {
        return __real_realpath(path, resolved);
    }
    for (i = 0; i < anne__vfs_n && !found; i++) {
        found = strcmp(anne__vfs[i].path, norm) == 0 ||
                (strncmp(anne__vfs[i].path, norm, n) == 0 && anne__vfs[i].path[n] == '/');
    }
    if (!found && n != n_root) {
        errno = ENOENT;
        return NULL;
    }
    if (resolved == NULL) {
        resolved = malloc(n + 1u);
        if (resolved == NULL) {
            errno = ENOMEM;
            return NULL;
        }
    } else if (n >= 4096u) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(resolved, norm, n + 1u);
    return resolved;
}

pid_t __wrap_fork(void);

pid_t __wrap_fork(void) {
    errno = EAGAIN;
    return -1;
}

/* ---- exclusions ----------------------------------------------------------------------------------- */

int anne_fuzz_excluded(const uint8_t *data, size_t size) {
    static int loaded;
    static char list[1024];
    const char *p;
    if (!loaded) {
        const char *e = getenv("ANNE_FUZZ_EXCLUDE");
        snprintf(list, sizeof list, "%s", e != NULL ? e : "");
        loaded = 1;
    }
    for (p = list; *p != '\0';) {
        size_t len = strcspn(p, ","), i;
        for (i = 0; len > 0 && i + len <= size; i++) {
            if (memcmp(data + i, p, len) == 0) return 1;
        }
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}

/* ---- model checks --------------------------------------------------------------------------------- */

void anne_fuzz_check_model(const anne_model *m) {
    uint32_t arena_size = anne_model_arena_size(m);
    float *in = malloc((size_t)m->n_inputs * sizeof *in + 1u);
    float *out = malloc((size_t)m->n_outputs * sizeof *out + 1u);
    void *arena = malloc(arena_size ? arena_size : 1u);
    anne_status st;
    uint16_t i;
    if (in == NULL || out == NULL || arena == NULL) anne_fuzz_fail("out of memory");
    for (i = 0; i < m->n_layers; i++) {
        anne_layer l;
        if (anne_model_layer(m, i, &l) != ANNE_OK) anne_fuzz_fail("layer %u of a loaded model does not decode", i);
    }
    for (i = 0; i < m->n_classes; i++) {
        if (anne_model_class_name(m, i) == NULL) anne_fuzz_fail("class %u of a loaded model has no name", i);
    }
    if (m->name == NULL || strlen(m->name) >= m->size) anne_fuzz_fail("a loaded model's name is not in its bytes");
    for (i = 0; i < m->n_inputs; i++) in[i] = (float)(i % 7) - 3.0f;
    st = anne_model_predict(m, out, in, arena, arena_size);
    if (st != ANNE_OK) anne_fuzz_fail("predict on a loaded model: %s", anne_status_str(st));
    free(in);
    free(out);
    free(arena);
}

static int anne__same_floats(const float *a, const float *b, size_t n) {
    if (a == NULL || b == NULL) return a == b;
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static int anne__same_name(const char *a, const char *b) {
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Where two models differ, or NULL when they are the same. */
static const char *anne__ir_diff(const anne_ir *a, const anne_ir *b) {
    size_t i;
    if (!anne__same_name(a->name, b->name)) return "the name";
    if (a->n_inputs != b->n_inputs) return "n_inputs";
    if (a->n_layers != b->n_layers) return "the layer count";
    if (a->scaling != b->scaling) return "the scaling kind";
    if (a->scaling != ANNE_SCALING_NONE && (!anne__same_floats(a->scale_a, b->scale_a, a->n_inputs) ||
                                           !anne__same_floats(a->scale_b, b->scale_b, a->n_inputs))) {
        return "the scaling values";
    }
    if (a->n_classes != b->n_classes) return "the class count";
    for (i = 0; i < a->n_classes; i++) {
        if (!anne__same_name(a->class_names[i], b->class_names[i])) return "a class name";
    }
    for (i = 0; i < a->n_layers; i++) {
        const anne_ir_layer *x = &a->layers[i], *y = &b->layers[i];
        if (x->kind != y->kind || x->activation != y->activation || x->n_in != y->n_in || x->n_out != y->n_out) {
            return "a layer's kind, activation or size";
        }
        if (memcmp(x->param, y->param, sizeof x->param) != 0) return "a layer's activation parameters";
        if (!anne__same_floats(x->kernel, y->kernel, (size_t)x->n_in * x->n_out)) return "a kernel";
        if (!anne__same_floats(x->bias, y->bias, x->n_out)) return "a bias";
        if (x->activation == ANNE_ACT_PRELU && !anne__same_floats(x->act_data, y->act_data, x->n_out)) {
            return "PReLU alphas";
        }
        if (!anne__same_name(x->name, y->name)) return "a layer name";
    }
    if (a->n_ops != b->n_ops) return "the op count";
    for (i = 0; i <= a->n_ops && a->n_ops > 0; i++) {
        if (!anne_ir_tensor_same(&a->tensors[i], &b->tensors[i])) return "a tensor's shape";
    }
    for (i = 0; i < a->n_ops; i++) {
        const anne_ir_op *x = &a->ops[i], *y = &b->ops[i];
        if (x->kind != y->kind || x->activation != y->activation || x->n_inputs != y->n_inputs ||
            memcmp(x->inputs, y->inputs, sizeof x->inputs) != 0 || memcmp(x->attr, y->attr, sizeof x->attr) != 0) {
            return "an op's kind, activation, inputs or attributes";
        }
        if (memcmp(x->param, y->param, sizeof x->param) != 0) return "an op's activation parameters";
        if (x->kernel_n != y->kernel_n || !anne__same_floats(x->kernel, y->kernel, x->kernel_n)) {
            return "an op's kernel";
        }
        if (x->bias_n != y->bias_n || !anne__same_floats(x->bias, y->bias, x->bias_n)) return "an op's bias";
        /* an op without a name gets one from the writer (.anne files keep none) */
        if (x->name != NULL && x->name[0] != '\0' && !anne__same_name(x->name, y->name)) return "an op's name";
    }
    return NULL;
}

/* Weights of a model, up to which anne_fuzz_check_ir checks the JSON round trip: the shortest-digits
 * float printing costs a few microseconds a number, and bigger models reach no other code. */
#define ANNE__ROUNDTRIP_MAX_VALUES 2048u

void anne_fuzz_check_ir(const anne_ir *ir) {
    anne_error err;
    char *text = NULL;
    unsigned char *bytes = NULL;
    size_t size = 0, values = 0, i;
    err.msg[0] = '\0';
    for (i = 0; i < ir->n_layers; i++) values += (size_t)ir->layers[i].n_in * ir->layers[i].n_out;
    for (i = 0; i < ir->n_ops; i++) values += (size_t)ir->ops[i].kernel_n + ir->ops[i].bias_n;
    /* the JSON round trip: exact, or the HDF5 importers' parent would get another model than the child made */
    if (values <= ANNE__ROUNDTRIP_MAX_VALUES && anne_json_write(ir, &text, &err) == 0) {
        anne_ir back;
        const char *diff;
        if (anne_json_read(&back, text, strlen(text), "roundtrip.json", &err) != 0) {
            fprintf(stderr, "%s\n", text);
            anne_fuzz_fail("ANNE JSON written from an imported model does not read back: %s", err.msg);
        }
        diff = anne__ir_diff(ir, &back);
        if (diff != NULL) {
            fprintf(stderr, "%s\n", text);
            anne_fuzz_fail("ANNE JSON written from an imported model reads back with another %s", diff);
        }
        anne_ir_free(&back);
        free(text);
    }
    if (anne_ir_serialize(ir, &bytes, &size, &err) == 0) {
        anne_model m;
        anne_status st = anne_model_load(&m, bytes, size);
        if (st != ANNE_OK) anne_fuzz_fail("the model file written from an imported model does not load: %s",
                                          anne_status_str(st));
        anne_fuzz_check_model(&m);
        free(bytes);
    }
}

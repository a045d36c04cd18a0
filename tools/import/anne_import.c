/* The importer dispatcher: recognizes a model source by its content (never its extension) and
 * hands it to the importer for that format: an .anne file, HDF5 (Keras .h5), a zip (Keras 3
 * .keras), a TFLite flatbuffer ("TFL3"), or JSON, told apart by its keys (ANNE JSON, Keras to_json(),
 * TensorFlow.js model.json). */
#include "anne_import.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anne_file.h"
#include "anne_h5.h"
#include "anne_json.h"
#include "anne_json_limits.h"
#include "anne_ir_graph.h"
#include "anne_json_write.h"
#include "anne_tflite.h"

/* ---- running the HDF5 readers in a child process --------------------------------------------------
 * The HDF5 library trusts the structures of the file it reads: a damaged or hostile .h5 can make it
 * allocate absurd sizes or crash (tests flip bytes of real files and see it). So HDF5-based imports
 * run in a forked child, which sends back the model as ANNE JSON (exact, names kept) or the error or
 * --check report; a child that dies becomes an error message, not a crash of the tool, and a child
 * that takes longer than anne_import_time_limit() allows for its input is stopped. */

unsigned anne_import_time_limit(size_t bytes) {
    const size_t mib = (size_t)1 << 20;
    size_t started = bytes / mib + (bytes % mib != 0);
    if (started > 1000000u) started = 1000000u; /* no overflow; ANNE_FILE_MAX_BYTES is far below */
    return ANNE_IMPORT_SECONDS_BASE + ANNE_IMPORT_SECONDS_PER_MIB * (unsigned)started;
}

typedef struct anne__job {
    anne_import_fn run;
    const void *ctx;
    const char *path;
    size_t input_bytes;         /* what the child reads: the file, plus --weights for a to_json() import */
    unsigned seconds;           /* anne_import_time_limit(input_bytes) */
} anne__job;

/* A dense chain travels as ANNE JSON (exact floats, and the layers' names for later messages); a graph
 * as its model file bytes. */
enum { ANNE__MSG_MODEL = 1, ANNE__MSG_ERROR = 2, ANNE__MSG_REPORT = 3, ANNE__MSG_GRAPH = 4 };

static int anne__write_all(int fd, const void *p, size_t n) {
    const unsigned char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w <= 0) return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* In the child: runs the job and writes [kind u8][flag u8][length u64][text] to fd. */
static void anne__child(const anne__job *job, anne_import_options *opt, int fd) {
    anne_ir ir;
    anne_error err;
    char *text = NULL;
    unsigned char head[10], *graph = NULL;
    size_t graph_size = 0;
    uint64_t len;
    size_t i;
    int kind = ANNE__MSG_ERROR;
    err.msg[0] = '\0';
    /* the default action for crashes: a test harness's handlers must not resume in the child */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    alarm(job->seconds); /* a file that makes the library loop ends as a failed import, named as such */
    if (job->run(&ir, job->ctx, opt, &err) == 0) {
        if (opt != NULL && opt->check) {
            kind = ANNE__MSG_REPORT;
            text = opt->report;
        } else if (ir.n_ops > 0 && anne_ir_serialize(&ir, &graph, &graph_size, &err) == 0) {
            kind = ANNE__MSG_GRAPH;
        } else if (ir.n_ops == 0 && anne_json_write(&ir, &text, &err) == 0) {
            kind = ANNE__MSG_MODEL;
        }
        anne_ir_free(&ir);
    }
    if (kind == ANNE__MSG_ERROR) text = err.msg;
    len = kind == ANNE__MSG_GRAPH ? graph_size : strlen(text);
    if (kind == ANNE__MSG_GRAPH) text = (char *)graph;
    head[0] = (unsigned char)kind;
    head[1] = (unsigned char)(opt != NULL && opt->all_supported);
    for (i = 0; i < 8; i++) head[2 + i] = (unsigned char)(len >> (8 * i));
    if (anne__write_all(fd, head, sizeof head) != 0 || anne__write_all(fd, text, (size_t)len) != 0) _exit(3);
    _exit(0);
}

/* A graph model's bytes from the child, into ir. The buffer is the pipe's (malloc'd, so 4-aligned at
 * its start; the bytes start 10 in): copied to an aligned block for the loader. */
static int anne__graph_from_bytes(anne_ir *ir, const unsigned char *bytes, size_t size, const char *path,
                                  anne_error *err) {
    anne_model m;
    anne_status st;
    int rc;
    unsigned char *copy = malloc(size + 1u);
    if (copy == NULL) return anne_error_set(err, "out of memory");
    memcpy(copy, bytes, size);
    st = anne_model_load(&m, copy, size);
    rc = st == ANNE_OK ? anne_ir_from_model(ir, &m, err)
                       : anne_error_set(err, "%s: internal error: the converted graph does not load: %s", path,
                                        anne_status_str(st));
    free(copy);
    return rc;
}

static int anne__run_isolated(anne_ir *ir, const anne__job *job, anne_import_options *opt, anne_error *err) {
    int fds[2], status = 0;
    pid_t pid;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    uint64_t body = 0;
    int rc = -1;
    size_t i;
    anne_ir_init(ir);
    if (pipe(fds) != 0) return anne_error_set(err, "%s: cannot create a pipe", job->path);
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return anne_error_set(err, "%s: cannot start a process to read the file", job->path);
    }
    if (pid == 0) {
        close(fds[0]);
        anne__child(job, opt, fds[1]);
    }
    close(fds[1]);
    for (;;) {
        ssize_t got;
        if (len == cap) {
            size_t ncap = cap ? 2u * cap : 65536u;
            unsigned char *g = realloc(buf, ncap + 1u);
            if (g == NULL) break;
            buf = g;
            cap = ncap;
        }
        got = read(fds[0], buf + len, cap - len);
        if (got <= 0) break;
        len += (size_t)got;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0) {
    }
    if (len >= 10) {
        for (i = 0; i < 8; i++) body |= (uint64_t)buf[2 + i] << (8 * i);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        anne_error_set(err, "%s: the import took too long: stopped after %u s, the limit for %zu bytes of input (%u s "
                            "+ %u s per MiB; real Keras files take well under a second): the HDF5 library may be "
                            "looping on a damaged or hostile file", job->path, job->seconds, job->input_bytes,
                       (unsigned)ANNE_IMPORT_SECONDS_BASE, (unsigned)ANNE_IMPORT_SECONDS_PER_MIB);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len < 10 || body != len - 10u) {
        anne_error_set(err, "%s: the file could not be read: the HDF5 library failed on it (%s%d): a damaged or "
                            "unusual file", job->path, WIFSIGNALED(status) ? "signal " : "exit status ",
                       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    } else {
        buf[len] = '\0';
        if (buf[0] == ANNE__MSG_MODEL) {
            rc = anne_json_read(ir, (const char *)buf + 10, len - 10u, job->path, err);
        } else if (buf[0] == ANNE__MSG_GRAPH) {
            rc = anne__graph_from_bytes(ir, buf + 10, len - 10u, job->path, err);
        } else if (buf[0] == ANNE__MSG_REPORT && opt != NULL) {
            opt->report = malloc(len - 9u);
            if (opt->report == NULL) {
                anne_error_set(err, "out of memory");
            } else {
                memcpy(opt->report, buf + 10, len - 9u);
                opt->all_supported = buf[1];
                rc = 0;
            }
        } else {
            anne_error_set(err, "%s", (const char *)buf + 10);
        }
    }
    free(buf);
    return rc;
}

int anne_import_isolated(anne_ir *ir, anne_import_fn run, const void *ctx, const char *path, size_t input_bytes,
                         anne_import_options *opt, anne_error *err) {
    anne__job job;
    job.run = run;
    job.ctx = ctx;
    job.path = path;
    job.input_bytes = input_bytes;
    job.seconds = anne_import_time_limit(input_bytes);
    return anne__run_isolated(ir, &job, opt, err);
}

/* A source file for the HDF5-based importers. */
typedef struct anne__source {
    const unsigned char *bytes;
    size_t size;
    const char *path;
    const cJSON *root;          /* a to_json() architecture, parsed */
} anne__source;

static int anne__job_h5(anne_ir *ir, const void *ctx, anne_import_options *opt, anne_error *err) {
    const anne__source *s = ctx;
    return anne_keras_import_h5(ir, s->bytes, s->size, s->path, opt, err);
}

static int anne__job_zip(anne_ir *ir, const void *ctx, anne_import_options *opt, anne_error *err) {
    const anne__source *s = ctx;
    return anne_keras_import_zip(ir, s->bytes, s->size, s->path, opt, err);
}

static int anne__job_json(anne_ir *ir, const void *ctx, anne_import_options *opt, anne_error *err) {
    const anne__source *s = ctx;
    return anne_keras_import_json(ir, s->root, s->path, opt, err);
}

static int anne__isolated(anne_import_fn run, anne_ir *ir, const unsigned char *bytes, size_t size, const char *path,
                          const cJSON *root, anne_import_options *opt, anne_error *err) {
    anne__source src;
    struct stat st;
    size_t input = size;
    src.bytes = bytes;
    src.size = size;
    src.path = path;
    src.root = root;
    /* the --weights file is read in the child too: its size counts */
    if (opt != NULL && opt->weights_path != NULL && stat(opt->weights_path, &st) == 0 && st.st_size > 0) {
        input += (size_t)st.st_size;
    }
    return anne_import_isolated(ir, run, &src, path, input, opt, err);
}

/* The first byte that is not white space (JSON documents start with '{'). */
static unsigned char anne__first_char(const unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return p[i];
    }
    return 0;
}

int anne_import_keras_source(anne_ir *ir, const anne_keras_source *src, anne_import_options *opt, anne_error *err) {
    int rc;
    anne_ir_init(ir);
    if (opt == NULL || !opt->check) return anne_keras_convert(ir, src, err);
    rc = anne_keras_check(src, &opt->report, err);
    if (rc < 0) return -1;
    opt->all_supported = rc == 0;
    return 0;
}

/* For formats without unsupported layers (.anne, ANNE JSON): every layer is reported supported. */
static int anne__report_all(const anne_ir *ir, anne_import_options *opt, anne_error *err) {
    size_t i, at = 0, cap = 64u + (ir->n_layers + ir->n_ops) * 160u;
    char *text = malloc(cap);
    if (text == NULL) return anne_error_set(err, "out of memory");
    text[0] = '\0';
    for (i = 0; i < ir->n_layers; i++) {
        at += (size_t)snprintf(text + at, cap - at, "layer %-3zu %-24.60s %-22s supported\n", i + 1u,
                               ir->layers[i].name ? ir->layers[i].name : "", "Dense");
    }
    for (i = 0; i < ir->n_ops; i++) {
        at += (size_t)snprintf(text + at, cap - at, "op %-3zu    %-24.60s %-22s supported\n", i + 1u,
                               ir->ops[i].name ? ir->ops[i].name : "", anne_op_kind_name(ir->ops[i].kind));
    }
    opt->report = text;
    opt->all_supported = 1;
    return 0;
}

/* JSON: ANNE JSON has "layers" (a dense chain) or "ops" (a graph) at the top; Keras' to_json() has "class_name" and "config"; a
 * TensorFlow.js model.json has "modelTopology" / "weightsManifest". The text is checked against the
 * limits of what its top-level keys say it is before it is parsed (anne_json_limits.h). */
static int anne__import_json(anne_ir *ir, const unsigned char *bytes, size_t size, const char *path,
                             anne_import_options *opt, anne_error *err) {
    static const char *const keys[] = {"modelTopology", "weightsManifest", "class_name", "config", "layers", NULL};
    unsigned k = anne_json_top_keys((const char *)bytes, size, keys);
    int keras = (k & 3u) != 0 || ((k & 4u) && (k & 8u) && !(k & 16u));
    cJSON *root;
    int rc;
    if (anne_json_prescan((const char *)bytes, size, keras ? &anne_json_limits_keras : &anne_json_limits_anne, path,
                          err) != 0) {
        return -1;
    }
    root = cJSON_ParseWithLength((const char *)bytes, size);
    if (root != NULL && cJSON_IsObject(root) &&
        (cJSON_HasObjectItem(root, "modelTopology") || cJSON_HasObjectItem(root, "weightsManifest"))) {
        rc = anne_tfjs_import(ir, root, path, opt, err);
    } else if (root != NULL && cJSON_IsObject(root) && cJSON_HasObjectItem(root, "class_name") &&
               cJSON_HasObjectItem(root, "config") && !cJSON_HasObjectItem(root, "layers")) {
        rc = anne__isolated(anne__job_json, ir, bytes, size, path, root, opt, err);
    } else if (root != NULL && !(cJSON_IsObject(root) && (cJSON_HasObjectItem(root, "layers") ||
                                                         cJSON_HasObjectItem(root, "ops") ||
                                                         cJSON_HasObjectItem(root, "input") ||
                                                         cJSON_HasObjectItem(root, "classes")))) {
        /* JSON, but none of the model formats (not even ANNE JSON with a misspelt key, which the ANNE
         * JSON reader would name): say what was expected */
        rc = anne_error_set(err, "%s: not a model file ANNE knows (expected ANNE JSON, a Keras to_json() architecture "
                                 "or a TensorFlow.js model.json)", path);
    } else {
        /* ANNE JSON, or JSON that does not parse: the ANNE JSON reader names the line and column (one
         * cJSON tree at a time: this one goes first) */
        cJSON_Delete(root);
        root = NULL;
        rc = anne_json_read(ir, (const char *)bytes, size, path, err);
        if (rc == 0 && opt != NULL && opt->weights_path != NULL) {
            anne_ir_free(ir);
            rc = anne_error_set(err, "%s: --weights is for a Keras to_json() architecture; this is ANNE JSON, which "
                                     "holds its weights", path);
        }
        if (rc == 0 && opt != NULL && opt->check) rc = anne__report_all(ir, opt, err);
    }
    cJSON_Delete(root);
    return rc;
}

int anne_import_ex(anne_ir *ir, const char *path, anne_import_options *opt, anne_error *err) {
    unsigned char *bytes;
    size_t size;
    int rc;
    anne_ir_init(ir);
    if (anne_file_read(path, &bytes, &size, err) != 0) return -1;
    if (opt != NULL && opt->weights_path != NULL && !(anne__first_char(bytes, size) == '{')) {
        free(bytes);
        return anne_error_set(err, "%s: --weights goes with a Keras to_json() architecture (a JSON file)", path);
    }
    if (size >= 4 && memcmp(bytes, "ANNE", 4) == 0) {
        anne_model m;
        anne_status st = anne_model_load(&m, bytes, size);
        rc = st != ANNE_OK ? anne_error_set(err, "%s: invalid model: %s", path, anne_status_str(st))
                           : anne_ir_from_model(ir, &m, err);
        if (rc == 0 && opt != NULL && opt->check) rc = anne__report_all(ir, opt, err);
    } else if (anne_tflite_is(bytes, size) && opt != NULL && opt->check) {
        /* every operator judged, int8 models too (the IR holds float models only) */
        rc = anne_tflite_check(bytes, size, path, &opt->report, &opt->all_supported, err);
    } else if (anne_tflite_is(bytes, size)) {
        /* TFLite: converted to model bytes (int8 stays int8); the IR holds float models only */
        unsigned char *mb;
        size_t ms;
        anne_model m;
        rc = anne_tflite_convert(bytes, size, path, &mb, &ms, err);
        if (rc == 0) {
            anne_status st = anne_model_load(&m, mb, ms);
            rc = st == ANNE_OK ? anne_ir_from_model(ir, &m, err)
                               : anne_error_set(err, "%s: internal error: the converted model does not load: %s", path,
                                                anne_status_str(st));
            if (rc != 0) anne_error_prefix(err, "%s", path);
            free(mb);
        }
    } else if (anne_h5_is_hdf5(bytes, size)) {
        rc = anne__isolated(anne__job_h5, ir, bytes, size, path, NULL, opt, err);
    } else if (size >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0) {
        rc = anne__isolated(anne__job_zip, ir, bytes, size, path, NULL, opt, err);
    } else if (anne__first_char(bytes, size) == '{') {
        rc = anne__import_json(ir, bytes, size, path, opt, err);
    } else {
        rc = anne_error_set(err, "%s: unrecognized model format (expected an .anne model file, ANNE JSON, a Keras "
                                 ".h5 or .keras file, a Keras to_json() architecture, a TensorFlow.js model.json or a "
                                 ".tflite file)",
                            path);
    }
    if (rc != 0) anne_ir_free(ir);
    free(bytes);
    return rc;
}

int anne_import(anne_ir *ir, const char *path, anne_error *err) {
    return anne_import_ex(ir, path, NULL, err);
}

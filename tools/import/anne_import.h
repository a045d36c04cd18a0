/* Importer options and the format importers the dispatcher (anne_import.c) chooses between by
 * content: HDF5 (Keras .h5), zip (Keras 3 .keras), JSON (ANNE JSON, Keras to_json(), TF.js). */
#ifndef ANNE_IMPORT_H
#define ANNE_IMPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_keras.h"

typedef struct anne_import_options {
    const char *weights_path;   /* `--weights FILE`: HDF5 weights for a Keras to_json() architecture */
    int check;                  /* list the layers (supported or not) instead of converting */
    char *report;               /* out, with check: malloc'd text, one line a layer (free()) */
    int all_supported;          /* out, with check */
} anne_import_options;

/* An import that runs in a child process (the HDF5-based ones: .h5, .keras, to_json() with --weights) is
 * stopped after ANNE_IMPORT_SECONDS_BASE plus ANNE_IMPORT_SECONDS_PER_MIB for every started MiB of its
 * input (the file, plus the --weights file), and fails with "<file>: the import took too long: ...".
 * Real Keras files import in well under a second; a file that makes libhdf5 loop must not hold the
 * tool for minutes. */
#define ANNE_IMPORT_SECONDS_BASE 5u
#define ANNE_IMPORT_SECONDS_PER_MIB 1u

/* The time limit, in seconds, for an isolated import of bytes of input. */
unsigned anne_import_time_limit(size_t bytes);

/* What an isolated import runs in the child: converts ctx into ir, or with opt->check fills the report. */
typedef int (*anne_import_fn)(anne_ir *ir, const void *ctx, anne_import_options *opt, anne_error *err);

/* Runs run(ir, ctx, opt, err) in a forked child, as the HDF5-based importers do (libhdf5 trusts the file
 * it reads): the child sends back the model (as ANNE JSON), the error or the --check report. A child
 * that crashes becomes "<path>: the file could not be read: ..."; one still running after
 * anne_import_time_limit(input_bytes) seconds is stopped (SIGALRM) and becomes "<path>: the import took
 * too long: ...". ir is initialized here (empty on error). */
int anne_import_isolated(anne_ir *ir, anne_import_fn run, const void *ctx, const char *path, size_t input_bytes,
                         anne_import_options *opt, anne_error *err);

/* anne_import() with options. With opt->check the IR is left empty and the report filled; formats
 * that have no layers to check (.anne, ANNE JSON) convert and report every layer as supported. */
int anne_import_ex(anne_ir *ir, const char *path, anne_import_options *opt, anne_error *err);

/* Runs a Keras source: converts into ir, or with opt->check only fills the report. */
int anne_import_keras_source(anne_ir *ir, const anne_keras_source *src, anne_import_options *opt, anne_error *err);

/* A full Keras HDF5 model (model.save("m.h5")): the model_config attribute and model_weights. */
int anne_keras_import_h5(anne_ir *ir, const void *bytes, size_t size, const char *path, anne_import_options *opt,
                         anne_error *err);

/* A Keras to_json() architecture (root: its parsed JSON) with weights from opt->weights_path. */
int anne_keras_import_json(anne_ir *ir, const cJSON *root, const char *path, anne_import_options *opt,
                           anne_error *err);

/* A Keras 3 .keras zip (config.json, metadata.json, model.weights.h5). */
int anne_keras_import_zip(anne_ir *ir, const void *bytes, size_t size, const char *path, anne_import_options *opt,
                          anne_error *err);

/* A TensorFlow.js layers model.json (root: its parsed JSON); the weight shards are read from the files
 * the manifest names, beside path. */
int anne_tfjs_import(anne_ir *ir, const cJSON *root, const char *path, anne_import_options *opt, anne_error *err);

#endif /* ANNE_IMPORT_H */

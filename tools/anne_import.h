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

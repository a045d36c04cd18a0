/* Limits on the JSON the tools parse (ANNE JSON, Keras configs, TensorFlow.js model.json), checked by
 * a cheap scan of the text before cJSON builds its tree (about 80 bytes for every number, string, list
 * and object): a small file of "0,0,0,..." or a zip entry that inflates to one must be refused before
 * it costs gigabytes. Every importer calls anne_json_prescan() before it parses. */
#ifndef ANNE_JSON_LIMITS_H
#define ANNE_JSON_LIMITS_H

#include <stddef.h>

#include "anne.h"
#include "anne_error.h"

/* The most weights (kernel, bias, PReLU alphas and input scaling values together) an imported model
 * may have: 4 Mi, 16 MiB of float32, four times the flash of the largest board ANNE targets (Pico 2,
 * 4 MB); such a model quantized to int8 just fits it. */
#define ANNE_IMPORT_MAX_WEIGHTS ((size_t)1 << 22)

/* ANNE JSON: numbers are the weights plus a few per layer or op (units; a graph op's shape, window and
 * padding, at most about 30 numbers, 31 000 for 1023 ops); values of every kind at most twice that (a
 * kernel row of one weight is a list and a number, as is each weight of a depthwise kernel of
 * multiplier 1 in Keras' layout) plus ANNE_JSON_OP_VALUES for each of the up to 1023 ops of a graph
 * (its object, names, inputs and the lists of its settings); no list beyond 1 Mi elements (the reader
 * itself names the layer or op for lists over its 65535). The text's size is bounded by
 * ANNE_FILE_MAX_BYTES only: long strings or white space cost no more than their bytes. */
#define ANNE_JSON_MAX_NUMBERS (ANNE_IMPORT_MAX_WEIGHTS + ((size_t)1 << 16))
#define ANNE_JSON_OP_VALUES ((size_t)64)
#define ANNE_JSON_MAX_VALUES (2u * ANNE_JSON_MAX_NUMBERS + ANNE_JSON_OP_VALUES * ANNE_MAX_TENSORS)
#define ANNE_JSON_MAX_LIST ((size_t)1 << 20)

/* A Keras model config (.keras config.json and metadata.json, an .h5 model_config, a to_json() file)
 * or a TensorFlow.js model.json: architecture only, no weights (a real one is kilobytes; 4096 layers,
 * the converter's limit, of a few hundred values each stay far below these). Lists hold at most
 * 65535 elements (Normalization's mean and variance, one per unit). */
#define ANNE_KERAS_JSON_MAX_BYTES ((size_t)16 << 20)
#define ANNE_KERAS_JSON_MAX_VALUES ((size_t)1 << 20)
#define ANNE_KERAS_JSON_MAX_LIST ((size_t)65535)

typedef struct anne_json_limits {
    size_t max_bytes;           /* the text; 0: no limit of its own */
    size_t max_values;          /* values of every kind: numbers, strings, true/false/null, lists, objects */
    size_t max_numbers;
    size_t max_list;            /* elements of any one list */
    const char *what;           /* what the text is meant to be, for messages: "ANNE JSON" */
    const char *why;            /* where the limits come from, for messages */
} anne_json_limits;

/* The limits for ANNE JSON (files, and the model an isolated import sends back). */
extern const anne_json_limits anne_json_limits_anne;

/* The limits for Keras configs and TensorFlow.js model.json. */
extern const anne_json_limits anne_json_limits_keras;

/* Scans size bytes of JSON text (no allocation, one pass) and checks them against lim. Returns 0
 * within the limits (the text may still be invalid JSON: cJSON reports that), else -1 with err set to
 * "<path>: line L, column C: <what was exceeded>, <the limit and where it comes from>". Nesting
 * deeper than cJSON's limit is left to cJSON (its message names it). */
int anne_json_prescan(const char *text, size_t size, const anne_json_limits *lim, const char *path,
                      anne_error *err);

/* Which of keys (NULL-terminated, at most 16, compared ignoring case as cJSON_HasObjectItem does)
 * the top-level object of the text has: bit i set for keys[i]. Lets a caller pick the limits for a
 * document before parsing it. */
unsigned anne_json_top_keys(const char *text, size_t size, const char *const *keys);

#endif /* ANNE_JSON_LIMITS_H */

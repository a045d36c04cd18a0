/* Keras model files described by fuzz bytes: the structure-aware part of fuzz_keras_h5 and
 * fuzz_keras_zip. HDF5 is not robust against hostile files (ANNE reads it in a forked child for that
 * reason), so instead of mutating HDF5 bytes these harnesses mutate a description of the file
 * (config text, attributes, datasets with their shapes, types and values), write it with libhdf5's
 * own API into a file image in memory, and give that well-formed image to ANNE's importer in-process.
 *
 * The input:  CONFIG '\0' FLAGS { LAYER }
 *   CONFIG  the model config JSON text (Keras' model_config attribute / a .keras file's config.json)
 *   FLAGS   one byte; its bits mean what the harness says (file-level choices)
 *   LAYER   one per layer of the config's layer list, in order (see anne_fuzz_klayout_layers):
 *           LFLAGS: bits 0-2 the array count, bits 3-7 ANNE_FUZZ_KL_*; then per array
 *           AFLAGS: bits 0-3 the rank (0: a scalar), bits 4-5 the type (ANNE_FUZZ_KT_*), bit 6 missing;
 *           then rank dimensions as LEB128 varints, then the values as little-endian float32 (zeros
 *           when the input ends; not read when there are more than ANNE_FUZZ_KMAX_STREAMED, which
 *           are then left to HDF5's fill value). */
#ifndef ANNE_FUZZ_KERAS_LAYOUT_H
#define ANNE_FUZZ_KERAS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define ANNE_FUZZ_KMAX_LAYERS 64
#define ANNE_FUZZ_KMAX_ARRAYS 7
#define ANNE_FUZZ_KMAX_RANK 15
#define ANNE_FUZZ_KMAX_STREAMED ((size_t)1 << 16)
#define ANNE_FUZZ_KMAX_ELEMS ((size_t)1 << 28) /* beyond ANNE's own cap (2^26), below absurd */

/* layer flags (LFLAGS bits 3-7) */
#define ANNE_FUZZ_KL_NO_GROUP 0x08u        /* the layer's group is absent */
#define ANNE_FUZZ_KL_NAMES_NUMERIC 0x10u   /* weight_names is an empty float64 array (Keras' "none") */
#define ANNE_FUZZ_KL_NO_NAMES 0x20u        /* weight_names is absent */
#define ANNE_FUZZ_KL_NAMES_FIXED 0x40u     /* weight_names as fixed-length strings (Keras 2.0-2.4) */
#define ANNE_FUZZ_KL_NESTED 0x80u          /* Keras 3 legacy names: <layer>/<model>/<layer>/<w> */

/* array types (AFLAGS bits 4-5) */
enum { ANNE_FUZZ_KT_F32 = 0, ANNE_FUZZ_KT_F64 = 1, ANNE_FUZZ_KT_I32 = 2, ANNE_FUZZ_KT_STRING = 3 };
#define ANNE_FUZZ_KA_MISSING 0x40u

typedef struct anne_fuzz_karray {
    unsigned flags;             /* AFLAGS */
    int rank;
    size_t dims[ANNE_FUZZ_KMAX_RANK];
    size_t n;                   /* the product of dims (1 for a scalar) */
    float *v;                   /* (n) values, or NULL when n > ANNE_FUZZ_KMAX_STREAMED */
} anne_fuzz_karray;

typedef struct anne_fuzz_klayer {
    const char *name;           /* as anne_keras.c reads it (inside root; "" when none) */
    const char *class_name;
    size_t class_index;         /* earlier layers of the same class */
    unsigned flags;             /* LFLAGS */
    size_t n;
    anne_fuzz_karray a[ANNE_FUZZ_KMAX_ARRAYS];
} anne_fuzz_klayer;

typedef struct anne_fuzz_klayout {
    const char *config;         /* the config text, NUL-terminated (owned) */
    size_t config_n;
    cJSON *root;                /* the parsed config, or NULL when it does not parse */
    unsigned flags;             /* FLAGS */
    size_t n;
    anne_fuzz_klayer layers[ANNE_FUZZ_KMAX_LAYERS];
} anne_fuzz_klayout;

/* Decodes an input (never fails: a short input gives fewer arrays). Free with anne_fuzz_klayout_free. */
void anne_fuzz_klayout_decode(anne_fuzz_klayout *k, const uint8_t *data, size_t size);
void anne_fuzz_klayout_free(anne_fuzz_klayout *k);

/* The layers of a Keras model config as anne_keras.c walks them (Sequential: config as a list or its
 * "layers"; Functional / Model: config.layers), at most max: *n, with names[i] and classes[i]
 * pointing into root. Layers without a class_name string or config object end the walk. */
void anne_fuzz_klayout_layers(const cJSON *root, const char **names, const char **classes, size_t max,
                              size_t *n);

/* Encoding, for the seed maker: appends to a growing buffer. */
typedef struct anne_fuzz_kbuf {
    uint8_t *p;
    size_t n, cap;
} anne_fuzz_kbuf;

void anne_fuzz_kbuf_put(anne_fuzz_kbuf *b, const void *data, size_t n);
void anne_fuzz_kbuf_u8(anne_fuzz_kbuf *b, unsigned v);
void anne_fuzz_kbuf_varint(anne_fuzz_kbuf *b, size_t v);

/* Writes a Keras file image in memory with libhdf5 (malloc'd, *image; free()). Returns 0, or -1 when
 * libhdf5 cannot make even an empty file. A part libhdf5 refuses (a group named "", say) is left out.
 *   anne_fuzz_klayout_h5_model:   a full model .h5 (model.save): FLAGS bits
 *     0-1 keras_version: 0 root "2.13.1", 1 root "3.7.0", 2 on /model_weights "3.7.0", 3 none
 *     2   model_config as a fixed-length string (else variable-length)
 *     3   no model_config attribute
 *     4   save_weights layout: layer groups and layer_names at the root, no /model_weights
 *   anne_fuzz_klayout_h5_keras3:  a .keras file's model.weights.h5: groups
 *     <prefix><snake_case class>[_<class index>]/vars holding datasets 0, 1, ... (a missing array
 *     ends the numbering there); prefix from FLAGS bits 2-3: "layers/", "layers\\",
 *     "_layer_checkpoint_dependencies/", or "layers/" numbered from 1 (a wrong numbering). */
int anne_fuzz_klayout_h5_model(const anne_fuzz_klayout *k, unsigned char **image, size_t *size);
int anne_fuzz_klayout_h5_keras3(const anne_fuzz_klayout *k, unsigned char **image, size_t *size);

#endif /* ANNE_FUZZ_KERAS_LAYOUT_H */

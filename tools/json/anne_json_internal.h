/* What the ANNE JSON reader and writer share between their dense-chain files (anne_json.c,
 * anne_json_write.c) and their graph files (anne_json_graph.c, anne_json_graph_write.c): the reader's
 * place-naming errors and strict value readers, the writer's text buffer, and the graph form's tables. */
#ifndef ANNE_JSON_INTERNAL_H
#define ANNE_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "anne_error.h"
#include "anne_ir.h"
#include "anne_text.h"

/* ---- reading ---------------------------------------------------------------------------------- */

/* Where the reader is, for messages: "<path>: op 2 ("conv"): ...". */
typedef struct anne_json_ctx {
    const char *path;
    anne_error *err;
    char where[160];            /* "layer 2", "op 3 (\"conv\")", "input", or "" at the top level */
} anne_json_ctx;

/* Sets the error as "<path>: <where>: <message>". Always returns -1. */
int anne_json_fail(anne_json_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A short description of a JSON value for "got ..." in messages: "two" (quoted), 3.5, a list, ... */
const char *anne_json_describe(const cJSON *v, char *buf, size_t cap);

/* A JSON number as a float. 0: ok; 1: not a number; 2: not finite as a 32-bit float. */
int anne_json_to_float(const cJSON *v, float *out);

/* One number with a named place (what, e.g. "\"alpha\""); the error says what was wrong. */
int anne_json_get_float(anne_json_ctx *c, const cJSON *v, const char *what, float *out);

/* A count such as "units": an integer in [1, 65535]. */
int anne_json_get_count(anne_json_ctx *c, const cJSON *v, const char *key, uint16_t *out);

size_t anne_json_array_len(const cJSON *a);
char *anne_json_strdup(const char *s);

/* Checks that every key of obj is in known (NULL-terminated) and none repeats; found[i] gets the
 * value of known[i] (NULL when absent). An unknown key's message lists the known ones and suggests
 * the closest. */
int anne_json_keys(anne_json_ctx *c, const cJSON *obj, const char *const *known, const cJSON **found);

/* A list of n numbers (n == 0: any length >= 1, returned in *n_out) into a malloc'd array; why says
 * where n comes from. */
int anne_json_get_floats(anne_json_ctx *c, const cJSON *v, const char *key, size_t n, const char *why, float **out,
                         size_t *n_out);

/* The activation parameter keys, in this order; a layer's or op's key list has them side by side. */
#define ANNE_JSON_N_PARAMS 5
extern const char *const anne_json_param_keys[ANNE_JSON_N_PARAMS]; /* alpha, negative_slope, max_value,
                                                                      threshold, theta */

/* Reads "activation" (name: its value, or NULL: linear) and the parameter keys' values (params[k]
 * for anne_json_param_keys[k], NULL when absent) into *act and param (defaults where absent). PReLU's
 * "alpha" list is left to the caller. */
int anne_json_read_activation(anne_json_ctx *c, const cJSON *name, const cJSON *const *params, anne_activation *act,
                              float param[3]);

/* Reads the "ops" list of a graph document into ir, whose input tensors (anne_ir_graph_start) and
 * scaling are set and named input_names (n_input_tensors of them), and the "outputs" list (op names;
 * NULL: the last op is the output). */
int anne_json_read_ops(anne_json_ctx *c, const cJSON *ops, const cJSON *outputs, const char *const *input_names,
                       anne_ir *ir);

/* ---- the graph form's tables (anne_json_graph.c) ---------------------------------------------- */

/* The name of an op kind in ANNE JSON ("conv2d", "add", ...); NULL for values that are not kinds. */
const char *anne_json_op_name(anne_op_kind kind);

/* Padding of a window ("padding"): TensorFlow's 'valid' and 'same', Keras' 'causal' (all of it before),
 * or amounts before and after. */
typedef enum anne_json_pad {
    ANNE_JSON_PAD_VALID = 0,
    ANNE_JSON_PAD_SAME,
    ANNE_JSON_PAD_CAUSAL,
    ANNE_JSON_PAD_EXPLICIT,
    ANNE_JSON_PAD_COUNT
} anne_json_pad;

/* One axis of a window: input size in, kernel k, stride s, dilation d (each >= 1), padding mode (and
 * for EXPLICIT the amounts before and after; after may be negative: input rows left out at the end).
 * Sets *out (the output size) and *pad (the padding before). Returns 0, or what is wrong: 1 the
 * window spans more than the (padded) input, 2 padding before beyond the window's span - 1 (a window
 * with no position inside the input), 3 padding after beyond it, 4 an output over 65535. */
int anne_json_window_axis(anne_json_pad mode, size_t in, size_t k, size_t s, size_t d, long before, long after,
                          size_t *out, size_t *pad);

/* Keras' layout of an op's kernel: *depth axes of sizes dims[], each with its stride in the runtime's
 * layout (anne_op_kind), so Keras' element (i0, i1, ...) is kernel[i0 * strides[0] + i1 * strides[1] + ...].
 * dense: (n_in, units); conv2d: (kh, kw, in_c, filters); depthwise_conv2d: (kh, kw, in_c, multiplier);
 * one_d drops kh (1). c_out is units, filters or the multiplier. */
void anne_json_kernel_layout(anne_op_kind kind, int one_d, size_t kh, size_t kw, size_t c_in, size_t c_out,
                             size_t dims[4], size_t strides[4], size_t *depth);

/* ---- writing ---------------------------------------------------------------------------------- */

/* A growing text buffer; once an allocation fails it stays failed and the writer reports it once. */
typedef struct anne_json_buf {
    anne_text text;
    int nonfinite;              /* a number JSON cannot hold (inf, NaN) was to be written */
} anne_json_buf;

void anne_json_put(anne_json_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A JSON string literal: quotes, backslashes and control characters escaped. */
void anne_json_put_string(anne_json_buf *b, const char *s);

/* A float with the fewest digits that read back to it (anne_json_format_float), and lists of them. */
void anne_json_put_float(anne_json_buf *b, float x);
void anne_json_put_floats(anne_json_buf *b, const float *x, size_t n);

/* An activation's parameter keys (", \"alpha\": 0.3"), written when they differ from the defaults,
 * except alpha and theta of leaky_relu, elu and thresholded_relu, always written. alphas: PReLU's n. */
void anne_json_put_params(anne_json_buf *b, anne_activation act, const float param[3], const float *alphas, size_t n);

/* A tensor's shape as a list: [26, 26, 8]. */
void anne_json_put_shape(anne_json_buf *b, const anne_ir_tensor *t);

/* Writes the "ops" list of a graph IR (from its opening "[" to its "]"). Errors name the op. */
int anne_json_write_ops(anne_json_buf *b, const anne_ir *ir, anne_error *err);

/* The names ANNE JSON gives a graph's tensors (anne_ir_n_tensors() malloc'd strings: the inputs "input",
 * or "input_1", "input_2", ...; then each op's), unique; NULL when out of memory. Freed with
 * anne_json_free_names(). */
char **anne_json_tensor_names(const anne_ir *ir);
void anne_json_free_names(const anne_ir *ir, char **names);

#endif /* ANNE_JSON_INTERNAL_H */

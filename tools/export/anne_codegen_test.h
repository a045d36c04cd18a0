/* The self-test of generated C (`anne convert IN NAME.c --test DATA.csv`): NAME_test.c and NAME_test.h,
 * rows of inputs with the outputs the host's runtime computes for them, and NAME_self_test(), which runs
 * the generated model on the board and counts the outputs that differ by a bit (docs/codegen.md). */
#ifndef ANNE_CODEGEN_TEST_H
#define ANNE_CODEGEN_TEST_H

#include <stddef.h>

#include "anne.h"
#include "anne_error.h"

/* The rows a self-test carries. */
typedef struct anne_codegen_test {
    const float *x;             /* (n_rows, model's n_inputs) raw inputs, as NAME_predict() takes them */
    size_t n_rows;              /* at least 1 */
    const char *data;           /* the CSV they come from (only its base name is written) */
    const char *label;          /* the column left out of them, or NULL */
} anne_codegen_test;

/* The names the self-test files use: the model's prefix and the file names of NAME.h (which
 * NAME_test.h includes), NAME_test.c and NAME_test.h (each included by its base name). */
typedef struct anne_codegen_test_names {
    const char *prefix;
    const char *source;         /* IN's base name, for the banner */
    const char *c_name;         /* NAME.c's base name, for the banner's command line */
    const char *model_h;
    const char *test_c, *test_h;
} anne_codegen_test_names;

/* The text of NAME_test.c and NAME_test.h (malloc'd, NUL-terminated) for the loaded model m (any number
 * format): the expected outputs come from the host's runtime (anne_model_predict(), and for int8 and
 * Q16.16 models also the raw anne_model_predict_s8() / _q16() on the inputs scaled and quantized as
 * the runtime does), never from the generated C. */
int anne_codegen_test_text(const anne_model *m, const anne_codegen_test *t, const anne_codegen_test_names *nm,
                           char **c_text, char **h_text, anne_error *err);

#endif /* ANNE_CODEGEN_TEST_H */

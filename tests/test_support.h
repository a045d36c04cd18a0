/* Helpers shared by the tests: where the repository and ../shared are, and skipping politely when
 * ../shared is absent (a fresh clone has none; CI has it). */
#ifndef ANNE_TEST_SUPPORT_H
#define ANNE_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "anne.h"
#include "anne_ir.h"

/* Joins ANNE_SOURCE_DIR and rel into a static buffer (tests are single-threaded). */
const char *anne_test_path(const char *rel);

/* Joins ANNE_SHARED_DIR and rel; NULL when the file does not exist. */
const char *anne_test_shared_path(const char *rel);

/* Inside a cmocka test: skip (with a message naming the file) when a ../shared file is absent. */
#define ANNE_TEST_REQUIRE_SHARED(var, rel)                                                           \
    const char *var = anne_test_shared_path(rel);                                                    \
    do {                                                                                             \
        if (var == NULL) {                                                                           \
            print_message("SKIP: ../shared/%s is absent (tests read ../shared in place)\n", rel);   \
            skip();                                                                                  \
        }                                                                                            \
    } while (0)

/* Loads any model source the tools read (ANNE JSON, .anne) relative to the repository; fails the
 * test with the importer's message on error. */
void anne_test_open_model(anne_loaded *out, const char *rel);

/* Runs a loaded model on one raw input; output must hold n_outputs floats. */
void anne_test_predict(const anne_loaded *m, float *output, const float *input);

#endif /* ANNE_TEST_SUPPORT_H */

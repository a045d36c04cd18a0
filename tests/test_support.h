/* Helpers shared by the tests: where the repository and ../shared are, and skipping politely when
 * ../shared is absent (a fresh clone has none; CI has it, and fails on any skip: see the Makefile). */
#ifndef ANNE_TEST_SUPPORT_H
#define ANNE_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "anne.h"
#include "anne_ir.h"
#include "anne_train.h"

/* A skipped case must not pass for a test that ran. cmocka marks it skipped, but its runner returns
 * only the number of failed cases, so a program whose cases all skipped would exit 0 and ctest would
 * say Passed. Here skip() also counts the skip, and cmocka_run_group_tests() (what every test's main
 * returns) exits 77, ctest's SKIP_RETURN_CODE (tests/CMakeLists.txt), when a case skipped and none
 * failed. The count lives here, in the test's own file (a test program is one file), so that a test
 * that never skips links nothing of test_support.c. */
static inline int *anne_test_skips(void) {
    static int n;
    return &n;
}

static inline void anne_test_note_skip(void) {
    (*anne_test_skips())++;
}

static inline int anne_test_exit_code(int failed) {
    if (failed == 0 && *anne_test_skips() > 0) {
        fflush(stdout);
        fprintf(stderr, "%d case(s) skipped: exit 77, which ctest reports as Skipped, not Passed\n",
                *anne_test_skips());
        return 77;
    }
    return failed;
}

#undef skip
#define skip() (anne_test_note_skip(), _skip(__FILE__, __LINE__))

#undef cmocka_run_group_tests
#define cmocka_run_group_tests(group_tests, group_setup, group_teardown)                                 \
    anne_test_exit_code(_cmocka_run_group_tests(#group_tests, group_tests,                               \
                                                sizeof(group_tests) / sizeof((group_tests)[0]), group_setup, \
                                                group_teardown))

/* Joins ANNE_SOURCE_DIR and rel into a static buffer (tests are single-threaded). */
const char *anne_test_path(const char *rel);

/* Joins the shared folder (the environment's ANNE_SHARED_DIR, as the CLI tests read it, or else the
 * build's) and rel; NULL when the file does not exist. */
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

/* A private folder for a group of cases: anne_test_tmp_setup and anne_test_tmp_teardown are cmocka
 * group setup and teardown (a new folder under /tmp; removed with all it holds); anne_test_tmp_path
 * joins it and rel into one of four rotating static buffers. */
int anne_test_tmp_setup(void **state);
int anne_test_tmp_teardown(void **state);
const char *anne_test_tmp_path(const char *rel);

/* Writes n bytes to path; fails the test when it cannot. */
void anne_test_write_file(const char *path, const void *data, size_t n);

/* Parses the JSON file at path (cJSON_Delete it); fails the test when it cannot. */
cJSON *anne_test_read_json(const char *path);

/* Imports any model source (with `--weights weights` when not NULL) into model bytes (malloc'd); fails
 * the test with the importer's message. */
void anne_test_convert(const char *path, const char *weights, unsigned char **bytes, size_t *size);

/* Loads any model source the tools read (ANNE JSON, .anne) relative to the repository; fails the
 * test with the importer's message on error. */
void anne_test_open_model(anne_loaded *out, const char *rel);

/* A document anne_json_read() must refuse, with exactly this message. */
typedef struct anne_test_bad_json {
    const char *json;
    const char *message;
} anne_test_bad_json;

/* Reads each document as "model.json"; fails the test when one is accepted, when its message differs
 * (both shown), or when the IR is not left empty (freed on error: ASan would also see a leak). */
void anne_test_json_errors(const anne_test_bad_json *cases, size_t n);

/* Runs a loaded model on one raw input; output must hold n_outputs floats. */
void anne_test_predict(const anne_loaded *m, float *output, const float *input);

/* The CRC of the n-byte model file b made right again after a test changed its bytes (docs/format.md:
 * every byte but the CRC field, [0, 12) then [16, n)), so that the loader's later checks are reached. */
/* A graph model's file bytes as anne_graph_write() writes d, in a 4-aligned buffer of its own (free it);
 * *size its bytes. Fails the test when the writer refuses d. */
uint8_t *anne_test_graph_bytes(const anne_graph_desc *d, size_t *size);

/* A trainer for the dense chain n_in -> units[0] -> ... -> units[n - 1] with these activations (their
 * default parameters), glorot-initialized from seed, categorical cross-entropy, optimizer opt at lr,
 * with scaling (may be NULL). Returns the arena (free it). */
void *anne_test_trainer(anne_trainer *t, uint16_t n_in, const uint16_t *units, const anne_activation *acts, int n,
                        const anne_scaling *scaling, anne_optimizer_kind opt, float lr, uint32_t seed);

static inline void anne_test_fix_crc(uint8_t *b, size_t n) {
    uint32_t c = anne_crc32(anne_crc32(0, b, 12), b + 16, n - 16);
    b[12] = (uint8_t)c, b[13] = (uint8_t)(c >> 8), b[14] = (uint8_t)(c >> 16), b[15] = (uint8_t)(c >> 24);
}

/* The offset of section `type` in a model file (below 2^24 in the tests' files); fails the test when the
 * file has none. */
static inline size_t anne_test_section(const uint8_t *b, uint32_t type) {
    uint32_t i, n = (uint32_t)b[16] | (uint32_t)b[17] << 8;
    for (i = 0; i < n; i++) {
        const uint8_t *e = b + 20 + 12 * i;
        if (e[0] == type) return (size_t)e[4] | (size_t)e[5] << 8 | (size_t)e[6] << 16;
    }
    fail_msg("no section %u", type);
    return 0;
}

#endif /* ANNE_TEST_SUPPORT_H */

/* Helpers shared by the tests. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char *anne_test_path(const char *rel) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", ANNE_SOURCE_DIR, rel);
    return buf;
}

const char *anne_test_shared_path(const char *rel) {
    static char buf[4096];
    const char *dir = getenv("ANNE_SHARED_DIR");
    snprintf(buf, sizeof buf, "%s/%s", dir != NULL && dir[0] != '\0' ? dir : ANNE_SHARED_DIR, rel);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

void anne_test_open_model(anne_loaded *out, const char *rel) {
    anne_error err;
    if (anne_loaded_open(out, anne_test_path(rel), &err) != 0) {
        fail_msg("%s", err.msg);
    }
}

void anne_test_predict(const anne_loaded *m, float *output, const float *input) {
    uint32_t arena_words = (anne_model_arena_size(&m->model) + 3u) / 4u;
    float *arena = malloc((arena_words ? arena_words : 1u) * sizeof *arena);
    anne_status st;
    assert_non_null(arena);
    st = anne_model_predict(&m->model, output, input, arena, arena_words * 4u);
    free(arena);
    assert_int_equal(st, ANNE_OK);
}

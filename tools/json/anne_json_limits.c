/* The scan every JSON text gets before cJSON parses it: counts values, numbers and the elements of
 * each list against the limits of what the text should be, so that memory stays within a small
 * multiple of the largest model the tools import (docs/anne-json.md, docs/keras-import.md). */
#include "anne_json_limits.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

/* the messages below spell the limits out */
_Static_assert(ANNE_IMPORT_MAX_WEIGHTS == 4194304u, "update the text of anne_json_limits_anne");
_Static_assert(ANNE_KERAS_JSON_MAX_BYTES == 16u << 20 && ANNE_KERAS_JSON_MAX_VALUES == 1048576u &&
                   ANNE_KERAS_JSON_MAX_LIST == 65535u,
               "update the text of anne_json_limits_keras");

const anne_json_limits anne_json_limits_anne = {
    0, ANNE_JSON_MAX_VALUES, ANNE_JSON_MAX_NUMBERS, ANNE_JSON_MAX_LIST, "ANNE JSON",
    "a model of at most 4194304 weights (ANNE_IMPORT_MAX_WEIGHTS) with lists of at most 65535 values"};

const anne_json_limits anne_json_limits_keras = {
    ANNE_KERAS_JSON_MAX_BYTES, ANNE_KERAS_JSON_MAX_VALUES, ANNE_KERAS_JSON_MAX_VALUES, ANNE_KERAS_JSON_MAX_LIST,
    "a Keras or TensorFlow.js model config",
    "an architecture without weights: at most 16 MiB, 1048576 values, lists of at most 65535"};

/* Deeper nesting is cJSON's to refuse (it stops at CJSON_NESTING_LIMIT before building more). */
#define ANNE__SCAN_DEPTH (CJSON_NESTING_LIMIT + 1)

typedef struct anne__scan {
    size_t values, numbers;
    size_t fail_at;             /* offset of the value that broke a limit */
    int failed;                 /* 0, or which limit: 1 values, 2 numbers, 3 list */
    unsigned keys;              /* anne_json_top_keys' result */
} anne__scan;

static int anne__is_space(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The key text (raw, between the quotes) equals key, ignoring ASCII case. */
static int anne__key_is(const char *p, size_t len, const char *key) {
    size_t i;
    if (strlen(key) != len) return 0;
    for (i = 0; i < len; i++) {
        char a = p[i], b = key[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return 0;
    }
    return 1;
}

/* One pass over the text. lim may be NULL (only keys are looked for); keys may be NULL. Stops at the
 * first limit broken. */
static void anne__scan_text(const char *t, size_t size, const anne_json_limits *lim, const char *const *keys,
                            anne__scan *s) {
    size_t count[ANNE__SCAN_DEPTH];     /* elements so far of each open list */
    unsigned char is_list[ANNE__SCAN_DEPTH];
    size_t depth = 0, i = 0;
    int expect_key = 0;
    memset(s, 0, sizeof *s);
    while (i < size) {
        char ch = t[i];
        size_t start = i;
        int is_number = 0;
        if (anne__is_space(ch)) {
            i++;
            continue;
        }
        if (ch == ',' || ch == ':') {
            expect_key = ch == ',' && depth > 0 && !is_list[depth - 1];
            i++;
            continue;
        }
        if (ch == '}' || ch == ']') {
            if (depth > 0) depth--;
            expect_key = 0;
            i++;
            continue;
        }
        if (ch == '"') {
            size_t from = ++i;
            while (i < size && t[i] != '"') i += t[i] == '\\' ? 2u : 1u;
            if (i > size) i = size;
            if (expect_key && depth > 0 && !is_list[depth - 1]) { /* a key: no value of its own */
                if (depth == 1 && keys != NULL) {
                    unsigned k;
                    for (k = 0; k < 16u && keys[k] != NULL; k++) {
                        if (anne__key_is(t + from, i - from, keys[k])) s->keys |= 1u << k;
                    }
                }
                expect_key = 0;
                i++;
                continue;
            }
            i++;
        } else if (ch == '{' || ch == '[') {
            i++;
        } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
            is_number = 1;
            while (i < size && ((t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '+' || t[i] == '.' ||
                                t[i] == 'e' || t[i] == 'E')) {
                i++;
            }
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) { /* true, false, null (or garbage) */
            while (i < size && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z'))) i++;
        } else {
            i++; /* not JSON: cJSON names it */
            continue;
        }
        /* a value starts at start */
        expect_key = 0;
        s->values++;
        s->numbers += (size_t)is_number;
        if (depth > 0 && is_list[depth - 1]) count[depth - 1]++;
        if (lim != NULL) {
            if (s->values > lim->max_values) s->failed = 1;
            else if (s->numbers > lim->max_numbers) s->failed = 2;
            else if (depth > 0 && is_list[depth - 1] && count[depth - 1] > lim->max_list) s->failed = 3;
            if (s->failed) {
                s->fail_at = start;
                return;
            }
        }
        if (ch == '{' || ch == '[') {
            if (depth == ANNE__SCAN_DEPTH) return; /* too deep for cJSON: it stops here, with its message */
            is_list[depth] = ch == '[';
            count[depth] = 0;
            depth++;
            expect_key = ch == '{';
        }
    }
}

int anne_json_prescan(const char *text, size_t size, const anne_json_limits *lim, const char *path,
                      anne_error *err) {
    anne__scan s;
    size_t line = 1, col = 1, i;
    if (lim->max_bytes != 0 && size > lim->max_bytes) {
        return anne_error_set(err, "%s: %zu bytes of JSON, more than the %zu %s may have (%s): refused before "
                                   "parsing", path, size, lim->max_bytes, lim->what, lim->why);
    }
    anne__scan_text(text, size, lim, NULL, &s);
    if (!s.failed) return 0;
    for (i = 0; i < s.fail_at; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (s.failed == 3) {
        return anne_error_set(err, "%s: line %zu, column %zu: a list of more than %zu elements, longer than %s "
                                   "allows (%s): refused before parsing", path, line, col, lim->max_list, lim->what,
                              lim->why);
    }
    return anne_error_set(err, "%s: line %zu, column %zu: more than %zu %s, more than %s allows (%s): refused before "
                               "parsing", path, line, col, s.failed == 1 ? lim->max_values : lim->max_numbers,
                          s.failed == 1 ? "values" : "numbers", lim->what, lim->why);
}

unsigned anne_json_top_keys(const char *text, size_t size, const char *const *keys) {
    anne__scan s;
    anne__scan_text(text, size, NULL, keys, &s);
    return s.keys;
}

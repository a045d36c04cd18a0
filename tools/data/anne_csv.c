/* The CSV reader: parses a whole file in place (fields unquoted into the file's own buffer, so a
 * table costs the file plus 4 bytes per value), then offers features and class labels. */
#include "anne_csv.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"

/* A value as messages show it: quoted, cut after 40 bytes so a huge field keeps the message short. */
typedef struct anne__shown {
    char s[64];
} anne__shown;

static anne__shown anne__show(const char *v) {
    anne__shown out;
    size_t n = strlen(v);
    if (n > 40u) {
        snprintf(out.s, sizeof out.s, "\"%.40s...\"", v);
    } else {
        snprintf(out.s, sizeof out.s, "\"%s\"", v);
    }
    return out;
}

/* A growing array of uint32_t (cell offsets, line numbers). */
typedef struct anne__vec {
    uint32_t *v;
    size_t n, cap;
} anne__vec;

static int anne__push(anne__vec *vec, uint32_t x) {
    if (vec->n == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2u : 64u;
        uint32_t *p = realloc(vec->v, cap * sizeof *p);
        if (p == NULL) return -1;
        vec->v = p;
        vec->cap = cap;
    }
    vec->v[vec->n++] = x;
    return 0;
}

static int anne__is_blank(char c) {
    return c == ' ' || c == '\t';
}

/* The position after a line end c ('\n', '\r' or "\r\n") at s[i] (which may already be overwritten
 * by a field's NUL); s[n] is a NUL, so i + 1 is readable. */
static size_t anne__after_newline(const char *s, size_t i, char c) {
    return (c == '\r' && s[i + 1] == '\n') ? i + 2u : i + 1u;
}

typedef enum anne__num_kind {
    ANNE__NUM_OK = 0,
    ANNE__NUM_EMPTY,
    ANNE__NUM_NOT_NUMBER,
    ANNE__NUM_NOT_FINITE
} anne__num_kind;

static anne__num_kind anne__parse_number(const char *s, double *out) {
    char *end;
    double v;
    while (anne__is_blank(*s)) s++;
    if (*s == '\0') return ANNE__NUM_EMPTY;
    /* strtod would skip other white space too; a field starting with one is not a number here */
    if (*s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') return ANNE__NUM_NOT_NUMBER;
    v = strtod(s, &end);
    if (end == s) return ANNE__NUM_NOT_NUMBER;
    while (anne__is_blank(*end)) end++;
    if (*end != '\0') return ANNE__NUM_NOT_NUMBER;
    if (!isfinite(v)) return ANNE__NUM_NOT_FINITE; /* "nan", "inf", or beyond double's range */
    *out = v;
    return ANNE__NUM_OK;
}

int anne_csv_number(const char *s, double *out) {
    return anne__parse_number(s, out) == ANNE__NUM_OK ? 0 : -1;
}

static void anne__clear(anne_csv *t) {
    memset(t, 0, sizeof *t);
}

void anne_csv_free(anne_csv *t) {
    size_t c;
    if (t == NULL) return;
    if (t->cols != NULL) {
        for (c = 0; c < t->n_cols; c++) free(t->cols[c].num);
    }
    free(t->cols);
    free(t->cell);
    free(t->line);
    free(t->text);
    free(t->path);
    anne__clear(t);
}

/* Splits t->text (n bytes, s[n] == NUL) into records and fields. Without a header row (no_header) the
 * first record still sets the column count; it is data all the same. */
static int anne__split(anne_csv *t, size_t n, int no_header, anne__vec *cells, anne__vec *lines, anne_error *err) {
    char *s = t->text;
    size_t i = 0, line = 1;
    int header = 1;
    if (n >= 3u && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3; /* UTF-8 byte order mark (Excel writes one) */
    for (;;) {
        size_t j = i, rec_line = line, fields = 0;
        while (j < n && anne__is_blank(s[j])) j++;
        if (j == n) break;
        if (s[j] == '\n' || s[j] == '\r') { /* a blank line */
            i = anne__after_newline(s, j, s[j]);
            line++;
            continue;
        }
        for (;;) { /* one field; ends at ',', a line end or the end of the text */
            size_t start, end;
            char sep;
            while (i < n && anne__is_blank(s[i])) i++;
            start = i;
            if (i < n && s[i] == '"') {
                size_t w = i, open_line = line;
                i++;
                for (;;) {
                    char c;
                    if (i >= n) {
                        return anne_error_set(err,
                                              "%s: line %zu: quoted field is not closed (its quote opens on line %zu)",
                                              t->path, line, open_line);
                    }
                    c = s[i];
                    if (c == '"') {
                        if (s[i + 1] != '"') {
                            i++;
                            break;
                        }
                        i++; /* "" stands for one quote */
                    } else if (c == '\0') {
                        return anne_error_set(err, "%s: line %zu: contains a NUL byte (not a text file?)", t->path,
                                              line);
                    } else if (c == '\n' || (c == '\r' && s[i + 1] != '\n')) {
                        line++;
                    }
                    s[w++] = s[i++]; /* w < i: unquoting only shrinks */
                }
                end = w;
                while (i < n && anne__is_blank(s[i])) i++;
                if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    return anne_error_set(
                        err, "%s: line %zu: unexpected '%c' after a closing quote (expected a comma or a line end)",
                        t->path, line, s[i] == '\0' ? '?' : s[i]);
                }
            } else {
                while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    if (s[i] == '\0') {
                        return anne_error_set(err, "%s: line %zu: contains a NUL byte (not a text file?)", t->path,
                                              line);
                    }
                    i++;
                }
                end = i;
                while (end > start && anne__is_blank(s[end - 1])) end--;
            }
            sep = s[i]; /* read before the NUL below may overwrite it */
            s[end] = '\0';
            fields++;
            if (header && fields > ANNE_CSV_MAX_COLUMNS) {
                return anne_error_set(err, "%s: line %zu: more than %u columns (the limit)", t->path, rec_line,
                                      ANNE_CSV_MAX_COLUMNS);
            }
            if (header || fields <= t->n_cols) {
                if (cells->n >= ANNE_CSV_MAX_CELLS) {
                    return anne_error_set(err, "%s: line %zu: more than %zu values in the file (the limit)", t->path,
                                          rec_line, (size_t)ANNE_CSV_MAX_CELLS);
                }
                if (anne__push(cells, (uint32_t)start) != 0) return anne_error_set(err, "%s: out of memory", t->path);
            }
            if (sep == ',') {
                i++;
                continue;
            }
            if (i < n) {
                i = anne__after_newline(s, i, sep);
                line++;
            }
            break;
        }
        if (header) {
            t->n_cols = fields;
            header = 0;
        } else if (fields != t->n_cols) {
            return anne_error_set(err, "%s: line %zu has %zu column%s, expected %zu (as the %s)", t->path, rec_line,
                                  fields, fields == 1u ? "" : "s", t->n_cols, no_header ? "first row" : "header");
        }
        if (anne__push(lines, (uint32_t)rec_line) != 0) return anne_error_set(err, "%s: out of memory", t->path);
    }
    if (header && no_header) return anne_error_set(err, "%s: empty file, expected rows of data", t->path);
    if (header) return anne_error_set(err, "%s: empty file, expected a header row", t->path);
    return 0;
}

/* The header a file without one gets: the names "0", "1", ... appended to the text after its NUL (n
 * bytes before it), their cells put in front of the data's and line 0 in front of the lines. */
static int anne__index_header(anne_csv *t, size_t n, anne__vec *cells, anne__vec *lines) {
    size_t c, len = 0, at = n + 1u;
    char *text;
    uint32_t *cell, *line;
    for (c = 0; c < t->n_cols; c++) len += (size_t)snprintf(NULL, 0, "%zu", c) + 1u;
    text = realloc(t->text, n + 1u + len);
    if (text == NULL) return -1;
    t->text = text;
    cell = malloc((cells->n + t->n_cols) * sizeof *cell);
    line = malloc((lines->n + 1u) * sizeof *line);
    if (cell == NULL || line == NULL) {
        free(cell);
        free(line);
        return -1;
    }
    for (c = 0; c < t->n_cols; c++) {
        cell[c] = (uint32_t)at;
        at += (size_t)sprintf(text + at, "%zu", c) + 1u;
    }
    memcpy(cell + t->n_cols, cells->v, cells->n * sizeof *cell);
    line[0] = 0; /* no line: the header is not in the file */
    memcpy(line + 1, lines->v, lines->n * sizeof *line);
    free(cells->v);
    free(lines->v);
    cells->v = cell;
    cells->n += t->n_cols;
    lines->v = line;
    lines->n += 1u;
    return 0;
}

/* Takes ownership of text (n bytes plus a NUL); frees it on error. */
static int anne__parse_owned(anne_csv *t, char *text, size_t n, const char *name, unsigned flags, anne_error *err) {
    anne__vec cells = {NULL, 0, 0}, lines = {NULL, 0, 0};
    size_t c, r;
    anne__clear(t);
    t->text = text;
    t->path = malloc(strlen(name) + 1u);
    if (t->path == NULL) {
        free(text);
        t->text = NULL;
        return anne_error_set(err, "%s: out of memory", name);
    }
    memcpy(t->path, name, strlen(name) + 1u);
    if (anne__split(t, n, (flags & ANNE_CSV_NO_HEADER) != 0, &cells, &lines, err) != 0) {
        free(cells.v);
        free(lines.v);
        anne_csv_free(t);
        return -1;
    }
    if ((flags & ANNE_CSV_NO_HEADER) != 0 && anne__index_header(t, n, &cells, &lines) != 0) {
        free(cells.v);
        free(lines.v);
        goto oom;
    }
    t->cell = cells.v;
    t->line = lines.v;
    t->n_rows = lines.n - 1u;
    t->cols = calloc(t->n_cols, sizeof *t->cols);
    if (t->cols == NULL) goto oom;
    for (c = 0; c < t->n_cols; c++) {
        double *num;
        t->cols[c].name = t->text + t->cell[c];
        if (t->n_rows == 0) continue;
        num = malloc(t->n_rows * sizeof *num);
        if (num == NULL) goto oom;
        for (r = 0; r < t->n_rows; r++) {
            if (anne__parse_number(anne_csv_value(t, r, c), &num[r]) != ANNE__NUM_OK) break;
        }
        if (r < t->n_rows) {
            free(num); /* a column of strings (or with a missing value) */
        } else {
            t->cols[c].num = num;
        }
    }
    return 0;
oom:
    anne_csv_free(t);
    return anne_error_set(err, "%s: out of memory", name);
}

int anne_csv_parse(anne_csv *t, const char *text, size_t size, const char *name, anne_error *err) {
    return anne_csv_parse_ex(t, text, size, name, 0u, err);
}

int anne_csv_parse_ex(anne_csv *t, const char *text, size_t size, const char *name, unsigned flags,
                      anne_error *err) {
    char *copy;
    anne__clear(t);
    if (size > ANNE_FILE_MAX_BYTES) {
        return anne_error_set(err, "%s: too large (%zu bytes, at most %zu)", name, size, (size_t)ANNE_FILE_MAX_BYTES);
    }
    copy = malloc(size + 1u);
    if (copy == NULL) return anne_error_set(err, "%s: out of memory", name);
    memcpy(copy, text, size);
    copy[size] = '\0';
    return anne__parse_owned(t, copy, size, name, flags, err);
}

int anne_csv_read(anne_csv *t, const char *path, anne_error *err) {
    return anne_csv_read_ex(t, path, 0u, err);
}

int anne_csv_read_ex(anne_csv *t, const char *path, unsigned flags, anne_error *err) {
    static int stdin_read; /* standard input can be read to its end once */
    unsigned char *data;
    size_t size;
    anne__clear(t);
    if (strcmp(path, "-") == 0) {
        if (stdin_read) {
            return anne_error_set(err, ANNE_CSV_STDIN_NAME ": already read for another argument (only one CSV file "
                                       "can be -)");
        }
        stdin_read = 1;
        if (anne_file_read_fd(0, ANNE_CSV_STDIN_NAME, &data, &size, err) != 0) return -1;
        return anne__parse_owned(t, (char *)data, size, ANNE_CSV_STDIN_NAME, flags, err);
    }
    if (anne_file_read(path, &data, &size, err) != 0) return -1;
    return anne__parse_owned(t, (char *)data, size, path, flags, err);
}

const char *anne_csv_value(const anne_csv *t, size_t row, size_t col) {
    return t->text + t->cell[(row + 1u) * t->n_cols + col];
}

size_t anne_csv_line(const anne_csv *t, size_t row) {
    return t->line[row + 1u];
}

/* Appends `"a", "b", "c"` (at most max names, then ", ...") to buf. */
static void anne__list(char *buf, size_t cap, const char *const *names, size_t n, size_t max) {
    size_t k, len = 0;
    buf[0] = '\0';
    for (k = 0; k < n && len + 1u < cap; k++) {
        if (k == max) {
            snprintf(buf + len, cap - len, ", ...");
            return;
        }
        snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", anne__show(names[k]).s);
        len = strlen(buf);
    }
}

int anne_csv_find(const anne_csv *t, const char *name, size_t *col, anne_error *err) {
    size_t c, found = ANNE_CSV_NO_COLUMN;
    for (c = 0; c < t->n_cols; c++) {
        if (strcmp(t->cols[c].name, name) != 0) continue;
        if (found != ANNE_CSV_NO_COLUMN) {
            return anne_error_set(err, "%s: column %s appears twice in the header (columns %zu and %zu)", t->path,
                                  anne__show(name).s, found + 1u, c + 1u);
        }
        found = c;
    }
    if (found == ANNE_CSV_NO_COLUMN) {
        char list[512];
        const char *names[12]; /* anne__list reads at most `max` names, then writes ", ..." */
        size_t k;
        for (k = 0; k < t->n_cols && k < 12u; k++) names[k] = t->cols[k].name;
        anne__list(list, sizeof list, names, t->n_cols, 12);
        return anne_error_set(err, "%s: no column %s (the columns are %s)", t->path, anne__show(name).s, list);
    }
    *col = found;
    return 0;
}

/* The message for a value that is not a usable number; returns -1. */
static int anne__number_error(const anne_csv *t, size_t row, size_t col, anne__num_kind kind, anne_error *err) {
    const char *v = anne_csv_value(t, row, col);
    const char *what = kind == ANNE__NUM_NOT_FINITE ? "is not a finite number" : "is not a number";
    if (kind == ANNE__NUM_EMPTY) {
        return anne_error_set(err, "%s: line %zu, column %s: missing value (expected a number)", t->path,
                              anne_csv_line(t, row), anne__show(t->cols[col].name).s);
    }
    return anne_error_set(err, "%s: line %zu, column %s: %s %s", t->path, anne_csv_line(t, row),
                          anne__show(t->cols[col].name).s, anne__show(v).s, what);
}

int anne_csv_features(const anne_csv *t, size_t skip_col, float **x, size_t *n_features, anne_error *err) {
    size_t r, c, k, nf = t->n_cols - (skip_col < t->n_cols ? 1u : 0u);
    float *out;
    *x = NULL;
    *n_features = nf;
    if (t->n_rows == 0 || nf == 0) return 0;
    out = malloc(t->n_rows * nf * sizeof *out);
    if (out == NULL) return anne_error_set(err, "%s: out of memory", t->path);
    for (r = 0; r < t->n_rows; r++) {
        for (c = 0, k = 0; c < t->n_cols; c++) {
            double v;
            if (c == skip_col) continue;
            if (t->cols[c].num != NULL) {
                v = t->cols[c].num[r];
            } else {
                anne__num_kind kind = anne__parse_number(anne_csv_value(t, r, c), &v);
                if (kind != ANNE__NUM_OK) {
                    free(out);
                    return anne__number_error(t, r, c, kind, err);
                }
            }
            if (fabs(v) > (double)FLT_MAX) {
                free(out);
                return anne_error_set(err, "%s: line %zu, column %s: %s is too large for a float (at most %.9g)",
                                      t->path, anne_csv_line(t, r), anne__show(t->cols[c].name).s,
                                      anne__show(anne_csv_value(t, r, c)).s, (double)FLT_MAX);
            }
            out[r * nf + k++] = (float)v;
        }
    }
    *x = out;
    return 0;
}

void anne_csv_labels_free(anne_csv_labels *l) {
    uint16_t k;
    if (l == NULL) return;
    free(l->y);
    if (l->names != NULL) {
        for (k = 0; k < l->n_names; k++) free(l->names[k]);
    }
    free(l->names);
    memset(l, 0, sizeof *l);
}

static int anne__strcmp_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Labels of a column that is not all numbers, for a model without class names: distinct strings in
 * sorted order. Values are known to be non-empty here. */
static int anne__labels_sorted(const anne_csv *t, size_t col, uint16_t limit, anne_csv_labels *out, anne_error *err) {
    size_t r, n_unique = 0, k;
    const char **v = malloc(t->n_rows * sizeof *v);
    if (v == NULL) return anne_error_set(err, "%s: out of memory", t->path);
    for (r = 0; r < t->n_rows; r++) v[r] = anne_csv_value(t, r, col);
    qsort(v, t->n_rows, sizeof *v, anne__strcmp_ptr);
    for (r = 0; r < t->n_rows; r++) {
        if (r == 0 || strcmp(v[r], v[n_unique - 1u]) != 0) v[n_unique++] = v[r];
    }
    if (n_unique > limit) {
        char list[512];
        anne__list(list, sizeof list, v, n_unique, 8);
        free(v);
        return anne_error_set(err, "%s: column %s has %zu distinct labels (%s), but the model has %u classes", t->path,
                              anne__show(t->cols[col].name).s, n_unique, list, (unsigned)limit);
    }
    out->names = calloc(n_unique, sizeof *out->names);
    if (out->names == NULL) {
        free(v);
        return anne_error_set(err, "%s: out of memory", t->path);
    }
    out->n_names = (uint16_t)n_unique;
    for (k = 0; k < n_unique; k++) {
        size_t len = strlen(v[k]) + 1u;
        out->names[k] = malloc(len);
        if (out->names[k] == NULL) {
            free(v);
            return anne_error_set(err, "%s: out of memory", t->path);
        }
        memcpy(out->names[k], v[k], len);
    }
    for (r = 0; r < t->n_rows; r++) {
        const char *key = anne_csv_value(t, r, col);
        const char **hit = bsearch(&key, v, n_unique, sizeof *v, anne__strcmp_ptr);
        out->y[r] = (uint16_t)(hit - v); /* every value is among v */
    }
    free(v);
    return 0;
}

int anne_csv_labels_read(const anne_csv *t, size_t col, uint16_t n_classes, const char *const *class_names,
                         anne_csv_labels *out, anne_error *err) {
    size_t r;
    uint16_t limit = n_classes ? n_classes : (uint16_t)65535u, max_seen = 0;
    int rc;
    memset(out, 0, sizeof *out);
    if (col >= t->n_cols) return anne_error_set(err, "%s: no column %zu", t->path, col + 1u);
    if (class_names != NULL && n_classes == 0) return anne_error_set(err, "%s: class names without a count", t->path);
    out->y = malloc((t->n_rows ? t->n_rows : 1u) * sizeof *out->y);
    if (out->y == NULL) return anne_error_set(err, "%s: out of memory", t->path);
    for (r = 0; r < t->n_rows; r++) {
        if (anne_csv_value(t, r, col)[0] == '\0') {
            anne_csv_labels_free(out);
            return anne_error_set(err, "%s: line %zu, column %s: missing label", t->path, anne_csv_line(t, r),
                                  anne__show(t->cols[col].name).s);
        }
    }
    if (class_names == NULL && t->cols[col].num == NULL && t->n_rows > 0) {
        rc = anne__labels_sorted(t, col, limit, out, err);
        if (rc != 0) {
            anne_csv_labels_free(out);
            return rc;
        }
        out->n_classes = n_classes ? n_classes : out->n_names;
        return 0;
    }
    for (r = 0; r < t->n_rows; r++) {
        const char *v = anne_csv_value(t, r, col);
        double d;
        uint16_t k;
        int found = 0;
        for (k = 0; class_names != NULL && k < n_classes; k++) {
            if (strcmp(v, class_names[k]) == 0) {
                out->y[r] = k;
                found = 1;
                break;
            }
        }
        if (found) continue;
        if (anne__parse_number(v, &d) == ANNE__NUM_OK && d == floor(d) && d >= 0.0 && d < (double)limit) {
            out->y[r] = (uint16_t)d;
            if (out->y[r] > max_seen) max_seen = out->y[r];
            continue;
        }
        if (class_names != NULL) {
            char list[512];
            anne__list(list, sizeof list, class_names, n_classes, 8);
            anne_csv_labels_free(out);
            return anne_error_set(
                err, "%s: line %zu, column %s: %s is not a class of the model (expected %s or an index 0..%u)", t->path,
                anne_csv_line(t, r), anne__show(t->cols[col].name).s, anne__show(v).s, list, (unsigned)n_classes - 1u);
        }
        anne_csv_labels_free(out);
        return anne_error_set(err, "%s: line %zu, column %s: %s is not a class %s (expected an integer 0..%u)", t->path,
                              anne_csv_line(t, r), anne__show(t->cols[col].name).s, anne__show(v).s,
                              n_classes ? "of the model" : "index", (unsigned)limit - 1u);
    }
    out->n_classes = n_classes ? n_classes : (uint16_t)(max_seen + 1u);
    return 0;
}

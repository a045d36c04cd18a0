/* libFuzzer harness: the CSV reader (tools/data/anne_csv.c). The input is one file, served from memory to
 * anne_csv_read(); a table that parses then goes through everything predict, eval and train ask of
 * it: every cell and line, column lookup by name, the feature matrix (all columns, and all but the
 * last), and class labels of the last column (any count, a count of 3, and the class names
 * "setosa", "versicolor", "virginica"). Checks: cells lie inside the text, rows start on increasing
 * lines, a found column has the name asked for, labels are below the class count. The same file read
 * with ANNE_CSV_NO_HEADER (--no-header) parses whenever it parses with its header, into one row more
 * of as many columns, named "0", "1", ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_csv.h"
#include "fuzz_support.h"

static void anne__labels(const anne_csv *t, size_t col, uint16_t n_classes, const char *const *names) {
    anne_csv_labels l;
    anne_error err;
    size_t r;
    if (anne_csv_labels_read(t, col, n_classes, names, &l, &err) != 0) return;
    if (n_classes != 0 && l.n_classes != n_classes) anne_fuzz_fail("labels: %u classes, asked for %u", l.n_classes,
                                                                   n_classes);
    for (r = 0; r < t->n_rows; r++) {
        if (l.y[r] >= l.n_classes) anne_fuzz_fail("labels: row %zu has class %u of %u", r, l.y[r], l.n_classes);
    }
    if (l.n_names > l.n_classes) anne_fuzz_fail("labels: %u names for %u classes", l.n_names, l.n_classes);
    anne_csv_labels_free(&l);
}

/* Reads the file with flags and checks the table; returns its shape (rows, columns), or 0 when it does
 * not parse. */
static int anne__check(size_t size, unsigned flags, size_t *n_rows, size_t *n_cols) {
    static const char *const iris[3] = {"setosa", "versicolor", "virginica"};
    anne_csv t;
    anne_error err;
    size_t r, c, nf, col;
    float *x;
    if (anne_csv_read_ex(&t, ANNE_FUZZ_DIR "data.csv", flags, &err) != 0) {
        anne_csv_free(&t);
        return 0;
    }
    *n_rows = t.n_rows;
    *n_cols = t.n_cols;
    if (flags & ANNE_CSV_NO_HEADER) { /* the columns are named by their index */
        for (c = 0; c < t.n_cols; c++) {
            char name[24];
            snprintf(name, sizeof name, "%zu", c);
            if (strcmp(t.cols[c].name, name) != 0) anne_fuzz_fail("column %zu is named \"%s\"", c, t.cols[c].name);
        }
    }
    if (t.n_cols == 0) anne_fuzz_fail("a table without columns");
    for (r = 0; r < t.n_rows; r++) {
        if (r > 0 && anne_csv_line(&t, r) <= anne_csv_line(&t, r - 1u)) {
            anne_fuzz_fail("row %zu starts on line %zu, row %zu on line %zu", r, anne_csv_line(&t, r), r - 1u,
                           anne_csv_line(&t, r - 1u));
        }
        for (c = 0; c < t.n_cols; c++) {
            const char *v = anne_csv_value(&t, r, c);
            if (v < t.text || v > t.text + size) anne_fuzz_fail("cell (%zu, %zu) lies outside the text", r, c);
            (void)strlen(v);
        }
    }
    /* by name: the first columns and the last (each lookup scans the header) */
    for (c = 0; c < t.n_cols; c = c < 15u ? c + 1u : (c + 1u < t.n_cols ? t.n_cols - 1u : t.n_cols)) {
        if (anne_csv_find(&t, t.cols[c].name, &col, &err) == 0 && strcmp(t.cols[col].name, t.cols[c].name) != 0) {
            anne_fuzz_fail("column \"%s\" found as \"%s\"", t.cols[c].name, t.cols[col].name);
        }
    }
    if (anne_csv_find(&t, "species", &col, &err) == 0 && strcmp(t.cols[col].name, "species") != 0) {
        anne_fuzz_fail("column \"species\" found as \"%s\"", t.cols[col].name);
    }
    if (anne_csv_features(&t, ANNE_CSV_NO_COLUMN, &x, &nf, &err) == 0) {
        if (nf != t.n_cols) anne_fuzz_fail("%zu features of %zu columns", nf, t.n_cols);
        free(x);
    }
    if (anne_csv_features(&t, t.n_cols - 1u, &x, &nf, &err) == 0) {
        if (nf != t.n_cols - 1u) anne_fuzz_fail("%zu features of %zu columns but one", nf, t.n_cols);
        free(x);
    }
    anne__labels(&t, t.n_cols - 1u, 0, NULL);
    anne__labels(&t, t.n_cols - 1u, 3, NULL);
    anne__labels(&t, t.n_cols - 1u, 3, iris);
    anne_csv_free(&t);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t rows = 0, cols = 0, rows_nh = 0, cols_nh = 0;
    int ok, ok_nh;
    if (anne_fuzz_excluded(data, size)) return -1;
    anne_fuzz_vfs_reset();
    anne_fuzz_vfs_add(ANNE_FUZZ_DIR "data.csv", data, size);
    ok = anne__check(size, 0u, &rows, &cols);
    /* --no-header: the same records, the first one data too */
    ok_nh = anne__check(size, ANNE_CSV_NO_HEADER, &rows_nh, &cols_nh);
    if (ok && (!ok_nh || rows_nh != rows + 1u || cols_nh != cols)) {
        anne_fuzz_fail("with a header %zu rows of %zu columns, without %s %zu rows of %zu", rows, cols,
                       ok_nh ? "" : "(no parse)", rows_nh, cols_nh);
    }
    return 0;
}

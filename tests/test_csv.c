/* The CSV reader: RFC 4180 quoting, line ends, blank lines, numbers, labels, limits, and the exact
 * error messages (file, line, column, value, what was expected). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_csv.h"
#include "test_support.h"

/* Parses text (a C string) as "data.csv"; fails the test on error. */
static void parse_ok(anne_csv *t, const char *text) {
    anne_error err;
    if (anne_csv_parse(t, text, strlen(text), "data.csv", &err) != 0) fail_msg("unexpected error: %s", err.msg);
}

/* Parsing must fail with exactly `expected`; size (size_t)-1: strlen(text). */
static void parse_fails(const char *text, size_t size, const char *expected) {
    anne_csv t;
    anne_error err;
    err.msg[0] = '\0';
    if (size == (size_t)-1) size = strlen(text);
    assert_int_equal(anne_csv_parse(&t, text, size, "data.csv", &err), -1);
    assert_string_equal(err.msg, expected);
    assert_null(t.text); /* nothing left behind */
    anne_csv_free(&t);
}

/* Feature extraction (all columns but skip) must fail with exactly `expected`. */
static void features_fail(const char *text, size_t skip, const char *expected) {
    anne_csv t;
    anne_error err;
    float *x = (float *)&err;
    size_t nf;
    parse_ok(&t, text);
    assert_int_equal(anne_csv_features(&t, skip, &x, &nf, &err), -1);
    assert_null(x);
    assert_string_equal(err.msg, expected);
    anne_csv_free(&t);
}

/* Quoted fields: commas, doubled quotes and line ends inside; spaces around quotes dropped; the
 * line of each row counts the lines a quoted field spans. */
static void test_quoting(void **state) {
    anne_csv t;
    (void)state;
    parse_ok(&t, "a,\"b,c\",\"d\"\"e\"\n\"1\", \"x\ny\" ,\"\"\n2,\"\",q\n");
    assert_int_equal(t.n_cols, 3);
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(t.cols[0].name, "a");
    assert_string_equal(t.cols[1].name, "b,c");
    assert_string_equal(t.cols[2].name, "d\"e");
    assert_string_equal(anne_csv_value(&t, 0, 0), "1");
    assert_string_equal(anne_csv_value(&t, 0, 1), "x\ny");
    assert_string_equal(anne_csv_value(&t, 0, 2), "");
    assert_string_equal(anne_csv_value(&t, 1, 1), "");
    assert_string_equal(anne_csv_value(&t, 1, 2), "q");
    assert_int_equal(anne_csv_line(&t, 0), 2);
    assert_int_equal(anne_csv_line(&t, 1), 4); /* the quoted line end moved it down */
    assert_non_null(t.cols[0].num);            /* "1", "2" */
    assert_true(t.cols[0].num[0] == 1.0 && t.cols[0].num[1] == 2.0);
    assert_null(t.cols[1].num);
    anne_csv_free(&t);
}

static void test_quote_errors(void **state) {
    (void)state;
    parse_fails("a,b\n1,\"2\n3,4\n", (size_t)-1,
                "data.csv: line 4: quoted field is not closed (its quote opens on line 2)");
    parse_fails("a,b\n1,\"2\"x\n", (size_t)-1,
                "data.csv: line 2: unexpected 'x' after a closing quote (expected a comma or a line end)");
    parse_fails("a,b\n1,2\0\n", 9, "data.csv: line 2: contains a NUL byte (not a text file?)");
}

/* CRLF, LF, lone CR, no trailing newline, a byte order mark, spaces around unquoted fields. */
static void test_line_ends(void **state) {
    anne_csv t;
    (void)state;
    parse_ok(&t, "\xEF\xBB\xBFx , y\r\n1,2\r\n3 ,\t4\r5,6");
    assert_int_equal(t.n_cols, 2);
    assert_int_equal(t.n_rows, 3);
    assert_string_equal(t.cols[0].name, "x");
    assert_string_equal(t.cols[1].name, "y");
    assert_non_null(t.cols[0].num);
    assert_non_null(t.cols[1].num);
    assert_true(t.cols[0].num[1] == 3.0 && t.cols[1].num[1] == 4.0 && t.cols[1].num[2] == 6.0);
    assert_int_equal(anne_csv_line(&t, 0), 2);
    assert_int_equal(anne_csv_line(&t, 1), 3);
    assert_int_equal(anne_csv_line(&t, 2), 4);
    anne_csv_free(&t);
}

/* Blank lines (also of spaces) are skipped, but counted for line numbers. */
static void test_blank_lines(void **state) {
    anne_csv t;
    (void)state;
    parse_ok(&t, "\n a,b\n\n1,2\n   \n\t\r\n3,4\n\n\n");
    assert_int_equal(t.n_rows, 2);
    assert_int_equal(t.line[0], 2);
    assert_int_equal(anne_csv_line(&t, 0), 4);
    assert_int_equal(anne_csv_line(&t, 1), 7);
    anne_csv_free(&t);
}

static void test_missing_values(void **state) {
    (void)state;
    features_fail("a,b\n1,2\n3,\n", ANNE_CSV_NO_COLUMN,
                  "data.csv: line 3, column \"b\": missing value (expected a number)");
    features_fail("a,b\n1,2\n  ,4\n", ANNE_CSV_NO_COLUMN,
                  "data.csv: line 3, column \"a\": missing value (expected a number)");
    features_fail("a,b\n1,2\n\"\",4\n", ANNE_CSV_NO_COLUMN,
                  "data.csv: line 3, column \"a\": missing value (expected a number)");
}

/* The example message, and every way a value is not a usable number. */
static void test_non_numeric(void **state) {
    (void)state;
    features_fail("SepalLength,SepalWidth,PetalLength,PetalWidth,Species\n"
                  "5.1,3.5,1.4,0.2,0\n4.9,3,1.4,0.2,0\n4.7,3.2,1.3,0.2,0\n4.6,3.1,1.5,0.2,0\n5,3.6,1.4,0.2,0\n"
                  "5.4,3.9,1.7,abc,0\n",
                  4, "data.csv: line 7, column \"PetalWidth\": \"abc\" is not a number");
    features_fail("a\n1.5x\n", ANNE_CSV_NO_COLUMN, "data.csv: line 2, column \"a\": \"1.5x\" is not a number");
    features_fail("a\n1 2\n", ANNE_CSV_NO_COLUMN, "data.csv: line 2, column \"a\": \"1 2\" is not a number");
    features_fail("a\nnan\n", ANNE_CSV_NO_COLUMN, "data.csv: line 2, column \"a\": \"nan\" is not a finite number");
    features_fail("a\n-inf\n", ANNE_CSV_NO_COLUMN, "data.csv: line 2, column \"a\": \"-inf\" is not a finite number");
    features_fail("a\n1e999\n", ANNE_CSV_NO_COLUMN, "data.csv: line 2, column \"a\": \"1e999\" is not a finite number");
    features_fail("a\n1e39\n", ANNE_CSV_NO_COLUMN,
                  "data.csv: line 2, column \"a\": \"1e39\" is too large for a float (at most 3.40282347e+38)");
}

/* Features keep the column order and leave out the skipped column; values are strtod's. */
static void test_features(void **state) {
    anne_csv t;
    anne_error err;
    float *x;
    size_t nf;
    (void)state;
    parse_ok(&t, "p,label,q\n 1.5 ,cat,-2\n1e-3,dog,0x10\n");
    assert_int_equal(anne_csv_features(&t, 1, &x, &nf, &err), 0);
    assert_int_equal(nf, 2);
    assert_true(x[0] == 1.5f && x[1] == -2.0f && x[2] == 0.001f && x[3] == 16.0f);
    free(x);
    anne_csv_free(&t);
}

static void test_ragged_rows(void **state) {
    (void)state;
    parse_fails("a,b,c,d,e\n1,2,3,4,5\n\n\n\n\n\n\n1,2,3,4\n", (size_t)-1,
                "data.csv: line 9 has 4 columns, expected 5 (as the header)");
    parse_fails("a,b\n1,2,3\n", (size_t)-1, "data.csv: line 2 has 3 columns, expected 2 (as the header)");
    parse_fails("a,b\n1\n", (size_t)-1, "data.csv: line 2 has 1 column, expected 2 (as the header)");
    parse_fails("a,b\n1,2,\n", (size_t)-1, "data.csv: line 2 has 3 columns, expected 2 (as the header)");
}

static void test_unknown_label_column(void **state) {
    anne_csv t;
    anne_error err;
    size_t col = 99;
    (void)state;
    parse_ok(&t, "a,b,c,b\n1,2,3,4\n");
    assert_int_equal(anne_csv_find(&t, "species", &col, &err), -1);
    assert_string_equal(err.msg, "data.csv: no column \"species\" (the columns are \"a\", \"b\", \"c\", \"b\")");
    assert_int_equal(anne_csv_find(&t, "b", &col, &err), -1);
    assert_string_equal(err.msg, "data.csv: column \"b\" appears twice in the header (columns 2 and 4)");
    assert_int_equal(anne_csv_find(&t, "c", &col, &err), 0);
    assert_int_equal(col, 2);
    anne_csv_free(&t);
}

/* Without class names: the distinct strings are the classes in sorted order (as sklearn's
 * LabelEncoder), whatever order they appear in. */
static void test_string_labels_sorted(void **state) {
    anne_csv t;
    anne_csv_labels l;
    anne_error err;
    static const uint16_t want[5] = {2, 0, 1, 0, 2};
    int i;
    (void)state;
    parse_ok(&t, "x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n5,virginica\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 3, NULL, &l, &err), 0);
    assert_int_equal(l.n_classes, 3);
    assert_int_equal(l.n_names, 3);
    assert_string_equal(l.names[0], "setosa");
    assert_string_equal(l.names[1], "versicolor");
    assert_string_equal(l.names[2], "virginica");
    for (i = 0; i < 5; i++) assert_int_equal(l.y[i], want[i]);
    anne_csv_labels_free(&l);
    /* more distinct strings than the model has classes */
    assert_int_equal(anne_csv_labels_read(&t, 1, 2, NULL, &l, &err), -1);
    assert_string_equal(err.msg, "data.csv: column \"species\" has 3 distinct labels (\"setosa\", \"versicolor\", "
                                 "\"virginica\"), but the model has 2 classes");
    assert_null(l.y);
    /* n_classes 0: the data decides */
    assert_int_equal(anne_csv_labels_read(&t, 1, 0, NULL, &l, &err), 0);
    assert_int_equal(l.n_classes, 3);
    anne_csv_labels_free(&l);
    anne_csv_free(&t);
}

/* With class names: names and indices both work; anything else names the line. */
static void test_string_labels_named(void **state) {
    anne_csv t;
    anne_csv_labels l;
    anne_error err;
    static const char *const names[3] = {"setosa", "versicolor", "virginica"};
    (void)state;
    parse_ok(&t, "x,species\n1,virginica\n2,0\n3,versicolor\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 3, names, &l, &err), 0);
    assert_int_equal(l.n_names, 0);
    assert_int_equal(l.y[0], 2);
    assert_int_equal(l.y[1], 0);
    assert_int_equal(l.y[2], 1);
    anne_csv_labels_free(&l);
    anne_csv_free(&t);

    parse_ok(&t, "x,species\n1,virginica\n2,Setosa\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 3, names, &l, &err), -1);
    assert_string_equal(err.msg, "data.csv: line 3, column \"species\": \"Setosa\" is not a class of the model "
                                 "(expected \"setosa\", \"versicolor\", \"virginica\" or an index 0..2)");
    anne_csv_free(&t);

    parse_ok(&t, "x,species\n1,virginica\n2,3\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 3, names, &l, &err), -1);
    assert_string_equal(err.msg, "data.csv: line 3, column \"species\": \"3\" is not a class of the model "
                                 "(expected \"setosa\", \"versicolor\", \"virginica\" or an index 0..2)");
    anne_csv_free(&t);
}

/* Integer labels: "1" and "1.0" are class 1; out of range or fractional names the line. */
static void test_integer_labels(void **state) {
    anne_csv t;
    anne_csv_labels l;
    anne_error err;
    (void)state;
    parse_ok(&t, "x,y\n1,1\n2,0.0\n3,1.0\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 2, NULL, &l, &err), 0);
    assert_int_equal(l.y[0], 1);
    assert_int_equal(l.y[1], 0);
    assert_int_equal(l.y[2], 1);
    assert_int_equal(l.n_names, 0);
    anne_csv_labels_free(&l);
    assert_int_equal(anne_csv_labels_read(&t, 1, 0, NULL, &l, &err), 0);
    assert_int_equal(l.n_classes, 2); /* the largest index + 1 */
    anne_csv_labels_free(&l);
    anne_csv_free(&t);

    parse_ok(&t, "x,y\n1,1\n2,2\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 2, NULL, &l, &err), -1);
    assert_string_equal(err.msg,
                        "data.csv: line 3, column \"y\": \"2\" is not a class of the model (expected an integer 0..1)");
    anne_csv_free(&t);

    parse_ok(&t, "x,y\n1,-1\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 2, NULL, &l, &err), -1);
    assert_string_equal(
        err.msg, "data.csv: line 2, column \"y\": \"-1\" is not a class of the model (expected an integer 0..1)");
    anne_csv_free(&t);

    parse_ok(&t, "x,y\n1,0.5\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 0, NULL, &l, &err), -1);
    assert_string_equal(err.msg,
                        "data.csv: line 2, column \"y\": \"0.5\" is not a class index (expected an integer 0..65534)");
    anne_csv_free(&t);

    parse_ok(&t, "x,y\n1,1\n2,\n");
    assert_int_equal(anne_csv_labels_read(&t, 1, 2, NULL, &l, &err), -1);
    assert_string_equal(err.msg, "data.csv: line 3, column \"y\": missing label");
    anne_csv_free(&t);
}

/* A header alone is a table with no rows; the commands refuse it with a clear message. */
static void test_header_only(void **state) {
    anne_csv t;
    anne_error err;
    float *x = (float *)&err;
    size_t nf;
    (void)state;
    parse_ok(&t, "a,b,c\n");
    assert_int_equal(t.n_cols, 3);
    assert_int_equal(t.n_rows, 0);
    assert_int_equal(anne_csv_features(&t, ANNE_CSV_NO_COLUMN, &x, &nf, &err), 0);
    assert_null(x);
    assert_int_equal(nf, 3);
    assert_int_equal(anne_cli_features(&t, ANNE_CSV_NO_COLUMN, 3, &x, &err), -1);
    assert_string_equal(err.msg, "data.csv: no data rows (only a header)");
    assert_int_equal(anne_cli_features(&t, 2, 3, &x, &err), -1);
    assert_string_equal(err.msg,
                        "data.csv: 2 feature columns (all but the label column \"c\"), but the model has 3 inputs");
    anne_csv_free(&t);
}

static void test_empty_file(void **state) {
    (void)state;
    parse_fails("", 0, "data.csv: empty file, expected a header row");
    parse_fails("\n\r\n  \n", (size_t)-1, "data.csv: empty file, expected a header row");
    parse_fails("\xEF\xBB\xBF", (size_t)-1, "data.csv: empty file, expected a header row");
}

/* A megabyte-long line: a long value parses, and a message quotes only its first 40 bytes; a
 * header with more columns than the limit is refused before it costs memory. */
static void test_long_line(void **state) {
    size_t n = (size_t)1 << 20, i;
    char *text = malloc(n + 64);
    anne_csv t;
    (void)state;
    assert_non_null(text);
    strcpy(text, "a,b\n1,");
    for (i = 0; i < n; i++) text[6 + i] = (char)('a' + i % 26);
    strcpy(text + 6 + n, "\n");
    parse_ok(&t, text);
    assert_int_equal(strlen(anne_csv_value(&t, 0, 1)), n);
    anne_csv_free(&t);
    features_fail(text, ANNE_CSV_NO_COLUMN,
                  "data.csv: line 2, column \"b\": \"abcdefghijklmnopqrstuvwxyzabcdefghijklmn...\" is not a number");
    free(text);

    /* 65535 columns is the limit: fine; 65536 is not */
    n = 65536;
    text = malloc(2 * n + 8);
    assert_non_null(text);
    for (i = 0; i < n; i++) {
        text[2 * i] = 'x';
        text[2 * i + 1] = ',';
    }
    text[2 * n - 1] = '\n';
    parse_fails(text, 2 * n, "data.csv: line 1: more than 65535 columns (the limit)");
    text[2 * n] = '\0';
    parse_ok(&t, text + 2); /* from the second column on: 65535 columns */
    assert_int_equal(t.n_cols, 65535);
    anne_csv_free(&t);
    free(text);
}

/* Reading from disk: a missing file names the path. */
static void test_read_file(void **state) {
    anne_csv t;
    anne_error err;
    (void)state;
    assert_int_equal(anne_csv_read(&t, "no/such/file.csv", &err), -1);
    assert_string_equal(err.msg, "no/such/file.csv: cannot open: No such file or directory");
    anne_csv_free(&t);
    assert_int_equal(anne_csv_read(&t, anne_test_path("tests/data/csv/binary_index.csv"), &err), 0);
    assert_int_equal(t.n_cols, 3);
    assert_int_equal(t.n_rows, 8);
    assert_int_equal(anne_csv_line(&t, 2), 5); /* after the blank line */
    anne_csv_free(&t);
}

/* Robustness (run under ASan/UBSan): every prefix of a tricky file, and every byte of it replaced by
 * each character the parser treats specially, parses or fails with a message, never crashes; a
 * table that parses has n_cols values in every row, and features/labels run on it. */
static void test_hostile_bytes(void **state) {
    static const char base[] = "\xEF\xBB\xBF" "a, \"b\"\"c\",label\r\n1,\"2\r\n3\",x\n\n 4 ,5e1,\"y\"\r6,,z";
    static const char special[] = {',', '"', '\n', '\r', '\0', ' ', '\t', 'x', '1'};
    char buf[sizeof base];
    size_t n = sizeof base - 1u, len, pos, k, parsed = 0;
    (void)state;
    for (len = 0; len <= n; len++) {
        for (pos = 0; pos <= len; pos++) {
            for (k = 0; k < (pos < len ? sizeof special : 1u); k++) {
                anne_csv t;
                anne_error err;
                memcpy(buf, base, len);
                if (pos < len) buf[pos] = special[k];
                err.msg[0] = '\0';
                if (anne_csv_parse(&t, buf, len, "data.csv", &err) == 0) {
                    float *x = NULL;
                    size_t nf, r, c;
                    anne_csv_labels l;
                    parsed++;
                    assert_true(t.n_cols >= 1);
                    for (r = 0; r < t.n_rows; r++) {
                        for (c = 0; c < t.n_cols; c++) assert_non_null(anne_csv_value(&t, r, c));
                    }
                    if (anne_csv_features(&t, t.n_cols - 1u, &x, &nf, &err) == 0) free(x);
                    if (anne_csv_labels_read(&t, t.n_cols - 1u, 3, NULL, &l, &err) == 0) anne_csv_labels_free(&l);
                } else {
                    assert_true(strncmp(err.msg, "data.csv: ", 10) == 0);
                }
                anne_csv_free(&t);
            }
        }
    }
    assert_true(parsed > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_quote_errors),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_non_numeric),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_unknown_label_column),
        cmocka_unit_test(test_string_labels_sorted),
        cmocka_unit_test(test_string_labels_named),
        cmocka_unit_test(test_integer_labels),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_hostile_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

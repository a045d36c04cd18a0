/* The CSV reader of the host tools (predict, eval, later train and quantize): a whole file into a
 * table of named columns, numbers or strings, with errors that name the file, line and column. */
#ifndef ANNE_CSV_H
#define ANNE_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "anne_error.h"

/* Limits so a hostile file cannot exhaust memory (the file itself is at most ANNE_FILE_MAX_BYTES). */
#define ANNE_CSV_MAX_COLUMNS 65535u
#define ANNE_CSV_MAX_CELLS ((size_t)1 << 25) /* values in the whole file, header included */

/* "No column": for anne_csv_features() when every column is a feature. */
#define ANNE_CSV_NO_COLUMN ((size_t)-1)

typedef struct anne_csv_column {
    const char *name;           /* the header's name, inside the table's text */
    double *num;                /* (n_rows): the values when every one is a finite number; else NULL */
} anne_csv_column;

/* A parsed CSV file. Format (docs/cli.md, "CSV files"): a header row is required; comma separator;
 * LF, CRLF or CR line ends; optional trailing newline; blank lines (nothing but spaces and tabs)
 * skipped; fields may be double-quoted (RFC 4180, "" for a quote, may span lines); spaces and tabs
 * around a field are dropped (not inside quotes); a UTF-8 byte order mark is skipped. */
typedef struct anne_csv {
    char *path;                 /* the name used in messages (a copy) */
    char *text;                 /* the file's bytes, fields unquoted in place and NUL-terminated */
    size_t n_cols;
    size_t n_rows;              /* data rows (the header is not counted) */
    uint32_t *cell;             /* (n_rows + 1, n_cols) offsets into text; row 0 is the header */
    uint32_t *line;             /* (n_rows + 1) 1-based line each row starts on; [0] is the header's */
    anne_csv_column *cols;      /* (n_cols) */
} anne_csv;

/* Reads and parses the file at path; path "-" reads standard input, called "<stdin>" in messages (once
 * per process: a second "-" is an error, standard input having been read to its end). On error *t is
 * empty (anne_csv_free is still allowed) and err says e.g. `data.csv: line 9 has 4 columns, expected 5
 * (as the header)`. */
int anne_csv_read(anne_csv *t, const char *path, anne_error *err);

/* Flags of anne_csv_read_ex() and anne_csv_parse_ex(). */
#define ANNE_CSV_NO_HEADER 1u /* no header row: every row is data, the columns are named by their index
                                 from 0 ("0", "1", ...), as pandas' header=None does */

/* A CSV file name in messages: "<stdin>" for "-". */
#define ANNE_CSV_STDIN_NAME "<stdin>"

int anne_csv_read_ex(anne_csv *t, const char *path, unsigned flags, anne_error *err);

/* Parses size bytes of text (need not be NUL-terminated; copied); `name` is used in messages. */
int anne_csv_parse(anne_csv *t, const char *text, size_t size, const char *name, anne_error *err);
int anne_csv_parse_ex(anne_csv *t, const char *text, size_t size, const char *name, unsigned flags,
                      anne_error *err);

void anne_csv_free(anne_csv *t);

/* The text of data row `row` (0-based), column `col`; "" for an empty field. */
const char *anne_csv_value(const anne_csv *t, size_t row, size_t col);

/* The 1-based line of the file that data row `row` (0-based) starts on. */
size_t anne_csv_line(const anne_csv *t, size_t row);

/* Finds a column by its exact name. Unknown names are an error that lists the header's columns:
 * `data.csv: no column "x" (the columns are "a", "b", "c")`; a name the header holds twice too. */
int anne_csv_find(const anne_csv *t, const char *name, size_t *col, anne_error *err);

/* Parses a number as the reader does: strtod after dropping spaces and tabs around it; empty,
 * trailing garbage, "nan", "inf" and values beyond double's range are rejected (returns -1). */
int anne_csv_number(const char *s, double *out);

/* The feature matrix: every column except skip_col (ANNE_CSV_NO_COLUMN: none), in order, as floats.
 * *x receives a malloc'd (n_rows, *n_features) row-major array (free with free()); NULL when there
 * are no rows. Errors name the line, the column and the value:
 * `data.csv: line 7, column "PetalWidth": "abc" is not a number`. */
int anne_csv_features(const anne_csv *t, size_t skip_col, float **x, size_t *n_features, anne_error *err);

/* Class labels of one column, as indices 0..n_classes-1 (docs/cli.md, "Labels"):
 * - a value equal to one of class_names is that class;
 * - otherwise an integer (written "2" or "2.0") is the class of that index;
 * - without class_names, a column that is not all integers maps its distinct strings to classes in
 *   sorted (byte) order, as sklearn's LabelEncoder; *names then receives them.
 * n_classes 0 means "any count" (up to 65535, e.g. for training: the labels decide). */
typedef struct anne_csv_labels {
    uint16_t *y;                /* (n_rows) class indices, malloc'd */
    uint16_t n_classes;         /* the class count: n_classes given, or found in the data */
    uint16_t n_names;           /* > 0 when strings were mapped in sorted order */
    char **names;               /* (n_names) those strings, malloc'd, or NULL */
} anne_csv_labels;

int anne_csv_labels_read(const anne_csv *t, size_t col, uint16_t n_classes, const char *const *class_names,
                         anne_csv_labels *out, anne_error *err);
void anne_csv_labels_free(anne_csv_labels *l);

#endif /* ANNE_CSV_H */

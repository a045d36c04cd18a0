/* Generated C: a model as NAME.c / NAME.h, ready to compile with the runtime's sources
 * (docs/codegen.md). */
#ifndef ANNE_CODEGEN_H
#define ANNE_CODEGEN_H

#include <stddef.h>

#include "anne_codegen_test.h"
#include "anne_error.h"

/* Makes a C identifier prefix from a file name or --name value ("out/iris-8.c" -> "iris_8"): the base
 * name without ".c", other characters than ASCII [A-Za-z0-9_] as '_', and "m_" in front of a name that
 * is empty, starts with a digit or '_', or is "anne"/"anne_*" in any case (the runtime's names). */
void anne_codegen_prefix(const char *name, char *out, size_t cap);

/* The text of NAME.c and NAME.h (malloc'd, NUL-terminated) for a model file's bytes (size bytes, any
 * number format: f32, q16, int8; validated here with the runtime's loader). source: the input's file
 * name (only its base name is written, so output does not depend on where the input lies). */
int anne_codegen(const unsigned char *bytes, size_t size, const char *prefix, const char *source, char **c_text,
                 char **h_text, anne_error *err);

/* Writes NAME.c (path c_path) and NAME.h beside it together: both are staged completely, then both are
 * put in place, so a failure leaves neither changed. NAME.c includes the header by the name written.
 * With test (NULL: none) also NAME_test.c and NAME_test.h, the self-test (anne_codegen_test.h): all
 * four or none. */
int anne_codegen_write(const unsigned char *bytes, size_t size, const char *c_path, const char *prefix,
                       const char *source, const anne_codegen_test *test, anne_error *err);

#endif /* ANNE_CODEGEN_H */

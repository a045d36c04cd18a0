/* What the code generators (NAME.c, NAME.h, NAME_test.c, NAME_test.h) put into their anne_text besides
 * printf's: text from outside escaped for C comments and string literals, floats that read back exactly. */
#ifndef ANNE_CTEXT_H
#define ANNE_CTEXT_H

#include <stddef.h>

#include "anne_text.h"

/* Text from outside (a model's name, a file name) inside a comment or a string literal of the generated
 * C, at most max bytes of it ("..." after a longer one): as a C string literal's contents would write
 * it, so that nothing can end the comment or the string or make a line of its own (docs/codegen.md). */
void anne_ctext_put_escaped(anne_text *t, const char *s, size_t max);

/* A float as a C constant that reads back to the same bits: "0.0123f", "2.0f" (never "2f"). Finite
 * values only. */
void anne_ctext_put_float(anne_text *t, float v);

#endif /* ANNE_CTEXT_H */

/* A growing text buffer for the code generators (NAME.c, NAME.h, NAME_test.c, NAME_test.h): printf into
 * it, text from outside escaped for C comments and string literals, floats that read back exactly. */
#ifndef ANNE_CTEXT_H
#define ANNE_CTEXT_H

#include <stddef.h>

typedef struct anne_ctext {
    char *p;                    /* malloc'd, NUL-terminated (NULL while empty) */
    size_t len, cap;
    int oom;                    /* an allocation failed: later puts do nothing; the caller checks once */
} anne_ctext;

void anne_ctext_put(anne_ctext *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Text from outside (a model's name, a file name) inside a comment or a string literal of the generated
 * C, at most max bytes of it ("..." after a longer one): as a C string literal's contents would write
 * it, so that nothing can end the comment or the string or make a line of its own (docs/codegen.md). */
void anne_ctext_put_escaped(anne_ctext *t, const char *s, size_t max);

/* A float as a C constant that reads back to the same bits: "0.0123f", "2.0f" (never "2f"). Finite
 * values only. */
void anne_ctext_put_float(anne_ctext *t, float v);

#endif /* ANNE_CTEXT_H */

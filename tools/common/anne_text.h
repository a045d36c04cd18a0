/* A growing text buffer for the writers of text (generated C, ANNE JSON, SVG pictures, split's CSV files):
 * printf or append into it; an allocation that fails is remembered, later puts do nothing, and the
 * writer checks once at the end. */
#ifndef ANNE_TEXT_H
#define ANNE_TEXT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct anne_text {
    char *p;                    /* malloc'd, NUL-terminated once anything was put (NULL before) */
    size_t len, cap;
    int oom;                    /* an allocation failed (or the text outgrew size_t) */
} anne_text;

void anne_text_put(anne_text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

void anne_text_vput(anne_text *t, const char *fmt, va_list ap);

/* Appends n bytes of s as they are (no format: names, CSV fields, SVG text already escaped). */
void anne_text_append(anne_text *t, const char *s, size_t n);

/* Frees the text and empties *t. */
void anne_text_free(anne_text *t);

#endif /* ANNE_TEXT_H */

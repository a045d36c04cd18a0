/* A text that grows in memory: what a command writes before it saves the whole at once (a CSV split,
 * an SVG picture). An allocation failure is remembered, so that writers append without checking each
 * call and look once, at the end. */
#ifndef ANNE_BUF_H
#define ANNE_BUF_H

#include <stddef.h>

typedef struct anne_buf {
    char *p;                    /* the text so far, NUL-terminated (malloc'd; NULL while empty) */
    size_t len, cap;
    int oom;                    /* an allocation failed: later appends do nothing */
} anne_buf;

/* Appends n bytes of s. */
void anne_buf_put(anne_buf *b, const char *s, size_t n);

void anne_buf_free(anne_buf *b);

#endif /* ANNE_BUF_H */

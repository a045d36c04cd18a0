/* A growing text buffer (anne_buf.h). */
#include "anne_buf.h"

#include <stdlib.h>
#include <string.h>

void anne_buf_put(anne_buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1u > b->cap) {
        size_t cap = b->cap ? b->cap : 4096u;
        char *g;
        while (b->len + n + 1u > cap) cap *= 2u;
        if ((g = realloc(b->p, cap)) == NULL) {
            b->oom = 1;
            return;
        }
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void anne_buf_free(anne_buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

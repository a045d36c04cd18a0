/* The growing text buffer of the writers (anne_text.h). */
#include "anne_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL; 0, or -1 (oom set) when it cannot be had. */
static int anne__text_room(anne_text *t, size_t n) {
    size_t cap = t->cap ? t->cap : 4096u;
    char *grown;
    if (t->oom) return -1;
    if (t->len + n + 1u <= t->cap && t->len + n + 1u > t->len) return 0;
    while (cap - t->len <= n) {
        if (cap > ((size_t)-1) / 2u) {
            t->oom = 1;
            return -1;
        }
        cap *= 2u;
    }
    grown = realloc(t->p, cap);
    if (grown == NULL) {
        t->oom = 1;
        return -1;
    }
    t->p = grown;
    t->cap = cap;
    return 0;
}

void anne_text_append(anne_text *t, const char *s, size_t n) {
    if (anne__text_room(t, n) != 0) return;
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

void anne_text_free(anne_text *t) {
    free(t->p);
    memset(t, 0, sizeof *t);
}

void anne_text_vput(anne_text *t, const char *fmt, va_list ap) {
    if (t->oom) return;
    for (;;) {
        size_t room = t->cap - t->len;
        va_list copy;
        int n;
        va_copy(copy, ap);
        n = vsnprintf(t->p != NULL ? t->p + t->len : NULL, room, fmt, copy);
        va_end(copy);
        if (n < 0) {
            t->oom = 1;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        if (anne__text_room(t, (size_t)n) != 0) return;
    }
}

void anne_text_put(anne_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    anne_text_vput(t, fmt, ap);
    va_end(ap);
}

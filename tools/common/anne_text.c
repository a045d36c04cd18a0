/* The growing text buffer of the writers (anne_text.h). */
#include "anne_text.h"

#include <stdio.h>
#include <stdlib.h>

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
        {
            size_t cap = t->cap ? t->cap : 4096u;
            char *grown;
            while (cap - t->len <= (size_t)n) {
                if (cap > ((size_t)-1) / 2u) {
                    t->oom = 1;
                    return;
                }
                cap *= 2u;
            }
            grown = realloc(t->p, cap);
            if (grown == NULL) {
                t->oom = 1;
                return;
            }
            t->p = grown;
            t->cap = cap;
        }
    }
}

void anne_text_put(anne_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    anne_text_vput(t, fmt, ap);
    va_end(ap);
}

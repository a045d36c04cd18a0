/* The text buffer of the code generators (anne_ctext.h). */
#include "anne_ctext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_json_write.h"

void anne_ctext_put(anne_ctext *t, const char *fmt, ...) {
    va_list ap;
    int n;
    if (t->oom) return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->oom = 1;
        return;
    }
    if (t->len + (size_t)n + 1u > t->cap) {
        size_t cap = t->cap ? t->cap : 4096u;
        char *g;
        while (t->len + (size_t)n + 1u > cap) cap *= 2u;
        g = realloc(t->p, cap);
        if (g == NULL) {
            t->oom = 1;
            return;
        }
        t->p = g;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Backslash and quote escaped; control characters, DEL and every byte >= 0x80 as octal escapes; a '/'
 * beside a '*' as an octal escape ("*" "/" would end the comment, "/" "*" nest one, which -Wcomment
 * refuses); a '?' after a '?' as "\?" (no trigraph, which -std=c99 translates even in comments and
 * strings). */
void anne_ctext_put_escaped(anne_ctext *t, const char *s, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i;
    for (i = 0; p[i] != '\0' && i < max; i++) {
        unsigned char ch = p[i];
        unsigned char prev = i > 0 ? p[i - 1] : 0, next = p[i + 1];
        if (ch == '\\' || ch == '"') {
            anne_ctext_put(t, "\\%c", ch);
        } else if (ch == '\n') {
            anne_ctext_put(t, "\\n");
        } else if (ch == '\t') {
            anne_ctext_put(t, "\\t");
        } else if (ch < 0x20 || ch >= 0x7F || (ch == '/' && (prev == '*' || next == '*'))) {
            anne_ctext_put(t, "\\%03o", (unsigned)ch);
        } else if (ch == '?' && prev == '?') {
            anne_ctext_put(t, "\\?");
        } else {
            anne_ctext_put(t, "%c", ch);
        }
    }
    if (p[i] != '\0') anne_ctext_put(t, "...");
}

void anne_ctext_put_float(anne_ctext *t, float v) {
    char num[40];
    anne_json_format_float(num, v);
    anne_ctext_put(t, "%s%sf", num, strpbrk(num, ".eE") == NULL ? ".0" : "");
}

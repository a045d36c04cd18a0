/* Escaped text and exact floats for the code generators (anne_ctext.h). */
#include "anne_ctext.h"

#include <stdio.h>
#include <string.h>

#include "anne_json_write.h"

/* Backslash and quote escaped; control characters, DEL and every byte >= 0x80 as octal escapes; a '/'
 * beside a '*' as an octal escape ("*" "/" would end the comment, "/" "*" nest one, which -Wcomment
 * refuses); a '?' after a '?' as "\?" (no trigraph, which -std=c99 translates even in comments and
 * strings). */
void anne_ctext_put_escaped(anne_text *t, const char *s, size_t max) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i;
    for (i = 0; p[i] != '\0' && i < max; i++) {
        unsigned char ch = p[i];
        unsigned char prev = i > 0 ? p[i - 1] : 0, next = p[i + 1];
        if (ch == '\\' || ch == '"') {
            anne_text_put(t, "\\%c", ch);
        } else if (ch == '\n') {
            anne_text_put(t, "\\n");
        } else if (ch == '\t') {
            anne_text_put(t, "\\t");
        } else if (ch < 0x20 || ch >= 0x7F || (ch == '/' && (prev == '*' || next == '*'))) {
            anne_text_put(t, "\\%03o", (unsigned)ch);
        } else if (ch == '?' && prev == '?') {
            anne_text_put(t, "\\?");
        } else {
            anne_text_put(t, "%c", ch);
        }
    }
    if (p[i] != '\0') anne_text_put(t, "...");
}

void anne_ctext_put_float(anne_text *t, float v) {
    char num[40];
    anne_json_format_float(num, v);
    anne_text_put(t, "%s%sf", num, strpbrk(num, ".eE") == NULL ? ".0" : "");
}

/* The SVG writer behind `anne plot` and `anne draw`: a growing buffer, escaping, atomic save. */
#include "anne_svg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_file.h"

void anne_svg_raw(anne_svg *s, const char *fmt, ...) {
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        anne_text_append(s, small, (size_t)n);
    } else { /* a long piece (a polyline's points are written one by one, so this is rare) */
        char *big = malloc((size_t)n + 1u);
        if (big == NULL) {
            s->oom = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1u, fmt, ap);
        va_end(ap);
        anne_text_append(s, big, (size_t)n);
        free(big);
    }
}

/* The UTF-8 sequence at p as a code point (its length in *len), or -1 for an invalid one (*len 1:
 * the bad byte alone is replaced, and decoding resumes after it). */
static long anne__utf8_next(const unsigned char *p, size_t *len) {
    long c;
    size_t n, k;
    *len = 1;
    if (p[0] < 0x80u) return p[0];
    if (p[0] >= 0xc2u && p[0] <= 0xdfu) {
        n = 2;
        c = p[0] & 0x1f;
    } else if (p[0] >= 0xe0u && p[0] <= 0xefu) {
        n = 3;
        c = p[0] & 0x0f;
    } else if (p[0] >= 0xf0u && p[0] <= 0xf4u) {
        n = 4;
        c = p[0] & 0x07;
    } else {
        return -1; /* a continuation byte, 0xc0/0xc1 (overlong) or above 0xf4 */
    }
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xc0u) != 0x80u) return -1; /* also stops at the string's NUL */
        c = c << 6 | (p[k] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff)) {
        return -1; /* overlong, beyond Unicode, or a surrogate */
    }
    *len = n;
    return c;
}

/* Whether XML 1.0 allows the character (its Char production), tab and line ends left out: in a name
 * they would only break the line or be collapsed. */
static int anne__xml_char(long c) {
    return c >= 0x20 && c != 0xfffe && c != 0xffff;
}

void anne_svg_escape(anne_svg *s, const char *text, size_t max_chars) {
    const unsigned char *p = (const unsigned char *)text;
    size_t shown = 0, len;
    long c;
    for (; *p != '\0'; p += len) {
        c = anne__utf8_next(p, &len);
        if (max_chars > 0 && shown == max_chars - 1u && p[len] != '\0') { /* more follows: cut here */
            anne_text_append(s, "\xe2\x80\xa6", 3);
            return;
        }
        shown++;
        switch (c) {
        case '&': anne_text_append(s, "&amp;", 5); break;
        case '<': anne_text_append(s, "&lt;", 4); break;
        case '>': anne_text_append(s, "&gt;", 4); break;
        case '"': anne_text_append(s, "&quot;", 6); break;
        case '\'': anne_text_append(s, "&#39;", 5); break;
        default:
            if (c < 0 || !anne__xml_char(c)) anne_text_append(s, "\xef\xbf\xbd", 3); /* U+FFFD */
            else anne_text_append(s, (const char *)p, len);
            break;
        }
    }
}

void anne_svg_text(anne_svg *s, double x, double y, const char *cls, const char *anchor, const char *text,
                   size_t max_chars) {
    anne_svg_raw(s, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"%s\">", x, y, cls, anchor);
    anne_svg_escape(s, text, max_chars);
    anne_text_append(s, "</text>\n", 8);
}

double anne_svg_text_width(const char *text, size_t max_chars, double size) {
    const unsigned char *p = (const unsigned char *)text;
    double w = 0;
    size_t n = 0, len;
    /* DejaVu Sans / Arial: about 0.6 em per character on average, narrow letters less, capitals and
     * digits more; a little generous so labels never touch */
    for (; *p != '\0' && (max_chars == 0 || n < max_chars); p += len, n++) {
        anne__utf8_next(p, &len);
        w += strchr("iljtfrI.,:;'|!() ", *p) != NULL ? 0.36 : (*p >= 'A' && *p <= 'Z') || *p == 'm' || *p == 'w' ? 0.74 : 0.6;
    }
    return w * size;
}

void anne_svg_begin(anne_svg *s, double width, double height, const char *title) {
    memset(s, 0, sizeof *s);
    anne_svg_raw(s,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n"
                 "<title>",
                 width, height, width, height);
    anne_svg_escape(s, title, 0);
    anne_svg_raw(s,
                 "</title>\n"
                 "<style>\n"
                 "text { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; fill: " ANNE_SVG_INK "; font-size: 12px; }\n"
                 ".title { font-size: 16px; font-weight: bold; }\n"
                 ".head { font-size: 13px; font-weight: bold; }\n"
                 ".small { font-size: 10px; fill: #555555; }\n"
                 ".mono { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 11px; }\n"
                 "</style>\n"
                 "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
                 width, height);
}

void anne_svg_end(anne_svg *s) {
    anne_text_append(s, "</svg>\n", 7);
}

int anne_svg_save(const anne_svg *s, const char *path, anne_error *err) {
    if (s->oom || s->p == NULL) return anne_error_set(err, "out of memory");
    return anne_file_write(path, s->p, s->len, err);
}

void anne_svg_free(anne_svg *s) {
    anne_text_free(s);
}

/* A small SVG writer for `anne plot` and `anne draw`: the document grows in memory and is saved
 * atomically, so a failed command never leaves half a picture. Every text that comes from a file (a
 * model's name, class names, CSV column names) goes through anne_svg_escape(), so it shows as text
 * and the document stays well-formed XML whatever bytes it holds. */
#ifndef ANNE_SVG_H
#define ANNE_SVG_H

#include <stddef.h>

#include "anne_text.h"
#include "anne_error.h"

/* A document being written: its text grows in memory (p, len), and an allocation failure (oom) makes
 * later writes do nothing and anne_svg_save() fail. */
typedef anne_text anne_svg;

/* The colours both pictures use: a series' train and validation lines, positive and negative weights. */
#define ANNE_SVG_BLUE "#1f77b4"
#define ANNE_SVG_ORANGE "#e8710a"
#define ANNE_SVG_GREY "#888888"
#define ANNE_SVG_INK "#222222"

/* Starts a document of width x height pixels: the XML declaration, the svg element, the title (escaped)
 * that viewers show as the file's name, the font and line styles, and a white background. */
void anne_svg_begin(anne_svg *s, double width, double height, const char *title);

/* Closes the svg element. */
void anne_svg_end(anne_svg *s);

/* Appends markup made by the caller (printf style). Never for text read from a file: that goes through
 * anne_svg_escape(). */
void anne_svg_raw(anne_svg *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Appends text as XML character data, usable in an element and inside a double- or single-quoted
 * attribute: & < > " ' escaped; bytes that are not valid UTF-8 (a stray byte, an overlong form, a
 * surrogate), control characters and the non-characters U+FFFE, U+FFFF (none of which XML 1.0
 * allows) become U+FFFD. At most max_chars characters (0: all); a longer text ends in "..." (U+2026),
 * so that a long name cannot run over its neighbours. */
void anne_svg_escape(anne_svg *s, const char *text, size_t max_chars);

/* <text> at (x, y) with the CSS class cls ("t", "small", "title", ...) and text-anchor anchor ("start",
 * "middle", "end"), holding text escaped and cut to max_chars as anne_svg_escape() does. */
void anne_svg_text(anne_svg *s, double x, double y, const char *cls, const char *anchor, const char *text,
                   size_t max_chars);

/* The width in pixels of text set in the documents' sans-serif font at size px, estimated (no font is
 * measured): for layout, so that columns leave room for their labels. */
double anne_svg_text_width(const char *text, size_t max_chars, double size);

/* Writes the document to path atomically (anne_file_write). Fails on an earlier out-of-memory. */
int anne_svg_save(const anne_svg *s, const char *path, anne_error *err);

void anne_svg_free(anne_svg *s);

#endif /* ANNE_SVG_H */

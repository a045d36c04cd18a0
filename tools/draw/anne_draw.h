/* `anne draw`: a model as a picture. A dense chain as the AI-ANNE paper draws networks (neurons as
 * circles in columns, every connection a line whose width and colour give its weight's size and
 * sign); a graph model (a CNN) as its ops in boxes, in run order, with arrows along its edges. */
#ifndef ANNE_DRAW_H
#define ANNE_DRAW_H

#include <stdint.h>

#include "anne.h"
#include "anne_error.h"
#include "anne_svg.h"

/* Columns of more units than this are drawn shortened: the first ANNE_DRAW_HEAD_UNITS units, an
 * ellipsis, the last ANNE_DRAW_TAIL_UNITS, and a note saying so. */
#define ANNE_DRAW_MAX_UNITS 32u
#define ANNE_DRAW_HEAD_UNITS 10u
#define ANNE_DRAW_TAIL_UNITS 3u

/* Draws the loaded model m into s (begun and ended here); title heads the picture (escaped). Any
 * number format: Q16.16 and int8 weights are dequantized for the lines' widths. */
int anne_draw_model(anne_svg *s, const anne_model *m, const char *title, anne_error *err);

/* The two kinds, for anne_draw_model(). */
int anne_draw_dense(anne_svg *s, const anne_model *m, const char *title, anne_error *err);
int anne_draw_graph(anne_svg *s, const anne_model *m, const char *title, anne_error *err);

/* "float32", "Q16.16", "int8". */
const char *anne_draw_dtype_name(anne_dtype d);

#endif /* ANNE_DRAW_H */

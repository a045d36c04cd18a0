/* `anne draw` for dense chains, after the AI-ANNE paper's figures: the inputs and each layer's units
 * as columns of circles, every weight a line from its input to its unit (blue positive, orange
 * negative; width and opacity grow with |w|, the strongest lines on top), each layer's activation
 * under its column, class names beside the outputs. */
#include "anne_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_quant.h"

#define ANNE__COL_GAP 190.0     /* between columns: room for "N units, activation" under each */
#define ANNE__TOP 86.0          /* title, subtitle and a margin above the first neuron */
#define ANNE__LABEL_CHARS 24u   /* class names and activations are cut after this many characters */

/* A column of neurons as drawn: its units, the ones that appear, and where. */
typedef struct anne__column {
    uint16_t n;                 /* units */
    uint16_t drawn;             /* n, or ANNE_DRAW_HEAD_UNITS + ANNE_DRAW_TAIL_UNITS when shortened */
    double x, y0, dy;           /* the centre of its first slot, the distance between slots */
} anne__column;

/* A layer's weights as real numbers, whatever its format. */
typedef struct anne__weights {
    anne_layer l;
    double *w;                  /* (n_out, n_in) */
    double *b;                  /* (n_out), or NULL: no bias */
} anne__weights;

/* One line of the picture. */
typedef struct anne__edge {
    double x1, y1, x2, y2, w;
    uint16_t layer, unit, input;
} anne__edge;

const char *anne_draw_dtype_name(anne_dtype d) {
    return d == ANNE_DTYPE_Q16 ? "Q16.16" : d == ANNE_DTYPE_S8 ? "int8" : "float32";
}

/* Drawn unit d of column c: its unit index, and the y of its centre (the ellipsis takes one slot). */
static uint16_t anne__unit(const anne__column *c, uint16_t d, double *y) {
    if (c->drawn == c->n || d < ANNE_DRAW_HEAD_UNITS) {
        *y = c->y0 + d * c->dy;
        return d;
    }
    *y = c->y0 + (d + 1.0) * c->dy;
    return (uint16_t)(c->n - c->drawn + d);
}

/* The weights and bias of layer l as doubles: Q16.16 / 65536, int8 q * w_scale[unit] (the bias:
 * q * in_scale * w_scale[unit], as TFLite stores it). */
static int anne__dequantize(anne__weights *lw, anne_error *err) {
    const anne_layer *l = &lw->l;
    size_t n = (size_t)l->n_in * l->n_out, k;
    anne_s8_layer q;
    lw->w = malloc((n ? n : 1u) * sizeof *lw->w);
    lw->b = l->bias != NULL ? malloc((size_t)l->n_out * sizeof *lw->b) : NULL;
    if (lw->w == NULL || (l->bias != NULL && lw->b == NULL)) return anne_error_set(err, "out of memory");
    if (l->dtype == ANNE_DTYPE_S8 && anne_layer_s8(l, &q) != ANNE_OK) {
        return anne_error_set(err, "an int8 layer without a readable quantization record");
    }
    for (k = 0; k < n; k++) {
        switch (l->dtype) {
        case ANNE_DTYPE_Q16: lw->w[k] = ((const int32_t *)l->kernel)[k] / 65536.0; break;
        case ANNE_DTYPE_S8: lw->w[k] = ((const int8_t *)l->kernel)[k] * (double)q.w_scale[k / l->n_in]; break;
        default: lw->w[k] = ((const float *)l->kernel)[k]; break;
        }
    }
    for (k = 0; lw->b != NULL && k < l->n_out; k++) {
        switch (l->dtype) {
        case ANNE_DTYPE_Q16: lw->b[k] = ((const int32_t *)l->bias)[k] / 65536.0; break;
        case ANNE_DTYPE_S8:
            lw->b[k] = ((const int32_t *)l->bias)[k] * (double)q.in_scale * (double)q.w_scale[k];
            break;
        default: lw->b[k] = ((const float *)l->bias)[k]; break;
        }
    }
    return 0;
}

/* By |w|, ties by place: qsort is not stable, and the same model must give the same file everywhere. */
static int anne__by_magnitude(const void *a, const void *b) {
    const anne__edge *p = a, *q = b;
    double x = fabs(p->w), y = fabs(q->w);
    if (x != y) return (x > y) - (x < y);
    if (p->layer != q->layer) return (p->layer > q->layer) - (p->layer < q->layer);
    if (p->unit != q->unit) return (p->unit > q->unit) - (p->unit < q->unit);
    return (p->input > q->input) - (p->input < q->input);
}

/* The labels beside output unit j: its class name; for one sigmoid output with two classes, the class
 * a high output means and the one a low output means. Returns how many (0: no class names). */
static int anne__output_labels(const anne_model *m, uint16_t j, char lines[2][160]) {
    if (m->n_classes == m->n_outputs && m->n_outputs > 1) {
        snprintf(lines[0], sizeof lines[0], "%s", anne_model_class_name(m, j));
        return 1;
    }
    if (m->n_outputs == 1 && m->n_classes == 2) {
        snprintf(lines[0], sizeof lines[0], "high: %s", anne_model_class_name(m, 1));
        snprintf(lines[1], sizeof lines[1], "low: %s", anne_model_class_name(m, 0));
        return 2;
    }
    return 0;
}

/* Every connection between drawn neurons, weakest first (so the strongest are drawn on top). */
static anne__edge *anne__edges(const anne__column *col, const anne__weights *lw, uint16_t n_layers, size_t *n_edges,
                               double *wmax) {
    size_t n = 0, at = 0;
    uint16_t l, a, b;
    anne__edge *e;
    for (l = 0; l < n_layers; l++) n += (size_t)col[l].drawn * col[l + 1].drawn;
    if ((e = malloc((n ? n : 1u) * sizeof *e)) == NULL) return NULL;
    *wmax = 0;
    for (l = 0; l < n_layers; l++) {
        for (b = 0; b < col[l + 1].drawn; b++) {
            double yb, ya;
            uint16_t j = anne__unit(&col[l + 1], b, &yb);
            for (a = 0; a < col[l].drawn; a++) {
                uint16_t i = anne__unit(&col[l], a, &ya);
                anne__edge *x = &e[at++];
                x->x1 = col[l].x;
                x->y1 = ya;
                x->x2 = col[l + 1].x;
                x->y2 = yb;
                x->w = lw[l].w[(size_t)j * lw[l].l.n_in + i];
                x->layer = l;
                x->unit = j;
                x->input = i;
                if (fabs(x->w) > *wmax) *wmax = fabs(x->w);
            }
        }
    }
    qsort(e, n, sizeof *e, anne__by_magnitude);
    *n_edges = n;
    return e;
}

/* Column ci's circles (0: the inputs), each with a tooltip, its ellipsis when shortened, and the names
 * beside the inputs and the outputs. */
static void anne__neurons(anne_svg *s, const anne_model *m, const anne__column *c, uint16_t ci, const anne__weights *lw,
                          double r, int is_out) {
    char label[160];
    uint16_t d, k;
    double y;
    for (d = 0; d < c->drawn; d++) {
        k = anne__unit(c, d, &y);
        anne_svg_raw(s, "<circle class=\"neuron\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"" ANNE_SVG_INK
                        "\" stroke-width=\"%s\"><title>",
                     c->x, y, r, ci == 0 ? "#eef5ee" : "#ffffff", is_out ? "2.5" : "1.5");
        if (ci == 0) anne_svg_raw(s, "input x%u", k + 1u);
        else if (lw->b != NULL) anne_svg_raw(s, "layer %u, unit %u: bias %.4g", ci, k + 1u, lw->b[k]);
        else anne_svg_raw(s, "layer %u, unit %u (no bias)", ci, k + 1u);
        anne_svg_raw(s, "</title></circle>\n");
        if (ci == 0) {
            snprintf(label, sizeof label, "x%u", k + 1u);
            anne_svg_text(s, c->x - r - 8.0, y + 4.0, "t", "end", label, 0);
        } else if (is_out) {
            char lines[2][160];
            int n = anne__output_labels(m, k, lines), i;
            for (i = 0; i < n; i++) {
                anne_svg_text(s, c->x + r + 8.0, y + 4.0 + (i - (n - 1) / 2.0) * 15.0, "t", "start", lines[i], ANNE__LABEL_CHARS);
            }
        }
    }
    if (c->drawn < c->n) { /* three dots in the slot after the head */
        y = c->y0 + ANNE_DRAW_HEAD_UNITS * c->dy;
        for (d = 0; d < 3; d++) {
            anne_svg_raw(s, "<circle class=\"ellipsis\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"" ANNE_SVG_INK "\"/>\n", c->x,
                         y + (d - 1.0) * c->dy * 0.28);
        }
    }
}

/* The two or three lines under column ci: what it is, its size and activation, what is left out. */
static void anne__column_label(anne_svg *s, const anne_model *m, const anne__column *c, uint16_t ci,
                               const anne__weights *lw, double y) {
    char buf[128];
    if (ci == 0) {
        const char *scaled = m->scaling.kind == ANNE_SCALING_STANDARDIZE ? ", standardized"
                             : m->scaling.kind == ANNE_SCALING_MINMAX    ? ", min-max scaled"
                                                                         : "";
        anne_svg_text(s, c->x, y, "head", "middle", "input", 0);
        snprintf(buf, sizeof buf, "%u value%s%s", c->n, c->n == 1 ? "" : "s", scaled);
    } else {
        snprintf(buf, sizeof buf, "layer %u", ci);
        anne_svg_text(s, c->x, y, "head", "middle", buf, 0);
        snprintf(buf, sizeof buf, "%u unit%s, %s", c->n, c->n == 1 ? "" : "s", anne_activation_name(lw->l.activation));
    }
    anne_svg_text(s, c->x, y + 16.0, "t", "middle", buf, ANNE__LABEL_CHARS + 8u);
    if (c->drawn < c->n) {
        snprintf(buf, sizeof buf, "first %u and last %u drawn", ANNE_DRAW_HEAD_UNITS, ANNE_DRAW_TAIL_UNITS);
        anne_svg_text(s, c->x, y + 31.0, "small", "middle", buf, 0);
    }
}

/* What the lines mean, under the picture. */
static void anne__legend(anne_svg *s, double x, double y, double wmax, anne_dtype dtype) {
    char buf[160];
    anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" ANNE_SVG_BLUE "\" stroke-width=\"3\"/>\n", x,
                 y - 4.0, x + 26.0, y - 4.0);
    anne_svg_text(s, x + 32.0, y, "t", "start", "positive weight", 0);
    x += 32.0 + anne_svg_text_width("positive weight", 0, 12.0) + 18.0;
    anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" ANNE_SVG_ORANGE "\" stroke-width=\"3\"/>\n",
                 x, y - 4.0, x + 26.0, y - 4.0);
    anne_svg_text(s, x + 32.0, y, "t", "start", "negative weight", 0);
    snprintf(buf, sizeof buf, "width and opacity grow with |w| (largest |w| %.3g)%s%s", wmax,
             dtype != ANNE_DTYPE_F32 ? ", dequantized from " : "", dtype != ANNE_DTYPE_F32 ? anne_draw_dtype_name(dtype) : "");
    anne_svg_text(s, x + 32.0 + anne_svg_text_width("negative weight", 0, 12.0) + 18.0, y, "small", "start", buf, 0);
}

static void anne__draw_edges(anne_svg *s, const anne__edge *e, size_t n, double wmax) {
    size_t k;
    for (k = 0; k < n; k++) {
        double f = wmax > 0 ? fabs(e[k].w) / wmax : 0.0;
        anne_svg_raw(s, "<line class=\"weight\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.2f\" "
                        "stroke-opacity=\"%.2f\"><title>layer %u, unit %u: w = %.4g from ",
                     e[k].x1, e[k].y1, e[k].x2, e[k].y2, wmax == 0 ? ANNE_SVG_GREY : e[k].w >= 0 ? ANNE_SVG_BLUE : ANNE_SVG_ORANGE,
                     0.4 + 3.6 * f, 0.12 + 0.88 * f, e[k].layer + 1u, e[k].unit + 1u, e[k].w);
        if (e[k].layer == 0) anne_svg_raw(s, "x%u</title></line>\n", e[k].input + 1u);
        else anne_svg_raw(s, "unit %u of layer %u</title></line>\n", e[k].input + 1u, (unsigned)e[k].layer);
    }
}

/* Columns, their slots and the picture's size: maxslots slots high, room beside for the names. */
static void anne__layout(anne__column *col, const anne_model *m, const anne__weights *lw, double *r, double *width,
                         double *height) {
    uint16_t c, j, n_cols = (uint16_t)(m->n_layers + 1u), maxslots = 1;
    double dy, left, right = 0, h;
    char label[160];
    for (c = 0; c < n_cols; c++) {
        col[c].n = c == 0 ? m->n_inputs : lw[c - 1].l.n_out;
        col[c].drawn = col[c].n > ANNE_DRAW_MAX_UNITS ? (uint16_t)(ANNE_DRAW_HEAD_UNITS + ANNE_DRAW_TAIL_UNITS) : col[c].n;
        if (col[c].drawn + (col[c].drawn < col[c].n) > maxslots) maxslots = (uint16_t)(col[c].drawn + (col[c].drawn < col[c].n));
    }
    dy = maxslots <= 12 ? 40.0 : maxslots <= 20 ? 32.0 : 24.0;
    *r = maxslots <= 12 ? 14.0 : maxslots <= 20 ? 11.0 : 8.0;
    snprintf(label, sizeof label, "x%u", m->n_inputs);
    left = 28.0 + anne_svg_text_width(label, 0, 12.0) + 8.0 + *r;
    for (j = 0; j < m->n_outputs; j++) {
        char lines[2][160];
        int n = anne__output_labels(m, j, lines);
        while (n-- > 0) right = fmax(right, anne_svg_text_width(lines[n], ANNE__LABEL_CHARS, 12.0));
    }
    right += *r + 8.0 + 28.0;
    left = fmax(left, 90.0); /* half the widest column label */
    right = fmax(right, 90.0);
    h = maxslots * dy;
    for (c = 0; c < n_cols; c++) {
        double slots = col[c].drawn + (col[c].drawn < col[c].n);
        col[c].x = left + c * ANNE__COL_GAP;
        col[c].dy = dy;
        col[c].y0 = ANNE__TOP + (h - slots * dy) / 2.0 + dy / 2.0;
    }
    *width = fmax(left + (n_cols - 1) * ANNE__COL_GAP + right, 720.0);
    *height = ANNE__TOP + h + 120.0;
}

int anne_draw_dense(anne_svg *s, const anne_model *m, const char *title, anne_error *err) {
    anne__weights *lw = calloc(m->n_layers ? m->n_layers : 1u, sizeof *lw);
    anne__column *col = calloc((size_t)m->n_layers + 1u, sizeof *col);
    anne__edge *e = NULL;
    size_t n_edges = 0;
    unsigned long long params = 0;
    double r, width, height, wmax = 0, below;
    uint16_t l;
    char sub[200];
    int rc = 0;
    if (lw == NULL || col == NULL) rc = anne_error_set(err, "out of memory");
    for (l = 0; rc == 0 && l < m->n_layers; l++) {
        if (anne_model_layer(m, l, &lw[l].l) != ANNE_OK) rc = anne_error_set(err, "layer %u cannot be read", l + 1u);
        else rc = anne__dequantize(&lw[l], err);
        params += (unsigned long long)lw[l].l.n_in * lw[l].l.n_out + (lw[l].l.bias != NULL ? lw[l].l.n_out : 0u) +
                  (lw[l].l.activation == ANNE_ACT_PRELU ? lw[l].l.n_out : 0u);
    }
    if (rc == 0) {
        anne__layout(col, m, lw, &r, &width, &height);
        if ((e = anne__edges(col, lw, m->n_layers, &n_edges, &wmax)) == NULL) rc = anne_error_set(err, "out of memory");
    }
    if (rc == 0) {
        anne_svg_begin(s, width, height, title);
        anne_svg_text(s, 24.0, 30.0, "title", "start", title, 60);
        snprintf(sub, sizeof sub, "dense network: %u input%s, %u layer%s, %llu parameters, %s", m->n_inputs,
                 m->n_inputs == 1 ? "" : "s", m->n_layers, m->n_layers == 1 ? "" : "s", params,
                 anne_draw_dtype_name(anne_model_dtype(m)));
        anne_svg_text(s, 24.0, 50.0, "small", "start", sub, 0);
        anne__draw_edges(s, e, n_edges, wmax);
        below = height - 120.0 + 28.0;
        for (l = 0; l <= m->n_layers; l++) {
            anne__neurons(s, m, &col[l], l, l > 0 ? &lw[l - 1] : NULL, r, l == m->n_layers);
            anne__column_label(s, m, &col[l], l, l > 0 ? &lw[l - 1] : NULL, below);
        }
        anne__legend(s, 24.0, height - 24.0, wmax, anne_model_dtype(m));
        anne_svg_end(s);
        if (s->oom) rc = anne_error_set(err, "out of memory");
    }
    for (l = 0; lw != NULL && l < m->n_layers; l++) {
        free(lw[l].w);
        free(lw[l].b);
    }
    free(lw);
    free(col);
    free(e);
    return rc;
}

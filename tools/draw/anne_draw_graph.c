/* `anne draw` for graph models: one box per tensor, in run order from top to bottom (the inputs first,
 * then each op with its name, activation, window or attributes and output shape, numbered as `anne info`
 * numbers them). An edge to the next box is a short arrow down; any other edge (a skip connection, a
 * second input of a merge, a model input used further down) runs on the right in a lane of its own,
 * so that no edge crosses a box and nested edges never overlap. */
#include "anne_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_graph_info.h"
#include "anne_quant.h"

#define ANNE__BOX_H 58.0
#define ANNE__PITCH 88.0        /* from one box's top to the next one's */
#define ANNE__TOP 76.0
#define ANNE__LEFT 96.0         /* room for the "output k" tags */
#define ANNE__LANE 14.0         /* between the lanes of the long edges */
#define ANNE__LINE_CHARS 52u    /* a box's lines are cut after this many characters */

/* An edge from tensor src to the op writing tensor dst (rows: tensor indices). */
typedef struct anne__gedge {
    uint16_t src, dst;
    int lane;                   /* -1: straight down to the next row */
} anne__gedge;

/* A box's three lines. */
typedef struct anne__box {
    char head[96], attr[128], shape[160];
    int is_output, weighted;
    int output_k;               /* "output" tags drawn beside it so far */
} anne__box;

static void anne__box_text(const anne_model *m, uint16_t t, anne__box *b) {
    anne_graph_op_info v;
    char shape[64];
    memset(b, 0, sizeof *b);
    if (t < m->n_input_tensors) {
        anne_tensor in;
        anne_model_tensor(m, t, &in);
        anne_graph_shape_text(&in, shape, sizeof shape);
        if (m->n_input_tensors > 1) snprintf(b->head, sizeof b->head, "Input %u", t);
        else snprintf(b->head, sizeof b->head, "Input");
        snprintf(b->shape, sizeof b->shape, "#%u  %s", t, shape);
        return;
    }
    anne_graph_op_info_get(m, (uint16_t)(t - m->n_input_tensors), &v);
    if (v.op.activation != ANNE_ACT_LINEAR) {
        snprintf(b->head, sizeof b->head, "%s + %s", anne_graph_op_name(v.op.kind), anne_activation_name(v.op.activation));
    } else {
        snprintf(b->head, sizeof b->head, "%s", anne_graph_op_name(v.op.kind));
    }
    anne_graph_attr_text(&v, b->attr, sizeof b->attr);
    anne_graph_shape_text(&v.out, shape, sizeof shape);
    if (v.params > 0) {
        snprintf(b->shape, sizeof b->shape, "#%u  %s, %llu params", t, shape, (unsigned long long)v.params);
    } else {
        snprintf(b->shape, sizeof b->shape, "#%u  %s", t, shape);
    }
    b->weighted = v.params > 0;
}

static int anne__by_length(const void *a, const void *b) {
    const anne__gedge *x = a, *y = b;
    int lx = x->dst - x->src, ly = y->dst - y->src;
    return lx != ly ? (lx > ly) - (lx < ly) : (x->src > y->src) - (x->src < y->src);
}

/* Lanes for the long edges (e sorted here): the shortest nearest the boxes, so that nested edges never
 * cross; two edges share a lane when their rows do not overlap, or when they leave the same box (a
 * fork). Returns the lanes used. */
static int anne__lanes(anne__gedge *e, size_t n) {
    int lanes = 0, lane, clash;
    size_t k, i;
    qsort(e, n, sizeof *e, anne__by_length);
    for (k = 0; k < n; k++) {
        if (e[k].dst - e[k].src == 1) continue; /* straight down */
        for (lane = 0;; lane++) {
            clash = 0;
            for (i = 0; i < k && !clash; i++) {
                clash = e[i].lane == lane && e[i].src != e[k].src && e[i].src < e[k].dst && e[k].src < e[i].dst;
            }
            if (!clash) break;
        }
        e[k].lane = lane;
        if (lane + 1 > lanes) lanes = lane + 1;
    }
    return lanes;
}

/* The box of tensor t at (x, y), bw wide; a thicker frame for the model's outputs. */
static void anne__box_draw(anne_svg *s, const anne__box *b, uint16_t t, int is_input, double x, double y, double bw) {
    const char *fill = is_input ? "#e9f5e9" : b->weighted ? "#e7f0fa" : "#f3f3f3";
    int two = b->attr[0] == '\0';
    anne_svg_raw(s, "<rect class=\"%s\" data-tensor=\"%u\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" fill=\"%s\" "
                    "stroke=\"" ANNE_SVG_INK "\" stroke-width=\"%s\"/>\n",
                 is_input ? "input" : "op", t, x, y, bw, ANNE__BOX_H, fill, b->is_output ? "2.5" : "1");
    anne_svg_text(s, x + 12.0, y + (two ? 23.0 : 19.0), "head", "start", b->head, ANNE__LINE_CHARS);
    if (!two) anne_svg_text(s, x + 12.0, y + 35.0, "mono", "start", b->attr, ANNE__LINE_CHARS);
    anne_svg_text(s, x + 12.0, y + (two ? 43.0 : 51.0), "small", "start", b->shape, ANNE__LINE_CHARS);
}

/* Edges into every op: straight down from the row above, else along a lane on the right. */
static void anne__edges_draw(anne_svg *s, const anne__gedge *e, size_t n, double bw) {
    double xr = ANNE__LEFT + bw, cx = ANNE__LEFT + bw / 2.0;
    size_t k;
    for (k = 0; k < n; k++) {
        double ys = ANNE__TOP + e[k].src * ANNE__PITCH, yd = ANNE__TOP + e[k].dst * ANNE__PITCH;
        if (e[k].lane < 0) {
            anne_svg_raw(s, "<line class=\"edge\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\" "
                            "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n", cx, ys + ANNE__BOX_H, cx, yd - 1.0);
        } else {
            /* a white halo under the line (not over the boxes' frames): where it crosses a lane drawn
             * before, that one shows a gap */
            double y1 = ys + ANNE__BOX_H / 2.0 + 8.0, xl = xr + 18.0 + e[k].lane * ANNE__LANE, y2 = yd + ANNE__BOX_H / 2.0 - 8.0;
            anne_svg_raw(s, "<path d=\"M %.1f %.1f H %.1f V %.1f H %.1f\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"5\"/>\n",
                         xr + 4.0, y1, xl, y2, xr + 12.0);
            anne_svg_raw(s, "<path class=\"edge\" d=\"M %.1f %.1f H %.1f V %.1f H %.1f\" fill=\"none\" stroke=\"#555555\" "
                            "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n", xr, y1, xl, y2, xr + 1.0);
        }
    }
}

/* "output" tags left of the output boxes, and the class names under the picture. */
static void anne__outputs_draw(anne_svg *s, const anne_model *m, anne__box *boxes, double y_end) {
    char tag[64];
    uint16_t k;
    for (k = 0; k < m->n_output_tensors; k++) {
        anne_model_io io;
        anne_model_output(m, k, &io);
        if (m->n_output_tensors > 1) snprintf(tag, sizeof tag, "output %u", k);
        else snprintf(tag, sizeof tag, "output");
        anne_svg_text(s, ANNE__LEFT - 10.0, ANNE__TOP + io.tensor * ANNE__PITCH + ANNE__BOX_H / 2.0 + 4.0 + 13.0 * (boxes[io.tensor].output_k++),
                      "t", "end", tag, 0);
    }
    if (m->n_classes > 0) { /* one text, escaped as a whole, cut so that it stays in the picture */
        size_t cap = 32u, at = 0;
        char *list;
        for (k = 0; k < m->n_classes; k++) cap += strlen(anne_model_class_name(m, k)) + 2u;
        if ((list = malloc(cap)) == NULL) {
            s->oom = 1;
            return;
        }
        at = (size_t)snprintf(list, cap, "classes: ");
        for (k = 0; k < m->n_classes; k++) at += (size_t)snprintf(list + at, cap - at, "%s%s", k ? ", " : "", anne_model_class_name(m, k));
        anne_svg_text(s, ANNE__LEFT, y_end, "t", "start", list, 80);
        free(list);
    }
}

int anne_draw_graph(anne_svg *s, const anne_model *m, const char *title, anne_error *err) {
    uint16_t n_t = (uint16_t)(m->n_input_tensors + m->n_ops), t, j;
    anne__box *boxes = calloc(n_t, sizeof *boxes);
    anne__gedge *e;
    size_t n_e = 0, k = 0;
    unsigned long long params = 0;
    double bw = 240.0, width, height;
    int lanes;
    char sub[200];
    anne_op op;
    for (t = 0; t < m->n_ops; t++) {
        anne_model_op(m, t, &op);
        n_e += op.n_inputs;
    }
    e = malloc((n_e ? n_e : 1u) * sizeof *e);
    if (boxes == NULL || e == NULL) {
        free(boxes);
        free(e);
        return anne_error_set(err, "out of memory");
    }
    for (t = 0; t < n_t; t++) {
        anne__box_text(m, t, &boxes[t]);
        bw = fmax(bw, 24.0 + anne_svg_text_width(boxes[t].head, ANNE__LINE_CHARS, 13.0));
        bw = fmax(bw, 24.0 + 6.7 * (double)strlen(boxes[t].attr)); /* monospace, 11 px */
        bw = fmax(bw, 24.0 + anne_svg_text_width(boxes[t].shape, ANNE__LINE_CHARS, 10.0));
    }
    for (t = 0; t < m->n_output_tensors; t++) {
        anne_model_io io;
        anne_model_output(m, t, &io);
        boxes[io.tensor].is_output = 1;
    }
    for (t = 0; t < m->n_ops; t++) {
        anne_graph_op_info v;
        anne_graph_op_info_get(m, t, &v);
        params += v.params;
        for (j = 0; j < v.op.n_inputs; j++) {
            e[k].src = v.op.inputs[j];
            e[k].dst = v.op.output;
            e[k++].lane = -1;
        }
    }
    lanes = anne__lanes(e, n_e);
    for (t = 0; t < n_t; t++) boxes[t].output_k = 0; /* from here: tags drawn beside the box so far */
    width = fmax(ANNE__LEFT + bw + 18.0 + lanes * ANNE__LANE + 40.0, 560.0);
    height = ANNE__TOP + n_t * ANNE__PITCH + (m->n_classes > 0 ? 34.0 : 10.0);
    anne_svg_begin(s, width, height, title);
    anne_svg_raw(s, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
                    "orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555555\"/></marker></defs>\n");
    anne_svg_text(s, 24.0, 30.0, "title", "start", title, 60);
    snprintf(sub, sizeof sub, "graph model: %u op%s, %llu parameters, %s, arena %lu bytes", m->n_ops, m->n_ops == 1 ? "" : "s",
             params, anne_draw_dtype_name(anne_model_dtype(m)), (unsigned long)anne_model_arena_size(m));
    anne_svg_text(s, 24.0, 50.0, "small", "start", sub, 0);
    anne__edges_draw(s, e, n_e, bw);
    for (t = 0; t < n_t; t++) anne__box_draw(s, &boxes[t], t, t < m->n_input_tensors, ANNE__LEFT, ANNE__TOP + t * ANNE__PITCH, bw);
    anne__outputs_draw(s, m, boxes, height - 14.0);
    anne_svg_end(s);
    free(boxes);
    free(e);
    return s->oom ? anne_error_set(err, "out of memory") : 0;
}

int anne_draw_model(anne_svg *s, const anne_model *m, const char *title, anne_error *err) {
    return m->op_table != NULL ? anne_draw_graph(s, m, title, err) : anne_draw_dense(s, m, title, err);
}

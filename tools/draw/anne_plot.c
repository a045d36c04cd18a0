/* `anne plot`: learning curves. One panel per metric (loss first), each with the training and the
 * validation line, axes with "nice" ticks (1, 2, 2.5 or 5 times a power of ten), a legend above the
 * axes (never over the curves) and the best epoch marked. */
#include "anne_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A panel's size and its axes' place in it, in pixels. */
#define ANNE__PW 470.0
#define ANNE__PH 330.0
#define ANNE__LEFT 74.0         /* room for the tick labels and the rotated axis title */
#define ANNE__RIGHT 22.0
#define ANNE__TOP 46.0          /* panel title and legend */
#define ANNE__BOTTOM 52.0       /* tick labels and "epoch" */
#define ANNE__HEAD 62.0         /* the picture's title and subtitle */
#define ANNE__MARKERS_UP_TO 30u /* histories this short also get a dot on every point */
#define ANNE__NAME_CHARS 28u    /* metric names are cut after this many characters */
#define ANNE__MAX_TICKS 50.0
#define ANNE__MAX_VALUE 1e100   /* larger values are refused: their ranges would overflow */

typedef struct anne__panel {
    const char *metric;         /* "loss", "accuracy": the column name without "val_" */
    const double *train, *val;  /* (n) each, or NULL when the file has no such column */
    const char *train_name, *val_name;
} anne__panel;

/* One axis: the value range [lo, hi] drawn and the distance of its ticks. */
typedef struct anne__axis {
    double lo, hi, step;
} anne__axis;

typedef struct anne__plot {
    size_t n;                   /* epochs (rows) */
    const double *epoch;        /* (n), or NULL: 1, 2, ... */
    anne__panel panel[ANNE_PLOT_MAX_PANELS];
    int n_panels;
    long best;                  /* row of the lowest val_loss, or -1 */
} anne__plot;

static double anne__x(const anne__plot *p, size_t r) {
    return p->epoch != NULL ? p->epoch[r] : (double)r + 1.0;
}

/* 1, 2, 2.5, 5 or 10 times a power of ten: about range / target. */
static double anne__nice_step(double range, int target) {
    double raw = range / target, mag = pow(10.0, floor(log10(raw))), f = raw / mag;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 2.5 ? 2.5 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

/* Fits an axis around [min, max], widened when flat. The epoch axis (`epochs`) keeps the data's range
 * and has no tick step below 1; the value axis is moved out to whole ticks, and a range inside [0, 1]
 * (accuracy) stays inside it. */
static void anne__axis_fit(anne__axis *a, double min, double max, int epochs) {
    int unit = !epochs && min >= 0.0 && max <= 1.0;
    if (max - min <= 1e-12 * fmax(1.0, fmax(fabs(min), fabs(max)))) {
        double pad = fabs(max) > 0.0 ? fabs(max) * 0.05 : 0.5;
        if (epochs) pad = 1.0;
        min -= pad;
        max += pad;
    }
    if (!epochs) { /* a margin, so that no point lies on the frame */
        double m = 0.04 * (max - min);
        min -= m;
        max += m;
    }
    a->step = anne__nice_step(max - min, epochs ? 8 : 5);
    if (epochs && a->step < 1.0) a->step = 1.0;
    a->lo = epochs ? min : floor(min / a->step) * a->step;
    a->hi = epochs ? max : ceil(max / a->step) * a->step;
    if (unit) {
        a->lo = fmax(a->lo, 0.0);
        a->hi = fmin(a->hi, 1.0);
    }
}

/* A tick label with as many decimals as the step needs (0.25 -> 2), or %g for very large or small. */
static void anne__tick_text(char *buf, size_t cap, double v, double step) {
    int d = 0;
    if (fabs(v) < step * 1e-9) v = 0.0; /* no "-0" or "1e-17" from the sum of steps */
    while (d < 7 && fabs(step * pow(10.0, d) - floor(step * pow(10.0, d) + 0.5)) > 1e-6) d++;
    if (fabs(v) >= 1e6 || d >= 7) snprintf(buf, cap, "%.3g", v);
    else snprintf(buf, cap, "%.*f", d, v);
}

/* The columns of t as panels: X and val_X together, loss first. */
static int anne__panels(anne__plot *p, const anne_csv *t, size_t epoch_col, anne_error *err) {
    size_t c;
    int k;
    for (c = 0; c < t->n_cols; c++) {
        const char *name = t->cols[c].name;
        int val = strncmp(name, "val_", 4) == 0 && name[4] != '\0';
        const char *metric = val ? name + 4 : name;
        anne__panel *pn = NULL;
        if (c == epoch_col) continue;
        for (k = 0; k < p->n_panels && pn == NULL; k++) {
            if (strcmp(p->panel[k].metric, metric) == 0) pn = &p->panel[k];
        }
        if (pn == NULL) {
            if (p->n_panels == ANNE_PLOT_MAX_PANELS) continue; /* documented: the first six metrics */
            pn = &p->panel[p->n_panels++];
            pn->metric = metric;
        }
        if (val && pn->val == NULL) {
            pn->val = t->cols[c].num;
            pn->val_name = name;
        } else if (!val && pn->train == NULL) {
            pn->train = t->cols[c].num;
            pn->train_name = name;
        }
    }
    if (p->n_panels == 0) {
        return anne_error_set(err, "%s: no metric column (expected loss, accuracy, val_loss, ... beside epoch)", t->path);
    }
    for (k = 1; k < p->n_panels; k++) { /* loss first, the others in the file's order */
        if (strcmp(p->panel[k].metric, "loss") == 0) {
            anne__panel loss = p->panel[k];
            memmove(&p->panel[1], &p->panel[0], (size_t)k * sizeof p->panel[0]);
            p->panel[0] = loss;
        }
    }
    return 0;
}

/* Reads t into p: every value a number, epochs increasing, the panels, the best epoch. */
static int anne__plot_read(anne__plot *p, const anne_csv *t, anne_error *err) {
    size_t c, r, epoch_col = ANNE_CSV_NO_COLUMN;
    memset(p, 0, sizeof *p);
    p->n = t->n_rows;
    p->best = -1;
    if (t->n_rows == 0) return anne_error_set(err, "%s: no epochs (a header and no rows)", t->path);
    for (c = 0; c < t->n_cols; c++) {
        if (t->cols[c].num == NULL) { /* the reader's message names the line, the column and the value */
            float *x = NULL;
            size_t nf;
            int rc = anne_csv_features(t, ANNE_CSV_NO_COLUMN, &x, &nf, err);
            free(x);
            if (rc == 0) anne_error_set(err, "%s: column \"%s\" holds a value that is not a number", t->path, t->cols[c].name);
            return -1;
        }
        if (strcmp(t->cols[c].name, "epoch") == 0 && epoch_col == ANNE_CSV_NO_COLUMN) epoch_col = c;
        for (r = 0; r < t->n_rows; r++) {
            if (fabs(t->cols[c].num[r]) > ANNE__MAX_VALUE) {
                return anne_error_set(err, "%s: line %zu, column \"%s\": %g is too large to plot (at most %g)", t->path,
                                      anne_csv_line(t, r), t->cols[c].name, t->cols[c].num[r], ANNE__MAX_VALUE);
            }
        }
    }
    if (epoch_col != ANNE_CSV_NO_COLUMN) {
        p->epoch = t->cols[epoch_col].num;
        for (r = 1; r < t->n_rows; r++) {
            if (!(p->epoch[r] > p->epoch[r - 1])) {
                return anne_error_set(err, "%s: line %zu: epoch %g after epoch %g, expected increasing epochs", t->path,
                                      anne_csv_line(t, r), p->epoch[r], p->epoch[r - 1]);
            }
        }
    }
    if (anne__panels(p, t, epoch_col, err) != 0) return -1;
    if (strcmp(p->panel[0].metric, "loss") == 0 && p->panel[0].val != NULL) {
        p->best = 0;
        for (r = 1; r < p->n; r++) {
            if (p->panel[0].val[r] < p->panel[0].val[p->best]) p->best = (long)r;
        }
    }
    return 0;
}

/* The axes' frame: the area [x0, x1] x [y0, y1] in pixels and the ranges drawn in it. */
typedef struct anne__frame {
    double x0, x1, y0, y1;
    anne__axis ax, ay;
} anne__frame;

static double anne__px(const anne__frame *f, double v) {
    return f->x0 + (v - f->ax.lo) / (f->ax.hi - f->ax.lo) * (f->x1 - f->x0);
}

static double anne__py(const anne__frame *f, double v) {
    return f->y1 - (v - f->ay.lo) / (f->ay.hi - f->ay.lo) * (f->y1 - f->y0);
}

/* Grid lines, tick labels, the frame and the axis titles. */
static void anne__axes(anne_svg *s, const anne__frame *f, const char *metric) {
    char buf[48];
    double v, first;
    long k, n;
    /* tick k at lo + k * step, counted (never v += step: near 1e17 a step of 2 is below the spacing of
     * doubles and v would not move); the nice steps give about 5 and 8 ticks, the cap is a guard */
    n = (long)fmin(floor((f->ay.hi - f->ay.lo) / f->ay.step + 0.5), ANNE__MAX_TICKS);
    for (k = 0; k <= n; k++) {
        v = f->ay.lo + (double)k * f->ay.step;
        anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n", f->x0, anne__py(f, v),
                     f->x1, anne__py(f, v));
        anne__tick_text(buf, sizeof buf, v, f->ay.step);
        anne_svg_text(s, f->x0 - 6.0, anne__py(f, v) + 4.0, "small", "end", buf, 0);
    }
    first = ceil(f->ax.lo / f->ax.step - 1e-9) * f->ax.step;
    n = (long)fmin(floor((f->ax.hi - first) / f->ax.step + 1e-9), ANNE__MAX_TICKS);
    for (k = 0; k <= n; k++) {
        v = first + (double)k * f->ax.step;
        anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555555\"/>\n", anne__px(f, v), f->y1,
                     anne__px(f, v), f->y1 + 4.0);
        anne__tick_text(buf, sizeof buf, v, f->ax.step);
        anne_svg_text(s, anne__px(f, v), f->y1 + 16.0, "small", "middle", buf, 0);
    }
    anne_svg_raw(s, "<rect class=\"axes\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#555555\"/>\n", f->x0,
                 f->y0, f->x1 - f->x0, f->y1 - f->y0);
    anne_svg_text(s, (f->x0 + f->x1) / 2.0, f->y1 + 36.0, "t", "middle", "epoch", 0);
    anne_svg_raw(s, "<g transform=\"translate(%.1f %.1f) rotate(-90)\">", f->x0 - 56.0, (f->y0 + f->y1) / 2.0);
    anne_svg_text(s, 0.0, 0.0, "t", "middle", metric, ANNE__NAME_CHARS);
    anne_svg_raw(s, "</g>\n");
}

/* One line: a polyline with one point per epoch; data-series names its column (for tests and for
 * people reading the file). */
static void anne__series(anne_svg *s, const anne__frame *f, const anne__plot *p, const double *v, const char *name,
                         const char *colour, int dashed) {
    size_t r;
    anne_svg_raw(s, "<polyline data-series=\"");
    anne_svg_escape(s, name, 0);
    anne_svg_raw(s, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s points=\"", colour,
                 dashed ? " stroke-dasharray=\"7 4\"" : "");
    for (r = 0; r < p->n; r++) anne_svg_raw(s, "%s%.2f,%.2f", r ? " " : "", anne__px(f, anne__x(p, r)), anne__py(f, v[r]));
    anne_svg_raw(s, "\"/>\n");
    if (p->n <= ANNE__MARKERS_UP_TO) {
        for (r = 0; r < p->n; r++) {
            anne_svg_raw(s, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>\n", anne__px(f, anne__x(p, r)),
                         anne__py(f, v[r]), colour);
        }
    }
}

/* The legend, right-aligned above the axes: a line sample and a name for each line the panel has. */
static void anne__legend(anne_svg *s, const anne__panel *pn, double right, double y) {
    double x = right;
    if (pn->val != NULL) {
        x -= anne_svg_text_width("validation", 0, 12.0);
        anne_svg_text(s, x, y + 4.0, "t", "start", "validation", 0);
        anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" "
                        "stroke-dasharray=\"7 4\"/>\n", x - 30.0, y, x - 6.0, y, ANNE_SVG_ORANGE);
        x -= 48.0;
    }
    if (pn->train != NULL) {
        x -= anne_svg_text_width("train", 0, 12.0);
        anne_svg_text(s, x, y + 4.0, "t", "start", "train", 0);
        anne_svg_raw(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n", x - 30.0,
                     y, x - 6.0, y, ANNE_SVG_BLUE);
    }
}

static void anne__panel_draw(anne_svg *s, const anne__plot *p, const anne__panel *pn, double px, double py) {
    anne__frame f;
    double lo = INFINITY, hi = -INFINITY;
    size_t r;
    for (r = 0; r < p->n; r++) {
        if (pn->train != NULL) lo = fmin(lo, pn->train[r]), hi = fmax(hi, pn->train[r]);
        if (pn->val != NULL) lo = fmin(lo, pn->val[r]), hi = fmax(hi, pn->val[r]);
    }
    f.x0 = px + ANNE__LEFT;
    f.x1 = px + ANNE__PW - ANNE__RIGHT;
    f.y0 = py + ANNE__TOP;
    f.y1 = py + ANNE__PH - ANNE__BOTTOM;
    anne__axis_fit(&f.ax, anne__x(p, 0), anne__x(p, p->n - 1), 1);
    anne__axis_fit(&f.ay, lo, hi, 0);
    anne_svg_text(s, f.x0, py + 26.0, "head", "start", pn->metric, ANNE__NAME_CHARS);
    anne__legend(s, pn, f.x1, py + 22.0);
    anne__axes(s, &f, pn->metric);
    if (p->best >= 0) { /* behind the lines: a dashed rule at the best epoch */
        double bx = anne__px(&f, anne__x(p, (size_t)p->best));
        anne_svg_raw(s, "<line class=\"best\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"" ANNE_SVG_GREY
                        "\" stroke-dasharray=\"3 3\"/>\n", bx, f.y0, bx, f.y1);
    }
    if (pn->train != NULL) anne__series(s, &f, p, pn->train, pn->train_name, ANNE_SVG_BLUE, 0);
    if (pn->val != NULL) anne__series(s, &f, p, pn->val, pn->val_name, ANNE_SVG_ORANGE, 1);
    if (p->best >= 0 && pn->val != NULL) {
        anne_svg_raw(s, "<circle class=\"best\" cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"none\" stroke=\"" ANNE_SVG_INK
                        "\" stroke-width=\"1.5\"/>\n", anne__px(&f, anne__x(p, (size_t)p->best)), anne__py(&f, pn->val[p->best]));
    }
}

int anne_plot_history(anne_svg *s, const anne_csv *t, const char *title, anne_error *err) {
    anne__plot p;
    char sub[160];
    int k, cols;
    if (anne__plot_read(&p, t, err) != 0) return -1;
    cols = p.n_panels < 2 ? 1 : 2;
    anne_svg_begin(s, cols * ANNE__PW + 20.0, ANNE__HEAD + ((p.n_panels + 1) / 2) * ANNE__PH + 10.0, title);
    anne_svg_text(s, 20.0 + ANNE__LEFT, 28.0, "title", "start", title, 60);
    if (p.best >= 0) {
        snprintf(sub, sizeof sub, "%zu epoch%s; lowest val_loss %.4g at epoch %g (circled)", p.n, p.n == 1 ? "" : "s",
                 p.panel[0].val[p.best], anne__x(&p, (size_t)p.best));
    } else {
        snprintf(sub, sizeof sub, "%zu epoch%s", p.n, p.n == 1 ? "" : "s");
    }
    anne_svg_text(s, 20.0 + ANNE__LEFT, 48.0, "small", "start", sub, 0);
    for (k = 0; k < p.n_panels; k++) {
        anne__panel_draw(s, &p, &p.panel[k], 10.0 + (k % 2) * ANNE__PW, ANNE__HEAD + (k / 2) * ANNE__PH);
    }
    anne_svg_end(s);
    return s->oom ? anne_error_set(err, "out of memory") : 0;
}

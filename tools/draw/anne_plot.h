/* `anne plot`: the learning curves of a training history as an SVG picture. */
#ifndef ANNE_PLOT_H
#define ANNE_PLOT_H

#include "anne_csv.h"
#include "anne_error.h"
#include "anne_svg.h"

/* Most panels one picture has: loss first, then the other metrics in the file's column order. */
#define ANNE_PLOT_MAX_PANELS 6

/* Draws the history t into s (begun and ended here). t: the CSV `anne train --history` writes (epoch,
 * loss, accuracy, val_loss, val_accuracy; a regression model's has no accuracy), or Keras' CSVLogger's:
 * an optional "epoch" column (else the rows are epochs 1, 2, ...; if present its values must increase)
 * and any number of metric columns. A column X and val_X share a panel: X is the training line,
 * val_X the validation line; either may be missing. With a val_loss column, the epoch of the lowest
 * val_loss (the first on a tie, the one `anne train --patience` keeps) is marked in every panel.
 * Errors: no data rows, no metric column, a value that is not a number (line, column and value
 * named), an epoch that does not increase. title: the picture's heading (escaped). */
int anne_plot_history(anne_svg *s, const anne_csv *t, const char *title, anne_error *err);

#endif /* ANNE_PLOT_H */

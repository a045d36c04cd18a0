/* `anne plot HISTORY.csv -o OUT.svg`: the learning curves of `anne train --history` as an SVG picture. */
#include <stdio.h>
#include <string.h>

#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_picture_cli.h"
#include "anne_plot.h"

#define ANNE__PLOT_USAGE "anne plot HISTORY.csv -o OUT.svg [--title TEXT]"

static void anne__plot_help(FILE *out) {
    fprintf(out, "usage: " ANNE__PLOT_USAGE "\n"
                 "\n"
                 "Draws the learning curves of a training history (the CSV `anne train --history` writes, or\n"
                 "Keras' CSVLogger's) as an SVG picture: a panel for the loss and one for each other metric\n"
                 "(accuracy, ...), each with the training line and the validation line (val_*), and the epoch of\n"
                 "the lowest val_loss marked. Columns the file lacks (no validation) are left out.\n"
                 "\n"
                 "options:\n"
                 "  -o, --output OUT.svg   the picture (written atomically)\n"
                 "  --title TEXT           its heading (default: HISTORY.csv's name)\n"
                 "  -h, --help             show this help\n");
}

int anne_cmd_plot(int argc, char **argv) {
    anne_picture_args a;
    anne_csv t;
    anne_svg svg;
    anne_error err;
    int rc;
    if ((rc = anne_picture_args_parse(&a, "plot", ANNE__PLOT_USAGE, anne__plot_help, "HISTORY.csv", argc, argv)) >= 0) {
        return rc;
    }
    memset(&svg, 0, sizeof svg);
    rc = anne_csv_read(&t, a.in, &err);
    if (rc == 0) rc = anne_plot_history(&svg, &t, a.title != NULL ? a.title : anne_picture_basename(a.in), &err);
    anne_csv_free(&t);
    return anne_picture_finish(&svg, rc, "plot", &a, &err);
}

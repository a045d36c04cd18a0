/* `anne plot HISTORY.csv -o OUT.svg`: the learning curves of `anne train --history` as an SVG picture. */
#include <stdio.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_csv.h"
#include "anne_plot.h"
#include "anne_svg.h"

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
    const char *path = NULL, *out = NULL, *title = NULL;
    const anne_cli_opt opts[] = {
        {"-o", "--output", NULL, 0, &out, NULL, NULL, "-o needs a file name"},
        {"--title", NULL, NULL, 0, &title, NULL, NULL, "--title needs a text"},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"plot", ANNE__PLOT_USAGE, anne__plot_help, opts, &path, 1, "too many arguments ('%s')"};
    anne_csv t;
    anne_svg svg;
    anne_error err;
    int n_pos, rc;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (path == NULL) return anne_cli_spec_error(&spec, "expected HISTORY.csv");
    if (out == NULL) return anne_cli_spec_error(&spec, "needs -o OUT.svg");
    if (title == NULL) {
        const char *slash = strrchr(path, '/');
        title = slash != NULL ? slash + 1 : path;
    }
    memset(&svg, 0, sizeof svg);
    rc = anne_csv_read(&t, path, &err);
    if (rc == 0) rc = anne_plot_history(&svg, &t, title, &err);
    if (rc == 0) rc = anne_svg_save(&svg, out, &err);
    anne_svg_free(&svg);
    anne_csv_free(&t);
    return rc == 0 ? 0 : anne_cli_fail("plot", err.msg);
}

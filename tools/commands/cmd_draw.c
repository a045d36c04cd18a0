/* `anne draw MODEL -o OUT.svg`: a model as a picture (tools/draw/): a dense network's neurons and
 * weights as the AI-ANNE paper draws them, or a graph model's ops and edges. */
#include <stdio.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_draw.h"
#include "anne_ir.h"
#include "anne_svg.h"

#define ANNE__DRAW_USAGE "anne draw MODEL -o OUT.svg [--title TEXT]"

static void anne__draw_help(FILE *out) {
    fprintf(out, "usage: " ANNE__DRAW_USAGE "\n"
                 "\n"
                 "Draws MODEL (anything `anne convert` reads: .anne in any number format, ANNE JSON, Keras .h5 or\n"
                 ".keras, TF.js model.json, .tflite) as an SVG picture.\n"
                 "A dense network: its inputs and each layer's units as columns of circles, every weight a line\n"
                 "(blue positive, orange negative, wider and darker the larger |w|; Q16.16 and int8 weights\n"
                 "dequantized), each layer's activation under its column, class names beside the outputs. A\n"
                 "column of more than %u units shows its first %u and last %u, with an ellipsis.\n"
                 "A graph model (a CNN): one box per op from top to bottom with its kind, activation, window or\n"
                 "attributes and output shape (numbered as `anne info` numbers them), and arrows along the edges.\n"
                 "\n"
                 "options:\n"
                 "  -o, --output OUT.svg   the picture (written atomically)\n"
                 "  --title TEXT           its heading (default: the model's name, else MODEL's file name)\n"
                 "  -h, --help             show this help\n",
            ANNE_DRAW_MAX_UNITS, ANNE_DRAW_HEAD_UNITS, ANNE_DRAW_TAIL_UNITS);
}

int anne_cmd_draw(int argc, char **argv) {
    const char *path = NULL, *out = NULL, *title = NULL;
    const anne_cli_opt opts[] = {
        {"-o", "--output", NULL, 0, &out, NULL, NULL, "-o needs a file name"},
        {"--title", NULL, NULL, 0, &title, NULL, NULL, "--title needs a text"},
        {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL},
    };
    const anne_cli_spec spec = {"draw", ANNE__DRAW_USAGE, anne__draw_help, opts, &path, 1, "too many arguments ('%s')"};
    anne_loaded lm;
    anne_svg svg;
    anne_error err;
    int n_pos, rc;
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (path == NULL) return anne_cli_spec_error(&spec, "expected MODEL");
    if (out == NULL) return anne_cli_spec_error(&spec, "needs -o OUT.svg");
    memset(&svg, 0, sizeof svg);
    if (anne_loaded_open(&lm, path, &err) != 0) return anne_cli_fail("draw", err.msg);
    if (title == NULL) {
        const char *slash = strrchr(path, '/');
        title = lm.model.name[0] != '\0' ? lm.model.name : slash != NULL ? slash + 1 : path;
    }
    rc = anne_draw_model(&svg, &lm.model, title, &err);
    if (rc == 0) rc = anne_svg_save(&svg, out, &err);
    anne_svg_free(&svg);
    anne_loaded_close(&lm);
    return rc == 0 ? 0 : anne_cli_fail("draw", err.msg);
}

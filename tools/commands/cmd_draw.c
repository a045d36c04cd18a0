/* `anne draw MODEL -o OUT.svg`: a model as a picture (tools/draw/): a dense network's neurons and
 * weights as the AI-ANNE paper draws them, or a graph model's ops and edges. */
#include <stdio.h>
#include <string.h>

#include "anne_commands.h"
#include "anne_draw.h"
#include "anne_ir.h"
#include "anne_picture_cli.h"

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
    anne_picture_args a;
    anne_loaded lm;
    anne_svg svg;
    anne_error err;
    int rc;
    if ((rc = anne_picture_args_parse(&a, "draw", ANNE__DRAW_USAGE, anne__draw_help, "MODEL", argc, argv)) >= 0) return rc;
    memset(&svg, 0, sizeof svg);
    if (anne_loaded_open(&lm, a.in, &err) != 0) return anne_picture_finish(&svg, -1, "draw", &a, &err);
    if (a.title == NULL) a.title = lm.model.name[0] != '\0' ? lm.model.name : anne_picture_basename(a.in);
    rc = anne_draw_model(&svg, &lm.model, a.title, &err);
    rc = anne_picture_finish(&svg, rc, "draw", &a, &err);
    anne_loaded_close(&lm);
    return rc;
}

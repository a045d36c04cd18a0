/* `anne split`: a graph model cut into its frozen feature part and its dense head, two model files, for
 * on-device learning on top of a feature extractor (docs/training.md): the board runs the features
 * model and trains the head with anne_train.h as it trains any dense model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_cli.h"
#include "anne_commands.h"
#include "anne_file.h"
#include "anne_ir_split.h"

#define ANNE__SPLIT_USAGE \
    "anne split MODEL FEATURES.anne HEAD.anne\n       anne split DATA.csv TRAIN.csv TEST.csv --test F [--seed N]"

static void anne__split_help(FILE *out) {
    fprintf(out, "usage: " ANNE__SPLIT_USAGE "\n"
                 "\n"
                 "Cuts a graph model (a CNN) into two model files: FEATURES, every op before the Dense layers at\n"
                 "its end (frozen; its output is the head's input), and HEAD, those Dense layers as a dense model\n"
                 "(the form anne train and the on-device trainer fine-tune). FEATURES then HEAD give MODEL's\n"
                 "outputs bit for bit. MODEL: any model file ANNE reads. Both files are written together or not\n"
                 "at all.\n"
                 "\n"
                 "With --test, splits data instead: DATA.csv's rows into TRAIN.csv and TEST.csv, the rows\n"
                 "`anne train --split F --seed N` holds out going to TEST (anne split --test 0.2 --help).\n");
}

/* Serializes ir (for path's message). */
static int anne__bytes(const anne_ir *ir, const char *path, unsigned char **b, size_t *n, anne_error *err) {
    if (anne_ir_serialize(ir, b, n, err) != 0) return anne_error_prefix(err, "%s", path);
    return 0;
}

/* Whether the arguments ask for a data split: --test before any "--" (a model split has no options). */
static int anne__splits_data(int argc, char **argv) {
    int i;
    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--test") == 0 || strncmp(argv[i], "--test=", 7) == 0) return 1;
    }
    return 0;
}

int anne_cmd_split(int argc, char **argv) {
    const char *pos[3] = {NULL, NULL, NULL};
    const anne_cli_opt opts[] = {{NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL}};
    const anne_cli_spec spec = {"split", ANNE__SPLIT_USAGE, anne__split_help, opts, pos, 3, "unexpected argument '%s'"};
    anne_ir g, f, h;
    anne_error err;
    anne_file_output outs[2];
    unsigned char *fb = NULL, *hb = NULL;
    size_t fn = 0, hn = 0;
    int n_pos, rc;
    if (anne__splits_data(argc, argv)) return anne_cmd_split_data(argc, argv);
    if ((rc = anne_cli_parse(&spec, argc, argv, &n_pos)) >= 0) return rc;
    if (n_pos < 3) return anne_cli_spec_error(&spec, "needs MODEL, FEATURES and HEAD");
    if (strlen(pos[0]) >= 4 && strcmp(pos[0] + strlen(pos[0]) - 4, ".csv") == 0) {
        return anne_cli_spec_error(&spec, "%s: splitting data needs --test F (the fraction of rows to hold out)", pos[0]);
    }
    if (anne_import(&g, pos[0], &err) != 0) return anne_cli_fail("split", err.msg);
    if (g.n_ops == 0) {
        anne_ir_free(&g);
        snprintf(err.msg, sizeof err.msg, "%s: a dense model: nothing to split (anne train --freeze N fine-tunes part "
                                          "of a dense model)", pos[0]);
        return anne_cli_fail("split", err.msg);
    }
    rc = anne_ir_split_head(&g, &f, &h, &err);
    anne_ir_free(&g);
    if (rc != 0) {
        anne_error_prefix(&err, "%s", pos[0]);
        return anne_cli_fail("split", err.msg);
    }
    rc = anne__bytes(&f, pos[1], &fb, &fn, &err) == 0 && anne__bytes(&h, pos[2], &hb, &hn, &err) == 0 ? 0 : -1;
    if (rc == 0) {
        outs[0].path = pos[1];
        outs[0].data = fb;
        outs[0].size = fn;
        outs[1].path = pos[2];
        outs[1].data = hb;
        outs[1].size = hn;
        rc = anne_file_write_all(outs, 2, &err);
    }
    if (rc == 0) {
        printf("wrote %s (the frozen part: %zu ops, %u outputs) and %s (the head: %zu dense layers)\n", pos[1], f.n_ops,
               (unsigned)h.n_inputs, pos[2], h.n_layers);
    }
    anne_ir_free(&f);
    anne_ir_free(&h);
    free(fb);
    free(hb);
    return rc == 0 ? anne_cli_flush("split") : anne_cli_fail("split", err.msg);
}

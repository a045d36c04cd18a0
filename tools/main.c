/* `anne`: the host command. Dispatches to one subcommand per file (tools/commands/cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "anne.h"
#include "anne_commands.h"

typedef struct anne_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} anne_command;

static const anne_command anne_commands[] = {
    {"convert", anne_cmd_convert, "convert a model: Keras (.h5, .keras, to_json() JSON + weights), TF.js (model.json),\n"
                                  "            TFLite (.tflite) or ANNE JSON in; an .anne model file, ANNE JSON or C source out"},
    {"info", anne_cmd_info, "summarize a model: layers, shapes, parameters, MACs, bytes"},
    {"predict", anne_cmd_predict, "run a model on every row of a CSV file"},
    {"eval", anne_cmd_eval, "confusion matrix, accuracy, precision, recall, F1, log loss on a CSV file"},
    {"trace", anne_cmd_trace, "show every neuron's value, before and after its activation, for one input"},
    {"quantize", anne_cmd_quantize, "quantize a model to Q16.16 or int8 with calibration data; accuracy before/after"},
    {"train", anne_cmd_train, "train a network on a CSV file by backpropagation (from scratch or fine-tuning)"},
    {"prune", anne_cmd_prune, "make a trained model sparse (weights of least magnitude zeroed) or smaller (units removed), fine-tuned"},
    {"plot", anne_cmd_plot, "draw the learning curves of a training history (anne train --history) as SVG"},
    {"draw", anne_cmd_draw, "draw a model as SVG: a dense network's neurons and weights, or a graph's ops"},
    {"split", anne_cmd_split, "cut a graph model (a CNN) into its frozen features and dense head, or a CSV file into train and test rows"},
};

#define ANNE__N_COMMANDS (sizeof anne_commands / sizeof anne_commands[0])

static void anne__usage(FILE *out) {
    size_t i;
    fprintf(out, "usage: anne <command> [options]   (anne <command> --help or anne help <command>: its options)\n\n"
                 "commands:\n");
    for (i = 0; i < ANNE__N_COMMANDS; i++) fprintf(out, "  %-9s %s\n", anne_commands[i].name, anne_commands[i].summary);
    fprintf(out, "  %-9s %s\n", "help", "help COMMAND: the options of a command (as anne COMMAND --help)");
    fprintf(out, "\nA CSV argument - reads standard input; --no-header reads CSV files without a header row.\n"
                 "anne %s, model format %d.%d\n", ANNE_VERSION_STRING, ANNE_FORMAT_MAJOR, ANNE_FORMAT_MINOR);
}

static const anne_command *anne__find(const char *name) {
    size_t i;
    for (i = 0; i < ANNE__N_COMMANDS; i++) {
        if (strcmp(name, anne_commands[i].name) == 0) return &anne_commands[i];
    }
    return NULL;
}

/* `anne help CMD`: CMD's own --help, run by CMD itself, so the two texts cannot differ. */
static int anne__help(const char *name) {
    const anne_command *c = anne__find(name);
    char help_arg[] = "--help", *argv[3];
    if (strcmp(name, "help") == 0) {
        anne__usage(stdout);
        return 0;
    }
    if (c == NULL) {
        fprintf(stderr, "anne help: unknown command '%s'\n\n", name);
        anne__usage(stderr);
        return 2;
    }
    argv[0] = (char *)c->name; /* as main passes it: the command's name first */
    argv[1] = help_arg;
    argv[2] = NULL;
    return c->run(2, argv);
}

int main(int argc, char **argv) {
    const anne_command *c;
    if (argc < 2) {
        anne__usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        if (argc > 3) {
            fprintf(stderr, "anne help: one command at a time (got '%s' after '%s')\n", argv[3], argv[2]);
            return 2;
        }
        return anne__help(argv[2]);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        anne__usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("anne %s\n", ANNE_VERSION_STRING);
        return 0;
    }
    if ((c = anne__find(argv[1])) != NULL) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "anne: unknown command '%s'\n\n", argv[1]);
    anne__usage(stderr);
    return 2;
}

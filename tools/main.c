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
    {"convert", anne_cmd_convert, "convert a model description (ANNE JSON) to an .anne model file"},
    {"info", anne_cmd_info, "summarize a model: layers, shapes, parameters, MACs, bytes"},
    {"predict", anne_cmd_predict, "run a model on every row of a CSV file"},
    {"eval", anne_cmd_eval, "confusion matrix, accuracy, precision, recall, F1, log loss on a CSV file"},
    {"trace", anne_cmd_trace, "show every neuron's value, before and after its activation, for one input"},
    {"quantize", anne_cmd_quantize, "quantize a model to Q16.16 or int8 with calibration data; accuracy before/after"},
    {"train", anne_cmd_train, "train a network on a CSV file by backpropagation (from scratch or fine-tuning)"},
    {"plot", anne_cmd_plot, "draw the learning curves of a training history (anne train --history) as SVG"},
    {"draw", anne_cmd_draw, "draw a model as SVG: a dense network's neurons and weights, or a graph's ops"},
    {"split", anne_cmd_split, "cut a graph model (a CNN) into its frozen features and dense head, or a CSV file into train and test rows"},
};

static void anne__usage(FILE *out) {
    size_t i;
    fprintf(out, "usage: anne <command> [options]   (anne <command> --help for its options)\n\ncommands:\n");
    for (i = 0; i < sizeof anne_commands / sizeof anne_commands[0]; i++) {
        fprintf(out, "  %-9s %s\n", anne_commands[i].name, anne_commands[i].summary);
    }
    fprintf(out, "\nanne %s, model format %d.%d\n", ANNE_VERSION_STRING, ANNE_FORMAT_MAJOR, ANNE_FORMAT_MINOR);
}

int main(int argc, char **argv) {
    size_t i;
    if (argc < 2) {
        anne__usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        anne__usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("anne %s\n", ANNE_VERSION_STRING);
        return 0;
    }
    for (i = 0; i < sizeof anne_commands / sizeof anne_commands[0]; i++) {
        if (strcmp(argv[1], anne_commands[i].name) == 0) return anne_commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "anne: unknown command '%s'\n\n", argv[1]);
    anne__usage(stderr);
    return 2;
}

/* A program that uses ANNE (tests/cmake_package/CMakeLists.txt): the model that anne_add_model()
 * turned into model.c and model.h runs on one input row given on the command line, and the outputs are
 * printed as `anne predict` prints them (%.9g, comma-separated), for tests/cli/cmake_package.sh.
 *   consumer_FORMAT V1,V2,...     (model_INPUTS numbers) */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(int argc, char **argv) {
    static float arena[model_ARENA_BYTES / sizeof(float) + 1]; /* 4-byte aligned */
    float input[model_INPUTS], output[model_OUTPUTS];
    const char *p;
    char *end;
    unsigned n = 0, i;
    anne_status st;
    if (argc != 2) {
        fprintf(stderr, "usage: %s V1,V2,... (%u input values)\n", argv[0], (unsigned)model_INPUTS);
        return 2;
    }
    for (p = argv[1];; p = end + 1) {
        float v = strtof(p, &end);
        if (end == p || (*end != ',' && *end != '\0') || n == model_INPUTS) {
            fprintf(stderr, "'%s': expected %u numbers separated by commas\n", argv[1], (unsigned)model_INPUTS);
            return 2;
        }
        input[n++] = v;
        if (*end == '\0') break;
    }
    if (n != model_INPUTS) {
        fprintf(stderr, "'%s': %u numbers, the model takes %u\n", argv[1], n, (unsigned)model_INPUTS);
        return 2;
    }
    st = model_predict(input, output, arena);
    if (st != ANNE_OK) {
        fprintf(stderr, "model_predict: %s\n", anne_status_str(st));
        return 1;
    }
    for (i = 0; i < model_OUTPUTS; i++) printf("%s%.9g", i ? "," : "", (double)output[i]);
    printf("\n");
    return 0;
}

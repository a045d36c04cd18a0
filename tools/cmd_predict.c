/* anne predict: placeholder until the command lands. */
#include <stdio.h>

#include "anne_commands.h"

int anne_cmd_predict(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "anne predict: not implemented yet\n");
    return 1;
}

/* anne eval: placeholder until the command lands. */
#include <stdio.h>

#include "anne_commands.h"

int anne_cmd_eval(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "anne eval: not implemented yet\n");
    return 1;
}

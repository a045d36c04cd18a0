/* anne trace: placeholder until the command lands. */
#include <stdio.h>

#include "anne_commands.h"

int anne_cmd_trace(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "anne trace: not implemented yet\n");
    return 1;
}

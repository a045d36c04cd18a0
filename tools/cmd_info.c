/* anne info: placeholder until the command lands. */
#include <stdio.h>

#include "anne_commands.h"

int anne_cmd_info(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "anne info: not implemented yet\n");
    return 1;
}

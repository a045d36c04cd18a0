/* anne convert: placeholder until the command lands. */
#include <stdio.h>

#include "anne_commands.h"

int anne_cmd_convert(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "anne convert: not implemented yet\n");
    return 1;
}

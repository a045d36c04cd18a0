/* main() of the board test programs: reads the semihosting command line and calls anne_app_main. */
#include "anne_port.h"

int anne_port_args(char *buf, size_t cap, char **argv, int max_args);

int main(void) {
    static char line[512];
    static char *argv[16];
    int argc = anne_port_args(line, sizeof line, argv, 16);
    return anne_app_main(argc, argv);
}

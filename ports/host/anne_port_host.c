/* The port services on the host, with stdio: the same test programs run here to write the reference
 * results that the emulated boards are checked against. */
#include <stdio.h>
#include <stdlib.h>

#include "anne_port.h"

const char anne_port_target[] = "host";

void anne_port_puts(const char *s) {
    fputs(s, stdout);
}

long anne_port_read_file(const char *path, void *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) return -1;
    n = fread(buf, 1, cap, f);
    if (n == cap && fgetc(f) != EOF) n = cap + 1; /* larger than the buffer */
    fclose(f);
    return n > cap ? -1 : (long)n;
}

int anne_port_write_file(const char *path, const void *buf, size_t n) {
    FILE *f = fopen(path, "wb");
    int ok;
    if (f == NULL) return -1;
    ok = fwrite(buf, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

void anne_port_exit(int code) {
    fflush(stdout);
    exit(code);
}

void anne_port_bench_begin(void) {
}

void anne_port_bench_end(void) {
}

uint32_t anne_port_stack_used(void) {
    return 0;
}

void anne_port_stack_mark(void) {
}

uint32_t anne_port_stack_since_mark(void) {
    return 0;
}

int main(int argc, char **argv) {
    int rc = anne_app_main(argc, argv);
    fflush(stdout);
    return rc;
}

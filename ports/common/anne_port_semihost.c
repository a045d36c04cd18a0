/* The port services over Arm semihosting (BKPT 0xAB on M-profile), as QEMU implements it with
 * -semihosting-config enable=on,target=native: console, host files, command line and exit code. */
#include <string.h>

#include "anne_port.h"

#define ANNE__SYS_OPEN 0x01
#define ANNE__SYS_CLOSE 0x02
#define ANNE__SYS_WRITE0 0x04
#define ANNE__SYS_WRITE 0x05
#define ANNE__SYS_READ 0x06
#define ANNE__SYS_GET_CMDLINE 0x15
#define ANNE__SYS_EXIT 0x18
#define ANNE__SYS_EXIT_EXTENDED 0x20
#define ANNE__ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ANNE__MODE_RB 1   /* fopen mode index of "rb" */
#define ANNE__MODE_WB 5   /* "wb" */

/* One semihosting call: operation in r0, argument block in r1, result in r0. */
static int anne__semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void anne_port_puts(const char *s) {
    anne__semihost(ANNE__SYS_WRITE0, s);
}

static int anne__open(const char *path, int mode) {
    uint32_t block[3];
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = (uint32_t)mode;
    block[2] = (uint32_t)strlen(path);
    return anne__semihost(ANNE__SYS_OPEN, block);
}

static void anne__close(int fd) {
    uint32_t block[1];
    block[0] = (uint32_t)fd;
    anne__semihost(ANNE__SYS_CLOSE, block);
}

long anne_port_read_file(const char *path, void *buf, size_t cap) {
    uint32_t block[3];
    uint8_t extra;
    int fd = anne__open(path, ANNE__MODE_RB), left;
    if (fd < 0) return -1;
    block[0] = (uint32_t)fd;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)cap;
    left = anne__semihost(ANNE__SYS_READ, block); /* bytes NOT read */
    if (left < 0 || (size_t)left > cap) {
        anne__close(fd);
        return -1;
    }
    if (left == 0) { /* the buffer is full: the file must end here */
        block[1] = (uint32_t)(uintptr_t)&extra;
        block[2] = 1u;
        if (anne__semihost(ANNE__SYS_READ, block) != 1) {
            anne__close(fd);
            return -1;
        }
    }
    anne__close(fd);
    return (long)(cap - (size_t)left);
}

int anne_port_write_file(const char *path, const void *buf, size_t n) {
    uint32_t block[3];
    int fd = anne__open(path, ANNE__MODE_WB), left;
    if (fd < 0) return -1;
    block[0] = (uint32_t)fd;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)n;
    left = anne__semihost(ANNE__SYS_WRITE, block); /* bytes NOT written */
    anne__close(fd);
    return left == 0 ? 0 : -1;
}

/* SYS_EXIT_EXTENDED carries the exit code (plain SYS_EXIT on 32-bit Arm cannot); QEMU exits with it. */
void anne_port_exit(int code) {
    uint32_t block[2];
    block[0] = ANNE__ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    anne__semihost(ANNE__SYS_EXIT_EXTENDED, block);
    anne__semihost(ANNE__SYS_EXIT, (const void *)(uintptr_t)(code == 0 ? ANNE__ADP_STOPPED_APPLICATION_EXIT : 0u));
    for (;;) {
    }
}

/* Splits the semihosting command line (QEMU: the arg= items of -semihosting-config, the first being
 * the program name) at spaces into argv. */
int anne_port_args(char *buf, size_t cap, char **argv, int max_args);
int anne_port_args(char *buf, size_t cap, char **argv, int max_args) {
    uint32_t block[2];
    int argc = 0;
    char *p = buf;
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = (uint32_t)cap;
    if (cap == 0 || anne__semihost(ANNE__SYS_GET_CMDLINE, block) != 0) return 0;
    buf[cap - 1] = '\0';
    while (*p != '\0' && argc < max_args) {
        while (*p == ' ') *p++ = '\0';
        if (*p == '\0') break;
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ') p++;
    }
    return argc;
}

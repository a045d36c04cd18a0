/* ANNE ports: the few services a test or benchmark program needs from its platform (console, host
 * files, exit code, cycle-count markers), implemented by semihosting on the emulated boards
 * (ports/common/anne_port_semihost.c) and by stdio on the host (ports/host/anne_port_host.c). */
#ifndef ANNE_PORT_H
#define ANNE_PORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The program's entry point, called with the semihosting command line (board) or argv (host). */
int anne_app_main(int argc, char **argv);

/* Writes a NUL-terminated string to the console (no newline added). */
void anne_port_puts(const char *s);
/* Writes an unsigned / signed decimal number, or 8 hex digits. */
void anne_port_put_u32(uint32_t v);
void anne_port_put_i32(int32_t v);
void anne_port_put_hex32(uint32_t v);
/* Writes |x| < 1e9 roughly as %.3e would (diagnostics only: not correctly rounded). */
void anne_port_put_f32(float x);

/* Reads the whole file at `path` (relative to where QEMU or the host program runs) into buf (cap
 * bytes). Returns the number of bytes read, or -1 when the file cannot be opened or exceeds cap. */
long anne_port_read_file(const char *path, void *buf, size_t cap);
/* Creates or replaces the file at `path` with n bytes of buf. Returns 0 on success, -1 otherwise. */
int anne_port_write_file(const char *path, const void *buf, size_t n);

/* Ends the program with an exit code the host sees (QEMU's exit status on the boards). */
void anne_port_exit(int code)
#if defined(__GNUC__)
    __attribute__((noreturn))
#endif
    ;

/* Markers for the instruction-counting QEMU plugin (ports/plugin/anne_insn.c): instructions executed
 * between a call of begin and the next call of end form one region. Empty, never inlined. */
void anne_port_bench_begin(void);
void anne_port_bench_end(void);

/* Bytes of stack used so far (the deepest point since reset, or since the last anne_port_stack_mark(),
 * which repaints), by stack painting; 0 on the host. */
uint32_t anne_port_stack_used(void);

/* The stack of one call, by painting: anne_port_stack_mark() paints the free stack below its caller's
 * stack pointer (the mark); anne_port_stack_since_mark(), called from the same function, returns how
 * many bytes below the mark were written since: the deepest the calls in between went (a call adds
 * nothing above its caller's stack pointer on Arm: the return address is in LR and arguments beyond
 * the fourth are in the caller's frame). A word written with the paint value itself is missed, as by
 * any painting. 0 without a mark, and on the host (no painting there). */
void anne_port_stack_mark(void);
uint32_t anne_port_stack_since_mark(void);

/* The target's name: "m0plus", "m33" or "host". */
extern const char anne_port_target[];

#ifdef __cplusplus
}
#endif

#endif /* ANNE_PORT_H */

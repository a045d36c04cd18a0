/* Start-up code for the emulated Cortex-M boards: the vector table, a reset handler that copies .data,
 * zeroes .bss, enables the FPU (Cortex-M33) and paints the stack, a fault handler that ends the
 * program with a message and exit code 3 instead of hanging QEMU, and small memory functions in place
 * of the C library's. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "anne_port.h"

/* Symbols of the linker scripts (ports/m0plus/anne_m0plus.ld, ports/m33/anne_m33.ld). */
extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];

int main(void);
void anne_port_reset(void);
void anne_port_fault(void);

/* The paint value, for C and for the assembly of anne_port_stack_mark. */
#define ANNE__STACK_PAINT_WORD 0x5afe5afe
#define ANNE__STACK_PAINT ((uint32_t)ANNE__STACK_PAINT_WORD)
#define ANNE__STR(x) ANNE__STR2(x)
#define ANNE__STR2(x) #x

#if defined(__ARM_ARCH_8M_MAIN__)
const char anne_port_target[] = "m33";
#else
const char anne_port_target[] = "m0plus";
#endif

void anne_port_fault(void) {
    anne_port_puts("anne_port: fault\n");
    anne_port_exit(3);
}

/* The stack pointer, reset, NMI and HardFault. No interrupt is enabled and nothing raises SVCall,
 * PendSV or SysTick; the configurable faults of the Cortex-M33 (MemManage, BusFault, UsageFault,
 * SecureFault) are left disabled, so they escalate to HardFault: these four entries catch every
 * exception the programs can raise, in 16 bytes instead of the 64 of a full system table. */
__attribute__((section(".vectors"), used)) void (*const anne_port_vectors[4])(void) = {
    (void (*)(void))(uintptr_t)__stack_top__,
    anne_port_reset,
    anne_port_fault,
    anne_port_fault,
};

/* Loop-pattern distribution is off (ANNE__NO_LIBCALLS): the copy and fill loops would otherwise
 * become calls to memcpy/memset before .data and .bss are set up. */
#define ANNE__NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

ANNE__NO_LIBCALLS __attribute__((noreturn)) void anne_port_reset(void) {
    uint32_t *src = __data_load__, *dst, *sp;
    for (dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
    for (dst = __bss_start__; dst < __bss_end__;) *dst++ = 0u;
#if defined(__ARM_FP)
    /* CPACR (0xE000ED88): full access to coprocessors 10 and 11, the FPU. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (dst = __stack_limit__; dst < sp - 16; dst++) *(volatile uint32_t *)dst = ANNE__STACK_PAINT;
    anne_port_exit(main());
}

uint32_t anne_port_stack_used(void) {
    const volatile uint32_t *p = __stack_limit__;
    while (p < __stack_top__ && *p == ANNE__STACK_PAINT) p++;
    return (uint32_t)((uintptr_t)__stack_top__ - (uintptr_t)p);
}

/* The stack pointer of the last anne_port_stack_mark's caller (NULL: no mark yet). Written by the
 * assembly below only, hence volatile: the compiler must not take it for its initial NULL. */
static const uint32_t *volatile anne__stack_mark_sp __attribute__((used));

/* In assembly (ARMv6-M instructions, so the same on both cores) because the paint must reach the
 * caller's stack pointer exactly, which C cannot name: a leaf that touches no stack, r0-r2 only. */
__attribute__((naked)) void anne_port_stack_mark(void) {
    __asm__ volatile(".syntax unified\n\t" /* GCC hands Thumb-1 inline assembly over in divided syntax */
                     "mov r0, sp\n\t"
                     "ldr r1, =anne__stack_mark_sp\n\t"
                     "str r0, [r1]\n\t"
                     "ldr r1, =__stack_limit__\n\t"
                     "ldr r2, =" ANNE__STR(ANNE__STACK_PAINT_WORD) "\n"
                     "1:\n\t"
                     "cmp r1, r0\n\t"
                     "bhs 2f\n\t"
                     "str r2, [r1]\n\t"
                     "adds r1, r1, #4\n\t"
                     "b 1b\n"
                     "2:\n\t"
                     "bx lr\n\t"
                     ".ltorg");
}

/* A leaf without a frame (checked in the disassembly), so it does not count itself. */
uint32_t anne_port_stack_since_mark(void) {
    const uint32_t *mark = anne__stack_mark_sp;
    const volatile uint32_t *p = __stack_limit__;
    if (mark == NULL) return 0;
    while (p < mark && *p == ANNE__STACK_PAINT) p++;
    return (uint32_t)((uintptr_t)mark - (uintptr_t)p);
}

__attribute__((noinline)) void anne_port_bench_begin(void) {
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void anne_port_bench_end(void) {
    __asm__ volatile("" ::: "memory");
}

/* The C library's memory functions, small (a word loop when everything is 4-aligned, else bytes).
 * A port decision for these inference firmwares: newlib's versions take 480 bytes on the Cortex-M0+
 * and 750 on the M33 (speed-optimized), more than the model code that calls them for a few bytes per
 * layer. The runtime keeps calling the standard functions; a board port with a faster C library
 * simply leaves these out. Loop-pattern distribution is off so that GCC does not turn the loops back
 * into calls to the functions themselves. */
/* Forward copy, also right for overlapping buffers with dst <= src (each word is read before the
 * bytes below it are written). */
ANNE__NO_LIBCALLS static void *anne__copy_up(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst, *end = d + n;
    const uint8_t *s = (const uint8_t *)src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3u) == 0) {
        for (; d != end; d += 4, s += 4) *(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
    }
    while (d != end) *d++ = *s++;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    return anne__copy_up(dst, src, n);
}

ANNE__NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst + n;
    const uint8_t *s = (const uint8_t *)src + n;
    if ((uintptr_t)dst <= (uintptr_t)src) return anne__copy_up(dst, src, n);
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3u) == 0) { /* backward, for dst above src */
        while (d != (uint8_t *)dst) {
            d -= 4;
            s -= 4;
            *(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
        }
    }
    while (d != (uint8_t *)dst) *--d = *--s;
    return dst;
}

ANNE__NO_LIBCALLS void *memset(void *dst, int c, size_t n) {
    uint8_t *d = (uint8_t *)dst, *end = d + n;
    if ((((uintptr_t)d | n) & 3u) == 0) {
        uint32_t w = (uint32_t)(uint8_t)c * 0x01010101u;
        for (; d != end; d += 4) *(uint32_t *)(void *)d = w;
    }
    while (d != end) *d++ = (uint8_t)c;
    return dst;
}

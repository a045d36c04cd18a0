/* Start-up code for the emulated Cortex-M boards: the vector table, a reset handler that copies .data,
 * zeroes .bss, enables the FPU (Cortex-M33) and paints the stack, and fault handlers that end the
 * program with a message and exit code 3 instead of hanging QEMU. */
#include <stdint.h>

#include "anne_port.h"

/* Symbols of the linker scripts (ports/m0plus/anne_m0plus.ld, ports/m33/anne_m33.ld). */
extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];

int main(void);
void anne_port_reset(void);
void anne_port_fault(void);

#define ANNE__STACK_PAINT 0x5afe5afeu

#if defined(__ARM_ARCH_8M_MAIN__)
const char anne_port_target[] = "m33";
#else
const char anne_port_target[] = "m0plus";
#endif

void anne_port_fault(void) {
    anne_port_puts("anne_port: fault (hard fault, bus fault or an unexpected interrupt)\n");
    anne_port_exit(3);
}

/* Cortex-M0+: 16 system entries. Cortex-M33 (ARMv8-M Mainline): the same 16, with MemManage, BusFault,
 * UsageFault and SecureFault in slots 4 to 7. No interrupt is enabled, so no IRQ entries. */
__attribute__((section(".vectors"), used)) void (*const anne_port_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top__,
    anne_port_reset,
    anne_port_fault, anne_port_fault, anne_port_fault, anne_port_fault, anne_port_fault, anne_port_fault,
    anne_port_fault, 0, 0, 0,
    anne_port_fault, anne_port_fault, anne_port_fault, anne_port_fault,
};

/* Not optimized: the copy and fill loops would otherwise become calls to memcpy/memset, fine today
 * but a trap for a C library that wants its own start-up first. */
__attribute__((optimize("O1"), noreturn)) void anne_port_reset(void) {
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

__attribute__((noinline)) void anne_port_bench_begin(void) {
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void anne_port_bench_end(void) {
    __asm__ volatile("" ::: "memory");
}

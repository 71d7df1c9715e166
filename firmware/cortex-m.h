/*
 * What every Cortex-M firmware shares: waiting for interrupts, fault(),
 * which says so on the UART and stops, the number of the exception
 * being taken, and the vector table.  The including file defines
 * NUM_IRQS and includes report.h first, and defines reset(), which the
 * table starts, and external_irq(), which takes every external
 * interrupt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FIRMWARE_CORTEX_M_H
#define FIRMWARE_CORTEX_M_H

#include <stdint.h>

void reset(void);
void external_irq(void);

static void __attribute__((noreturn)) idle(void)
{
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* Anything else that traps: say so, and stop. */
void fault(void)
{
    uart_puts("fw: fault\n");
    idle();
}

/* The exception being taken: 16 + N for external interrupt N */
static uint32_t exception_number(void)
{
    uint32_t ipsr;

    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr;
}

extern uint32_t stack_top[];

/* The vector table: 16 exceptions, then the external interrupts. */
__attribute__((section(".vectors"), used))
static void (*const vectors[16 + NUM_IRQS])(void) = {
    [0] = (void (*)(void))stack_top,
    [1] = reset,
    [2 ... 15] = fault,
    [16 ... 16 + NUM_IRQS - 1] = external_irq,
};

#endif /* FIRMWARE_CORTEX_M_H */

/*
 * What the firmwares of the classic ARM cores (ARMv4, ARMv4T: the
 * SA-1110 of collie, the ARM925T of sx1) share: the exception vectors
 * at 0, where these cores take them, in the flash the firmware runs
 * from; the entry, which gives IRQ mode and SVC mode their stacks;
 * waiting for interrupts through CP15; fault(), which says so on the
 * UART and stops; and turning IRQs on.  The including file includes
 * report.h first, and defines firmware_main(), which the entry calls,
 * and irq_handler(), which takes every IRQ in IRQ mode (an
 * __attribute__((interrupt("IRQ"))) function).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FIRMWARE_ARMV4_H
#define FIRMWARE_ARMV4_H

void firmware_main(void);

/* Until the next interrupt: the ARMv4/v5 CP15 wait for interrupt */
static void __attribute__((noreturn)) idle(void)
{
    for (;;) {
        __asm__ volatile("mcr p15, 0, %0, c7, c0, 4" : : "r"(0) : "memory");
    }
}

/* Anything else that traps: say so, and stop. */
void fault(void)
{
    uart_puts("fw: fault\n");
    idle();
}

static void irqs_on(void)
{
    __asm__ volatile("mrs r0, cpsr\n"
                     "bic r0, r0, #0x80\n"      /* I: IRQs on */
                     "msr cpsr_c, r0\n" : : : "r0", "memory");
}

/* The exception vectors, at 0 */
#include "arm-vectors.h"

/* The entry, in SVC mode with interrupts off: the stacks, then main */
__attribute__((naked))
void start(void)
{
    __asm__ volatile("msr cpsr_c, #0xd2\n"          /* IRQ mode */
                     "ldr sp, =irq_stack_top\n"
                     "msr cpsr_c, #0xd3\n"          /* SVC mode */
                     "ldr sp, =stack_top\n"
                     "b firmware_main\n");
}

#endif /* FIRMWARE_ARMV4_H */

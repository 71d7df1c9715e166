/*
 * A bare-metal AST2600 program for make bench: make gpioB0 an output,
 * print 'R' on the console (UART5) and wait for a byte on it, so that
 * the host can get its clients ready; then print 'S', toggle gpioB0
 * TOGGLES times as fast as the CPU can store, print 'D', and stop.
 * The host times S to D.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

    .include "aspeed.inc"

    .global _start
_start:
    start_on_first_core

    mov     r0, #'R'
    str     r0, [r5]
    ldr     r6, =UART5_LSR
wait:
    ldr     r0, [r6]
    tst     r0, #1
    beq     wait
    ldr     r0, [r5]

    mov     r0, #'S'
    str     r0, [r5]

    ldr     r2, =TOGGLES / 2
    mov     r3, #0
loop:
    str     r1, [r4]
    str     r3, [r4]
    subs    r2, r2, #1
    bne     loop

    mov     r0, #'D'
    str     r0, [r5]
    mov     r0, #'\n'
    str     r0, [r5]

    park_forever

/*
 * A bare-metal AST2600 program for make bench's latency figures: make
 * gpioB0 an output, print 'R' on the console (UART5), then forever copy
 * the level of input gpioD0 to gpioB0 as soon as it changes, spinning
 * on the data register.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

    .include "aspeed.inc"

    .global _start
_start:
    start_on_first_core

    mov     r0, #'R'
    str     r0, [r5]

    ldr     r2, =GPIOD0
    mov     r3, #0              /* the level last copied */
loop:
    ldr     r0, [r4]
    and     r0, r0, r2
    cmp     r0, r3
    beq     loop
    mov     r3, r0
    lsr     r0, r0, #16         /* gpioD0 (bit 24) to gpioB0 (bit 8) */
    str     r0, [r4]
    b       loop

    park_forever

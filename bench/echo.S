/*
 * A bare-metal AST2600 program for make bench's latency figures: make
 * gpioB0 an output, print 'R' on the console (UART5), then forever copy
 * the level of input gpioD0 to gpioB0 as soon as it changes, spinning
 * on the data register.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

    .equ GPIO_DATA,      0x1e780000
    .equ GPIO_DIRECTION, 0x1e780004
    .equ UART5_THR,      0x1e784000
    .equ GPIOB0,         (1 << 8)
    .equ GPIOD0,         (1 << 24)

    .syntax unified
    .arm
    .global _start
_start:
    mrc     p15, 0, r0, c0, c0, 5
    ands    r0, r0, #3
    bne     park

    ldr     r4, =GPIO_DATA
    ldr     r0, =GPIO_DIRECTION
    ldr     r1, =GPIOB0
    str     r1, [r0]
    ldr     r5, =UART5_THR
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
park:
    wfi
    b       park

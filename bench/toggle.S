/*
 * A bare-metal AST2600 program for make bench: make gpioB0 an output,
 * print 'R' on the console (UART5) and wait for a byte on it, so that
 * the host can get its clients ready; then print 'S', toggle gpioB0
 * TOGGLES times as fast as the CPU can store, print 'D', and stop.
 * The host times S to D.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

    .equ GPIO_DATA,      0x1e780000
    .equ GPIO_DIRECTION, 0x1e780004
    .equ UART5_THR,      0x1e784000
    .equ UART5_LSR,      0x1e784014
    .equ GPIOB0,         (1 << 8)

    .syntax unified
    .arm
    .global _start
_start:
    /* The second core waits forever: one store loop is what we time. */
    mrc     p15, 0, r0, c0, c0, 5
    ands    r0, r0, #3
    bne     park

    ldr     r4, =GPIO_DATA
    ldr     r5, =UART5_THR
    ldr     r0, =GPIO_DIRECTION
    ldr     r1, =GPIOB0
    str     r1, [r0]

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
park:
    wfi
    b       park

/*
 * The exception vectors of the A-profile ARM firmwares: reset to
 * start(), IRQs to irq_handler(), anything else to fault().  Where
 * they go is the core's business: at 0 for the classic cores
 * (armv4.h), where VBAR points on the Cortex-A9 (npcm7xx.c), hence
 * the 32-byte alignment VBAR needs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FIRMWARE_ARM_VECTORS_H
#define FIRMWARE_ARM_VECTORS_H

void start(void);
void irq_handler(void);
void fault(void);

__attribute__((naked, aligned(32), section(".text.vectors")))
void vectors(void)
{
    __asm__ volatile("b start\n"
                     "b fault\n"
                     "b fault\n"
                     "b fault\n"
                     "b fault\n"
                     "b fault\n"
                     "b irq_handler\n"
                     "b fault\n");
}

#endif /* FIRMWARE_ARM_VECTORS_H */

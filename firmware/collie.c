/*
 * Bare-metal firmware for QEMU's collie (Sharp SL-5500: an SA-1110 and
 * Sharp's SCOOP ASIC): what a program does with the board's pins, for
 * the tests to watch from the host through gpiodev.  It behaves as the
 * other firmwares (firmware/stellaris.c): "fw: start" on the first
 * UART, TOGGLES pulses of the LED pin, then of the peripheral pin, each
 * reported, "fw: ready BUTTON=LEVEL", then, for each event of the
 * button pin (both edges, through the interrupt controller), "fw: irq
 * BUTTON=LEVEL" and the LED driven to that level.
 *
 * One pin of each of the board's three pin controllers: the LED is the
 * SCOOP's PA11, the peripheral pin the PPC's LDD0 (an LCD data pin,
 * free while the LCD controller is off), the button the SA-1110's
 * GPIO0, the SL-5500's power key, with an interrupt of its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))

/* Serial port 1, a UART */
#define UART_UTDR           REG(0x80010014)
#define UART_UTSR1          REG(0x80010020)
#define UTSR1_TNF           (1u << 2)

/* The interrupt controller: pending IRQs, mask (1: enabled), FIQ select */
#define ICIP                REG(0x90050000)
#define ICMR                REG(0x90050004)
#define ICLR                REG(0x90050008)
#define IRQ_GPIO0           (1u << 0)

/* The SA-1110's GPIO */
#define GPLR                REG(0x90040000)
#define GPDR                REG(0x90040004)
#define GRER                REG(0x90040010)
#define GFER                REG(0x90040014)
#define GEDR                REG(0x90040018)

/* The SA-1110's peripheral pin controller */
#define PPDR                REG(0x90060000)
#define PPSR                REG(0x90060004)

/* The SCOOP's GPIO: direction (1: output), output latch */
#define SCOOP_GPCR          REG(0x40800020)
#define SCOOP_GPWR          REG(0x40800024)

#define BUTTON              (1u << 0)   /* GPIO0 */
#define BUTTON_NAME         "GPIO0"
#define LED                 (1u << 1)   /* PA11 */
#define PERIPHERAL_PIN      (1u << 0)   /* LDD0 */

static void uart_putc(char c)
{
    while (!(UART_UTSR1 & UTSR1_TNF)) {
        ;
    }
    UART_UTDR = (uint8_t)c;
}

#include "report.h"
#include "armv4.h"

static unsigned button_level(void)
{
    return GPLR & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    if (level) {
        SCOOP_GPWR |= LED;
    } else {
        SCOOP_GPWR &= ~LED;
    }
}

static void peripheral_pin_set(unsigned level)
{
    if (level) {
        PPSR |= PERIPHERAL_PIN;
    } else {
        PPSR &= ~PERIPHERAL_PIN;
    }
}

static void button_irq(void)
{
    unsigned level;

    GEDR = BUTTON;          /* cleared by writing 1 */
    level = button_level();
    led_set(level);
    report("irq", level);
}

/* IRQ mode, on its own stack: every pending interrupt */
__attribute__((interrupt("IRQ")))
void irq_handler(void)
{
    uint32_t pending = ICIP;

    if (pending & IRQ_GPIO0) {
        button_irq();
    }
    if (pending & ~IRQ_GPIO0) {
        uart_puts("fw: fault irq=");
        uart_put_uint(pending);
        uart_putc('\n');
        ICMR &= IRQ_GPIO0;
    }
}

void firmware_main(void)
{
    uart_puts("fw: start\n");

    /* The LED: an output, low, then pulsed. */
    led_set(0);
    SCOOP_GPCR |= LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: PA11 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The peripheral pin: an output, low, then pulsed. */
    PPDR |= PERIPHERAL_PIN;
    peripheral_pin_set(0);
    for (unsigned i = 0; i < TOGGLES; i++) {
        peripheral_pin_set(1);
        peripheral_pin_set(0);
    }
    uart_puts("fw: LDD0 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input, an event on both edges, an IRQ. */
    GPDR &= ~BUTTON;
    GRER |= BUTTON;
    GFER |= BUTTON;
    GEDR = BUTTON;
    ICLR &= ~IRQ_GPIO0;
    ICMR |= IRQ_GPIO0;
    report("ready", button_level());
    irqs_on();
    idle();
}

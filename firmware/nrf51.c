/*
 * Bare-metal firmware for QEMU's microbit (a BBC micro:bit, nRF51822):
 * what a microcontroller program does with its GPIO, for the tests to
 * watch from the host through gpiodev.  It behaves as the Stellaris
 * one (firmware/stellaris.c): "fw: start" on the UART, TOGGLES pulses
 * of the LED pin, "fw: ready BUTTON=LEVEL", then, for each interrupt of
 * the button pin (both edges, through a GPIOTE channel), "fw: irq
 * BUTTON=LEVEL" and the LED driven to that level.
 *
 * The LED is P0.13, the first row of the board's LED matrix, and the
 * button is P0.17, button A, which the board pulls up on its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))

/* UART0 */
#define UART_STARTTX        REG(0x40002008)
#define UART_TXDRDY         REG(0x4000211c)
#define UART_ENABLE         REG(0x40002500)
#define UART_TXD            REG(0x4000251c)
#define UART_ENABLE_ON      4

/* GPIO */
#define GPIO_OUTSET         REG(0x50000508)
#define GPIO_OUTCLR         REG(0x5000050c)
#define GPIO_IN             REG(0x50000510)
#define GPIO_CNF(pin)       REG(0x50000700 + 4 * (pin))
#define CNF_DIR_OUTPUT      (1u << 0)
#define CNF_INPUT_DISCONNECT (1u << 1)

/* GPIOTE channel 0 */
#define GPIOTE_EVENTS_IN0   REG(0x40006100)
#define GPIOTE_INTENSET     REG(0x40006304)
#define GPIOTE_CONFIG0      REG(0x40006510)
#define GPIOTE_MODE_EVENT   1u
#define GPIOTE_PSEL(pin)    ((pin) << 8)
#define GPIOTE_POLARITY_TOGGLE (3u << 16)
#define GPIOTE_INTEN_IN0    (1u << 0)

/* The NVIC's interrupt set-enable register */
#define NVIC_ISER           REG(0xe000e100)
#define GPIOTE_IRQ          6
#define NUM_IRQS            32

#define LED_PIN             13
#define BUTTON_PIN          17
#define BUTTON_NAME         "P0.17"

static void uart_putc(char c)
{
    UART_TXDRDY = 0;
    UART_TXD = (uint8_t)c;
    while (!UART_TXDRDY) {
        ;
    }
}

#include "report.h"
#include "cortex-m.h"

static unsigned button_level(void)
{
    return GPIO_IN >> BUTTON_PIN & 1;
}

static void led_set(unsigned level)
{
    if (level) {
        GPIO_OUTSET = 1u << LED_PIN;
    } else {
        GPIO_OUTCLR = 1u << LED_PIN;
    }
}

static void button_irq(void)
{
    unsigned level;

    GPIOTE_EVENTS_IN0 = 0;
    level = button_level();
    led_set(level);
    report("irq", level);
}

void reset(void)
{
    UART_ENABLE = UART_ENABLE_ON;
    UART_STARTTX = 1;
    uart_puts("fw: start\n");

    /* The LED: a push-pull output, low, then pulsed. */
    led_set(0);
    GPIO_CNF(LED_PIN) = CNF_DIR_OUTPUT | CNF_INPUT_DISCONNECT;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: P0.13 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /*
     * The button: an input with its buffer connected and no pull (the
     * board has its own), which GPIOTE channel 0 watches on both edges.
     */
    GPIO_CNF(BUTTON_PIN) = 0;
    GPIOTE_CONFIG0 = GPIOTE_MODE_EVENT | GPIOTE_PSEL(BUTTON_PIN) |
                     GPIOTE_POLARITY_TOGGLE;
    GPIOTE_EVENTS_IN0 = 0;
    GPIOTE_INTENSET = GPIOTE_INTEN_IN0;
    NVIC_ISER = 1u << GPIOTE_IRQ;
    report("ready", button_level());

    idle();
}

/* Every external interrupt: the GPIOTE's, or a fault. */
void external_irq(void)
{
    if (exception_number() == 16 + GPIOTE_IRQ && GPIOTE_EVENTS_IN0) {
        button_irq();
    } else {
        fault();
    }
}

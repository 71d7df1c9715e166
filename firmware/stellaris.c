/*
 * Bare-metal firmware for QEMU's Stellaris boards (lm3s6965evb,
 * lm3s811evb): what a microcontroller program does with its GPIO, for
 * the tests to watch from the host through gpiodev.
 *
 * It says "fw: start" on UART0, pulses its LED pin TOGGLES times (a
 * rising edge, then a falling one), configures its button pin as an
 * input that interrupts on both edges, says "fw: ready BUTTON=LEVEL",
 * and then, on each interrupt, says "fw: irq BUTTON=LEVEL" with the
 * level it read and drives the LED to that level.
 *
 * The pins are the board's (see firmware/meson.build): LED_BASE/LED_PIN
 * and BUTTON_BASE/BUTTON_PIN/BUTTON_IRQ, named LED_NAME and BUTTON_NAME.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))

/* System control: run mode clock gating of UART0 and the GPIO ports. */
#define SYSCTL_RCGC1        REG(0x400fe104)
#define SYSCTL_RCGC2        REG(0x400fe108)

/* UART0, a PL011. */
#define UART0_DR            REG(0x4000c000)
#define UART0_FR            REG(0x4000c018)
#define UART0_CR            REG(0x4000c030)
#define UART_FR_TXFF        (1u << 5)
#define UART_CR_ENABLE      0x301u      /* UARTEN, TXE, RXE */

/* A GPIO port, a PL061 with the Stellaris registers. */
#define GPIO_DATA(base, pins) REG((base) + ((pins) << 2))
#define GPIO_DIR(base)      REG((base) + 0x400)
#define GPIO_IS(base)       REG((base) + 0x404)
#define GPIO_IBE(base)      REG((base) + 0x408)
#define GPIO_IM(base)       REG((base) + 0x410)
#define GPIO_MIS(base)      REG((base) + 0x418)
#define GPIO_ICR(base)      REG((base) + 0x41c)
#define GPIO_DEN(base)      REG((base) + 0x51c)
#define GPIO_PORT(base)     (((base) >= 0x40024000 ? \
                              ((base) - 0x40024000) / 0x1000 + 4 : \
                              ((base) - 0x40004000) / 0x1000))

/* The NVIC's interrupt set-enable register for IRQs 0-31. */
#define NVIC_ISER0          REG(0xe000e100)

#define LED                 (1u << LED_PIN)
#define BUTTON              (1u << BUTTON_PIN)

static void uart_putc(char c)
{
    while (UART0_FR & UART_FR_TXFF) {
        ;
    }
    UART0_DR = (uint8_t)c;
}

#define NUM_IRQS            32

#include "report.h"
#include "cortex-m.h"

static unsigned button_level(void)
{
    return GPIO_DATA(BUTTON_BASE, BUTTON) ? 1 : 0;
}

static void led_set(unsigned level)
{
    /* Only the LED's bit of the data register is written. */
    GPIO_DATA(LED_BASE, LED) = level ? LED : 0;
}

void button_irq(void)
{
    unsigned level;

    GPIO_ICR(BUTTON_BASE) = GPIO_MIS(BUTTON_BASE);
    level = button_level();
    led_set(level);
    report("irq", level);
}

void reset(void)
{
    SYSCTL_RCGC1 |= 1;
    SYSCTL_RCGC2 |= (1u << GPIO_PORT(LED_BASE)) |
                    (1u << GPIO_PORT(BUTTON_BASE));
    UART0_CR = UART_CR_ENABLE;
    uart_puts("fw: start\n");

    /* The LED: a push-pull output, low, then pulsed. */
    led_set(0);
    GPIO_DEN(LED_BASE) |= LED;
    GPIO_DIR(LED_BASE) |= LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: " LED_NAME " pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input interrupting on both edges. */
    GPIO_DEN(BUTTON_BASE) |= BUTTON;
    GPIO_DIR(BUTTON_BASE) &= ~BUTTON;
    GPIO_IS(BUTTON_BASE) &= ~BUTTON;
    GPIO_IBE(BUTTON_BASE) |= BUTTON;
    GPIO_ICR(BUTTON_BASE) = BUTTON;
    GPIO_IM(BUTTON_BASE) |= BUTTON;
    NVIC_ISER0 = 1u << BUTTON_IRQ;
    report("ready", button_level());

    idle();
}

/* Every external interrupt: the button's port's, or a fault. */
void external_irq(void)
{
    if (exception_number() == 16 + BUTTON_IRQ) {
        button_irq();
    } else {
        fault();
    }
}

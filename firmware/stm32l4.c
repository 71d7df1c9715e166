/*
 * Bare-metal firmware for QEMU's b-l475e-iot01a (a B-L475E-IOT01A
 * Discovery kit, STM32L475VG): what a microcontroller program does with
 * its GPIO, for the tests to watch from the host through gpiodev.  It
 * behaves as the Stellaris one (firmware/stellaris.c): "fw: start" on
 * USART1, TOGGLES pulses of the LED pin, "fw: ready BUTTON=LEVEL",
 * then, for each interrupt of the button pin (both edges, through
 * SYSCFG and EXTI), "fw: irq BUTTON=LEVEL" and the LED driven to that
 * level.
 *
 * The kit's LED2 is PB14 and its user button B1 is PC13, as on the
 * board.  USART1 is the kit's virtual COM port and QEMU's first serial
 * port.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))

/* Clock enables: the GPIO ports (AHB2), SYSCFG and USART1 (APB2) */
#define RCC_AHB2ENR         REG(0x4002104c)
#define RCC_APB2ENR         REG(0x40021060)
#define RCC_AHB2ENR_GPIO(port) (1u << (port))
#define RCC_APB2ENR_SYSCFG  (1u << 0)
#define RCC_APB2ENR_USART1  (1u << 14)

/* USART1 */
#define USART1_CR1          REG(0x40013800)
#define USART1_ISR          REG(0x4001381c)
#define USART1_TDR          REG(0x40013828)
#define USART_CR1_UE        (1u << 0)
#define USART_CR1_TE        (1u << 3)
#define USART_ISR_TXE       (1u << 7)

/* A GPIO port: port 0 is A */
#define GPIO_BASE(port)     (0x48000000 + 0x400 * (port))
#define GPIO_MODER(port)    REG(GPIO_BASE(port) + 0x00)
#define GPIO_PUPDR(port)    REG(GPIO_BASE(port) + 0x0c)
#define GPIO_IDR(port)      REG(GPIO_BASE(port) + 0x10)
#define GPIO_BSRR(port)     REG(GPIO_BASE(port) + 0x18)
#define GPIO_MODE_MASK(pin) (3u << (2 * (pin)))
#define GPIO_MODE_OUTPUT(pin) (1u << (2 * (pin)))

/* SYSCFG: which port's pin N EXTI line N takes */
#define SYSCFG_EXTICR(line) REG(0x40010008 + 4 * ((line) / 4))
#define EXTICR_SHIFT(line)  (4 * ((line) % 4))

/* EXTI, lines 0 to 31 */
#define EXTI_IMR1           REG(0x40010400)
#define EXTI_RTSR1          REG(0x40010408)
#define EXTI_FTSR1          REG(0x4001040c)
#define EXTI_PR1            REG(0x40010414)

/* The NVIC's interrupt set-enable registers */
#define NVIC_ISER(irq)      REG(0xe000e100 + 4 * ((irq) / 32))
#define EXTI15_10_IRQ       40
#define NUM_IRQS            82

#define PORT_B              1
#define PORT_C              2
#define LED_PORT            PORT_B
#define LED_PIN             14
#define BUTTON_PORT         PORT_C
#define BUTTON_PIN          13
#define BUTTON_NAME         "PC13"
#define LED                 (1u << LED_PIN)
#define BUTTON              (1u << BUTTON_PIN)

static void uart_putc(char c)
{
    while (!(USART1_ISR & USART_ISR_TXE)) {
        ;
    }
    USART1_TDR = (uint8_t)c;
}

#include "report.h"
#include "cortex-m.h"

static unsigned button_level(void)
{
    return GPIO_IDR(BUTTON_PORT) & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    /* BSRR: the low half sets pins, the high half resets them. */
    GPIO_BSRR(LED_PORT) = level ? LED : LED << 16;
}

static void button_irq(void)
{
    unsigned level;

    EXTI_PR1 = BUTTON;  /* cleared by writing 1 */
    level = button_level();
    led_set(level);
    report("irq", level);
}

void reset(void)
{
    RCC_AHB2ENR |= RCC_AHB2ENR_GPIO(LED_PORT) | RCC_AHB2ENR_GPIO(BUTTON_PORT);
    RCC_APB2ENR |= RCC_APB2ENR_SYSCFG | RCC_APB2ENR_USART1;
    USART1_CR1 = USART_CR1_UE | USART_CR1_TE;
    uart_puts("fw: start\n");

    /* The LED: a push-pull output, low, then pulsed. */
    led_set(0);
    GPIO_MODER(LED_PORT) = (GPIO_MODER(LED_PORT) & ~GPIO_MODE_MASK(LED_PIN)) |
                           GPIO_MODE_OUTPUT(LED_PIN);
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: PB14 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /*
     * The button: an input with no pull (the kit has its own), routed
     * to EXTI line 13, interrupting on both edges.
     */
    GPIO_MODER(BUTTON_PORT) &= ~GPIO_MODE_MASK(BUTTON_PIN);
    GPIO_PUPDR(BUTTON_PORT) &= ~GPIO_MODE_MASK(BUTTON_PIN);
    SYSCFG_EXTICR(BUTTON_PIN) =
        (SYSCFG_EXTICR(BUTTON_PIN) & ~(0xfu << EXTICR_SHIFT(BUTTON_PIN))) |
        (BUTTON_PORT << EXTICR_SHIFT(BUTTON_PIN));
    EXTI_RTSR1 |= BUTTON;
    EXTI_FTSR1 |= BUTTON;
    EXTI_PR1 = BUTTON;
    EXTI_IMR1 |= BUTTON;
    NVIC_ISER(EXTI15_10_IRQ) = 1u << (EXTI15_10_IRQ % 32);
    report("ready", button_level());

    idle();
}

/* Every external interrupt: EXTI lines 10 to 15, or a fault. */
void external_irq(void)
{
    if (exception_number() == 16 + EXTI15_10_IRQ && (EXTI_PR1 & BUTTON)) {
        button_irq();
    } else {
        fault();
    }
}

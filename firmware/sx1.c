/*
 * Bare-metal firmware for QEMU's sx1 (Siemens SX1: a TI OMAP310, its
 * ARM925T core): what a program does with the SoC's GPIO, for the
 * tests to watch from the host through gpiodev.  It behaves as the
 * other firmwares (firmware/stellaris.c): "fw: start" on UART1, TOGGLES
 * pulses of the LED pin, then of an MPUIO pin, each reported, "fw: ready
 * BUTTON=LEVEL", then, for each event of the button pin, "fw: irq
 * BUTTON=LEVEL" and the LED driven to that level.
 *
 * The OMAP's GPIO interrupts on one edge per pin, rising or falling.
 * For both, the firmware does what Linux's gpio-omap does: after each
 * event it arms the edge away from the level it read.  The pins are
 * GPIO3 (LED), GPIO2 (button) and MPUIO1, which the board leaves free;
 * the GPIO controller's interrupt is line 14 of the level 1 interrupt
 * handler.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG16(addr)         (*(volatile uint16_t *)(addr))
#define REG32(addr)         (*(volatile uint32_t *)(addr))

/* UART1, a 16550 with its registers 4 bytes apart */
#define UART1_THR           REG32(0xfffb0000)
#define UART1_LSR           REG32(0xfffb0014)
#define UART_LSR_THRE       (1u << 5)

/* The level 1 interrupt handler */
#define IH1_MIR             REG32(0xfffecb04)   /* 1: masked */
#define IH1_SIR_IRQ_CODE    REG32(0xfffecb10)
#define IH1_CONTROL         REG32(0xfffecb18)
#define IH1_CONTROL_NEW_IRQ 1u
#define IH1_ILR(n)          REG32(0xfffecb1c + 4 * (n))
#define IH1_ILR_LEVEL       (1u << 1)
#define IRQ_GPIO            14

/* The GPIO controller, 16 bits wide */
#define GPIO_DATA_INPUT     REG16(0xfffce000)
#define GPIO_DATA_OUTPUT    REG16(0xfffce004)
#define GPIO_DIRECTION      REG16(0xfffce008)   /* 1: input */
#define GPIO_INT_CONTROL    REG16(0xfffce00c)   /* 1: rising edge */
#define GPIO_INT_MASK       REG16(0xfffce010)   /* 1: masked */
#define GPIO_INT_STATUS     REG16(0xfffce014)   /* write 1 to clear */

/* The MPUIO's general-purpose pins, 16 bits wide */
#define MPUIO_OUTPUT        REG16(0xfffb5004)
#define MPUIO_IO_CNTL       REG16(0xfffb5008)   /* 1: input */

#define LED                 (1u << 3)
#define BUTTON              (1u << 2)
#define BUTTON_NAME         "GPIO2"
#define MPUIO_PIN           (1u << 1)

static void uart_putc(char c)
{
    while (!(UART1_LSR & UART_LSR_THRE)) {
        ;
    }
    UART1_THR = (uint8_t)c;
}

#include "report.h"
#include "armv4.h"

static unsigned button_level(void)
{
    return GPIO_DATA_INPUT & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    if (level) {
        GPIO_DATA_OUTPUT |= LED;
    } else {
        GPIO_DATA_OUTPUT &= ~LED;
    }
}

static void mpuio_pin_set(unsigned level)
{
    if (level) {
        MPUIO_OUTPUT |= MPUIO_PIN;
    } else {
        MPUIO_OUTPUT &= ~MPUIO_PIN;
    }
}

/* The next event of the button: the edge away from @level */
static void button_arm(unsigned level)
{
    if (level) {
        GPIO_INT_CONTROL &= ~BUTTON;
    } else {
        GPIO_INT_CONTROL |= BUTTON;
    }
}

static void button_irq(void)
{
    unsigned level;

    GPIO_INT_STATUS = BUTTON;
    level = button_level();
    button_arm(level);
    led_set(level);
    report("irq", level);
}

/* IRQ mode, on its own stack: the interrupt the handler chose */
__attribute__((interrupt("IRQ")))
void irq_handler(void)
{
    uint32_t irq = IH1_SIR_IRQ_CODE;

    if (irq == IRQ_GPIO && (GPIO_INT_STATUS & BUTTON)) {
        button_irq();
    } else {
        uart_puts("fw: fault irq=");
        uart_put_uint(irq);
        uart_putc('\n');
    }
    IH1_CONTROL = IH1_CONTROL_NEW_IRQ;
}

void firmware_main(void)
{
    unsigned level;

    uart_puts("fw: start\n");

    /* The LED: an output, low, then pulsed. */
    led_set(0);
    GPIO_DIRECTION &= ~LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: GPIO3 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The MPUIO pin: an output, low, then pulsed. */
    mpuio_pin_set(0);
    MPUIO_IO_CNTL &= ~MPUIO_PIN;
    for (unsigned i = 0; i < TOGGLES; i++) {
        mpuio_pin_set(1);
        mpuio_pin_set(0);
    }
    uart_puts("fw: MPUIO1 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input, its next edge armed, unmasked. */
    GPIO_DIRECTION |= BUTTON;
    level = button_level();
    button_arm(level);
    GPIO_INT_STATUS = BUTTON;
    GPIO_INT_MASK &= ~BUTTON;
    IH1_ILR(IRQ_GPIO) = IH1_ILR_LEVEL;
    IH1_MIR &= ~(1u << IRQ_GPIO);
    report("ready", level);
    irqs_on();
    idle();
}

/*
 * Bare-metal firmware for QEMU's NPCM7xx boards (npcm750-evb and the
 * Quanta, Kudo and Mori BMCs: a Nuvoton NPCM750, two Cortex-A9 cores):
 * what a program does with the BMC's GPIO, for the tests to watch from
 * the host through gpiodev.  It behaves as the Stellaris one
 * (firmware/stellaris.c): "fw: start" on UART0, TOGGLES pulses of the
 * LED pin, "fw: ready BUTTON=LEVEL", then, for each event of the button
 * pin (both edges, through the GIC), "fw: irq BUTTON=LEVEL" and the LED
 * driven to that level.
 *
 * The pins are GPIO38 (LED) and GPIO37 (button), lines 6 and 5 of bank
 * 1, which the evaluation board leaves free and the SoC pulls down.
 * Every core starts at the ELF's entry in secure SVC mode; the second
 * one waits for interrupts forever.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))
#define REG8(addr)          (*(volatile uint8_t *)(addr))

/* UART0, a 16550 with its registers 4 bytes apart */
#define UART0_THR           REG(0xf0001000)
#define UART0_LSR           REG(0xf0001014)
#define UART_LSR_THRE       (1u << 5)

/* GPIO bank 1 */
#define GPIO_BASE           0xf0011000
#define GPIO_DIN            REG(GPIO_BASE + 0x04)
#define GPIO_EVTYP          REG(GPIO_BASE + 0x28)
#define GPIO_EVBE           REG(GPIO_BASE + 0x2c)
#define GPIO_EVENS          REG(GPIO_BASE + 0x44)
#define GPIO_EVST           REG(GPIO_BASE + 0x4c)
#define GPIO_IEM            REG(GPIO_BASE + 0x58)
#define GPIO_DOS            REG(GPIO_BASE + 0x68)
#define GPIO_DOC            REG(GPIO_BASE + 0x6c)
#define GPIO_OES            REG(GPIO_BASE + 0x70)
#define GPIO_OEC            REG(GPIO_BASE + 0x74)
#define GPIO_BANK1_IRQ      (32 + 116 + 1)      /* SPI 117 */

/* The A9 MPCore's GIC: distributor, and this core's CPU interface */
#define GICD_BASE           0xf03ff000
#define GICD_CTLR           REG(GICD_BASE + 0x000)
#define GICD_ISENABLER(id)  REG(GICD_BASE + 0x100 + 4 * ((id) / 32))
#define GICD_IPRIORITYR(id) REG8(GICD_BASE + 0x400 + (id))
#define GICD_ITARGETSR(id)  REG8(GICD_BASE + 0x800 + (id))
#define GICC_BASE           0xf03fe100
#define GICC_CTLR           REG(GICC_BASE + 0x00)
#define GICC_PMR            REG(GICC_BASE + 0x04)
#define GICC_IAR            REG(GICC_BASE + 0x0c)
#define GICC_EOIR           REG(GICC_BASE + 0x10)
#define GIC_SPURIOUS        1023

#define LED_PIN             6
#define BUTTON_PIN          5
#define BUTTON_NAME         "GPIO37"
#define LED                 (1u << LED_PIN)
#define BUTTON              (1u << BUTTON_PIN)

static void uart_putc(char c)
{
    while (!(UART0_LSR & UART_LSR_THRE)) {
        ;
    }
    UART0_THR = (uint8_t)c;
}

#include "report.h"

static unsigned button_level(void)
{
    return GPIO_DIN & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    if (level) {
        GPIO_DOS = LED;
    } else {
        GPIO_DOC = LED;
    }
}

static void halt(void)
{
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void button_irq(void)
{
    unsigned level;

    GPIO_EVST = BUTTON;     /* cleared by writing 1 */
    level = button_level();
    led_set(level);
    report("irq", level);
}

/* IRQ mode, on its own stack: every pending interrupt of the GIC. */
__attribute__((interrupt("IRQ")))
void irq_handler(void)
{
    uint32_t iar;

    while ((iar = GICC_IAR) % 1024 != GIC_SPURIOUS) {
        if (iar % 1024 == GPIO_BANK1_IRQ && (GPIO_EVST & BUTTON)) {
            button_irq();
        } else {
            uart_puts("fw: fault irq=");
            uart_put_uint(iar);
            uart_putc('\n');
        }
        GICC_EOIR = iar;
    }
}

/* Any other exception: say so, and stop. */
void fault(void)
{
    uart_puts("fw: fault\n");
    halt();
}

static void gic_enable(unsigned id)
{
    GICD_IPRIORITYR(id) = 0xa0;
    GICD_ITARGETSR(id) = 1;         /* this core */
    GICD_ISENABLER(id) = 1u << (id % 32);
    GICD_CTLR = 1;
    GICC_PMR = 0xff;
    GICC_CTLR = 1;
}

void firmware_main(void)
{
    uart_puts("fw: start\n");

    /* The LED: an output, low, then pulsed. */
    led_set(0);
    GPIO_OES = LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: GPIO38 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input, its buffer on, an event on both edges. */
    GPIO_OEC = BUTTON;
    GPIO_IEM |= BUTTON;
    GPIO_EVTYP |= BUTTON;
    GPIO_EVBE |= BUTTON;
    GPIO_EVST = BUTTON;
    GPIO_EVENS = BUTTON;
    gic_enable(GPIO_BANK1_IRQ);
    report("ready", button_level());
    __asm__ volatile("cpsie i");
    halt();
}

/*
 * The exception vectors, which VBAR points to once SCTLR.V (high
 * vectors, where the SoC's boot ROM is) is cleared.
 */
#include "arm-vectors.h"

/* The entry: core 0 sets up its stacks and vectors, the other waits. */
__attribute__((naked, section(".text.start")))
void start(void)
{
    __asm__ volatile("mrc p15, 0, r0, c0, c0, 5\n"     /* MPIDR */
                     "ands r0, r0, #3\n"
                     "bne 1f\n"
                     "cps #0x12\n"                     /* IRQ mode */
                     "ldr sp, =irq_stack_top\n"
                     "cps #0x13\n"                     /* SVC mode */
                     "ldr sp, =stack_top\n"
                     "mrc p15, 0, r0, c1, c0, 0\n"     /* SCTLR */
                     "bic r0, r0, #(1 << 13)\n"        /* V: low vectors */
                     "mcr p15, 0, r0, c1, c0, 0\n"
                     "ldr r0, =vectors\n"
                     "mcr p15, 0, r0, c12, c0, 0\n"    /* VBAR */
                     "isb\n"
                     "b firmware_main\n"
                     "1: wfi\n"
                     "b 1b\n");
}

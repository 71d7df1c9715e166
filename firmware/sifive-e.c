/*
 * Bare-metal firmware for QEMU's sifive_e board (a HiFive1 with the
 * FE310): what a microcontroller program does with its GPIO, for the
 * tests to watch from the host through gpiodev.  It behaves as the
 * Stellaris one (firmware/stellaris.c): "fw: start" on UART0, TOGGLES
 * pulses of the LED pin, "fw: ready BUTTON=LEVEL", then, for each
 * interrupt of the button pin (rising and falling, through the PLIC),
 * "fw: irq BUTTON=LEVEL" and the LED driven to that level.
 *
 * The HiFive1's green LED is GPIO19; the button is GPIO2, a pin the
 * board leaves free.  Runs in machine mode from the flash at 0x20400000
 * where QEMU's reset vector jumps; the stack is at the top of the DTIM.
 * The same source builds for RV32 (the FE310's E31 core, which
 * qemu-system-riscv32 models) and RV64 (qemu-system-riscv64 gives the
 * board an E51 core).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG(addr)           (*(volatile uint32_t *)(addr))

/* UART0 */
#define UART0_TXDATA        REG(0x10013000)
#define UART0_TXCTRL        REG(0x10013008)
#define UART_TXDATA_FULL    (1u << 31)
#define UART_TXCTRL_TXEN    1u

/* GPIO0 */
#define GPIO_BASE           0x10012000
#define GPIO_INPUT_VAL      REG(GPIO_BASE + 0x00)
#define GPIO_INPUT_EN       REG(GPIO_BASE + 0x04)
#define GPIO_OUTPUT_EN      REG(GPIO_BASE + 0x08)
#define GPIO_OUTPUT_VAL     REG(GPIO_BASE + 0x0c)
#define GPIO_RISE_IE        REG(GPIO_BASE + 0x18)
#define GPIO_RISE_IP        REG(GPIO_BASE + 0x1c)
#define GPIO_FALL_IE        REG(GPIO_BASE + 0x20)
#define GPIO_FALL_IP        REG(GPIO_BASE + 0x24)
#define GPIO_IOF_EN         REG(GPIO_BASE + 0x38)

/* The PLIC: GPIO pin N is source 8 + N; hart 0's machine context. */
#define PLIC_BASE           0x0c000000
#define PLIC_PRIORITY(src)  REG(PLIC_BASE + 4 * (src))
#define PLIC_ENABLE(src)    REG(PLIC_BASE + 0x2000 + 4 * ((src) / 32))
#define PLIC_THRESHOLD      REG(PLIC_BASE + 0x200000)
#define PLIC_CLAIM          REG(PLIC_BASE + 0x200004)
#define GPIO_SOURCE(pin)    (8 + (pin))

#define MSTATUS_MIE         (1u << 3)
#define MIE_MEIE            (1u << 11)
#define MCAUSE_INTERRUPT    (1ul << (__riscv_xlen - 1))
#define MCAUSE_EXTERNAL     11ul

#define LED_PIN             19
#define LED_NAME            "GPIO19"
#define BUTTON_PIN          2
#define BUTTON_NAME         "GPIO2"
#define LED                 (1u << LED_PIN)
#define BUTTON              (1u << BUTTON_PIN)

static void uart_putc(char c)
{
    while (UART0_TXDATA & UART_TXDATA_FULL) {
        ;
    }
    UART0_TXDATA = (uint8_t)c;
}

#include "report.h"

static unsigned button_level(void)
{
    return GPIO_INPUT_VAL & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    if (level) {
        GPIO_OUTPUT_VAL |= LED;
    } else {
        GPIO_OUTPUT_VAL &= ~LED;
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

    /* Pending bits are cleared by writing 1s. */
    GPIO_RISE_IP = BUTTON;
    GPIO_FALL_IP = BUTTON;
    level = button_level();
    led_set(level);
    report("irq", level);
}

/* Machine-mode traps: external interrupts from the PLIC, else a fault. */
__attribute__((interrupt("machine"), aligned(4)))
void trap(void)
{
    unsigned long cause;

    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    if (cause != (MCAUSE_INTERRUPT | MCAUSE_EXTERNAL)) {
        unsigned long epc;

        __asm__ volatile("csrr %0, mepc" : "=r"(epc));
        uart_puts("fw: fault mcause=");
        uart_put_uint(cause);
        uart_puts(" mepc=");
        uart_put_uint(epc);
        uart_putc('\n');
        halt();
    }
    for (uint32_t src; (src = PLIC_CLAIM) != 0; PLIC_CLAIM = src) {
        if (src == GPIO_SOURCE(BUTTON_PIN)) {
            button_irq();
        }
    }
}

void firmware_main(void)
{
    UART0_TXCTRL = UART_TXCTRL_TXEN;
    uart_puts("fw: start\n");

    /* The LED: an output, low, then pulsed. */
    GPIO_IOF_EN &= ~(LED | BUTTON);
    led_set(0);
    GPIO_OUTPUT_EN |= LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: " LED_NAME " pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input interrupting on both edges. */
    GPIO_OUTPUT_EN &= ~BUTTON;
    GPIO_INPUT_EN |= BUTTON;
    GPIO_RISE_IP = BUTTON;
    GPIO_FALL_IP = BUTTON;
    GPIO_RISE_IE |= BUTTON;
    GPIO_FALL_IE |= BUTTON;
    PLIC_PRIORITY(GPIO_SOURCE(BUTTON_PIN)) = 1;
    PLIC_ENABLE(GPIO_SOURCE(BUTTON_PIN)) |=
        1u << (GPIO_SOURCE(BUTTON_PIN) % 32);
    PLIC_THRESHOLD = 0;
    __asm__ volatile("csrw mtvec, %0" : : "r"(trap));
    __asm__ volatile("csrs mie, %0" : : "r"(MIE_MEIE));
    report("ready", button_level());
    __asm__ volatile("csrs mstatus, %0" : : "r"(MSTATUS_MIE));
    halt();
}

/* The first instruction: a stack, then main. */
__attribute__((naked, section(".text.start")))
void start(void)
{
    __asm__ volatile("la sp, stack_top\n"
                     "j firmware_main\n");
}

/*
 * Bare-metal firmware for QEMU's ppce500 (an e500v2 core, a Freescale
 * MPIC and an MPC8xxx GPIO controller): what a program does with the
 * board's GPIO, for the tests to watch from the host through gpiodev.
 * It behaves as the other firmwares (firmware/stellaris.c): "fw: start"
 * on the first UART, TOGGLES pulses of the LED pin, "fw: ready
 * BUTTON=LEVEL", then, for each event of the button pin (both edges,
 * through the MPIC), "fw: irq BUTTON=LEVEL" and the LED driven to that
 * level.
 *
 * The pins are GPIO5 (LED) and GPIO4 (button); GPIO0 powers the board
 * off.  QEMU starts the core at the ELF's entry with a TLB entry that
 * maps the RAM from 0; the firmware maps the CCSR, which the board has
 * at 0xf_e000_0000, at 0xe000_0000.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <stdint.h>

#define REG8(addr)          (*(volatile uint8_t *)(addr))
#define REG32(addr)         (*(volatile uint32_t *)(addr))

/* Where the firmware maps the CCSR, 1 MiB */
#define CCSR                0xe0000000u
#define CCSR_PHYS_HIGH      0xfu            /* bits 32-35 */

/* The first DUART channel, a 16550 */
#define UART_THR            REG8(CCSR + 0x4500)
#define UART_LSR            REG8(CCSR + 0x4505)
#define UART_LSR_THRE       (1u << 5)

/* The MPIC: this core's registers, and a source's */
#define MPIC                (CCSR + 0x40000)
#define MPIC_CTPR           REG32(MPIC + 0x0080)
#define MPIC_IACK           REG32(MPIC + 0x00a0)
#define MPIC_EOI            REG32(MPIC + 0x00b0)
#define MPIC_GCR            REG32(MPIC + 0x1020)
#define MPIC_GCR_MIXED      0x20000000u
#define MPIC_IVPR(n)        REG32(MPIC + 0x10000 + 0x20 * (n))
#define MPIC_IDR(n)         REG32(MPIC + 0x10010 + 0x20 * (n))
#define MPIC_IVPR_PRIO(p)   ((uint32_t)(p) << 16)
#define IRQ_GPIO            47

/* The GPIO controller: pin N is bit 31 - N */
#define GPIO                (CCSR + 0xff000)
#define GPDIR               REG32(GPIO + 0x00)  /* 1: output */
#define GPDAT               REG32(GPIO + 0x08)
#define GPIER               REG32(GPIO + 0x0c)  /* events, write 1 to clear */
#define GPIMR               REG32(GPIO + 0x10)
#define GPICR               REG32(GPIO + 0x14)  /* 1: falling edges only */
#define PIN(n)              (0x80000000u >> (n))

#define LED                 PIN(5)
#define BUTTON              PIN(4)
#define BUTTON_NAME         "GPIO4"

/* Special registers */
#define SPR_IVPR            63
#define SPR_IVOR(n)         (400 + (n))
#define SPR_MAS0            624
#define SPR_MAS1            625
#define SPR_MAS2            626
#define SPR_MAS3            627
#define SPR_MAS7            944
#define SPR_HID0            1008
#define HID0_DOZE           0x00800000u
#define MSR_WE              0x00040000u
#define MSR_EE              0x00008000u

#define mtspr(spr, value) \
    __asm__ volatile("mtspr %0, %1" : : "i"(spr), "r"(value) : "memory")
#define mfspr(spr) ({ \
    uint32_t v_; \
    __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(spr)); \
    v_; \
})

static void uart_putc(char c)
{
    while (!(UART_LSR & UART_LSR_THRE)) {
        ;
    }
    UART_THR = (uint8_t)c;
}

#include "report.h"

void firmware_main(void);
void irq_handler(void);
void fault(void);
extern const char vectors[], external_input[], any_other[];

/*
 * The exception entries, in the 64 KiB that IVPR points to: the
 * external input saves the registers that C code may clobber (r0,
 * r3-r12, LR, CTR, CR, XER) and calls irq_handler(); any other
 * exception ends in fault().  start sets the stack, with a null back
 * chain, and calls firmware_main().
 */
__asm__(".section .text.vectors, \"ax\"\n"
        ".globl vectors\n"
        "vectors:\n"
        ".globl start\n"
        "start:\n"
        "    lis 1, stack_top@ha\n"
        "    addi 1, 1, stack_top@l\n"
        "    li 0, 0\n"
        "    stwu 0, -16(1)\n"
        "    b firmware_main\n"
        ".align 4\n"
        ".globl external_input\n"
        "external_input:\n"
        "    stwu 1, -80(1)\n"
        "    stw 0, 8(1)\n"
        "    stw 3, 12(1)\n"
        "    stw 4, 16(1)\n"
        "    stw 5, 20(1)\n"
        "    stw 6, 24(1)\n"
        "    stw 7, 28(1)\n"
        "    stw 8, 32(1)\n"
        "    stw 9, 36(1)\n"
        "    stw 10, 40(1)\n"
        "    stw 11, 44(1)\n"
        "    stw 12, 48(1)\n"
        "    mflr 0\n"
        "    stw 0, 52(1)\n"
        "    mfctr 0\n"
        "    stw 0, 56(1)\n"
        "    mfcr 0\n"
        "    stw 0, 60(1)\n"
        "    mfxer 0\n"
        "    stw 0, 64(1)\n"
        "    bl irq_handler\n"
        "    lwz 0, 64(1)\n"
        "    mtxer 0\n"
        "    lwz 0, 60(1)\n"
        "    mtcr 0\n"
        "    lwz 0, 56(1)\n"
        "    mtctr 0\n"
        "    lwz 0, 52(1)\n"
        "    mtlr 0\n"
        "    lwz 0, 8(1)\n"
        "    lwz 3, 12(1)\n"
        "    lwz 4, 16(1)\n"
        "    lwz 5, 20(1)\n"
        "    lwz 6, 24(1)\n"
        "    lwz 7, 28(1)\n"
        "    lwz 8, 32(1)\n"
        "    lwz 9, 36(1)\n"
        "    lwz 10, 40(1)\n"
        "    lwz 11, 44(1)\n"
        "    lwz 12, 48(1)\n"
        "    addi 1, 1, 80\n"
        "    rfi\n"
        ".align 4\n"
        ".globl any_other\n"
        "any_other:\n"
        "    b fault\n"
        ".text\n");

static unsigned button_level(void)
{
    return GPDAT & BUTTON ? 1 : 0;
}

static void led_set(unsigned level)
{
    if (level) {
        GPDAT |= LED;
    } else {
        GPDAT &= ~LED;
    }
}

/* Until the next interrupt: doze, with external interrupts on */
static void __attribute__((noreturn)) idle(void)
{
    mtspr(SPR_HID0, mfspr(SPR_HID0) | HID0_DOZE);
    for (;;) {
        uint32_t msr;

        __asm__ volatile("mfmsr %0" : "=r"(msr));
        msr |= MSR_WE | MSR_EE;
        __asm__ volatile("sync\n"
                         "mtmsr %0\n"
                         "isync" : : "r"(msr) : "memory");
    }
}

/* Anything else that traps: say so, and stop. */
void fault(void)
{
    uart_puts("fw: fault\n");
    for (;;) {
        ;
    }
}

static void button_irq(void)
{
    unsigned level;

    GPIER = BUTTON;
    level = button_level();
    led_set(level);
    report("irq", level);
}

/* Each interrupt the MPIC presents, until it has none */
void irq_handler(void)
{
    uint32_t vector = MPIC_IACK;

    if (vector == IRQ_GPIO && (GPIER & BUTTON)) {
        button_irq();
    } else {
        uart_puts("fw: fault irq=");
        uart_put_uint(vector);
        uart_putc('\n');
    }
    MPIC_EOI = 0;
}

/* TLB1 entry 1: the CCSR, 1 MiB, cache-inhibited and guarded */
static void map_ccsr(void)
{
    mtspr(SPR_MAS0, 0x10010000u);                   /* TLB1, entry 1 */
    mtspr(SPR_MAS1, 0xc0000000u | 5u << 8);         /* V, IPROT, 1 MiB */
    mtspr(SPR_MAS2, CCSR | 0xau);                   /* I, G */
    mtspr(SPR_MAS3, CCSR | 0x5u);                   /* SW, SR */
    mtspr(SPR_MAS7, CCSR_PHYS_HIGH);
    __asm__ volatile("isync\n"
                     "tlbwe\n"
                     "isync" : : : "memory");
}

/* Every exception to any_other but the external input */
static void set_vectors(void)
{
    uint32_t base = (uint32_t)vectors & 0xffff0000u;

    mtspr(SPR_IVPR, base);
    mtspr(SPR_IVOR(0), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(1), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(2), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(3), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(4), (uint32_t)external_input - base);
    mtspr(SPR_IVOR(5), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(6), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(7), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(8), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(9), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(10), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(11), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(12), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(13), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(14), (uint32_t)any_other - base);
    mtspr(SPR_IVOR(15), (uint32_t)any_other - base);
}

void firmware_main(void)
{
    map_ccsr();
    set_vectors();
    uart_puts("fw: start\n");

    /* The LED: an output, low, then pulsed. */
    led_set(0);
    GPDIR |= LED;
    for (unsigned i = 0; i < TOGGLES; i++) {
        led_set(1);
        led_set(0);
    }
    uart_puts("fw: GPIO5 pulsed ");
    uart_put_uint(TOGGLES);
    uart_puts(" times\n");

    /* The button: an input, events on both edges, through the MPIC. */
    GPDIR &= ~BUTTON;
    GPICR &= ~BUTTON;
    GPIER = BUTTON;
    GPIMR |= BUTTON;
    MPIC_GCR = MPIC_GCR_MIXED;
    MPIC_IDR(IRQ_GPIO) = 1;                         /* core 0 */
    MPIC_IVPR(IRQ_GPIO) = MPIC_IVPR_PRIO(8) | IRQ_GPIO;
    MPIC_CTPR = 0;
    report("ready", button_level());
    idle();
}

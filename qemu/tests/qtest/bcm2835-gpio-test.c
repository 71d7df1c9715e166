/*
 * QTest testcase for the GPIO block of the Raspberry Pi SoCs: pin levels,
 * outputs, event detection and the interrupts it raises, as the
 * "BCM2835 ARM Peripherals" datasheet, chapter 6, describes them
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest.h"

#define GPFSEL0 0x00
#define GPSET0 0x1c
#define GPCLR0 0x28
#define GPLEV0 0x34
#define GPEDS0 0x40
#define GPREN0 0x4c
#define GPFEN0 0x58
#define GPHEN0 0x64
#define GPLEN0 0x70
#define GPAREN0 0x7c
#define GPAFEN0 0x88
#define BANK(reg, n) ((reg) + (n) / 32 * 4)

#define GPIO_PATH "/machine/soc/peripherals/gpio"

typedef struct Board {
    const char *machine;
    uint64_t gpio;              /* the block's registers */
    /* Whether the interrupt of group @g (3: any pin) is pending */
    bool (*irq_pending)(QTestState *qts, const struct Board *b, int g);
    uint64_t intc;              /* the interrupt controller's registers */
} Board;

/*
 * BCM2835 interrupt controller: GPIO interrupts are GPU interrupts 49 to
 * 52, which its pending register 2 shows once enabled.
 */
#define IC_PENDING_2 0x08
#define IC_ENABLE_2 0x14
#define IC_GPIO_BIT(g) BIT(49 - 32 + (g))

static bool ic_pending(QTestState *qts, const Board *b, int g)
{
    qtest_writel(qts, b->intc + IC_ENABLE_2, IC_GPIO_BIT(g));
    return qtest_readl(qts, b->intc + IC_PENDING_2) & IC_GPIO_BIT(g);
}

/* BCM2711: GIC SPIs 113 to 116, interrupt IDs 145 to 148 */
#define GICD_ISPENDR 0x200

static bool gic_pending(QTestState *qts, const Board *b, int g)
{
    int id = 32 + 113 + g;

    return qtest_readl(qts, b->intc + GICD_ISPENDR + id / 32 * 4) &
           BIT(id % 32);
}

static const Board boards[] = {
    { "raspi2b", 0x3f200000, ic_pending, 0x3f00b200 },
    { "raspi3b", 0x3f200000, ic_pending, 0x3f00b200 },
    { "raspi4b", 0xfe200000, gic_pending, 0xff841000 },
};

static uint32_t rd(QTestState *qts, const Board *b, uint32_t reg)
{
    return qtest_readl(qts, b->gpio + reg);
}

static void wr(QTestState *qts, const Board *b, uint32_t reg, uint32_t v)
{
    qtest_writel(qts, b->gpio + reg, v);
}

static bool pin_level(QTestState *qts, const Board *b, int n)
{
    return rd(qts, b, BANK(GPLEV0, n)) & BIT(n % 32);
}

static void set_fsel(QTestState *qts, const Board *b, int n, int fsel)
{
    uint32_t reg = GPFSEL0 + n / 10 * 4;
    int shift = n % 10 * 3;

    wr(qts, b, reg, (rd(qts, b, reg) & ~(7u << shift)) | fsel << shift);
}

static void drive(QTestState *qts, int n, bool level)
{
    qtest_set_irq_in(qts, GPIO_PATH, NULL, n, level);
}

/* GPLEVn reads what drives an input pin, not the output latch. */
static void test_level_of_inputs(const void *opaque)
{
    const Board *b = opaque;
    QTestState *qts = qtest_initf("-machine %s", b->machine);

    wr(qts, b, GPSET0, BIT(4));
    g_assert_false(pin_level(qts, b, 4));
    drive(qts, 4, true);
    wr(qts, b, GPCLR0, BIT(4));
    g_assert_true(pin_level(qts, b, 4));
    drive(qts, 4, false);
    g_assert_false(pin_level(qts, b, 4));
    qtest_quit(qts);
}

/*
 * A pin made an output drives the latch set before, as Linux's
 * pinctrl-bcm2835 sets the level before the function.
 */
static void test_output_drives_latch(const void *opaque)
{
    const Board *b = opaque;
    QTestState *qts = qtest_initf("-machine %s", b->machine);

    qtest_irq_intercept_out(qts, GPIO_PATH);
    drive(qts, 17, false);
    wr(qts, b, GPSET0, BIT(17));
    g_assert_false(qtest_get_irq(qts, 17));
    set_fsel(qts, b, 17, 1);
    g_assert_true(qtest_get_irq(qts, 17));
    g_assert_true(pin_level(qts, b, 17));

    wr(qts, b, GPCLR0, BIT(17));
    g_assert_false(qtest_get_irq(qts, 17));
    g_assert_false(pin_level(qts, b, 17));

    /* An input again: the level that other devices drive */
    drive(qts, 17, true);
    g_assert_false(pin_level(qts, b, 17));
    set_fsel(qts, b, 17, 0);
    g_assert_true(pin_level(qts, b, 17));
    qtest_quit(qts);
}

static bool event(QTestState *qts, const Board *b, int n)
{
    return rd(qts, b, BANK(GPEDS0, n)) & BIT(n % 32);
}

static void clear_event(QTestState *qts, const Board *b, int n)
{
    wr(qts, b, BANK(GPEDS0, n), BIT(n % 32));
}

/* Edge detect enables: the matching edge is an event until cleared. */
static void check_edge(QTestState *qts, const Board *b, uint32_t enable,
                       bool rising)
{
    int n = 22;

    drive(qts, n, !rising);
    clear_event(qts, b, n);
    wr(qts, b, enable, BIT(n));
    g_assert_false(event(qts, b, n));
    drive(qts, n, rising);
    g_assert_true(event(qts, b, n));
    g_assert_true(b->irq_pending(qts, b, 0));
    g_assert_true(b->irq_pending(qts, b, 3));
    drive(qts, n, !rising);
    clear_event(qts, b, n);
    g_assert_false(event(qts, b, n));
    g_assert_false(b->irq_pending(qts, b, 0));
    wr(qts, b, enable, 0);
}

static void test_edge_events(const void *opaque)
{
    const Board *b = opaque;
    QTestState *qts = qtest_initf("-machine %s", b->machine);

    check_edge(qts, b, GPREN0, true);
    check_edge(qts, b, GPFEN0, false);
    check_edge(qts, b, GPAREN0, true);
    check_edge(qts, b, GPAFEN0, false);
    qtest_quit(qts);
}

/* Level detect enables: an event as long as the level lasts. */
static void check_level(QTestState *qts, const Board *b, uint32_t enable,
                        bool high)
{
    int n = 23;

    drive(qts, n, !high);
    wr(qts, b, enable, BIT(n));
    g_assert_false(event(qts, b, n));
    drive(qts, n, high);
    g_assert_true(event(qts, b, n));
    clear_event(qts, b, n);
    g_assert_true(event(qts, b, n));
    g_assert_true(b->irq_pending(qts, b, 0));
    drive(qts, n, !high);
    clear_event(qts, b, n);
    g_assert_false(event(qts, b, n));
    g_assert_false(b->irq_pending(qts, b, 0));
    wr(qts, b, enable, 0);
}

static void test_level_events(const void *opaque)
{
    const Board *b = opaque;
    QTestState *qts = qtest_initf("-machine %s", b->machine);

    check_level(qts, b, GPHEN0, true);
    check_level(qts, b, GPLEN0, false);
    qtest_quit(qts);
}

/*
 * Each interrupt group has its own output: pins 0-27, 28-45 and 46 on,
 * across the register banks.
 */
static void test_irq_groups(const void *opaque)
{
    const Board *b = opaque;
    QTestState *qts = qtest_initf("-machine %s", b->machine);
    static const struct { int pin, group; } cases[] = {
        { 27, 0 }, { 28, 1 }, { 45, 1 }, { 46, 2 }, { 53, 2 },
    };
    int i, g;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        int n = cases[i].pin;

        wr(qts, b, BANK(GPREN0, n), BIT(n % 32));
        drive(qts, n, true);
        for (g = 0; g < 3; g++) {
            g_assert_cmpint(b->irq_pending(qts, b, g), ==,
                            g == cases[i].group);
        }
        g_assert_true(b->irq_pending(qts, b, 3));
        drive(qts, n, false);
        wr(qts, b, BANK(GPREN0, n), 0);
        clear_event(qts, b, n);
        g_assert_false(b->irq_pending(qts, b, 3));
    }
    qtest_quit(qts);
}

static void add_case(const Board *b, const char *what,
                     void (*fn)(const void *))
{
    g_autofree char *path = g_strdup_printf("/bcm2835-gpio/%s/%s",
                                            b->machine, what);

    qtest_add_data_func(path, b, fn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (size_t i = 0; i < ARRAY_SIZE(boards); i++) {
        const Board *b = &boards[i];

        if (!qtest_has_machine(b->machine)) {
            continue;
        }
        add_case(b, "level-of-inputs", test_level_of_inputs);
        add_case(b, "output-drives-latch", test_output_drives_latch);
        add_case(b, "edge-events", test_edge_events);
        add_case(b, "level-events", test_level_events);
        add_case(b, "irq-groups", test_irq_groups);
    }
    return g_test_run();
}

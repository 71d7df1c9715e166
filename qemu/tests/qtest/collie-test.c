/*
 * QTest for the pins of the Sharp SL-5500 (collie): the SA-1110's GPIO
 * and peripheral pin controllers, and the SCOOP ASIC's GPIO, with qtest
 * playing the guest and the board's devices
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest.h"

#define SA_GPIO             "/machine/sa1110/gpio"
#define SA_GPIO_BASE        0x90040000
#define SA_GPLR             (SA_GPIO_BASE + 0x00)
#define SA_GPDR             (SA_GPIO_BASE + 0x04)
#define SA_GPSR             (SA_GPIO_BASE + 0x08)
#define SA_GRER             (SA_GPIO_BASE + 0x10)
#define SA_GFER             (SA_GPIO_BASE + 0x14)
#define SA_GEDR             (SA_GPIO_BASE + 0x18)
#define SA_GAFR             (SA_GPIO_BASE + 0x1c)
#define SA_PPC_BASE         0x90060000
#define SA_PPDR             (SA_PPC_BASE + 0x00)
#define SA_PPAR             (SA_PPC_BASE + 0x08)
#define SA_PPC_PINS         0x3fffff
#define SA_PPAR_BITS        0x41000

#define SCOOP               "/machine/scoop"
#define SCOOP_BASE          0x40800000
#define SCOOP_GPCR          (SCOOP_BASE + 0x20)    /* direction, 1: out */
#define SCOOP_GPWR          (SCOOP_BASE + 0x24)    /* output latch */
#define SCOOP_GPRR          (SCOOP_BASE + 0x28)    /* pins */

/* The board, with the pin outputs of the controller at @path intercepted */
static QTestState *collie_start(const char *path)
{
    QTestState *qts = qtest_init("-machine collie");

    qtest_irq_intercept_out(qts, path);
    return qts;
}

/*
 * The SA-1110 leaves reset with every pin an input, no edge enabled or
 * detected, no alternate function.
 */
static void test_sa1110_reset(void)
{
    QTestState *qts = collie_start(SA_GPIO);

    qtest_writel(qts, SA_GPSR, BIT(2));
    qtest_writel(qts, SA_GPDR, BIT(2));
    g_assert_true(qtest_get_irq(qts, 2));
    qtest_writel(qts, SA_GRER, BIT(0));
    qtest_writel(qts, SA_GFER, BIT(0));
    qtest_writel(qts, SA_GAFR, BIT(9));
    qtest_set_irq_in(qts, SA_GPIO, NULL, 0, 1);
    g_assert_cmphex(qtest_readl(qts, SA_GEDR), ==, BIT(0));
    qtest_writel(qts, SA_PPDR, BIT(12));
    qtest_writel(qts, SA_PPAR, BIT(12));

    qtest_system_reset(qts);
    g_assert_cmphex(qtest_readl(qts, SA_GPDR), ==, 0);
    g_assert_false(qtest_get_irq(qts, 2));
    g_assert_cmphex(qtest_readl(qts, SA_GRER), ==, 0);
    g_assert_cmphex(qtest_readl(qts, SA_GFER), ==, 0);
    g_assert_cmphex(qtest_readl(qts, SA_GEDR), ==, 0);
    g_assert_cmphex(qtest_readl(qts, SA_GAFR), ==, 0);
    g_assert_cmphex(qtest_readl(qts, SA_GPLR), ==, BIT(0));
    g_assert_cmphex(qtest_readl(qts, SA_PPDR) & SA_PPC_PINS, ==, 0);
    g_assert_cmphex(qtest_readl(qts, SA_PPAR) & SA_PPAR_BITS, ==, 0);
    qtest_quit(qts);
}

/* A device's input stays when the guest writes the outputs. */
static void test_scoop_output_write_keeps_inputs(void)
{
    QTestState *qts = collie_start(SCOOP);

    qtest_writel(qts, SCOOP_GPCR, BIT(1));
    qtest_set_irq_in(qts, SCOOP, NULL, 5, 1);
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPRR) & BIT(5), ==, BIT(5));
    qtest_writel(qts, SCOOP_GPWR, BIT(1));
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPRR), ==, BIT(1) | BIT(5));
    g_assert_true(qtest_get_irq(qts, 1));
    qtest_quit(qts);
}

/*
 * As Linux's scoop driver sets an output: the level into GPWR, then the
 * direction.  The pin comes up at that level; GPWR reads the latch.
 */
static void test_scoop_level_before_direction(void)
{
    QTestState *qts = collie_start(SCOOP);

    qtest_writel(qts, SCOOP_GPWR, BIT(3));
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPWR), ==, BIT(3));
    g_assert_false(qtest_get_irq(qts, 3));
    qtest_writel(qts, SCOOP_GPCR, BIT(3));
    g_assert_true(qtest_get_irq(qts, 3));
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPRR), ==, BIT(3));
    qtest_quit(qts);
}

/* A device cannot change what an output drives; it shows once an input. */
static void test_scoop_output_wins(void)
{
    QTestState *qts = collie_start(SCOOP);

    qtest_writel(qts, SCOOP_GPCR, BIT(7));
    qtest_set_irq_in(qts, SCOOP, NULL, 7, 1);
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPRR), ==, 0);
    qtest_writel(qts, SCOOP_GPCR, 0);
    g_assert_cmphex(qtest_readl(qts, SCOOP_GPRR), ==, BIT(7));
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/collie/sa1110/reset", test_sa1110_reset);
    qtest_add_func("/collie/scoop/output-write-keeps-inputs",
                   test_scoop_output_write_keeps_inputs);
    qtest_add_func("/collie/scoop/level-before-direction",
                   test_scoop_level_before_direction);
    qtest_add_func("/collie/scoop/output-wins", test_scoop_output_wins);
    return g_test_run();
}

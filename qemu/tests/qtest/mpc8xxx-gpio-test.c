/*
 * QTest for the MPC8xxx GPIO controller, on ppce500: qtest plays the
 * guest and the devices on the pins.  Pin N is bit 31 - N of every
 * register, as in the reference manuals.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "e500-kernel.h"

#define GPIO                "/machine/gpio"
#define GPIO_BASE           0xfe00ff000ULL
#define GPIO_DIR            (GPIO_BASE + 0x00)  /* 1: output */
#define GPIO_DAT            (GPIO_BASE + 0x08)
#define GPIO_IER            (GPIO_BASE + 0x0c)  /* events, write 1 to clear */
#define GPIO_IMR            (GPIO_BASE + 0x10)
#define GPIO_ICR            (GPIO_BASE + 0x14)  /* 1: falling edges only */

#define PIN(n)              (0x80000000u >> (n))

/* A pin whose ICR bit is set has events on falling edges only. */
static void test_icr_falling_only(void)
{
    QTestState *qts = e500_qtest_init("");

    qtest_writel(qts, GPIO_ICR, PIN(4));
    qtest_set_irq_in(qts, GPIO, NULL, 4, 1);
    g_assert_cmphex(qtest_readl(qts, GPIO_IER), ==, 0);
    qtest_set_irq_in(qts, GPIO, NULL, 4, 0);
    g_assert_cmphex(qtest_readl(qts, GPIO_IER), ==, PIN(4));
    qtest_quit(qts);
}

/* An input set to the level it has is no event. */
static void test_no_event_without_change(void)
{
    QTestState *qts = e500_qtest_init("");

    qtest_set_irq_in(qts, GPIO, NULL, 6, 0);
    g_assert_cmphex(qtest_readl(qts, GPIO_IER), ==, 0);
    qtest_set_irq_in(qts, GPIO, NULL, 6, 1);
    g_assert_cmphex(qtest_readl(qts, GPIO_IER), ==, PIN(6));
    qtest_writel(qts, GPIO_IER, PIN(6));
    qtest_set_irq_in(qts, GPIO, NULL, 6, 1);
    g_assert_cmphex(qtest_readl(qts, GPIO_IER), ==, 0);
    qtest_quit(qts);
}

/*
 * As Linux's gpio-mpc8xxx sets an output: the level into GPDAT, then the
 * direction.  The pin comes up at that level.
 */
static void test_level_before_direction(void)
{
    QTestState *qts = e500_qtest_init("");

    qtest_irq_intercept_out(qts, GPIO);
    qtest_writel(qts, GPIO_DAT, PIN(5));
    g_assert_false(qtest_get_irq(qts, 5));
    qtest_writel(qts, GPIO_DIR, PIN(5));
    g_assert_true(qtest_get_irq(qts, 5));
    g_assert_cmphex(qtest_readl(qts, GPIO_DAT), ==, PIN(5));
    qtest_quit(qts);
}

/*
 * A guest's GPDAT write leaves the inputs that devices drive; a device
 * driving an output shows once the pin is an input.
 */
static void test_inputs_kept(void)
{
    QTestState *qts = e500_qtest_init("");

    qtest_set_irq_in(qts, GPIO, NULL, 7, 1);
    qtest_writel(qts, GPIO_DAT, 0);
    g_assert_cmphex(qtest_readl(qts, GPIO_DAT), ==, PIN(7));

    qtest_writel(qts, GPIO_DIR, PIN(9));
    qtest_set_irq_in(qts, GPIO, NULL, 9, 1);
    g_assert_cmphex(qtest_readl(qts, GPIO_DAT), ==, PIN(7));
    qtest_writel(qts, GPIO_DIR, 0);
    g_assert_cmphex(qtest_readl(qts, GPIO_DAT), ==, PIN(7) | PIN(9));
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/mpc8xxx-gpio/icr-falling-only", test_icr_falling_only);
    qtest_add_func("/mpc8xxx-gpio/no-event-without-change",
                   test_no_event_without_change);
    qtest_add_func("/mpc8xxx-gpio/level-before-direction",
                   test_level_before_direction);
    qtest_add_func("/mpc8xxx-gpio/inputs-kept", test_inputs_kept);
    return g_test_run();
}

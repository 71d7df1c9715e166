/*
 * QTest testcase for the i.MX GPIO controller, on the sabrelite board
 * (i.MX6Q)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest-single.h"

#define GPIO1_PATH "/machine/soc/gpio1"
#define GPIO1_BASE 0x0209c000
#define GPIO_DR (GPIO1_BASE + 0x00)
#define GPIO_GDIR (GPIO1_BASE + 0x04)
#define GPIO_PSR (GPIO1_BASE + 0x08)

#define PIN 5

/* PSR reads the level that an output pin drives, as DR does. */
static void test_psr_reads_outputs(void)
{
    qtest_start("-machine sabrelite");

    writel(GPIO_GDIR, BIT(PIN));
    writel(GPIO_DR, BIT(PIN));
    g_assert_cmphex(readl(GPIO_PSR) & BIT(PIN), ==, BIT(PIN));
    g_assert_cmphex(readl(GPIO_DR) & BIT(PIN), ==, BIT(PIN));

    writel(GPIO_DR, 0);
    g_assert_cmphex(readl(GPIO_PSR) & BIT(PIN), ==, 0);
    qtest_end();
}

/*
 * A pin that another device drives into an input reads that level
 * while the pin is an output's and after a reset.
 */
static void test_level_kept_across_reset(void)
{
    qtest_start("-machine sabrelite");

    qtest_set_irq_in(global_qtest, GPIO1_PATH, NULL, PIN, 1);
    g_assert_cmphex(readl(GPIO_PSR) & BIT(PIN), ==, BIT(PIN));
    writel(GPIO_GDIR, BIT(PIN));
    g_assert_cmphex(readl(GPIO_PSR) & BIT(PIN), ==, 0);

    qtest_system_reset(global_qtest);
    g_assert_cmphex(readl(GPIO_GDIR), ==, 0);
    g_assert_cmphex(readl(GPIO_PSR) & BIT(PIN), ==, BIT(PIN));
    g_assert_cmphex(readl(GPIO_DR) & BIT(PIN), ==, BIT(PIN));
    qtest_end();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/imx-gpio/psr-reads-outputs", test_psr_reads_outputs);
    qtest_add_func("/imx-gpio/level-kept-across-reset",
                   test_level_kept_across_reset);
    return g_test_run();
}

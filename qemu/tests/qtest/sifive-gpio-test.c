/*
 * QTest testcase for the SiFive GPIO controller, on the sifive_u board
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest-single.h"

/* The SoC passes the controller's GPIO inputs through */
#define GPIO_PINS_PATH "/machine/soc"
#define GPIO_BASE 0x10060000
#define GPIO_VALUE (GPIO_BASE + 0x00)
#define GPIO_INPUT_EN (GPIO_BASE + 0x04)
#define GPIO_OUTPUT_EN (GPIO_BASE + 0x08)
#define GPIO_PORT (GPIO_BASE + 0x0c)

#define PIN 5

/*
 * A pin that the SoC drives reads its own level, whatever another device
 * drives into it; once it is an input, it reads the device's level.
 */
static void test_output_not_overridden(void)
{
    qtest_start("-machine sifive_u");

    writel(GPIO_INPUT_EN, BIT(PIN));
    writel(GPIO_PORT, BIT(PIN));
    writel(GPIO_OUTPUT_EN, BIT(PIN));
    g_assert_cmphex(readl(GPIO_VALUE) & BIT(PIN), ==, BIT(PIN));

    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 0);
    g_assert_cmphex(readl(GPIO_VALUE) & BIT(PIN), ==, BIT(PIN));

    writel(GPIO_OUTPUT_EN, 0);
    g_assert_cmphex(readl(GPIO_VALUE) & BIT(PIN), ==, 0);
    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 1);
    g_assert_cmphex(readl(GPIO_VALUE) & BIT(PIN), ==, BIT(PIN));
    qtest_end();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/sifive-gpio/output-not-overridden",
                   test_output_not_overridden);
    return g_test_run();
}

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
#define GPIO_RISE_IE (GPIO_BASE + 0x18)
#define GPIO_RISE_IP (GPIO_BASE + 0x1c)
#define GPIO_FALL_IE (GPIO_BASE + 0x20)
#define GPIO_FALL_IP (GPIO_BASE + 0x24)

/* The PLIC, as hart 0's machine-mode context sees it */
#define PLIC_BASE 0x0c000000
#define PLIC_PRIORITY(src) (PLIC_BASE + 4 * (src))
#define PLIC_ENABLE (PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD (PLIC_BASE + 0x200000)
#define PLIC_CLAIM (PLIC_BASE + 0x200004)
#define GPIO_SOURCE(pin) (7 + (pin))

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

/* A pin that interrupts on both edges, through the PLIC */
static void start_edge_interrupts(void)
{
    qtest_start("-machine sifive_u");

    writel(PLIC_PRIORITY(GPIO_SOURCE(PIN)), 1);
    writel(PLIC_ENABLE, BIT(GPIO_SOURCE(PIN)));
    writel(PLIC_THRESHOLD, 0);
    writel(GPIO_INPUT_EN, BIT(PIN));
    writel(GPIO_RISE_IE, BIT(PIN));
    writel(GPIO_FALL_IE, BIT(PIN));
}

/*
 * What a handler does: claim, clear the pin's pending bits in the order
 * given, complete.  Clearing the bit that is not set first must not
 * raise the line again while the other one is still pending.
 */
static void handle_interrupt(uint32_t first_ip, uint32_t second_ip)
{
    g_assert_cmpuint(readl(PLIC_CLAIM), ==, GPIO_SOURCE(PIN));
    writel(first_ip, BIT(PIN));
    writel(second_ip, BIT(PIN));
    writel(PLIC_CLAIM, GPIO_SOURCE(PIN));
}

/* Each edge is one interrupt, whichever pending bit a handler clears first */
static void test_one_interrupt_per_edge(void)
{
    start_edge_interrupts();

    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 1);
    handle_interrupt(GPIO_FALL_IP, GPIO_RISE_IP);
    g_assert_cmpuint(readl(PLIC_CLAIM), ==, 0);

    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 0);
    handle_interrupt(GPIO_RISE_IP, GPIO_FALL_IP);
    g_assert_cmpuint(readl(PLIC_CLAIM), ==, 0);
    qtest_end();
}

/* An edge while the handler runs is delivered once it completes */
static void test_edge_during_handler(void)
{
    start_edge_interrupts();

    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 1);
    g_assert_cmpuint(readl(PLIC_CLAIM), ==, GPIO_SOURCE(PIN));
    writel(GPIO_RISE_IP, BIT(PIN));
    qtest_set_irq_in(global_qtest, GPIO_PINS_PATH, NULL, PIN, 0);
    writel(PLIC_CLAIM, GPIO_SOURCE(PIN));

    g_assert_cmphex(readl(GPIO_FALL_IP), ==, BIT(PIN));
    handle_interrupt(GPIO_RISE_IP, GPIO_FALL_IP);
    g_assert_cmpuint(readl(PLIC_CLAIM), ==, 0);
    qtest_end();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/sifive-gpio/output-not-overridden",
                   test_output_not_overridden);
    qtest_add_func("/sifive-gpio/one-interrupt-per-edge",
                   test_one_interrupt_per_edge);
    qtest_add_func("/sifive-gpio/edge-during-handler",
                   test_edge_during_handler);
    return g_test_run();
}

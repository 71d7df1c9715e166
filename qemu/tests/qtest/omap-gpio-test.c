/*
 * QTest for the OMAP1's general-purpose pins, its GPIO controller and
 * its MPUIO, on the Siemens SX1 (OMAP310): qtest plays the guest and
 * the devices on the pins
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest.h"

#define GPIO                "/machine/omap1/gpio"
#define GPIO_BASE           0xfffce000
#define GPIO_DATA_INPUT     (GPIO_BASE + 0x00)
#define GPIO_DIRECTION      (GPIO_BASE + 0x08)   /* 1: input */

#define MPUIO               "/machine/omap1/mpuio"
#define MPUIO_BASE          0xfffb5000
#define MPUIO_INPUT_LATCH   (MPUIO_BASE + 0x00)
#define MPUIO_IO_CNTL       (MPUIO_BASE + 0x08)  /* 1: input */

/* A level that a device drives into a pin outlives a system reset. */
static void test_input_kept_across_reset(void)
{
    QTestState *qts = qtest_init("-machine sx1");

    qtest_set_irq_in(qts, GPIO, NULL, 4, 1);
    g_assert_cmphex(qtest_readw(qts, GPIO_DATA_INPUT), ==, BIT(4));
    qtest_writew(qts, GPIO_DIRECTION, 0xffff & ~BIT(2));
    qtest_system_reset(qts);
    g_assert_cmphex(qtest_readw(qts, GPIO_DIRECTION), ==, 0xffff);
    g_assert_cmphex(qtest_readw(qts, GPIO_DATA_INPUT), ==, BIT(4));
    qtest_quit(qts);
}

static void test_mpuio_input_kept_across_reset(void)
{
    QTestState *qts = qtest_init("-machine sx1");

    qtest_set_irq_in(qts, MPUIO, NULL, 9, 1);
    g_assert_cmphex(qtest_readw(qts, MPUIO_INPUT_LATCH), ==, BIT(9));
    qtest_writew(qts, MPUIO_IO_CNTL, 0xffff & ~BIT(1));
    qtest_system_reset(qts);
    g_assert_cmphex(qtest_readw(qts, MPUIO_IO_CNTL), ==, 0xffff);
    g_assert_cmphex(qtest_readw(qts, MPUIO_INPUT_LATCH), ==, BIT(9));
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/omap-gpio/input-kept-across-reset",
                   test_input_kept_across_reset);
    qtest_add_func("/omap-gpio/mpuio/input-kept-across-reset",
                   test_mpuio_input_kept_across_reset);
    return g_test_run();
}

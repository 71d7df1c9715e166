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

/* A pin block: where the guest reads the pins, and sets directions */
typedef struct PinBlock {
    const char *name;           /* test path component */
    const char *path;
    uint64_t pins;
    uint64_t dir;               /* 1: input */
} PinBlock;

static const PinBlock blocks[] = {
    { "gpio", "/machine/omap1/gpio", 0xfffce000, 0xfffce008 },
    { "mpuio", "/machine/omap1/mpuio", 0xfffb5000, 0xfffb5008 },
};

/* A level that a device drives into a pin outlives a system reset. */
static void test_input_kept_across_reset(const void *opaque)
{
    const PinBlock *b = opaque;
    QTestState *qts = qtest_init("-machine sx1");

    qtest_set_irq_in(qts, b->path, NULL, 4, 1);
    g_assert_cmphex(qtest_readw(qts, b->pins), ==, BIT(4));
    qtest_writew(qts, b->dir, 0xffff & ~BIT(2));
    qtest_system_reset(qts);
    g_assert_cmphex(qtest_readw(qts, b->dir), ==, 0xffff);
    g_assert_cmphex(qtest_readw(qts, b->pins), ==, BIT(4));
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        g_autofree char *path = g_strdup_printf(
            "/omap-gpio/%s/input-kept-across-reset", blocks[i].name);

        qtest_add_data_func(path, &blocks[i], test_input_kept_across_reset);
    }
    return g_test_run();
}

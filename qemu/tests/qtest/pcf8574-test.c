/*
 * QTest for the PCF8574 I/O expander's interrupt output, on an
 * ast2600-evb's first I2C bus, which the test drives as a bus master
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "hw/i2c/aspeed_i2c.h"
#include "qtest_aspeed.h"

#define EXPANDER        "/machine/peripheral/expander"
#define EXPANDER_ADDR   0x20

static QTestState *expander_start(void)
{
    QTestState *qts = qtest_init("-machine ast2600-evb -device pcf8574,"
                                 "id=expander,bus=aspeed.i2c.bus.0,"
                                 "address=0x20");
    uint32_t bus = ast2600_i2c_calc_bus_addr(0);

    qtest_writel(qts, bus + A_I2CC_FUN_CTRL,
                 qtest_readl(qts, bus + A_I2CC_FUN_CTRL) | A_I2CD_MASTER_EN);
    qtest_irq_intercept_out_named(qts, EXPANDER, "nINT");
    return qts;
}

/* A transfer's first byte: the address, and whether the master reads */
static void i2c_start(QTestState *qts, bool read)
{
    uint32_t bus = ast2600_i2c_calc_bus_addr(0);

    qtest_writel(qts, bus + A_I2CD_INTR_STS, UINT32_MAX);
    qtest_writel(qts, bus + A_I2CD_BYTE_BUF, EXPANDER_ADDR << 1 | read);
    qtest_writel(qts, bus + A_I2CD_CMD, A_I2CD_M_START_CMD);
}

static void port_write(QTestState *qts, uint8_t value)
{
    uint32_t bus = ast2600_i2c_calc_bus_addr(0);

    i2c_start(qts, false);
    qtest_writel(qts, bus + A_I2CD_BYTE_BUF, value);
    qtest_writel(qts, bus + A_I2CD_CMD, A_I2CD_M_TX_CMD);
    qtest_writel(qts, bus + A_I2CD_CMD, A_I2CD_M_STOP_CMD);
}

static uint8_t port_read(QTestState *qts)
{
    uint32_t bus = ast2600_i2c_calc_bus_addr(0);
    uint8_t value;

    i2c_start(qts, true);
    qtest_writel(qts, bus + A_I2CD_CMD, A_I2CD_M_RX_CMD);
    value = qtest_readl(qts, bus + A_I2CD_BYTE_BUF) >> 8;
    qtest_writel(qts, bus + A_I2CD_CMD, A_I2CD_M_STOP_CMD);
    return value;
}

static void pin_drive(QTestState *qts, int pin, int level)
{
    qtest_set_irq_in(qts, EXPANDER, NULL, pin, level);
}

/* A pin that returns to its last read level releases nINT. */
static void test_nint_released_by_pin(void)
{
    QTestState *qts = expander_start();

    pin_drive(qts, 2, 0);
    g_assert_false(qtest_get_irq(qts, 0));
    pin_drive(qts, 2, 1);
    g_assert_true(qtest_get_irq(qts, 0));
    qtest_quit(qts);
}

/* A read releases nINT and sees the pins; a change after it asserts. */
static void test_nint_released_by_read(void)
{
    QTestState *qts = expander_start();

    pin_drive(qts, 2, 0);
    g_assert_false(qtest_get_irq(qts, 0));
    g_assert_cmphex(port_read(qts), ==, 0xfb);
    g_assert_true(qtest_get_irq(qts, 0));
    pin_drive(qts, 2, 1);
    g_assert_false(qtest_get_irq(qts, 0));
    g_assert_cmphex(port_read(qts), ==, 0xff);
    g_assert_true(qtest_get_irq(qts, 0));
    qtest_quit(qts);
}

/* A write releases nINT too; the pins it drives low read low. */
static void test_nint_released_by_write(void)
{
    QTestState *qts = expander_start();

    pin_drive(qts, 2, 0);
    g_assert_false(qtest_get_irq(qts, 0));
    port_write(qts, 0x0f);
    g_assert_true(qtest_get_irq(qts, 0));
    g_assert_cmphex(port_read(qts), ==, 0x0b);
    pin_drive(qts, 2, 1);
    g_assert_false(qtest_get_irq(qts, 0));
    qtest_quit(qts);
}

/* query-gpio-lines' @key of line @offset */
static char *line_state(QTestState *qts, unsigned offset, const char *key)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio-lines', "
                           "'arguments': {'device': %s}}", EXPANDER);
    char *value = NULL;
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *line = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(line, "offset") == offset) {
            value = g_strdup(qdict_get_str(line, key));
        }
    }
    qobject_unref(rsp);
    g_assert_nonnull(value);
    return value;
}

static bool line_get(QTestState *qts, const char *name)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'gpio-get', 'arguments': "
                           "{'device': %s, 'line': %s}}", EXPANDER, name);
    bool level = qdict_get_bool(qdict_get_qdict(rsp, "return"), "level");

    qobject_unref(rsp);
    return level;
}

static void line_set(QTestState *qts, const char *name, bool level)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                           "{'device': %s, 'line': %s, 'level': %i}}",
                           EXPANDER, name, level);

    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
}

/*
 * Through gpiodev: a pin written 0 is an output, one written 1 an input
 * that the outside world drives, which the port reads and nINT signals.
 */
static void test_gpiodev_lines(void)
{
    QTestState *qts = expander_start();
    g_autofree char *dir5 = NULL, *bias5 = NULL, *dir0 = NULL;

    port_write(qts, 0xf0);
    dir0 = line_state(qts, 0, "direction");
    dir5 = line_state(qts, 5, "direction");
    bias5 = line_state(qts, 5, "bias");
    g_assert_cmpstr(dir0, ==, "output");
    g_assert_cmpstr(dir5, ==, "input");
    g_assert_cmpstr(bias5, ==, "pull-up");
    g_assert_false(line_get(qts, "P0"));
    g_assert_true(line_get(qts, "P5"));

    line_set(qts, "P5", false);
    g_assert_false(qtest_get_irq(qts, 0));
    g_assert_cmphex(port_read(qts), ==, 0xd0);
    g_assert_false(line_get(qts, "P5"));
    line_set(qts, "P5", true);
    g_assert_cmphex(port_read(qts), ==, 0xf0);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/pcf8574/nint-released-by-pin",
                   test_nint_released_by_pin);
    qtest_add_func("/pcf8574/nint-released-by-read",
                   test_nint_released_by_read);
    qtest_add_func("/pcf8574/nint-released-by-write",
                   test_nint_released_by_write);
    qtest_add_func("/pcf8574/gpiodev-lines", test_gpiodev_lines);
    return g_test_run();
}

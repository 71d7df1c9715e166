/*
 * QTest for the PCA9554 I/O expander's pins, through its QOM properties
 * and its GPIO inputs, on an ast2600-evb's first I2C bus
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"

#define EXPANDER "/machine/peripheral/expander"

static QTestState *expander_start(void)
{
    return qtest_init("-machine ast2600-evb -device pca9554,id=expander,"
                      "bus=aspeed.i2c.bus.0,address=0x20");
}

static char *pin_get(QTestState *qts, int pin)
{
    g_autofree char *name = g_strdup_printf("pin%d", pin);
    QDict *rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': %s, 'property': %s}}", EXPANDER, name);
    char *state = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return state;
}

static void assert_pin(QTestState *qts, int pin, const char *want)
{
    g_autofree char *state = pin_get(qts, pin);

    g_assert_cmpstr(state, ==, want);
}

static void pin_set(QTestState *qts, int pin, const char *state)
{
    g_autofree char *name = g_strdup_printf("pin%d", pin);

    qobject_unref(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments': "
                            "{'path': %s, 'property': %s, 'value': %s}}",
                            EXPANDER, name, state));
}

/* An input reads what drives it, or the pull-up when nothing does. */
static void test_input_reads_pin(void)
{
    QTestState *qts = expander_start();

    assert_pin(qts, 3, "high");
    qtest_set_irq_in(qts, EXPANDER, NULL, 3, 0);
    assert_pin(qts, 3, "low");
    assert_pin(qts, 2, "high");
    qtest_set_irq_in(qts, EXPANDER, NULL, 3, 1);
    assert_pin(qts, 3, "high");
    qtest_quit(qts);
}

/* An output reads the level it drives, and low after being set low. */
static void test_output_reads_pin(void)
{
    QTestState *qts = expander_start();

    pin_set(qts, 5, "low");
    assert_pin(qts, 5, "low");
    pin_set(qts, 5, "high");
    assert_pin(qts, 5, "high");
    pin_set(qts, 5, "low");
    assert_pin(qts, 5, "low");
    assert_pin(qts, 4, "high");
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/pca9554/input-reads-pin", test_input_reads_pin);
    qtest_add_func("/pca9554/output-reads-pin", test_output_reads_pin);
    return g_test_run();
}

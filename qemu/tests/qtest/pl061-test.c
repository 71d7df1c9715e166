/*
 * QTest testcase for the PL061 GPIO controller on the virt board
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest-single.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"

/* The non-secure PL061 of the virt board, and its power button line */
#define GPIO_BASE 0x09030000
#define GPIODIR (GPIO_BASE + 0x400)
#define POWER_BUTTON 3
/* GPIODATA at the address that unmasks every pin */
#define GPIODATA_ALL (GPIO_BASE + 0x3fc)
#define GPIODATA_BIT(n) (GPIO_BASE + (4 << (n)))

/* gpio-key holds the button down for 100 ms */
#define BUTTON_RELEASE_NS (200 * 1000 * 1000)

static bool power_button_pin(void)
{
    return readl(GPIODATA_ALL) & BIT(POWER_BUTTON);
}

/*
 * The button is pressed while the guest drives its pin as an output:
 * the pin reads the button once it is an input again.
 */
static void test_level_kept_while_output(void)
{
    qtest_start("-machine virt");

    writel(GPIODIR, BIT(POWER_BUTTON));
    writel(GPIODATA_BIT(POWER_BUTTON), 0);
    qtest_qmp_assert_success(global_qtest,
                             "{ 'execute': 'system_powerdown' }");
    g_assert_false(power_button_pin());

    writel(GPIODIR, 0);
    g_assert_true(power_button_pin());

    clock_step(BUTTON_RELEASE_NS);
    g_assert_false(power_button_pin());
    qtest_end();
}

/* The QOM path of the PL061 child of @parent, or NULL */
static char *pl061_child(const char *parent)
{
    QDict *rsp = qmp("{ 'execute': 'qom-list', 'arguments': "
                     "{ 'path': %s } }", parent);
    QListEntry *e;
    char *path = NULL;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *prop = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(prop, "type"), "child<pl061>")) {
            g_assert_null(path);
            path = g_strdup_printf("%s/%s", parent,
                                   qdict_get_str(prop, "name"));
        }
    }
    qobject_unref(rsp);
    return path;
}

/* The QOM path of the board's non-secure PL061, wherever the board put it */
static char *pl061_path(void)
{
    char *path = pl061_child("/machine");

    if (!path) {
        path = pl061_child("/machine/unattached");
    }
    g_assert_nonnull(path);
    return path;
}

/* An input driven high reads high again after a reset of the PL061. */
static void test_level_kept_across_reset(void)
{
    g_autofree char *path = NULL;

    qtest_start("-machine virt");
    path = pl061_path();

    qtest_set_irq_in(global_qtest, path, NULL, POWER_BUTTON, 1);
    g_assert_true(power_button_pin());
    writel(GPIODIR, BIT(POWER_BUTTON));
    writel(GPIODATA_BIT(POWER_BUTTON), 0);
    g_assert_false(power_button_pin());

    qtest_system_reset(global_qtest);
    g_assert_cmphex(readl(GPIODIR), ==, 0);
    g_assert_true(power_button_pin());
    qtest_end();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/pl061/level-kept-while-output",
                   test_level_kept_while_output);
    qtest_add_func("/pl061/level-kept-across-reset",
                   test_level_kept_across_reset);
    return g_test_run();
}

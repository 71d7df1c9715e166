/*
 * gpiodev in the human monitor: info gpiodevs, info gpio-lines,
 * gpio_get and gpio_set, on top of the QMP commands.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpiodev.h"
#include "qobject/qdict.h"
#include "gpiodev/gpiodev.h"

void hmp_info_gpiodevs(Monitor *mon, const QDict *qdict)
{
    g_autoptr(GpiodevInfoList) list = qmp_query_gpiodevs(NULL);

    if (!list) {
        monitor_printf(mon, "No gpiodev\n");
    }
    for (GpiodevInfoList *l = list; l; l = l->next) {
        GpiodevInfo *gd = l->value;

        monitor_printf(mon, "%s: %s on %s (%s, %u lines)", gd->id,
                       GpiodevBackendType_str(gd->type), gd->device,
                       gd->device_type, gd->lines);
        if (gd->addr && gd->addr->type == SOCKET_ADDRESS_TYPE_UNIX) {
            monitor_printf(mon, ", socket %s", gd->addr->u.q_unix.path);
        }
        monitor_printf(mon, "\n");
        for (GpiodevClientInfoList *c = gd->clients; c; c = c->next) {
            monitor_printf(mon, "  client %s\n", c->value->consumer);
        }
    }
}

void hmp_info_gpio_lines(Monitor *mon, const QDict *qdict)
{
    const char *id = qdict_get_str(qdict, "gpiodev");
    Error *err = NULL;
    g_autoptr(GpioLineStateList) list = qmp_query_gpio_lines(id, NULL,
                                                              &err);

    if (hmp_handle_error(mon, err)) {
        return;
    }
    for (GpioLineStateList *l = list; l; l = l->next) {
        GpioLineState *line = l->value;

        if (!line->present) {
            continue;
        }
        monitor_printf(mon, "%3u %-10s %-6s %d irq=%s%s%s\n", line->offset,
                       line->name, GpioLineDirection_str(line->direction),
                       line->level, GpioLineInterrupt_str(line->interrupt),
                       line->consumer ? " driven by " : "",
                       line->consumer ? line->consumer : "");
    }
}

void hmp_gpio_get(Monitor *mon, const QDict *qdict)
{
    GpioLineId id = {
        .gpiodev = (char *)qdict_get_str(qdict, "gpiodev"),
        .line = (char *)qdict_get_str(qdict, "line"),
    };
    Error *err = NULL;
    g_autoptr(GpioLevel) level = qmp_gpio_get(&id, &err);

    if (!hmp_handle_error(mon, err)) {
        monitor_printf(mon, "%d\n", level->level);
    }
}

void hmp_gpio_set(Monitor *mon, const QDict *qdict)
{
    int64_t level = qdict_get_int(qdict, "level");
    GpioSetArgs args = {
        .gpiodev = (char *)qdict_get_str(qdict, "gpiodev"),
        .line = (char *)qdict_get_str(qdict, "line"),
        .level = level,
    };
    Error *err = NULL;

    if (level != 0 && level != 1) {
        monitor_printf(mon, "level must be 0 or 1\n");
        return;
    }
    qmp_gpio_set(&args, &err);
    hmp_handle_error(mon, err);
}

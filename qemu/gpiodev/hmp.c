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

/*
 * HMP names a controller by one word: a gpiodev's id if there is one
 * of that name, the controller's QOM path otherwise.
 */
static void hmp_gpio_line_id(const char *word, GpioLineId *id)
{
    if (gpiodev_find(word)) {
        id->gpiodev = (char *)word;
    } else {
        id->device = (char *)word;
    }
}

void hmp_info_gpio_lines(Monitor *mon, const QDict *qdict)
{
    GpioLineId id = { 0 };
    Error *err = NULL;
    g_autoptr(GpioLineStateList) list = NULL;

    hmp_gpio_line_id(qdict_get_str(qdict, "controller"), &id);
    list = qmp_query_gpio_lines(id.gpiodev, id.device, &err);
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
    GpioLineId id = { .line = (char *)qdict_get_str(qdict, "line") };
    Error *err = NULL;
    g_autoptr(GpioLevel) level = NULL;

    hmp_gpio_line_id(qdict_get_str(qdict, "controller"), &id);
    level = qmp_gpio_get(&id, &err);
    if (!hmp_handle_error(mon, err)) {
        monitor_printf(mon, "%d\n", level->level);
    }
}

void hmp_gpio_set(Monitor *mon, const QDict *qdict)
{
    int64_t level = qdict_get_int(qdict, "level");
    GpioLineId id = { .line = (char *)qdict_get_str(qdict, "line") };
    GpioSetArgs args = { .level = level };
    Error *err = NULL;

    if (level != 0 && level != 1) {
        monitor_printf(mon, "level must be 0 or 1\n");
        return;
    }
    hmp_gpio_line_id(qdict_get_str(qdict, "controller"), &id);
    args.gpiodev = id.gpiodev;
    args.device = id.device;
    args.line = id.line;
    qmp_gpio_set(&args, &err);
    hmp_handle_error(mon, err);
}

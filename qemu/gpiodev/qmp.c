/*
 * gpiodev over QMP: the monitor as one more client of every gpiodev,
 * to read, drive and watch lines without a socket.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpiodev.h"
#include "qapi/qapi-events-gpiodev.h"
#include "gpiodev/gpiodev.h"
#include "trace.h"

/* Shown as the consumer of the lines QMP drives. */
#define GPIODEV_QMP_CONSUMER "qmp"

static void gpiodev_qmp_event(GpiodevClient *client, const GpiodevEvent *ev)
{
    Gpiodev *gd = client->gpiodev;
    g_autofree char *path = object_get_canonical_path(gd->controller);

    if (ev->kind != GPIODEV_EVENT_EDGE) {
        return;
    }
    /* The monitor rate-limits it per line (monitor_qapi_event_conf). */
    qapi_event_send_gpio_line_changed(gd->id, path, ev->offset,
                                      gpiodev_line_info(gd, ev->offset)->name,
                                      ev->level,
                                      ev->level ? GPIO_EDGE_RISING
                                                : GPIO_EDGE_FALLING,
                                      ev->guest_ns);
}

static const GpiodevClientOps gpiodev_qmp_ops = {
    .event = gpiodev_qmp_event,
};

/* The gpiodev's QMP client, created on first use. */
static GpiodevClient *gpiodev_qmp_client(Gpiodev *gd)
{
    if (!gd->qmp) {
        gd->qmp = g_new0(GpiodevClient, 1);
        gpiodev_client_init(gd->qmp, gd, &gpiodev_qmp_ops);
        gpiodev_client_set_consumer(gd->qmp, GPIODEV_QMP_CONSUMER);
    }
    return gd->qmp;
}

void gpiodev_qmp_cleanup(Gpiodev *gd)
{
    if (gd->qmp) {
        gpiodev_client_cleanup(gd->qmp);
        g_free(gd->qmp);
        gd->qmp = NULL;
    }
}

/* The gpiodev named by its id or by its controller's QOM path. */
static Gpiodev *gpiodev_qmp_lookup(const char *id, const char *device,
                                   Error **errp)
{
    Object *obj;
    Gpiodev *gd;

    if (!id == !device) {
        error_setg(errp, "give either 'gpiodev' or 'device'");
        return NULL;
    }
    if (id) {
        gd = gpiodev_find(id);
        if (!gd) {
            error_setg(errp, "gpiodev '%s' not found", id);
        }
        return gd;
    }
    obj = gpiodev_resolve_controller(device, errp);
    if (!obj) {
        return NULL;
    }
    gd = GPIO_CONTROLLER_GET_CLASS(obj)->get_frontend(GPIO_CONTROLLER(obj))
             ->gpiodev;
    if (!gd) {
        error_setg(errp, "GPIO controller '%s' has no gpiodev", device);
        error_append_hint(errp, "Attach one with gpiodev-add.\n");
    }
    return gd;
}

/* A line by name or by decimal offset. */
static Gpiodev *gpiodev_qmp_line(GpioLineId *id, unsigned *offset,
                                 Error **errp)
{
    Gpiodev *gd = gpiodev_qmp_lookup(id->gpiodev, id->device, errp);
    uint64_t v;
    int found;

    if (!gd) {
        return NULL;
    }
    if (g_ascii_isdigit(id->line[0])) {
        if (qemu_strtou64(id->line, NULL, 10, &v) < 0 || v >= gd->nlines) {
            error_setg(errp, "gpiodev '%s' has no line %s (it has %u)",
                       gd->id, id->line, gd->nlines);
            return NULL;
        }
        *offset = v;
        return gd;
    }
    found = gpiodev_find_line(gd, id->line);
    if (found < 0) {
        error_setg(errp, "gpiodev '%s' has no line named '%s'", gd->id,
                   id->line);
        return NULL;
    }
    *offset = found;
    return gd;
}

GpioLineStateList *qmp_query_gpio_lines(const char *gpiodev,
                                       const char *device, Error **errp)
{
    Gpiodev *gd = gpiodev_qmp_lookup(gpiodev, device, errp);
    GpioLineStateList *list = NULL, **tail = &list;

    if (!gd) {
        return NULL;
    }
    for (unsigned i = 0; i < gd->nlines; i++) {
        const GpioLineInfo *li = gpiodev_line_info(gd, i);
        const char *consumer = gpiodev_line_consumer(gd, i);
        GpioLineState *info = g_new0(GpioLineState, 1);

        info->offset = i;
        info->name = g_strdup(li->name);
        info->present = li->present;
        info->direction = li->direction;
        info->drive = li->drive;
        info->bias = li->bias;
        info->interrupt = li->interrupt;
        info->level = gpiodev_line_level(gd, i);
        info->consumer = g_strdup(consumer);
        QAPI_LIST_APPEND(tail, info);
    }
    return list;
}

void qmp_gpio_set(GpioSetArgs *args, Error **errp)
{
    unsigned offset, bad;
    bool level = args->level;
    Gpiodev *gd = gpiodev_qmp_line(qapi_GpioSetArgs_base(args), &offset,
                                   errp);
    GpiodevStatus st;
    const char *consumer;

    if (!gd) {
        return;
    }
    st = gpiodev_client_drive(gpiodev_qmp_client(gd), 1, &offset, &level,
                              &bad);
    if (st != GPIODEV_OK) {
        consumer = gpiodev_line_consumer(gd, offset);
        error_setg(errp, "line %u (%s) of gpiodev '%s': %s%s%s", offset,
                   gpiodev_line_info(gd, offset)->name, gd->id,
                   gpiodev_status_str(st),
                   st == GPIODEV_BUSY ? " named " : "",
                   st == GPIODEV_BUSY && consumer ? consumer : "");
    }
}

void qmp_gpio_release(GpioLineId *id, Error **errp)
{
    unsigned offset;
    Gpiodev *gd = gpiodev_qmp_line(id, &offset, errp);

    if (gd && gd->qmp) {
        gpiodev_client_release(gd->qmp, offset);
    }
}

GpioLevel *qmp_gpio_get(GpioLineId *id, Error **errp)
{
    unsigned offset;
    Gpiodev *gd = gpiodev_qmp_line(id, &offset, errp);
    GpioLevel *ret;

    if (!gd) {
        return NULL;
    }
    ret = g_new0(GpioLevel, 1);
    ret->level = gpiodev_line_level(gd, offset);
    return ret;
}

static void gpiodev_qmp_watch(GpioLineId *id, bool on, Error **errp)
{
    unsigned offset;
    Gpiodev *gd = gpiodev_qmp_line(id, &offset, errp);
    GpiodevClient *c;

    if (!gd) {
        return;
    }
    c = gpiodev_qmp_client(gd);
    gpiodev_client_watch(c, offset, GPIODEV_WATCH_EDGES, on);
}

void qmp_gpio_watch(GpioLineId *id, Error **errp)
{
    gpiodev_qmp_watch(id, true, errp);
}

void qmp_gpio_unwatch(GpioLineId *id, Error **errp)
{
    gpiodev_qmp_watch(id, false, errp);
}

/*
 * gpiodev over QMP: attach and detach backends, list controllers and
 * backends, and read, drive and watch the lines of any GPIO controller
 * of the machine, with or without a backend.  The monitor is one more
 * client of each controller's core, under the same ownership rules as
 * every backend's clients.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpiodev.h"
#include "qapi/qapi-events-gpiodev.h"
#include "gpiodev/gpiodev.h"

/* Shown as the consumer of the lines QMP drives. */
#define GPIODEV_QMP_CONSUMER "qmp"

/*
 * The monitor's client of each core, while it holds or watches a
 * line of it: it keeps the core alive, and only as long as needed.
 */
static GHashTable *gpiodev_qmp_clients;

/* Backends */

static void gpiodev_qmp_connection(Notifier *n, void *data)
{
    GpiodevConnection *c = data;

    if (c->connected) {
        qapi_event_send_gpiodev_connected(c->gd->id, c->peer);
    } else {
        qapi_event_send_gpiodev_disconnected(c->gd->id);
    }
}

static Notifier gpiodev_qmp_connection_notifier = {
    .notify = gpiodev_qmp_connection,
};

static void gpiodev_qmp_init(void)
{
    gpiodev_add_connection_notifier(&gpiodev_qmp_connection_notifier);
}

/* Before any -gpiodev, so that no connection goes unreported. */
type_init(gpiodev_qmp_init);

void qmp_gpiodev_add(GpiodevOptions *opts, Error **errp)
{
    gpiodev_new(opts, errp);
}

void qmp_gpiodev_del(const char *id, Error **errp)
{
    Gpiodev *gd = gpiodev_find(id);

    if (!gd) {
        error_setg(errp, "gpiodev '%s' not found", id);
        return;
    }
    gpiodev_delete(gd);
}

static int gpiodev_query_one(Gpiodev *gd, void *opaque)
{
    GpiodevInfoList ***tail = opaque;
    GpiodevInfo *info = g_new0(GpiodevInfo, 1);
    GpiodevClientInfoList **clients = &info->clients;
    GpiodevClient *c;

    info->id = g_strdup(gd->id);
    info->type = GPIODEV_GET_CLASS(gd)->type;
    info->device = g_strdup(gd->core->path);
    info->device_type = g_strdup(object_get_typename(gd->core->controller));
    info->lines = gd->core->nlines;
    QTAILQ_FOREACH(c, &gd->core->clients, next) {
        GpiodevClientInfo *ci;

        if (c->backend != gd) {
            continue;
        }
        ci = g_new0(GpiodevClientInfo, 1);
        ci->consumer = g_strdup(c->consumer ? c->consumer : "");
        QAPI_LIST_APPEND(clients, ci);
    }
    if (GPIODEV_GET_CLASS(gd)->query) {
        GPIODEV_GET_CLASS(gd)->query(gd, info);
    }
    QAPI_LIST_APPEND(*tail, info);
    return 0;
}

GpiodevInfoList *qmp_query_gpiodevs(Error **errp)
{
    GpiodevInfoList *list = NULL, **tail = &list;

    gpiodev_foreach(gpiodev_query_one, &tail);
    return list;
}

typedef struct GpiodevIdsOf {
    Object *controller;
    strList **tail;
} GpiodevIdsOf;

static int gpiodev_add_id_if_of(Gpiodev *gd, void *opaque)
{
    GpiodevIdsOf *ids = opaque;

    if (gd->core->controller == ids->controller) {
        QAPI_LIST_APPEND(ids->tail, g_strdup(gd->id));
    }
    return 0;
}

static int gpio_controller_query_one(Object *obj, void *opaque)
{
    GpioControllerInfoList ***tail = opaque;
    GpioControllerInfo *info;
    GpioControllerClass *gcc;
    GpioController *gc;
    GpiodevIdsOf ids = { .controller = obj };

    if (!object_dynamic_cast(obj, TYPE_GPIO_CONTROLLER)) {
        return 0;
    }
    gc = GPIO_CONTROLLER(obj);
    gcc = GPIO_CONTROLLER_GET_CLASS(obj);
    info = g_new0(GpioControllerInfo, 1);
    info->path = object_get_canonical_path(obj);
    info->type = g_strdup(object_get_typename(obj));
    info->label = g_strdup(gcc->get_label(gc));
    info->lines = gcc->get_nlines(gc);
    ids.tail = &info->gpiodevs;
    gpiodev_foreach(gpiodev_add_id_if_of, &ids);
    QAPI_LIST_APPEND(*tail, info);
    return 0;
}

GpioControllerInfoList *qmp_query_gpio_controllers(Error **errp)
{
    GpioControllerInfoList *list = NULL, **tail = &list;

    object_child_foreach_recursive(object_get_root(),
                                   gpio_controller_query_one, &tail);
    return list;
}

/* The monitor's client */

static void gpiodev_qmp_event(GpiodevClient *client, const GpiodevEvent *ev)
{
    if (ev->kind != GPIODEV_EVENT_EDGE) {
        return;
    }
    /* The monitor rate-limits it per line (monitor_qapi_event_conf). */
    qapi_event_send_gpio_line_changed(client->core->path, ev->offset,
                                      ev->name, ev->level,
                                      ev->level ? GPIO_EDGE_RISING
                                                : GPIO_EDGE_FALLING,
                                      ev->guest_ns);
}

static const GpiodevClientOps gpiodev_qmp_ops = {
    .event = gpiodev_qmp_event,
};

/* The monitor's client of @core, or NULL while it has none. */
static GpiodevClient *gpiodev_qmp_client_find(GpiodevCore *core)
{
    return gpiodev_qmp_clients ? g_hash_table_lookup(gpiodev_qmp_clients,
                                                     core)
                               : NULL;
}

/* The monitor's client of @core, created if needed. */
static GpiodevClient *gpiodev_qmp_client(GpiodevCore *core)
{
    GpiodevClient *c = gpiodev_qmp_client_find(core);

    if (!gpiodev_qmp_clients) {
        gpiodev_qmp_clients = g_hash_table_new(NULL, NULL);
    }
    if (!c) {
        c = g_new0(GpiodevClient, 1);
        gpiodev_client_init(c, core, &gpiodev_qmp_ops, NULL,
                            GPIODEV_QMP_CONSUMER);
        g_hash_table_insert(gpiodev_qmp_clients, core, c);
    }
    return c;
}

/* Let the core go when the monitor has nothing left on it. */
static void gpiodev_qmp_client_done(GpiodevClient *c)
{
    if (!gpiodev_client_idle(c)) {
        return;
    }
    g_hash_table_remove(gpiodev_qmp_clients, c->core);
    gpiodev_client_cleanup(c);
    g_free(c);
}

/* Lines */

/* The core of the controller named by a gpiodev's id or by its path. */
static GpiodevCore *gpiodev_qmp_core(const char *id, const char *device,
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
            return NULL;
        }
        obj = gd->core->controller;
    } else {
        obj = gpiodev_core_resolve(device, errp);
        if (!obj) {
            return NULL;
        }
    }
    return gpiodev_core_get(obj);
}

/* The core and offset of a line; unref the core when done with it. */
static GpiodevCore *gpiodev_qmp_line(GpioLineId *id, unsigned *offset,
                                     Error **errp)
{
    GpiodevCore *core = gpiodev_qmp_core(id->gpiodev, id->device, errp);
    GpiodevStatus st;

    if (!core) {
        return NULL;
    }
    st = gpiodev_core_find_line(core, id->line, offset);
    if (st == GPIODEV_OK) {
        return core;
    }
    if (st == GPIODEV_NO_SUCH_NAME) {
        error_setg(errp, "GPIO controller '%s' has no line named '%s'",
                   core->path, id->line);
    } else {
        error_setg(errp, "GPIO controller '%s' has no line %s (it has %u)",
                   core->path, id->line, core->nlines);
    }
    gpiodev_core_unref(core);
    return NULL;
}

GpioLineStateList *qmp_query_gpio_lines(const char *gpiodev,
                                       const char *device, Error **errp)
{
    GpiodevCore *core = gpiodev_qmp_core(gpiodev, device, errp);
    GpioLineStateList *list = NULL, **tail = &list;

    if (!core) {
        return NULL;
    }
    for (unsigned i = 0; i < core->nlines; i++) {
        const GpioLineInfo *li = gpiodev_core_line_info(core, i);
        GpioLineState *info = g_new0(GpioLineState, 1);

        info->offset = i;
        info->name = g_strdup(li->name);
        info->present = li->present;
        info->direction = li->direction;
        info->drive = li->drive;
        info->bias = li->bias;
        info->interrupt = li->interrupt;
        info->level = gpiodev_core_line_level(core, i);
        info->consumer = g_strdup(gpiodev_core_line_consumer(core, i));
        QAPI_LIST_APPEND(tail, info);
    }
    gpiodev_core_unref(core);
    return list;
}

void qmp_gpio_set(GpioSetArgs *args, Error **errp)
{
    unsigned offset, bad;
    bool level = args->level;
    GpiodevCore *core = gpiodev_qmp_line(qapi_GpioSetArgs_base(args),
                                         &offset, errp);
    GpiodevClient *c;
    GpiodevStatus st;

    if (!core) {
        return;
    }
    c = gpiodev_qmp_client(core);
    st = gpiodev_client_drive(c, 1, &offset, &level, &bad);
    if (st != GPIODEV_OK) {
        g_autofree char *why = gpiodev_core_refusal(core, st, offset);

        error_setg(errp, "line %u (%s) of GPIO controller '%s': %s",
                   offset, gpiodev_core_line_info(core, offset)->name,
                   core->path, why);
    }
    gpiodev_qmp_client_done(c);
    gpiodev_core_unref(core);
}

void qmp_gpio_release(GpioLineId *id, Error **errp)
{
    unsigned offset;
    GpiodevCore *core = gpiodev_qmp_line(id, &offset, errp);
    GpiodevClient *c;

    if (!core) {
        return;
    }
    c = gpiodev_qmp_client_find(core);
    if (c) {
        gpiodev_client_release(c, offset);
        gpiodev_qmp_client_done(c);
    }
    gpiodev_core_unref(core);
}

GpioLevel *qmp_gpio_get(GpioLineId *id, Error **errp)
{
    unsigned offset;
    GpiodevCore *core = gpiodev_qmp_line(id, &offset, errp);
    GpioLevel *ret;

    if (!core) {
        return NULL;
    }
    ret = g_new0(GpioLevel, 1);
    ret->level = gpiodev_core_line_level(core, offset);
    gpiodev_core_unref(core);
    return ret;
}

static void gpiodev_qmp_watch(GpioLineId *id, bool on, Error **errp)
{
    unsigned offset;
    GpiodevCore *core = gpiodev_qmp_line(id, &offset, errp);
    GpiodevClient *c;

    if (!core) {
        return;
    }
    c = gpiodev_qmp_client(core);
    gpiodev_client_watch(c, offset, GPIODEV_WATCH_EDGES, on);
    gpiodev_qmp_client_done(c);
    gpiodev_core_unref(core);
}

void qmp_gpio_watch(GpioLineId *id, Error **errp)
{
    gpiodev_qmp_watch(id, true, errp);
}

void qmp_gpio_unwatch(GpioLineId *id, Error **errp)
{
    gpiodev_qmp_watch(id, false, errp);
}

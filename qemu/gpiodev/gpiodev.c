/*
 * gpiodev backends: the common part of every backend type, -gpiodev,
 * and the backends' lifetime.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/help_option.h"
#include "qemu/id.h"
#include "qemu/module.h"
#include "qemu/option.h"
#include "system/system.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qapi-visit-gpiodev.h"
#include "gpiodev/gpiodev.h"
#include "trace.h"

typedef struct GpiodevQueueEntry {
    GpiodevOptions *opts;
    Location loc;
    QSIMPLEQ_ENTRY(GpiodevQueueEntry) next;
} GpiodevQueueEntry;

static QSIMPLEQ_HEAD(, GpiodevQueueEntry) gpiodev_queue =
    QSIMPLEQ_HEAD_INITIALIZER(gpiodev_queue);

static Object *gpiodev_container(void)
{
    return object_get_container("gpiodevs");
}

Gpiodev *gpiodev_find(const char *id)
{
    Object *obj = object_resolve_path_component(gpiodev_container(), id);

    return obj ? GPIODEV(obj) : NULL;
}

static int gpiodev_collect(Object *obj, void *opaque)
{
    GSList **list = opaque;

    *list = g_slist_prepend(*list, obj);
    return 0;
}

static gint gpiodev_compare_id(gconstpointer a, gconstpointer b)
{
    return strcmp(GPIODEV(a)->id, GPIODEV(b)->id);
}

int gpiodev_foreach(int (*fn)(Gpiodev *gd, void *opaque), void *opaque)
{
    GSList *list = NULL;
    int ret = 0;

    object_child_foreach(gpiodev_container(), gpiodev_collect, &list);
    list = g_slist_sort(list, gpiodev_compare_id);
    for (GSList *l = list; l && !ret; l = l->next) {
        ret = fn(GPIODEV(l->data), opaque);
    }
    g_slist_free(list);
    return ret;
}

void gpiodev_delete(Gpiodev *gd)
{
    trace_gpiodev_del(gd->id);
    object_unparent(OBJECT(gd));
}

static int gpiodev_delete_one(Gpiodev *gd, void *opaque)
{
    gpiodev_delete(gd);
    return 0;
}

/* Close the sockets and remove their files when QEMU exits. */
static void gpiodev_delete_all(Notifier *n, void *data)
{
    gpiodev_foreach(gpiodev_delete_one, NULL);
}

static Notifier gpiodev_exit_notifier = { .notify = gpiodev_delete_all };

static NotifierList gpiodev_connection_notifiers =
    NOTIFIER_LIST_INITIALIZER(gpiodev_connection_notifiers);

void gpiodev_add_connection_notifier(Notifier *n)
{
    notifier_list_add(&gpiodev_connection_notifiers, n);
}

void gpiodev_connection_changed(Gpiodev *gd, bool connected,
                                SocketAddress *peer)
{
    GpiodevConnection c = {
        .gd = gd,
        .connected = connected,
        .peer = peer,
    };

    trace_gpiodev_connection(gd->id, connected);
    notifier_list_notify(&gpiodev_connection_notifiers, &c);
}

static GpiodevClass *gpiodev_class_of_type(GpiodevBackendType type)
{
    GSList *list = object_class_get_list(TYPE_GPIODEV, false);
    GpiodevClass *found = NULL;

    for (GSList *l = list; l && !found; l = l->next) {
        if (GPIODEV_CLASS(l->data)->type == type) {
            found = l->data;
        }
    }
    g_slist_free(list);
    return found;
}

Gpiodev *gpiodev_new(GpiodevOptions *opts, Error **errp)
{
    GpiodevClass *gdc = gpiodev_class_of_type(opts->type);
    Object *controller;
    Gpiodev *gd;

    if (!id_wellformed(opts->id)) {
        error_setg(errp, "gpiodev id '%s' is not well-formed", opts->id);
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }
    if (gpiodev_find(opts->id)) {
        error_setg(errp, "gpiodev '%s' already exists", opts->id);
        return NULL;
    }
    if (!gdc) {
        error_setg(errp, "gpiodev backend '%s' is not available",
                   GpiodevBackendType_str(opts->type));
        return NULL;
    }
    controller = gpiodev_core_resolve(opts->device, errp);
    if (!controller) {
        return NULL;
    }

    gd = GPIODEV(object_new(object_class_get_name(OBJECT_CLASS(gdc))));
    gd->id = g_strdup(opts->id);
    gd->core = gpiodev_core_get(controller);
    if (!gdc->open(gd, opts, errp)) {
        object_unref(OBJECT(gd));
        return NULL;
    }
    object_property_add_child(gpiodev_container(), gd->id, OBJECT(gd));
    object_unref(OBJECT(gd));
    if (!gpiodev_exit_notifier.node.le_prev) {
        qemu_add_exit_notifier(&gpiodev_exit_notifier);
    }
    trace_gpiodev_new(gd->id, gd->core->path);
    return gd;
}

/*
 * Every way a backend goes (gpiodev-del, QEMU's exit) ends here, before
 * its finalizer: it stops taking clients, and its clients are detached
 * through their own callback, while the backend is still whole.
 */
static void gpiodev_unparent(Object *obj)
{
    Gpiodev *gd = GPIODEV(obj);
    GpiodevClass *gdc = GPIODEV_GET_CLASS(gd);

    if (gdc->close) {
        gdc->close(gd);
    }
    gpiodev_core_detach(gd->core, gd);
}

static void gpiodev_finalize(Object *obj)
{
    Gpiodev *gd = GPIODEV(obj);

    /* Its clients went with gpiodev_unparent(), or never came. */
    if (gd->core) {
        gpiodev_core_unref(gd->core);
    }
    g_free(gd->id);
}

static void gpiodev_class_init(ObjectClass *oc, void *data)
{
    oc->unparent = gpiodev_unparent;
}

/* Command line */

static void gpiodev_help(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_GPIODEV, false);

    printf("Available gpiodev backend types:\n");
    for (GSList *l = list; l; l = l->next) {
        printf("  %s\n", GpiodevBackendType_str(GPIODEV_CLASS(l->data)->type));
    }
    g_slist_free(list);
}

void gpiodev_parse_option(const char *optarg)
{
    GpiodevQueueEntry *e;
    Visitor *v;

    if (is_help_option(optarg)) {
        gpiodev_help();
        exit(EXIT_SUCCESS);
    }
    v = qobject_input_visitor_new_str(optarg, "type", &error_fatal);
    e = g_new0(GpiodevQueueEntry, 1);
    visit_type_GpiodevOptions(v, NULL, &e->opts, &error_fatal);
    visit_free(v);
    loc_save(&e->loc);
    QSIMPLEQ_INSERT_TAIL(&gpiodev_queue, e, next);
}

void gpiodev_create_from_cmdline(void)
{
    GpiodevQueueEntry *e;

    while ((e = QSIMPLEQ_FIRST(&gpiodev_queue))) {
        QSIMPLEQ_REMOVE_HEAD(&gpiodev_queue, next);
        loc_push_restore(&e->loc);
        gpiodev_new(e->opts, &error_fatal);
        loc_pop(&e->loc);
        qapi_free_GpiodevOptions(e->opts);
        g_free(e);
    }
}

static const TypeInfo gpiodev_info = {
    .name = TYPE_GPIODEV,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(Gpiodev),
    .instance_finalize = gpiodev_finalize,
    .class_size = sizeof(GpiodevClass),
    .class_init = gpiodev_class_init,
};

static void gpiodev_register_types(void)
{
    type_register_static(&gpiodev_info);
}

type_init(gpiodev_register_types);

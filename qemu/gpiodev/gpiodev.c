/*
 * gpiodev core: binding to a GPIO controller, the edge rule, line
 * ownership and event fan-out to clients.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/error-report.h"
#include "qemu/help_option.h"
#include "qemu/id.h"
#include "qemu/option.h"
#include "qemu/timer.h"
#include "qapi/util.h"
#include "system/cpu-timers.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "qapi/error.h"
#include "qapi/qobject-input-visitor.h"
#include "qapi/qapi-commands-gpiodev.h"
#include "qapi/qapi-visit-gpiodev.h"
#include "gpiodev/gpiodev.h"
#include "trace.h"

struct GpiodevLine {
    /*
     * The externally visible level: the output latch while the guest
     * drives the line, the level on the pin otherwise.  An edge is a
     * change of this value, whatever caused it.
     */
    bool level;
    GpioLineInfo info;
    uint64_t seqno;
    /* The client driving this input, and the level it drives. */
    GpiodevClient *owner;
    bool driven;
    /*
     * The clients watching this line's edges: a guest toggling a line
     * then costs nothing for the clients that do not watch it.
     */
    GPtrArray *edge_watchers;
};

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

const char *gpiodev_status_str(GpiodevStatus status)
{
    switch (status) {
    case GPIODEV_OK:
        return "success";
    case GPIODEV_NO_SUCH_LINE:
        return "no such line";
    case GPIODEV_NOT_PRESENT:
        return "no pin behind this line";
    case GPIODEV_IS_OUTPUT:
        return "the guest drives this line as an output";
    case GPIODEV_BUSY:
        return "another client drives this line";
    }
    g_assert_not_reached();
}

/* Events */

static bool line_info_equal(const GpioLineInfo *a, const GpioLineInfo *b)
{
    return a->present == b->present && a->direction == b->direction &&
           a->drive == b->drive && a->bias == b->bias &&
           a->interrupt == b->interrupt;
}

/*
 * Event timestamps.  Reading the host's clock costs a busy guest as
 * much as the rest of an edge's path, so while the guest runs without
 * icount (its virtual clock then advances with the host's monotonic
 * clock, which the wall clock follows but for steps) the wall clock is
 * read at most once per GPIODEV_HOST_CLOCK_RESYNC_NS of guest time and
 * advanced with the guest's clock in between.  A step of the host's
 * clock thus shows in host-ns within that time.  Protected by the BQL.
 */
#define GPIODEV_HOST_CLOCK_RESYNC_NS SCALE_MS

static struct {
    bool valid;
    int64_t guest_ns;
    int64_t host_ns;
} gpiodev_host_clock;

static int64_t gpiodev_realtime_ns(void)
{
    struct timespec ts;

    /* QEMU_CLOCK_HOST has microseconds only; events deserve better. */
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/* The guest's clock is the host's, paused while the VM is stopped. */
static void gpiodev_vm_state_changed(void *opaque, bool running,
                                     RunState state)
{
    gpiodev_host_clock.valid = false;
}

static bool gpiodev_guest_clock_follows_host(void)
{
    return runstate_is_running() && !icount_enabled() && !qtest_enabled();
}

static void gpiodev_stamp(GpiodevEvent *ev)
{
    int64_t since;

    ev->guest_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    since = ev->guest_ns - gpiodev_host_clock.guest_ns;
    if (gpiodev_host_clock.valid && since >= 0 &&
        since < GPIODEV_HOST_CLOCK_RESYNC_NS) {
        ev->host_ns = gpiodev_host_clock.host_ns + since;
        return;
    }
    /*
     * The wall clock first: what is derived from this pair is then
     * early by the time between the two reads, never late, so host-ns
     * does not go back when it is read again.
     */
    ev->host_ns = gpiodev_realtime_ns();
    ev->guest_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    gpiodev_host_clock.valid = gpiodev_guest_clock_follows_host();
    gpiodev_host_clock.guest_ns = ev->guest_ns;
    gpiodev_host_clock.host_ns = ev->host_ns;
}

void gpiodev_notify_level(Gpiodev *gd, unsigned offset, bool level)
{
    GpiodevLine *line;
    GpiodevEvent ev;

    assert(offset < gd->nlines);
    line = &gd->lines[offset];
    if (line->level == level) {
        return;
    }
    line->level = level;
    gd->seqno++;
    line->seqno++;
    trace_gpiodev_edge(gd->id, offset, level, gd->seqno);

    if (!line->edge_watchers->len) {
        return;
    }
    ev = (GpiodevEvent) {
        .kind = GPIODEV_EVENT_EDGE,
        .offset = offset,
        .level = level,
        .seqno = gd->seqno,
        .line_seqno = line->seqno,
    };
    gpiodev_stamp(&ev);
    for (guint i = 0; i < line->edge_watchers->len; i++) {
        GpiodevClient *c = g_ptr_array_index(line->edge_watchers, i);

        if (test_bit(offset, level ? c->rising : c->falling)) {
            c->ops->event(c, &ev);
        }
    }
}

/* Send @ev to the clients that watch the configuration of its line. */
static void gpiodev_send_config_event(Gpiodev *gd, GpiodevEvent *ev)
{
    GpiodevClient *c;

    gpiodev_stamp(ev);
    QTAILQ_FOREACH(c, &gd->clients, next) {
        if (test_bit(ev->offset, c->config)) {
            c->ops->event(c, ev);
        }
    }
}

void gpiodev_notify_config(Gpiodev *gd, unsigned offset)
{
    GpiodevLine *line;
    GpioLineInfo info = { 0 };
    GpiodevEvent ev;
    bool was_output;

    assert(offset < gd->nlines);
    line = &gd->lines[offset];
    gd->gcc->get_line_info(GPIO_CONTROLLER(gd->controller), offset, &info);
    if (line_info_equal(&line->info, &info)) {
        return;
    }
    was_output = line->info.direction == GPIO_LINE_DIRECTION_OUTPUT;
    line->info = info;
    trace_gpiodev_config(gd->id, offset,
                         GpioLineDirection_str(info.direction));

    ev = (GpiodevEvent) {
        .kind = GPIODEV_EVENT_CONFIG,
        .offset = offset,
        .level = line->level,
    };
    gpiodev_send_config_event(gd, &ev);

    /* A held line handed back by the guest is driven by its owner again. */
    if (was_output && info.direction == GPIO_LINE_DIRECTION_INPUT &&
        line->owner) {
        gd->gcc->set_input(GPIO_CONTROLLER(gd->controller), offset,
                           line->driven);
    }
}

void gpiodev_notify_all(Gpiodev *gd)
{
    GpioController *gc = GPIO_CONTROLLER(gd->controller);

    for (unsigned i = 0; i < gd->nlines; i++) {
        gpiodev_notify_config(gd, i);
        if (gd->lines[i].owner &&
            gd->lines[i].info.direction == GPIO_LINE_DIRECTION_INPUT) {
            gd->gcc->set_input(gc, i, gd->lines[i].driven);
        }
        gpiodev_notify_level(gd, i, gd->gcc->get_level(gc, i));
    }
}

/* Lines */

const char *gpiodev_label(Gpiodev *gd)
{
    return gd->gcc->get_label(GPIO_CONTROLLER(gd->controller));
}

int gpiodev_find_line(Gpiodev *gd, const char *name)
{
    for (unsigned i = 0; i < gd->nlines; i++) {
        if (gd->lines[i].info.present &&
            !strcmp(gd->lines[i].info.name, name)) {
            return i;
        }
    }
    return -1;
}

const GpioLineInfo *gpiodev_line_info(Gpiodev *gd, unsigned offset)
{
    assert(offset < gd->nlines);
    return &gd->lines[offset].info;
}

bool gpiodev_line_level(Gpiodev *gd, unsigned offset)
{
    assert(offset < gd->nlines);
    return gd->lines[offset].level;
}

const char *gpiodev_line_consumer(Gpiodev *gd, unsigned offset)
{
    assert(offset < gd->nlines);
    return gd->lines[offset].owner ? gd->lines[offset].owner->consumer : NULL;
}

/* Clients */

void gpiodev_client_init(GpiodevClient *client, Gpiodev *gd,
                         const GpiodevClientOps *ops)
{
    client->gpiodev = gd;
    client->ops = ops;
    client->consumer = NULL;
    client->rising = bitmap_new(gd->nlines);
    client->falling = bitmap_new(gd->nlines);
    client->config = bitmap_new(gd->nlines);
    QTAILQ_INSERT_TAIL(&gd->clients, client, next);
}

void gpiodev_client_cleanup(GpiodevClient *client)
{
    Gpiodev *gd = client->gpiodev;

    if (!gd) {
        return;
    }
    /* Gone before its lines are released: it gets no event of that. */
    QTAILQ_REMOVE(&gd->clients, client, next);
    for (unsigned i = 0; i < gd->nlines; i++) {
        gpiodev_client_watch(client, i, GPIODEV_WATCH_EDGES, false);
        gpiodev_client_release(client, i);
    }
    g_free(client->rising);
    g_free(client->falling);
    g_free(client->config);
    g_free(client->consumer);
    client->gpiodev = NULL;
}

static bool gpiodev_client_watches_edges(GpiodevClient *client,
                                         unsigned offset)
{
    return test_bit(offset, client->rising) ||
           test_bit(offset, client->falling);
}

void gpiodev_client_watch(GpiodevClient *client, unsigned offset,
                          unsigned what, bool on)
{
    GPtrArray *watchers;
    bool watched;
    unsigned long *maps[] = {
        (what & GPIODEV_WATCH_RISING) ? client->rising : NULL,
        (what & GPIODEV_WATCH_FALLING) ? client->falling : NULL,
        (what & GPIODEV_WATCH_CONFIG) ? client->config : NULL,
    };

    assert(offset < client->gpiodev->nlines);
    watchers = client->gpiodev->lines[offset].edge_watchers;
    watched = gpiodev_client_watches_edges(client, offset);
    for (int i = 0; i < ARRAY_SIZE(maps); i++) {
        if (maps[i] && on) {
            set_bit(offset, maps[i]);
        } else if (maps[i]) {
            clear_bit(offset, maps[i]);
        }
    }
    if (!watched && gpiodev_client_watches_edges(client, offset)) {
        g_ptr_array_add(watchers, client);
    } else if (watched && !gpiodev_client_watches_edges(client, offset)) {
        g_ptr_array_remove_fast(watchers, client);
    }
}

void gpiodev_client_set_consumer(GpiodevClient *client, const char *name)
{
    g_free(client->consumer);
    client->consumer = g_strdup(name);
}

static GpiodevStatus gpiodev_check_drive(GpiodevClient *client,
                                         unsigned offset)
{
    Gpiodev *gd = client->gpiodev;
    GpiodevLine *line;

    if (offset >= gd->nlines) {
        return GPIODEV_NO_SUCH_LINE;
    }
    line = &gd->lines[offset];
    if (!line->info.present) {
        return GPIODEV_NOT_PRESENT;
    }
    if (line->info.direction == GPIO_LINE_DIRECTION_OUTPUT) {
        return GPIODEV_IS_OUTPUT;
    }
    if (line->owner && line->owner != client) {
        return GPIODEV_BUSY;
    }
    return GPIODEV_OK;
}

GpiodevStatus gpiodev_client_drive(GpiodevClient *client, unsigned n,
                                   const unsigned *offsets,
                                   const bool *levels, unsigned *bad)
{
    Gpiodev *gd = client->gpiodev;
    GpioController *gc = GPIO_CONTROLLER(gd->controller);

    for (unsigned i = 0; i < n; i++) {
        GpiodevStatus st = gpiodev_check_drive(client, offsets[i]);

        if (st != GPIODEV_OK) {
            *bad = i;
            return st;
        }
    }
    /*
     * Under the BQL the guest cannot run between these updates, so it
     * sees all lines change at once.
     */
    for (unsigned i = 0; i < n; i++) {
        GpiodevLine *line = &gd->lines[offsets[i]];
        bool requested = line->owner != client;

        line->owner = client;
        line->driven = levels[i];
        trace_gpiodev_drive(gd->id, offsets[i], levels[i]);
        if (requested) {
            gpiodev_send_config_event(gd, &(GpiodevEvent) {
                .kind = GPIODEV_EVENT_REQUESTED,
                .offset = offsets[i],
                .level = line->level,
            });
        }
        gd->gcc->set_input(gc, offsets[i], levels[i]);
    }
    return GPIODEV_OK;
}

void gpiodev_client_release(GpiodevClient *client, unsigned offset)
{
    Gpiodev *gd = client->gpiodev;

    if (offset < gd->nlines && gd->lines[offset].owner == client) {
        gd->lines[offset].owner = NULL;
        trace_gpiodev_release(gd->id, offset);
        gpiodev_send_config_event(gd, &(GpiodevEvent) {
            .kind = GPIODEV_EVENT_RELEASED,
            .offset = offset,
            .level = gd->lines[offset].level,
        });
    }
}

bool gpiodev_client_holds(GpiodevClient *client, unsigned offset)
{
    Gpiodev *gd = client->gpiodev;

    return offset < gd->nlines && gd->lines[offset].owner == client;
}

/* Binding and lifetime */

Object *gpiodev_resolve_controller(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);

    if (ambiguous) {
        error_setg(errp, "GPIO controller path '%s' is ambiguous", path);
        return NULL;
    }
    if (!obj) {
        error_setg(errp, "GPIO controller '%s' not found", path);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_GPIO_CONTROLLER)) {
        error_setg(errp, "'%s' (%s) is not a GPIO controller", path,
                   object_get_typename(obj));
        error_append_hint(errp, "A gpiodev needs a device that implements "
                          "the " TYPE_GPIO_CONTROLLER " interface.\n");
        return NULL;
    }
    return obj;
}

static bool gpiodev_bind(Gpiodev *gd, const char *path, Error **errp)
{
    Object *obj = gpiodev_resolve_controller(path, errp);
    GpioController *gc;
    GpioFrontend *fe;

    if (!obj) {
        return false;
    }
    gc = GPIO_CONTROLLER(obj);
    gd->gcc = GPIO_CONTROLLER_GET_CLASS(obj);
    fe = gd->gcc->get_frontend(gc);
    if (fe->gpiodev) {
        error_setg(errp, "GPIO controller '%s' already has gpiodev '%s'",
                   path, fe->gpiodev->id);
        return false;
    }

    gd->controller = obj;
    object_ref(obj);
    gd->nlines = gd->gcc->get_nlines(gc);
    gd->lines = g_new0(GpiodevLine, gd->nlines);
    for (unsigned i = 0; i < gd->nlines; i++) {
        gd->gcc->get_line_info(gc, i, &gd->lines[i].info);
        gd->lines[i].level = gd->gcc->get_level(gc, i);
        gd->lines[i].edge_watchers = g_ptr_array_new();
    }
    fe->gpiodev = gd;
    return true;
}

static int gpiodev_collect(Object *obj, void *opaque)
{
    GSList **list = opaque;

    *list = g_slist_prepend(*list, obj);
    return 0;
}

/* Close the sockets and remove their files when QEMU exits. */
static void gpiodev_delete_all(Notifier *n, void *data)
{
    GSList *list = NULL;

    object_child_foreach(gpiodev_container(), gpiodev_collect, &list);
    g_slist_free_full(list, (GDestroyNotify)object_unparent);
}

static Notifier gpiodev_exit_notifier = { .notify = gpiodev_delete_all };

Gpiodev *gpiodev_new(GpiodevOptions *opts, Error **errp)
{
    g_autofree char *typename =
        g_strdup_printf(TYPE_GPIODEV "-%s",
                        GpiodevBackendType_str(opts->type));
    ObjectClass *oc = object_class_by_name(typename);
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
    if (!oc) {
        error_setg(errp, "gpiodev backend '%s' is not available",
                   GpiodevBackendType_str(opts->type));
        return NULL;
    }

    gd = GPIODEV(object_new(typename));
    gd->id = g_strdup(opts->id);
    if (!gpiodev_bind(gd, opts->device, errp) ||
        !GPIODEV_GET_CLASS(gd)->open(gd, opts, errp)) {
        object_unref(OBJECT(gd));
        return NULL;
    }
    object_property_add_child(gpiodev_container(), gd->id, OBJECT(gd));
    object_unref(OBJECT(gd));
    if (!gpiodev_exit_notifier.node.le_prev) {
        qemu_add_exit_notifier(&gpiodev_exit_notifier);
        qemu_add_vm_change_state_handler(gpiodev_vm_state_changed, NULL);
    }
    trace_gpiodev_new(gd->id, object_get_canonical_path(gd->controller),
                      gd->nlines);
    return gd;
}

static void gpiodev_init(Object *obj)
{
    Gpiodev *gd = GPIODEV(obj);

    QTAILQ_INIT(&gd->clients);
}

static void gpiodev_finalize(Object *obj)
{
    Gpiodev *gd = GPIODEV(obj);

    gpiodev_qmp_cleanup(gd);
    /* The backend's finalizer, which ran first, removed its clients. */
    assert(QTAILQ_EMPTY(&gd->clients));
    if (gd->controller) {
        GpioController *gc = GPIO_CONTROLLER(gd->controller);

        gd->gcc->get_frontend(gc)->gpiodev = NULL;
        object_unref(gd->controller);
    }
    for (unsigned i = 0; gd->lines && i < gd->nlines; i++) {
        g_ptr_array_free(gd->lines[i].edge_watchers, true);
    }
    g_free(gd->lines);
    g_free(gd->id);
}

/* Command line */

static void gpiodev_help(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_GPIODEV, false);

    printf("Available gpiodev backend types:\n");
    for (GSList *l = list; l; l = l->next) {
        const char *name = object_class_get_name(l->data);

        printf("  %s\n", name + strlen(TYPE_GPIODEV "-"));
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

/* QMP */

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
    trace_gpiodev_del(id);
    object_unparent(OBJECT(gd));
}

static int gpiodev_query_one(Object *obj, void *opaque)
{
    GpiodevInfoList ***tail = opaque;
    Gpiodev *gd = GPIODEV(obj);
    GpiodevInfo *info = g_new0(GpiodevInfo, 1);
    GpiodevClientInfoList **clients = &info->clients;
    GpiodevClient *c;

    info->id = g_strdup(gd->id);
    info->type = qapi_enum_parse(&GpiodevBackendType_lookup,
                                 object_get_typename(obj) +
                                 strlen(TYPE_GPIODEV "-"), 0, &error_abort);
    info->device = object_get_canonical_path(gd->controller);
    info->device_type = g_strdup(object_get_typename(gd->controller));
    info->lines = gd->nlines;
    QTAILQ_FOREACH(c, &gd->clients, next) {
        GpiodevClientInfo *ci = g_new0(GpiodevClientInfo, 1);

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

    object_child_foreach(gpiodev_container(), gpiodev_query_one, &tail);
    return list;
}

static int gpio_controller_query_one(Object *obj, void *opaque)
{
    GpioControllerInfoList ***tail = opaque;
    GpioControllerInfo *info;
    GpioControllerClass *gcc;
    GpioController *gc;
    Gpiodev *gd;

    if (!object_dynamic_cast(obj, TYPE_GPIO_CONTROLLER)) {
        return 0;
    }
    gc = GPIO_CONTROLLER(obj);
    gcc = GPIO_CONTROLLER_GET_CLASS(obj);
    gd = gcc->get_frontend(gc)->gpiodev;
    info = g_new0(GpioControllerInfo, 1);
    info->path = object_get_canonical_path(obj);
    info->type = g_strdup(object_get_typename(obj));
    info->label = g_strdup(gcc->get_label(gc));
    info->lines = gcc->get_nlines(gc);
    info->gpiodev = gd ? g_strdup(gd->id) : NULL;
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

static const TypeInfo gpiodev_types[] = {
    {
        .name = TYPE_GPIODEV,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(Gpiodev),
        .instance_init = gpiodev_init,
        .instance_finalize = gpiodev_finalize,
        .class_size = sizeof(GpiodevClass),
    }, {
        .name = TYPE_GPIO_CONTROLLER,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(GpioControllerClass),
    },
};

DEFINE_TYPES(gpiodev_types)

/*
 * gpiodev core: one per GPIO controller in use; the edge rule, line
 * ownership and event fan-out to the clients of every backend.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "system/cpu-timers.h"
#include "system/qtest.h"
#include "system/reset.h"
#include "system/runstate.h"
#include "migration/register.h"
#include "gpiodev/gpio-core.h"
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
    /* What the board connects the line to, if it does (never driven). */
    const char *wired_to;
    /*
     * The clients watching this line's edges: a guest toggling a line
     * then costs nothing for the clients that do not watch it.
     */
    GPtrArray *edge_watchers;
};

const char *gpiodev_status_str(GpiodevStatus status)
{
    switch (status) {
    case GPIODEV_OK:
        return "success";
    case GPIODEV_BAD_OFFSET:
        return "not a line offset";
    case GPIODEV_NO_SUCH_LINE:
        return "no such line";
    case GPIODEV_NO_SUCH_NAME:
        return "no line has this name";
    case GPIODEV_NOT_PRESENT:
        return "no pin behind this line";
    case GPIODEV_IS_OUTPUT:
        return "the guest drives this line as an output";
    case GPIODEV_BUSY:
        return "another client drives this line";
    case GPIODEV_WIRED:
        return "the board wires this line";
    }
    g_assert_not_reached();
}

/* Loading a machine's state */

/*
 * While the machine's state is replaced (an incoming migration, or
 * loadvm and the reset that precedes it), the models' notifications
 * describe a mix of old, reset and loaded state.  gpiodev ignores them
 * and keeps showing the state from before; once loading is over it
 * reads every line again (gpiodev_core_resync()), so that clients see
 * one event for each line that differs, and lines they hold stay held.
 */
static bool gpiodev_loading;
static QLIST_HEAD(, GpiodevCore) gpiodev_cores =
    QLIST_HEAD_INITIALIZER(gpiodev_cores);

static void gpiodev_core_resync(GpiodevCore *core);

static void gpiodev_loading_begin(void)
{
    trace_gpiodev_loading(true);
    gpiodev_loading = true;
}

static void gpiodev_loading_end(void)
{
    GpiodevCore *core;

    if (!gpiodev_loading) {
        return;
    }
    trace_gpiodev_loading(false);
    gpiodev_loading = false;
    QLIST_FOREACH(core, &gpiodev_cores, next) {
        gpiodev_core_resync(core);
    }
}

/* Migration and loadvm: the models' state is loaded in between. */
static int gpiodev_load_setup(QEMUFile *f, void *opaque, Error **errp)
{
    gpiodev_loading_begin();
    return 0;
}

static int gpiodev_load_cleanup(void *opaque)
{
    gpiodev_loading_end();
    return 0;
}

/*
 * Only hooks around loading: with no save handler and no vmstate, no
 * section is sent, and a QEMU without gpiodev accepts the stream.
 */
static const SaveVMHandlers gpiodev_savevm_handlers = {
    .load_setup = gpiodev_load_setup,
    .load_cleanup = gpiodev_load_cleanup,
};

/*
 * loadvm resets the machine before loading: the models report their
 * reset state from the exit phase, after this enter phase.
 */
#define TYPE_GPIODEV_RESET_WATCH "gpiodev-reset-watch"
OBJECT_DECLARE_SIMPLE_TYPE(GpiodevResetWatch, GPIODEV_RESET_WATCH)

struct GpiodevResetWatch {
    Object parent_obj;
    ResettableState reset;
};

static ResettableState *gpiodev_reset_watch_get_state(Object *obj)
{
    return &GPIODEV_RESET_WATCH(obj)->reset;
}

static void gpiodev_reset_watch_enter(Object *obj, ResetType type)
{
    if (type == RESET_TYPE_SNAPSHOT_LOAD) {
        gpiodev_loading_begin();
    }
}

static void gpiodev_reset_watch_class_init(ObjectClass *oc, void *data)
{
    ResettableClass *rc = RESETTABLE_CLASS(oc);

    rc->get_state = gpiodev_reset_watch_get_state;
    rc->phases.enter = gpiodev_reset_watch_enter;
}

/* Timestamps */

/*
 * Reading the host's clock costs a busy guest as much as the rest of
 * an edge's path, so while the guest runs without icount (its virtual
 * clock then advances with the host's monotonic clock, which the wall
 * clock follows but for steps) the wall clock is read at most once per
 * GPIODEV_HOST_CLOCK_RESYNC_NS of guest time and advanced with the
 * guest's clock in between.  A step of the host's clock thus shows in
 * host-ns within that time.  Protected by the BQL.
 */
#define GPIODEV_HOST_CLOCK_RESYNC_NS SCALE_MS

static struct {
    bool valid;
    int64_t guest_ns;
    int64_t host_ns;
    VMChangeStateEntry *vm_change;
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
    /* A load that failed before its cleanup must not leave us blind. */
    if (running) {
        gpiodev_loading_end();
    }
}

static bool gpiodev_guest_clock_follows_host(void)
{
    return runstate_is_running() && !icount_enabled() && !qtest_enabled();
}

static void gpiodev_core_stamp(GpiodevEvent *ev)
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

/* Events */

static bool line_info_equal(const GpioLineInfo *a, const GpioLineInfo *b)
{
    return a->present == b->present && a->direction == b->direction &&
           a->drive == b->drive && a->bias == b->bias &&
           a->interrupt == b->interrupt;
}

/* Record a line's level, and send the edge to its watchers. */
static void gpiodev_core_update_level(GpiodevCore *core, unsigned offset,
                                      bool level)
{
    GpiodevLine *line;
    GpiodevEvent ev;

    assert(offset < core->nlines);
    line = &core->lines[offset];
    if (line->level == level) {
        return;
    }
    line->level = level;
    core->seqno++;
    line->seqno++;
    trace_gpiodev_edge(core->path, offset, level, core->seqno);

    if (!line->edge_watchers->len) {
        return;
    }
    ev = (GpiodevEvent) {
        .kind = GPIODEV_EVENT_EDGE,
        .offset = offset,
        .name = line->info.name,
        .level = level,
        .seqno = core->seqno,
        .line_seqno = line->seqno,
    };
    gpiodev_core_stamp(&ev);
    for (guint i = 0; i < line->edge_watchers->len; i++) {
        GpiodevClient *c = g_ptr_array_index(line->edge_watchers, i);

        if (test_bit(offset, level ? c->rising : c->falling)) {
            c->ops->event(c, &ev);
        }
    }
}

void gpiodev_core_notify_level(GpiodevCore *core, unsigned offset,
                               bool level)
{
    if (!gpiodev_loading) {
        gpiodev_core_update_level(core, offset, level);
    }
}

/*
 * The bits of @mask that are lines of @core: a model passes a whole
 * bank's register, whose last bank may have bits with no line behind
 * them, and what the guest writes there is no business of ours.
 */
static uint64_t gpiodev_core_mask_lines(GpiodevCore *core, unsigned base,
                                        uint64_t mask)
{
    if (base >= core->nlines) {
        return 0;
    }
    if (core->nlines - base < 64) {
        mask &= MAKE_64BIT_MASK(0, core->nlines - base);
    }
    return mask;
}

void gpiodev_core_notify_levels(GpiodevCore *core, unsigned base,
                                uint64_t mask, uint64_t levels)
{
    mask = gpiodev_core_mask_lines(core, base, mask);
    while (mask) {
        unsigned bit = ctz64(mask);

        gpiodev_core_notify_level(core, base + bit, (levels >> bit) & 1);
        mask &= mask - 1;
    }
}

/* An event about line @offset's configuration or ownership. */
static void gpiodev_core_send_line_event(GpiodevCore *core,
                                         GpiodevEventKind kind,
                                         unsigned offset)
{
    GpiodevLine *line = &core->lines[offset];
    GpiodevEvent ev = {
        .kind = kind,
        .offset = offset,
        .name = line->info.name,
        .level = line->level,
        .direction = line->info.direction,
        .drive = line->info.drive,
        .bias = line->info.bias,
        .interrupt = line->info.interrupt,
        .consumer = line->owner ? line->owner->consumer : NULL,
    };
    GpiodevClient *c;

    gpiodev_core_stamp(&ev);
    QTAILQ_FOREACH(c, &core->clients, next) {
        if (test_bit(offset, c->config)) {
            c->ops->event(c, &ev);
        }
    }
}

/*
 * Read a line's configuration, and send the change to its watchers.
 * A held line handed back by the guest is driven by its owner again.
 */
static void gpiodev_core_update_config(GpiodevCore *core, unsigned offset)
{
    GpioController *gc = GPIO_CONTROLLER(core->controller);
    GpiodevLine *line;
    GpioLineInfo info = { 0 };
    bool was_output;

    assert(offset < core->nlines);
    line = &core->lines[offset];
    core->gcc->get_line_info(gc, offset, &info);
    if (line_info_equal(&line->info, &info)) {
        return;
    }
    was_output = line->info.direction == GPIO_LINE_DIRECTION_OUTPUT;
    line->info = info;
    trace_gpiodev_config(core->path, offset,
                         GpioLineDirection_str(info.direction));
    gpiodev_core_send_line_event(core, GPIODEV_EVENT_CONFIG, offset);

    if (was_output && info.direction == GPIO_LINE_DIRECTION_INPUT &&
        line->owner) {
        core->gcc->set_input(gc, offset, line->driven);
    }
}

void gpiodev_core_notify_config(GpiodevCore *core, unsigned offset)
{
    if (!gpiodev_loading) {
        gpiodev_core_update_config(core, offset);
    }
}

void gpiodev_core_notify_configs(GpiodevCore *core, unsigned base,
                                 uint64_t mask)
{
    mask = gpiodev_core_mask_lines(core, base, mask);
    while (mask) {
        gpiodev_core_notify_config(core, base + ctz64(mask));
        mask &= mask - 1;
    }
}

/*
 * Read every line again, re-drive the inputs that clients hold, and
 * tell the clients what changed.
 */
static void gpiodev_core_resync(GpiodevCore *core)
{
    GpioController *gc = GPIO_CONTROLLER(core->controller);

    trace_gpiodev_core_resync(core->path);
    for (unsigned i = 0; i < core->nlines; i++) {
        GpiodevLine *line = &core->lines[i];

        gpiodev_core_update_config(core, i);
        if (line->owner &&
            line->info.direction == GPIO_LINE_DIRECTION_INPUT) {
            core->gcc->set_input(gc, i, line->driven);
        }
        gpiodev_core_update_level(core, i, core->gcc->get_level(gc, i));
    }
}

void gpiodev_core_notify_all(GpiodevCore *core)
{
    if (!gpiodev_loading) {
        gpiodev_core_resync(core);
    }
}

/* Lines */

const char *gpiodev_core_label(GpiodevCore *core)
{
    return core->gcc->get_label(GPIO_CONTROLLER(core->controller));
}

GpiodevStatus gpiodev_core_find_line(GpiodevCore *core, const char *word,
                                     unsigned *offset)
{
    uint64_t v;

    if (g_ascii_isdigit(word[0])) {
        if (qemu_strtou64(word, NULL, 10, &v) < 0) {
            return GPIODEV_BAD_OFFSET;
        }
        if (v >= core->nlines) {
            return GPIODEV_NO_SUCH_LINE;
        }
        *offset = v;
        return GPIODEV_OK;
    }
    for (unsigned i = 0; i < core->nlines; i++) {
        if (core->lines[i].info.present &&
            !strcmp(core->lines[i].info.name, word)) {
            *offset = i;
            return GPIODEV_OK;
        }
    }
    return GPIODEV_NO_SUCH_NAME;
}

const GpioLineInfo *gpiodev_core_line_info(GpiodevCore *core,
                                           unsigned offset)
{
    assert(offset < core->nlines);
    return &core->lines[offset].info;
}

bool gpiodev_core_line_level(GpiodevCore *core, unsigned offset)
{
    assert(offset < core->nlines);
    return core->lines[offset].level;
}

const char *gpiodev_core_line_consumer(GpiodevCore *core, unsigned offset)
{
    GpiodevLine *line;

    assert(offset < core->nlines);
    line = &core->lines[offset];
    return line->owner ? line->owner->consumer : line->wired_to;
}

char *gpiodev_core_refusal(GpiodevCore *core, GpiodevStatus st,
                           unsigned offset)
{
    const char *consumer = NULL;

    if (st == GPIODEV_BUSY || st == GPIODEV_WIRED) {
        consumer = gpiodev_core_line_consumer(core, offset);
    }
    return g_strdup_printf("%s%s%s", gpiodev_status_str(st),
                           !consumer ? "" :
                           st == GPIODEV_BUSY ? " named " : " to ",
                           consumer ? consumer : "");
}

/* Clients */

void gpiodev_client_init(GpiodevClient *client, GpiodevCore *core,
                         const GpiodevClientOps *ops, void *backend,
                         const char *consumer)
{
    core->refs++;
    client->core = core;
    client->ops = ops;
    client->backend = backend;
    client->consumer = g_strdup(consumer);
    client->rising = bitmap_new(core->nlines);
    client->falling = bitmap_new(core->nlines);
    client->config = bitmap_new(core->nlines);
    QTAILQ_INSERT_TAIL(&core->clients, client, next);
}

void gpiodev_client_cleanup(GpiodevClient *client)
{
    GpiodevCore *core = client->core;

    if (!core) {
        return;
    }
    /* Gone before its lines are released: it gets no event of that. */
    QTAILQ_REMOVE(&core->clients, client, next);
    for (unsigned i = 0; i < core->nlines; i++) {
        gpiodev_client_watch(client, i, GPIODEV_WATCH_EDGES, false);
        gpiodev_client_release(client, i);
    }
    g_free(client->rising);
    g_free(client->falling);
    g_free(client->config);
    g_free(client->consumer);
    client->core = NULL;
    gpiodev_core_unref(core);
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

    assert(offset < client->core->nlines);
    watchers = client->core->lines[offset].edge_watchers;
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

bool gpiodev_client_idle(GpiodevClient *client)
{
    unsigned n = client->core->nlines;

    for (unsigned i = 0; i < n; i++) {
        if (client->core->lines[i].owner == client) {
            return false;
        }
    }
    return bitmap_empty(client->rising, n) &&
           bitmap_empty(client->falling, n) &&
           bitmap_empty(client->config, n);
}

void gpiodev_client_set_consumer(GpiodevClient *client, const char *name)
{
    g_free(client->consumer);
    client->consumer = g_strdup(name);
}

static GpiodevStatus gpiodev_check_drive(GpiodevClient *client,
                                         unsigned offset)
{
    GpiodevCore *core = client->core;
    GpiodevLine *line;

    if (offset >= core->nlines) {
        return GPIODEV_NO_SUCH_LINE;
    }
    line = &core->lines[offset];
    if (!line->info.present) {
        return GPIODEV_NOT_PRESENT;
    }
    if (line->wired_to) {
        return GPIODEV_WIRED;
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
    GpiodevCore *core = client->core;
    GpioController *gc = GPIO_CONTROLLER(core->controller);

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
        GpiodevLine *line = &core->lines[offsets[i]];
        bool requested = line->owner != client;

        line->owner = client;
        line->driven = levels[i];
        trace_gpiodev_drive(core->path, offsets[i], levels[i]);
        if (requested) {
            gpiodev_core_send_line_event(core, GPIODEV_EVENT_REQUESTED,
                                         offsets[i]);
        }
        core->gcc->set_input(gc, offsets[i], levels[i]);
    }
    return GPIODEV_OK;
}

void gpiodev_client_release(GpiodevClient *client, unsigned offset)
{
    GpiodevCore *core = client->core;

    if (offset < core->nlines && core->lines[offset].owner == client) {
        core->lines[offset].owner = NULL;
        trace_gpiodev_release(core->path, offset);
        gpiodev_core_send_line_event(core, GPIODEV_EVENT_RELEASED, offset);
    }
}

bool gpiodev_client_holds(GpiodevClient *client, unsigned offset)
{
    GpiodevCore *core = client->core;

    return offset < core->nlines && core->lines[offset].owner == client;
}

/* Binding and lifetime */

Object *gpiodev_core_resolve(const char *path, Error **errp)
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
        error_append_hint(errp, "gpiodev needs a device that implements "
                          "the " TYPE_GPIO_CONTROLLER " interface.\n");
        return NULL;
    }
    return obj;
}

static GpioFrontend *gpiodev_core_frontend(Object *controller)
{
    GpioController *gc = GPIO_CONTROLLER(controller);

    return GPIO_CONTROLLER_GET_CLASS(controller)->get_frontend(gc);
}

GpiodevCore *gpiodev_core_peek(Object *controller)
{
    return gpiodev_core_frontend(controller)->core;
}

void gpio_frontend_wire(Object *controller, unsigned offset,
                        const char *user)
{
    GpioFrontend *fe = gpiodev_core_frontend(controller);

    assert(!fe->core && fe->nwired < GPIO_FRONTEND_MAX_WIRED);
    fe->wired[fe->nwired++] = (GpioWiredLine) {
        .offset = offset,
        .user = user,
    };
}

/* Once, when the first core binds: the hooks of "Loading a machine's state". */
static void gpiodev_watch_machine_state(void)
{
    gpiodev_host_clock.vm_change =
        qemu_add_vm_change_state_handler(gpiodev_vm_state_changed, NULL);
    register_savevm_live("gpiodev", 0, 1, &gpiodev_savevm_handlers, NULL);
    qemu_register_resettable(object_new(TYPE_GPIODEV_RESET_WATCH));
}

/* Read every line from the model and start listening to it. */
static GpiodevCore *gpiodev_core_bind(Object *controller)
{
    GpiodevCore *core = g_new0(GpiodevCore, 1);
    GpioController *gc = GPIO_CONTROLLER(controller);
    GpioFrontend *fe = gpiodev_core_frontend(controller);

    core->controller = controller;
    object_ref(controller);
    core->path = object_get_canonical_path(controller);
    core->gcc = GPIO_CONTROLLER_GET_CLASS(controller);
    core->nlines = core->gcc->get_nlines(gc);
    core->lines = g_new0(GpiodevLine, core->nlines);
    QTAILQ_INIT(&core->clients);
    for (unsigned i = 0; i < core->nlines; i++) {
        core->gcc->get_line_info(gc, i, &core->lines[i].info);
        core->lines[i].level = core->gcc->get_level(gc, i);
        core->lines[i].edge_watchers = g_ptr_array_new();
    }
    for (unsigned i = 0; i < fe->nwired; i++) {
        assert(fe->wired[i].offset < core->nlines);
        core->lines[fe->wired[i].offset].wired_to = fe->wired[i].user;
    }
    if (!gpiodev_host_clock.vm_change) {
        gpiodev_watch_machine_state();
    }
    QLIST_INSERT_HEAD(&gpiodev_cores, core, next);
    fe->core = core;
    trace_gpiodev_core_bind(core->path, core->nlines);
    return core;
}

GpiodevCore *gpiodev_core_get(Object *controller)
{
    GpiodevCore *core = gpiodev_core_peek(controller);

    if (!core) {
        core = gpiodev_core_bind(controller);
    }
    core->refs++;
    return core;
}

void gpiodev_core_unref(GpiodevCore *core)
{
    assert(core->refs);
    if (--core->refs) {
        return;
    }
    /* Every client holds a reference: none is left. */
    assert(QTAILQ_EMPTY(&core->clients));
    trace_gpiodev_core_unbind(core->path);
    QLIST_REMOVE(core, next);
    gpiodev_core_frontend(core->controller)->core = NULL;
    object_unref(core->controller);
    for (unsigned i = 0; i < core->nlines; i++) {
        g_ptr_array_free(core->lines[i].edge_watchers, true);
    }
    g_free(core->lines);
    g_free(core->path);
    g_free(core);
}

void gpiodev_core_detach(GpiodevCore *core, void *backend)
{
    GpiodevClient *c, *next;

    /* The caller's reference keeps @core alive through the detaches. */
    QTAILQ_FOREACH_SAFE(c, &core->clients, next, next) {
        if (c->backend == backend) {
            c->ops->detach(c);
        }
    }
}

static const TypeInfo gpio_controller_info = {
    .name = TYPE_GPIO_CONTROLLER,
    .parent = TYPE_INTERFACE,
    .class_size = sizeof(GpioControllerClass),
};

static const TypeInfo gpiodev_reset_watch_info = {
    .name = TYPE_GPIODEV_RESET_WATCH,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(GpiodevResetWatch),
    .class_init = gpiodev_reset_watch_class_init,
    .interfaces = (InterfaceInfo[]) {
        { TYPE_RESETTABLE_INTERFACE },
        { }
    },
};

static void gpio_controller_register_types(void)
{
    type_register_static(&gpio_controller_info);
    type_register_static(&gpiodev_reset_watch_info);
}

type_init(gpio_controller_register_types);

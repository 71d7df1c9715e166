/*
 * gpiodev socket backend: serve a GPIO controller's lines over a stream
 * socket, in the line-based text protocol of docs/system/gpiodev.rst.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-sockets.h"
#include "io/channel-socket.h"
#include "io/net-listener.h"
#include "gpiodev/gpiodev.h"
#include "gpiodev-protocol.h"
#include "trace.h"

OBJECT_DECLARE_SIMPLE_TYPE(GpiodevSocket, GPIODEV_SOCKET)

#define GPIODEV_SOCKET_DEFAULT_QUEUE_LIMIT (1 * MiB)
/*
 * Events are written at once, except in a burst: then not more often
 * than this.  Each flush takes the BQL from a busy vCPU, which costs it
 * tens of microseconds; a guest toggling a line as fast as it can ran
 * 30% slower with flushes every 100 us than every millisecond.  A
 * burst's events still leave within a millisecond, timestamps intact.
 */
#define GPIODEV_SOCKET_FLUSH_INTERVAL_NS (1 * SCALE_MS)

typedef struct GpioSession GpioSession;

struct GpiodevSocket {
    Gpiodev parent_obj;

    SocketAddress *addr;
    bool server;
    uint32_t reconnect_ms;
    uint64_t queue_limit;

    QIONetListener *listener;
    /* The unix socket file we created, removed when we go. */
    char *unix_path;
    guint reconnect_tag;
    bool connecting;
    /* The text of the last event sent, shared by all sessions. */
    GString *event_text;
    uint64_t event_text_id;
    unsigned next_session_id;
    QTAILQ_HEAD(, GpioSession) sessions;
};

struct GpioSession {
    GpiodevClient client;
    GpiodevSocket *s;
    unsigned id;
    QIOChannelSocket *sioc;
    QIOChannel *ioc;
    guint read_tag;
    guint write_tag;
    QEMUBH *flush_bh;
    QEMUTimer *flush_timer;
    /* Events are queued and a flush is on its way. */
    bool flush_pending;
    int64_t last_flush_ns;
    /* Events queued since the last flush, and in the one before. */
    unsigned batch_events;
    unsigned last_batch_events;
    GpioRequestReader reader;
    GString *out;
    /* Bytes of @out already written. */
    size_t out_sent;
    /* Events dropped since the client was last told. */
    uint64_t lost;
    /* The client asked to close: close once everything is written. */
    bool closing;
    /* The client will send nothing more: answer, then close. */
    bool eof;
    QTAILQ_ENTRY(GpioSession) next;
};

static void gpiodev_socket_arm_reconnect(GpiodevSocket *s);

static size_t gpio_session_queued(GpioSession *ss)
{
    return ss->out->len - ss->out_sent;
}

static bool gpio_session_full(GpioSession *ss)
{
    return gpio_session_queued(ss) >= ss->s->queue_limit;
}

static void gpio_session_close(GpioSession *ss)
{
    GpiodevSocket *s = ss->s;

    trace_gpiodev_socket_disconnect(s->parent_obj.id, ss->id);
    QTAILQ_REMOVE(&s->sessions, ss, next);
    if (ss->read_tag) {
        g_source_remove(ss->read_tag);
    }
    if (ss->write_tag) {
        g_source_remove(ss->write_tag);
    }
    gpiodev_client_cleanup(&ss->client);
    qemu_bh_delete(ss->flush_bh);
    timer_free(ss->flush_timer);
    qio_channel_close(ss->ioc, NULL);
    object_unref(OBJECT(ss->sioc));
    gpio_request_reader_cleanup(&ss->reader);
    g_string_free(ss->out, true);
    g_free(ss);

    if (!s->server) {
        gpiodev_socket_arm_reconnect(s);
    }
}

static void gpio_session_take_lost(GpioSession *ss)
{
    if (ss->lost && !ss->closing) {
        gpio_format_overflow(ss->out, ss->lost);
        ss->lost = 0;
    }
}

static gboolean gpio_session_readable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque);
static gboolean gpio_session_writable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque);

/*
 * Read requests only while their replies can be queued: a client that
 * does not read what we send cannot make us hold more than its
 * queue limit, plus the replies to one read's worth of requests.
 */
static void gpio_session_update_watches(GpioSession *ss)
{
    bool want_read = !ss->closing && !ss->eof && !gpio_session_full(ss);
    bool want_write = gpio_session_queued(ss) > 0;

    if (want_read && !ss->read_tag) {
        ss->read_tag = qio_channel_add_watch(ss->ioc, G_IO_IN | G_IO_HUP,
                                             gpio_session_readable, ss, NULL);
    } else if (!want_read && ss->read_tag) {
        g_source_remove(ss->read_tag);
        ss->read_tag = 0;
    }
    if (want_write && !ss->write_tag) {
        ss->write_tag = qio_channel_add_watch(ss->ioc, G_IO_OUT,
                                              gpio_session_writable, ss,
                                              NULL);
    } else if (!want_write && ss->write_tag) {
        g_source_remove(ss->write_tag);
        ss->write_tag = 0;
    }
}

/* Write what we can without blocking; false if the session was closed. */
static bool gpio_session_flush(GpioSession *ss)
{
    for (;;) {
        ssize_t n;

        if (!gpio_session_queued(ss)) {
            g_string_truncate(ss->out, 0);
            ss->out_sent = 0;
            gpio_session_take_lost(ss);
            if (!gpio_session_queued(ss)) {
                return true;
            }
        }
        n = qio_channel_write(ss->ioc, ss->out->str + ss->out_sent,
                              gpio_session_queued(ss), NULL);
        if (n == QIO_CHANNEL_ERR_BLOCK) {
            return true;
        }
        if (n < 0) {
            gpio_session_close(ss);
            return false;
        }
        ss->out_sent += n;
    }
}

/*
 * Execute the requests received, as far as the queue allows, and send
 * what can be sent.  Every I/O callback ends here.
 */
static void gpio_session_process(GpioSession *ss)
{
    ss->flush_pending = false;
    ss->last_flush_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    ss->last_batch_events = ss->batch_events;
    ss->batch_events = 0;
    /*
     * Until the requests received run out or the queue stays full: a
     * flush that empties a full queue lets the next requests run.
     */
    do {
        while (!ss->closing && !gpio_session_full(ss) &&
               gpio_request_reader_run(&ss->reader, &ss->client, ss->out,
                                       &ss->closing)) {
            /* One request at a time, so that a full queue stops us. */
        }
        if (!gpio_session_flush(ss)) {
            return;
        }
    } while (!ss->closing && !gpio_session_full(ss) &&
             gpio_request_reader_ready(&ss->reader));
    if ((ss->closing || ss->eof) && !gpio_session_queued(ss)) {
        gpio_session_close(ss);
        return;
    }
    gpio_session_update_watches(ss);
}

static gboolean gpio_session_writable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque)
{
    GpioSession *ss = opaque;

    ss->write_tag = 0;
    gpio_session_process(ss);
    return G_SOURCE_REMOVE;
}

static void gpio_session_flush_bh(void *opaque)
{
    gpio_session_process(opaque);
}

/*
 * Compact the buffer now and then so that a client that always has a
 * little queued does not make it grow without bound.
 */
static void gpio_session_compact(GpioSession *ss)
{
    if (ss->out_sent > 64 * KiB && ss->out_sent > ss->out->len / 2) {
        g_string_erase(ss->out, 0, ss->out_sent);
        ss->out_sent = 0;
    }
}

/*
 * Flush soon: right away after a quiet spell (the last flush carried at
 * most one event) or if the last flush is long enough ago, else when it
 * will be, so that a burst of edges becomes a few writes.
 */
static void gpio_session_schedule_flush(GpioSession *ss)
{
    int64_t next = ss->last_flush_ns + GPIODEV_SOCKET_FLUSH_INTERVAL_NS;

    ss->batch_events++;
    if (ss->flush_pending) {
        return;
    }
    ss->flush_pending = true;
    if (ss->last_batch_events <= 1 ||
        qemu_clock_get_ns(QEMU_CLOCK_REALTIME) >= next) {
        qemu_bh_schedule(ss->flush_bh);
    } else {
        timer_mod(ss->flush_timer, next);
    }
}

static void gpio_session_event(GpiodevClient *client,
                               const GpiodevEvent *ev)
{
    GpioSession *ss = container_of(client, GpioSession, client);
    Gpiodev *gd = client->gpiodev;

    if (ss->closing) {
        return;
    }
    if (gpio_session_full(ss)) {
        ss->lost++;
        trace_gpiodev_socket_event_lost(gd->id, ss->id, ss->lost);
        return;
    }
    gpio_session_compact(ss);
    /* Say what was lost before what came after it. */
    gpio_session_take_lost(ss);
    trace_gpiodev_socket_event(gd->id, ss->id, ev->offset, ev->kind);
    if (ss->s->event_text_id != ev->id) {
        g_string_truncate(ss->s->event_text, 0);
        gpio_format_event(ss->s->event_text, gd, ev);
        ss->s->event_text_id = ev->id;
    }
    g_string_append_len(ss->out, ss->s->event_text->str,
                        ss->s->event_text->len);
    gpio_session_schedule_flush(ss);
}

static const GpiodevClientOps gpio_session_ops = {
    .event = gpio_session_event,
};

static gboolean gpio_session_readable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque)
{
    GpioSession *ss = opaque;
    char buf[4096];
    ssize_t n;

    n = qio_channel_read(ss->ioc, buf, sizeof(buf), NULL);
    if (n == QIO_CHANNEL_ERR_BLOCK) {
        return G_SOURCE_CONTINUE;
    }
    if (n < 0) {
        gpio_session_close(ss);
        return G_SOURCE_REMOVE;
    }
    if (n == 0) {
        /* Answer what came before; an unterminated last line is dropped. */
        ss->eof = true;
    } else {
        gpio_request_reader_push(&ss->reader, buf, n);
    }
    /*
     * This may close the session or remove this watch; either way GLib
     * copes with a source removed from its own callback.
     */
    gpio_session_process(ss);
    return G_SOURCE_CONTINUE;
}

/* Sessions */

static bool gpiodev_socket_peer_allowed(QIOChannelSocket *sioc)
{
#ifdef SO_PEERCRED
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (sioc->remoteAddr.ss_family != AF_UNIX) {
        return true;
    }
    if (getsockopt(sioc->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        return false;
    }
    return cred.uid == geteuid() || cred.uid == 0;
#else
    return true;
#endif
}

static void gpiodev_socket_add_session(GpiodevSocket *s,
                                       QIOChannelSocket *sioc)
{
    GpioSession *ss = g_new0(GpioSession, 1);
    g_autofree char *consumer = NULL;

    ss->s = s;
    ss->id = s->next_session_id++;
    ss->sioc = sioc;
    object_ref(OBJECT(sioc));
    ss->ioc = QIO_CHANNEL(sioc);
    qio_channel_set_name(ss->ioc, "gpiodev-socket");
    qio_channel_set_blocking(ss->ioc, false, NULL);
    ss->flush_bh = qemu_bh_new(gpio_session_flush_bh, ss);
    ss->flush_timer = timer_new_ns(QEMU_CLOCK_REALTIME,
                                   gpio_session_flush_bh, ss);
    ss->out = g_string_sized_new(256);
    gpio_request_reader_init(&ss->reader);
    gpiodev_client_init(&ss->client, &s->parent_obj, &gpio_session_ops);
    /* Until it names itself, a client is known by its number. */
    consumer = g_strdup_printf("client%u", ss->id);
    gpiodev_client_set_consumer(&ss->client, consumer);
    QTAILQ_INSERT_TAIL(&s->sessions, ss, next);
    trace_gpiodev_socket_connect(s->parent_obj.id, ss->id);

    gpio_format_greeting(ss->out);
    gpio_session_process(ss);
}

static void gpiodev_socket_accept(QIONetListener *listener,
                                  QIOChannelSocket *sioc, void *opaque)
{
    GpiodevSocket *s = opaque;

    if (!gpiodev_socket_peer_allowed(sioc)) {
        trace_gpiodev_socket_refused(s->parent_obj.id);
        return;
    }
    gpiodev_socket_add_session(s, sioc);
}

/* Client mode */

static void gpiodev_socket_connect(GpiodevSocket *s);

static gboolean gpiodev_socket_reconnect_timer(gpointer opaque)
{
    GpiodevSocket *s = opaque;

    s->reconnect_tag = 0;
    gpiodev_socket_connect(s);
    return G_SOURCE_REMOVE;
}

static void gpiodev_socket_arm_reconnect(GpiodevSocket *s)
{
    if (s->reconnect_ms && !s->reconnect_tag) {
        s->reconnect_tag = g_timeout_add(s->reconnect_ms,
                                         gpiodev_socket_reconnect_timer, s);
    }
}

static void gpiodev_socket_connected(QIOTask *task, gpointer opaque)
{
    GpiodevSocket *s = opaque;
    QIOChannelSocket *sioc = QIO_CHANNEL_SOCKET(qio_task_get_source(task));
    Error *err = NULL;

    s->connecting = false;
    if (qio_task_propagate_error(task, &err)) {
        trace_gpiodev_socket_connect_failed(s->parent_obj.id,
                                            error_get_pretty(err));
        error_free(err);
        gpiodev_socket_arm_reconnect(s);
    } else {
        gpiodev_socket_add_session(s, sioc);
    }
    /* The task held the only other reference. */
    object_unref(OBJECT(s));
}

static void gpiodev_socket_connect(GpiodevSocket *s)
{
    QIOChannelSocket *sioc = qio_channel_socket_new();

    s->connecting = true;
    /* Keep @s alive until the connection attempt ends. */
    object_ref(OBJECT(s));
    qio_channel_socket_connect_async(sioc, s->addr, gpiodev_socket_connected,
                                     s, NULL, NULL);
    object_unref(OBJECT(sioc));
}

/* Server mode */

/*
 * A unix socket file left behind by a QEMU that died is replaced, but
 * one that a live server still accepts on is not taken over.  Only a
 * refused connection proves the file stale: any other failure (another
 * user's socket, a full backlog) leaves it alone.
 */
static bool gpiodev_socket_check_unix_path(const char *path, Error **errp)
{
    struct stat st;
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd, ret, err;

    if (lstat(path, &st) < 0) {
        return true;
    }
    if (!S_ISSOCK(st.st_mode)) {
        error_setg(errp, "'%s' exists and is not a socket", path);
        return false;
    }
    if (strlen(path) >= sizeof(un.sun_path)) {
        return true;
    }
    pstrcpy(un.sun_path, sizeof(un.sun_path), path);
    fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        return true;
    }
    /* A live server with a full backlog must not hang our start-up. */
    qemu_socket_set_nonblock(fd);
    ret = connect(fd, (struct sockaddr *)&un, sizeof(un));
    err = errno;
    close(fd);
    if (ret == 0) {
        error_setg(errp, "'%s' is in use by another server", path);
        return false;
    }
    if (err != ECONNREFUSED) {
        error_setg_errno(errp, err, "cannot tell whether '%s' is in use",
                         path);
        return false;
    }
    return true;
}

static bool gpiodev_socket_listen(GpiodevSocket *s, Error **errp)
{
    const char *path = NULL;

    if (s->addr->type == SOCKET_ADDRESS_TYPE_UNIX &&
        !(s->addr->u.q_unix.has_abstract && s->addr->u.q_unix.abstract)) {
        path = s->addr->u.q_unix.path;
        if (!gpiodev_socket_check_unix_path(path, errp)) {
            return false;
        }
    }

    s->listener = qio_net_listener_new();
    qio_net_listener_set_name(s->listener, "gpiodev-socket-listener");
    if (qio_net_listener_open_sync(s->listener, s->addr, 16, errp) < 0) {
        return false;
    }
    if (path) {
        /* Only the user running QEMU may drive the machine's pins. */
        if (chmod(path, 0600) < 0) {
            error_setg_errno(errp, errno, "cannot restrict '%s'", path);
            unlink(path);
            return false;
        }
        s->unix_path = g_strdup(path);
    }
    qio_net_listener_set_client_func(s->listener, gpiodev_socket_accept, s,
                                     NULL);
    return true;
}

static bool gpiodev_socket_open(Gpiodev *gd, GpiodevOptions *opts,
                                Error **errp)
{
    GpiodevSocket *s = GPIODEV_SOCKET(gd);
    GpiodevSocketOptions *so = &opts->u.socket;

    s->server = !so->has_server || so->server;
    s->reconnect_ms = so->has_reconnect_ms ? so->reconnect_ms : 0;
    s->queue_limit = so->has_queue_limit ? so->queue_limit
                                         : GPIODEV_SOCKET_DEFAULT_QUEUE_LIMIT;
    if (s->server && so->has_reconnect_ms) {
        error_setg(errp, "'reconnect-ms' is only for server=off");
        return false;
    }
    if (s->queue_limit < GPIO_PROTOCOL_MAX_LINE) {
        error_setg(errp, "'queue-limit' must be at least %d bytes",
                   GPIO_PROTOCOL_MAX_LINE);
        return false;
    }
    s->addr = QAPI_CLONE(SocketAddress, so->addr);

    if (s->server) {
        return gpiodev_socket_listen(s, errp);
    }

    /* The first connection is made at once so that errors show now. */
    {
        QIOChannelSocket *sioc = qio_channel_socket_new();
        Error *err = NULL;

        if (qio_channel_socket_connect_sync(sioc, s->addr, &err) < 0) {
            object_unref(OBJECT(sioc));
            if (!s->reconnect_ms) {
                error_propagate(errp, err);
                return false;
            }
            trace_gpiodev_socket_connect_failed(gd->id,
                                                error_get_pretty(err));
            error_free(err);
            gpiodev_socket_arm_reconnect(s);
            return true;
        }
        gpiodev_socket_add_session(s, sioc);
        object_unref(OBJECT(sioc));
    }
    return true;
}

static void gpiodev_socket_init(Object *obj)
{
    GpiodevSocket *s = GPIODEV_SOCKET(obj);

    QTAILQ_INIT(&s->sessions);
    s->event_text = g_string_sized_new(256);
}

static void gpiodev_socket_finalize(Object *obj)
{
    GpiodevSocket *s = GPIODEV_SOCKET(obj);
    GpioSession *ss;

    /* Not reconnecting from gpio_session_close() any more. */
    s->reconnect_ms = 0;
    while ((ss = QTAILQ_FIRST(&s->sessions))) {
        gpio_session_close(ss);
    }
    if (s->reconnect_tag) {
        g_source_remove(s->reconnect_tag);
    }
    if (s->listener) {
        qio_net_listener_disconnect(s->listener);
        object_unref(OBJECT(s->listener));
    }
    if (s->unix_path) {
        unlink(s->unix_path);
        g_free(s->unix_path);
    }
    qapi_free_SocketAddress(s->addr);
    g_string_free(s->event_text, true);
}

static void gpiodev_socket_query(Gpiodev *gd, GpiodevInfo *info)
{
    GpiodevSocket *s = GPIODEV_SOCKET(gd);

    info->addr = QAPI_CLONE(SocketAddress, s->addr);
}

static void gpiodev_socket_class_init(ObjectClass *oc, void *data)
{
    GpiodevClass *gc = GPIODEV_CLASS(oc);

    gc->open = gpiodev_socket_open;
    gc->query = gpiodev_socket_query;
}

static const TypeInfo gpiodev_socket_info = {
    .name = TYPE_GPIODEV_SOCKET,
    .parent = TYPE_GPIODEV,
    .instance_size = sizeof(GpiodevSocket),
    .instance_init = gpiodev_socket_init,
    .instance_finalize = gpiodev_socket_finalize,
    .class_init = gpiodev_socket_class_init,
};

static void gpiodev_socket_register_types(void)
{
    type_register_static(&gpiodev_socket_info);
}

type_init(gpiodev_socket_register_types);

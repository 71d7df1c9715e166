/*
 * gpiodev socket backend: serve a GPIO controller's lines over a stream
 * socket, in the line-based text protocol of docs/interop/gpiodev-protocol.rst.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <grp.h>
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/event_notifier.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/clone-visitor.h"
#include "qapi/qapi-visit-sockets.h"
#include "qom/object_interfaces.h"
#include "crypto/tlscreds.h"
#include "io/channel-socket.h"
#include "io/channel-tls.h"
#include "io/net-listener.h"
#include "gpiodev/gpiodev.h"
#include "gpiodev-protocol.h"
#include "trace.h"

OBJECT_DECLARE_SIMPLE_TYPE(GpiodevSocket, GPIODEV_SOCKET)

#define GPIODEV_SOCKET_DEFAULT_QUEUE_LIMIT (1 * MiB)
/* Each client costs a thread and up to its queue limit. */
#define GPIODEV_SOCKET_DEFAULT_MAX_CLIENTS 64
/*
 * Events are written at once, except in a burst: then not more often
 * than this, so that a guest toggling a line as fast as it can does not
 * wake the writer for every edge.  A burst's events still leave within
 * a millisecond, timestamps intact.
 */
#define GPIODEV_SOCKET_FLUSH_INTERVAL_NS (1 * SCALE_MS)

typedef struct GpioSession GpioSession;

struct GpiodevSocket {
    Gpiodev parent_obj;

    SocketAddress *addr;
    bool server;
    uint32_t reconnect_ms;
    uint64_t queue_limit;
    uint32_t max_clients;
    QCryptoTLSCreds *tls_creds;
    char *tls_authz;
    /* Clients connected or in their TLS handshake, for max_clients. */
    unsigned nclients;
    /* In client mode: a failure to connect was reported already. */
    bool connect_error_reported;

    QIONetListener *listener;
    /* The unix socket file's permissions and group (-1: QEMU's). */
    mode_t unix_mode;
    gid_t unix_gid;
    /*
     * The unix socket file we created, removed when we go if it is
     * still the one: same device and inode.
     */
    char *unix_path;
    dev_t unix_dev;
    ino_t unix_ino;
    guint reconnect_tag;
    bool connecting;
    /* Going away: no new connection, no reconnection. */
    bool closed;
    GpioEdgePrefixes edge_prefixes;
    unsigned next_session_id;
    QTAILQ_HEAD(, GpioSession) sessions;
};

/*
 * Output handed to a session's writer: text (replies), and events to
 * be formatted into it.  An event at position @at goes before text[at].
 */
typedef struct GpioOutput {
    GString *text;
    GArray *events;
    /* events[0] to events[first - 1] were dropped (the oldest first). */
    guint first;
    /* Copies of the events' consumer names, which they point to. */
    GPtrArray *strings;
    /*
     * What it counts for in GpioSession.queued: its text, and for each
     * event the longest it can be once formatted.
     */
    size_t cost;
} GpioOutput;

typedef struct GpioQueuedEvent {
    size_t at;
    /* Events dropped just before this one: an overflow notice first. */
    uint64_t lost_before;
    GpiodevEvent ev;
} GpioQueuedEvent;

#define GPIO_SESSION_STAGED_EVENTS 8

/*
 * A client connection.  Requests are read and executed in the main
 * loop.  Replies and events go through one output queue, written by
 * the main loop when nothing is queued ahead of them, and otherwise
 * (a burst of edges, a client that reads slowly) by the session's
 * writer thread: the vCPU that causes an event only queues it, and
 * formatting and writing a burst take neither its time nor the BQL.
 */
struct GpioSession {
    GpiodevClient client;
    GpiodevSocket *s;
    unsigned id;
    /* The socket, and what the protocol goes through: it, or TLS on it. */
    QIOChannelSocket *sioc;
    QIOChannel *ioc;
    /*
     * Taken around each read and write of @ioc: the main loop reads
     * while the writer writes, which a TLS session must not see.
     */
    QemuMutex io_lock;
    guint read_tag;
    GpioRequestReader reader;
    /*
     * Replies built and not yet handed to the output: those of the
     * requests executed in one go, which leave together.
     */
    GString *reply;
    /* Output formatted to be written from the main loop. */
    GString *direct;
    /* The client asked to close: close once everything is written. */
    bool closing;
    /* The client will send nothing more: answer, then close. */
    bool eof;
    QTAILQ_ENTRY(GpioSession) next;

    QemuThread writer;
    /* Wakes the writer: output after a quiet spell, or time to stop. */
    EventNotifier writer_wake;
    /*
     * Runs gpio_session_process(): an event to write, room again, all
     * written, or the connection broken.
     */
    QEMUBH *resume_bh;

    QemuMutex lock;
    /* Everything below is protected by @lock. */
    GpioOutput pending;
    /*
     * The newest events, not yet in @pending.events (and positioned
     * after them).  The writer's core reads that array, so a vCPU
     * storing one edge into it waits for a cache line to come back
     * before it can release a lock; copying several at once overlaps
     * those waits.
     */
    GpioQueuedEvent staged[GPIO_SESSION_STAGED_EVENTS];
    unsigned nstaged;
    /*
     * Bytes of output not yet written to the connection: the pending
     * output at its cost, and what the writer holds.
     */
    size_t queued;
    /* Events dropped since the client was last told. */
    uint64_t lost;
    /*
     * The last write: when it ended, and how many events it carried
     * (more than one makes the next wait for the flush interval).
     */
    int64_t last_write_ns;
    unsigned last_write_events;
    /* The writer waits for output and must be woken for it. */
    bool writer_idle;
    /* The main loop waits for everything to be written. */
    bool drain_wanted;
    bool stop;
    /* A write failed: the connection is gone. */
    bool broken;
};

static void gpiodev_socket_arm_reconnect(GpiodevSocket *s);
static void gpiodev_socket_drop_client(GpiodevSocket *s);
static void gpiodev_socket_report_connect_error(GpiodevSocket *s,
                                                Error *err);

static void gpio_output_init(GpioOutput *o)
{
    o->text = g_string_sized_new(4096);
    o->events = g_array_new(false, false, sizeof(GpioQueuedEvent));
    o->strings = g_ptr_array_new_with_free_func(g_free);
    o->cost = 0;
}

static void gpio_output_clear(GpioOutput *o)
{
    g_string_truncate(o->text, 0);
    g_array_set_size(o->events, 0);
    o->first = 0;
    g_ptr_array_set_size(o->strings, 0);
    o->cost = 0;
}

static void gpio_output_cleanup(GpioOutput *o)
{
    g_string_free(o->text, true);
    g_array_free(o->events, true);
    g_ptr_array_free(o->strings, true);
}

/* Output, with @lock held */

static bool gpio_session_full_locked(GpioSession *ss)
{
    return ss->queued >= ss->s->queue_limit;
}

static void gpio_session_add_cost_locked(GpioSession *ss, size_t cost)
{
    ss->pending.cost += cost;
    ss->queued += cost;
}

static void gpio_session_unstage_locked(GpioSession *ss)
{
    g_array_append_vals(ss->pending.events, ss->staged, ss->nstaged);
    ss->nstaged = 0;
}

/* Say what was lost before what comes after it. */
static void gpio_session_report_lost_locked(GpioSession *ss)
{
    size_t len = ss->pending.text->len;

    gpio_format_overflow(ss->pending.text, ss->lost);
    gpio_session_add_cost_locked(ss, ss->pending.text->len - len);
    ss->lost = 0;
}

/* Whether the writer must be woken for what was just queued. */
static bool gpio_session_take_writer_idle_locked(GpioSession *ss)
{
    bool idle = ss->writer_idle;

    ss->writer_idle = false;
    return idle;
}

/*
 * Writing changes @queued by @delta.  Tell the main loop when that
 * makes room for requests or completes a wanted drain.
 */
static void gpio_session_account_locked(GpioSession *ss, ssize_t delta)
{
    bool was_full = gpio_session_full_locked(ss);

    ss->queued += delta;
    if (!ss->queued && ss->lost) {
        gpio_session_report_lost_locked(ss);
    }
    if ((was_full && !gpio_session_full_locked(ss)) ||
        (!ss->queued && ss->drain_wanted)) {
        ss->drain_wanted = false;
        qemu_bh_schedule(ss->resume_bh);
    }
}

/* Whether the last write was part of a burst, and when the next may go. */
static int64_t gpio_session_next_write_locked(GpioSession *ss)
{
    if (ss->last_write_events <= 1) {
        return 0;
    }
    return ss->last_write_ns + GPIODEV_SOCKET_FLUSH_INTERVAL_NS;
}

/* Format @o, its events into the text where they belong, onto @out. */
static void gpio_output_format(const GpioOutput *o, GString *out,
                               const GpioEdgePrefixes *prefixes)
{
    size_t from = 0;

    for (guint i = o->first; i < o->events->len; i++) {
        GpioQueuedEvent *e = &g_array_index(o->events, GpioQueuedEvent, i);

        g_string_append_len(out, o->text->str + from, e->at - from);
        if (e->lost_before) {
            gpio_format_overflow(out, e->lost_before);
        }
        gpio_format_event(out, prefixes, &e->ev);
        from = e->at;
    }
    g_string_append_len(out, o->text->str + from, o->text->len - from);
}

/* The writer thread */

typedef struct GpioWriter {
    GpioSession *ss;
    /* What it took from the pending output. */
    GpioOutput taken;
    /* Formatted, and not yet written past @sent. */
    GString *out;
    size_t sent;
} GpioWriter;

static ssize_t gpio_session_io_write(GpioSession *ss, const char *buf,
                                     size_t len)
{
    ssize_t n;

    qemu_mutex_lock(&ss->io_lock);
    n = qio_channel_write(ss->ioc, buf, len, NULL);
    qemu_mutex_unlock(&ss->io_lock);
    return n;
}

/* Sleep until woken or for @timeout_ns (-1: no limit). */
static void gpio_writer_sleep(GpioSession *ss, int64_t timeout_ns,
                              bool want_writable)
{
    GPollFD fds[2] = {
        { .fd = event_notifier_get_fd(&ss->writer_wake), .events = G_IO_IN },
        { .fd = ss->sioc->fd, .events = G_IO_OUT },
    };

    qemu_poll_ns(fds, want_writable ? 2 : 1, timeout_ns);
    event_notifier_test_and_clear(&ss->writer_wake);
}

/*
 * Wait until there is output and the burst rule lets it go, and take
 * it.  False when the session stops.
 */
static bool gpio_writer_take(GpioWriter *w)
{
    GpioSession *ss = w->ss;
    GpioOutput swap;

    for (;;) {
        int64_t now, next;

        qemu_mutex_lock(&ss->lock);
        if (ss->stop) {
            qemu_mutex_unlock(&ss->lock);
            return false;
        }
        if (ss->broken || !ss->pending.cost) {
            ss->writer_idle = !ss->broken;
            qemu_mutex_unlock(&ss->lock);
            gpio_writer_sleep(ss, -1, false);
            continue;
        }
        now = get_clock();
        next = gpio_session_next_write_locked(ss);
        if (now < next) {
            qemu_mutex_unlock(&ss->lock);
            gpio_writer_sleep(ss, next - now, false);
            continue;
        }
        gpio_session_unstage_locked(ss);
        swap = ss->pending;
        ss->pending = w->taken;
        w->taken = swap;
        ss->last_write_events = w->taken.events->len;
        qemu_mutex_unlock(&ss->lock);
        return true;
    }
}

static void gpio_writer_format(GpioWriter *w)
{
    size_t len = w->out->len;

    gpio_output_format(&w->taken, w->out, &w->ss->s->edge_prefixes);
    qemu_mutex_lock(&w->ss->lock);
    gpio_session_account_locked(w->ss, (ssize_t)(w->out->len - len) -
                                       (ssize_t)w->taken.cost);
    qemu_mutex_unlock(&w->ss->lock);
    gpio_output_clear(&w->taken);
}

/* Write everything formatted; false if the session stops or breaks. */
static bool gpio_writer_write(GpioWriter *w)
{
    GpioSession *ss = w->ss;

    while (w->sent < w->out->len) {
        ssize_t n = gpio_session_io_write(ss, w->out->str + w->sent,
                                          w->out->len - w->sent);
        bool stop;

        if (n == QIO_CHANNEL_ERR_BLOCK) {
            gpio_writer_sleep(ss, -1, true);
            qemu_mutex_lock(&ss->lock);
            stop = ss->stop;
            qemu_mutex_unlock(&ss->lock);
            if (stop) {
                return false;
            }
            continue;
        }
        qemu_mutex_lock(&ss->lock);
        if (n < 0) {
            ss->broken = true;
            qemu_bh_schedule(ss->resume_bh);
        } else {
            w->sent += n;
            ss->last_write_ns = get_clock();
            gpio_session_account_locked(ss, -n);
        }
        qemu_mutex_unlock(&ss->lock);
        if (n < 0) {
            return false;
        }
    }
    g_string_truncate(w->out, 0);
    w->sent = 0;
    return true;
}

static void *gpio_session_writer(void *opaque)
{
    GpioWriter w = { .ss = opaque, .out = g_string_sized_new(4096) };

    gpio_output_init(&w.taken);
    while (gpio_writer_take(&w)) {
        gpio_writer_format(&w);
        if (!gpio_writer_write(&w)) {
            break;
        }
    }
    /* After a failed write, wait to be stopped. */
    while (gpio_writer_take(&w)) {
        gpio_output_clear(&w.taken);
    }
    gpio_output_cleanup(&w.taken);
    g_string_free(w.out, true);
    return NULL;
}

/* Output from the main loop or a vCPU, with the BQL held */

/*
 * Write the pending output from here when the writer holds none:
 * nothing must go before it then, and a reply or an isolated event
 * leaves without waking another thread.  What the connection does
 * not take at once is left to the writer.  Returns whether the writer
 * must be woken.
 */
static bool gpio_session_write_now_locked(GpioSession *ss)
{
    GpioOutput *o = &ss->pending;
    GString *out = ss->direct;
    ssize_t n;

    if (!o->cost) {
        return false;
    }
    if (ss->broken || ss->queued != o->cost) {
        return !ss->broken && gpio_session_take_writer_idle_locked(ss);
    }
    g_string_truncate(out, 0);
    gpio_session_unstage_locked(ss);
    gpio_output_format(o, out, &ss->s->edge_prefixes);
    gpio_session_account_locked(ss, (ssize_t)out->len - (ssize_t)o->cost);
    ss->last_write_events = o->events->len;
    gpio_output_clear(o);
    n = gpio_session_io_write(ss, out->str, out->len);
    if (n == QIO_CHANNEL_ERR_BLOCK) {
        n = 0;
    } else if (n < 0) {
        ss->broken = true;
        qemu_bh_schedule(ss->resume_bh);
        return false;
    }
    ss->last_write_ns = get_clock();
    gpio_session_account_locked(ss, -n);
    if (n < out->len) {
        /* The rest, now plain text, goes to the writer. */
        g_string_append_len(o->text, out->str + n, out->len - n);
        o->cost = out->len - n;
    }
    if (out->allocated_len > 64 * KiB) {
        /* Only a burst needs that much: do not hold on to it. */
        g_string_free(out, true);
        ss->direct = g_string_sized_new(256);
    }
    /* That, or an overflow report now due. */
    return o->cost && gpio_session_take_writer_idle_locked(ss);
}

/* Hand the replies built in @reply to the output, in order. */
static void gpio_session_queue_reply_locked(GpioSession *ss)
{
    if (!ss->reply->len) {
        return;
    }
    g_string_append_len(ss->pending.text, ss->reply->str, ss->reply->len);
    gpio_session_add_cost_locked(ss, ss->reply->len);
    g_string_truncate(ss->reply, 0);
}

/* Send the replies built, and whatever pending output the main loop may. */
static void gpio_session_flush(GpioSession *ss)
{
    bool wake;

    qemu_mutex_lock(&ss->lock);
    gpio_session_queue_reply_locked(ss);
    wake = gpio_session_write_now_locked(ss);
    qemu_mutex_unlock(&ss->lock);
    if (wake) {
        event_notifier_set(&ss->writer_wake);
    }
}

/* What a queued event counts for in the queue. */
static size_t gpio_queued_event_cost(GpioSession *ss,
                                     const GpioQueuedEvent *e)
{
    return gpio_event_max_len(&ss->s->edge_prefixes, &e->ev) +
           (e->lost_before ? GPIO_OVERFLOW_MAX_LEN : 0);
}

/*
 * Make room in a full queue by dropping its oldest event not yet taken
 * by the writer, as Linux's line requests do: a client that falls
 * behind loses the past, not the present.  The count goes with the
 * next event, where the gap is (@carry if that is the one to come).
 * False if only replies and what the writer holds are queued.
 */
static bool gpio_session_drop_oldest_locked(GpioSession *ss,
                                            uint64_t *carry)
{
    GpioOutput *o = &ss->pending;
    GpioQueuedEvent *e, *next;
    size_t freed;

    gpio_session_unstage_locked(ss);
    if (o->first >= o->events->len) {
        return false;
    }
    e = &g_array_index(o->events, GpioQueuedEvent, o->first++);
    freed = gpio_queued_event_cost(ss, e);
    trace_gpiodev_socket_event_dropped(ss->s->parent_obj.id, ss->id,
                                       e->ev.offset);
    if (o->first < o->events->len) {
        next = &g_array_index(o->events, GpioQueuedEvent, o->first);
        if (!next->lost_before) {
            freed -= GPIO_OVERFLOW_MAX_LEN;
        }
        next->lost_before += e->lost_before + 1;
    } else {
        *carry = e->lost_before + 1;
    }
    o->cost -= freed;
    ss->queued -= freed;
    return true;
}

/*
 * Every event is queued as it is and formatted when it is written; an
 * event is self-contained but for its consumer name, which is copied.
 * @lost_before: events dropped just before it.
 */
static void gpio_session_queue_event_locked(GpioSession *ss,
                                            const GpiodevEvent *ev,
                                            uint64_t lost_before)
{
    GpioOutput *o = &ss->pending;
    GpioQueuedEvent *e;

    if (ss->nstaged == GPIO_SESSION_STAGED_EVENTS) {
        gpio_session_unstage_locked(ss);
    }
    e = &ss->staged[ss->nstaged++];
    e->at = o->text->len;
    e->lost_before = lost_before;
    e->ev = *ev;
    if (ev->consumer) {
        e->ev.consumer = g_strdup(ev->consumer);
        g_ptr_array_add(o->strings, (char *)e->ev.consumer);
    }
    gpio_session_add_cost_locked(ss, gpio_queued_event_cost(ss, e));
}

/*
 * An event after a quiet spell is written by the main loop at once;
 * the events of a burst are left to the writer, so that the vCPU
 * making them is not slowed down by the BQL being taken to flush them.
 */
static void gpio_session_event(GpiodevClient *client,
                               const GpiodevEvent *ev)
{
    GpioSession *ss = container_of(client, GpioSession, client);
    Gpiodev *gd = &ss->s->parent_obj;
    bool wake = false, flush = false;
    uint64_t carry = 0;

    if (ss->closing) {
        return;
    }
    qemu_mutex_lock(&ss->lock);
    if (ss->broken) {
        /* Closed as soon as the main loop gets to it. */
    } else if (gpio_session_full_locked(ss) &&
               !gpio_session_drop_oldest_locked(ss, &carry)) {
        /* Nothing older can go: this one does. */
        ss->lost++;
        trace_gpiodev_socket_event_lost(gd->id, ss->id, ss->lost);
    } else {
        bool quiet = !ss->queued && ss->last_write_events <= 1;

        /* The replies to the requests before the one causing this. */
        gpio_session_queue_reply_locked(ss);
        if (ss->lost) {
            gpio_session_report_lost_locked(ss);
        }
        trace_gpiodev_socket_event(gd->id, ss->id, ev->offset, ev->kind);
        gpio_session_queue_event_locked(ss, ev, carry);
        if (quiet) {
            flush = true;
        } else {
            wake = gpio_session_take_writer_idle_locked(ss);
        }
    }
    qemu_mutex_unlock(&ss->lock);
    if (flush) {
        qemu_bh_schedule(ss->resume_bh);
    }
    if (wake) {
        event_notifier_set(&ss->writer_wake);
    }
}

static void gpio_session_close(GpioSession *ss);

/* The backend goes: so does the connection. */
static void gpio_session_detach(GpiodevClient *client)
{
    gpio_session_close(container_of(client, GpioSession, client));
}

static const GpiodevClientOps gpio_session_ops = {
    .event = gpio_session_event,
    .detach = gpio_session_detach,
};

/* Requests, in the main loop */

static void gpio_session_close(GpioSession *ss)
{
    GpiodevSocket *s = ss->s;

    trace_gpiodev_socket_disconnect(s->parent_obj.id, ss->id);
    QTAILQ_REMOVE(&s->sessions, ss, next);
    if (ss->read_tag) {
        g_source_remove(ss->read_tag);
    }
    /*
     * No event can be queued for it any more.  What the writer still
     * formats points to line names of the core, which the backend keeps.
     */
    gpiodev_client_cleanup(&ss->client);

    qemu_mutex_lock(&ss->lock);
    ss->stop = true;
    qemu_mutex_unlock(&ss->lock);
    event_notifier_set(&ss->writer_wake);
    qemu_thread_join(&ss->writer);

    qemu_bh_delete(ss->resume_bh);
    event_notifier_cleanup(&ss->writer_wake);
    qemu_mutex_destroy(&ss->lock);
    qemu_mutex_destroy(&ss->io_lock);
    gpio_output_cleanup(&ss->pending);
    qio_channel_close(ss->ioc, NULL);
    object_unref(OBJECT(ss->ioc));
    object_unref(OBJECT(ss->sioc));
    gpio_request_reader_cleanup(&ss->reader);
    g_string_free(ss->reply, true);
    g_string_free(ss->direct, true);
    g_free(ss);

    s->nclients--;
    if (!s->server) {
        gpiodev_connection_changed(&s->parent_obj, false, NULL);
        if (!s->closed) {
            gpiodev_socket_arm_reconnect(s);
        }
    }
}

/* Counting the replies not handed to the output yet. */
static bool gpio_session_full(GpioSession *ss)
{
    bool full;

    qemu_mutex_lock(&ss->lock);
    full = ss->queued + ss->reply->len >= ss->s->queue_limit;
    qemu_mutex_unlock(&ss->lock);
    return full;
}

static bool gpio_session_broken(GpioSession *ss)
{
    bool broken;

    qemu_mutex_lock(&ss->lock);
    broken = ss->broken;
    qemu_mutex_unlock(&ss->lock);
    return broken;
}

/* Whether all output is written; if not, resume_bh runs once it is. */
static bool gpio_session_drained(GpioSession *ss)
{
    bool drained;

    qemu_mutex_lock(&ss->lock);
    drained = !ss->queued;
    ss->drain_wanted = !drained;
    qemu_mutex_unlock(&ss->lock);
    return drained;
}

/* Nothing follows the reply to quit, not even an overflow report. */
static void gpio_session_forget_lost(GpioSession *ss)
{
    qemu_mutex_lock(&ss->lock);
    ss->lost = 0;
    qemu_mutex_unlock(&ss->lock);
}

static gboolean gpio_session_readable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque);

/*
 * Read requests only while their replies can be queued: a client that
 * does not read what we send cannot make us hold more than its
 * queue limit, plus the replies to one read's worth of requests.
 */
static void gpio_session_update_watch(GpioSession *ss)
{
    bool want_read = !ss->closing && !ss->eof && !gpio_session_full(ss);

    if (want_read && !ss->read_tag) {
        ss->read_tag = qio_channel_add_watch(ss->ioc, G_IO_IN | G_IO_HUP,
                                             gpio_session_readable, ss, NULL);
    } else if (!want_read && ss->read_tag) {
        g_source_remove(ss->read_tag);
        ss->read_tag = 0;
    }
}

/*
 * Execute the requests received as far as the queue allows, and close
 * the session when it is over.  Every main-loop callback ends here.
 */
static void gpio_session_process(GpioSession *ss)
{
    if (gpio_session_broken(ss)) {
        gpio_session_close(ss);
        return;
    }
    /*
     * One request at a time, so that a full queue stops us; their
     * replies go out together.  Writing them may make room for the
     * requests already received.
     */
    do {
        while (!ss->closing && !gpio_session_full(ss) &&
               gpio_request_reader_run(&ss->reader, &ss->client, ss->reply,
                                       &ss->closing)) {
            if (ss->closing) {
                gpio_session_forget_lost(ss);
            }
        }
        gpio_session_flush(ss);
    } while (!ss->closing && !gpio_session_full(ss) &&
             gpio_request_reader_ready(&ss->reader));
    if ((ss->closing || ss->eof) && gpio_session_drained(ss)) {
        gpio_session_close(ss);
        return;
    }
    gpio_session_update_watch(ss);
}

static void gpio_session_resume_bh(void *opaque)
{
    gpio_session_process(opaque);
}

static gboolean gpio_session_readable(QIOChannel *ioc, GIOCondition cond,
                                      gpointer opaque)
{
    GpioSession *ss = opaque;
    char buf[4096];
    ssize_t n;

    qemu_mutex_lock(&ss->io_lock);
    n = qio_channel_read(ss->ioc, buf, sizeof(buf), NULL);
    qemu_mutex_unlock(&ss->io_lock);
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

static bool gpiodev_socket_peer_allowed(GpiodevSocket *s,
                                        QIOChannelSocket *sioc)
{
#ifdef SO_PEERCRED
    struct ucred cred;
    socklen_t len = sizeof(cred);

    /* A socket file open to others is open to them by their choice. */
    if (sioc->remoteAddr.ss_family != AF_UNIX || (s->unix_mode & 077)) {
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

/*
 * A client on @sioc, through @ioc (@sioc itself, or TLS on it), counted
 * in @s->nclients already.
 */
static void gpiodev_socket_add_session(GpiodevSocket *s,
                                       QIOChannelSocket *sioc,
                                       QIOChannel *ioc)
{
    GpioSession *ss = g_new0(GpioSession, 1);
    g_autofree char *consumer = NULL;
    int ret;

    ss->s = s;
    ss->id = s->next_session_id++;
    ret = event_notifier_init(&ss->writer_wake, false);
    if (ret < 0) {
        trace_gpiodev_socket_session_failed(s->parent_obj.id, ss->id,
                                            strerror(-ret));
        g_free(ss);
        gpiodev_socket_drop_client(s);
        return;
    }
    ss->sioc = sioc;
    object_ref(OBJECT(sioc));
    ss->ioc = ioc;
    object_ref(OBJECT(ioc));
    qemu_mutex_init(&ss->io_lock);
    qio_channel_set_name(QIO_CHANNEL(sioc), "gpiodev-socket");
    qio_channel_set_blocking(ss->ioc, false, NULL);
    ss->reply = g_string_sized_new(256);
    ss->direct = g_string_sized_new(256);
    gpio_request_reader_init(&ss->reader);
    /* Until it names itself, a client is known by its number. */
    consumer = g_strdup_printf("client%u", ss->id);
    gpiodev_client_init(&ss->client, s->parent_obj.core, &gpio_session_ops,
                        &s->parent_obj, consumer);
    QTAILQ_INSERT_TAIL(&s->sessions, ss, next);
    trace_gpiodev_socket_connect(s->parent_obj.id, ss->id);

    qemu_mutex_init(&ss->lock);
    gpio_output_init(&ss->pending);
    ss->resume_bh = qemu_bh_new(gpio_session_resume_bh, ss);
    qemu_thread_create(&ss->writer, "gpiodev-out", gpio_session_writer, ss,
                       QEMU_THREAD_JOINABLE);

    if (!s->server) {
        s->connect_error_reported = false;
        gpiodev_connection_changed(&s->parent_obj, true, s->addr);
    }
    gpio_format_greeting(ss->reply);
    gpio_session_process(ss);
}

/* A client that never became a session. */
static void gpiodev_socket_drop_client(GpiodevSocket *s)
{
    s->nclients--;
    if (!s->server) {
        gpiodev_socket_arm_reconnect(s);
    }
}

/* The host name a TLS client checks the server's certificate against. */
static const char *gpiodev_socket_host(SocketAddress *addr)
{
    return addr->type == SOCKET_ADDRESS_TYPE_INET ? addr->u.inet.host : NULL;
}

typedef struct GpiodevSocketHandshake {
    GpiodevSocket *s;
    QIOChannelSocket *sioc;
} GpiodevSocketHandshake;

static void gpiodev_socket_handshake_free(gpointer opaque)
{
    GpiodevSocketHandshake *hs = opaque;

    object_unref(OBJECT(hs->sioc));
    object_unref(OBJECT(hs->s));
    g_free(hs);
}

static void gpiodev_socket_handshake_done(QIOTask *task, gpointer opaque)
{
    GpiodevSocketHandshake *hs = opaque;
    GpiodevSocket *s = hs->s;
    QIOChannel *tioc = QIO_CHANNEL(qio_task_get_source(task));
    Error *err = NULL;

    if (qio_task_propagate_error(task, &err)) {
        trace_gpiodev_socket_tls_failed(s->parent_obj.id,
                                        error_get_pretty(err));
        if (!s->server) {
            gpiodev_socket_report_connect_error(s, err);
        }
        error_free(err);
        gpiodev_socket_drop_client(s);
    } else if (s->closed) {
        /* Deleted meanwhile: the connection is not wanted. */
        s->nclients--;
    } else {
        gpiodev_socket_add_session(s, hs->sioc, tioc);
    }
}

/* A client on @sioc, of @s->nclients: secure it first if asked to. */
static void gpiodev_socket_start_client(GpiodevSocket *s,
                                        QIOChannelSocket *sioc)
{
    QIOChannelTLS *tioc;
    GpiodevSocketHandshake *hs;
    Error *err = NULL;

    if (!s->tls_creds) {
        gpiodev_socket_add_session(s, sioc, QIO_CHANNEL(sioc));
        return;
    }
    if (s->server) {
        tioc = qio_channel_tls_new_server(QIO_CHANNEL(sioc), s->tls_creds,
                                          s->tls_authz, &err);
    } else {
        tioc = qio_channel_tls_new_client(QIO_CHANNEL(sioc), s->tls_creds,
                                          gpiodev_socket_host(s->addr),
                                          &err);
    }
    if (!tioc) {
        trace_gpiodev_socket_tls_failed(s->parent_obj.id,
                                        error_get_pretty(err));
        error_free(err);
        gpiodev_socket_drop_client(s);
        return;
    }
    qio_channel_set_name(QIO_CHANNEL(tioc), "gpiodev-socket-tls");
    hs = g_new0(GpiodevSocketHandshake, 1);
    hs->s = s;
    object_ref(OBJECT(s));
    hs->sioc = sioc;
    object_ref(OBJECT(sioc));
    qio_channel_tls_handshake(tioc, gpiodev_socket_handshake_done, hs,
                              gpiodev_socket_handshake_free, NULL);
    /* The handshake holds the channel until it is done. */
    object_unref(OBJECT(tioc));
}

/*
 * One client more than allowed is told so, not dropped in silence.  A
 * line this short fits any socket buffer: the write does not block.
 */
static void gpiodev_socket_refuse_busy(GpiodevSocket *s,
                                       QIOChannelSocket *sioc)
{
    g_autofree char *line = g_strdup_printf(
        "err busy the server is full (max-clients=%u)\n", s->max_clients);

    trace_gpiodev_socket_busy(s->parent_obj.id, s->max_clients);
    qio_channel_set_blocking(QIO_CHANNEL(sioc), false, NULL);
    if (s->tls_creds) {
        /* Plain text would break the client's TLS handshake. */
        return;
    }
    qio_channel_write(QIO_CHANNEL(sioc), line, strlen(line), NULL);
}

static void gpiodev_socket_accept(QIONetListener *listener,
                                  QIOChannelSocket *sioc, void *opaque)
{
    GpiodevSocket *s = opaque;

    if (!gpiodev_socket_peer_allowed(s, sioc)) {
        trace_gpiodev_socket_refused(s->parent_obj.id);
        return;
    }
    if (s->nclients >= s->max_clients) {
        gpiodev_socket_refuse_busy(s, sioc);
        return;
    }
    s->nclients++;
    gpiodev_socket_start_client(s, sioc);
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

/* The first failure after start-up or after a connection, not each retry. */
static void gpiodev_socket_report_connect_error(GpiodevSocket *s,
                                                Error *err)
{
    trace_gpiodev_socket_connect_failed(s->parent_obj.id,
                                        error_get_pretty(err));
    if (!s->connect_error_reported) {
        error_report("gpiodev '%s': %s", s->parent_obj.id,
                     error_get_pretty(err));
        s->connect_error_reported = true;
    }
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
    if (s->closed) {
        /* Deleted while connecting: the connection is not wanted. */
    } else if (qio_task_propagate_error(task, &err)) {
        gpiodev_socket_report_connect_error(s, err);
        error_free(err);
        gpiodev_socket_arm_reconnect(s);
    } else {
        s->nclients++;
        gpiodev_socket_start_client(s, sioc);
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

/* A unix socket with a file (not abstract). */
static bool gpiodev_socket_is_path(SocketAddress *addr)
{
    return addr->type == SOCKET_ADDRESS_TYPE_UNIX &&
           !(addr->u.q_unix.has_abstract && addr->u.q_unix.abstract);
}

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

#ifdef CONFIG_POSIX
static const int gpiodev_termination_signals[] = { SIGINT, SIGHUP, SIGTERM };
static QEMUBH *gpiodev_termination_bh;

static void gpiodev_termination_sigset(sigset_t *set)
{
    sigemptyset(set);
    for (int i = 0; i < ARRAY_SIZE(gpiodev_termination_signals); i++) {
        sigaddset(set, gpiodev_termination_signals[i]);
    }
}

static void gpiodev_allow_termination(void *opaque)
{
    sigset_t set;

    gpiodev_termination_sigset(&set);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    qemu_bh_delete(gpiodev_termination_bh);
}

/*
 * -gpiodev sockets are created before QEMU installs its handlers for
 * the termination signals, and until then such a signal would end QEMU
 * without its exit notifiers, leaving the socket file behind.  The
 * main thread, the only one that takes them, holds them off until the
 * main loop runs: they then end QEMU the usual way.
 */
static void gpiodev_defer_early_termination(void)
{
    struct sigaction sa;
    sigset_t set;

    if (gpiodev_termination_bh || sigaction(SIGTERM, NULL, &sa) < 0 ||
        sa.sa_handler != SIG_DFL) {
        return;
    }
    gpiodev_termination_sigset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    gpiodev_termination_bh = qemu_bh_new(gpiodev_allow_termination, NULL);
    qemu_bh_schedule(gpiodev_termination_bh);
}
#else
static void gpiodev_defer_early_termination(void)
{
}
#endif

/*
 * The socket file gets its permissions and group before listen(): until
 * then a connection is refused, so none is made through wider ones.
 */
static bool gpiodev_socket_listen_path(GpiodevSocket *s, const char *path,
                                       Error **errp)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    QIOChannelSocket *sioc;
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(un.sun_path)) {
        error_setg(errp, "unix socket path '%s' is too long", path);
        return false;
    }
    pstrcpy(un.sun_path, sizeof(un.sun_path), path);
    fd = qemu_socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot create a unix socket");
        return false;
    }
    /* gpiodev_socket_check_unix_path() found no file, or a stale one. */
    unlink(path);
    gpiodev_defer_early_termination();
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        error_setg_errno(errp, errno, "cannot bind to '%s'", path);
        close(fd);
        return false;
    }
    if (chmod(path, s->unix_mode) < 0 ||
        (s->unix_gid != (gid_t)-1 && chown(path, -1, s->unix_gid) < 0)) {
        error_setg_errno(errp, errno, "cannot set the permissions of '%s'",
                         path);
        goto fail;
    }
    if (lstat(path, &st) < 0 || listen(fd, 16) < 0) {
        error_setg_errno(errp, errno, "cannot listen on '%s'", path);
        goto fail;
    }
    sioc = qio_channel_socket_new_fd(fd, errp);
    if (!sioc) {
        goto fail;
    }
    qio_net_listener_add(s->listener, sioc);
    object_unref(OBJECT(sioc));
    s->unix_path = g_strdup(path);
    s->unix_dev = st.st_dev;
    s->unix_ino = st.st_ino;
    return true;

fail:
    close(fd);
    unlink(path);
    return false;
}

/* Remove the socket file, unless something else took its place. */
static void gpiodev_socket_remove_path(GpiodevSocket *s)
{
    struct stat st;

    if (lstat(s->unix_path, &st) == 0 && st.st_dev == s->unix_dev &&
        st.st_ino == s->unix_ino) {
        unlink(s->unix_path);
    }
}

static bool gpiodev_socket_listen(GpiodevSocket *s, Error **errp)
{
    s->listener = qio_net_listener_new();
    qio_net_listener_set_name(s->listener, "gpiodev-socket-listener");
    if (gpiodev_socket_is_path(s->addr)) {
        const char *path = s->addr->u.q_unix.path;

        if (!gpiodev_socket_check_unix_path(path, errp) ||
            !gpiodev_socket_listen_path(s, path, errp)) {
            return false;
        }
    } else if (qio_net_listener_open_sync(s->listener, s->addr, 16,
                                          errp) < 0) {
        return false;
    }
    qio_net_listener_set_client_func(s->listener, gpiodev_socket_accept, s,
                                     NULL);
    return true;
}

/* The file permissions and group given as options. */
static bool gpiodev_socket_parse_file_options(GpiodevSocket *s,
                                              GpiodevSocketOptions *so,
                                              Error **errp)
{
    uint64_t mode = 0600;
    struct group *gr;
    uint64_t gid;

    s->unix_gid = -1;
    if ((so->mode || so->group) &&
        (!s->server || !gpiodev_socket_is_path(s->addr))) {
        error_setg(errp, "'mode' and 'group' are only for a unix socket "
                   "path in server mode");
        return false;
    }
    if (so->mode && (qemu_strtou64(so->mode, NULL, 8, &mode) < 0 ||
                     mode > 0777 || !so->mode[0] ||
                     strspn(so->mode, "01234567") != strlen(so->mode))) {
        error_setg(errp, "'mode' must be permissions in octal, such as "
                   "0660, not '%s'", so->mode);
        return false;
    }
    s->unix_mode = mode;
    if (!so->group) {
        return true;
    }
    gr = getgrnam(so->group);
    if (gr) {
        s->unix_gid = gr->gr_gid;
    } else if (qemu_strtou64(so->group, NULL, 10, &gid) == 0 &&
               gid < (gid_t)-1) {
        s->unix_gid = gid;
    } else {
        error_setg(errp, "no group '%s'", so->group);
        return false;
    }
    return true;
}

static bool gpiodev_socket_parse_tls_options(GpiodevSocket *s,
                                             GpiodevSocketOptions *so,
                                             Error **errp)
{
    Object *creds;

    s->max_clients = so->has_max_clients ? so->max_clients
                                         : GPIODEV_SOCKET_DEFAULT_MAX_CLIENTS;
    if (!s->server && so->has_max_clients) {
        error_setg(errp, "'max-clients' is only for server mode");
        return false;
    }
    if (so->has_max_clients && !so->max_clients) {
        error_setg(errp, "'max-clients' must be at least 1");
        return false;
    }
    if (so->tls_authz && (!s->server || !so->tls_creds)) {
        error_setg(errp, "'tls-authz' needs 'tls-creds' and server mode");
        return false;
    }
    if (!so->tls_creds) {
        return true;
    }
    creds = object_resolve_path_component(object_get_objects_root(),
                                          so->tls_creds);
    if (!creds) {
        error_setg(errp, "no TLS credentials with id '%s'", so->tls_creds);
        return false;
    }
    if (!object_dynamic_cast(creds, TYPE_QCRYPTO_TLS_CREDS)) {
        error_setg(errp, "object with id '%s' is not TLS credentials",
                   so->tls_creds);
        return false;
    }
    s->tls_creds = QCRYPTO_TLS_CREDS(creds);
    if (!qcrypto_tls_creds_check_endpoint(s->tls_creds,
                                          s->server ?
                                          QCRYPTO_TLS_CREDS_ENDPOINT_SERVER :
                                          QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT,
                                          errp)) {
        s->tls_creds = NULL;
        return false;
    }
    object_ref(creds);
    s->tls_authz = g_strdup(so->tls_authz);
    return true;
}

/* Whether @addr is reachable from other hosts than this one. */
static bool gpiodev_socket_exposed(SocketAddress *addr)
{
    const char *host;

    if (addr->type != SOCKET_ADDRESS_TYPE_INET) {
        return false;
    }
    host = addr->u.inet.host;
    return !(g_str_has_prefix(host, "127.") || !strcmp(host, "::1") ||
             !strcmp(host, "localhost") || !strcmp(host, "ip6-localhost"));
}

static void gpiodev_socket_warn_if_exposed(GpiodevSocket *s)
{
    if (!s->tls_creds && gpiodev_socket_exposed(s->addr)) {
        warn_report("gpiodev '%s' listens on %s:%s without TLS: anyone "
                    "who can reach it can drive the machine's pins",
                    s->parent_obj.id, s->addr->u.inet.host,
                    s->addr->u.inet.port);
        error_printf("Bind it to a loopback address, or give it tls-creds "
                     "(and tls-authz).\n");
    }
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
    if (!gpiodev_socket_parse_file_options(s, so, errp)) {
        return false;
    }
    gpio_edge_prefixes_init(&s->edge_prefixes, gd->core);

    if (!gpiodev_socket_parse_tls_options(s, so, errp)) {
        return false;
    }
    if (s->server) {
        if (!gpiodev_socket_listen(s, errp)) {
            return false;
        }
        gpiodev_socket_warn_if_exposed(s);
        return true;
    }
    /*
     * Never wait for a peer under the BQL: failures are reported as
     * they happen, as GPIODEV_DISCONNECTED is.
     */
    gpiodev_socket_connect(s);
    return true;
}

static void gpiodev_socket_init(Object *obj)
{
    GpiodevSocket *s = GPIODEV_SOCKET(obj);

    QTAILQ_INIT(&s->sessions);
}

/* Take no more connections; the core detaches the sessions next. */
static void gpiodev_socket_close(Gpiodev *gd)
{
    GpiodevSocket *s = GPIODEV_SOCKET(gd);

    s->closed = true;
    if (s->reconnect_tag) {
        g_source_remove(s->reconnect_tag);
        s->reconnect_tag = 0;
    }
    if (s->listener) {
        qio_net_listener_disconnect(s->listener);
    }
}

static void gpiodev_socket_finalize(Object *obj)
{
    GpiodevSocket *s = GPIODEV_SOCKET(obj);

    /* Detached by gpiodev_unparent(), or never connected. */
    assert(QTAILQ_EMPTY(&s->sessions));
    if (s->listener) {
        qio_net_listener_disconnect(s->listener);
        object_unref(OBJECT(s->listener));
    }
    if (s->unix_path) {
        gpiodev_socket_remove_path(s);
        g_free(s->unix_path);
    }
    qapi_free_SocketAddress(s->addr);
    if (s->tls_creds) {
        object_unref(OBJECT(s->tls_creds));
    }
    g_free(s->tls_authz);
    gpio_edge_prefixes_cleanup(&s->edge_prefixes);
}

/*
 * The address a server listens on, as bound: with the port the system
 * chose when @addr asked for port 0.
 */
static void gpiodev_socket_query(Gpiodev *gd, GpiodevInfo *info)
{
    GpiodevSocket *s = GPIODEV_SOCKET(gd);

    if (s->listener && s->listener->nsioc) {
        info->addr = qio_channel_socket_get_local_address(
            s->listener->sioc[0], NULL);
    }
    if (!info->addr) {
        info->addr = QAPI_CLONE(SocketAddress, s->addr);
    }
}

static void gpiodev_socket_class_init(ObjectClass *oc, void *data)
{
    GpiodevClass *gc = GPIODEV_CLASS(oc);

    gc->type = GPIODEV_BACKEND_TYPE_SOCKET;
    gc->open = gpiodev_socket_open;
    gc->close = gpiodev_socket_close;
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

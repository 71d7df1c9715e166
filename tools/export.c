// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu-gpio export: mirror a gpiodev's controller into a GPIO chip of
 * this machine's kernel, through the ugpio module (kernel/), so that
 * libgpiod, its tools and its bindings use the emulated controller as
 * /dev/gpiochipN.
 *
 * Data flows both ways, each through one path:
 * - QEMU to the kernel: line info (names, the guest's directions, who
 *   else drives a line) and edges, read from the gpiodev socket, become
 *   UGPIO_MSG_* messages, each edge one level change of the kernel chip;
 * - the kernel to QEMU: what host consumers do arrives as ugpio records;
 *   a consumer driving a line gets a gpiodev client of its own, with the
 *   consumer's name, so that QEMU's ownership rules see it.
 * When QEMU goes away the chip stays, its lines busy for new drivers,
 * and the bridge reconnects; SIGTERM removes the chip.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "ugpio.h"

#define EDGE_BATCH 64

struct export_line {
    /* QEMU's view */
    bool present;
    bool driven;            /* the guest drives it */
    bool busy;              /* another client of QEMU drives it */
    char busy_by[UGPIO_NAME_SIZE];  /* ... and its name */
    bool level;
    char name[UGPIO_NAME_SIZE];
    /* The host's view, from the ugpio records */
    bool requested;
    bool host_output;
    bool host_level;
    char consumer[UGPIO_NAME_SIZE];
    /* Our gpiodev client driving it for the host consumer */
    struct qgpio_line_request *drive;
};

struct bridge {
    const char *chip_id;
    const char *device;
    const char *label;      /* -l, or NULL for the gpiodev's */
    uint64_t reconnect_us;
    bool banner;
    int ufd;
    int sigfd;
    char gpiochip[UGPIO_NAME_SIZE];
    struct qgpio_chip *chip;
    struct qgpio_line_request *monitor;
    struct qgpio_edge_event_buffer *edges;
    char chip_label[UGPIO_NAME_SIZE];
    unsigned int nlines;
    struct export_line *lines;
    bool created;           /* the kernel chip of @lines exists */
    uint64_t lost;          /* edges QEMU dropped for the monitor */
    bool stop;
};

static void usage(void)
{
    printf("Usage: %s [OPTIONS] CHIP\n\n"
           "Mirror the lines of CHIP, a gpiodev socket (a name in the "
           "socket directory,\na path, or tcp:HOST:PORT), into a GPIO "
           "chip of this machine's kernel,\n/dev/gpiochipN, through the "
           "ugpio module, for libgpiod and its tools.\nRuns until "
           "SIGTERM or SIGINT, which remove the chip.\n\n"
           "Options:\n"
           "      --banner\t\tprint the kernel chip's name once it exists\n"
           "  -d, --device=PATH\tthe ugpio device (default: /dev/ugpio)\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "  -l, --label=LABEL\tthe kernel chip's label (default: the "
           "controller's)\n"
           "  -r, --reconnect=PERIOD\twait PERIOD between attempts to "
           "reach CHIP again\n\t\t\tafter it went away (default: 1s); 0 "
           "exits instead\n"
           "  -v, --version\t\toutput version information and exit\n\n"
           "Periods take an optional unit: us, ms (default), s, m.\n", prog);
}

/* Talking to the kernel */

static void ugpio_write(struct bridge *b, const void *msg, size_t size)
{
    if (write(b->ufd, msg, size) != (ssize_t)size) {
        die("%s: %s", b->device, strerror(errno));
    }
}

static uint32_t line_flags(const struct export_line *l)
{
    if (!l->present) {
        return UGPIO_LINE_ABSENT;
    }
    return (l->driven ? UGPIO_LINE_DRIVEN : 0) |
           (l->busy ? UGPIO_LINE_BUSY : 0);
}

/*
 * Tell the kernel about @offset; with @away, QEMU cannot be reached, and
 * the line is busy in the name of AWAY_CONSUMER.
 */
#define AWAY_CONSUMER "qemu unreachable"

static void ugpio_send_line(struct bridge *b, unsigned int offset, bool away)
{
    struct export_line *l = &b->lines[offset];
    struct ugpio_line_msg msg = {
        .hdr = { .type = UGPIO_MSG_LINE, .size = sizeof(msg) },
        .offset = offset,
        .flags = line_flags(l),
        .level = l->level,
    };

    if (!l->present) {
        return;
    }
    if (away) {
        msg.flags |= UGPIO_LINE_BUSY;
        snprintf(msg.consumer, sizeof(msg.consumer), AWAY_CONSUMER);
    } else if (l->busy) {
        memcpy(msg.consumer, l->busy_by, sizeof(msg.consumer));
    }
    ugpio_write(b, &msg, sizeof(msg));
}

static void ugpio_create_chip(struct bridge *b)
{
    size_t size = sizeof(struct ugpio_create) +
                  b->nlines * sizeof(struct ugpio_line);
    struct ugpio_create *msg = calloc(1, size);
    struct ugpio_line *lines = (struct ugpio_line *)(msg + 1);

    if (!msg) {
        die("out of memory");
    }
    msg->hdr.type = UGPIO_MSG_CREATE;
    msg->hdr.size = size;
    msg->version = UGPIO_VERSION;
    msg->nlines = b->nlines;
    snprintf(msg->label, sizeof(msg->label), "%s",
             b->label ? b->label : b->chip_label);
    for (unsigned int i = 0; i < b->nlines; i++) {
        memcpy(lines[i].name, b->lines[i].name, UGPIO_NAME_SIZE);
        lines[i].flags = line_flags(&b->lines[i]);
        lines[i].level = b->lines[i].level;
        memcpy(lines[i].consumer, b->lines[i].busy_by, UGPIO_NAME_SIZE);
    }
    if (write(b->ufd, msg, size) != (ssize_t)size) {
        die("%s: cannot create the chip: %s", b->device, strerror(errno));
    }
    free(msg);
}

static void ugpio_open(struct bridge *b)
{
    b->ufd = open(b->device, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (b->ufd < 0) {
        die("%s: %s%s", b->device, strerror(errno),
            errno == ENOENT ? " (is the ugpio module loaded?)" : "");
    }
}

/* Talking to QEMU */

static void drop_drive(struct export_line *l)
{
    if (l->drive) {
        qgpio_line_request_release(l->drive);
        l->drive = NULL;
    }
}

/* Drive @offset for its host consumer through a client of its own. */
static void start_drive(struct bridge *b, unsigned int offset)
{
    struct export_line *l = &b->lines[offset];
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_request_config *rc = qgpio_request_config_new();

    drop_drive(l);
    if (!s || !lc || !rc) {
        die("out of memory");
    }
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_settings_set_output_value(s, l->host_level ?
                                         QGPIO_LINE_VALUE_ACTIVE :
                                         QGPIO_LINE_VALUE_INACTIVE);
    if (qgpio_line_config_add_line_settings(lc, &offset, 1, s) < 0 ||
        qgpio_request_config_set_consumer(rc, l->consumer[0] ? l->consumer
                                                             : "?") < 0) {
        die("out of memory");
    }
    l->drive = qgpio_chip_request_lines(b->chip, rc, lc);
    if (!l->drive) {
        warn("%s: line %u: QEMU refused the host's %s: %s", b->gpiochip,
             offset, l->consumer, qgpio_strerror());
    }
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_request_config_free(rc);
}

static void set_drive(struct bridge *b, unsigned int offset)
{
    struct export_line *l = &b->lines[offset];

    if (l->drive &&
        qgpio_line_request_set_value(l->drive, offset, l->host_level ?
                                     QGPIO_LINE_VALUE_ACTIVE :
                                     QGPIO_LINE_VALUE_INACTIVE) < 0) {
        warn("%s: line %u: %s", b->gpiochip, offset, qgpio_strerror());
    }
}

static void line_from_info(struct export_line *l, struct qgpio_line_info *li)
{
    const char *name = qgpio_line_info_get_name(li);
    const char *consumer = qgpio_line_info_get_consumer(li);

    l->present = qgpio_line_info_is_present(li);
    snprintf(l->name, sizeof(l->name), "%s", name ? name : "");
    l->driven = qgpio_line_info_get_direction(li) ==
                QGPIO_LINE_DIRECTION_OUTPUT;
    /* Our own clients are the host consumers', not someone else's. */
    l->busy = qgpio_line_info_is_used(li) && !l->drive;
    snprintf(l->busy_by, sizeof(l->busy_by), "%s",
             l->busy && consumer ? consumer : "");
    l->level = qgpio_line_info_get_value(li) == QGPIO_LINE_VALUE_ACTIVE;
}

static void disconnect(struct bridge *b)
{
    for (unsigned int i = 0; i < b->nlines; i++) {
        drop_drive(&b->lines[i]);
    }
    if (b->monitor) {
        qgpio_line_request_release(b->monitor);
        b->monitor = NULL;
    }
    if (b->chip) {
        qgpio_chip_close(b->chip);
        b->chip = NULL;
    }
}

/* Watch every present line's edges; false (and a warning) on failure. */
static bool start_monitor(struct bridge *b)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_request_config *rc = qgpio_request_config_new();
    unsigned int *offsets = calloc(b->nlines, sizeof(*offsets));
    size_t n = 0;

    if (!s || !lc || !rc || !offsets) {
        die("out of memory");
    }
    for (unsigned int i = 0; i < b->nlines; i++) {
        if (b->lines[i].present) {
            offsets[n++] = i;
        }
    }
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_INPUT);
    qgpio_line_settings_set_edge_detection(s, QGPIO_LINE_EDGE_BOTH);
    if (qgpio_line_config_add_line_settings(lc, offsets, n, s) < 0 ||
        qgpio_request_config_set_consumer(rc, "qemu-gpio export") < 0) {
        die("out of memory");
    }
    b->monitor = qgpio_chip_request_lines(b->chip, rc, lc);
    b->lost = 0;
    if (!b->monitor) {
        warn("%s: cannot watch the lines: %s", b->chip_id,
             qgpio_strerror());
    }
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_request_config_free(rc);
    free(offsets);
    return b->monitor != NULL;
}

/*
 * Connect to QEMU and read the controller: its label, lines, levels,
 * with info events and edges watched from then on.  The levels are read
 * again once the edges are watched, so that none falls in between.
 * False if QEMU cannot be reached.
 */
static bool connect_qemu(struct bridge *b, struct export_line **lines,
                         unsigned int *nlines, char *label)
{
    struct qgpio_chip_info *info;
    struct export_line *l;
    unsigned int n;

    b->chip = qgpio_chip_open(b->chip_id);
    if (!b->chip) {
        return false;
    }
    info = qgpio_chip_get_info(b->chip);
    if (!info) {
        goto fail;
    }
    n = qgpio_chip_info_get_num_lines(info);
    snprintf(label, UGPIO_NAME_SIZE, "%s", qgpio_chip_info_get_label(info));
    qgpio_chip_info_free(info);
    if (!n || n > UGPIO_MAX_LINES) {
        die("%s: %u lines; the kernel takes 1 to %d", b->chip_id, n,
            UGPIO_MAX_LINES);
    }
    l = calloc(n, sizeof(*l));
    if (!l) {
        die("out of memory");
    }
    for (unsigned int i = 0; i < n; i++) {
        struct qgpio_line_info *li = qgpio_chip_watch_line_info(b->chip, i);

        if (!li) {
            free(l);
            goto fail;
        }
        line_from_info(&l[i], li);
        qgpio_line_info_free(li);
    }
    *lines = l;
    *nlines = n;
    return true;

fail:
    warn("%s: %s", b->chip_id, qgpio_strerror());
    disconnect(b);
    return false;
}

/*
 * The levels now, once the monitor watches every edge; false, and
 * disconnected, when QEMU could not say: a level we do not know must not
 * become a low one.
 */
static bool read_levels(struct bridge *b)
{
    for (unsigned int i = 0; i < b->nlines; i++) {
        enum qgpio_line_value v;

        if (!b->lines[i].present) {
            continue;
        }
        v = qgpio_line_request_get_value(b->monitor, i);
        if (v == QGPIO_LINE_VALUE_ERROR) {
            warn("%s: %s", b->chip_id, qgpio_strerror());
            disconnect(b);
            return false;
        }
        b->lines[i].level = v == QGPIO_LINE_VALUE_ACTIVE;
    }
    return true;
}

static bool same_layout(struct bridge *b, const struct export_line *lines,
                        unsigned int n, const char *label)
{
    if (n != b->nlines || strcmp(label, b->chip_label)) {
        return false;
    }
    for (unsigned int i = 0; i < n; i++) {
        if (lines[i].present != b->lines[i].present ||
            strcmp(lines[i].name, b->lines[i].name)) {
            return false;
        }
    }
    return true;
}

/*
 * Bring the kernel chip in line with what QEMU reports: create it the
 * first time, or when the controller changed; otherwise keep it, with
 * the host's requests, and update its lines, driving again for the host
 * consumers the lines they hold.
 */
static void attach(struct bridge *b, struct export_line *lines,
                   unsigned int n, const char *label)
{
    bool keep = b->created && same_layout(b, lines, n, label);

    if (keep) {
        for (unsigned int i = 0; i < n; i++) {
            struct export_line *l = &b->lines[i];

            l->driven = lines[i].driven;
            l->busy = lines[i].busy;
            memcpy(l->busy_by, lines[i].busy_by, sizeof(l->busy_by));
            l->level = lines[i].level;
        }
        free(lines);
    } else {
        if (b->created) {
            warn("%s changed: creating the chip again", b->chip_id);
            close(b->ufd);
            ugpio_open(b);
            b->created = false;
        }
        free(b->lines);
        b->lines = lines;
        b->nlines = n;
        snprintf(b->chip_label, sizeof(b->chip_label), "%s", label);
    }
    if (!start_monitor(b) || !read_levels(b)) {
        return;
    }
    if (!keep) {
        ugpio_create_chip(b);
        b->created = true;
        return;
    }
    for (unsigned int i = 0; i < b->nlines; i++) {
        struct export_line *l = &b->lines[i];

        if (l->host_output) {
            start_drive(b, i);
            l->busy = l->busy && !l->drive;
        }
        ugpio_send_line(b, i, false);
    }
}

/*
 * Tell the service manager how we are, when it started us as a
 * Type=notify service (NOTIFY_SOCKET is set): "READY=1" once the chip
 * exists, so that units ordered after the bridge find it.  Best effort:
 * the bridge works on without it.
 */
static void notify_manager(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    size_t len = path ? strlen(path) : 0;
    int fd;

    if (!len || (path[0] != '/' && path[0] != '@') ||
        len >= sizeof(addr.sun_path)) {
        return;
    }
    memcpy(addr.sun_path, path, len);
    if (addr.sun_path[0] == '@') {
        addr.sun_path[0] = '\0';     /* an abstract socket */
    }
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        sendto(fd, state, strlen(state), MSG_NOSIGNAL,
               (struct sockaddr *)&addr,
               offsetof(struct sockaddr_un, sun_path) + len) < 0) {
        warn("NOTIFY_SOCKET %s: %s", path, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
}

/* Records from the kernel: what host consumers do */

static void on_record(struct bridge *b, const struct ugpio_event *ev)
{
    struct export_line *l;

    if (ev->type == UGPIO_EV_CHIP) {
        snprintf(b->gpiochip, sizeof(b->gpiochip), "%s", ev->name);
        notify_manager("READY=1");
        if (b->banner) {
            printf("Exporting '%s' as %s...\n", b->chip_id, b->gpiochip);
            fflush(stdout);
        }
        return;
    }
    if (ev->offset >= b->nlines) {
        return;
    }
    if (ev->lost) {
        warn("%s: %u records of the kernel lost", b->gpiochip, ev->lost);
    }
    l = &b->lines[ev->offset];
    switch (ev->type) {
    case UGPIO_EV_REQUEST:
        l->requested = true;
        snprintf(l->consumer, sizeof(l->consumer), "%s", ev->name);
        break;
    case UGPIO_EV_RELEASE:
        l->requested = false;
        /* fall through */
    case UGPIO_EV_INPUT:
        l->host_output = false;
        drop_drive(l);
        break;
    case UGPIO_EV_OUTPUT:
        l->host_output = true;
        l->host_level = ev->level;
        if (ev->name[0]) {
            snprintf(l->consumer, sizeof(l->consumer), "%s", ev->name);
        }
        /* Again after lost records: keep the client, drive the level. */
        if (b->chip && l->drive) {
            set_drive(b, ev->offset);
        } else if (b->chip) {
            start_drive(b, ev->offset);
        }
        break;
    case UGPIO_EV_SET:
        l->host_level = ev->level;
        if (b->chip) {
            set_drive(b, ev->offset);
        }
        break;
    default:
        /* UGPIO_EV_BIAS: gpiodev has no bias to set. */
        break;
    }
}

static void read_records(struct bridge *b)
{
    struct ugpio_event ev[32];
    ssize_t got;

    for (;;) {
        got = read(b->ufd, ev, sizeof(ev));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0 && errno == EAGAIN) {
            return;
        }
        if (got <= 0) {
            die("%s: %s", b->device, got ? strerror(errno) : "end of file");
        }
        for (size_t i = 0; i < got / sizeof(ev[0]); i++) {
            on_record(b, &ev[i]);
        }
    }
}

/* Events from QEMU */

static void on_info_event(struct bridge *b, struct qgpio_info_event *ev)
{
    struct qgpio_line_info *li = qgpio_info_event_get_line_info(ev);
    unsigned int offset = qgpio_line_info_get_offset(li);
    struct export_line *l, before;

    if (offset >= b->nlines) {
        return;
    }
    l = &b->lines[offset];
    before = *l;
    line_from_info(l, li);
    /*
     * Levels come from the edges, on another connection: an info event
     * read after a later edge would set an old one.
     */
    l->level = before.level;
    if (l->driven != before.driven || l->busy != before.busy ||
        strcmp(l->busy_by, before.busy_by)) {
        ugpio_send_line(b, offset, false);
    }
}

/* Send the kernel @n (at most EDGE_BATCH) level changes, in order. */
static void send_levels(struct bridge *b, const struct ugpio_level *change,
                        unsigned int n)
{
    struct {
        struct ugpio_levels msg;
        struct ugpio_level change[EDGE_BATCH];
    } m = { .msg.hdr.type = UGPIO_MSG_LEVELS, .msg.count = n };

    if (!n) {
        return;
    }
    memcpy(m.change, change, n * sizeof(*change));
    m.msg.hdr.size = sizeof(m.msg) + n * sizeof(*change);
    ugpio_write(b, &m, m.msg.hdr.size);
}

/* QEMU dropped edges for us: the kernel gets every level anew. */
static void resync_levels(struct bridge *b)
{
    struct ugpio_level change[EDGE_BATCH];
    unsigned int n = 0;

    warn("%s: QEMU dropped edges; reading every level again", b->chip_id);
    if (!read_levels(b)) {
        return;
    }
    for (unsigned int i = 0; i < b->nlines; i++) {
        if (!b->lines[i].present) {
            continue;
        }
        change[n++] = (struct ugpio_level){ .offset = i,
                                            .level = b->lines[i].level };
        if (n == EDGE_BATCH) {
            send_levels(b, change, n);
            n = 0;
        }
    }
    send_levels(b, change, n);
}

static void on_edges(struct bridge *b)
{
    struct ugpio_level change[EDGE_BATCH];
    unsigned int count = 0;
    int n = qgpio_line_request_read_edge_events(b->monitor, b->edges,
                                                EDGE_BATCH);

    if (n < 0) {
        warn("%s: %s", b->chip_id, qgpio_strerror());
        disconnect(b);
        return;
    }
    for (int i = 0; i < n; i++) {
        struct qgpio_edge_event *e =
            qgpio_edge_event_buffer_get_event(b->edges, i);
        unsigned int offset = qgpio_edge_event_get_line_offset(e);
        bool level = qgpio_edge_event_get_event_type(e) ==
                     QGPIO_EDGE_EVENT_RISING_EDGE;

        if (offset >= b->nlines) {
            continue;
        }
        b->lines[offset].level = level;
        change[count++] = (struct ugpio_level){ .offset = offset,
                                                .level = level };
    }
    send_levels(b, change, count);
    if (qgpio_line_request_get_lost_events(b->monitor) != b->lost) {
        b->lost = qgpio_line_request_get_lost_events(b->monitor);
        resync_levels(b);
    }
}

static void read_info_events(struct bridge *b)
{
    while (b->chip && qgpio_chip_wait_info_event(b->chip, 0) > 0) {
        struct qgpio_info_event *ev = qgpio_chip_read_info_event(b->chip);

        if (!ev) {
            break;
        }
        on_info_event(b, ev);
        qgpio_info_event_free(ev);
    }
}

/* Is anything left for us on the connections to QEMU? */
static int qemu_ready(struct bridge *b)
{
    int info = qgpio_chip_wait_info_event(b->chip, 0);
    int edges = qgpio_line_request_wait_edge_events(b->monitor, 0);

    if (info < 0 || edges < 0) {
        return -1;
    }
    return info || edges;
}

/* The main loop */

static void on_signal(struct bridge *b)
{
    struct signalfd_siginfo si;

    if (read(b->sigfd, &si, sizeof(si)) == sizeof(si)) {
        b->stop = true;
    }
}

/* Serve while connected; returns when QEMU went away or on a signal. */
static void serve(struct bridge *b)
{
    struct pollfd pfd[4];
    int ready;

    while (!b->stop && b->chip && b->monitor) {
        ready = qemu_ready(b);
        if (ready < 0) {
            break;
        }
        pfd[0] = (struct pollfd){ .fd = b->ufd, .events = POLLIN };
        pfd[1] = (struct pollfd){ .fd = b->sigfd, .events = POLLIN };
        pfd[2] = (struct pollfd){ .fd = qgpio_chip_get_fd(b->chip),
                                  .events = POLLIN };
        pfd[3] = (struct pollfd){ .fd = qgpio_line_request_get_fd(b->monitor),
                                  .events = POLLIN };
        /* Even with QEMU's events pending, the kernel and signals count. */
        if (poll(pfd, 4, ready ? 0 : -1) < 0 && errno != EINTR) {
            die("poll: %s", strerror(errno));
        }
        if (pfd[1].revents) {
            on_signal(b);
        }
        if (pfd[0].revents) {
            read_records(b);
        }
        if (pfd[2].revents & (POLLHUP | POLLERR)) {
            break;
        }
        read_info_events(b);
        if (b->chip && b->monitor &&
            qgpio_line_request_wait_edge_events(b->monitor, 0) > 0) {
            on_edges(b);
        }
    }
    if (!b->stop) {
        warn("%s: lost the connection: %s", b->chip_id, qgpio_strerror());
    }
    disconnect(b);
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* While QEMU is away, every line is busy for new drivers. */
static void mark_all_busy(struct bridge *b)
{
    for (unsigned int i = 0; b->created && i < b->nlines; i++) {
        ugpio_send_line(b, i, true);
    }
}

/*
 * Wait a period before trying QEMU again, taking in the host's records
 * meanwhile.
 */
static void wait_for_qemu(struct bridge *b)
{
    int64_t end = monotonic_ns() + (int64_t)b->reconnect_us * 1000;
    struct pollfd pfd[2] = {
        { .fd = b->ufd, .events = POLLIN },
        { .fd = b->sigfd, .events = POLLIN },
    };
    int64_t left;

    while (!b->stop && (left = end - monotonic_ns()) > 0) {
        if (poll(pfd, 2, poll_timeout(left / 1000 + 1)) < 0 &&
            errno != EINTR) {
            die("poll: %s", strerror(errno));
        }
        if (pfd[1].revents) {
            on_signal(b);
        }
        if (pfd[0].revents) {
            read_records(b);
        }
    }
}

static void run(struct bridge *b)
{
    struct export_line *lines;
    char label[UGPIO_NAME_SIZE];
    unsigned int n;
    bool away = false;

    while (!b->stop) {
        if (connect_qemu(b, &lines, &n, label)) {
            attach(b, lines, n, label);
            away = false;
            serve(b);
        } else if (!b->lines) {
            die("%s: %s", b->chip_id, qgpio_strerror());
        }
        if (b->stop) {
            break;
        }
        if (!b->reconnect_us) {
            exit(EXIT_FAILURE);
        }
        if (!away) {
            mark_all_busy(b);
            away = true;
        }
        wait_for_qemu(b);
    }
}

static int open_signals(void)
{
    sigset_t set;
    int fd;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) {
        die("signalfd: %s", strerror(errno));
    }
    /* A peer that goes away must not kill us while we write to it. */
    signal(SIGPIPE, SIG_IGN);
    return fd;
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "banner", no_argument, NULL, 'B' },
        { "device", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { "label", required_argument, NULL, 'l' },
        { "reconnect", required_argument, NULL, 'r' },
        { "version", no_argument, NULL, 'v' },
        { }
    };
    struct bridge b = {
        .device = "/dev/ugpio",
        .reconnect_us = 1000000,
        .ufd = -1,
    };
    int opt;

    while ((opt = getopt_long(argc, argv, "+d:hl:r:v", longopts,
                              NULL)) >= 0) {
        switch (opt) {
        case 'B':
            b.banner = true;
            break;
        case 'd':
            b.device = optarg;
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'l':
            if (!*optarg || strlen(optarg) >= UGPIO_NAME_SIZE) {
                die("a label has 1 to %d characters", UGPIO_NAME_SIZE - 1);
            }
            b.label = optarg;
            break;
        case 'r':
            b.reconnect_us = parse_period_or_die(optarg);
            break;
        case 'v':
            print_version();
        default:
            die_usage();
        }
    }
    if (optind + 1 != argc) {
        die(optind == argc ? "a chip must be given" : "only one chip");
    }
    b.chip_id = argv[optind];
    b.edges = qgpio_edge_event_buffer_new(EDGE_BATCH);
    if (!b.edges) {
        die("out of memory");
    }
    b.sigfd = open_signals();
    ugpio_open(&b);
    run(&b);
    disconnect(&b);
    close(b.ufd);
    qgpio_edge_event_buffer_free(b.edges);
    free(b.lines);
    return EXIT_SUCCESS;
}

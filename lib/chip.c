// SPDX-License-Identifier: LGPL-2.1-or-later
/* Chips, their info, their lines' info and info events. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct qgpio_chip_info {
    char *name;
    char *label;
    size_t num_lines;
    char *device;
    char *type;
};

struct qgpio_chip {
    struct qgpio_conn conn;
    char *path;
    struct qgpio_chip_info info;
    /* The info of each watched line, kept up to date by its events. */
    struct qgpio_line_info **watched;
};

struct qgpio_info_event {
    enum qgpio_info_event_type type;
    uint64_t timestamp_ns;
    uint64_t realtime_ns;
    struct qgpio_line_info *info;
};

/* Where chips are found */

char *qgpio_socket_dir(void)
{
    const char *env = getenv("QEMU_GPIO_DIR");
    char *dir = NULL;
    size_t len = 0;
    int ret;

    if (env && *env) {
        return qgpio_strdup(&dir, env) < 0 ? NULL : dir;
    }
    env = getenv("XDG_RUNTIME_DIR");
    if (env && *env) {
        ret = qgpio_append(&dir, &len, "%s/qemu-gpio", env);
    } else {
        ret = qgpio_append(&dir, &len, "/tmp/qemu-gpio-%u",
                           (unsigned)getuid());
    }
    return ret < 0 ? NULL : dir;
}

char *qgpio_chip_path(const char *chip)
{
    char *dir, *path = NULL;
    size_t len = 0;
    struct stat st;

    if (strchr(chip, '/') ||
        !strncmp(chip, QGPIO_TCP_PREFIX, strlen(QGPIO_TCP_PREFIX))) {
        return qgpio_strdup(&path, chip) < 0 ? NULL : path;
    }
    dir = qgpio_socket_dir();
    if (!dir || qgpio_append(&path, &len, "%s/%s.sock", dir, chip) < 0) {
        goto fail;
    }
    if (stat(path, &st) < 0) {
        /* DIR/CHIP is shorter than DIR/CHIP.sock: no need to grow. */
        snprintf(path, len + 1, "%s/%s", dir, chip);
    }
    free(dir);
    return path;

fail:
    free(dir);
    free(path);
    return NULL;
}

bool qgpio_is_chip(const char *path)
{
    struct qgpio_conn conn;
    struct stat st;

    if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    if (qgpio_conn_open(&conn, path, 1) < 0) {
        return false;
    }
    qgpio_conn_close(&conn);
    return true;
}

/* Chips */

static void chip_info_clear(struct qgpio_chip_info *info)
{
    free(info->name);
    free(info->label);
    free(info->device);
    free(info->type);
    *info = (struct qgpio_chip_info){ 0 };
}

/* Fill @info with copies of the strings given; on failure, it is empty. */
static int chip_info_set(struct qgpio_chip_info *info, const char *name,
                         const char *label, size_t num_lines,
                         const char *device, const char *type)
{
    *info = (struct qgpio_chip_info){ .num_lines = num_lines };
    if (qgpio_strdup(&info->name, name) < 0 ||
        qgpio_strdup(&info->label, label) < 0 ||
        qgpio_strdup(&info->device, device) < 0 ||
        qgpio_strdup(&info->type, type) < 0) {
        chip_info_clear(info);
        return -1;
    }
    return 0;
}

static int chip_info_from_msg(const struct qgpio_msg *msg,
                              struct qgpio_chip_info *info)
{
    uint64_t lines;

    /* Every line has an entry in the chip's watch table: keep it sane. */
    if (!qgpio_msg_get(msg, "id") ||
        !qgpio_msg_get_u64(msg, "lines", &lines) ||
        lines > QGPIO_MAX_LINES) {
        return qgpio_fail(EPROTO, "malformed chip info from server");
    }
    return chip_info_set(info, qgpio_msg_get(msg, "id"),
                         qgpio_msg_get(msg, "label"), lines,
                         qgpio_msg_get(msg, "device"),
                         qgpio_msg_get(msg, "type"));
}

struct qgpio_chip *qgpio_chip_open(const char *chip_name)
{
    struct qgpio_chip *chip;
    struct qgpio_reply reply;

    if (!chip_name) {
        return qgpio_fail_null(EINVAL, "no chip given");
    }
    chip = calloc(1, sizeof(*chip));
    if (!chip) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    chip->conn.fd = -1;
    chip->path = qgpio_chip_path(chip_name);
    if (!chip->path) {
        goto fail;
    }
    if (qgpio_conn_open(&chip->conn, chip->path,
                        QGPIO_EVENT_BUFFER_SIZE_DEFAULT) < 0) {
        goto fail;
    }
    if (qgpio_conn_request(&chip->conn, &reply, "chip") < 0) {
        goto fail;
    }
    if (chip_info_from_msg(&reply.final, &chip->info) < 0) {
        qgpio_reply_clear(&reply);
        goto fail;
    }
    qgpio_reply_clear(&reply);
    chip->watched = calloc(chip->info.num_lines + 1, sizeof(*chip->watched));
    if (!chip->watched) {
        qgpio_fail(ENOMEM, "out of memory");
        goto fail;
    }
    return chip;

fail:
    {
        int err = errno;

        qgpio_chip_close(chip);
        errno = err;
        return NULL;
    }
}

void qgpio_chip_close(struct qgpio_chip *chip)
{
    if (!chip) {
        return;
    }
    qgpio_conn_close(&chip->conn);
    if (chip->watched) {
        for (size_t i = 0; i < chip->info.num_lines; i++) {
            qgpio_line_info_free(chip->watched[i]);
        }
    }
    free(chip->watched);
    chip_info_clear(&chip->info);
    free(chip->path);
    free(chip);
}

const char *qgpio_chip_get_path(struct qgpio_chip *chip)
{
    return chip->path;
}

int qgpio_chip_get_fd(struct qgpio_chip *chip)
{
    return chip->conn.fd;
}

size_t qgpio_chip_num_lines(struct qgpio_chip *chip)
{
    return chip->info.num_lines;
}

const char *qgpio_chip_name(struct qgpio_chip *chip)
{
    return chip->info.name;
}

struct qgpio_chip_info *qgpio_chip_get_info(struct qgpio_chip *chip)
{
    struct qgpio_chip_info *info = malloc(sizeof(*info));

    if (!info) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    if (chip_info_set(info, chip->info.name, chip->info.label,
                      chip->info.num_lines, chip->info.device,
                      chip->info.type) < 0) {
        free(info);
        return NULL;
    }
    return info;
}

void qgpio_chip_info_free(struct qgpio_chip_info *info)
{
    if (info) {
        chip_info_clear(info);
        free(info);
    }
}

const char *qgpio_chip_info_get_name(struct qgpio_chip_info *info)
{
    return info->name;
}

const char *qgpio_chip_info_get_label(struct qgpio_chip_info *info)
{
    return info->label ? info->label : "";
}

size_t qgpio_chip_info_get_num_lines(struct qgpio_chip_info *info)
{
    return info->num_lines;
}

const char *qgpio_chip_info_get_device(struct qgpio_chip_info *info)
{
    return info->device;
}

const char *qgpio_chip_info_get_type(struct qgpio_chip_info *info)
{
    return info->type;
}

/* Line info */

static int check_offset(struct qgpio_chip *chip, unsigned int offset)
{
    if (offset >= chip->info.num_lines) {
        return qgpio_fail(EINVAL, "offset %u is out of range (%s has %zu "
                          "lines)", offset, chip->info.name,
                          chip->info.num_lines);
    }
    return 0;
}

static struct qgpio_line_info *read_line_info(struct qgpio_chip *chip,
                                              unsigned int offset)
{
    struct qgpio_line_info *info;
    struct qgpio_reply reply;
    int ret;

    if (qgpio_conn_request(&chip->conn, &reply, "info %u", offset) < 0) {
        return NULL;
    }
    if (qgpio_msg_list_count(&reply.lines) != 1) {
        qgpio_reply_clear(&reply);
        return qgpio_fail_null(EPROTO, "malformed line info from server");
    }
    info = calloc(1, sizeof(*info));
    if (!info) {
        qgpio_reply_clear(&reply);
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    ret = qgpio_line_info_from_msg(qgpio_msg_list_at(&reply.lines, 0), info);
    qgpio_reply_clear(&reply);
    if (ret < 0) {
        free(info);
        return NULL;
    }
    return info;
}

struct qgpio_line_info *qgpio_chip_get_line_info(struct qgpio_chip *chip,
                                                 unsigned int offset)
{
    if (check_offset(chip, offset) < 0) {
        return NULL;
    }
    return read_line_info(chip, offset);
}

struct qgpio_line_info *qgpio_chip_watch_line_info(struct qgpio_chip *chip,
                                                   unsigned int offset)
{
    struct qgpio_line_info *info = NULL, *cached;
    bool subscribed = false;

    if (check_offset(chip, offset) < 0) {
        return NULL;
    }
    if (chip->watched[offset]) {
        return qgpio_fail_null(EBUSY, "line %u is already watched", offset);
    }
    /* Subscribed first, so that no change falls between the two. */
    if (qgpio_conn_request_status(&chip->conn, &subscribed,
                                  "subscribe config %u", offset) < 0) {
        goto fail;
    }
    info = read_line_info(chip, offset);
    cached = info ? qgpio_line_info_copy(info) : NULL;
    if (!cached) {
        goto fail;
    }
    chip->watched[offset] = cached;
    return info;

fail:
    qgpio_line_info_free(info);
    /*
     * A watch half made is undone, so that watching again works; if even
     * that fails, the server's events for the line are dropped here as
     * those of any line not watched.
     */
    if (subscribed) {
        int err = errno;
        char why[256];

        snprintf(why, sizeof(why), "%s", qgpio_strerror());
        qgpio_conn_request_status(&chip->conn, NULL, "unsubscribe config %u",
                                  offset);
        qgpio_fail(err, "%s", why);
    }
    return NULL;
}

int qgpio_chip_unwatch_line_info(struct qgpio_chip *chip, unsigned int offset)
{
    bool unsubscribed;
    int ret;

    if (check_offset(chip, offset) < 0) {
        return -1;
    }
    if (!chip->watched[offset]) {
        return qgpio_fail(EBUSY, "line %u is not watched", offset);
    }
    ret = qgpio_conn_request_status(&chip->conn, &unsubscribed,
                                    "unsubscribe config %u", offset);
    /* Done on the server even if the reply could not be read whole. */
    if (unsubscribed) {
        qgpio_line_info_free(chip->watched[offset]);
        chip->watched[offset] = NULL;
    }
    return ret;
}

int qgpio_chip_get_line_offset_from_name(struct qgpio_chip *chip,
                                         const char *name)
{
    struct qgpio_reply reply;
    uint64_t offset;

    if (!name || !*name) {
        return qgpio_fail(EINVAL, "empty line name");
    }
    if (qgpio_conn_send(&chip->conn, "info") < 0) {
        return -1;
    }
    if (qgpio_conn_recv(&chip->conn, &reply) < 0) {
        return -1;
    }
    for (size_t i = 0; i < qgpio_msg_list_count(&reply.lines); i++) {
        const struct qgpio_msg *line = qgpio_msg_list_at(&reply.lines, i);
        const char *n = qgpio_msg_get(line, "name");
        const char *present = qgpio_msg_get(line, "present");

        if (n && !strcmp(n, name) && present && !strcmp(present, "yes") &&
            qgpio_msg_get_u64(line, "offset", &offset) &&
            offset <= INT_MAX) {
            qgpio_reply_clear(&reply);
            return (int)offset;
        }
    }
    qgpio_reply_clear(&reply);
    return qgpio_fail(ENOENT, "%s has no line named '%s'", chip->info.name,
                      name);
}

/* Info events */

/* An ownership or configuration change of a line still watched. */
static bool info_deliverable(void *opaque, struct qgpio_msg *msg)
{
    struct qgpio_chip *chip = opaque;
    const char *kind = msg->argc > 1 ? msg->argv[1] : "";
    uint64_t offset;

    return (!strcmp(kind, "config") || !strcmp(kind, "requested") ||
            !strcmp(kind, "released")) &&
           qgpio_msg_get_u64(msg, "offset", &offset) &&
           offset < chip->info.num_lines && chip->watched[offset];
}

int qgpio_chip_wait_info_event(struct qgpio_chip *chip, int64_t timeout_ns)
{
    return qgpio_conn_wait_deliverable(&chip->conn, timeout_ns,
                                       info_deliverable, chip);
}

/* The cached info of @cached after the change @msg reports, in @info. */
static int info_after_event(const struct qgpio_line_info *cached,
                            const struct qgpio_msg *msg,
                            enum qgpio_info_event_type type,
                            struct qgpio_line_info **info)
{
    char *consumer = NULL;

    if (type == QGPIO_INFO_EVENT_LINE_REQUESTED &&
        qgpio_strdup(&consumer, qgpio_msg_get(msg, "consumer")) < 0) {
        return -1;
    }
    *info = qgpio_line_info_copy((struct qgpio_line_info *)cached);
    if (!*info) {
        free(consumer);
        return -1;
    }
    if (type == QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED) {
        return qgpio_line_info_apply_config(*info, msg);
    }
    free((*info)->consumer);
    (*info)->consumer = consumer;
    return 0;
}

/*
 * The info event @msg reports, its change applied to the line's cached
 * info.  NULL with ENOMEM, changing nothing, or with EPROTO for an event
 * to skip.  Everything is allocated before the cache changes.
 */
static struct qgpio_info_event *info_event_from_msg(struct qgpio_chip *chip,
                                                    const struct qgpio_msg *msg)
{
    const char *kind = msg->argc > 1 ? msg->argv[1] : "";
    struct qgpio_line_info *after = NULL;
    struct qgpio_info_event *ev;
    uint64_t offset;

    if (!qgpio_msg_get_u64(msg, "offset", &offset) ||
        offset >= chip->info.num_lines || !chip->watched[offset]) {
        /* An event for a line no longer watched: already unsubscribed. */
        return qgpio_fail_null(EPROTO, "an event for a line not watched");
    }
    ev = calloc(1, sizeof(*ev));
    if (!ev) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    if (!strcmp(kind, "config")) {
        ev->type = QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED;
    } else if (!strcmp(kind, "requested")) {
        ev->type = QGPIO_INFO_EVENT_LINE_REQUESTED;
    } else if (!strcmp(kind, "released")) {
        ev->type = QGPIO_INFO_EVENT_LINE_RELEASED;
    } else {
        free(ev);
        return qgpio_fail_null(EPROTO, "not an info event");
    }
    if (info_after_event(chip->watched[offset], msg, ev->type, &after) < 0) {
        goto fail;
    }
    ev->info = qgpio_line_info_copy(after);
    if (!ev->info) {
        goto fail;
    }
    qgpio_msg_get_u64(msg, "guest-ns", &ev->timestamp_ns);
    qgpio_msg_get_u64(msg, "host-ns", &ev->realtime_ns);
    qgpio_line_info_free(chip->watched[offset]);
    chip->watched[offset] = after;
    return ev;

fail:
    {
        int err = errno;

        qgpio_line_info_free(after);
        free(ev);
        errno = err;
        return NULL;
    }
}

struct qgpio_info_event *qgpio_chip_read_info_event(struct qgpio_chip *chip)
{
    for (;;) {
        struct qgpio_info_event *ev;
        struct qgpio_msg msg;

        if (qgpio_chip_wait_info_event(chip, -1) < 0) {
            return NULL;
        }
        /* The event stays queued until it is converted. */
        ev = info_event_from_msg(chip, qgpio_msg_list_at(&chip->conn.events,
                                                         0));
        if (!ev && errno == ENOMEM) {
            return NULL;
        }
        qgpio_msg_list_shift(&chip->conn.events, &msg);
        qgpio_msg_clear(&msg);
        if (ev) {
            return ev;
        }
    }
}

void qgpio_info_event_free(struct qgpio_info_event *event)
{
    if (event) {
        qgpio_line_info_free(event->info);
        free(event);
    }
}

enum qgpio_info_event_type
qgpio_info_event_get_event_type(struct qgpio_info_event *event)
{
    return event->type;
}

uint64_t qgpio_info_event_get_timestamp_ns(struct qgpio_info_event *event)
{
    return event->timestamp_ns;
}

uint64_t qgpio_info_event_get_realtime_ns(struct qgpio_info_event *event)
{
    return event->realtime_ns;
}

struct qgpio_line_info *
qgpio_info_event_get_line_info(struct qgpio_info_event *event)
{
    return event->info;
}

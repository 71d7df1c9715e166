// SPDX-License-Identifier: LGPL-2.1-or-later
/* Chips, their info, their lines' info and info events. */

#include <errno.h>
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

static char *xstrdup(const char *s)
{
    char *copy = s ? strdup(s) : NULL;

    if (s && !copy) {
        abort();
    }
    return copy;
}

/* Where chips are found */

char *qgpio_socket_dir(void)
{
    const char *env = getenv("QEMU_GPIO_DIR");
    char *dir = NULL;
    size_t len = 0;

    if (env && *env) {
        return xstrdup(env);
    }
    env = getenv("XDG_RUNTIME_DIR");
    if (env && *env) {
        qgpio_append(&dir, &len, "%s/qemu-gpio", env);
    } else {
        qgpio_append(&dir, &len, "/tmp/qemu-gpio-%u", (unsigned)getuid());
    }
    return dir;
}

char *qgpio_chip_path(const char *chip)
{
    char *dir, *path = NULL;
    size_t len = 0;
    struct stat st;

    if (strchr(chip, '/') ||
        !strncmp(chip, QGPIO_TCP_PREFIX, strlen(QGPIO_TCP_PREFIX))) {
        return xstrdup(chip);
    }
    dir = qgpio_socket_dir();
    qgpio_append(&path, &len, "%s/%s.sock", dir, chip);
    if (stat(path, &st) < 0) {
        len = 0;
        qgpio_append(&path, &len, "%s/%s", dir, chip);
    }
    free(dir);
    return path;
}

bool qgpio_is_chip(const char *path)
{
    struct qgpio_conn conn;
    struct stat st;

    if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    if (qgpio_conn_open(&conn, path) < 0) {
        return false;
    }
    qgpio_conn_close(&conn);
    return true;
}

/* Chips */

static int chip_info_from_msg(const struct qgpio_msg *msg,
                              struct qgpio_chip_info *info)
{
    uint64_t lines;

    if (!qgpio_msg_get(msg, "id") || !qgpio_msg_get_u64(msg, "lines", &lines)) {
        return qgpio_fail(EPROTO, "malformed chip info from server");
    }
    info->name = xstrdup(qgpio_msg_get(msg, "id"));
    info->label = xstrdup(qgpio_msg_get(msg, "label"));
    info->num_lines = lines;
    info->device = xstrdup(qgpio_msg_get(msg, "device"));
    info->type = xstrdup(qgpio_msg_get(msg, "type"));
    return 0;
}

static void chip_info_clear(struct qgpio_chip_info *info)
{
    free(info->name);
    free(info->label);
    free(info->device);
    free(info->type);
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
        abort();
    }
    chip->path = qgpio_chip_path(chip_name);
    if (qgpio_conn_open(&chip->conn, chip->path) < 0) {
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
        abort();
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
    struct qgpio_chip_info *info = calloc(1, sizeof(*info));

    if (!info) {
        abort();
    }
    info->name = xstrdup(chip->info.name);
    info->label = xstrdup(chip->info.label);
    info->num_lines = chip->info.num_lines;
    info->device = xstrdup(chip->info.device);
    info->type = xstrdup(chip->info.type);
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

    if (qgpio_conn_request(&chip->conn, &reply, "info %u", offset) < 0) {
        return NULL;
    }
    info = calloc(1, sizeof(*info));
    if (!info) {
        abort();
    }
    if (qgpio_msg_list_count(&reply.lines) != 1 ||
        qgpio_line_info_from_msg(&reply.lines.msgs[reply.lines.head],
                                 info) < 0) {
        qgpio_reply_clear(&reply);
        qgpio_line_info_free(info);
        return qgpio_fail_null(EPROTO, "malformed line info from server");
    }
    qgpio_reply_clear(&reply);
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
    struct qgpio_line_info *info;
    struct qgpio_reply reply;

    if (check_offset(chip, offset) < 0) {
        return NULL;
    }
    if (chip->watched[offset]) {
        return qgpio_fail_null(EBUSY, "line %u is already watched", offset);
    }
    /* Subscribed first, so that no change falls between the two. */
    if (qgpio_conn_request(&chip->conn, &reply, "subscribe config %u",
                           offset) < 0) {
        return NULL;
    }
    qgpio_reply_clear(&reply);
    info = read_line_info(chip, offset);
    if (!info) {
        return NULL;
    }
    chip->watched[offset] = qgpio_line_info_copy(info);
    return info;
}

int qgpio_chip_unwatch_line_info(struct qgpio_chip *chip, unsigned int offset)
{
    struct qgpio_reply reply;

    if (check_offset(chip, offset) < 0) {
        return -1;
    }
    if (!chip->watched[offset]) {
        return qgpio_fail(EBUSY, "line %u is not watched", offset);
    }
    if (qgpio_conn_request(&chip->conn, &reply, "unsubscribe config %u",
                           offset) < 0) {
        return -1;
    }
    qgpio_reply_clear(&reply);
    qgpio_line_info_free(chip->watched[offset]);
    chip->watched[offset] = NULL;
    return 0;
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
    for (size_t i = reply.lines.head; i < reply.lines.len; i++) {
        const char *n = qgpio_msg_get(&reply.lines.msgs[i], "name");
        const char *present = qgpio_msg_get(&reply.lines.msgs[i], "present");

        if (n && !strcmp(n, name) && present && !strcmp(present, "yes") &&
            qgpio_msg_get_u64(&reply.lines.msgs[i], "offset", &offset)) {
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

static struct qgpio_info_event *info_event_from_msg(struct qgpio_chip *chip,
                                                    struct qgpio_msg *msg)
{
    const char *kind = msg->argc > 1 ? msg->argv[1] : "";
    struct qgpio_info_event *ev;
    struct qgpio_line_info *cached;
    uint64_t offset;

    if (!qgpio_msg_get_u64(msg, "offset", &offset) ||
        offset >= chip->info.num_lines || !chip->watched[offset]) {
        /* An event for a line no longer watched: already unsubscribed. */
        return NULL;
    }
    cached = chip->watched[offset];
    ev = calloc(1, sizeof(*ev));
    if (!ev) {
        abort();
    }
    if (!strcmp(kind, "config")) {
        ev->type = QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED;
        if (qgpio_line_info_apply_config(cached, msg) < 0) {
            free(ev);
            return NULL;
        }
    } else if (!strcmp(kind, "requested")) {
        ev->type = QGPIO_INFO_EVENT_LINE_REQUESTED;
        free(cached->consumer);
        cached->consumer = xstrdup(qgpio_msg_get(msg, "consumer"));
    } else if (!strcmp(kind, "released")) {
        ev->type = QGPIO_INFO_EVENT_LINE_RELEASED;
        free(cached->consumer);
        cached->consumer = NULL;
    } else {
        free(ev);
        return NULL;
    }
    qgpio_msg_get_u64(msg, "guest-ns", &ev->timestamp_ns);
    qgpio_msg_get_u64(msg, "host-ns", &ev->realtime_ns);
    ev->info = qgpio_line_info_copy(cached);
    return ev;
}

struct qgpio_info_event *qgpio_chip_read_info_event(struct qgpio_chip *chip)
{
    for (;;) {
        struct qgpio_info_event *ev;
        struct qgpio_msg msg;

        if (qgpio_chip_wait_info_event(chip, -1) < 0) {
            return NULL;
        }
        if (!qgpio_msg_list_shift(&chip->conn.events, &msg)) {
            continue;
        }
        ev = info_event_from_msg(chip, &msg);
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

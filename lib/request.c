// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Line requests: a connection of their own to the chip's socket, which
 * holds the lines it drives and receives the edges it asked for.
 * Closing the connection is what releases the lines.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct req_line {
    unsigned int offset;
    struct qgpio_line_settings settings;
};

struct qgpio_line_request {
    struct qgpio_conn conn;
    char *chip_name;
    size_t num_lines;
    struct req_line *lines;
    uint64_t lost;
};

struct qgpio_edge_event {
    enum qgpio_edge_event_type type;
    uint64_t timestamp_ns;
    unsigned int offset;
    unsigned long global_seqno;
    unsigned long line_seqno;
};

struct qgpio_edge_event_buffer {
    size_t capacity;
    size_t num;
    struct qgpio_edge_event *events;
};

static struct req_line *find_line(struct qgpio_line_request *req,
                                  unsigned int offset)
{
    for (size_t i = 0; i < req->num_lines; i++) {
        if (req->lines[i].offset == offset) {
            return &req->lines[i];
        }
    }
    return NULL;
}

static int check_settings(unsigned int offset,
                          const struct qgpio_line_settings *s)
{
    if (s->edge != QGPIO_LINE_EDGE_NONE &&
        s->direction == QGPIO_LINE_DIRECTION_OUTPUT) {
        return qgpio_fail(EINVAL, "line %u: edge detection needs an input",
                          offset);
    }
    return 0;
}

static int physical(const struct req_line *line, enum qgpio_line_value v)
{
    return (v == QGPIO_LINE_VALUE_ACTIVE) ^ line->settings.active_low;
}

/* The edges of the pin to subscribe to: active-low swaps them. */
static enum qgpio_line_edge physical_edge(const struct qgpio_line_settings *s)
{
    if (s->active_low && s->edge == QGPIO_LINE_EDGE_RISING) {
        return QGPIO_LINE_EDGE_FALLING;
    }
    if (s->active_low && s->edge == QGPIO_LINE_EDGE_FALLING) {
        return QGPIO_LINE_EDGE_RISING;
    }
    return s->edge;
}

/*
 * Append the requests that bring the server to the lines' settings:
 * drive the outputs, stop driving the others, and subscribe to the
 * edges asked for.  @fresh: nothing is held or subscribed yet.
 */
static void settings_requests(struct qgpio_line_request *req, bool fresh,
                              char ***requests, size_t *n)
{
    static const struct {
        enum qgpio_line_edge edge;
        const char *kind;
    } kinds[] = {
        { QGPIO_LINE_EDGE_RISING, "rising" },
        { QGPIO_LINE_EDGE_FALLING, "falling" },
        { QGPIO_LINE_EDGE_BOTH, "both" },
    };
    char *set = NULL, *release = NULL;
    size_t set_len = 0, release_len = 0;

    for (size_t i = 0; i < req->num_lines; i++) {
        struct req_line *line = &req->lines[i];

        if (line->settings.direction == QGPIO_LINE_DIRECTION_OUTPUT) {
            qgpio_append(&set, &set_len, "%s%u=%d", set ? " " : "set ",
                         line->offset,
                         physical(line, line->settings.output_value));
        } else if (!fresh) {
            qgpio_append(&release, &release_len, "%s%u",
                         release ? " " : "release ", line->offset);
        }
    }
    *requests = realloc(*requests, (*n + 6) * sizeof(**requests));
    if (!*requests) {
        abort();
    }
    if (set) {
        (*requests)[(*n)++] = set;
    }
    if (release) {
        (*requests)[(*n)++] = release;
    }
    if (!fresh) {
        (*requests)[(*n)++] = strdup("unsubscribe all");
    }
    for (size_t k = 0; k < 3; k++) {
        char *sub = NULL;
        size_t len = 0;

        for (size_t i = 0; i < req->num_lines; i++) {
            if (physical_edge(&req->lines[i].settings) != kinds[k].edge) {
                continue;
            }
            if (!sub) {
                qgpio_append(&sub, &len, "subscribe %s", kinds[k].kind);
            }
            qgpio_append(&sub, &len, " %u", req->lines[i].offset);
        }
        if (sub) {
            (*requests)[(*n)++] = sub;
        }
    }
}

/* Send @requests pipelined, then read every reply; -1 on the first error. */
static int run_pipelined(struct qgpio_conn *conn, char **requests, size_t n)
{
    int ret = 0, err = 0;
    size_t sent = 0;

    for (; sent < n; sent++) {
        if (qgpio_conn_send(conn, requests[sent]) < 0) {
            return -1;
        }
    }
    for (size_t i = 0; i < sent; i++) {
        struct qgpio_reply reply;

        if (qgpio_conn_recv(conn, &reply) < 0) {
            if (!ret) {
                ret = -1;
                err = errno;
            }
            if (conn->broken) {
                break;
            }
            continue;
        }
        qgpio_reply_clear(&reply);
    }
    errno = err;
    return ret;
}

static void free_requests(char **requests, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(requests[i]);
    }
    free(requests);
}

struct qgpio_line_request *
qgpio_chip_request_lines(struct qgpio_chip *chip,
                         struct qgpio_request_config *req_cfg,
                         struct qgpio_line_config *line_cfg)
{
    struct qgpio_line_request *req;
    char **requests = NULL;
    size_t n = 0;
    char *hello = NULL;
    size_t hello_len = 0;
    int ret;

    if (!line_cfg || !line_cfg->num) {
        return qgpio_fail_null(EINVAL, "no lines to request");
    }
    for (size_t i = 0; i < line_cfg->num; i++) {
        if (line_cfg->offsets[i] >= qgpio_chip_num_lines(chip)) {
            return qgpio_fail_null(EINVAL, "offset %u is out of range (%s "
                                   "has %zu lines)", line_cfg->offsets[i],
                                   qgpio_chip_name(chip),
                                   qgpio_chip_num_lines(chip));
        }
        if (check_settings(line_cfg->offsets[i],
                           &line_cfg->settings[i]) < 0) {
            return NULL;
        }
    }

    req = calloc(1, sizeof(*req));
    if (!req) {
        abort();
    }
    req->chip_name = strdup(qgpio_chip_name(chip));
    req->num_lines = line_cfg->num;
    req->lines = calloc(req->num_lines, sizeof(*req->lines));
    if (!req->chip_name || !req->lines) {
        abort();
    }
    for (size_t i = 0; i < req->num_lines; i++) {
        req->lines[i].offset = line_cfg->offsets[i];
        req->lines[i].settings = line_cfg->settings[i];
    }
    if (qgpio_conn_open(&req->conn, qgpio_chip_get_path(chip)) < 0) {
        goto fail;
    }

    requests = calloc(1, sizeof(*requests));
    if (req_cfg && req_cfg->consumer) {
        qgpio_append(&hello, &hello_len, "hello name=");
        qgpio_quote(&hello, &hello_len, req_cfg->consumer);
        requests[n++] = hello;
    }
    settings_requests(req, true, &requests, &n);
    ret = run_pipelined(&req->conn, requests, n);
    free_requests(requests, n);
    if (ret < 0) {
        goto fail;
    }
    return req;

fail:
    {
        int err = errno;

        qgpio_line_request_release(req);
        errno = err;
        return NULL;
    }
}

void qgpio_line_request_release(struct qgpio_line_request *request)
{
    struct qgpio_reply reply;

    if (!request) {
        return;
    }
    /*
     * Closing the connection would release the lines too, but only once
     * QEMU notices; asking first means they are free when we return.
     */
    if (request->conn.fd >= 0 && !request->conn.broken &&
        qgpio_conn_request(&request->conn, &reply, "release") == 0) {
        qgpio_reply_clear(&reply);
    }
    qgpio_conn_close(&request->conn);
    free(request->lines);
    free(request->chip_name);
    free(request);
}

const char *
qgpio_line_request_get_chip_name(struct qgpio_line_request *request)
{
    return request->chip_name;
}

size_t
qgpio_line_request_get_num_requested_lines(struct qgpio_line_request *request)
{
    return request->num_lines;
}

size_t
qgpio_line_request_get_requested_offsets(struct qgpio_line_request *request,
                                         unsigned int *offsets,
                                         size_t max_offsets)
{
    size_t n = request->num_lines < max_offsets ? request->num_lines
                                                : max_offsets;

    for (size_t i = 0; i < n; i++) {
        offsets[i] = request->lines[i].offset;
    }
    return n;
}

int qgpio_line_request_get_fd(struct qgpio_line_request *request)
{
    return request->conn.fd;
}

/* Values */

int qgpio_line_request_get_values_subset(struct qgpio_line_request *request,
                                         size_t num_values,
                                         const unsigned int *offsets,
                                         enum qgpio_line_value *values)
{
    struct qgpio_reply reply;
    char *get = NULL;
    size_t len = 0;
    int ret;

    if (!num_values) {
        return qgpio_fail(EINVAL, "no lines given");
    }
    for (size_t i = 0; i < num_values; i++) {
        if (!find_line(request, offsets[i])) {
            free(get);
            return qgpio_fail(EINVAL, "line %u is not in the request",
                              offsets[i]);
        }
        qgpio_append(&get, &len, "%s%u", get ? " " : "get ", offsets[i]);
    }
    ret = qgpio_conn_send(&request->conn, get);
    free(get);
    if (ret < 0 || qgpio_conn_recv(&request->conn, &reply) < 0) {
        return -1;
    }
    if (reply.final.argc != num_values + 2) {
        qgpio_reply_clear(&reply);
        return qgpio_fail(EPROTO, "malformed reply to get");
    }
    for (size_t i = 0; i < num_values; i++) {
        const char *eq = strrchr(reply.final.argv[i + 2], '=');
        const struct req_line *line = find_line(request, offsets[i]);

        if (!eq || (strcmp(eq, "=0") && strcmp(eq, "=1"))) {
            qgpio_reply_clear(&reply);
            return qgpio_fail(EPROTO, "malformed reply to get");
        }
        values[i] = (eq[1] == '1') ^ line->settings.active_low;
    }
    qgpio_reply_clear(&reply);
    return 0;
}

enum qgpio_line_value
qgpio_line_request_get_value(struct qgpio_line_request *request,
                             unsigned int offset)
{
    enum qgpio_line_value value;

    if (qgpio_line_request_get_values_subset(request, 1, &offset,
                                             &value) < 0) {
        return QGPIO_LINE_VALUE_ERROR;
    }
    return value;
}

/* The request's offsets, in its order; free with free(). */
static unsigned int *requested_offsets(struct qgpio_line_request *request)
{
    unsigned int *offsets = calloc(request->num_lines, sizeof(*offsets));

    if (!offsets) {
        abort();
    }
    qgpio_line_request_get_requested_offsets(request, offsets,
                                             request->num_lines);
    return offsets;
}

int qgpio_line_request_get_values(struct qgpio_line_request *request,
                                  enum qgpio_line_value *values)
{
    unsigned int *offsets = requested_offsets(request);
    int ret = qgpio_line_request_get_values_subset(request,
                                                   request->num_lines,
                                                   offsets, values);

    free(offsets);
    return ret;
}

int qgpio_line_request_set_values_subset(struct qgpio_line_request *request,
                                         size_t num_values,
                                         const unsigned int *offsets,
                                         const enum qgpio_line_value *values)
{
    struct qgpio_reply reply;
    char *set = NULL;
    size_t len = 0;
    int ret;

    if (!num_values) {
        return qgpio_fail(EINVAL, "no lines given");
    }
    for (size_t i = 0; i < num_values; i++) {
        struct req_line *line = find_line(request, offsets[i]);

        if (!line) {
            free(set);
            return qgpio_fail(EINVAL, "line %u is not in the request",
                              offsets[i]);
        }
        if (line->settings.direction != QGPIO_LINE_DIRECTION_OUTPUT) {
            free(set);
            return qgpio_fail(EPERM, "line %u is not requested as an "
                              "output", offsets[i]);
        }
        if (values[i] != QGPIO_LINE_VALUE_ACTIVE &&
            values[i] != QGPIO_LINE_VALUE_INACTIVE) {
            free(set);
            return qgpio_fail(EINVAL, "invalid value %d", values[i]);
        }
        qgpio_append(&set, &len, "%s%u=%d", set ? " " : "set ", offsets[i],
                     physical(line, values[i]));
    }
    ret = qgpio_conn_send(&request->conn, set);
    free(set);
    if (ret < 0 || qgpio_conn_recv(&request->conn, &reply) < 0) {
        return -1;
    }
    qgpio_reply_clear(&reply);
    for (size_t i = 0; i < num_values; i++) {
        find_line(request, offsets[i])->settings.output_value = values[i];
    }
    return 0;
}

int qgpio_line_request_set_value(struct qgpio_line_request *request,
                                 unsigned int offset,
                                 enum qgpio_line_value value)
{
    return qgpio_line_request_set_values_subset(request, 1, &offset, &value);
}

int qgpio_line_request_set_values(struct qgpio_line_request *request,
                                  const enum qgpio_line_value *values)
{
    unsigned int *offsets = requested_offsets(request);
    int ret = qgpio_line_request_set_values_subset(request,
                                                   request->num_lines,
                                                   offsets, values);

    free(offsets);
    return ret;
}

int qgpio_line_request_reconfigure_lines(struct qgpio_line_request *request,
                                         struct qgpio_line_config *line_cfg)
{
    struct req_line *old;
    char **requests = NULL;
    size_t n = 0;
    int ret;

    if (!line_cfg || !line_cfg->num) {
        return qgpio_fail(EINVAL, "no line configuration given");
    }
    for (size_t i = 0; i < line_cfg->num; i++) {
        if (!find_line(request, line_cfg->offsets[i])) {
            return qgpio_fail(EINVAL, "line %u is not in the request",
                              line_cfg->offsets[i]);
        }
        if (check_settings(line_cfg->offsets[i],
                           &line_cfg->settings[i]) < 0) {
            return -1;
        }
    }
    old = malloc(request->num_lines * sizeof(*old));
    if (!old) {
        abort();
    }
    memcpy(old, request->lines, request->num_lines * sizeof(*old));
    /* Lines the new configuration leaves out get the defaults. */
    for (size_t i = 0; i < request->num_lines; i++) {
        qgpio_line_settings_reset(&request->lines[i].settings);
    }
    for (size_t i = 0; i < line_cfg->num; i++) {
        find_line(request, line_cfg->offsets[i])->settings =
            line_cfg->settings[i];
    }
    settings_requests(request, false, &requests, &n);
    /*
     * Driving the new outputs is what can be refused (busy lines):
     * done first and alone, a refusal leaves everything as it was.
     */
    if (n && !strncmp(requests[0], "set ", 4)) {
        ret = run_pipelined(&request->conn, requests, 1);
        if (ret == 0) {
            ret = run_pipelined(&request->conn, requests + 1, n - 1);
        }
    } else {
        ret = run_pipelined(&request->conn, requests, n);
    }
    free_requests(requests, n);
    if (ret < 0) {
        int err = errno;

        memcpy(request->lines, old, request->num_lines * sizeof(*old));
        errno = err;
    }
    free(old);
    return ret;
}

/* Edge events */

static bool edge_from_msg(struct qgpio_line_request *request,
                          const struct qgpio_msg *msg,
                          struct qgpio_edge_event *ev);

/* An edge of ours is delivered; an overflow notice is counted. */
static bool edge_deliverable(void *opaque, struct qgpio_msg *msg)
{
    struct qgpio_line_request *request = opaque;
    struct qgpio_edge_event ev;
    uint64_t lost;

    if (msg->argc > 1 && !strcmp(msg->argv[1], "overflow") &&
        qgpio_msg_get_u64(msg, "lost", &lost)) {
        request->lost += lost;
        return false;
    }
    return edge_from_msg(request, msg, &ev);
}

int qgpio_line_request_wait_edge_events(struct qgpio_line_request *request,
                                        int64_t timeout_ns)
{
    return qgpio_conn_wait_deliverable(&request->conn, timeout_ns,
                                       edge_deliverable, request);
}

static bool edge_from_msg(struct qgpio_line_request *request,
                          const struct qgpio_msg *msg,
                          struct qgpio_edge_event *ev)
{
    uint64_t offset, level, seqno, line_seqno, guest_ns, host_ns;
    const struct req_line *line;

    if (msg->argc < 2 || strcmp(msg->argv[1], "edge") ||
        !qgpio_msg_get_u64(msg, "offset", &offset) ||
        !qgpio_msg_get_u64(msg, "level", &level) ||
        !qgpio_msg_get_u64(msg, "seqno", &seqno) ||
        !qgpio_msg_get_u64(msg, "line-seqno", &line_seqno) ||
        !qgpio_msg_get_u64(msg, "guest-ns", &guest_ns) ||
        !qgpio_msg_get_u64(msg, "host-ns", &host_ns)) {
        return false;
    }
    line = find_line(request, offset);
    if (!line) {
        return false;
    }
    ev->offset = offset;
    ev->type = (level != 0) ^ line->settings.active_low ?
               QGPIO_EDGE_EVENT_RISING_EDGE : QGPIO_EDGE_EVENT_FALLING_EDGE;
    ev->timestamp_ns = line->settings.clock == QGPIO_LINE_CLOCK_REALTIME ?
                       host_ns : guest_ns;
    ev->global_seqno = seqno;
    ev->line_seqno = line_seqno;
    return true;
}

int qgpio_line_request_read_edge_events(struct qgpio_line_request *request,
                                        struct qgpio_edge_event_buffer *buffer,
                                        size_t max_events)
{
    struct qgpio_msg_list *events = &request->conn.events;
    size_t max = max_events < buffer->capacity ? max_events
                                               : buffer->capacity;

    buffer->num = 0;
    if (qgpio_line_request_wait_edge_events(request, -1) < 0) {
        return -1;
    }
    /* Take whatever else is already there in the same read. */
    qgpio_conn_poll(&request->conn);
    while (buffer->num < max && qgpio_msg_list_count(events)) {
        struct qgpio_msg msg;

        if (edge_deliverable(request, &events->msgs[events->head])) {
            edge_from_msg(request, &events->msgs[events->head],
                          &buffer->events[buffer->num++]);
        }
        qgpio_msg_list_shift(events, &msg);
        qgpio_msg_clear(&msg);
    }
    return buffer->num;
}

uint64_t qgpio_line_request_get_lost_events(struct qgpio_line_request *request)
{
    return request->lost;
}

void qgpio_edge_event_free(struct qgpio_edge_event *event)
{
    free(event);
}

struct qgpio_edge_event *qgpio_edge_event_copy(struct qgpio_edge_event *event)
{
    struct qgpio_edge_event *copy = malloc(sizeof(*copy));

    if (!copy) {
        abort();
    }
    *copy = *event;
    return copy;
}

enum qgpio_edge_event_type
qgpio_edge_event_get_event_type(struct qgpio_edge_event *event)
{
    return event->type;
}

uint64_t qgpio_edge_event_get_timestamp_ns(struct qgpio_edge_event *event)
{
    return event->timestamp_ns;
}

unsigned int qgpio_edge_event_get_line_offset(struct qgpio_edge_event *event)
{
    return event->offset;
}

unsigned long qgpio_edge_event_get_global_seqno(struct qgpio_edge_event *event)
{
    return event->global_seqno;
}

unsigned long qgpio_edge_event_get_line_seqno(struct qgpio_edge_event *event)
{
    return event->line_seqno;
}

struct qgpio_edge_event_buffer *qgpio_edge_event_buffer_new(size_t capacity)
{
    struct qgpio_edge_event_buffer *buffer = calloc(1, sizeof(*buffer));

    if (!capacity) {
        capacity = 64;
    }
    if (!buffer) {
        abort();
    }
    buffer->capacity = capacity;
    buffer->events = calloc(capacity, sizeof(*buffer->events));
    if (!buffer->events) {
        abort();
    }
    return buffer;
}

size_t
qgpio_edge_event_buffer_get_capacity(struct qgpio_edge_event_buffer *buffer)
{
    return buffer->capacity;
}

void qgpio_edge_event_buffer_free(struct qgpio_edge_event_buffer *buffer)
{
    if (buffer) {
        free(buffer->events);
        free(buffer);
    }
}

struct qgpio_edge_event *
qgpio_edge_event_buffer_get_event(struct qgpio_edge_event_buffer *buffer,
                                  unsigned long index)
{
    if (index >= buffer->num) {
        return qgpio_fail_null(EINVAL, "no event %lu in the buffer", index);
    }
    return &buffer->events[index];
}

size_t
qgpio_edge_event_buffer_get_num_events(struct qgpio_edge_event_buffer *buffer)
{
    return buffer->num;
}

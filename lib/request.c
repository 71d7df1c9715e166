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

/* The most requests settings_requests() makes, and a hello. */
#define MAX_SETUP_REQUESTS 8

/* Append to @requests the "subscribe KIND" of the lines whose edge is @edge. */
static int subscribe_request(struct qgpio_line_request *req,
                             enum qgpio_line_edge edge, const char *kind,
                             char **requests, size_t *n)
{
    char *sub = NULL;
    size_t len = 0;

    for (size_t i = 0; i < req->num_lines; i++) {
        if (physical_edge(&req->lines[i].settings) != edge) {
            continue;
        }
        if ((!sub && qgpio_append(&sub, &len, "subscribe %s", kind) < 0) ||
            qgpio_append(&sub, &len, " %u", req->lines[i].offset) < 0) {
            free(sub);
            return -1;
        }
    }
    if (sub) {
        requests[(*n)++] = sub;
    }
    return 0;
}

/*
 * Append to @requests (room for MAX_SETUP_REQUESTS) the requests that
 * bring the server to the lines' settings: drive the outputs, stop
 * driving the others, and subscribe to the edges asked for.  @fresh:
 * nothing is held or subscribed yet.  On failure, what was appended is
 * the caller's to free, with free_requests().
 */
static int settings_requests(struct qgpio_line_request *req, bool fresh,
                             char **requests, size_t *n)
{
    char *set = NULL, *release = NULL;
    size_t set_len = 0, release_len = 0;
    int ret = 0;

    for (size_t i = 0; i < req->num_lines && ret == 0; i++) {
        struct req_line *line = &req->lines[i];

        if (line->settings.direction == QGPIO_LINE_DIRECTION_OUTPUT) {
            ret = qgpio_append(&set, &set_len, "%s%u=%d", set ? " " : "set ",
                               line->offset,
                               physical(line, line->settings.output_value));
        } else if (!fresh) {
            ret = qgpio_append(&release, &release_len, "%s%u",
                               release ? " " : "release ", line->offset);
        }
    }
    if (ret < 0) {
        free(set);
        free(release);
        return -1;
    }
    if (set) {
        requests[(*n)++] = set;
    }
    if (release) {
        requests[(*n)++] = release;
    }
    if (!fresh) {
        if (qgpio_strdup(&requests[*n], "unsubscribe all") < 0) {
            return -1;
        }
        (*n)++;
    }
    if (subscribe_request(req, QGPIO_LINE_EDGE_RISING, "rising",
                          requests, n) < 0 ||
        subscribe_request(req, QGPIO_LINE_EDGE_FALLING, "falling",
                          requests, n) < 0 ||
        subscribe_request(req, QGPIO_LINE_EDGE_BOTH, "both",
                          requests, n) < 0) {
        return -1;
    }
    return 0;
}

/*
 * Send @requests pipelined, then read every reply; -1 on the first error.
 * *@all_accepted tells whether the server accepted every one (true even
 * if reading a reply then ran out of memory).
 */
static int run_pipelined(struct qgpio_conn *conn, char **requests, size_t n,
                         bool *all_accepted)
{
    int ret = 0, err = 0;
    size_t sent = 0;

    *all_accepted = false;
    for (; sent < n; sent++) {
        if (qgpio_conn_send(conn, requests[sent]) < 0) {
            return -1;
        }
    }
    *all_accepted = true;
    for (size_t i = 0; i < sent; i++) {
        bool accepted;

        if (qgpio_conn_recv_status(conn, &accepted) < 0 && !ret) {
            ret = -1;
            err = errno;
        }
        *all_accepted &= accepted;
        if (conn->broken) {
            *all_accepted = false;
            break;
        }
    }
    errno = err;
    return ret;
}

static void free_requests(char **requests, size_t n)
{
    if (!requests) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        free(requests[i]);
    }
    free(requests);
}

/* The "hello" that names a request's connection after its consumer. */
static int hello_request(const char *consumer, char **requests, size_t *n)
{
    char *hello = NULL;
    size_t len = 0;

    if (qgpio_append(&hello, &len, "hello name=") < 0 ||
        qgpio_quote(&hello, &len, consumer) < 0) {
        free(hello);
        return -1;
    }
    requests[(*n)++] = hello;
    return 0;
}

/* A request with the lines of @line_cfg, not connected yet. */
static struct qgpio_line_request *
request_new(struct qgpio_chip *chip, struct qgpio_line_config *line_cfg)
{
    struct qgpio_line_request *req = calloc(1, sizeof(*req));

    if (!req) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    req->conn.fd = -1;
    req->num_lines = line_cfg->num;
    req->lines = calloc(req->num_lines, sizeof(*req->lines));
    if (!req->lines || qgpio_strdup(&req->chip_name,
                                    qgpio_chip_name(chip)) < 0) {
        qgpio_line_request_release(req);
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < req->num_lines; i++) {
        req->lines[i].offset = line_cfg->offsets[i];
        req->lines[i].settings = line_cfg->settings[i];
    }
    return req;
}

struct qgpio_line_request *
qgpio_chip_request_lines(struct qgpio_chip *chip,
                         struct qgpio_request_config *req_cfg,
                         struct qgpio_line_config *line_cfg)
{
    struct qgpio_line_request *req;
    char **requests = NULL;
    size_t n = 0;
    bool accepted;

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

    req = request_new(chip, line_cfg);
    if (!req) {
        return NULL;
    }
    if (qgpio_conn_open(&req->conn, qgpio_chip_get_path(chip),
                        req_cfg ? req_cfg->event_buffer_size
                                : QGPIO_EVENT_BUFFER_SIZE_DEFAULT) < 0) {
        goto fail;
    }
    requests = calloc(MAX_SETUP_REQUESTS, sizeof(*requests));
    if (!requests) {
        qgpio_fail(ENOMEM, "out of memory");
        goto fail;
    }
    if ((req_cfg && req_cfg->consumer &&
         hello_request(req_cfg->consumer, requests, &n) < 0) ||
        settings_requests(req, true, requests, &n) < 0 ||
        run_pipelined(&req->conn, requests, n, &accepted) < 0) {
        goto fail;
    }
    free_requests(requests, n);
    return req;

fail:
    {
        int err = errno;

        free_requests(requests, n);
        qgpio_line_request_release(req);
        errno = err;
        return NULL;
    }
}

void qgpio_line_request_release(struct qgpio_line_request *request)
{
    if (!request) {
        return;
    }
    /*
     * Closing the connection would release the lines too, but only once
     * QEMU notices; asking first means they are free when we return.
     */
    if (request->conn.fd >= 0 && !request->conn.broken) {
        qgpio_conn_request_status(&request->conn, NULL, "release");
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
        if (qgpio_append(&get, &len, "%s%u", get ? " " : "get ",
                         offsets[i]) < 0) {
            free(get);
            return -1;
        }
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
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    qgpio_line_request_get_requested_offsets(request, offsets,
                                             request->num_lines);
    return offsets;
}

int qgpio_line_request_get_values(struct qgpio_line_request *request,
                                  enum qgpio_line_value *values)
{
    unsigned int *offsets = requested_offsets(request);
    int ret;

    if (!offsets) {
        return -1;
    }
    ret = qgpio_line_request_get_values_subset(request, request->num_lines,
                                               offsets, values);
    free(offsets);
    return ret;
}

int qgpio_line_request_set_values_subset(struct qgpio_line_request *request,
                                         size_t num_values,
                                         const unsigned int *offsets,
                                         const enum qgpio_line_value *values)
{
    char *set = NULL;
    size_t len = 0;
    bool accepted;
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
        if (qgpio_append(&set, &len, "%s%u=%d", set ? " " : "set ",
                         offsets[i], physical(line, values[i])) < 0) {
            free(set);
            return -1;
        }
    }
    ret = qgpio_conn_send(&request->conn, set);
    free(set);
    if (ret < 0) {
        return -1;
    }
    ret = qgpio_conn_recv_status(&request->conn, &accepted);
    /* What QEMU drives now, even if its reply could not be read whole. */
    if (accepted) {
        for (size_t i = 0; i < num_values; i++) {
            find_line(request, offsets[i])->settings.output_value = values[i];
        }
    }
    return ret;
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
    int ret;

    if (!offsets) {
        return -1;
    }
    ret = qgpio_line_request_set_values_subset(request, request->num_lines,
                                               offsets, values);
    free(offsets);
    return ret;
}

/*
 * Send the requests that bring the server to the request's new settings.
 * Driving the new outputs is what can be refused (busy lines): done
 * first and alone, a refusal leaves everything as it was.
 */
static int run_reconfigure(struct qgpio_line_request *request,
                           char **requests, size_t n, bool *all_accepted)
{
    size_t first = n && !strncmp(requests[0], "set ", 4) ? 1 : 0;
    int ret = 0, err = 0;

    if (first) {
        ret = run_pipelined(&request->conn, requests, 1, all_accepted);
        if (ret < 0 && !*all_accepted) {
            return -1;
        }
        err = errno;
    }
    /* Taken but not read whole: the rest must follow all the same. */
    if (run_pipelined(&request->conn, requests + first, n - first,
                      all_accepted) < 0) {
        return -1;
    }
    errno = err;
    return ret;
}

int qgpio_line_request_reconfigure_lines(struct qgpio_line_request *request,
                                         struct qgpio_line_config *line_cfg)
{
    struct req_line *old;
    char **requests;
    size_t n = 0;
    bool accepted;
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
    requests = calloc(MAX_SETUP_REQUESTS, sizeof(*requests));
    if (!old || !requests) {
        free(old);
        free(requests);
        return qgpio_fail(ENOMEM, "out of memory");
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
    ret = settings_requests(request, false, requests, &n);
    accepted = false;
    if (ret == 0) {
        ret = run_reconfigure(request, requests, n, &accepted);
    }
    free_requests(requests, n);
    /*
     * Undone unless the server took every request: then its state is
     * the new one even if a reply could not be read whole.
     */
    if (ret < 0 && !accepted) {
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
    /*
     * Take whatever else is already there in the same read.  A closed
     * connection is reported by the next read, after its last events;
     * running out of memory now, with nothing taken yet, is reported now.
     */
    if (qgpio_conn_poll(&request->conn) < 0 && errno == ENOMEM) {
        return -1;
    }
    while (buffer->num < max && qgpio_msg_list_count(events)) {
        struct qgpio_msg *first = qgpio_msg_list_at(events, 0);
        struct qgpio_msg msg;

        if (edge_deliverable(request, first)) {
            edge_from_msg(request, first, &buffer->events[buffer->num++]);
        }
        qgpio_msg_list_shift(events, &msg);
        qgpio_msg_clear(&msg);
    }
    return buffer->num;
}

uint64_t qgpio_line_request_get_lost_events(struct qgpio_line_request *request)
{
    /* QEMU's count, as its notices were read, and the library's. */
    return request->lost + request->conn.events_lost;
}

void qgpio_edge_event_free(struct qgpio_edge_event *event)
{
    free(event);
}

struct qgpio_edge_event *qgpio_edge_event_copy(struct qgpio_edge_event *event)
{
    struct qgpio_edge_event *copy = malloc(sizeof(*copy));

    if (!copy) {
        return qgpio_fail_null(ENOMEM, "out of memory");
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
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    buffer->capacity = capacity;
    buffer->events = calloc(capacity, sizeof(*buffer->events));
    if (!buffer->events) {
        free(buffer);
        return qgpio_fail_null(ENOMEM, "out of memory");
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

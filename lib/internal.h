/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of libqemu-gpio shared between its source files. */

#ifndef QGPIO_INTERNAL_H
#define QGPIO_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qemu-gpio.h"

#define QGPIO_PROTOCOL_VERSION 1

/* errors.c */
/* Set errno to @err and the thread's message; returns -1. */
int qgpio_fail(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same, returning NULL. */
void *qgpio_fail_null(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * One message of the protocol, split into words: argv[0] is its kind
 * ("ok", "err", "line", "event", "hello", ...), and key=value words can
 * be looked up with qgpio_msg_get().
 */
struct qgpio_msg {
    char *buf;
    size_t argc;
    char **argv;
};

int qgpio_msg_parse(const char *line, struct qgpio_msg *msg);
void qgpio_msg_clear(struct qgpio_msg *msg);
const char *qgpio_msg_get(const struct qgpio_msg *msg, const char *key);
/* The value of @key as a number; false if absent or malformed. */
bool qgpio_msg_get_u64(const struct qgpio_msg *msg, const char *key,
                       uint64_t *value);

/* Append @s to @out, quoted if the protocol needs it. */
void qgpio_quote(char **out, size_t *len, const char *s);

/* A list of protocol messages. */
struct qgpio_msg_list {
    struct qgpio_msg *msgs;
    /* The messages are msgs[head] to msgs[len - 1]. */
    size_t head, len, cap;
};

static inline size_t qgpio_msg_list_count(const struct qgpio_msg_list *list)
{
    return list->len - list->head;
}

void qgpio_msg_list_push(struct qgpio_msg_list *list, struct qgpio_msg *msg);
/* Moves the first message to @msg; false if the list is empty. */
bool qgpio_msg_list_shift(struct qgpio_msg_list *list, struct qgpio_msg *msg);
void qgpio_msg_list_clear(struct qgpio_msg_list *list);

/*
 * A connection to a gpiodev socket.  Replies come back in the order of
 * the requests; events can come at any time and are queued.
 */
struct qgpio_conn {
    int fd;
    /* Received bytes: in[in_start] to in[in_len - 1] are not parsed. */
    char *in;
    size_t in_start, in_len, in_cap;
    struct qgpio_msg_list events;
    /* Requests sent whose final reply has not been read. */
    unsigned int pending;
    unsigned int next_tag;
    int timeout_ms;
    /* The server closed or the stream is out of step: nothing works. */
    bool broken;
};

/* A final reply and the "line" messages that came before it. */
struct qgpio_reply {
    struct qgpio_msg final;
    struct qgpio_msg_list lines;
};

int qgpio_conn_open(struct qgpio_conn *conn, const char *path);
void qgpio_conn_close(struct qgpio_conn *conn);
/* Send requests (pipelined: the replies are read later, in order). */
int qgpio_conn_send(struct qgpio_conn *conn, const char *request);
/* The next reply; -1 with a server error mapped to errno on "err". */
int qgpio_conn_recv(struct qgpio_conn *conn, struct qgpio_reply *reply);
int qgpio_conn_request(struct qgpio_conn *conn, struct qgpio_reply *reply,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qgpio_reply_clear(struct qgpio_reply *reply);
/* Read what is there without blocking, queueing events. */
int qgpio_conn_poll(struct qgpio_conn *conn);
/* 1 when an event is queued, 0 on timeout (ns, negative: forever). */
int qgpio_conn_wait_event(struct qgpio_conn *conn, int64_t timeout_ns);
/*
 * Wait for an event that @deliverable accepts, dropping the others
 * (after passing them to @deliverable, which may account for them).
 */
int qgpio_conn_wait_deliverable(struct qgpio_conn *conn, int64_t timeout_ns,
                                bool (*deliverable)(void *opaque,
                                                    struct qgpio_msg *msg),
                                void *opaque);
/* CLOCK_MONOTONIC, in ns. */
int64_t qgpio_now_ns(void);

/* Growable strings */
void qgpio_append(char **out, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* line info, shared by chip.c and request.c */
struct qgpio_line_info {
    unsigned int offset;
    char *name;
    bool present;
    char *consumer;
    enum qgpio_line_direction direction;
    enum qgpio_line_drive drive;
    enum qgpio_line_bias bias;
    enum qgpio_line_interrupt interrupt;
    enum qgpio_line_value value;
};

int qgpio_line_info_from_msg(const struct qgpio_msg *msg,
                             struct qgpio_line_info *info);
/* Update the fields an "event config" carries. */
int qgpio_line_info_apply_config(struct qgpio_line_info *info,
                                 const struct qgpio_msg *msg);

struct qgpio_line_settings {
    enum qgpio_line_direction direction;
    enum qgpio_line_edge edge;
    bool active_low;
    enum qgpio_line_clock clock;
    enum qgpio_line_value output_value;
};

struct qgpio_line_config {
    size_t num;
    unsigned int *offsets;
    struct qgpio_line_settings *settings;
};

struct qgpio_request_config {
    char *consumer;
    size_t event_buffer_size;
};

/* Offsets and names of a chip, for requests and name lookup. */
size_t qgpio_chip_num_lines(struct qgpio_chip *chip);
const char *qgpio_chip_name(struct qgpio_chip *chip);

#endif /* QGPIO_INTERNAL_H */

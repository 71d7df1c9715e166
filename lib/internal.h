/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of libqemu-gpio shared between its source files. */

#ifndef QGPIO_INTERNAL_H
#define QGPIO_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qemu-gpio.h"

#define QGPIO_PROTOCOL_VERSION 1

/*
 * The most lines a chip may have: a chip keeps a slot per line, so a
 * larger count from a server is taken as a malformed reply.  Real
 * controllers have a few hundred.
 */
#define QGPIO_MAX_LINES 65536

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

/*
 * Split the @len bytes at @line (no LF) into @msg.  -1 with EPROTO for a
 * malformed line, or with ENOMEM; @msg then holds nothing to clear.
 */
int qgpio_msg_parse(const char *line, size_t len, struct qgpio_msg *msg);
void qgpio_msg_clear(struct qgpio_msg *msg);
const char *qgpio_msg_get(const struct qgpio_msg *msg, const char *key);
/* The value of @key as a number; false if absent or malformed. */
bool qgpio_msg_get_u64(const struct qgpio_msg *msg, const char *key,
                       uint64_t *value);

/*
 * Append @s to @out, quoted if the protocol needs it.  -1 with ENOMEM,
 * and then *@out and *@len are as they were.
 */
int qgpio_quote(char **out, size_t *len, const char *s);

/* A first-in first-out list of protocol messages, in a ring. */
struct qgpio_msg_list {
    struct qgpio_msg *msgs;
    /* The messages are msgs[head], msgs[(head + 1) % size], ... */
    size_t head, count, size;
};

static inline size_t qgpio_msg_list_count(const struct qgpio_msg_list *list)
{
    return list->count;
}

/* The @i-th message from the first; @i must be less than the count. */
static inline struct qgpio_msg *
qgpio_msg_list_at(const struct qgpio_msg_list *list, size_t i)
{
    return &list->msgs[(list->head + i) % list->size];
}

/* Move @msg to the end; -1 with ENOMEM, and then @msg is still the caller's. */
int qgpio_msg_list_push(struct qgpio_msg_list *list, struct qgpio_msg *msg);
/* Moves the first message to @msg; false if the list is empty. */
bool qgpio_msg_list_shift(struct qgpio_msg_list *list, struct qgpio_msg *msg);
void qgpio_msg_list_clear(struct qgpio_msg_list *list);

/*
 * What a connection holds of its input: the longest line, and one read
 * more, so that a line that is not complete yet always has room.
 */
#define QGPIO_CONN_IN_SIZE (QGPIO_MAX_LINE_LENGTH + 4096)

/*
 * A connection to a gpiodev socket.  Replies come back in the order of
 * the requests; events can come at any time and are queued.
 */
struct qgpio_conn {
    int fd;
    /*
     * Received bytes, QGPIO_CONN_IN_SIZE of room allocated once, so that
     * reading never allocates: in[in_start] to in[in_len - 1] are not
     * parsed.
     */
    char *in;
    size_t in_start, in_len;
    /*
     * Events received and not read yet, at most events_max: past that,
     * the oldest is dropped and counted in events_lost (an overflow
     * notice counts as the events it reports).
     */
    struct qgpio_msg_list events;
    size_t events_max;
    uint64_t events_lost;
    /* Requests sent whose final reply has not been read. */
    unsigned int pending;
    unsigned int next_tag;
    int timeout_ms;
    /* The server closed or the stream is out of step: nothing works. */
    bool broken;
    /* TLS over @fd, or NULL (tls.c). */
    struct qgpio_tls *tls;
};

/* tls.c */
/* Whether connections to tcp: chips use TLS ($QEMU_GPIO_TLS_CA set). */
bool qgpio_tls_wanted(void);
/* TLS over @conn->fd, the server's certificate checked against @host. */
int qgpio_tls_start(struct qgpio_conn *conn, const char *host,
                    int64_t deadline_ms);
/* As read(2) and write(2) on the socket: EAGAIN, 0 for EOF. */
ssize_t qgpio_tls_recv(struct qgpio_conn *conn, void *buf, size_t len);
ssize_t qgpio_tls_send(struct qgpio_conn *conn, const void *buf, size_t len);
/* Decrypted bytes wait in TLS, which poll() cannot see. */
bool qgpio_tls_pending(struct qgpio_conn *conn);
void qgpio_tls_end(struct qgpio_conn *conn);

/* A final reply and the "line" messages that came before it. */
struct qgpio_reply {
    struct qgpio_msg final;
    struct qgpio_msg_list lines;
    /*
     * The server answered "ok": what it did is done, even when the call
     * fails because the library ran out of memory reading the reply.
     */
    bool accepted;
};

/* Connect and read the greeting; the events queue holds @events_max. */
int qgpio_conn_open(struct qgpio_conn *conn, const char *path,
                    size_t events_max);
void qgpio_conn_close(struct qgpio_conn *conn);
/*
 * Send requests (pipelined: the replies are read later, in order).
 * Sending allocates nothing: it fails only if the connection does.
 */
int qgpio_conn_send(struct qgpio_conn *conn, const char *request);
/*
 * The next reply; -1 with a server error mapped to errno on "err", or
 * with ENOMEM (reply->accepted then tells what the server said).  Every
 * failure but a broken connection leaves the stream in step: the whole
 * reply has been read.
 */
int qgpio_conn_recv(struct qgpio_conn *conn, struct qgpio_reply *reply);
/* The same for a reply whose words are not needed: only ok or err. */
int qgpio_conn_recv_status(struct qgpio_conn *conn, bool *accepted);
int qgpio_conn_request(struct qgpio_conn *conn, struct qgpio_reply *reply,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Send a request and read its status, as qgpio_conn_recv_status(). */
int qgpio_conn_request_status(struct qgpio_conn *conn, bool *accepted,
                              const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qgpio_reply_clear(struct qgpio_reply *reply);
/*
 * Read what is there without blocking, queueing events while the queue
 * has room (the rest waits in the socket, and in QEMU).
 */
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

/*
 * Growable strings: -1 with ENOMEM, and then *@out and *@len are as they
 * were (the caller still frees *@out).
 */
int qgpio_append(char **out, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* strdup() that reports ENOMEM through qgpio_fail(); NULL gives NULL. */
int qgpio_strdup(char **out, const char *s);

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

/* -1 with EPROTO for a malformed message, or with ENOMEM. */
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

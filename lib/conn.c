// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A connection to a gpiodev socket: the greeting, tagged requests and
 * their replies in order, and a queue for the events that come between.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int64_t qgpio_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t now_ms(void)
{
    return qgpio_now_ns() / 1000000;
}

static int broken(struct qgpio_conn *conn, int err, const char *what)
{
    conn->broken = true;
    return qgpio_fail(err, "%s", what);
}

/* Bytes received and not parsed. */
static const char *conn_unparsed(const struct qgpio_conn *conn, size_t *len)
{
    *len = conn->in_len - conn->in_start;
    return conn->in + conn->in_start;
}

/*
 * The first line of the input, not taken yet: 1 and its length (without
 * the LF) when it is complete, 0 when it is not, -1 when it is longer
 * than the protocol allows, which breaks the connection: a server that
 * sends such a line cannot be kept in step, nor its line be kept whole.
 */
static int conn_front_line(struct qgpio_conn *conn, const char **line,
                           size_t *len)
{
    size_t avail;
    const char *start = conn_unparsed(conn, &avail);
    const char *nl = avail ? memchr(start, '\n', avail) : NULL;
    size_t line_len = nl ? (size_t)(nl - start) : avail;

    *line = start;
    *len = line_len;
    /* An incomplete line still needs its LF: at the limit, it is over. */
    if (line_len + 1 > QGPIO_MAX_LINE_LENGTH) {
        conn->broken = true;
        return qgpio_fail(EPROTO, "the server sent a line longer than %d "
                          "bytes", QGPIO_MAX_LINE_LENGTH);
    }
    return nl != NULL;
}

/* Drop the first line, of @len bytes without its LF. */
static void conn_consume_line(struct qgpio_conn *conn, size_t len)
{
    conn->in_start += len + 1;
    if (conn->in_start == conn->in_len) {
        conn->in_start = conn->in_len = 0;
    }
}

/* The room left for reading, once what is parsed is moved out. */
static size_t conn_room(struct qgpio_conn *conn)
{
    if (conn->in_start) {
        memmove(conn->in, conn->in + conn->in_start,
                conn->in_len - conn->in_start);
        conn->in_len -= conn->in_start;
        conn->in_start = 0;
    }
    return QGPIO_CONN_IN_SIZE - conn->in_len;
}

/*
 * Read what the socket has, waiting until @deadline (ms, CLOCK_MONOTONIC;
 * 0: do not wait; -1: forever) for at least one byte.  Returns 1 when
 * bytes were read, 0 when none came in time or the input buffer is full
 * of lines not taken yet.  Never allocates.
 */
static int conn_fill(struct qgpio_conn *conn, int64_t deadline)
{
    size_t room;
    ssize_t n;

    if (conn->broken) {
        return qgpio_fail(EPIPE, "the connection to the server is closed");
    }
    room = conn_room(conn);
    if (!room) {
        return 0;
    }
    for (;;) {
        struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
        int64_t left = deadline > now_ms() ? deadline - now_ms() : 0;
        int wait = deadline < 0 ? -1 : deadline == 0 ? 0 :
                   (int)(left < INT_MAX ? left : INT_MAX);
        int ret = qgpio_tls_pending(conn) ? 1 : poll(&pfd, 1, wait);

        if (ret < 0 && errno == EINTR) {
            continue;
        }
        if (ret < 0) {
            return qgpio_fail(errno, "poll: %s", strerror(errno));
        }
        if (ret == 0) {
            return 0;
        }
        n = conn->tls ? qgpio_tls_recv(conn, conn->in + conn->in_len, room)
                      : read(conn->fd, conn->in + conn->in_len, room);
        if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
            break;
        }
        /* Part of a TLS record, or a spurious wakeup: wait for more. */
        if (!deadline) {
            return 0;
        }
    }
    if (n < 0) {
        return broken(conn, errno, "reading from the server failed");
    }
    if (n == 0) {
        return broken(conn, ECONNRESET, "the server closed the connection");
    }
    conn->in_len += n;
    return 1;
}

static bool is_event(const char *line, size_t len)
{
    return len >= 6 && !memcmp(line, "event ", 6);
}

/*
 * How many events an unparsed event line stands for: an overflow notice
 * for the ones it counts, anything else for itself.  Read from the raw
 * line, so that an event can be counted when there is no memory to
 * parse it.
 */
static uint64_t raw_event_weight(const char *line, size_t len)
{
    static const char overflow[] = "event overflow ";
    const char *end = line + len, *p;
    uint64_t lost = 0;

    if (len < sizeof(overflow) - 1 ||
        memcmp(line, overflow, sizeof(overflow) - 1)) {
        return 1;
    }
    for (p = line; p + 6 <= end; p++) {
        if (!memcmp(p, " lost=", 6)) {
            for (p += 6; p < end && *p >= '0' && *p <= '9'; p++) {
                lost = lost * 10 + (*p - '0');
            }
            return lost;
        }
    }
    return 1;
}

/* The number of events a parsed event message stands for. */
static uint64_t event_weight(const struct qgpio_msg *msg)
{
    uint64_t lost;

    if (msg->argc > 1 && !strcmp(msg->argv[1], "overflow") &&
        qgpio_msg_get_u64(msg, "lost", &lost)) {
        return lost;
    }
    return 1;
}

/* Queue @msg, dropping the oldest event if the queue is full. */
static int conn_queue_event(struct qgpio_conn *conn, struct qgpio_msg *msg)
{
    struct qgpio_msg oldest;

    if (qgpio_msg_list_count(&conn->events) >= conn->events_max &&
        qgpio_msg_list_shift(&conn->events, &oldest)) {
        conn->events_lost += event_weight(&oldest);
        qgpio_msg_clear(&oldest);
    }
    /* After a drop there is room, and pushing cannot fail. */
    return qgpio_msg_list_push(&conn->events, msg);
}

/*
 * Queue the events at the front of the input, up to the next reply.
 * Waiting for a reply (@nomem given), everything before it must go: an
 * event that cannot be parsed or queued for lack of memory is dropped,
 * counted, and *@nomem set.  Otherwise an event waits in the input while
 * the queue is full, and a lack of memory fails with ENOMEM, the event
 * still there.  -1 also when the input breaks the protocol.
 */
static int conn_take_events(struct qgpio_conn *conn, bool *nomem)
{
    for (;;) {
        struct qgpio_msg msg;
        const char *line;
        size_t len;
        int ret = conn_front_line(conn, &line, &len);

        if (ret <= 0) {
            return ret;
        }
        if (!is_event(line, len)) {
            return 0;
        }
        if (!nomem &&
            qgpio_msg_list_count(&conn->events) >= conn->events_max) {
            return 0;
        }
        ret = qgpio_msg_parse(line, len, &msg);
        if (ret == 0) {
            ret = conn_queue_event(conn, &msg);
            qgpio_msg_clear(&msg);
        }
        if (ret < 0 && errno != ENOMEM) {
            conn->broken = true;
            return -1;
        }
        if (ret < 0 && !nomem) {
            return -1;
        }
        if (ret < 0) {
            *nomem = true;
            conn->events_lost += raw_event_weight(line, len);
        }
        conn_consume_line(conn, len);
    }
}

/*
 * In the event paths, the input must hold only events: a reply there
 * answers no request (the library reads every reply before it returns).
 */
static int conn_check_no_reply(struct qgpio_conn *conn)
{
    const char *line;
    size_t len;
    int ret = conn_front_line(conn, &line, &len);

    if (ret < 0) {
        return -1;
    }
    if (ret == 1 && !is_event(line, len)) {
        return broken(conn, EPROTO, "the server sent a reply to no "
                      "request");
    }
    return 0;
}

static int conn_timeout_ms(void)
{
    const char *env = getenv("QEMU_GPIO_TIMEOUT_MS");
    long v = env ? strtol(env, NULL, 10) : 0;

    return v > 0 ? (int)v : QGPIO_REPLY_TIMEOUT_MS;
}

/*
 * The next line that is not an event, waiting until @deadline; it stays
 * in the input until conn_consume_line().  Events before it are queued
 * (see conn_take_events() for @nomem).
 */
static int conn_next_reply_line(struct qgpio_conn *conn, int64_t deadline,
                                const char **line, size_t *len, bool *nomem)
{
    for (;;) {
        int ret;

        if (conn_take_events(conn, nomem) < 0) {
            return -1;
        }
        ret = conn_front_line(conn, line, len);
        if (ret != 0) {
            return ret < 0 ? -1 : 0;
        }
        ret = conn_fill(conn, deadline);
        if (ret < 0) {
            return -1;
        }
        if (ret == 0 && now_ms() >= deadline) {
            return broken(conn, ETIMEDOUT,
                          "the server did not reply in time");
        }
    }
}

static int connect_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        return qgpio_fail(ENAMETOOLONG, "socket path too long: %s", path);
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return qgpio_fail(errno, "socket: %s", strerror(errno));
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int err = errno;

        close(fd);
        if (err == ENOENT) {
            return qgpio_fail(err, "%s: no such chip", path);
        }
        if (err == ECONNREFUSED) {
            return qgpio_fail(err, "%s: nothing serves this socket "
                              "(has QEMU exited?)", path);
        }
        return qgpio_fail(err, "%s: %s", path, strerror(err));
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/*
 * Split "tcp:HOST:PORT" (HOST may be "[v6-address]") into @host and
 * @port, which point into @buf.
 */
static int split_tcp(const char *spec, char *buf, size_t size, char **host,
                     char **port)
{
    char *colon;

    if (strlen(spec) >= size) {
        return qgpio_fail(ENAMETOOLONG, "address too long: %s", spec);
    }
    strcpy(buf, spec + strlen(QGPIO_TCP_PREFIX));
    colon = strrchr(buf, ':');
    if (!colon || colon == buf || !colon[1]) {
        return qgpio_fail(EINVAL, "%s: not tcp:HOST:PORT", spec);
    }
    *colon = '\0';
    *host = buf;
    *port = colon + 1;
    if (buf[0] == '[' && colon[-1] == ']') {
        colon[-1] = '\0';
        *host = buf + 1;
    }
    return 0;
}

static int connect_tcp(const char *spec)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    char buf[256], *host = NULL, *port = NULL;
    int fd = -1, err = 0, one = 1, ret;

    if (split_tcp(spec, buf, sizeof(buf), &host, &port) < 0) {
        return -1;
    }
    ret = getaddrinfo(host, port, &hints, &res);
    if (ret) {
        return qgpio_fail(ret == EAI_SYSTEM ? errno : EHOSTUNREACH,
                          "%s: %s", spec, gai_strerror(ret));
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (err == ECONNREFUSED) {
            return qgpio_fail(err, "%s: nothing listens there (has QEMU "
                              "exited?)", spec);
        }
        return qgpio_fail(err, "%s: %s", spec, strerror(err));
    }
    /* Requests and replies are single short lines: send them at once. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* TLS for a tcp: chip when a CA is configured (see tls.c). */
static int conn_secure(struct qgpio_conn *conn, const char *path)
{
    char buf[256], *host = NULL, *port = NULL;

    if (strncmp(path, QGPIO_TCP_PREFIX, strlen(QGPIO_TCP_PREFIX)) ||
        !qgpio_tls_wanted()) {
        return 0;
    }
    if (split_tcp(path, buf, sizeof(buf), &host, &port) < 0) {
        return -1;
    }
    return qgpio_tls_start(conn, host, now_ms() + conn->timeout_ms);
}

static int raw_reply_error(const char *p, const char *end);

/*
 * Read the greeting and check the protocol version.  A server that takes
 * no more clients answers "err busy ..." instead: its error is ours.
 */
static int conn_greeting(struct qgpio_conn *conn, const char *path)
{
    int64_t deadline = now_ms() + conn->timeout_ms;
    struct qgpio_msg hello;
    const char *line;
    size_t len;
    uint64_t proto;
    bool nomem = false;
    int ret;

    if (conn_next_reply_line(conn, deadline, &line, &len, &nomem) < 0) {
        if (errno == ECONNRESET) {
            /* QEMU hangs up on clients of other users at once. */
            return qgpio_fail(EACCES, "%s: the server refused the "
                              "connection", path);
        }
        return -1;
    }
    if (nomem) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    if (len >= 4 && !memcmp(line, "err ", 4)) {
        char why[256];
        int err;

        raw_reply_error(line + 4, line + len);
        err = errno;
        snprintf(why, sizeof(why), "%s", qgpio_strerror());
        return qgpio_fail(err, "%s: %s", path, why);
    }
    if (qgpio_msg_parse(line, len, &hello) < 0) {
        return -1;
    }
    ret = !strcmp(hello.argv[0], "hello") &&
          qgpio_msg_get_u64(&hello, "proto", &proto) &&
          proto == QGPIO_PROTOCOL_VERSION;
    qgpio_msg_clear(&hello);
    if (!ret) {
        return qgpio_fail(EPROTONOSUPPORT, "%s does not speak gpiodev "
                          "protocol %d", path, QGPIO_PROTOCOL_VERSION);
    }
    conn_consume_line(conn, len);
    return 0;
}

int qgpio_conn_open(struct qgpio_conn *conn, const char *path,
                    size_t events_max)
{
    *conn = (struct qgpio_conn){
        .fd = -1,
        .timeout_ms = conn_timeout_ms(),
        .events_max = events_max ? events_max
                                 : QGPIO_EVENT_BUFFER_SIZE_DEFAULT,
    };
    conn->in = malloc(QGPIO_CONN_IN_SIZE);
    if (!conn->in) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    if (!strncmp(path, QGPIO_TCP_PREFIX, strlen(QGPIO_TCP_PREFIX))) {
        conn->fd = connect_tcp(path);
    } else {
        conn->fd = connect_unix(path);
    }
    if (conn->fd < 0 || conn_secure(conn, path) < 0 ||
        conn_greeting(conn, path) < 0) {
        int err = errno;

        qgpio_conn_close(conn);
        errno = err;
        return -1;
    }
    return 0;
}

void qgpio_conn_close(struct qgpio_conn *conn)
{
    qgpio_tls_end(conn);
    if (conn->fd >= 0) {
        close(conn->fd);
    }
    conn->fd = -1;
    free(conn->in);
    conn->in = NULL;
    conn->in_start = conn->in_len = 0;
    qgpio_msg_list_clear(&conn->events);
}

/* Skip the first @n bytes of @iov, a vector of *@count entries. */
static struct iovec *iov_advance(struct iovec *iov, int *count, size_t n)
{
    while (*count && n >= iov->iov_len) {
        n -= iov->iov_len;
        iov++;
        (*count)--;
    }
    if (*count) {
        iov->iov_base = (char *)iov->iov_base + n;
        iov->iov_len -= n;
    }
    return iov;
}

/*
 * Write all of @iov.  While the socket is full, keep reading, so that a
 * server waiting for us to read its replies cannot deadlock with us;
 * what is read is parsed later, so that nothing here allocates (and a
 * line half-written cannot be left behind for lack of memory).
 */
static int conn_write_all(struct qgpio_conn *conn, struct iovec *iov,
                          int count)
{
    int64_t deadline = now_ms() + conn->timeout_ms;

    while (count) {
        struct msghdr mh = { .msg_iov = iov, .msg_iovlen = count };
        /* TLS takes a buffer at a time, the same again after EAGAIN. */
        ssize_t n = conn->tls ? qgpio_tls_send(conn, iov->iov_base,
                                               iov->iov_len)
                              : sendmsg(conn->fd, &mh, MSG_NOSIGNAL);
        struct pollfd pfd = { .fd = conn->fd, .events = POLLOUT };

        if (n > 0) {
            iov = iov_advance(iov, &count, n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return broken(conn, errno, "the server closed the connection");
        }
        if (now_ms() >= deadline) {
            return broken(conn, ETIMEDOUT, "the server stopped reading");
        }
        if (conn_room(conn)) {
            pfd.events |= POLLIN;
        }
        if (poll(&pfd, 1, (int)(deadline - now_ms())) > 0 &&
            (pfd.revents & POLLIN) && conn_fill(conn, 0) < 0) {
            return -1;
        }
    }
    return 0;
}

int qgpio_conn_send(struct qgpio_conn *conn, const char *request)
{
    char tag[24];
    struct iovec iov[3];

    if (conn->broken) {
        return qgpio_fail(EPIPE, "the connection to the server is closed");
    }
    iov[0].iov_base = tag;
    iov[0].iov_len = snprintf(tag, sizeof(tag), "@%u ", conn->next_tag);
    iov[1].iov_base = (char *)request;
    iov[1].iov_len = strlen(request);
    iov[2].iov_base = "\n";
    iov[2].iov_len = 1;
    if (conn_write_all(conn, iov, 3) < 0) {
        return -1;
    }
    conn->next_tag++;
    conn->pending++;
    return 0;
}

/* errno for each error code of the protocol. */
static int error_code_errno(const char *code, size_t len)
{
    static const struct {
        const char *code;
        int err;
    } codes[] = {
        { "busy", EBUSY },
        /* The board connects it inside: in use for good. */
        { "wired", EBUSY },
        /* The guest drives it: in use, as a kernel-held line is. */
        { "is-output", EBUSY },
        { "no-such-line", EINVAL },
        /* No pin: reserved, as lines the kernel holds are. */
        { "not-present", EBUSY },
        { "bad-request", EINVAL },
        { "unknown-command", ENOSYS },
        { "unsupported", EPROTONOSUPPORT },
        { "too-long", EMSGSIZE },
    };

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strlen(codes[i].code) == len && !memcmp(code, codes[i].code, len)) {
            return codes[i].err;
        }
    }
    return EIO;
}

/* A word of a raw line: where it starts and how long it is. */
struct raw_word {
    const char *start;
    size_t len;
};

/* The word at *@p in a line ending at @end, moving *@p past it. */
static struct raw_word raw_next_word(const char **p, const char *end)
{
    struct raw_word w;

    while (*p < end && (**p == ' ' || **p == '\t')) {
        (*p)++;
    }
    w.start = *p;
    while (*p < end && **p != ' ' && **p != '\t') {
        (*p)++;
    }
    w.len = *p - w.start;
    return w;
}

static bool raw_word_is(struct raw_word w, const char *s)
{
    return w.len == strlen(s) && !memcmp(w.start, s, w.len);
}

/*
 * Fail with the error of "err [@TAG] CODE MESSAGE", read from the raw
 * line so that no memory is needed.  @p is past the tag, if any.
 */
static int raw_reply_error(const char *p, const char *end)
{
    struct raw_word code = raw_next_word(&p, end);
    int err = error_code_errno(code.start, code.len);

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if (p == end) {
        return qgpio_fail(err, "the server refused the request");
    }
    return qgpio_fail(err, "%.*s", (int)(end - p), p);
}

/*
 * Read the reply to the oldest request, keeping its messages in @reply
 * if given.  The whole reply is read even when memory runs out (*@nomem
 * is then set and what could not be kept is dropped), so that the
 * stream stays in step; only a broken connection stops half-way.
 */
static int conn_read_reply(struct qgpio_conn *conn, struct qgpio_reply *reply,
                           bool *accepted, bool *nomem)
{
    int64_t deadline = now_ms() + conn->timeout_ms;
    char tag[16];

    *accepted = false;
    if (!conn->pending) {
        return qgpio_fail(EINVAL, "no request is waiting for a reply");
    }
    snprintf(tag, sizeof(tag), "@%u", conn->next_tag - conn->pending);
    for (;;) {
        const char *line, *p, *end;
        struct raw_word kind, word;
        struct qgpio_msg msg;
        size_t len;

        if (conn_next_reply_line(conn, deadline, &line, &len, nomem) < 0) {
            return -1;
        }
        p = line;
        end = line + len;
        kind = raw_next_word(&p, end);
        if (raw_word_is(kind, "#")) {
            /* Help text: for people, not for programs. */
            conn_consume_line(conn, len);
            continue;
        }
        word = raw_next_word(&p, end);
        /*
         * Errors about a request's framing (too long, NUL byte) carry no
         * tag: they still answer the oldest request.
         */
        if (raw_word_is(kind, "err") && word.len && word.start[0] != '@') {
            conn->pending--;
            raw_reply_error(word.start, end);
            conn_consume_line(conn, len);
            return -1;
        }
        if (!raw_word_is(word, tag)) {
            return broken(conn, EPROTO, "the server's reply is out of step "
                          "with the requests");
        }
        if (raw_word_is(kind, "err")) {
            conn->pending--;
            raw_reply_error(p, end);
            conn_consume_line(conn, len);
            return -1;
        }
        if (!raw_word_is(kind, "ok") && !raw_word_is(kind, "line")) {
            return broken(conn, EPROTO, "unexpected message from server");
        }
        if (reply && !*nomem) {
            if (qgpio_msg_parse(line, len, &msg) < 0) {
                if (errno != ENOMEM) {
                    conn->broken = true;
                    return -1;
                }
                *nomem = true;
            } else if (raw_word_is(kind, "ok")) {
                reply->final = msg;
            } else if (qgpio_msg_list_push(&reply->lines, &msg) < 0) {
                qgpio_msg_clear(&msg);
                *nomem = true;
            }
        }
        conn_consume_line(conn, len);
        if (raw_word_is(kind, "ok")) {
            conn->pending--;
            *accepted = true;
            return 0;
        }
    }
}

/* Read a reply, and fail with ENOMEM if any of it could not be kept. */
static int conn_recv(struct qgpio_conn *conn, struct qgpio_reply *reply,
                     bool *accepted)
{
    bool nomem = false;
    int ret = conn_read_reply(conn, reply, accepted, &nomem);

    /* Failing to keep a reply's words is worse than an error reply. */
    if (nomem && !conn->broken) {
        ret = qgpio_fail(ENOMEM, "out of memory");
    }
    if (ret < 0 && reply) {
        int err = errno;

        qgpio_msg_clear(&reply->final);
        qgpio_msg_list_clear(&reply->lines);
        errno = err;
    }
    return ret;
}

int qgpio_conn_recv(struct qgpio_conn *conn, struct qgpio_reply *reply)
{
    *reply = (struct qgpio_reply){ 0 };
    return conn_recv(conn, reply, &reply->accepted);
}

int qgpio_conn_recv_status(struct qgpio_conn *conn, bool *accepted)
{
    bool dummy;

    return conn_recv(conn, NULL, accepted ? accepted : &dummy);
}

/*
 * Format and send a request: short ones from the stack, so that most
 * requests need no memory (and undoing a change under memory pressure,
 * as watching a line does, can still be asked for).
 */
static int conn_vsend(struct qgpio_conn *conn, const char *fmt, va_list ap)
{
    char small[256], *request = small;
    va_list copy;
    int n, ret;

    va_copy(copy, ap);
    n = vsnprintf(small, sizeof(small), fmt, copy);
    va_end(copy);
    if (n < 0) {
        return qgpio_fail(EINVAL, "cannot format request '%s'", fmt);
    }
    if ((size_t)n >= sizeof(small)) {
        request = malloc(n + 1);
        if (!request) {
            return qgpio_fail(ENOMEM, "out of memory");
        }
        vsnprintf(request, n + 1, fmt, ap);
    }
    ret = qgpio_conn_send(conn, request);
    if (request != small) {
        free(request);
    }
    return ret;
}

int qgpio_conn_request(struct qgpio_conn *conn, struct qgpio_reply *reply,
                       const char *fmt, ...)
{
    va_list ap;
    int ret;

    *reply = (struct qgpio_reply){ 0 };
    va_start(ap, fmt);
    ret = conn_vsend(conn, fmt, ap);
    va_end(ap);
    if (ret < 0) {
        return -1;
    }
    return qgpio_conn_recv(conn, reply);
}

int qgpio_conn_request_status(struct qgpio_conn *conn, bool *accepted,
                              const char *fmt, ...)
{
    va_list ap;
    int ret;

    if (accepted) {
        *accepted = false;
    }
    va_start(ap, fmt);
    ret = conn_vsend(conn, fmt, ap);
    va_end(ap);
    if (ret < 0) {
        return -1;
    }
    return qgpio_conn_recv_status(conn, accepted);
}

void qgpio_reply_clear(struct qgpio_reply *reply)
{
    qgpio_msg_clear(&reply->final);
    qgpio_msg_list_clear(&reply->lines);
}

int qgpio_conn_poll(struct qgpio_conn *conn)
{
    for (;;) {
        int ret;

        /* Events that came before a close are still delivered. */
        if (conn_take_events(conn, NULL) < 0 ||
            conn_check_no_reply(conn) < 0) {
            return -1;
        }
        if (qgpio_msg_list_count(&conn->events) >= conn->events_max) {
            /* Full: the rest waits in the socket, and in QEMU. */
            return 0;
        }
        ret = conn_fill(conn, 0);
        if (ret <= 0) {
            return ret;
        }
    }
}

int qgpio_conn_wait_event(struct qgpio_conn *conn, int64_t timeout_ns)
{
    /* An absolute deadline in the past makes conn_fill() only look. */
    int64_t deadline = timeout_ns < 0 ? -1 :
                       now_ms() + timeout_ns / 1000000 +
                       (timeout_ns % 1000000 != 0);

    for (;;) {
        int ret;

        if (conn_take_events(conn, NULL) < 0) {
            return -1;
        }
        if (qgpio_msg_list_count(&conn->events)) {
            return 1;
        }
        if (conn_check_no_reply(conn) < 0) {
            return -1;
        }
        ret = conn_fill(conn, deadline);
        if (ret < 0) {
            return -1;
        }
        if (ret == 0 && deadline >= 0 && now_ms() >= deadline) {
            return 0;
        }
    }
}

int qgpio_conn_wait_deliverable(struct qgpio_conn *conn, int64_t timeout_ns,
                                bool (*deliverable)(void *opaque,
                                                    struct qgpio_msg *msg),
                                void *opaque)
{
    int64_t deadline = timeout_ns < 0 ? -1 : qgpio_now_ns() + timeout_ns;

    for (;;) {
        int64_t left = deadline < 0 ? -1 : deadline - qgpio_now_ns();
        int ret = qgpio_conn_wait_event(conn, left < 0 && deadline >= 0 ? 0
                                                                      : left);

        if (ret <= 0) {
            return ret;
        }
        while (qgpio_msg_list_count(&conn->events)) {
            struct qgpio_msg msg;

            if (deliverable(opaque, qgpio_msg_list_at(&conn->events, 0))) {
                return 1;
            }
            qgpio_msg_list_shift(&conn->events, &msg);
            qgpio_msg_clear(&msg);
        }
        if (deadline >= 0 && qgpio_now_ns() >= deadline) {
            return 0;
        }
    }
}

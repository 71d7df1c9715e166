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

/*
 * Read what the socket has, waiting until @deadline (ms, CLOCK_MONOTONIC;
 * 0: do not wait; -1: forever) for at least one byte.  Returns 1 when
 * bytes were read, 0 when none came in time.
 */
static int conn_fill(struct qgpio_conn *conn, int64_t deadline)
{
    ssize_t n;

    if (conn->broken) {
        return qgpio_fail(EPIPE, "the connection to the server is closed");
    }
    for (;;) {
        struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
        int64_t left = deadline > now_ms() ? deadline - now_ms() : 0;
        int wait = deadline < 0 ? -1 : deadline == 0 ? 0 :
                   (int)(left < INT_MAX ? left : INT_MAX);
        int ret = poll(&pfd, 1, wait);

        if (ret < 0 && errno == EINTR) {
            continue;
        }
        if (ret < 0) {
            return qgpio_fail(errno, "poll: %s", strerror(errno));
        }
        if (ret == 0) {
            return 0;
        }
        break;
    }
    if (conn->in_start) {
        /* Move what is left to the front, once per read. */
        memmove(conn->in, conn->in + conn->in_start,
                conn->in_len - conn->in_start);
        conn->in_len -= conn->in_start;
        conn->in_start = 0;
    }
    if (conn->in_cap - conn->in_len < 4096) {
        conn->in_cap = conn->in_cap * 2 + 4096;
        conn->in = realloc(conn->in, conn->in_cap);
        if (!conn->in) {
            abort();
        }
    }
    n = read(conn->fd, conn->in + conn->in_len, conn->in_cap - conn->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
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

/* The first complete line, removed from the input; NULL if none. */
static char *conn_take_line(struct qgpio_conn *conn)
{
    char *start = conn->in + conn->in_start;
    size_t avail = conn->in_len - conn->in_start;
    char *nl = avail ? memchr(start, '\n', avail) : NULL;
    char *line;

    if (!nl) {
        return NULL;
    }
    line = strndup(start, nl - start);
    if (!line) {
        abort();
    }
    conn->in_start += nl - start + 1;
    if (conn->in_start == conn->in_len) {
        conn->in_start = conn->in_len = 0;
    }
    return line;
}

static bool conn_next_is_event(struct qgpio_conn *conn)
{
    char *start = conn->in + conn->in_start;
    size_t avail = conn->in_len - conn->in_start;

    return avail >= 6 && !memcmp(start, "event ", 6) &&
           memchr(start, '\n', avail);
}

/* Queue the events at the front of the input, up to the next reply. */
static int conn_take_events(struct qgpio_conn *conn)
{
    while (conn_next_is_event(conn)) {
        char *line = conn_take_line(conn);
        struct qgpio_msg msg;
        int ret = qgpio_msg_parse(line, &msg);

        free(line);
        if (ret < 0) {
            conn->broken = true;
            return -1;
        }
        qgpio_msg_list_push(&conn->events, &msg);
    }
    return 0;
}

static int conn_timeout_ms(void)
{
    const char *env = getenv("QEMU_GPIO_TIMEOUT_MS");
    long v = env ? strtol(env, NULL, 10) : 0;

    return v > 0 ? (int)v : QGPIO_REPLY_TIMEOUT_MS;
}

/* The next message that is not an event, waiting until @deadline. */
static int conn_next_reply_msg(struct qgpio_conn *conn, int64_t deadline,
                               struct qgpio_msg *msg)
{
    for (;;) {
        char *line;
        int ret;

        if (conn_take_events(conn) < 0) {
            return -1;
        }
        line = conn_take_line(conn);
        if (line) {
            ret = qgpio_msg_parse(line, msg);
            free(line);
            if (ret < 0) {
                conn->broken = true;
            }
            return ret;
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

int qgpio_conn_open(struct qgpio_conn *conn, const char *path)
{
    struct qgpio_msg hello;
    uint64_t proto;

    *conn = (struct qgpio_conn){ .timeout_ms = conn_timeout_ms() };
    if (!strncmp(path, QGPIO_TCP_PREFIX, strlen(QGPIO_TCP_PREFIX))) {
        conn->fd = connect_tcp(path);
    } else {
        conn->fd = connect_unix(path);
    }
    if (conn->fd < 0) {
        return -1;
    }
    if (conn_next_reply_msg(conn, now_ms() + conn->timeout_ms, &hello) < 0) {
        int err = errno;

        qgpio_conn_close(conn);
        if (err == ECONNRESET) {
            /* QEMU hangs up on clients of other users at once. */
            return qgpio_fail(EACCES, "%s: the server refused the "
                              "connection", path);
        }
        errno = err;
        return -1;
    }
    if (strcmp(hello.argv[0], "hello") ||
        !qgpio_msg_get_u64(&hello, "proto", &proto) ||
        proto != QGPIO_PROTOCOL_VERSION) {
        qgpio_msg_clear(&hello);
        qgpio_conn_close(conn);
        return qgpio_fail(EPROTONOSUPPORT, "%s does not speak gpiodev "
                          "protocol %d", path, QGPIO_PROTOCOL_VERSION);
    }
    qgpio_msg_clear(&hello);
    return 0;
}

void qgpio_conn_close(struct qgpio_conn *conn)
{
    if (conn->fd >= 0) {
        close(conn->fd);
    }
    conn->fd = -1;
    free(conn->in);
    conn->in = NULL;
    conn->in_start = conn->in_len = conn->in_cap = 0;
    qgpio_msg_list_clear(&conn->events);
}

/*
 * Write all of @buf.  While the socket is full, keep reading, so that a
 * server waiting for us to read its replies cannot deadlock with us.
 */
static int conn_write_all(struct qgpio_conn *conn, const char *buf,
                          size_t len)
{
    int64_t deadline = now_ms() + conn->timeout_ms;

    while (len) {
        ssize_t n = send(conn->fd, buf, len, MSG_NOSIGNAL);
        struct pollfd pfd = { .fd = conn->fd, .events = POLLIN | POLLOUT };

        if (n > 0) {
            buf += n;
            len -= n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return broken(conn, errno, "the server closed the connection");
        }
        if (now_ms() >= deadline) {
            return broken(conn, ETIMEDOUT, "the server stopped reading");
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
    char *line = NULL;
    size_t len = 0;
    int ret;

    if (conn->broken) {
        return qgpio_fail(EPIPE, "the connection to the server is closed");
    }
    qgpio_append(&line, &len, "@%u %s\n", conn->next_tag++, request);
    ret = conn_write_all(conn, line, len);
    free(line);
    if (ret == 0) {
        conn->pending++;
    }
    return ret;
}

/* errno for each error code of the protocol. */
static int error_code_errno(const char *code)
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
        if (!strcmp(code, codes[i].code)) {
            return codes[i].err;
        }
    }
    return EIO;
}

static int reply_error(const struct qgpio_msg *msg)
{
    /* err @TAG CODE MESSAGE, or err CODE MESSAGE (see msg.c) */
    size_t code = msg->argc > 1 && msg->argv[1][0] == '@' ? 2 : 1;
    char *text = NULL;
    size_t len = 0;
    int err;

    if (msg->argc > code + 1) {
        qgpio_append(&text, &len, "%s", msg->argv[code + 1]);
    }
    err = error_code_errno(msg->argc > code ? msg->argv[code] : "");
    qgpio_fail(err, "%s", text ? text : "the server refused the request");
    free(text);
    return -1;
}

int qgpio_conn_recv(struct qgpio_conn *conn, struct qgpio_reply *reply)
{
    int64_t deadline = now_ms() + conn->timeout_ms;
    char tag[16];

    *reply = (struct qgpio_reply){ 0 };
    if (!conn->pending) {
        return qgpio_fail(EINVAL, "no request is waiting for a reply");
    }
    snprintf(tag, sizeof(tag), "@%u", conn->next_tag - conn->pending);
    for (;;) {
        struct qgpio_msg msg;
        const char *kind;

        if (conn_next_reply_msg(conn, deadline, &msg) < 0) {
            qgpio_reply_clear(reply);
            return -1;
        }
        kind = msg.argv[0];
        if (!strcmp(kind, "#")) {
            /* Help text: for people, not for programs. */
            qgpio_msg_clear(&msg);
            continue;
        }
        /*
         * Errors about a request's framing (too long, NUL byte) carry no
         * tag: they still answer the oldest request.
         */
        if (!strcmp(kind, "err") && msg.argc > 1 && msg.argv[1][0] != '@') {
            int err;

            conn->pending--;
            reply_error(&msg);
            err = errno;
            qgpio_msg_clear(&msg);
            qgpio_reply_clear(reply);
            errno = err;
            return -1;
        }
        if (msg.argc < 2 || strcmp(msg.argv[1], tag)) {
            qgpio_msg_clear(&msg);
            qgpio_reply_clear(reply);
            return broken(conn, EPROTO, "the server's reply is out of step "
                          "with the requests");
        }
        if (!strcmp(kind, "line")) {
            qgpio_msg_list_push(&reply->lines, &msg);
            continue;
        }
        if (strcmp(kind, "ok") && strcmp(kind, "err")) {
            qgpio_msg_clear(&msg);
            qgpio_reply_clear(reply);
            return broken(conn, EPROTO, "unexpected message from server");
        }
        conn->pending--;
        reply->final = msg;
        if (!strcmp(kind, "err")) {
            int err;

            reply_error(&msg);
            err = errno;
            qgpio_reply_clear(reply);
            errno = err;
            return -1;
        }
        return 0;
    }
}

int qgpio_conn_request(struct qgpio_conn *conn, struct qgpio_reply *reply,
                       const char *fmt, ...)
{
    char *request;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    request = malloc(n + 1);
    if (!request) {
        abort();
    }
    va_start(ap, fmt);
    vsnprintf(request, n + 1, fmt, ap);
    va_end(ap);
    n = qgpio_conn_send(conn, request);
    free(request);
    if (n < 0) {
        return -1;
    }
    return qgpio_conn_recv(conn, reply);
}

void qgpio_reply_clear(struct qgpio_reply *reply)
{
    qgpio_msg_clear(&reply->final);
    qgpio_msg_list_clear(&reply->lines);
}

int qgpio_conn_poll(struct qgpio_conn *conn)
{
    int ret;

    while ((ret = conn_fill(conn, 0)) > 0) {
        /* Drain the socket. */
    }
    /* Events that came before a close are still delivered. */
    if (conn_take_events(conn) < 0) {
        return -1;
    }
    return ret < 0 ? -1 : 0;
}

int qgpio_conn_wait_event(struct qgpio_conn *conn, int64_t timeout_ns)
{
    /* An absolute deadline in the past makes conn_fill() only look. */
    int64_t deadline = timeout_ns < 0 ? -1 :
                       now_ms() + timeout_ns / 1000000 +
                       (timeout_ns % 1000000 != 0);

    for (;;) {
        int ret;

        if (conn_take_events(conn) < 0) {
            return -1;
        }
        if (qgpio_msg_list_count(&conn->events)) {
            return 1;
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

            if (deliverable(opaque,
                            &conn->events.msgs[conn->events.head])) {
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

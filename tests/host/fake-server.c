// SPDX-License-Identifier: GPL-2.0-or-later
/* See fake-server.h.  One thread serves every connection with poll(2). */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fake-server.h"

#define MAX_CLIENTS 8
/* An endless line stops here, or when its reader stalls this long. */
#define ENDLESS_MAX (8u << 20)
#define ENDLESS_STALL_MS 300
/* A flood's reader is expected to keep reading. */
#define FLOOD_STALL_MS 10000

struct client {
    int fd;
    char in[4096];
    size_t len;
};

struct fake_server {
    enum fake_mode mode;
    size_t edges;
    char dir[32];
    char path[64];
    int listen_fd;
    /* Written to by fake_server_stop(). */
    int wake[2];
    pthread_t thread;
    struct client clients[MAX_CLIENTS];
    size_t endless;
};

static void die(const char *what)
{
    fprintf(stderr, "fake-server: %s: %s\n", what, strerror(errno));
    exit(99);
}

/* Write what the peer takes of @buf, waiting at most @stall_ms at a time. */
static size_t write_some(int fd, const char *buf, size_t len, int stall_ms)
{
    size_t done = 0;

    while (done < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        ssize_t n = send(fd, buf + done, len - done, MSG_NOSIGNAL);

        if (n > 0) {
            done += n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            break;
        }
        if (poll(&pfd, 1, stall_ms) <= 0 || (pfd.revents & ~POLLOUT)) {
            break;
        }
    }
    return done;
}

static void say(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(int fd, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    write_some(fd, line, n, FLOOD_STALL_MS);
}

/* The rest of a line that never ends, until its reader gives up. */
static void endless(struct fake_server *s, int fd)
{
    char chunk[4096];

    memset(chunk, 'x', sizeof(chunk));
    while (s->endless < ENDLESS_MAX) {
        size_t n = write_some(fd, chunk, sizeof(chunk), ENDLESS_STALL_MS);

        s->endless += n;
        if (n < sizeof(chunk)) {
            break;
        }
    }
}

static void edges(struct fake_server *s, int fd)
{
    for (size_t i = 1; i <= s->edges; i++) {
        say(fd, "event edge offset=0 name=l0 edge=%s level=%d seqno=%zu "
            "line-seqno=%zu guest-ns=%zu host-ns=%zu\n",
            i & 1 ? "rising" : "falling", (int)(i & 1), i, i, i * 1000,
            i * 1000);
    }
}

/* "ok @TAG L=1 ..." for the lines of a get. */
static void get_reply(int fd, const char *tag, char *args)
{
    char reply[512];
    int n = snprintf(reply, sizeof(reply), "ok %s", tag);

    for (char *arg = strtok(args, " "); arg && n < 400;
         arg = strtok(NULL, " ")) {
        n += snprintf(reply + n, sizeof(reply) - n, " %s=1", arg);
    }
    say(fd, "%s\n", reply);
}

static void get(struct fake_server *s, int fd, const char *tag, char *args)
{
    switch (s->mode) {
    case FAKE_FLOOD_BEFORE_REPLY:
        say(fd, "event overflow lost=%d\n", FAKE_OVERFLOW_LOST);
        edges(s, fd);
        get_reply(fd, tag, args);
        break;
    case FAKE_FLOOD_AFTER_REPLY:
        get_reply(fd, tag, args);
        edges(s, fd);
        break;
    case FAKE_ENDLESS_EVENT:
        get_reply(fd, tag, args);
        say(fd, "event edge offset=0 name=");
        endless(s, fd);
        break;
    default:
        get_reply(fd, tag, args);
    }
}

/* Answer one request line: "@TAG COMMAND ARGS". */
static void serve_line(struct fake_server *s, int fd, char *line)
{
    char *tag = strtok(line, " ");
    char *cmd = strtok(NULL, " ");
    char *args = strtok(NULL, "");

    if (!tag || !cmd || tag[0] != '@') {
        say(fd, "err bad-request this server wants tags\n");
    } else if (!strcmp(cmd, "chip") && s->mode == FAKE_ENDLESS_REPLY) {
        say(fd, "ok %s id=fake label=", tag);
        endless(s, fd);
    } else if (!strcmp(cmd, "chip")) {
        say(fd, "ok %s id=fake label=fake lines=8 device=/fake type=fake\n",
            tag);
    } else if (!strcmp(cmd, "hello")) {
        say(fd, "ok %s proto=1\n", tag);
    } else if (!strcmp(cmd, "get")) {
        get(s, fd, tag, args ? args : (char[]){ "0" });
    } else if (!strcmp(cmd, "subscribe") || !strcmp(cmd, "unsubscribe") ||
               !strcmp(cmd, "release") || !strcmp(cmd, "set")) {
        say(fd, "ok %s\n", tag);
    } else {
        say(fd, "err %s unknown-command not played by this server\n", tag);
    }
}

/* Read from a client and answer its complete lines; false at its end. */
static bool serve_client(struct fake_server *s, struct client *c)
{
    ssize_t n = read(c->fd, c->in + c->len, sizeof(c->in) - 1 - c->len);
    char *nl;

    if (n <= 0) {
        return n < 0 && errno == EAGAIN;
    }
    c->len += n;
    c->in[c->len] = '\0';
    while ((nl = memchr(c->in, '\n', c->len))) {
        size_t used = nl - c->in + 1;

        *nl = '\0';
        serve_line(s, c->fd, c->in);
        memmove(c->in, c->in + used, c->len - used);
        c->len -= used;
    }
    return c->len < sizeof(c->in) - 1;
}

static void accept_client(struct fake_server *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);

    if (fd < 0) {
        return;
    }
    if (s->mode == FAKE_FULL) {
        say(fd, "err busy the server is full (max-clients=0)\n");
        close(fd);
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (s->clients[i].fd < 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            s->clients[i] = (struct client){ .fd = fd };
            say(fd, "hello proto=1 server=fake caps=tags,edges,config,"
                "overflow\n");
            return;
        }
    }
    close(fd);
}

static void *serve(void *opaque)
{
    struct fake_server *s = opaque;

    for (;;) {
        struct pollfd pfds[MAX_CLIENTS + 2] = {
            { .fd = s->wake[0], .events = POLLIN },
            { .fd = s->listen_fd, .events = POLLIN },
        };

        for (int i = 0; i < MAX_CLIENTS; i++) {
            pfds[i + 2] = (struct pollfd){ .fd = s->clients[i].fd,
                                           .events = POLLIN };
        }
        if (poll(pfds, MAX_CLIENTS + 2, -1) < 0 && errno != EINTR) {
            die("poll");
        }
        if (pfds[0].revents) {
            return NULL;
        }
        if (pfds[1].revents) {
            accept_client(s);
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = &s->clients[i];

            if (pfds[i + 2].revents && c->fd >= 0 && !serve_client(s, c)) {
                close(c->fd);
                c->fd = -1;
            }
        }
    }
}

struct fake_server *fake_server_start(enum fake_mode mode, size_t edges)
{
    struct fake_server *s = calloc(1, sizeof(*s));
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (!s) {
        die("calloc");
    }
    s->mode = mode;
    s->edges = edges;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        s->clients[i].fd = -1;
    }
    snprintf(s->dir, sizeof(s->dir), "/tmp/qgpio-fake-XXXXXX");
    if (!mkdtemp(s->dir)) {
        die("mkdtemp");
    }
    snprintf(s->path, sizeof(s->path), "%s/fake.sock", s->dir);
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", s->path);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0 ||
        bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(s->listen_fd, 8) < 0 || pipe(s->wake) < 0) {
        die(s->path);
    }
    if (pthread_create(&s->thread, NULL, serve, s)) {
        die("pthread_create");
    }
    return s;
}

const char *fake_server_path(const struct fake_server *s)
{
    return s->path;
}

size_t fake_server_stop(struct fake_server *s)
{
    size_t written;

    if (write(s->wake[1], "", 1) != 1) {
        die("write");
    }
    pthread_join(s->thread, NULL);
    written = s->endless;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (s->clients[i].fd >= 0) {
            close(s->clients[i].fd);
        }
    }
    close(s->listen_fd);
    close(s->wake[0]);
    close(s->wake[1]);
    unlink(s->path);
    rmdir(s->dir);
    free(s);
    return written;
}

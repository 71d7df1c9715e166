// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: round trips to an ASPEED GPIO line through gpiodev,
 * against QMP's qom-set/qom-get on the same pin of the same QEMU, and
 * against a plain unix-socket ping-pong between two processes.  Every
 * figure comes from this one run; the ratios are what to compare.
 *
 *   bench [-n ROUND-TRIPS] [-r ROUNDS] [-g TOGGLE.elf -t TOGGLES]
 *         [-e ECHO.elf [-l SAMPLES]] [-o RESULTS.json]
 *
 * Each figure is measured in ROUNDS (default 5) interleaved rounds and
 * reported as the median, with its range.
 *
 * With -g, also the edge throughput of a bare-metal guest (bench/toggle.S
 * assembled for TOGGLES toggles) with no gpiodev, an idle one, one and
 * four clients subscribed, and one client watching every line.  With
 * -e, the latency both ways through a guest that copies gpioD0 to
 * gpioB0 (bench/echo.S), over SAMPLES edges.
 *
 * Needs $QEMU_GPIODEV_BUILD, as the host tests do.
 */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "qemu-gpio.h"

#define BATCH 32
#define PIPELINE_DEPTH 64

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __attribute__((noreturn, format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

static struct qgpio_line_request *request_outputs(struct qgpio_chip *chip,
                                                  unsigned int first,
                                                  unsigned int n)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_line_request *req;
    unsigned int offsets[BATCH];

    for (unsigned int i = 0; i < n; i++) {
        offsets[i] = first + i;
    }
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_config_add_line_settings(lc, offsets, n, s);
    req = qgpio_chip_request_lines(chip, NULL, lc);
    if (!req) {
        fail("request: %s", qgpio_strerror());
    }
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    return req;
}

/* (a) drive-then-read pairs through the library: 2 round trips each. */
static double bench_library(struct qgpio_chip *chip, long pairs)
{
    struct qgpio_line_request *req = request_outputs(chip, 24, 1);
    double t0 = now_s();

    for (long i = 0; i < pairs; i++) {
        if (qgpio_line_request_set_value(req, 24, i & 1) < 0 ||
            qgpio_line_request_get_value(req, 24) != (i & 1)) {
            fail("library round trip: %s", qgpio_strerror());
        }
    }
    t0 = now_s() - t0;
    qgpio_line_request_release(req);
    return 2 * pairs / t0;
}

/* The same with 32 lines set and read per message. */
static double bench_batched(struct qgpio_chip *chip, long pairs)
{
    struct qgpio_line_request *req = request_outputs(chip, 32, BATCH);
    enum qgpio_line_value set[BATCH], got[BATCH];
    double t0 = now_s();

    for (long i = 0; i < pairs; i++) {
        for (int k = 0; k < BATCH; k++) {
            set[k] = (i + k) & 1;
        }
        if (qgpio_line_request_set_values(req, set) < 0 ||
            qgpio_line_request_get_values(req, got) < 0 ||
            memcmp(set, got, sizeof(set))) {
            fail("batched round trip: %s", qgpio_strerror());
        }
    }
    t0 = now_s() - t0;
    qgpio_line_request_release(req);
    /* Line values moved per second, both ways. */
    return 2.0 * BATCH * pairs / t0;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        fail("connect %s: %s", path, strerror(errno));
    }
    return fd;
}

/* Read until @n newlines have arrived; returns the last line's start. */
static void read_lines(int fd, long n, char *buf, size_t size,
                       const char *must_start)
{
    size_t len = 0;

    while (n > 0) {
        ssize_t r = read(fd, buf + len, size - len - 1);
        char *p, *line;

        if (r <= 0) {
            fail("read: %s", r < 0 ? strerror(errno) : "closed");
        }
        len += r;
        buf[len] = '\0';
        line = buf;
        while (n > 0 && (p = strchr(line, '\n'))) {
            if (must_start && strncmp(line, must_start, strlen(must_start))) {
                fail("unexpected reply: %.*s", (int)(p - line), line);
            }
            line = p + 1;
            n--;
        }
        len -= line - buf;
        memmove(buf, line, len);
    }
}

/* Pipelined requests on the raw protocol: @depth in flight at once. */
static double bench_pipelined(const char *path, long pairs)
{
    int fd = connect_unix(path);
    char buf[65536], batch[PIPELINE_DEPTH * 32];
    size_t blen = 0;
    double t0;
    long done = 0;

    read_lines(fd, 1, buf, sizeof(buf), "hello ");
    for (int i = 0; i < PIPELINE_DEPTH / 2; i++) {
        blen += sprintf(batch + blen, "set 24=%d\nget 24\n", i & 1);
    }
    t0 = now_s();
    while (done < 2 * pairs) {
        if (write(fd, batch, blen) != (ssize_t)blen) {
            fail("write: %s", strerror(errno));
        }
        read_lines(fd, PIPELINE_DEPTH, buf, sizeof(buf), "ok");
        done += PIPELINE_DEPTH;
    }
    t0 = now_s() - t0;
    close(fd);
    return done / t0;
}

/* (b) qom-set + qom-get on the same pin property, over QMP. */
static double bench_qmp(const char *path, long pairs)
{
    int fd = connect_unix(path);
    char buf[65536], cmd[256];
    double t0;

    read_lines(fd, 1, buf, sizeof(buf), "{\"QMP\"");
    strcpy(cmd, "{\"execute\": \"qmp_capabilities\"}\n");
    if (write(fd, cmd, strlen(cmd)) < 0) {
        fail("write: %s", strerror(errno));
    }
    read_lines(fd, 1, buf, sizeof(buf), "{\"return\"");
    t0 = now_s();
    for (long i = 0; i < pairs; i++) {
        int n = snprintf(cmd, sizeof(cmd),
                         "{\"execute\": \"qom-set\", \"arguments\": "
                         "{\"path\": \"/machine/soc/gpio\", \"property\": "
                         "\"gpioD1\", \"value\": %s}}\n"
                         "{\"execute\": \"qom-get\", \"arguments\": "
                         "{\"path\": \"/machine/soc/gpio\", \"property\": "
                         "\"gpioD1\"}}\n", (i & 1) ? "true" : "false");

        /* One command at a time, as a polling client would. */
        char *second = strchr(cmd, '\n') + 1;

        if (write(fd, cmd, second - cmd) < 0) {
            fail("write: %s", strerror(errno));
        }
        read_lines(fd, 1, buf, sizeof(buf), "{\"return\"");
        if (write(fd, second, n - (second - cmd)) < 0) {
            fail("write: %s", strerror(errno));
        }
        read_lines(fd, 1, buf, sizeof(buf), "{\"return\"");
    }
    t0 = now_s() - t0;
    close(fd);
    return 2 * pairs / t0;
}

/* (c) the floor: one byte back and forth between two processes. */
static double bench_unix_floor(long round_trips)
{
    int sv[2];
    pid_t pid;
    char c = 0;
    double t0;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        fail("socketpair: %s", strerror(errno));
    }
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(sv[0]);
        while (read(sv[1], &c, 1) == 1 && write(sv[1], &c, 1) == 1) {
            /* Echo. */
        }
        _exit(0);
    }
    close(sv[1]);
    t0 = now_s();
    for (long i = 0; i < round_trips; i++) {
        if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1) {
            fail("ping-pong: %s", strerror(errno));
        }
    }
    t0 = now_s() - t0;
    close(sv[0]);
    waitpid(pid, NULL, 0);
    return round_trips / t0;
}

/* Guest edge throughput */

struct guest_run {
    double toggles_per_s;
    /* Per subscribed client: edges received, lost, and their rate. */
    long received;
    long lost;
    double events_per_s;
};

static int listen_unix_path(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 16) < 0) {
        fail("listen %s: %s", path, strerror(errno));
    }
    return fd;
}

/* Count the edge events and overflow losses in what a client read. */
static void count_events(const char *buf, size_t len, long *edges,
                         long *lost)
{
    for (const char *p = buf; p < buf + len;) {
        const char *nl = memchr(p, '\n', buf + len - p);

        if (!nl) {
            break;
        }
        if (!strncmp(p, "event edge ", 11)) {
            (*edges)++;
        } else if (!strncmp(p, "event overflow lost=", 20)) {
            *lost += atol(p + 20);
        }
        p = nl + 1;
    }
}

/* QEMU running a bare-metal program, its console on pipes. */
struct guest_qemu {
    pid_t pid;
    int serial;     /* what the program prints */
    int input;      /* what it reads */
    /* The gpiodev sockets of the 3.3 V and 1.8 V controllers, or -1. */
    int listener, listener18;
    char dir[32];
    char sock[64], sock18[64];
};

static void guest_start(struct guest_qemu *g, const char *elf, bool gpiodev)
{
    const char *build = getenv("QEMU_GPIODEV_BUILD");
    char qemu[512], opt[256], opt18[256];
    int serial[2], input[2];

    snprintf(g->dir, sizeof(g->dir), "/tmp/qgpio-bench-XXXXXX");
    if (!mkdtemp(g->dir) || pipe(serial) < 0 || pipe(input) < 0) {
        fail("setup: %s", strerror(errno));
    }
    snprintf(g->sock, sizeof(g->sock), "%s/g.sock", g->dir);
    snprintf(g->sock18, sizeof(g->sock18), "%s/g18.sock", g->dir);
    snprintf(qemu, sizeof(qemu), "%s/qemu-system-arm", build);
    g->listener = g->listener18 = -1;
    if (gpiodev) {
        /* Both controllers, as a BMC's test rig would have them. */
        g->listener = listen_unix_path(g->sock);
        g->listener18 = listen_unix_path(g->sock18);
        /* More than max-clients' default: 64 idle ones and the rest. */
        snprintf(opt, sizeof(opt), "socket,id=g,device=/machine/soc/gpio,"
                 "addr.type=fd,addr.str=%d,queue-limit=64M,max-clients=128",
                 g->listener);
        snprintf(opt18, sizeof(opt18), "socket,id=g18,"
                 "device=/machine/soc/gpio_1_8v,addr.type=fd,addr.str=%d",
                 g->listener18);
    }
    g->pid = fork();
    if (g->pid == 0) {
        /* A bench that fails must not leave a guest spinning. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(input[0], 0);
        dup2(serial[1], 1);
        execl(qemu, qemu, "-M", "ast2600-evb", "-display", "none",
              "-monitor", "none", "-serial", "stdio", "-kernel", elf,
              gpiodev ? "-gpiodev" : NULL, opt, "-gpiodev", opt18,
              (char *)NULL);
        _exit(127);
    }
    close(serial[1]);
    close(input[0]);
    g->serial = serial[0];
    g->input = input[1];
}

/* Wait for the program's 'R', then (@go) let it start. */
static void guest_ready(struct guest_qemu *g, bool go)
{
    char c = 0;

    while (c != 'R') {
        if (read(g->serial, &c, 1) != 1) {
            fail("QEMU exited before the guest was ready");
        }
    }
    if (go && write(g->input, "g", 1) != 1) {
        fail("write: %s", strerror(errno));
    }
}

static void guest_stop(struct guest_qemu *g)
{
    kill(g->pid, SIGKILL);
    waitpid(g->pid, NULL, 0);
    close(g->serial);
    close(g->input);
    if (g->listener >= 0) {
        close(g->listener);
        close(g->listener18);
    }
    unlink(g->sock);
    unlink(g->sock18);
    rmdir(g->dir);
}

/* A protocol client subscribed to @what (a subscribe request). */
static int subscribed_client(const char *sock, const char *what)
{
    char line[256];
    int fd = connect_unix(sock);

    read_lines(fd, 1, line, sizeof(line), "hello ");
    if (write(fd, what, strlen(what)) < 0) {
        fail("write: %s", strerror(errno));
    }
    read_lines(fd, 1, line, sizeof(line), "ok");
    return fd;
}

/* Who watches the guest in one run of bench_guest(). */
struct watchers {
    bool gpiodev;       /* QEMU has gpiodevs at all */
    int nclients;       /* clients subscribed with @what, at most 4 */
    const char *what;
    int nidle;          /* more clients that subscribe to nothing */
    bool all_18v;       /* one more watching all of the 1.8 V controller */
};

/*
 * Boot @elf, which toggles gpioB0 @toggles times between printing 'S'
 * and 'D', watched as @w says.  Client 0's figures are reported.
 */
static struct guest_run bench_guest(const char *elf, long toggles,
                                    struct watchers w)
{
    struct guest_qemu g;
    int nclients = w.nclients;
    int clients[4], idle[64], all18 = -1;
    long edges[4] = { 0 }, lost[4] = { 0 };
    char carry[4][256];
    size_t carry_len[4] = { 0 };
    double t_start = 0, t_done = 0, t_last = 0;
    struct guest_run r = { 0 };
    int serial[1];

    guest_start(&g, elf, w.gpiodev);
    serial[0] = g.serial;
    for (int i = 0; i < nclients; i++) {
        clients[i] = subscribed_client(g.sock, w.what);
    }
    for (int i = 0; i < w.nidle; i++) {
        idle[i] = connect_unix(g.sock);
    }
    if (w.all_18v) {
        all18 = subscribed_client(g.sock18, "subscribe all\n");
    }
    guest_ready(&g, true);

    /* Until 'D', and then until every client has every edge. */
    while (!t_done || edges[0] + lost[0] < toggles) {
        struct pollfd pfds[5] = { { .fd = serial[0], .events = POLLIN } };
        char buf[65536];

        for (int i = 0; i < nclients; i++) {
            pfds[i + 1] = (struct pollfd) { .fd = clients[i],
                                            .events = POLLIN };
        }
        if (poll(pfds, nclients + 1, 60000) <= 0) {
            fail("the guest run stalled after %ld of %ld edges%s",
                 edges[0] + lost[0], toggles,
                 t_done ? " (is -t the count the ELF was built with?)" : "");
        }
        if (pfds[0].revents) {
            ssize_t n = read(serial[0], buf, sizeof(buf));

            if (n <= 0) {
                fail("QEMU exited");
            }
            if (memchr(buf, 'S', n) && !t_start) {
                t_start = now_s();
            }
            if (memchr(buf, 'D', n) && !t_done) {
                t_done = now_s();
            }
        }
        for (int i = 0; i < nclients; i++) {
            ssize_t n;

            if (!pfds[i + 1].revents) {
                continue;
            }
            /* Whole lines only: keep a partial one for the next read. */
            memcpy(buf, carry[i], carry_len[i]);
            n = read(clients[i], buf + carry_len[i],
                     sizeof(buf) - carry_len[i]);
            if (n <= 0) {
                fail("client %d: connection closed", i);
            }
            n += carry_len[i];
            {
                const char *end = buf + n;

                while (end > buf && end[-1] != '\n') {
                    end--;
                }
                count_events(buf, end - buf, &edges[i], &lost[i]);
                carry_len[i] = buf + n - end;
                memcpy(carry[i], end, carry_len[i]);
            }
            if (i == 0) {
                t_last = now_s();
            }
        }
        if (!nclients && t_done) {
            break;
        }
    }
    r.toggles_per_s = toggles / (t_done - t_start);
    r.received = edges[0];
    r.lost = lost[0];
    r.events_per_s = nclients ? edges[0] / (t_last - t_start) : 0;
    for (int i = 0; i < nclients; i++) {
        close(clients[i]);
    }
    for (int i = 0; i < w.nidle; i++) {
        close(idle[i]);
    }
    if (all18 >= 0) {
        close(all18);
    }
    guest_stop(&g);
    return r;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double realtime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Lines from a socket, keeping what follows the line returned. */
struct line_reader {
    int fd;
    size_t len;
    char buf[8192];
    char line[4096];
};

static const char *next_line(struct line_reader *r)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        ssize_t n;

        if (nl) {
            size_t l = nl - r->buf;

            if (l >= sizeof(r->line)) {
                fail("line too long");
            }
            memcpy(r->line, r->buf, l);
            r->line[l] = '\0';
            r->len -= l + 1;
            memmove(r->buf, nl + 1, r->len);
            return r->line;
        }
        n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
        if (n <= 0) {
            fail("read: %s", n < 0 ? strerror(errno) : "closed");
        }
        r->len += n;
    }
}

struct latency {
    double h2g_median, h2g_p99, g2h_median, g2h_p99;
};

/*
 * Latency, with bench/echo.S copying gpioD0 to gpioB0: a client drives
 * gpioD0 and waits for gpioB0's edge.  Host to guest is from sending the
 * set to QEMU's stamp of the guest's copy (host-ns, CLOCK_REALTIME);
 * guest to host is from that stamp to the client reading the event.
 */
static struct latency bench_latency(const char *elf, long samples)
{
    struct guest_qemu g;
    double *h2g = calloc(samples, sizeof(double));
    double *g2h = calloc(samples, sizeof(double));
    struct latency lat;
    struct line_reader *r = calloc(1, sizeof(*r));
    char req[32];

    guest_start(&g, elf, true);
    guest_ready(&g, false);
    r->fd = subscribed_client(g.sock, "subscribe both gpioB0\n");
    for (long i = 0; i < samples; i++) {
        double sent, got;

        snprintf(req, sizeof(req), "set gpioD0=%d\n", !(i & 1));
        sent = realtime_ns();
        if (write(r->fd, req, strlen(req)) < 0) {
            fail("write: %s", strerror(errno));
        }
        /* Its "ok", and the echo's edge, in either order. */
        for (int lines = 0; lines < 2; lines++) {
            const char *line = next_line(r);
            const char *stamp = strstr(line, " host-ns=");

            if (strncmp(line, "event edge ", 11)) {
                continue;
            }
            got = realtime_ns();
            if (!stamp) {
                fail("no host-ns in %s", line);
            }
            h2g[i] = atof(stamp + 9) - sent;
            g2h[i] = got - atof(stamp + 9);
        }
    }
    close(r->fd);
    free(r);
    guest_stop(&g);
    qsort(h2g, samples, sizeof(double), compare_double);
    qsort(g2h, samples, sizeof(double), compare_double);
    lat = (struct latency) {
        .h2g_median = h2g[samples / 2] / 1000,
        .h2g_p99 = h2g[samples * 99 / 100] / 1000,
        .g2h_median = g2h[samples / 2] / 1000,
        .g2h_p99 = g2h[samples * 99 / 100] / 1000,
    };
    free(h2g);
    free(g2h);
    return lat;
}

/*
 * Every figure is measured once per round and reported as the median
 * over the rounds, with its range: on a shared machine one run can be
 * off by a factor of two, a median of interleaved runs much less.
 * Ratios are taken within a round, between runs made one after the
 * other, and their median reported.
 */
enum figure {
    F_LIB, F_QMP, F_FLOOR, F_BATCHED, F_PIPELINED, F_VS_QMP, F_VS_FLOOR,
    F_CLIENTS_1, F_CLIENTS_8, F_CLIENTS_64,
    F_TOGGLE_NONE, F_TOGGLE_IDLE, F_TOGGLE_ONE, F_TOGGLE_FOUR,
    F_TOGGLE_ALL, F_TOGGLE_ONE_OF_8, F_TOGGLE_ONE_OF_64,
    F_EVENTS_ONE, F_EVENTS_FOUR, F_IDLE_OVERHEAD,
    F_ONE_VS_NONE, F_FOUR_VS_NONE,
    F_COUNT
};

static const struct {
    const char *label;  /* in the table */
    const char *key;    /* in the JSON file */
    int decimals;
} figures[F_COUNT] = {
    [F_LIB] = { "gpiodev round trips (C library)",
                "gpiodev_round_trips_per_s" },
    [F_QMP] = { "QMP qom-set/qom-get round trips", "qmp_round_trips_per_s" },
    [F_FLOOR] = { "unix socket ping-pong round trips",
                  "unix_floor_round_trips_per_s" },
    [F_BATCHED] = { "gpiodev line values, 32 per message",
                    "gpiodev_batched_line_values_per_s" },
    [F_PIPELINED] = { "gpiodev requests, 64 pipelined",
                      "gpiodev_pipelined_requests_per_s" },
    [F_VS_QMP] = { "ratio gpiodev / QMP", "ratio_gpiodev_to_qmp", 1 },
    [F_VS_FLOOR] = { "ratio gpiodev / unix floor",
                     "ratio_gpiodev_to_unix_floor", 2 },
    [F_CLIENTS_1] = { "gpiodev round trips, 1 client connected",
                      "round_trips_per_s_1_client" },
    [F_CLIENTS_8] = { "gpiodev round trips, 8 clients connected",
                      "round_trips_per_s_8_clients" },
    [F_CLIENTS_64] = { "gpiodev round trips, 64 clients connected",
                       "round_trips_per_s_64_clients" },
    [F_TOGGLE_NONE] = { "guest toggles/s, no gpiodev",
                        "guest_toggles_per_s_no_gpiodev" },
    [F_TOGGLE_IDLE] = { "guest toggles/s, gpiodev, no client",
                        "guest_toggles_per_s_idle" },
    [F_TOGGLE_ONE] = { "guest toggles/s, one client subscribed",
                       "guest_toggles_per_s_one_client" },
    [F_TOGGLE_FOUR] = { "guest toggles/s, four clients subscribed",
                        "guest_toggles_per_s_four_clients" },
    [F_TOGGLE_ALL] = { "guest toggles/s, all 208 + 36 lines watched",
                       "guest_toggles_per_s_all_lines_watched" },
    [F_TOGGLE_ONE_OF_8] = { "guest toggles/s, one client, 8 connected",
                            "guest_toggles_per_s_one_client_8_connected" },
    [F_TOGGLE_ONE_OF_64] = { "guest toggles/s, one client, 64 connected",
                             "guest_toggles_per_s_one_client_64_connected" },
    [F_EVENTS_ONE] = { "edges delivered/s, one client",
                       "events_per_s_one_client" },
    [F_EVENTS_FOUR] = { "edges delivered/s, four clients (each)",
                        "events_per_s_four_clients" },
    [F_IDLE_OVERHEAD] = { "idle overhead, 1 - b/a", "idle_overhead", 3 },
    [F_ONE_VS_NONE] = { "toggle rate, one client / none, c/a",
                        "ratio_one_client_to_no_gpiodev", 3 },
    [F_FOUR_VS_NONE] = { "toggle rate, four clients / none, d/a",
                         "ratio_four_clients_to_no_gpiodev", 3 },
};

struct stats {
    double median, min, max;
};

static struct stats stats_of(double *v, int n)
{
    qsort(v, n, sizeof(double), compare_double);
    return (struct stats) {
        .median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2,
        .min = v[0],
        .max = v[n - 1],
    };
}

/* One round of the host-side figures, on the fixture's QEMU. */
static void round_trips_round(struct fixture *fx, long n, double *f)
{
    static const int counts[] = { 1, 8, 64 };
    struct qgpio_chip *chip = qgpio_chip_open(fx->gpio0);

    if (!chip) {
        fail("open: %s", qgpio_strerror());
    }
    f[F_LIB] = bench_library(chip, n / 2);
    /* With 1, 8 and 64 clients connected (the others idle). */
    for (int k = 0; k < 3; k++) {
        int idle[64];

        for (int i = 0; i < counts[k] - 1; i++) {
            idle[i] = connect_unix(fx->gpio0);
        }
        f[F_CLIENTS_1 + k] = bench_library(chip, n / 2);
        for (int i = 0; i < counts[k] - 1; i++) {
            close(idle[i]);
        }
    }
    f[F_BATCHED] = bench_batched(chip, n / 2);
    f[F_PIPELINED] = bench_pipelined(fx->gpio0, n / 2);
    f[F_QMP] = bench_qmp(fx->qmp, n / 2 > 2000 ? 2000 : n / 2);
    f[F_FLOOR] = bench_unix_floor(n);
    f[F_VS_QMP] = f[F_LIB] / f[F_QMP];
    f[F_VS_FLOOR] = f[F_LIB] / f[F_FLOOR];
    qgpio_chip_close(chip);
}

/* One round of the guest figures; returns the edges lost to clients. */
static long guest_round(const char *elf, long toggles, double *f)
{
    const char *one = "subscribe both gpioB0\n";
    struct guest_run none, idle, c1, c4, all, of8, of64;

    none = bench_guest(elf, toggles, (struct watchers) { 0 });
    idle = bench_guest(elf, toggles, (struct watchers) { .gpiodev = true });
    c1 = bench_guest(elf, toggles, (struct watchers) {
        .gpiodev = true, .nclients = 1, .what = one });
    c4 = bench_guest(elf, toggles, (struct watchers) {
        .gpiodev = true, .nclients = 4, .what = one });
    /* Every line of both controllers, and its configuration. */
    all = bench_guest(elf, toggles, (struct watchers) {
        .gpiodev = true, .nclients = 1, .what = "subscribe all\n",
        .all_18v = true });
    /* One client among many that watch nothing. */
    of8 = bench_guest(elf, toggles, (struct watchers) {
        .gpiodev = true, .nclients = 1, .what = one, .nidle = 7 });
    of64 = bench_guest(elf, toggles, (struct watchers) {
        .gpiodev = true, .nclients = 1, .what = one, .nidle = 63 });
    f[F_TOGGLE_NONE] = none.toggles_per_s;
    f[F_TOGGLE_IDLE] = idle.toggles_per_s;
    f[F_TOGGLE_ONE] = c1.toggles_per_s;
    f[F_TOGGLE_FOUR] = c4.toggles_per_s;
    f[F_TOGGLE_ALL] = all.toggles_per_s;
    f[F_TOGGLE_ONE_OF_8] = of8.toggles_per_s;
    f[F_TOGGLE_ONE_OF_64] = of64.toggles_per_s;
    f[F_EVENTS_ONE] = c1.events_per_s;
    f[F_EVENTS_FOUR] = c4.events_per_s;
    f[F_IDLE_OVERHEAD] = 1 - idle.toggles_per_s / none.toggles_per_s;
    f[F_ONE_VS_NONE] = c1.toggles_per_s / none.toggles_per_s;
    f[F_FOUR_VS_NONE] = c4.toggles_per_s / none.toggles_per_s;
    {
        const struct guest_run *runs[] = { &c1, &c4, &of8, &of64 };

        for (int i = 0; i < 4; i++) {
            if (runs[i]->received + runs[i]->lost != toggles) {
                fail("edges went missing: %ld received, %ld lost of %ld",
                     runs[i]->received, runs[i]->lost, toggles);
            }
        }
    }
    return c1.lost + c4.lost + all.lost + of8.lost + of64.lost;
}

static void report(FILE *json, int nrounds, double (*rounds)[F_COUNT],
                   bool guest)
{
    printf("%-44s %14s %25s\n", "measure", "median",
           nrounds > 1 ? "range" : "");
    for (int i = 0; i < F_COUNT; i++) {
        double v[nrounds];
        struct stats st;
        int d = figures[i].decimals;

        /* The guest's figures come last in enum figure. */
        if (i >= F_TOGGLE_NONE && !guest) {
            break;
        }
        for (int r = 0; r < nrounds; r++) {
            v[r] = rounds[r][i];
        }
        st = stats_of(v, nrounds);
        printf("%-44s %14.*f", figures[i].label, d, st.median);
        if (nrounds > 1) {
            printf(" %12.*f - %-12.*f", d, st.min, d, st.max);
        }
        printf("\n");
        if (json) {
            fprintf(json, ",\n  \"%s\": {\"median\": %.*f, \"min\": %.*f, "
                    "\"max\": %.*f}", figures[i].key, d, st.median, d,
                    st.min, d, st.max);
        }
    }
}

int main(int argc, char **argv)
{
    long n = 20000, toggles = 0;
    const char *out = NULL, *elf = NULL;
    const char *echo = NULL;
    long samples = 10000, lost = 0;
    int nrounds = 5;
    double (*rounds)[F_COUNT];
    struct latency lat = { 0 };
    struct fixture fx;
    FILE *json = NULL;
    int opt;

    while ((opt = getopt(argc, argv, "e:g:l:n:o:r:t:")) != -1) {
        if (opt == 'e') {
            echo = optarg;
        } else if (opt == 'l') {
            samples = atol(optarg);
        } else if (opt == 'n') {
            n = atol(optarg);
        } else if (opt == 'o') {
            out = optarg;
        } else if (opt == 'g') {
            elf = optarg;
        } else if (opt == 'r') {
            nrounds = atoi(optarg);
        } else if (opt == 't') {
            toggles = atol(optarg);
        } else {
            fprintf(stderr, "usage: bench [-n ROUND-TRIPS] [-r ROUNDS] "
                    "[-g TOGGLE.elf -t TOGGLES] [-e ECHO.elf [-l SAMPLES]] "
                    "[-o FILE]\n");
            return 2;
        }
    }
    if (elf && toggles <= 0) {
        fail("-g needs -t, the toggle count the program was built for");
    }
    if (nrounds < 1 || nrounds > 100) {
        fail("-r wants 1 to 100 rounds");
    }
    if (n < 2) {
        n = 2;
    }
    rounds = calloc(nrounds, sizeof(*rounds));
    fixture_start(&fx);
    for (int r = 0; r < nrounds; r++) {
        round_trips_round(&fx, n, rounds[r]);
    }
    fixture_stop(&fx);
    for (int r = 0; elf && r < nrounds; r++) {
        lost += guest_round(elf, toggles, rounds[r]);
    }
    if (echo) {
        lat = bench_latency(echo, samples);
    }

    if (out) {
        json = fopen(out, "w");
        if (!json) {
            fail("%s: %s", out, strerror(errno));
        }
        fprintf(json, "{\n  \"rounds\": %d,\n  \"round_trips\": %ld",
                nrounds, n);
        if (elf) {
            fprintf(json, ",\n  \"guest_toggles\": %ld,\n"
                    "  \"events_lost\": %ld", toggles, lost);
        }
    }
    report(json, nrounds, rounds, elf);
    if (elf) {
        printf("%-44s %14ld\n", "edges lost, all rounds and clients", lost);
    }
    if (echo) {
        printf("%-44s %8.1f / %.1f\n", "host to guest latency, us "
               "(median / p99)", lat.h2g_median, lat.h2g_p99);
        printf("%-44s %8.1f / %.1f\n", "guest to host latency, us "
               "(median / p99)", lat.g2h_median, lat.g2h_p99);
        if (json) {
            fprintf(json, ",\n  \"latency_us\": {\"samples\": %ld, "
                    "\"host_to_guest_median\": %.1f, "
                    "\"host_to_guest_p99\": %.1f, "
                    "\"guest_to_host_median\": %.1f, "
                    "\"guest_to_host_p99\": %.1f}", samples,
                    lat.h2g_median, lat.h2g_p99, lat.g2h_median,
                    lat.g2h_p99);
        }
    }
    if (json) {
        fprintf(json, "\n}\n");
        fclose(json);
    }
    free(rounds);
    return 0;
}

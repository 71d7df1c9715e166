// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: round trips to an ASPEED GPIO line through gpiodev,
 * against QMP's qom-set/qom-get on the same pin of the same QEMU, and
 * against a plain unix-socket ping-pong between two processes.  Every
 * figure comes from this one run; the ratios are what to compare.
 *
 *   bench [-n ROUND-TRIPS] [-g TOGGLE.elf -t TOGGLES] [-o RESULTS.json]
 *
 * With -g, also the edge throughput of a bare-metal guest (bench/toggle.S
 * assembled for TOGGLES toggles) with no gpiodev, an idle one, and one
 * and four clients subscribed.
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

/*
 * Boot @elf, which toggles gpioB0 @toggles times between printing 'S'
 * and 'D', with no gpiodev (@gpiodev false) or one with @nclients
 * subscribed to the line's edges.  Client 0's figures are reported.
 */
static struct guest_run bench_guest(const char *elf, long toggles,
                                    bool gpiodev, int nclients)
{
    const char *build = getenv("QEMU_GPIODEV_BUILD");
    char dir[] = "/tmp/qgpio-bench-XXXXXX", sock[64], qemu[512], opt[256];
    int serial[2], input[2], lfd = -1, clients[4];
    long edges[4] = { 0 }, lost[4] = { 0 };
    char carry[4][256];
    size_t carry_len[4] = { 0 };
    double t_start = 0, t_done = 0, t_last = 0;
    struct guest_run r = { 0 };
    pid_t pid;

    if (!mkdtemp(dir) || pipe(serial) < 0 || pipe(input) < 0) {
        fail("setup: %s", strerror(errno));
    }
    snprintf(sock, sizeof(sock), "%s/g.sock", dir);
    snprintf(qemu, sizeof(qemu), "%s/qemu-system-arm", build);
    if (gpiodev) {
        lfd = listen_unix_path(sock);
        snprintf(opt, sizeof(opt), "socket,id=g,device=/machine/soc/gpio,"
                 "addr.type=fd,addr.str=%d,queue-limit=64M", lfd);
    }
    pid = fork();
    if (pid == 0) {
        dup2(input[0], 0);
        dup2(serial[1], 1);
        if (gpiodev) {
            execl(qemu, qemu, "-M", "ast2600-evb", "-display", "none",
                  "-monitor", "none", "-serial", "stdio", "-kernel", elf,
                  "-gpiodev", opt, (char *)NULL);
        } else {
            execl(qemu, qemu, "-M", "ast2600-evb", "-display", "none",
                  "-monitor", "none", "-serial", "stdio", "-kernel", elf,
                  (char *)NULL);
        }
        _exit(127);
    }
    close(serial[1]);
    close(input[0]);
    for (int i = 0; i < nclients; i++) {
        const char *sub = "subscribe both gpioB0\n";
        char greeting[256];

        clients[i] = connect_unix(sock);
        read_lines(clients[i], 1, greeting, sizeof(greeting), "hello ");
        if (write(clients[i], sub, strlen(sub)) < 0) {
            fail("write: %s", strerror(errno));
        }
        read_lines(clients[i], 1, greeting, sizeof(greeting), "ok");
    }
    /* The guest says it is ready; a byte on its console starts it. */
    {
        char c = 0;

        while (c != 'R') {
            if (read(serial[0], &c, 1) != 1) {
                fail("QEMU exited before the guest was ready");
            }
        }
        if (write(input[1], "g", 1) != 1) {
            fail("write: %s", strerror(errno));
        }
    }

    /* Until 'D', and then until every client has every edge. */
    while (!t_done || edges[0] + lost[0] < toggles) {
        struct pollfd pfds[5] = { { .fd = serial[0], .events = POLLIN } };
        char buf[65536];

        for (int i = 0; i < nclients; i++) {
            pfds[i + 1] = (struct pollfd) { .fd = clients[i],
                                            .events = POLLIN };
        }
        if (poll(pfds, nclients + 1, 60000) <= 0) {
            fail("the guest run stalled");
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
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(serial[0]);
    close(input[1]);
    if (lfd >= 0) {
        close(lfd);
    }
    unlink(sock);
    rmdir(dir);
    return r;
}

int main(int argc, char **argv)
{
    long n = 20000, toggles = 0;
    const char *out = NULL, *elf = NULL;
    struct guest_run runs[4] = { { 0 } };
    struct fixture fx;
    struct qgpio_chip *chip;
    double lib, batched, pipelined, qmp, floor_rt;
    FILE *json;
    int opt;

    while ((opt = getopt(argc, argv, "g:n:o:t:")) != -1) {
        if (opt == 'n') {
            n = atol(optarg);
        } else if (opt == 'o') {
            out = optarg;
        } else if (opt == 'g') {
            elf = optarg;
        } else if (opt == 't') {
            toggles = atol(optarg);
        } else {
            fprintf(stderr, "usage: bench [-n ROUND-TRIPS] "
                    "[-g TOGGLE.elf -t TOGGLES] [-o FILE]\n");
            return 2;
        }
    }
    if (elf && toggles <= 0) {
        fail("-g needs -t, the toggle count the program was built for");
    }
    if (n < 2) {
        n = 2;
    }
    fixture_start(&fx);
    chip = qgpio_chip_open(fx.gpio0);
    if (!chip) {
        fail("open: %s", qgpio_strerror());
    }
    lib = bench_library(chip, n / 2);
    batched = bench_batched(chip, n / 2);
    pipelined = bench_pipelined(fx.gpio0, n / 2);
    qmp = bench_qmp(fx.qmp, n / 2 > 2000 ? 2000 : n / 2);
    floor_rt = bench_unix_floor(n);
    qgpio_chip_close(chip);
    fixture_stop(&fx);
    if (elf) {
        runs[0] = bench_guest(elf, toggles, false, 0);
        runs[1] = bench_guest(elf, toggles, true, 0);
        runs[2] = bench_guest(elf, toggles, true, 1);
        runs[3] = bench_guest(elf, toggles, true, 4);
    }

    printf("%-44s %14s\n", "measure", "per second");
    printf("%-44s %14.0f\n", "gpiodev round trips (C library)", lib);
    printf("%-44s %14.0f\n", "QMP qom-set/qom-get round trips", qmp);
    printf("%-44s %14.0f\n", "unix socket ping-pong round trips", floor_rt);
    printf("%-44s %14.0f\n", "gpiodev line values, 32 per message", batched);
    printf("%-44s %14.0f\n", "gpiodev requests, 64 pipelined", pipelined);
    printf("%-44s %14.1f\n", "ratio gpiodev / QMP", lib / qmp);
    printf("%-44s %14.2f\n", "ratio gpiodev / unix floor", lib / floor_rt);
    if (elf) {
        static const char *const what[] = {
            "no gpiodev", "gpiodev, no client", "one client subscribed",
            "four clients subscribed",
        };

        for (int i = 0; i < 4; i++) {
            printf("guest toggles/s, %-27s %14.0f\n", what[i],
                   runs[i].toggles_per_s);
        }
        for (int i = 2; i < 4; i++) {
            printf("edges delivered/s to a client (%s) %*.0f, lost %ld\n",
                   i == 2 ? "1" : "4", 10, runs[i].events_per_s,
                   runs[i].lost);
        }
        printf("%-44s %14.3f\n", "idle overhead (1 - b/a)",
               1 - runs[1].toggles_per_s / runs[0].toggles_per_s);
        printf("%-44s %14.3f\n", "one client: toggle rate c/a",
               runs[2].toggles_per_s / runs[0].toggles_per_s);
    }

    json = out ? fopen(out, "w") : NULL;
    if (out && !json) {
        fail("%s: %s", out, strerror(errno));
    }
    if (json) {
        fprintf(json, "{\n  \"round_trips\": %ld,\n"
                "  \"gpiodev_round_trips_per_s\": %.0f,\n"
                "  \"qmp_round_trips_per_s\": %.0f,\n"
                "  \"unix_floor_round_trips_per_s\": %.0f,\n"
                "  \"gpiodev_batched_line_values_per_s\": %.0f,\n"
                "  \"gpiodev_pipelined_requests_per_s\": %.0f,\n"
                "  \"ratio_gpiodev_to_qmp\": %.2f,\n"
                "  \"ratio_gpiodev_to_unix_floor\": %.3f",
                n, lib, qmp, floor_rt, batched, pipelined, lib / qmp,
                lib / floor_rt);
        if (elf) {
            fprintf(json, ",\n  \"guest_toggles\": %ld,\n"
                    "  \"guest_toggles_per_s\": {\"no_gpiodev\": %.0f, "
                    "\"idle\": %.0f, \"one_client\": %.0f, "
                    "\"four_clients\": %.0f},\n"
                    "  \"events_per_s\": {\"one_client\": %.0f, "
                    "\"four_clients\": %.0f},\n"
                    "  \"events_lost\": {\"one_client\": %ld, "
                    "\"four_clients\": %ld},\n"
                    "  \"events_received\": {\"one_client\": %ld, "
                    "\"four_clients\": %ld}",
                    toggles, runs[0].toggles_per_s, runs[1].toggles_per_s,
                    runs[2].toggles_per_s, runs[3].toggles_per_s,
                    runs[2].events_per_s, runs[3].events_per_s,
                    runs[2].lost, runs[3].lost, runs[2].received,
                    runs[3].received);
        }
        fprintf(json, "\n}\n");
        fclose(json);
    }
    return 0;
}

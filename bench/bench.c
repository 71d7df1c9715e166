// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench: round trips to an ASPEED GPIO line through gpiodev,
 * against QMP's qom-set/qom-get on the same pin of the same QEMU, and
 * against a plain unix-socket ping-pong between two processes.  Every
 * figure comes from this one run; the ratios are what to compare.
 *
 *   bench [-n ROUND-TRIPS] [-o RESULTS.json]
 *
 * Needs $QEMU_GPIODEV_BUILD, as the host tests do.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
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

int main(int argc, char **argv)
{
    long n = 20000;
    const char *out = NULL;
    struct fixture fx;
    struct qgpio_chip *chip;
    double lib, batched, pipelined, qmp, floor_rt;
    FILE *json;
    int opt;

    while ((opt = getopt(argc, argv, "n:o:")) != -1) {
        if (opt == 'n') {
            n = atol(optarg);
        } else if (opt == 'o') {
            out = optarg;
        } else {
            fprintf(stderr, "usage: bench [-n ROUND-TRIPS] [-o FILE]\n");
            return 2;
        }
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

    printf("%-44s %14s\n", "measure", "per second");
    printf("%-44s %14.0f\n", "gpiodev round trips (C library)", lib);
    printf("%-44s %14.0f\n", "QMP qom-set/qom-get round trips", qmp);
    printf("%-44s %14.0f\n", "unix socket ping-pong round trips", floor_rt);
    printf("%-44s %14.0f\n", "gpiodev line values, 32 per message", batched);
    printf("%-44s %14.0f\n", "gpiodev requests, 64 pipelined", pipelined);
    printf("%-44s %14.1f\n", "ratio gpiodev / QMP", lib / qmp);
    printf("%-44s %14.2f\n", "ratio gpiodev / unix floor", lib / floor_rt);

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
                "  \"ratio_gpiodev_to_unix_floor\": %.3f\n}\n",
                n, lib, qmp, floor_rt, batched, pipelined, lib / qmp,
                lib / floor_rt);
        fclose(json);
    }
    return 0;
}

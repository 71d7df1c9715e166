// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: libqemu-gpio reading what a server sends.
 *
 * The input is what fake servers send: its first byte picks settings
 * for the line request, and the rest is cut at NUL bytes into the
 * streams that successive connections receive (the chip's first, then
 * the line request's).  The library is built from its sources into this
 * program with connect() renamed to qgpio_fuzz_connect(), which hands
 * the library's socket one end of a socketpair whose other end has
 * already sent the stream and shut down: the library then runs its real
 * path (greeting, replies, line messages, events, overflow notices,
 * over-long lines, the end of the connection) through a realistic
 * sequence of calls, and nothing ever blocks.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu-gpio.h"

/* The chip's path: what qgpio_fuzz_connect() serves. */
#define FUZZ_PATH "/fuzz/gpiochip"
#define MAX_STREAMS 4

static struct {
    const uint8_t *data[MAX_STREAMS];
    size_t size[MAX_STREAMS];
    int count, next;
    /* The servers' ends, closed once the input is done. */
    int peers[MAX_STREAMS];
    int npeers;
} fuzz;

int qgpio_fuzz_connect(int fd, const struct sockaddr *addr, socklen_t len);

/* Send @data from the server's end, as much as the socket takes. */
static void serve(int peer, const uint8_t *data, size_t size)
{
    fcntl(peer, F_SETFL, O_NONBLOCK);
    while (size) {
        ssize_t n = send(peer, data, size, MSG_NOSIGNAL);

        if (n <= 0) {
            break;
        }
        data += n;
        size -= n;
    }
    shutdown(peer, SHUT_WR);
}

int qgpio_fuzz_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
    int pair[2];

    if (addr->sa_family != AF_UNIX || strcmp(un->sun_path, FUZZ_PATH)) {
        return connect(fd, addr, len);
    }
    if (fuzz.npeers == MAX_STREAMS) {
        errno = ECONNREFUSED;
        return -1;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0) {
        return -1;
    }
    dup2(pair[0], fd);
    close(pair[0]);
    if (fuzz.next < fuzz.count) {
        serve(pair[1], fuzz.data[fuzz.next], fuzz.size[fuzz.next]);
        fuzz.next++;
    } else {
        shutdown(pair[1], SHUT_WR);
    }
    fuzz.peers[fuzz.npeers++] = pair[1];
    return 0;
}

/* Cut the input into the servers' streams. */
static void split_streams(const uint8_t *data, size_t size)
{
    fuzz.count = fuzz.next = fuzz.npeers = 0;
    while (fuzz.count < MAX_STREAMS) {
        const uint8_t *nul = memchr(data, '\0', size);
        size_t len = nul ? (size_t)(nul - data) : size;

        fuzz.data[fuzz.count] = data;
        fuzz.size[fuzz.count++] = len;
        if (!nul) {
            break;
        }
        data += len + 1;
        size -= len + 1;
    }
}

static void close_peers(void)
{
    for (int i = 0; i < fuzz.npeers; i++) {
        close(fuzz.peers[i]);
    }
    fuzz.npeers = 0;
}

/* Read every getter, so that what the parser stored is used. */
static size_t use_line_info(struct qgpio_line_info *li)
{
    const char *name, *consumer;
    struct qgpio_line_info *copy;
    size_t sum;

    if (!li) {
        return 0;
    }
    name = qgpio_line_info_get_name(li);
    consumer = qgpio_line_info_get_consumer(li);
    sum = qgpio_line_info_get_offset(li) + qgpio_line_info_is_present(li) +
          qgpio_line_info_is_used(li) + qgpio_line_info_get_direction(li) +
          qgpio_line_info_get_drive(li) + qgpio_line_info_get_bias(li) +
          qgpio_line_info_get_interrupt(li) + qgpio_line_info_get_value(li) +
          (name ? strlen(name) : 0) + (consumer ? strlen(consumer) : 0);
    copy = qgpio_line_info_copy(li);
    qgpio_line_info_free(copy);
    return sum;
}

static size_t use_chip(struct qgpio_chip *chip)
{
    struct qgpio_chip_info *info = qgpio_chip_get_info(chip);
    struct qgpio_line_info *li;
    size_t sum = 0;

    if (info) {
        sum += strlen(qgpio_chip_info_get_name(info)) +
               strlen(qgpio_chip_info_get_label(info)) +
               qgpio_chip_info_get_num_lines(info);
        qgpio_chip_info_free(info);
    }
    for (unsigned int offset = 0; offset < 2; offset++) {
        li = qgpio_chip_get_line_info(chip, offset);
        sum += use_line_info(li);
        qgpio_line_info_free(li);
    }
    sum += qgpio_chip_get_line_offset_from_name(chip, "gpioA1");
    li = qgpio_chip_watch_line_info(chip, 1);
    sum += use_line_info(li);
    qgpio_line_info_free(li);
    for (int i = 0; i < 4 && qgpio_chip_wait_info_event(chip, 0) > 0; i++) {
        struct qgpio_info_event *ev = qgpio_chip_read_info_event(chip);

        if (!ev) {
            break;
        }
        sum += qgpio_info_event_get_event_type(ev) +
               qgpio_info_event_get_timestamp_ns(ev) +
               use_line_info(qgpio_info_event_get_line_info(ev));
        qgpio_info_event_free(ev);
    }
    return sum;
}

/*
 * Lines 0 and 1 as inputs with edges, line 2 driven; @flags picks the
 * edges, active-low, the clock and the size of the event queue.
 */
static struct qgpio_line_config *line_config(uint8_t flags)
{
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    unsigned int inputs[] = { 0, 1 }, output = 2;

    if (!lc || !s) {
        qgpio_line_config_free(lc);
        qgpio_line_settings_free(s);
        return NULL;
    }
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_INPUT);
    qgpio_line_settings_set_edge_detection(s, QGPIO_LINE_EDGE_NONE +
                                           (flags & 3));
    qgpio_line_settings_set_active_low(s, flags & 4);
    qgpio_line_settings_set_event_clock(s, flags & 8 ?
                                        QGPIO_LINE_CLOCK_REALTIME :
                                        QGPIO_LINE_CLOCK_GUEST);
    qgpio_line_config_add_line_settings(lc, inputs, 2, s);
    qgpio_line_settings_reset(s);
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_config_add_line_settings(lc, &output, 1, s);
    qgpio_line_settings_free(s);
    return lc;
}

static size_t use_edges(struct qgpio_line_request *req)
{
    struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(4);
    size_t sum = 0;

    for (int i = 0; buf && i < 4 &&
         qgpio_line_request_wait_edge_events(req, 0) > 0; i++) {
        int n = qgpio_line_request_read_edge_events(req, buf, 4);

        for (int k = 0; k < n; k++) {
            struct qgpio_edge_event *ev =
                qgpio_edge_event_buffer_get_event(buf, k);

            sum += qgpio_edge_event_get_event_type(ev) +
                   qgpio_edge_event_get_timestamp_ns(ev) +
                   qgpio_edge_event_get_line_offset(ev) +
                   qgpio_edge_event_get_global_seqno(ev) +
                   qgpio_edge_event_get_line_seqno(ev);
        }
        if (n <= 0) {
            break;
        }
    }
    qgpio_edge_event_buffer_free(buf);
    return sum + qgpio_line_request_get_lost_events(req);
}

static size_t use_request(struct qgpio_chip *chip, uint8_t flags)
{
    struct qgpio_line_config *lc = line_config(flags);
    struct qgpio_request_config *rc = qgpio_request_config_new();
    struct qgpio_line_request *req = NULL;
    enum qgpio_line_value values[3];
    size_t sum = 0;

    if (lc && rc) {
        qgpio_request_config_set_consumer(rc, flags & 16 ? "fuzz \"me\"\\"
                                                         : "fuzz");
        /* Small queues make the oldest events be dropped. */
        qgpio_request_config_set_event_buffer_size(rc, 1 + (flags >> 5));
        req = qgpio_chip_request_lines(chip, rc, lc);
    }
    if (req) {
        sum += qgpio_line_request_get_value(req, 0);
        sum += use_edges(req);
        qgpio_line_request_set_value(req, 2, QGPIO_LINE_VALUE_ACTIVE);
        if (qgpio_line_request_get_values(req, values) == 0) {
            sum += values[0] + values[1] + values[2];
        }
        qgpio_line_request_reconfigure_lines(req, lc);
        sum += use_edges(req);
        qgpio_line_request_release(req);
    }
    qgpio_line_config_free(lc);
    qgpio_request_config_free(rc);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where what was read goes, so that reading it is not optimized out. */
volatile size_t fuzz_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qgpio_chip *chip;
    uint8_t flags;

    if (!size) {
        return 0;
    }
    flags = data[0];
    split_streams(data + 1, size - 1);
    chip = qgpio_chip_open(FUZZ_PATH);
    if (chip) {
        fuzz_sink += use_chip(chip);
        fuzz_sink += use_request(chip, flags);
        qgpio_chip_unwatch_line_info(chip, 1);
        qgpio_line_info_free(qgpio_chip_get_line_info(chip, 3));
        qgpio_chip_close(chip);
    }
    close_peers();
    return 0;
}

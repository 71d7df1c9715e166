// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libqemu-gpio against a real QEMU: the guest is played over qtest,
 * the library talks to the real gpiodev sockets.  Prints TAP.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fake-server.h"
#include "fixture.h"
#include "qemu-gpio.h"

static int test_count, failures;

static bool check(bool ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", ok ? "ok" : "not ok", ++test_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok) {
        printf(" (errno %d: %s)", errno, qgpio_strerror());
        failures++;
    }
    printf("\n");
    fflush(stdout);
    return ok;
}

static struct fixture fx;

static struct qgpio_line_request *request(struct qgpio_chip *chip,
                                          unsigned int offset,
                                          const char *consumer,
                                          enum qgpio_line_direction dir,
                                          enum qgpio_line_edge edge,
                                          enum qgpio_line_value value)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_request_config *rc = qgpio_request_config_new();
    struct qgpio_line_request *req;

    qgpio_line_settings_set_direction(s, dir);
    qgpio_line_settings_set_edge_detection(s, edge);
    qgpio_line_settings_set_output_value(s, value);
    qgpio_line_config_add_line_settings(lc, &offset, 1, s);
    if (qgpio_request_config_set_consumer(rc, consumer) < 0) {
        printf("Bail out! set_consumer: %s\n", qgpio_strerror());
        exit(1);
    }
    req = qgpio_chip_request_lines(chip, rc, lc);
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_request_config_free(rc);
    return req;
}

static bool guest_bit(unsigned bit)
{
    return guest_readl(&fx, AST2600_GPIO_BASE + GPIO_DATA) & (1u << bit);
}

static void test_chip(void)
{
    struct qgpio_chip *chip = qgpio_chip_open("gpio0");
    struct qgpio_chip_info *info;

    if (!check(chip != NULL, "open a chip by name from QEMU_GPIO_DIR")) {
        exit(1);
    }
    info = qgpio_chip_get_info(chip);
    check(!strcmp(qgpio_chip_info_get_name(info), "gpio0") &&
          !strcmp(qgpio_chip_info_get_label(info),
                  "ASPEED AST2600 GPIO 3.3V") &&
          qgpio_chip_info_get_num_lines(info) == 208 &&
          !strcmp(qgpio_chip_info_get_device(info), "/machine/soc/gpio") &&
          !strcmp(qgpio_chip_info_get_type(info), "aspeed.gpio-ast2600"),
          "chip info: name, label, 208 lines, device and type");
    qgpio_chip_info_free(info);
    check(!strcmp(qgpio_chip_get_path(chip), fx.gpio0),
          "the chip's path is its socket");
    qgpio_chip_close(chip);

    chip = qgpio_chip_open(fx.gpio1);
    info = chip ? qgpio_chip_get_info(chip) : NULL;
    check(info && qgpio_chip_info_get_num_lines(info) == 36,
          "open a chip by path: the 1.8 V controller has 36 lines");
    qgpio_chip_info_free(info);
    qgpio_chip_close(chip);

    errno = 0;
    chip = qgpio_chip_open("nonesuch");
    check(!chip && errno == ENOENT && strstr(qgpio_strerror(), "no such chip"),
          "an unknown chip is ENOENT, saying so");
    check(qgpio_is_chip(fx.gpio0) && !qgpio_is_chip("/etc/passwd"),
          "qgpio_is_chip tells a gpiodev socket from a file");
}

static void test_line_info(struct qgpio_chip *chip)
{
    struct qgpio_line_info *li = qgpio_chip_get_line_info(chip, 8);

    check(li && qgpio_line_info_get_offset(li) == 8 &&
          !strcmp(qgpio_line_info_get_name(li), "gpioB0") &&
          qgpio_line_info_is_present(li) && !qgpio_line_info_is_used(li) &&
          qgpio_line_info_get_direction(li) == QGPIO_LINE_DIRECTION_INPUT &&
          qgpio_line_info_get_interrupt(li) == QGPIO_LINE_INTERRUPT_NONE &&
          qgpio_line_info_get_value(li) == QGPIO_LINE_VALUE_INACTIVE,
          "line info of offset 8: gpioB0, an unused input");
    qgpio_line_info_free(li);
    errno = 0;
    check(!qgpio_chip_get_line_info(chip, 208) && errno == EINVAL,
          "line info past the last line is EINVAL");
    check(qgpio_chip_get_line_offset_from_name(chip, "gpioD0") == 24,
          "gpioD0 is offset 24");
    errno = 0;
    check(qgpio_chip_get_line_offset_from_name(chip, "gpioQQ") < 0 &&
          errno == ENOENT, "an unknown line name is ENOENT");
}

static void test_drive(struct qgpio_chip *chip)
{
    struct qgpio_line_request *req, *other;
    struct qgpio_line_info *li;

    req = request(chip, 24, "test-lib", QGPIO_LINE_DIRECTION_OUTPUT,
                  QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_ACTIVE);
    check(req && guest_bit(24), "an output request drives gpioD0 high for "
          "the guest");
    li = qgpio_chip_get_line_info(chip, 24);
    check(li && qgpio_line_info_is_used(li) &&
          !strcmp(qgpio_line_info_get_consumer(li), "test-lib"),
          "the line is used, by the request's consumer");
    qgpio_line_info_free(li);

    errno = 0;
    other = request(chip, 24, "intruder", QGPIO_LINE_DIRECTION_OUTPUT,
                    QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_INACTIVE);
    check(!other && errno == EBUSY && strstr(qgpio_strerror(), "test-lib"),
          "a second request for the line is EBUSY, naming the holder");
    check(guest_bit(24), "the refused request changed nothing");

    check(qgpio_line_request_set_value(req, 24, QGPIO_LINE_VALUE_INACTIVE)
          == 0 && !guest_bit(24), "set_value 0 clears it for the guest");
    check(qgpio_line_request_get_value(req, 24) == QGPIO_LINE_VALUE_INACTIVE,
          "get_value reads it back");
    errno = 0;
    check(qgpio_line_request_set_value(req, 25, QGPIO_LINE_VALUE_ACTIVE) < 0
          && errno == EINVAL, "set_value of a line not requested is EINVAL");
    qgpio_line_request_release(req);

    li = qgpio_chip_get_line_info(chip, 24);
    check(li && !qgpio_line_info_is_used(li) &&
          qgpio_line_info_get_value(li) == QGPIO_LINE_VALUE_INACTIVE,
          "released, the line is unused and keeps its level");
    qgpio_line_info_free(li);
    other = request(chip, 24, "intruder", QGPIO_LINE_DIRECTION_OUTPUT,
                    QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_ACTIVE);
    check(other && guest_bit(24), "after release another client may drive");
    qgpio_line_request_release(other);

    /* Active-low: the value is inverted on the pin. */
    {
        struct qgpio_line_settings *s = qgpio_line_settings_new();
        struct qgpio_line_config *lc = qgpio_line_config_new();
        unsigned int offset = 25;

        qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
        qgpio_line_settings_set_active_low(s, true);
        qgpio_line_settings_set_output_value(s, QGPIO_LINE_VALUE_ACTIVE);
        qgpio_line_config_add_line_settings(lc, &offset, 1, s);
        req = qgpio_chip_request_lines(chip, NULL, lc);
        check(req && !guest_bit(25) &&
              qgpio_line_request_get_value(req, 25) == QGPIO_LINE_VALUE_ACTIVE,
              "active-low: active drives the pin low and reads back active");
        qgpio_line_request_release(req);
        qgpio_line_settings_free(s);
        qgpio_line_config_free(lc);
    }

    /* A line the guest drives cannot be driven from outside. */
    guest_set_bit(&fx, GPIO_DIRECTION, 27, true);
    errno = 0;
    req = request(chip, 27, "test-lib", QGPIO_LINE_DIRECTION_OUTPUT,
                  QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_ACTIVE);
    check(!req && errno == EBUSY && strstr(qgpio_strerror(), "output"),
          "driving a guest output is EBUSY, saying why");

    req = request(chip, 26, "test-lib", QGPIO_LINE_DIRECTION_INPUT,
                  QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_INACTIVE);
    errno = 0;
    check(req && qgpio_line_request_set_value(req, 26,
                                              QGPIO_LINE_VALUE_ACTIVE) < 0 &&
          errno == EPERM, "set_value on an input request is EPERM");
    qgpio_line_request_release(req);
    errno = 0;
    req = request(chip, 26, "test-lib", QGPIO_LINE_DIRECTION_OUTPUT,
                  QGPIO_LINE_EDGE_RISING, QGPIO_LINE_VALUE_INACTIVE);
    check(!req && errno == EINVAL, "edge detection on an output is EINVAL");
}

static void test_edges(struct qgpio_chip *chip, enum qgpio_line_clock clock)
{
    struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(16);
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_line_request *req;
    unsigned int offset = 8;
    uint64_t last_ts = 0, line_seqno = 0;
    struct timespec now;
    int got = 0, n;
    bool ok = true;
    const char *what = clock == QGPIO_LINE_CLOCK_GUEST ? "guest" : "realtime";

    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_INPUT);
    qgpio_line_settings_set_edge_detection(s, QGPIO_LINE_EDGE_BOTH);
    qgpio_line_settings_set_event_clock(s, clock);
    qgpio_line_config_add_line_settings(lc, &offset, 1, s);
    req = qgpio_chip_request_lines(chip, NULL, lc);
    check(req != NULL, "request gpioB0 for both edges (%s clock)", what);
    check(qgpio_line_request_wait_edge_events(req, 0) == 0,
          "no event is ready before the guest does anything");

    guest_set_bit(&fx, GPIO_DIRECTION, 8, true);
    for (int i = 0; i < 6; i++) {
        guest_set_bit(&fx, GPIO_DATA, 8, !(i & 1));
    }
    while (got < 6) {
        n = qgpio_line_request_read_edge_events(req, buf, 16);
        if (n <= 0) {
            ok = false;
            break;
        }
        for (int i = 0; i < n; i++) {
            struct qgpio_edge_event *ev =
                qgpio_edge_event_buffer_get_event(buf, i);
            enum qgpio_edge_event_type want = (got & 1) ?
                QGPIO_EDGE_EVENT_FALLING_EDGE : QGPIO_EDGE_EVENT_RISING_EDGE;

            ok &= qgpio_edge_event_get_event_type(ev) == want;
            ok &= qgpio_edge_event_get_line_offset(ev) == 8;
            ok &= !line_seqno ||
                  qgpio_edge_event_get_line_seqno(ev) == line_seqno + 1;
            ok &= qgpio_edge_event_get_timestamp_ns(ev) >= last_ts;
            line_seqno = qgpio_edge_event_get_line_seqno(ev);
            last_ts = qgpio_edge_event_get_timestamp_ns(ev);
            got++;
        }
    }
    check(ok && got == 6, "six alternating edges, consecutive line seqnos, "
          "ordered timestamps");
    clock_gettime(CLOCK_REALTIME, &now);
    if (clock == QGPIO_LINE_CLOCK_REALTIME) {
        uint64_t host = now.tv_sec * 1000000000ull + now.tv_nsec;

        check(last_ts <= host && host - last_ts < 60ull * 1000000000,
              "realtime timestamps are the host's time");
    } else {
        check(last_ts < 60ull * 1000000000,
              "guest timestamps are the machine's virtual time");
    }
    guest_set_bit(&fx, GPIO_DATA, 8, false);
    guest_set_bit(&fx, GPIO_DIRECTION, 8, false);
    qgpio_line_request_release(req);
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_edge_event_buffer_free(buf);
}

/* Active-low: the pin falling is a rising edge, and only that is asked. */
static void test_active_low_edges(struct qgpio_chip *chip)
{
    struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(4);
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_line_request *req;
    unsigned int offset = 9;
    int n;

    qgpio_line_settings_set_edge_detection(s, QGPIO_LINE_EDGE_RISING);
    qgpio_line_settings_set_active_low(s, true);
    qgpio_line_config_add_line_settings(lc, &offset, 1, s);
    req = qgpio_chip_request_lines(chip, NULL, lc);
    guest_set_bit(&fx, GPIO_DIRECTION, 9, true);
    guest_set_bit(&fx, GPIO_DATA, 9, true);
    guest_set_bit(&fx, GPIO_DATA, 9, false);
    n = req ? qgpio_line_request_read_edge_events(req, buf, 4) : -1;
    check(n == 1 && qgpio_edge_event_get_event_type(
              qgpio_edge_event_buffer_get_event(buf, 0)) ==
          QGPIO_EDGE_EVENT_RISING_EDGE &&
          qgpio_line_request_wait_edge_events(req, 0) == 0,
          "active-low rising edges: only the pin's falling edge, as rising");
    guest_set_bit(&fx, GPIO_DIRECTION, 9, false);
    qgpio_line_request_release(req);
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_edge_event_buffer_free(buf);
}

static void test_info_events(struct qgpio_chip *chip)
{
    struct qgpio_line_info *li = qgpio_chip_watch_line_info(chip, 28);
    struct qgpio_line_request *req;
    struct qgpio_info_event *ev;

    check(li && !strcmp(qgpio_line_info_get_name(li), "gpioD4"),
          "watch gpioD4");
    qgpio_line_info_free(li);
    check(qgpio_chip_wait_info_event(chip, 0) == 0, "no info event yet");

    req = request(chip, 28, "watched", QGPIO_LINE_DIRECTION_OUTPUT,
                  QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_ACTIVE);
    ev = qgpio_chip_read_info_event(chip);
    check(ev && qgpio_info_event_get_event_type(ev) ==
          QGPIO_INFO_EVENT_LINE_REQUESTED &&
          !strcmp(qgpio_line_info_get_consumer(
                      qgpio_info_event_get_line_info(ev)), "watched"),
          "requested, by 'watched'");
    qgpio_info_event_free(ev);
    qgpio_line_request_release(req);
    ev = qgpio_chip_read_info_event(chip);
    check(ev && qgpio_info_event_get_event_type(ev) ==
          QGPIO_INFO_EVENT_LINE_RELEASED &&
          !qgpio_line_info_is_used(qgpio_info_event_get_line_info(ev)),
          "released");
    qgpio_info_event_free(ev);

    guest_set_bit(&fx, GPIO_DIRECTION, 28, true);
    ev = qgpio_chip_read_info_event(chip);
    check(ev && qgpio_info_event_get_event_type(ev) ==
          QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED &&
          qgpio_line_info_get_direction(qgpio_info_event_get_line_info(ev))
          == QGPIO_LINE_DIRECTION_OUTPUT &&
          qgpio_info_event_get_realtime_ns(ev) > 0,
          "the guest making it an output is a config change");
    qgpio_info_event_free(ev);
    check(qgpio_chip_unwatch_line_info(chip, 28) == 0, "unwatch");
    guest_set_bit(&fx, GPIO_DIRECTION, 28, false);
    check(qgpio_chip_wait_info_event(chip, 0) == 0,
          "no event after unwatching");
}

static void test_reconfigure(struct qgpio_chip *chip)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_line_request *req;
    struct qgpio_line_info *li;
    unsigned int offsets[] = { 29, 30 };
    enum qgpio_line_value values[2];

    req = request(chip, 29, NULL, QGPIO_LINE_DIRECTION_INPUT,
                  QGPIO_LINE_EDGE_RISING, QGPIO_LINE_VALUE_INACTIVE);
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_settings_set_output_value(s, QGPIO_LINE_VALUE_ACTIVE);
    qgpio_line_config_add_line_settings(lc, &offsets[0], 1, s);
    check(req && qgpio_line_request_reconfigure_lines(req, lc) == 0 &&
          guest_bit(29), "reconfigure an input request into an output");
    qgpio_line_config_reset(lc);
    qgpio_line_settings_reset(s);
    qgpio_line_config_add_line_settings(lc, &offsets[0], 1, s);
    check(qgpio_line_request_reconfigure_lines(req, lc) == 0, "and back");
    li = qgpio_chip_get_line_info(chip, 29);
    check(li && !qgpio_line_info_is_used(li), "which releases the line");
    qgpio_line_info_free(li);
    errno = 0;
    qgpio_line_config_add_line_settings(lc, &offsets[1], 1, s);
    check(qgpio_line_request_reconfigure_lines(req, lc) < 0 &&
          errno == EINVAL, "reconfiguring a line not requested is EINVAL");
    qgpio_line_request_release(req);

    /* A refused reconfiguration changes nothing: edges still come. */
    {
        struct qgpio_line_request *holder;
        struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(4);

        holder = request(chip, 29, "holder", QGPIO_LINE_DIRECTION_OUTPUT,
                         QGPIO_LINE_EDGE_NONE, QGPIO_LINE_VALUE_INACTIVE);
        req = request(chip, 29, NULL, QGPIO_LINE_DIRECTION_INPUT,
                      QGPIO_LINE_EDGE_BOTH, QGPIO_LINE_VALUE_INACTIVE);
        qgpio_line_config_reset(lc);
        qgpio_line_settings_reset(s);
        qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
        qgpio_line_config_add_line_settings(lc, &offsets[0], 1, s);
        errno = 0;
        check(req && qgpio_line_request_reconfigure_lines(req, lc) < 0 &&
              errno == EBUSY, "reconfiguring onto a held line is EBUSY");
        qgpio_line_request_set_value(holder, 29, QGPIO_LINE_VALUE_ACTIVE);
        check(qgpio_line_request_read_edge_events(req, buf, 4) == 1,
              "and the request still has its edges");
        qgpio_line_request_release(holder);
        qgpio_line_request_release(req);
        qgpio_edge_event_buffer_free(buf);
        qgpio_line_settings_reset(s);
    }

    /* Two lines at once, atomically. */
    qgpio_line_config_reset(lc);
    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_config_add_line_settings(lc, offsets, 2, s);
    values[0] = QGPIO_LINE_VALUE_ACTIVE;
    values[1] = QGPIO_LINE_VALUE_ACTIVE;
    qgpio_line_config_set_output_values(lc, values, 2);
    req = qgpio_chip_request_lines(chip, NULL, lc);
    check(req && guest_bit(29) && guest_bit(30),
          "two lines requested as outputs, both driven");
    values[0] = QGPIO_LINE_VALUE_INACTIVE;
    check(qgpio_line_request_set_values(req, values) == 0 && !guest_bit(29)
          && guest_bit(30), "set_values sets both at once");
    check(qgpio_line_request_get_values(req, values) == 0 &&
          values[0] == QGPIO_LINE_VALUE_INACTIVE &&
          values[1] == QGPIO_LINE_VALUE_ACTIVE, "get_values reads both");
    qgpio_line_request_release(req);
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
}

/*
 * Another client, speaking the protocol by hand, names itself with 3000
 * backslashes, which QEMU quotes as 6000: its info line is past 4096
 * bytes, the limit of a request line, and still well within what the
 * library reads.
 */
static void test_long_consumer(struct qgpio_chip *chip)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    enum { n = 3000 };
    static char hello[n + 64];
    size_t len = 0;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct qgpio_line_info *li;
    const char *consumer;
    bool ok;

    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", fx.gpio0);
    len = sprintf(hello, "hello name=");
    memset(hello + len, '\\', n);
    len += n;
    len += sprintf(hello + len, "\nset 40=1\nping\n");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        write(fd, hello, len) != (ssize_t)len) {
        check(false, "a raw client connects and names itself");
        close(fd);
        return;
    }
    /* Its replies: the greeting, hello, set and ping's "ok" last. */
    {
        char buf[256];
        size_t got = 0;
        int oks = 0;

        while (oks < 3 && got < 64 * 1024) {
            ssize_t r = read(fd, buf, sizeof(buf));

            if (r <= 0) {
                break;
            }
            got += r;
            for (ssize_t i = 0; i + 2 < r; i++) {
                oks += buf[i] == 'o' && buf[i + 1] == 'k' &&
                       (i == 0 || buf[i - 1] == '\n');
            }
        }
    }
    li = qgpio_chip_get_line_info(chip, 40);
    consumer = li ? qgpio_line_info_get_consumer(li) : NULL;
    ok = consumer && strlen(consumer) == n &&
         strspn(consumer, "\\") == n;
    check(ok, "a line held by a client whose name QEMU quotes past 4096 "
          "bytes is read whole");
    qgpio_line_info_free(li);
    close(fd);
}

static void test_server_gone(struct qgpio_chip *chip)
{
    struct qgpio_line_request *req;
    struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(4);

    req = request(chip, 31, NULL, QGPIO_LINE_DIRECTION_INPUT,
                  QGPIO_LINE_EDGE_BOTH, QGPIO_LINE_VALUE_INACTIVE);
    fixture_kill_qemu(&fx);
    errno = 0;
    check(req && qgpio_line_request_get_value(req, 31) ==
          QGPIO_LINE_VALUE_ERROR && (errno == ECONNRESET || errno == EPIPE),
          "a request whose server died fails with an error, not a hang");
    errno = 0;
    check(qgpio_line_request_read_edge_events(req, buf, 4) < 0,
          "reading events from a dead server fails");
    check(!qgpio_chip_get_line_info(chip, 0), "so does the chip");
    qgpio_line_request_release(req);
    qgpio_edge_event_buffer_free(buf);
}

/* A chip of a fake server and a request for its line 0's edges. */
static struct qgpio_line_request *fake_request(struct fake_server *srv,
                                               struct qgpio_chip **chip,
                                               size_t event_buffer_size)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_request_config *rc = qgpio_request_config_new();
    struct qgpio_line_request *req = NULL;
    unsigned int offset = 0;

    *chip = qgpio_chip_open(fake_server_path(srv));
    qgpio_line_settings_set_edge_detection(s, QGPIO_LINE_EDGE_BOTH);
    qgpio_line_config_add_line_settings(lc, &offset, 1, s);
    qgpio_request_config_set_event_buffer_size(rc, event_buffer_size);
    if (*chip) {
        req = qgpio_chip_request_lines(*chip, rc, lc);
    }
    qgpio_line_settings_free(s);
    qgpio_line_config_free(lc);
    qgpio_request_config_free(rc);
    return req;
}

/* A server line that never ends: refused at the limit, memory bounded. */
static void test_endless_lines(void)
{
    struct fake_server *srv = fake_server_start(FAKE_ENDLESS_REPLY, 0);
    struct qgpio_line_request *req;
    struct qgpio_chip *chip;
    size_t written;
    int ret;

    errno = 0;
    chip = qgpio_chip_open(fake_server_path(srv));
    check(!chip && errno == EPROTO && strstr(qgpio_strerror(), "longer"),
          "a reply line that never ends is EPROTO, saying it is too long");
    written = fake_server_stop(srv);
    check(written < (1u << 20), "the client stopped reading it early "
          "(%zu bytes sent)", written);

    srv = fake_server_start(FAKE_ENDLESS_EVENT, 0);
    req = fake_request(srv, &chip, 0);
    check(req && qgpio_line_request_get_value(req, 0) ==
          QGPIO_LINE_VALUE_ACTIVE, "a fake server's line request works");
    errno = 0;
    ret = req ? qgpio_line_request_wait_edge_events(req, 5000000000LL) : 0;
    check(ret < 0 && errno == EPROTO,
          "an event line that never ends is EPROTO");
    written = fake_server_stop(srv);
    check(written < (1u << 20), "the request, still open, read no more of "
          "it (%zu bytes sent)", written);
    errno = 0;
    check(req && qgpio_line_request_get_value(req, 0) ==
          QGPIO_LINE_VALUE_ERROR && errno == EPIPE,
          "and its connection is closed");
    qgpio_line_request_release(req);
    qgpio_chip_close(chip);
}

/*
 * Read every queued edge; true if they are consecutive, from seqno
 * @first to @last.
 */
static bool read_all_edges(struct qgpio_line_request *req, size_t batch,
                           unsigned long first, unsigned long last)
{
    struct qgpio_edge_event_buffer *buf = qgpio_edge_event_buffer_new(batch);
    unsigned long next = first;
    bool ok = true;

    while (ok && next <= last &&
           qgpio_line_request_wait_edge_events(req, 2000000000LL) > 0) {
        int n = qgpio_line_request_read_edge_events(req, buf, batch);

        for (int i = 0; i < n; i++) {
            struct qgpio_edge_event *ev =
                qgpio_edge_event_buffer_get_event(buf, i);

            ok &= qgpio_edge_event_get_global_seqno(ev) == next++;
        }
        ok &= n > 0;
    }
    qgpio_edge_event_buffer_free(buf);
    return ok && next == last + 1 &&
           qgpio_line_request_wait_edge_events(req, 0) == 0;
}

/*
 * Events flooding in while the client waits for a reply: the queue
 * keeps the newest, and the dropped ones are counted with QEMU's.
 */
static void test_event_flood(size_t cap, size_t edges, size_t buffer_size)
{
    struct fake_server *srv = fake_server_start(FAKE_FLOOD_BEFORE_REPLY,
                                                edges);
    struct qgpio_line_request *req;
    struct qgpio_chip *chip;
    /* The notice comes first: dropped first, it counts what it says. */
    uint64_t lost = FAKE_OVERFLOW_LOST + (edges - cap);

    req = fake_request(srv, &chip, buffer_size);
    check(req && qgpio_line_request_get_value(req, 0) ==
          QGPIO_LINE_VALUE_ACTIVE, "a reply after %zu unread events is read "
          "(queue of %zu)", edges, cap);
    check(req && qgpio_line_request_get_lost_events(req) == lost,
          "the oldest are dropped and counted, QEMU's notice with them: "
          "%llu lost", req ? (unsigned long long)
          qgpio_line_request_get_lost_events(req) : 0ull);
    check(req && read_all_edges(req, 64, edges - cap + 1, edges),
          "the newest %zu are delivered, in order", cap);
    qgpio_line_request_release(req);
    qgpio_chip_close(chip);
    fake_server_stop(srv);
}

/* Events waiting while the client does not read: nothing is lost. */
static void test_events_wait_in_socket(void)
{
    struct fake_server *srv = fake_server_start(FAKE_FLOOD_AFTER_REPLY, 1000);
    struct qgpio_line_request *req;
    struct qgpio_chip *chip;

    req = fake_request(srv, &chip, 100);
    check(req && qgpio_line_request_get_value(req, 0) ==
          QGPIO_LINE_VALUE_ACTIVE, "1000 events follow a reply");
    usleep(100000);
    check(req && read_all_edges(req, 16, 1, 1000) &&
          qgpio_line_request_get_lost_events(req) == 0,
          "read 16 at a time through a queue of 100, none is lost");
    qgpio_line_request_release(req);
    qgpio_chip_close(chip);
    fake_server_stop(srv);
}

/* A full server's refusal is its error, not a protocol mismatch. */
static void test_server_full(void)
{
    struct fake_server *srv = fake_server_start(FAKE_FULL, 0);
    struct qgpio_chip *chip;

    errno = 0;
    chip = qgpio_chip_open(fake_server_path(srv));
    check(!chip && errno == EBUSY && strstr(qgpio_strerror(), "is full"),
          "a full server's 'err busy' greeting is EBUSY, with its message");
    qgpio_chip_close(chip);
    fake_server_stop(srv);
}

static void test_caps(void)
{
    test_server_full();
    test_endless_lines();
    test_event_flood(100, 300, 100);
    test_event_flood(QGPIO_EVENT_BUFFER_SIZE_DEFAULT,
                     QGPIO_EVENT_BUFFER_SIZE_DEFAULT + 50, 0);
    test_events_wait_in_socket();
}

int main(void)
{
    struct qgpio_chip *chip;

    test_caps();
    fixture_start(&fx);
    test_chip();
    chip = qgpio_chip_open("gpio0");
    test_line_info(chip);
    test_drive(chip);
    test_edges(chip, QGPIO_LINE_CLOCK_GUEST);
    test_edges(chip, QGPIO_LINE_CLOCK_REALTIME);
    test_active_low_edges(chip);
    test_info_events(chip);
    test_reconfigure(chip);
    test_long_consumer(chip);
    test_server_gone(chip);
    qgpio_chip_close(chip);
    fixture_stop(&fx);
    printf("1..%d\n", test_count);
    return failures ? 1 : 0;
}

/*
 * QTest for gpiodev on the ASPEED GPIO controllers: qtest plays the guest
 * by writing the controller's registers, and the outside world is played
 * by clients of a real gpiodev socket.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/sockets.h"
#include "qemu/units.h"
#include <poll.h>
#include "libqtest.h"
#include "qapi/error.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"

#define AST2600_GPIO_BASE       0x1E780000
#define AST2600_GPIO_1_8V_BASE  0x1E780800

#define GPIO_ABCD_DATA_VALUE    0x000
#define GPIO_ABCD_DIRECTION     0x004
#define GPIO_ABCD_INT_ENABLE    0x008
#define GPIO_ABCD_INT_SENS_0    0x00C
#define GPIO_ABCD_INT_SENS_1    0x010
#define GPIO_ABCD_INT_SENS_2    0x014
#define GPIO_ABCD_INT_STATUS    0x018
/* Y0..Z7, the last 16 of the 3.3 V controller's 208 lines. */
#define GPIO_YZAAAB_INT_ENABLE  0x178

/* Long enough for a loaded CI machine; only reached when a test fails. */
#define REPLY_TIMEOUT_MS        20000

typedef struct Client {
    int fd;
    GString *in;
    /* Event lines read while waiting for a reply. */
    GQueue events;
} Client;

typedef struct Fixture {
    QTestState *qts;
    char *dir;
    char *path;         /* socket of the 3.3 V controller */
    char *path_1_8v;    /* socket of the 1.8 V controller */
} Fixture;

/* @g0_opts are appended to the 3.3 V controller's -gpiodev options. */
static void fixture_start_opts(Fixture *f, const char *g0_opts,
                               const char *extra)
{
    f->dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_assert(f->dir);
    f->path = g_build_filename(f->dir, "gpio.sock", NULL);
    f->path_1_8v = g_build_filename(f->dir, "gpio18.sock", NULL);
    f->qts = qtest_initf("-machine ast2600-evb "
                         "-gpiodev socket,id=g0,device=/machine/soc/gpio,"
                         "addr.type=unix,addr.path=%s%s "
                         "-gpiodev socket,id=g1,device=gpio_1_8v,"
                         "addr.type=unix,addr.path=%s %s",
                         f->path, g0_opts ? g0_opts : "", f->path_1_8v,
                         extra ? extra : "");
}

static void fixture_start(Fixture *f, const char *extra)
{
    fixture_start_opts(f, NULL, extra);
}

static void fixture_stop(Fixture *f)
{
    qtest_quit(f->qts);
    /* QEMU removes its socket files when it exits. */
    g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(f->path_1_8v, G_FILE_TEST_EXISTS));
    rmdir(f->dir);
    g_free(f->dir);
    g_free(f->path);
    g_free(f->path_1_8v);
}

/* Client side of the socket */

static char *client_read_line(Client *c)
{
    for (;;) {
        char *nl = memchr(c->in->str, '\n', c->in->len);
        char buf[4096];
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
        ssize_t n;

        if (nl) {
            char *line = g_strndup(c->in->str, nl - c->in->str);

            g_string_erase(c->in, 0, nl - c->in->str + 1);
            return line;
        }
        g_assert_cmpint(poll(&pfd, 1, REPLY_TIMEOUT_MS), ==, 1);
        n = read(c->fd, buf, sizeof(buf));
        if (n <= 0) {
            return NULL;
        }
        g_string_append_len(c->in, buf, n);
    }
}

/* A client on connection @fd, named @name if not NULL. */
static Client *client_open_fd(int fd, const char *name)
{
    Client *c = g_new0(Client, 1);
    g_autofree char *greeting = NULL;

    c->fd = fd;
    c->in = g_string_new(NULL);
    g_queue_init(&c->events);
    greeting = client_read_line(c);
    g_assert(g_str_has_prefix(greeting, "hello proto=1 "));
    if (name) {
        g_autofree char *req = g_strdup_printf("hello name=%s\n", name);
        g_autofree char *reply = NULL;

        g_assert_cmpint(write(c->fd, req, strlen(req)), ==, strlen(req));
        reply = client_read_line(c);
        g_assert_cmpstr(reply, ==, "ok proto=1");
    }
    return c;
}

static Client *client_open(const char *path, const char *name)
{
    return client_open_fd(unix_connect(path, &error_abort), name);
}

static Client *client_open_tcp(const char *port, const char *name)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(atoi(port)),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
    return client_open_fd(fd, name);
}

static void client_close(Client *c)
{
    close(c->fd);
    g_string_free(c->in, true);
    g_queue_clear_full(&c->events, g_free);
    g_free(c);
}

static void client_send_raw(Client *c, const void *buf, size_t len)
{
    g_assert_cmpint(write(c->fd, buf, len), ==, len);
}

/* The next line that is not an event. */
static char *client_reply(Client *c)
{
    for (;;) {
        char *line = client_read_line(c);

        g_assert(line);
        if (!g_str_has_prefix(line, "event ")) {
            return line;
        }
        g_queue_push_tail(&c->events, line);
    }
}

static char * G_GNUC_PRINTF(2, 3) client_request(Client *c, const char *fmt,
                                                 ...)
{
    g_autofree char *req = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    client_send_raw(c, req, strlen(req));
    client_send_raw(c, "\n", 1);
    return client_reply(c);
}

static void G_GNUC_PRINTF(2, 3) client_ok(Client *c, const char *fmt, ...)
{
    g_autofree char *req = NULL;
    g_autofree char *reply = NULL;
    va_list ap;

    va_start(ap, fmt);
    req = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = client_request(c, "%s", req);
    g_assert_cmpstr(reply, ==, "ok");
}

static char *client_event(Client *c)
{
    char *line = g_queue_pop_head(&c->events);

    if (!line) {
        line = client_read_line(c);
        g_assert(line);
    }
    g_assert(g_str_has_prefix(line, "event "));
    return line;
}

/* Skip events until one that starts with @prefix. */
static void client_wait_event(Client *c, const char *prefix)
{
    for (;;) {
        g_autofree char *ev = client_event(c);

        if (g_str_has_prefix(ev, prefix)) {
            return;
        }
    }
}

/* The value of " key=value" in @line, as a new string. */
static char *field(const char *line, const char *key)
{
    g_autofree char *pat = g_strdup_printf(" %s=", key);
    const char *p = strstr(line, pat);
    size_t len;

    g_assert(p);
    p += strlen(pat);
    len = strcspn(p, " ");
    return g_strndup(p, len);
}

static uint64_t field_u64(const char *line, const char *key)
{
    g_autofree char *v = field(line, key);

    return g_ascii_strtoull(v, NULL, 10);
}

/* Guest side, through qtest */

static void guest_write(Fixture *f, uint32_t reg, uint32_t value)
{
    qtest_writel(f->qts, AST2600_GPIO_BASE + reg, value);
}

static uint32_t guest_read(Fixture *f, uint32_t reg)
{
    return qtest_readl(f->qts, AST2600_GPIO_BASE + reg);
}

static void guest_set_output(Fixture *f, int bit, bool output)
{
    uint32_t dir = guest_read(f, GPIO_ABCD_DIRECTION);

    dir = output ? dir | BIT(bit) : dir & ~BIT(bit);
    guest_write(f, GPIO_ABCD_DIRECTION, dir);
}

static void guest_set_output_qts(QTestState *qts, int bit)
{
    uint32_t addr = AST2600_GPIO_BASE + GPIO_ABCD_DIRECTION;

    qtest_writel(qts, addr, qtest_readl(qts, addr) | BIT(bit));
}

static void guest_drive(Fixture *f, int bit, bool level)
{
    uint32_t data = guest_read(f, GPIO_ABCD_DATA_VALUE);

    data = level ? data | BIT(bit) : data & ~BIT(bit);
    guest_write(f, GPIO_ABCD_DATA_VALUE, data);
}

static void assert_edge(const char *ev, unsigned offset, const char *name,
                        bool level)
{
    g_autofree char *off = field(ev, "offset");
    g_autofree char *nm = field(ev, "name");
    g_autofree char *edge = field(ev, "edge");

    g_assert(g_str_has_prefix(ev, "event edge "));
    g_assert_cmpuint(atoi(off), ==, offset);
    g_assert_cmpstr(nm, ==, name);
    g_assert_cmpstr(edge, ==, level ? "rising" : "falling");
    g_assert_cmpuint(field_u64(ev, "level"), ==, level);
}

/* The client's next event is an edge as assert_edge() describes it. */
static void client_expect_edge(Client *c, unsigned offset, const char *name,
                               bool level)
{
    g_autofree char *ev = client_event(c);

    assert_edge(ev, offset, name, level);
}

/* Tests */

static void test_chip_info(void)
{
    Fixture f;
    Client *c, *c18;
    char *reply;

    fixture_start(&f, NULL);
    c = client_open(f.path, NULL);

    reply = client_request(c, "chip");
    g_assert_cmpstr(reply, ==, "ok id=g0 label=\"ASPEED AST2600 GPIO 3.3V\" "
                    "lines=208 device=/machine/soc/gpio "
                    "type=aspeed.gpio-ast2600");
    g_free(reply);

    /* By offset and by name; every line of the chip without arguments. */
    reply = client_request(c, "info 0 gpioZ7");
    g_assert_cmpstr(reply, ==, "line offset=0 name=gpioA0 present=yes "
                    "direction=input drive=push-pull bias=unknown "
                    "interrupt=none level=0");
    g_free(reply);
    reply = client_reply(c);
    g_assert(g_str_has_prefix(reply, "line offset=207 name=gpioZ7 "));
    g_free(reply);
    reply = client_reply(c);
    g_assert_cmpstr(reply, ==, "ok");
    g_free(reply);

    client_send_raw(c, "info\n", 5);
    for (int i = 0; i < 208; i++) {
        g_autofree char *line = client_reply(c);
        g_autofree char *expect = g_strdup_printf("line offset=%d ", i);

        g_assert(g_str_has_prefix(line, expect));
    }
    reply = client_reply(c);
    g_assert_cmpstr(reply, ==, "ok");
    g_free(reply);

    /* The 1.8 V controller, bound by a partial QOM path. */
    c18 = client_open(f.path_1_8v, NULL);
    reply = client_request(c18, "chip");
    g_assert(g_str_has_prefix(reply, "ok id=g1 label=\"ASPEED AST2600 GPIO "
                              "1.8V\" lines=36 "
                              "device=/machine/soc/gpio_1_8v "));
    g_free(reply);
    reply = client_request(c18, "info 35");
    g_assert(g_str_has_prefix(reply, "line offset=35 name=gpio18E3 "));
    g_free(reply);
    g_free(client_reply(c18));

    client_close(c18);
    client_close(c);
    fixture_stop(&f);
}

static void test_output_edges(void)
{
    Fixture f;
    Client *c;
    char *ev;
    uint64_t seqno, line_seqno;
    int64_t guest_ns;

    fixture_start(&f, NULL);
    c = client_open(f.path, NULL);
    client_ok(c, "subscribe both gpioB0");
    client_ok(c, "subscribe config 8");

    /* Direction first, then the value, as most drivers do. */
    guest_set_output(&f, 8, true);
    ev = client_event(c);
    g_assert(g_str_has_prefix(ev, "event config offset=8 name=gpioB0 "
                              "direction=output "));
    g_free(ev);

    guest_drive(&f, 8, true);
    ev = client_event(c);
    assert_edge(ev, 8, "gpioB0", true);
    seqno = field_u64(ev, "seqno");
    line_seqno = field_u64(ev, "line-seqno");
    guest_ns = field_u64(ev, "guest-ns");
    g_assert_cmpuint(field_u64(ev, "host-ns"), >, 0);
    g_free(ev);

    /* Writing the same value again is no edge; the next change is. */
    guest_drive(&f, 8, true);
    qtest_clock_step(f.qts, 1000);
    guest_drive(&f, 8, false);
    ev = client_event(c);
    assert_edge(ev, 8, "gpioB0", false);
    g_assert_cmpuint(field_u64(ev, "seqno"), ==, seqno + 1);
    g_assert_cmpuint(field_u64(ev, "line-seqno"), ==, line_seqno + 1);
    g_assert_cmpint(field_u64(ev, "guest-ns"), >=, guest_ns + 1000);
    g_free(ev);

    /* Only the lines and kinds subscribed to are reported. */
    client_ok(c, "unsubscribe falling 8");
    guest_set_output(&f, 9, true);
    guest_drive(&f, 9, true);
    guest_drive(&f, 8, true);
    guest_drive(&f, 8, false);
    guest_drive(&f, 8, true);
    client_expect_edge(c, 8, "gpioB0", true);
    client_expect_edge(c, 8, "gpioB0", true);
    client_ok(c, "ping");
    g_assert_true(g_queue_is_empty(&c->events));

    /* Subscribing again, or to both kinds in turn, reports each once. */
    client_ok(c, "subscribe both 8");
    client_ok(c, "subscribe falling gpioB0");
    guest_drive(&f, 8, false);
    guest_drive(&f, 8, true);
    client_ok(c, "ping");
    g_assert_cmpuint(g_queue_get_length(&c->events), ==, 2);
    client_expect_edge(c, 8, "gpioB0", false);
    client_expect_edge(c, 8, "gpioB0", true);

    /* Unsubscribed from both kinds, the line reports nothing more. */
    client_ok(c, "unsubscribe rising 8");
    client_ok(c, "unsubscribe falling 8");
    guest_drive(&f, 8, false);
    guest_drive(&f, 8, true);
    client_ok(c, "ping");
    g_assert_true(g_queue_is_empty(&c->events));

    client_close(c);
    fixture_stop(&f);
}

/*
 * Linux's gpio-aspeed writes an output's value before setting the line's
 * direction.  The pin, and the line's qemu_irq, must follow the latched
 * value when the line becomes an output.
 */
static void test_value_before_direction(void)
{
    Fixture f;
    Client *c;
    /* sysbus irq 0 is the controller's interrupt; the pins follow. */
    const int gpioC0_irq = 1 + 16;

    fixture_start(&f, NULL);
    qtest_irq_intercept_out_named(f.qts, "/machine/soc/gpio", "sysbus-irq");
    c = client_open(f.path, NULL);
    client_ok(c, "subscribe both gpioC0");

    guest_drive(&f, 16, true);
    g_assert_false(qtest_get_irq(f.qts, gpioC0_irq));
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(16), ==, 0);

    guest_set_output(&f, 16, true);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(16), ==,
                    BIT(16));
    g_assert_true(qtest_get_irq(f.qts, gpioC0_irq));
    client_expect_edge(c, 16, "gpioC0", true);

    guest_drive(&f, 16, false);
    g_assert_false(qtest_get_irq(f.qts, gpioC0_irq));
    client_expect_edge(c, 16, "gpioC0", false);

    client_close(c);
    fixture_stop(&f);
}

static void test_input_drive(void)
{
    Fixture f;
    Client *c;
    char *reply;

    fixture_start(&f, NULL);
    /* Intercepting takes the controller's interrupt off the GIC. */
    qtest_irq_intercept_out_named(f.qts, "/machine/soc/gpio", "sysbus-irq");
    c = client_open(f.path, "test-rig");
    client_ok(c, "subscribe both 24");

    /* The guest asks for an interrupt on rising edges of gpioD0. */
    guest_write(&f, GPIO_ABCD_INT_SENS_0, BIT(24));
    guest_write(&f, GPIO_ABCD_INT_ENABLE, BIT(24));
    g_assert_false(qtest_get_irq(f.qts, 0));

    /* Several lines at once, by name and by offset. */
    client_ok(c, "set gpioD0=1 25=1 26=0");
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & 0x07000000, ==,
                    0x03000000);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_INT_STATUS), ==, BIT(24));
    g_assert_true(qtest_get_irq(f.qts, 0));
    client_expect_edge(c, 24, "gpioD0", true);

    /* The guest acknowledges; a falling edge raises nothing. */
    guest_write(&f, GPIO_ABCD_INT_STATUS, BIT(24));
    g_assert_false(qtest_get_irq(f.qts, 0));
    client_ok(c, "set gpioD0=0");
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_INT_STATUS), ==, 0);
    g_assert_false(qtest_get_irq(f.qts, 0));

    reply = client_request(c, "@t7 get gpioD0 25 gpioD2");
    g_assert_cmpstr(reply, ==, "ok @t7 gpioD0=0 25=1 gpioD2=0");
    g_free(reply);
    reply = client_request(c, "info 25");
    g_assert_cmpstr(reply, ==, "line offset=25 name=gpioD1 present=yes "
                    "direction=input drive=push-pull bias=unknown "
                    "interrupt=none level=1 consumer=test-rig");
    g_free(reply);
    g_free(client_reply(c));

    /* A line the guest drives cannot be driven from outside. */
    guest_set_output(&f, 27, true);
    reply = client_request(c, "set 26=1 gpioD3=1");
    g_assert_cmpstr(reply, ==, "err is-output line 27 (gpioD3): the guest "
                    "drives this line as an output");
    g_free(reply);
    /* ...and the refused request changed nothing. */
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(26), ==, 0);

    client_close(c);
    fixture_stop(&f);
}

static void test_two_clients(void)
{
    Fixture f;
    Client *a, *b;
    char *reply, *ev;

    fixture_start(&f, NULL);
    a = client_open(f.path, "alice");
    b = client_open(f.path, "bob");
    client_ok(a, "subscribe both 0 1");
    client_ok(b, "subscribe rising 1");
    client_ok(b, "subscribe config 0");

    guest_set_output(&f, 1, true);
    guest_drive(&f, 1, true);
    client_expect_edge(a, 1, "gpioA1", true);
    client_expect_edge(b, 1, "gpioA1", true);

    /* A line driven by one client is busy for the others... */
    client_ok(a, "set 0=1");
    reply = client_request(b, "set 0=0");
    g_assert_cmpstr(reply, ==, "err busy line 0 (gpioA0): another client "
                    "drives this line named alice");
    g_free(reply);
    client_expect_edge(a, 0, "gpioA0", true);
    ev = client_event(b);
    g_assert(g_str_has_prefix(ev, "event requested offset=0 name=gpioA0 "
                              "consumer=alice guest-ns="));
    g_free(ev);
    reply = client_request(b, "info 0");
    g_assert(g_str_has_prefix(reply, "line offset=0 name=gpioA0 "));
    g_assert(g_str_has_suffix(reply, " level=1 consumer=alice"));
    g_free(reply);
    g_free(client_reply(b));

    /* ...until it is released, keeping its level... */
    client_ok(a, "release 0");
    ev = client_event(b);
    g_assert(g_str_has_prefix(ev, "event released offset=0 name=gpioA0 "
                              "guest-ns="));
    g_free(ev);
    client_ok(b, "set 0=1");
    reply = client_request(a, "set 0=0");
    g_assert(g_str_has_prefix(reply, "err busy "));
    g_free(reply);

    /* ...or its client goes away. */
    client_ok(a, "subscribe config 0");
    client_close(b);
    client_wait_event(a, "event released offset=0 ");
    client_ok(a, "set 0=0");
    client_wait_event(a, "event requested offset=0 name=gpioA0 "
                      "consumer=alice ");
    client_expect_edge(a, 0, "gpioA0", false);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(0), ==, 0);

    client_close(a);
    fixture_stop(&f);
}

typedef struct BadInput {
    const char *request;
    const char *reply_prefix;
} BadInput;

static void test_bad_input(void)
{
    static const BadInput cases[] = {
        { "bogus", "err unknown-command " },
        { "get 99999999999999999999999", "err bad-request " },
        { "get 208", "err no-such-line offset 208 is out of range" },
        { "get gpioQQ9", "err no-such-line no line is named 'gpioQQ9'" },
        { "get -1", "err no-such-line " },
        { "set 0=2", "err bad-request " },
        { "set 0", "err bad-request " },
        { "set", "err bad-request " },
        { "set 0=1 0=0", "err bad-request line 0 given twice" },
        { "subscribe sideways 0", "err bad-request usage: subscribe " },
        { "subscribe", "err bad-request " },
        { "ping now", "err bad-request 'ping' takes no argument" },
        { "help me", "err bad-request " },
        { "quit 1", "err bad-request " },
        { "get 1x", "err bad-request '1x' is not a line offset" },
        { "hello proto=+1", "err bad-request bad protocol version" },
        { "hello proto=", "err bad-request bad protocol version" },
        { "info \"a\tb\"", "err bad-request control character" },
        { "@t2 info \"unterminated", "err @t2 bad-request unterminated" },
        { "@t3 get \x01", "err @t3 bad-request control character" },
        { "@t4 bogus \x7f", "err @t4 bad-request control character" },
        { "\"bo\\x01gus\"", "err unknown-command unknown command "
          "'bo?gus' (try 'help')" },
        { "unsubscribe both 900", "err no-such-line " },
        { "chip extra", "err bad-request " },
        { "info \"unterminated", "err bad-request unterminated" },
        { "info \"bad\\q\"", "err bad-request bad escape" },
        { "hello proto=2", "err unsupported " },
        /* Refused as a whole: the name is not taken either. */
        { "hello name=mallory proto=2", "err unsupported " },
        { "hello colour=blue", "err bad-request " },
        { "hello name=", "err bad-request empty name" },
        { "@ ping", "err bad-request bad tag" },
        { "@tag", "err @tag bad-request tag without a command" },
        { "@t1 frobnicate", "err @t1 unknown-command " },
        { "get \x01\x02\x7f", "err bad-request control character" },
    };
    Fixture f;
    Client *c;
    char *reply;
    g_autofree char *longline = NULL;

    fixture_start(&f, NULL);
    c = client_open(f.path, NULL);

    for (int i = 0; i < ARRAY_SIZE(cases); i++) {
        reply = client_request(c, "%s", cases[i].request);
        if (!g_str_has_prefix(reply, cases[i].reply_prefix)) {
            g_error("'%s' got '%s', expected '%s...'", cases[i].request,
                    reply, cases[i].reply_prefix);
        }
        g_free(reply);
    }

    /* The refused hello left the client's default name. */
    client_ok(c, "set 4=1");
    reply = client_request(c, "info 4");
    g_assert(g_str_has_suffix(reply, " consumer=client0"));
    g_free(reply);
    g_free(client_reply(c));

    /* A NUL byte. */
    client_send_raw(c, "get\0 0\n", 7);
    reply = client_reply(c);
    g_assert_cmpstr(reply, ==, "err bad-request NUL byte in request");
    g_free(reply);

    /* An overlong line is refused once, whole, and the next one works. */
    longline = g_strnfill(10000, 'x');
    client_send_raw(c, longline, strlen(longline));
    client_send_raw(c, "\nping\n", 6);
    reply = client_reply(c);
    g_assert(g_str_has_prefix(reply, "err too-long "));
    g_free(reply);
    reply = client_reply(c);
    g_assert_cmpstr(reply, ==, "ok");
    g_free(reply);

    /* A request split across writes is one request. */
    client_send_raw(c, "ge", 2);
    reply = client_request(c, "t 0");
    g_assert_cmpstr(reply, ==, "ok 0=0");
    g_free(reply);
    /* Blank lines and CRLF are fine. */
    client_send_raw(c, "\n\r\n" "  " "\n", 6);
    client_ok(c, "ping\r");

    /* Nothing of the above disturbed the guest's view. */
    guest_set_output(&f, 3, true);
    guest_drive(&f, 3, true);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE), ==,
                    BIT(3) | BIT(4));

    reply = client_request(c, "quit");
    g_assert_cmpstr(reply, ==, "ok bye");
    g_free(reply);
    g_assert_null(client_read_line(c));
    client_close(c);
    fixture_stop(&f);
}

static void test_abrupt_disconnect(void)
{
    Fixture f;
    Client *a, *b;

    fixture_start(&f, NULL);
    a = client_open(f.path, "a");
    b = client_open(f.path, "b");
    client_ok(b, "subscribe config 5");

    /* Half a request, then gone, holding a line. */
    client_ok(a, "set 5=1");
    client_send_raw(a, "set 6=", 6);
    client_close(a);
    client_wait_event(b, "event released offset=5 ");

    /* The other client and the guest carry on; the line is free again. */
    client_ok(b, "set 5=0");
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(5), ==, 0);
    client_ok(b, "set 6=1");
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(6), ==,
                    BIT(6));

    /* Gone with unread events queued. */
    a = client_open(f.path, NULL);
    client_ok(a, "subscribe both");
    guest_set_output(&f, 7, true);
    for (int i = 0; i < 100; i++) {
        guest_drive(&f, 7, i & 1);
    }
    client_close(a);
    client_ok(b, "ping");

    client_close(b);
    fixture_stop(&f);
}

/*
 * A client that stops reading loses its oldest events past its queue
 * limit and is told how many, where they were; the other client gets
 * every one, and the guest runs on.
 */
static void test_stalled_client(void)
{
    const int toggles = 6000;
    Fixture f;
    Client *stalled, *reader;
    uint64_t lost = 0, got = 0, last_seqno = 0, notice = 0;
    char *ev;

    fixture_start_opts(&f, ",queue-limit=4096", NULL);
    stalled = client_open(f.path, NULL);
    reader = client_open(f.path, NULL);
    client_ok(stalled, "subscribe both 2");
    client_ok(reader, "subscribe both 2");
    guest_set_output(&f, 2, true);

    for (int i = 0; i < toggles; i++) {
        bool level = !(i & 1);

        guest_write(&f, GPIO_ABCD_DATA_VALUE, level ? BIT(2) : 0);
        ev = client_event(reader);
        assert_edge(ev, 2, "gpioA2", level);
        g_assert_cmpuint(field_u64(ev, "line-seqno"), ==, i + 1);
        g_free(ev);
    }

    /*
     * Now read what the stalled client was sent, up to the reply to a
     * ping.  Its queue dropped the oldest events: each overflow notice
     * stands where its gap is and counts it, and the newest edge came.
     */
    client_send_raw(stalled, "ping\n", 5);
    for (;;) {
        g_autofree char *line = client_read_line(stalled);
        uint64_t seqno;

        g_assert(line);
        if (!strcmp(line, "ok")) {
            break;
        }
        if (g_str_has_prefix(line, "event overflow ")) {
            g_assert_cmpuint(notice, ==, 0);
            notice = field_u64(line, "lost");
            lost += notice;
            continue;
        }
        /* The first toggle rose, so odd line sequence numbers rise. */
        seqno = field_u64(line, "line-seqno");
        assert_edge(line, 2, "gpioA2", seqno & 1);
        g_assert_cmpuint(seqno, ==, last_seqno + 1 + notice);
        last_seqno = seqno;
        notice = 0;
        got++;
    }
    g_assert_cmpuint(lost, >, 0);
    g_assert_cmpuint(got + lost, ==, toggles);
    g_assert_cmpuint(last_seqno, ==, toggles);

    /* Both clients are still served. */
    guest_write(&f, GPIO_ABCD_DATA_VALUE, BIT(2));
    client_expect_edge(stalled, 2, "gpioA2", true);
    client_expect_edge(reader, 2, "gpioA2", true);

    client_close(stalled);
    client_close(reader);
    fixture_stop(&f);
}

/*
 * Bursts: one register write changes 24 outputs at once.  The first
 * edge of a burst is written by the main loop, the rest by the
 * session's writer thread, and a request's own event and reply follow
 * them: the stream must still be in the order things happened.
 */
static void test_burst_order(void)
{
    const int rounds = 40, nout = 24, input = 24;
    g_autoptr(GString) sub = g_string_new("subscribe both");
    uint64_t seqno = 0;
    Fixture f;
    Client *c;

    fixture_start(&f, NULL);
    c = client_open(f.path, NULL);
    for (int i = 0; i <= input; i++) {
        g_string_append_printf(sub, " %d", i);
    }
    client_ok(c, "%s", sub->str);
    guest_write(&f, GPIO_ABCD_DIRECTION, BIT(nout) - 1);

    for (int r = 0; r < rounds; r++) {
        bool level = !(r & 1);
        g_autofree char *req = g_strdup_printf("@s%d set %d=%d\n", r, input,
                                               level);
        g_autofree char *ok = g_strdup_printf("ok @s%d", r);
        g_autofree char *reply = NULL;

        guest_write(&f, GPIO_ABCD_DATA_VALUE, level ? BIT(nout) - 1 : 0);
        client_send_raw(c, req, strlen(req));
        /* The guest's 24 edges, then the set's own, then its reply. */
        for (int i = 0; i <= nout; i++) {
            g_autofree char *ev = client_read_line(c);
            g_autofree char *name = g_strdup_printf("gpio%c%d", 'A' + i / 8,
                                                    i % 8);

            g_assert(ev);
            assert_edge(ev, i, name, level);
            if (seqno) {
                g_assert_cmpuint(field_u64(ev, "seqno"), ==, seqno + 1);
            }
            seqno = field_u64(ev, "seqno");
            g_assert_cmpuint(field_u64(ev, "line-seqno"), ==, r + 1);
        }
        reply = client_read_line(c);
        g_assert_cmpstr(reply, ==, ok);
    }
    client_close(c);
    fixture_stop(&f);
}

/*
 * Every ASPEED SoC of qemu-system-arm: line offsets as Linux's
 * gpio-aspeed numbers them (gaps included), and its pins.
 */
static void test_models(void)
{
    static const struct {
        const char *machine, *label;
        unsigned nlines, npins;
        const char *last;
    } models[] = {
        { "palmetto-bmc", "ASPEED AST2400 GPIO", 220, 216, "gpioAB3" },
        { "ast2500-evb", "ASPEED AST2500 GPIO", 232, 228, "gpioAC7" },
        { "ast2600-evb", "ASPEED AST2600 GPIO 3.3V", 208, 208, "gpioZ7" },
        { "ast1030-evb", "ASPEED AST1030 GPIO", 168, 151, "gpioU7" },
    };
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "gpio.sock", NULL);

    for (int i = 0; i < ARRAY_SIZE(models); i++) {
        QTestState *qts = qtest_initf("-machine %s -gpiodev socket,id=g,"
                                      "device=gpio,addr.type=unix,"
                                      "addr.path=%s", models[i].machine,
                                      path);
        Client *c = client_open(path, NULL);
        g_autofree char *expect = g_strdup_printf("ok id=g label=\"%s\" "
                                                  "lines=%u ",
                                                  models[i].label,
                                                  models[i].nlines);
        g_autofree char *last = NULL;
        char *reply = client_request(c, "chip");
        unsigned pins = 0;

        g_assert(g_str_has_prefix(reply, expect));
        g_free(reply);
        for (reply = client_request(c, "info"); strcmp(reply, "ok");
             reply = client_reply(c)) {
            if (strstr(reply, " present=yes ")) {
                pins++;
                g_free(last);
                last = field(reply, "name");
            }
            g_free(reply);
        }
        g_free(reply);
        g_assert_cmpuint(pins, ==, models[i].npins);
        g_assert_cmpstr(last, ==, models[i].last);
        client_close(c);
        qtest_quit(qts);
    }
    rmdir(dir);
}

/*
 * A client that sends requests and does not read the replies is not
 * read from once its queue is full: its writes end up blocking, and
 * every request it managed to send is answered, in order, when it
 * reads at last.  Meanwhile the guest and the other clients carry on.
 */
static void test_backpressure(void)
{
    const size_t give_up = 16 * MiB;
    Fixture f;
    Client *flood, *other;
    size_t sent = 0, answered = 0;
    char *reply;

    fixture_start_opts(&f, ",queue-limit=4096", NULL);
    flood = client_open(f.path, NULL);
    other = client_open(f.path, NULL);
    client_ok(other, "subscribe rising 9");
    g_unix_set_fd_nonblocking(flood->fd, true, NULL);

    /*
     * Write until the socket stays full for a while: QEMU must stop
     * taking requests long before it has queued megabytes of replies.
     */
    while (sent * 5 < give_up) {
        static const char pings[] = "ping\nping\nping\nping\n";
        struct pollfd pfd = { .fd = flood->fd, .events = POLLOUT };
        ssize_t n = write(flood->fd, pings, sizeof(pings) - 1);

        if (n >= 0) {
            /* Requests stay whole: the writes are smaller than a page. */
            g_assert_cmpint(n, ==, sizeof(pings) - 1);
            sent += 4;
            continue;
        }
        g_assert_cmpint(errno, ==, EAGAIN);
        if (poll(&pfd, 1, 500) == 0) {
            break;
        }
    }
    g_assert_cmpuint(sent * 5, <, give_up);

    guest_set_output(&f, 9, true);
    guest_drive(&f, 9, true);
    reply = client_event(other);
    assert_edge(reply, 9, "gpioB1", true);
    g_free(reply);
    client_ok(other, "ping");

    g_unix_set_fd_nonblocking(flood->fd, false, NULL);
    while (answered < sent) {
        reply = client_read_line(flood);
        g_assert_cmpstr(reply, ==, "ok");
        g_free(reply);
        answered++;
    }
    client_ok(flood, "ping");

    client_close(flood);
    client_close(other);
    fixture_stop(&f);
}

/*
 * Requests pipelined in one write whose replies are much larger than
 * the queue limit are all answered, whether or not the client shuts
 * down its sending side after them.
 */
static void test_pipelined_big_replies(void)
{
    const int n = 100;
    g_autoptr(GString) batch = g_string_new(NULL);
    Fixture f;
    Client *c;

    fixture_start_opts(&f, ",queue-limit=4096", NULL);
    for (int i = 0; i < n; i++) {
        g_string_append_printf(batch, "@r%d info\n", i);
    }
    for (int round = 0; round < 2; round++) {
        int answered = 0;

        c = client_open(f.path, NULL);
        client_send_raw(c, batch->str, batch->len);
        if (round == 1) {
            g_assert_cmpint(shutdown(c->fd, SHUT_WR), ==, 0);
        }
        while (answered < n) {
            g_autofree char *line = client_read_line(c);
            g_autofree char *ok = g_strdup_printf("ok @r%d", answered);

            g_assert(line);
            if (g_str_has_prefix(line, "ok ")) {
                g_assert_cmpstr(line, ==, ok);
                answered++;
            } else {
                g_assert(g_str_has_prefix(line, "line @r"));
            }
        }
        if (round == 1) {
            /* Everything answered, the server closes its side too. */
            g_assert_null(client_read_line(c));
        }
        client_close(c);
    }
    fixture_stop(&f);
}

/* The error message of a QMP reply, freeing it; NULL on success. */
static char *qmp_error_desc(QDict *rsp)
{
    char *desc = NULL;

    if (qdict_haskey(rsp, "error")) {
        desc = g_strdup(qdict_get_str(qdict_get_qdict(rsp, "error"),
                                      "desc"));
    }
    qobject_unref(rsp);
    return desc;
}

static QDict *qmp_gpiodev_add(QTestState *qts, const char *id,
                              const char *device, const char *path)
{
    return qtest_qmp(qts, "{'execute': 'gpiodev-add', 'arguments': "
                     "{'type': 'socket', 'id': %s, 'device': %s, "
                     "'addr': {'type': 'unix', 'path': %s}}}",
                     id, device, path);
}

/*
 * QMP: list the controllers, attach a gpiodev at run time, list it with
 * its client, refuse bad requests changing nothing, and detach it with
 * a client connected and the guest at work.
 */
static void test_qmp_hotplug(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "hot.sock", NULL);
    g_autofree char *path2 = g_build_filename(dir, "hot2.sock", NULL);
    g_autofree char *desc = NULL;
    QTestState *qts = qtest_init("-machine ast2600-evb");
    QDict *rsp, *entry;
    QList *list;
    Client *c;
    char *reply;

    rsp = qtest_qmp(qts, "{'execute': 'query-gpio-controllers'}");
    list = qdict_get_qlist(rsp, "return");
    g_assert_cmpint(qlist_size(list), ==, 2);
    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        entry = qobject_to(QDict, qlist_entry_obj(e));
        g_assert_cmpint(qlist_size(qdict_get_qlist(entry, "gpiodevs")), ==,
                        0);
        if (!strcmp(qdict_get_str(entry, "path"), "/machine/soc/gpio")) {
            g_assert_cmpstr(qdict_get_str(entry, "type"), ==,
                            "aspeed.gpio-ast2600");
            g_assert_cmpint(qdict_get_int(entry, "lines"), ==, 208);
        } else {
            g_assert_cmpstr(qdict_get_str(entry, "path"), ==,
                            "/machine/soc/gpio_1_8v");
            g_assert_cmpint(qdict_get_int(entry, "lines"), ==, 36);
        }
    }
    qobject_unref(rsp);

    /* Lines are there without any gpiodev. */
    rsp = qtest_qmp(qts, "{'execute': 'query-gpio-lines', "
                    "'arguments': {'device': 'gpio'}}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 208);
    qobject_unref(rsp);

    g_assert_null(qmp_error_desc(qmp_gpiodev_add(qts, "hot", "gpio",
                                                 path)));
    c = client_open(path, "rig");
    client_ok(c, "set gpioD0=1");
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & BIT(24), ==,
                    BIT(24));

    rsp = qtest_qmp(qts, "{'execute': 'query-gpiodevs'}");
    list = qdict_get_qlist(rsp, "return");
    g_assert_cmpint(qlist_size(list), ==, 1);
    entry = qobject_to(QDict, qlist_peek(list));
    g_assert_cmpstr(qdict_get_str(entry, "id"), ==, "hot");
    g_assert_cmpstr(qdict_get_str(entry, "type"), ==, "socket");
    g_assert_cmpstr(qdict_get_str(entry, "device"), ==, "/machine/soc/gpio");
    g_assert_cmpint(qdict_get_int(entry, "lines"), ==, 208);
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(entry, "addr"), "path"),
                    ==, path);
    g_assert_cmpstr(qdict_get_str(qobject_to(QDict, qlist_peek(
                        qdict_get_qlist(entry, "clients"))), "consumer"),
                    ==, "rig");
    qobject_unref(rsp);

    /* Refused, and nothing changes. */
    desc = qmp_error_desc(qmp_gpiodev_add(qts, "hot", "gpio_1_8v", path2));
    g_assert_cmpstr(desc, ==, "gpiodev 'hot' already exists");
    g_clear_pointer(&desc, g_free);
    desc = qmp_error_desc(qmp_gpiodev_add(qts, "x", "/machine/nope",
                                          path2));
    g_assert_cmpstr(desc, ==, "GPIO controller '/machine/nope' not found");
    g_clear_pointer(&desc, g_free);
    desc = qmp_error_desc(qtest_qmp(qts, "{'execute': 'gpiodev-del', "
                                    "'arguments': {'id': 'nope'}}"));
    g_assert_cmpstr(desc, ==, "gpiodev 'nope' not found");
    g_clear_pointer(&desc, g_free);
    g_assert_false(g_file_test(path2, G_FILE_TEST_EXISTS));
    reply = client_request(c, "get gpioD0");
    g_assert_cmpstr(reply, ==, "ok gpioD0=1");
    g_free(reply);

    /* Detached with a client connected, while the guest works. */
    guest_set_output_qts(qts, 8);
    qtest_writel(qts, AST2600_GPIO_BASE, BIT(8) | BIT(24));
    g_assert_null(qmp_error_desc(qtest_qmp(qts, "{'execute': "
                                           "'gpiodev-del', 'arguments': "
                                           "{'id': 'hot'}}")));
    g_assert_null(client_read_line(c));
    client_close(c);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    qtest_writel(qts, AST2600_GPIO_BASE, BIT(24));
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & (BIT(8) | BIT(24)),
                    ==, BIT(24));
    rsp = qtest_qmp(qts, "{'execute': 'query-gpiodevs'}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 0);
    qobject_unref(rsp);

    /* And attached again. */
    g_assert_null(qmp_error_desc(qmp_gpiodev_add(qts, "hot", "gpio",
                                                 path)));
    c = client_open(path, NULL);
    reply = client_request(c, "get gpioB0 gpioD0");
    g_assert_cmpstr(reply, ==, "ok gpioB0=0 gpioD0=1");
    g_free(reply);
    client_close(c);

    qtest_quit(qts);
    rmdir(dir);
}

/* The ids of the gpiodevs that query-gpio-controllers lists for @path. */
static char *controller_gpiodevs(QTestState *qts, const char *path)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio-controllers'}");
    GString *ids = g_string_new(NULL);
    QList *list = qdict_get_qlist(rsp, "return");

    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        QDict *entry = qobject_to(QDict, qlist_entry_obj(e));
        QList *gds;

        if (strcmp(qdict_get_str(entry, "path"), path)) {
            continue;
        }
        gds = qdict_get_qlist(entry, "gpiodevs");
        for (const QListEntry *g = qlist_first(gds); g; g = qlist_next(g)) {
            g_string_append_printf(ids, "%s%s", ids->len ? "," : "",
                                   qstring_get_str(qobject_to(QString,
                                                   qlist_entry_obj(g))));
        }
    }
    qobject_unref(rsp);
    return g_string_free(ids, false);
}

/* The port that gpiodev @id listens on, as query-gpiodevs tells it. */
static char *gpiodev_port(QTestState *qts, const char *id)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpiodevs'}");
    QList *list = qdict_get_qlist(rsp, "return");
    char *port = NULL;

    for (const QListEntry *e = qlist_first(list); e; e = qlist_next(e)) {
        QDict *entry = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(entry, "id"), id)) {
            port = g_strdup(qdict_get_str(qdict_get_qdict(entry, "addr"),
                                          "port"));
        }
    }
    qobject_unref(rsp);
    g_assert(port && strcmp(port, "0"));
    return port;
}

static QDict *qmp_set_on(QTestState *qts, const char *device,
                         const char *line, bool level)
{
    return qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                     "{'device': %s, 'line': %s, 'level': %i}}",
                     device, line, level);
}

/*
 * A unix and a TCP socket on one controller: their clients and QMP
 * share its lines under one ownership rule, and deleting one backend
 * changes nothing for the other's clients, for the lines they or QMP
 * hold, or for the guest.  QMP reaches a controller with no gpiodev.
 */
static void test_two_backends(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "u.sock", NULL);
    g_autofree char *port = NULL;
    g_autofree char *ids = NULL;
    g_autofree char *desc = NULL;
    QTestState *qts;
    Client *cu, *ct;
    char *reply;

    qts = qtest_initf("-machine ast2600-evb "
                      "-gpiodev socket,id=u,device=/machine/soc/gpio,"
                      "addr.type=unix,addr.path=%s "
                      "-gpiodev socket,id=t,device=gpio,addr.type=inet,"
                      "addr.host=127.0.0.1,addr.port=0", path);
    port = gpiodev_port(qts, "t");
    ids = controller_gpiodevs(qts, "/machine/soc/gpio");
    g_assert_cmpstr(ids, ==, "t,u");
    g_clear_pointer(&ids, g_free);

    cu = client_open(path, "harness");
    ct = client_open_tcp(port, "colleague");
    reply = client_request(ct, "chip");
    g_assert(g_str_has_prefix(reply, "ok id=t label=\"ASPEED AST2600 GPIO "
                              "3.3V\" lines=208 device=/machine/soc/gpio "));
    g_free(reply);
    client_ok(ct, "subscribe config gpioD0");

    /* Driven through one backend: busy for the other and for QMP. */
    client_ok(cu, "set gpioD0=1");
    client_wait_event(ct, "event requested offset=24 name=gpioD0 "
                      "consumer=harness ");
    reply = client_request(ct, "set gpioD0=0");
    g_assert_cmpstr(reply, ==, "err busy line 24 (gpioD0): another client "
                    "drives this line named harness");
    g_free(reply);
    desc = qmp_error_desc(qmp_set_on(qts, "/machine/soc/gpio", "gpioD0",
                                     false));
    g_assert_cmpstr(desc, ==, "line 24 (gpioD0) of GPIO controller "
                    "'/machine/soc/gpio': another client drives this line "
                    "named harness");
    g_clear_pointer(&desc, g_free);
    reply = client_request(ct, "get gpioD0");
    g_assert_cmpstr(reply, ==, "ok gpioD0=1");
    g_free(reply);

    /* Lines held by the one that stays, and by QMP. */
    client_ok(ct, "set gpioD1=1");
    g_assert_null(qmp_error_desc(qmp_set_on(qts, "gpio", "gpioD2", true)));
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & 0x07000000, ==,
                    0x07000000);

    /* The unix one goes: its client is disconnected, nothing else. */
    g_assert_null(qmp_error_desc(qtest_qmp(qts, "{'execute': "
                                           "'gpiodev-del', 'arguments': "
                                           "{'id': 'u'}}")));
    g_assert_null(client_read_line(cu));
    client_close(cu);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    ids = controller_gpiodevs(qts, "/machine/soc/gpio");
    g_assert_cmpstr(ids, ==, "t");
    g_clear_pointer(&ids, g_free);
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & 0x07000000, ==,
                    0x07000000);
    client_wait_event(ct, "event released offset=24 name=gpioD0 ");
    reply = client_request(ct, "info gpioD1 gpioD2");
    g_assert(strstr(reply, " level=1 consumer=colleague"));
    g_free(reply);
    reply = client_reply(ct);
    g_assert(strstr(reply, " level=1 consumer=qmp"));
    g_free(reply);
    reply = client_reply(ct);
    g_assert_cmpstr(reply, ==, "ok");
    g_free(reply);
    reply = client_request(ct, "set gpioD2=0");
    g_assert_cmpstr(reply, ==, "err busy line 26 (gpioD2): another client "
                    "drives this line named qmp");
    g_free(reply);
    desc = qmp_error_desc(qmp_set_on(qts, "gpio", "gpioD1", false));
    g_assert_cmpstr(desc, ==, "line 25 (gpioD1) of GPIO controller "
                    "'/machine/soc/gpio': another client drives this line "
                    "named colleague");
    g_clear_pointer(&desc, g_free);
    /* The line the deleted backend's client held is free and kept 1. */
    client_ok(ct, "set gpioD0=0");
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & 0x07000000, ==,
                    0x06000000);
    client_close(ct);

    /* QMP on the 1.8 V controller, which has no gpiodev. */
    ids = controller_gpiodevs(qts, "/machine/soc/gpio_1_8v");
    g_assert_cmpstr(ids, ==, "");
    g_assert_null(qmp_error_desc(qmp_set_on(qts, "gpio_1_8v", "gpio18A1",
                                            true)));
    g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_1_8V_BASE) & BIT(1), ==,
                    BIT(1));
    desc = qmp_error_desc(qtest_qmp(qts, "{'execute': 'gpio-get', "
                                    "'arguments': {'device': 'gpio_1_8v', "
                                    "'line': 'gpio18A1'}}"));
    g_assert_null(desc);
    reply = qtest_hmp(qts, "info gpio-lines gpio_1_8v");
    g_assert(strstr(reply, "  1 gpio18A1   input  1 irq=none driven by qmp"));
    g_free(reply);

    qtest_quit(qts);
    rmdir(dir);
}

static QDict *qmp_line(QTestState *qts, const char *cmd, const char *line)
{
    return qtest_qmp(qts, "{'execute': %s, 'arguments': "
                     "{'gpiodev': 'g0', 'line': %s}}", cmd, line);
}

static QDict *qmp_set(QTestState *qts, const char *line, bool level)
{
    return qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                     "{'gpiodev': 'g0', 'line': %s, 'level': %i}}",
                     line, level);
}

static bool qmp_get(QTestState *qts, const char *line)
{
    QDict *rsp = qmp_line(qts, "gpio-get", line);
    bool level = qdict_get_bool(qdict_get_qdict(rsp, "return"), "level");

    qobject_unref(rsp);
    return level;
}

/*
 * The next GPIO_LINE_CHANGED, checked; it must be there.  Under qtest
 * the virtual clock stands still unless stepped: @guest_ns is known.
 */
static void assert_line_changed(QTestState *qts, unsigned offset,
                                const char *name, bool level,
                                int64_t guest_ns)
{
    QDict *ev = qtest_qmp_eventwait_ref(qts, "GPIO_LINE_CHANGED");
    QDict *data = qdict_get_qdict(ev, "data");

    g_assert_false(qdict_haskey(data, "gpiodev"));
    g_assert_cmpstr(qdict_get_str(data, "device"), ==, "/machine/soc/gpio");
    g_assert_cmpint(qdict_get_int(data, "offset"), ==, offset);
    g_assert_cmpstr(qdict_get_str(data, "name"), ==, name);
    g_assert_cmpint(qdict_get_bool(data, "level"), ==, level);
    g_assert_cmpstr(qdict_get_str(data, "edge"), ==,
                    level ? "rising" : "falling");
    g_assert_cmpint(qdict_get_int(data, "guest-ns"), ==, guest_ns);
    qobject_unref(ev);
}

/* No GPIO_LINE_CHANGED came before the reply to a command. */
static void assert_no_line_changed(QTestState *qts)
{
    qobject_unref(qtest_qmp(qts, "{'execute': 'query-gpiodevs'}"));
    g_assert_null(qtest_qmp_event_ref(qts, "GPIO_LINE_CHANGED"));
}

/*
 * QMP on lines: list them, drive one with the same ownership rules as
 * socket clients, read, watch with GPIO_LINE_CHANGED, and the event's
 * per-line rate limit (on the virtual clock, under qtest).
 */
static void test_qmp_lines(void)
{
    g_autofree char *desc = NULL;
    QDict *rsp, *entry;
    QList *list;
    Fixture f;
    Client *c;
    char *reply;

    fixture_start(&f, NULL);
    rsp = qtest_qmp(f.qts, "{'execute': 'query-gpio-lines', "
                    "'arguments': {'gpiodev': 'g0'}}");
    list = qdict_get_qlist(rsp, "return");
    g_assert_cmpint(qlist_size(list), ==, 208);
    for (int i = 0; i < 24; i++) {
        qobject_unref(qlist_pop(list));
    }
    entry = qobject_to(QDict, qlist_peek(list));
    g_assert_cmpint(qdict_get_int(entry, "offset"), ==, 24);
    g_assert_cmpstr(qdict_get_str(entry, "name"), ==, "gpioD0");
    g_assert_cmpstr(qdict_get_str(entry, "direction"), ==, "input");
    g_assert_false(qdict_get_bool(entry, "level"));
    g_assert_false(qdict_haskey(entry, "consumer"));
    qobject_unref(rsp);
    rsp = qtest_qmp(f.qts, "{'execute': 'query-gpio-lines', "
                    "'arguments': {'device': 'gpio_1_8v'}}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 36);
    qobject_unref(rsp);
    desc = qmp_error_desc(qtest_qmp(f.qts, "{'execute': "
                                    "'query-gpio-lines'}"));
    g_assert_cmpstr(desc, ==, "give either 'gpiodev' or 'device'");
    g_clear_pointer(&desc, g_free);
    desc = qmp_error_desc(qmp_line(f.qts, "gpio-get", "gpioQQ"));
    g_assert_cmpstr(desc, ==, "GPIO controller '/machine/soc/gpio' has no "
                    "line named 'gpioQQ'");
    g_clear_pointer(&desc, g_free);
    desc = qmp_error_desc(qmp_line(f.qts, "gpio-get", "208"));
    g_assert_cmpstr(desc, ==, "GPIO controller '/machine/soc/gpio' has no "
                    "line 208 (it has 208)");
    g_clear_pointer(&desc, g_free);

    /* QMP drives a line: busy for a socket client, and the reverse. */
    g_assert_null(qmp_error_desc(qmp_set(f.qts, "gpioD0", true)));
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(24), ==,
                    BIT(24));
    c = client_open(f.path, "rig");
    reply = client_request(c, "set gpioD0=0");
    g_assert_cmpstr(reply, ==, "err busy line 24 (gpioD0): another client "
                    "drives this line named qmp");
    g_free(reply);
    client_ok(c, "set gpioD1=1");
    desc = qmp_error_desc(qmp_set(f.qts, "gpioD1", false));
    g_assert_cmpstr(desc, ==, "line 25 (gpioD1) of GPIO controller "
                    "'/machine/soc/gpio': another client drives this line "
                    "named rig");
    g_clear_pointer(&desc, g_free);
    g_assert_true(qmp_get(f.qts, "gpioD1"));
    g_assert_true(qmp_get(f.qts, "24"));
    g_assert_null(qmp_error_desc(qmp_line(f.qts, "gpio-release",
                                          "gpioD0")));
    client_ok(c, "set gpioD0=0");
    guest_set_output(&f, 9, true);
    desc = qmp_error_desc(qmp_set(f.qts, "gpioB1", true));
    g_assert_cmpstr(desc, ==, "line 9 (gpioB1) of GPIO controller "
                    "'/machine/soc/gpio': the guest drives this line as an "
                    "output");
    g_clear_pointer(&desc, g_free);

    /* Watched: the first change is sent at once... */
    g_assert_null(qmp_error_desc(qmp_line(f.qts, "gpio-watch", "gpioB0")));
    guest_set_output(&f, 8, true);
    guest_drive(&f, 8, true);
    assert_line_changed(f.qts, 8, "gpioB0", true, 0);
    /* ...those within 100 ms merge into one, with the last level... */
    for (int i = 0; i < 49; i++) {
        guest_drive(&f, 8, i & 1);
    }
    assert_no_line_changed(f.qts);
    /* ...while another line is not held back by this one. */
    g_assert_null(qmp_error_desc(qmp_line(f.qts, "gpio-watch", "gpioB1")));
    guest_drive(&f, 9, true);
    assert_line_changed(f.qts, 9, "gpioB1", true, 0);
    qtest_clock_step(f.qts, 100 * 1000 * 1000);
    assert_line_changed(f.qts, 8, "gpioB0", false, 0);
    assert_no_line_changed(f.qts);

    /* Unwatched: nothing more. */
    g_assert_null(qmp_error_desc(qmp_line(f.qts, "gpio-unwatch",
                                          "gpioB0")));
    qtest_clock_step(f.qts, 200 * 1000 * 1000);
    guest_drive(&f, 8, true);
    qtest_clock_step(f.qts, 200 * 1000 * 1000);
    assert_no_line_changed(f.qts);

    client_close(c);
    fixture_stop(&f);
}

/* The human monitor's commands for gpiodevs. */
static void test_hmp(void)
{
    g_autofree char *info = NULL;
    g_autofree char *expect = NULL;
    Fixture f;
    char *out;

    fixture_start(&f, NULL);
    out = qtest_hmp(f.qts, "gpio_set g0 gpioD2 1");
    g_assert_cmpstr(out, ==, "");
    g_free(out);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & BIT(26), ==,
                    BIT(26));
    out = qtest_hmp(f.qts, "gpio_get g0 26");
    g_assert_cmpstr(out, ==, "1\r\n");
    g_free(out);

    info = qtest_hmp(f.qts, "info gpiodevs");
    expect = g_strdup_printf("g0: socket on /machine/soc/gpio "
                             "(aspeed.gpio-ast2600, 208 lines), socket %s",
                             f.path);
    g_assert(strstr(info, expect));
    g_assert(strstr(info, "g1: socket on /machine/soc/gpio_1_8v"));
    out = qtest_hmp(f.qts, "info gpio-lines g0");
    g_assert(strstr(out, " 26 gpioD2     input  1 irq=none driven by qmp"));
    g_assert(strstr(out, " 27 gpioD3     input  0 irq=none\r\n"));
    g_free(out);

    out = qtest_hmp(f.qts, "gpio_set g0 gpioQQ 1");
    g_assert(strstr(out, "GPIO controller '/machine/soc/gpio' has no line "
                    "named 'gpioQQ'"));
    g_free(out);
    out = qtest_hmp(f.qts, "gpio_set g0 gpioD2 2");
    g_assert_cmpstr(out, ==, "level must be 0 or 1\r\n");
    g_free(out);
    out = qtest_hmp(f.qts, "info gpio-lines nope");
    g_assert(strstr(out, "GPIO controller 'nope' not found"));
    g_free(out);
    /* A controller by its QOM path, with no gpiodev needed. */
    out = qtest_hmp(f.qts, "info gpio-lines /machine/soc/gpio");
    g_assert(strstr(out, " 26 gpioD2     input  1 irq=none driven by qmp"));
    g_free(out);
    fixture_stop(&f);
}

/* Run QEMU with @args appended; return its exit status and stderr. */
static int run_qemu(const char *args, char **err)
{
    g_autofree char *cmd = g_strdup_printf("%s -machine ast2600-evb "
                                           "-display none -S -monitor none "
                                           "-serial none -accel qtest "
                                           "-qtest /dev/null %s",
                                           getenv("QTEST_QEMU_BINARY"), args);
    g_autoptr(GError) gerr = NULL;
    int status;

    g_assert(g_spawn_command_line_sync(cmd, NULL, err, &status, &gerr));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void assert_startup_error(const char *args, const char *message)
{
    g_autofree char *err = NULL;
    int status = run_qemu(args, &err);

    if (status != 1 || !strstr(err, message)) {
        g_error("'%s' exited %d with '%s', expected 1 with '%s'", args,
                status, err, message);
    }
}

static void test_startup_errors(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "s", NULL);
    g_autofree char *file = g_build_filename(dir, "f", NULL);
    g_autofree char *common = g_strdup_printf("addr.type=unix,addr.path=%s",
                                              sock);
    g_autofree char *args = NULL;
    Fixture f;

    assert_startup_error("-gpiodev socket,id=g,device=/machine/soc/nope,"
                         "addr.type=unix,addr.path=/tmp/x",
                         "GPIO controller '/machine/soc/nope' not found");
    assert_startup_error("-gpiodev socket,id=g,device=/machine/soc,"
                         "addr.type=unix,addr.path=/tmp/x",
                         "'/machine/soc' (ast2600-a3) is not a GPIO "
                         "controller");
    assert_startup_error("-gpiodev socket,id=g,device=sdhci[0],"
                         "addr.type=unix,addr.path=/tmp/x",
                         "GPIO controller path 'sdhci[0]' is ambiguous");
    assert_startup_error("-gpiodev socket,id=g,addr.type=unix,"
                         "addr.path=/tmp/x", "'device' is missing");
    assert_startup_error("-gpiodev socket,id=g,device=gpio",
                         "'addr' is missing");
    assert_startup_error("-gpiodev pigeon,id=g,device=gpio",
                         "'type' does not accept value 'pigeon'");
    assert_startup_error("-gpiodev socket,id=9g,device=gpio,"
                         "addr.type=unix,addr.path=/tmp/x",
                         "gpiodev id '9g' is not well-formed");
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s "
                           "-gpiodev socket,id=a,device=gpio_1_8v,"
                           "addr.type=unix,addr.path=%s.2", common, sock);
    assert_startup_error(args, "gpiodev 'a' already exists");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "reconnect-ms=10", common);
    assert_startup_error(args, "'reconnect-ms' is only for server=off");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "queue-limit=100", common);
    assert_startup_error(args, "'queue-limit' must be at least 4096");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "server=off,max-clients=2", common);
    assert_startup_error(args, "'max-clients' is only for server mode");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "max-clients=0", common);
    assert_startup_error(args, "'max-clients' must be at least 1");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "tls-authz=z", common);
    assert_startup_error(args, "'tls-authz' needs 'tls-creds' and server "
                         "mode");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,%s,"
                           "tls-creds=nope", common);
    assert_startup_error(args, "no TLS credentials with id 'nope'");
    g_clear_pointer(&args, g_free);
    args = g_strdup_printf("-object authz-simple,id=z,identity=x "
                           "-gpiodev socket,id=a,device=gpio,%s,"
                           "tls-creds=z", common);
    assert_startup_error(args, "object with id 'z' is not TLS credentials");
    g_clear_pointer(&args, g_free);

    /* A file that is not a socket is left alone. */
    g_assert(g_file_set_contents(file, "keep", -1, NULL));
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,"
                           "addr.type=unix,addr.path=%s", file);
    assert_startup_error(args, "exists and is not a socket");
    g_clear_pointer(&args, g_free);
    g_assert(g_file_test(file, G_FILE_TEST_IS_REGULAR));
    unlink(file);

    /* A live server's socket is not taken over... */
    fixture_start_opts(&f, NULL, NULL);
    args = g_strdup_printf("-gpiodev socket,id=a,device=gpio,"
                           "addr.type=unix,addr.path=%s", f.path);
    assert_startup_error(args, "is in use by another server");
    g_clear_pointer(&args, g_free);
    g_assert(g_file_test(f.path, G_FILE_TEST_EXISTS));
    fixture_stop(&f);

    rmdir(dir);
}

static void test_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd = g_strdup_printf("%s -gpiodev help",
                                           getenv("QTEST_QEMU_BINARY"));
    int status;

    g_assert(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_assert_cmpstr(out, ==, "Available gpiodev backend types:\n"
                    "  socket\n");
}

/* A socket file left behind by a QEMU that is gone is replaced. */
static void test_stale_socket(void)
{
    Fixture f;
    Client *c;
    struct stat st;
    int fd;

    f.dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    f.path = g_build_filename(f.dir, "gpio.sock", NULL);
    fd = unix_listen(f.path, &error_abort);
    close(fd);
    g_assert(g_file_test(f.path, G_FILE_TEST_EXISTS));
    g_free(f.dir);
    g_free(f.path);

    fixture_start_opts(&f, NULL, NULL);
    c = client_open(f.path, NULL);
    client_ok(c, "ping");
    /* Only its owner may use it. */
    g_assert_cmpint(stat(f.path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    client_close(c);
    fixture_stop(&f);
}

/* Options as JSON, and client mode with reconnection. */
static void test_client_mode(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "peer.sock", NULL);
    int lfd = unix_listen(path, &error_abort);
    QTestState *qts;
    Client *c;
    char *reply;

    qts = qtest_initf("-machine ast2600-evb -gpiodev "
                      "'{\"type\": \"socket\", \"id\": \"out\", "
                      "\"device\": \"gpio\", \"server\": false, "
                      "\"reconnect-ms\": 50, \"addr\": {\"type\": \"unix\", "
                      "\"path\": \"%s\"}}'", path);

    for (int round = 0; round < 2; round++) {
        g_autofree char *greeting = NULL;
        struct pollfd pfd = { .fd = lfd, .events = POLLIN };

        /* QEMU connects (the second time: again, after we hung up). */
        g_assert_cmpint(poll(&pfd, 1, REPLY_TIMEOUT_MS), ==, 1);
        c = g_new0(Client, 1);
        c->fd = accept(lfd, NULL, NULL);
        g_assert_cmpint(c->fd, >=, 0);
        c->in = g_string_new(NULL);
        g_queue_init(&c->events);
        greeting = client_read_line(c);
        g_assert(g_str_has_prefix(greeting, "hello proto=1 "));
        reply = client_request(c, "chip");
        g_assert(g_str_has_prefix(reply, "ok id=out "));
        g_free(reply);
        client_ok(c, "set %d=1", round);
        g_assert_cmphex(qtest_readl(qts, AST2600_GPIO_BASE) & BIT(round),
                        ==, BIT(round));
        client_close(c);
    }

    qtest_quit(qts);
    close(lfd);
    unlink(path);
    rmdir(dir);
}

/* Migration, snapshots and reset */

/* Wait for the MIGRATION event that says the migration is over. */
static void wait_migration_completed(QTestState *qts)
{
    for (;;) {
        QDict *ev = qtest_qmp_eventwait_ref(qts, "MIGRATION");
        QDict *data = qdict_get_qdict(ev, "data");
        g_autofree char *status = g_strdup(qdict_get_str(data, "status"));

        qobject_unref(ev);
        g_assert_cmpstr(status, !=, "failed");
        if (!strcmp(status, "completed")) {
            return;
        }
    }
}

static void migration_events_on(QTestState *qts)
{
    qtest_qmp_assert_success(qts, "{'execute': 'migrate-set-capabilities',"
                             " 'arguments': {'capabilities': [{"
                             "'capability': 'events', 'state': true}]}}");
}

/* Nothing but the reply to a ping is waiting for @c. */
static void client_expect_no_event(Client *c)
{
    g_autofree char *reply = client_request(c, "ping");

    g_assert_cmpstr(reply, ==, "ok");
    g_assert_true(g_queue_is_empty(&c->events));
}

/*
 * A new QEMU that loads a migrated machine shows the loaded lines: the
 * level a client drove into an input, an output the guest set.  A
 * client connected before the state arrives is told what changed, once.
 */
static void test_migration(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *state = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", state);
    Fixture src, dst;
    Client *c, *d;
    char *reply;

    fixture_start(&src, NULL);
    c = client_open(src.path, "button");
    client_ok(c, "set gpioD0=1");
    guest_set_output(&src, 8, true);
    guest_drive(&src, 8, true);
    migration_events_on(src.qts);
    qtest_qmp_assert_success(src.qts, "{'execute': 'migrate', 'arguments':"
                             " {'uri': %s}}", uri);
    wait_migration_completed(src.qts);
    client_close(c);
    fixture_stop(&src);

    fixture_start(&dst, "-incoming defer");
    d = client_open(dst.path, NULL);
    client_ok(d, "subscribe all gpioD0 gpioB0");
    reply = client_request(d, "get gpioD0 gpioB0");
    g_assert_cmpstr(reply, ==, "ok gpioD0=0 gpioB0=0");
    g_free(reply);
    migration_events_on(dst.qts);
    qtest_qmp_assert_success(dst.qts, "{'execute': 'migrate-incoming',"
                             " 'arguments': {'uri': %s}}", uri);
    wait_migration_completed(dst.qts);

    /* In offset order: gpioB0 (8) became an output and rose, gpioD0 rose. */
    reply = client_event(d);
    g_assert(g_str_has_prefix(reply, "event config offset=8 name=gpioB0 "
                              "direction=output "));
    g_free(reply);
    client_expect_edge(d, 8, "gpioB0", true);
    client_expect_edge(d, 24, "gpioD0", true);
    client_expect_no_event(d);
    reply = client_request(d, "get gpioD0 gpioB0");
    g_assert_cmpstr(reply, ==, "ok gpioD0=1 gpioB0=1");
    g_free(reply);
    g_assert_true(qtest_qom_get_bool(dst.qts, "/machine/soc/gpio", "gpioD0"));
    g_assert_cmphex(guest_read(&dst, GPIO_ABCD_DATA_VALUE) & 0x01000100, ==,
                    0x01000100);

    client_close(d);
    fixture_stop(&dst);
    unlink(state);
    rmdir(dir);
}

/*
 * loadvm on the same QEMU: the reset before loading shows nowhere; a
 * client that stays connected gets one event per line that differs
 * from before, and the input it holds stays held at its level.
 */
static void test_loadvm(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *img = g_build_filename(dir, "disk.qcow2", NULL);
    g_autofree char *drive = NULL;
    const char *qemu_img = g_getenv("QTEST_QEMU_IMG");
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    Fixture f;
    Client *c;
    char *reply;

    cmd = g_strdup_printf("%s create -q -f qcow2 %s 16M",
                          qemu_img ? qemu_img : "qemu-img", img);
    if (!g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL) ||
        !g_file_test(img, G_FILE_TEST_EXISTS)) {
        g_test_skip("qemu-img is needed to create a qcow2 image");
        rmdir(dir);
        return;
    }
    drive = g_strdup_printf("-drive if=none,id=d0,format=qcow2,file=%s", img);
    fixture_start(&f, drive);
    c = client_open(f.path, "button");
    client_ok(c, "subscribe all gpioD0 gpioB0 gpioB1");
    client_ok(c, "set gpioD0=1");
    client_wait_event(c, "event requested offset=24 ");
    client_expect_edge(c, 24, "gpioD0", true);
    guest_set_output(&f, 8, true);
    guest_drive(&f, 8, true);
    client_wait_event(c, "event config offset=8 ");
    client_expect_edge(c, 8, "gpioB0", true);

    out = qtest_hmp(f.qts, "savevm s1");
    g_assert_cmpstr(out, ==, "");
    g_clear_pointer(&out, g_free);

    /* After the snapshot: the client lowers its input, the guest too. */
    client_ok(c, "set gpioD0=0");
    client_expect_edge(c, 24, "gpioD0", false);
    guest_drive(&f, 8, false);
    client_expect_edge(c, 8, "gpioB0", false);
    guest_set_output(&f, 9, true);
    client_wait_event(c, "event config offset=9 ");
    client_expect_no_event(c);

    out = qtest_hmp(f.qts, "loadvm s1");
    g_assert_cmpstr(out, ==, "");

    /* gpioB0 is high again, gpioB1 an input; gpioD0 still held low. */
    client_expect_edge(c, 8, "gpioB0", true);
    reply = client_event(c);
    g_assert(g_str_has_prefix(reply, "event config offset=9 name=gpioB1 "
                              "direction=input "));
    g_free(reply);
    client_expect_no_event(c);
    reply = client_request(c, "info gpioD0");
    g_assert(g_str_has_suffix(reply, " level=0 consumer=button"));
    g_free(reply);
    g_free(client_reply(c));
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & 0x01000100, ==,
                    0x00000100);

    client_close(c);
    fixture_stop(&f);
    unlink(img);
    rmdir(dir);
}

/*
 * system_reset: the guest's outputs go back to inputs, as clients are
 * told, and the inputs clients hold are driven into the reset model.
 */
static void test_system_reset(void)
{
    Fixture f;
    Client *c;
    char *reply;

    fixture_start(&f, NULL);
    c = client_open(f.path, "button");
    client_ok(c, "set gpioD0=1");
    guest_set_output(&f, 8, true);
    guest_drive(&f, 8, true);
    client_ok(c, "subscribe all gpioD0 gpioB0");

    qtest_qmp_assert_success(f.qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(f.qts, "RESET");

    reply = client_event(c);
    g_assert(g_str_has_prefix(reply, "event config offset=8 name=gpioB0 "
                              "direction=input "));
    g_free(reply);
    client_expect_edge(c, 8, "gpioB0", false);
    client_expect_no_event(c);
    g_assert_cmphex(guest_read(&f, GPIO_ABCD_DATA_VALUE) & 0x01000100, ==,
                    0x01000000);
    reply = client_request(c, "get gpioD0 gpioB0");
    g_assert_cmpstr(reply, ==, "ok gpioD0=1 gpioB0=0");
    g_free(reply);

    client_close(c);
    fixture_stop(&f);
}

/*
 * A guest that writes a whole bank's interrupt registers, bits with no
 * pin behind them included (the AST2600's last bank has 16 pins), gets
 * its configuration events for the present lines only, and QEMU keeps
 * running.  Found by the gpiodev-protocol fuzz target.
 */
static void test_bank_beyond_last_line(void)
{
    Fixture f;
    Client *c;
    char *ev;

    fixture_start(&f, NULL);
    c = client_open(f.path, "watch");
    client_ok(c, "subscribe config");

    guest_write(&f, GPIO_YZAAAB_INT_ENABLE, 0xffffffff);
    for (unsigned i = 0; i < 16; i++) {
        ev = client_event(c);
        g_assert(g_str_has_prefix(ev, "event config "));
        g_assert_cmpuint(field_u64(ev, "offset"), ==, 192 + i);
        g_free(ev);
    }
    client_expect_no_event(c);
    g_assert_cmphex(guest_read(&f, GPIO_YZAAAB_INT_ENABLE), ==, 0xffffffff);

    client_close(c);
    fixture_stop(&f);
}

/* The socket file's permissions and group, set with mode= and group=. */
static void test_socket_file_options(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "gpio.sock", NULL);
    static const struct {
        const char *opt, *error;
    } bad[] = {
        { "mode=0999", "'mode' must be permissions in octal, such as 0660, "
          "not '0999'" },
        { "mode=", "'mode' must be permissions in octal" },
        { "mode=01777", "'mode' must be permissions in octal" },
        { "group=no-such-group-here", "no group 'no-such-group-here'" },
    };
    g_autofree char *args = NULL;
    gid_t gid = getegid();
    gid_t groups[64];
    int n = getgroups(ARRAY_SIZE(groups), groups);
    QTestState *qts;
    struct stat st;
    Client *c;

    /* A group other than ours: any as root, else one we belong to. */
    if (geteuid() == 0) {
        gid = 4242;
    }
    for (int i = 0; geteuid() != 0 && i < n; i++) {
        if (groups[i] != getegid()) {
            gid = groups[i];
        }
    }
    qts = qtest_initf("-machine ast2600-evb -gpiodev socket,id=g,"
                      "device=gpio,addr.type=unix,addr.path=%s,"
                      "mode=0660,group=%u", path, (unsigned)gid);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0660);
    g_assert_cmpuint(st.st_gid, ==, gid);
    c = client_open(path, NULL);
    client_ok(c, "ping");
    client_close(c);
    qtest_quit(qts);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    /* Bad values are refused, and leave no file behind. */
    for (int i = 0; i < ARRAY_SIZE(bad); i++) {
        args = g_strdup_printf("-gpiodev socket,id=g,device=gpio,"
                               "addr.type=unix,addr.path=%s,%s", path,
                               bad[i].opt);
        assert_startup_error(args, bad[i].error);
        g_clear_pointer(&args, g_free);
    }
    assert_startup_error("-gpiodev socket,id=g,device=gpio,addr.type=inet,"
                         "addr.host=127.0.0.1,addr.port=0,mode=0660",
                         "'mode' and 'group' are only for a unix socket "
                         "path in server mode");
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    rmdir(dir);
}

/*
 * QEMU removes its socket file when it exits, but not a file that
 * took its place meanwhile.
 */
static void test_socket_file_replaced(void)
{
    Fixture f;
    struct stat st;

    fixture_start(&f, NULL);
    g_assert_cmpint(unlink(f.path), ==, 0);
    g_assert(g_file_set_contents(f.path, "not QEMU's", -1, NULL));
    qtest_quit(f.qts);
    g_assert_cmpint(lstat(f.path, &st), ==, 0);
    g_assert_true(S_ISREG(st.st_mode));
    g_assert_false(g_file_test(f.path_1_8v, G_FILE_TEST_EXISTS));
    unlink(f.path);
    rmdir(f.dir);
    g_free(f.dir);
    g_free(f.path);
    g_free(f.path_1_8v);
}

/*
 * Client mode never waits for its peer under the BQL: QEMU runs while
 * the peer is missing or slow, and QMP reports each connection made
 * and lost.
 */
static void test_client_mode_async(void)
{
    g_autofree char *dir = g_dir_make_tmp("gpiodev-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "peer.sock", NULL);
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof(sin);
    g_autofree char *port = NULL;
    int stuck[4], slow, lfd;
    QTestState *qts;
    QDict *ev, *rsp;
    Client *c;

    /* No peer yet: QEMU starts and answers. */
    qts = qtest_initf("-machine ast2600-evb -gpiodev socket,id=out,"
                      "device=gpio,server=off,reconnect-ms=20,"
                      "addr.type=unix,addr.path=%s", path);
    rsp = qtest_qmp(qts, "{'execute': 'query-status'}");
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);

    /* The peer comes: connected; it goes: disconnected, then again. */
    lfd = unix_listen(path, &error_abort);
    for (int round = 0; round < 2; round++) {
        g_autofree char *greeting = NULL;
        QDict *data;

        ev = qtest_qmp_eventwait_ref(qts, "GPIODEV_CONNECTED");
        data = qdict_get_qdict(ev, "data");
        g_assert_cmpstr(qdict_get_str(data, "id"), ==, "out");
        g_assert_cmpstr(qdict_get_str(qdict_get_qdict(data, "addr"),
                                      "path"), ==, path);
        qobject_unref(ev);
        c = g_new0(Client, 1);
        c->fd = accept(lfd, NULL, NULL);
        g_assert_cmpint(c->fd, >=, 0);
        c->in = g_string_new(NULL);
        g_queue_init(&c->events);
        greeting = client_read_line(c);
        g_assert(g_str_has_prefix(greeting, "hello proto=1 "));
        client_close(c);
        ev = qtest_qmp_eventwait_ref(qts, "GPIODEV_DISCONNECTED");
        g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "id"),
                        ==, "out");
        qobject_unref(ev);
    }
    close(lfd);

    /*
     * A TCP peer whose accept queue is full leaves connect() hanging:
     * gpiodev-add returns at once all the same, and QEMU answers.
     */
    slow = socket(AF_INET, SOCK_STREAM, 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(slow, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
    g_assert_cmpint(listen(slow, 0), ==, 0);
    g_assert_cmpint(getsockname(slow, (struct sockaddr *)&sin, &len), ==, 0);
    port = g_strdup_printf("%u", ntohs(sin.sin_port));
    for (int i = 0; i < ARRAY_SIZE(stuck); i++) {
        stuck[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(stuck[i], (struct sockaddr *)&sin, sizeof(sin));
    }
    qtest_qmp_assert_success(qts, "{'execute': 'gpiodev-add', 'arguments':"
                             " {'type': 'socket', 'id': 'slow',"
                             " 'device': 'gpio_1_8v', 'server': false,"
                             " 'addr': {'type': 'inet', 'host': '127.0.0.1',"
                             " 'port': %s}}}", port);
    rsp = qtest_qmp(qts, "{'execute': 'query-gpiodevs'}");
    g_assert_cmpint(qlist_size(qdict_get_qlist(rsp, "return")), ==, 2);
    qobject_unref(rsp);
    qtest_qmp_assert_success(qts, "{'execute': 'gpiodev-del', 'arguments':"
                             " {'id': 'slow'}}");

    qtest_quit(qts);
    for (int i = 0; i < ARRAY_SIZE(stuck); i++) {
        close(stuck[i]);
    }
    close(slow);
    unlink(path);
    rmdir(dir);
}

/* One client more than max-clients is told so, and closed. */
static void test_max_clients(void)
{
    Fixture f;
    Client *a, *b, *c;
    int fd;
    g_autofree char *line = NULL;

    fixture_start_opts(&f, ",max-clients=2", NULL);
    a = client_open(f.path, "a");
    b = client_open(f.path, "b");
    fd = unix_connect(f.path, &error_abort);
    c = g_new0(Client, 1);
    c->fd = fd;
    c->in = g_string_new(NULL);
    g_queue_init(&c->events);
    line = client_read_line(c);
    g_assert_cmpstr(line, ==, "err busy the server is full (max-clients=2)");
    g_assert_null(client_read_line(c));
    client_close(c);
    client_ok(a, "ping");

    /*
     * A place freed is a place taken.  b holds a line, so that a learns
     * when b's session is gone: it is released then.
     */
    client_ok(a, "subscribe config 0");
    client_ok(b, "set 0=1");
    client_wait_event(a, "event requested offset=0 ");
    client_close(b);
    client_wait_event(a, "event released offset=0 ");
    b = client_open(f.path, "b2");
    client_ok(b, "ping");
    client_close(a);
    client_close(b);
    fixture_stop(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/gpiodev/aspeed/chip-info", test_chip_info);
    qtest_add_func("/gpiodev/aspeed/output-edges", test_output_edges);
    qtest_add_func("/gpiodev/aspeed/value-before-direction",
                   test_value_before_direction);
    qtest_add_func("/gpiodev/aspeed/input-drive", test_input_drive);
    qtest_add_func("/gpiodev/aspeed/two-clients", test_two_clients);
    qtest_add_func("/gpiodev/aspeed/bad-input", test_bad_input);
    qtest_add_func("/gpiodev/aspeed/abrupt-disconnect",
                   test_abrupt_disconnect);
    qtest_add_func("/gpiodev/aspeed/stalled-client", test_stalled_client);
    qtest_add_func("/gpiodev/aspeed/backpressure", test_backpressure);
    qtest_add_func("/gpiodev/aspeed/pipelined-big-replies",
                   test_pipelined_big_replies);
    qtest_add_func("/gpiodev/aspeed/burst-order", test_burst_order);
    qtest_add_func("/gpiodev/aspeed/bank-beyond-last-line",
                   test_bank_beyond_last_line);
    qtest_add_func("/gpiodev/aspeed/models", test_models);
    qtest_add_func("/gpiodev/help", test_help);
    qtest_add_func("/gpiodev/qmp-hotplug", test_qmp_hotplug);
    qtest_add_func("/gpiodev/aspeed/two-backends", test_two_backends);
    qtest_add_func("/gpiodev/aspeed/qmp-lines", test_qmp_lines);
    qtest_add_func("/gpiodev/aspeed/hmp", test_hmp);
    qtest_add_func("/gpiodev/startup-errors", test_startup_errors);
    qtest_add_func("/gpiodev/stale-socket", test_stale_socket);
    qtest_add_func("/gpiodev/client-mode", test_client_mode);
    qtest_add_func("/gpiodev/socket-file-options",
                   test_socket_file_options);
    qtest_add_func("/gpiodev/socket-file-replaced",
                   test_socket_file_replaced);
    qtest_add_func("/gpiodev/client-mode-async", test_client_mode_async);
    qtest_add_func("/gpiodev/max-clients", test_max_clients);
    qtest_add_func("/gpiodev/aspeed/migration", test_migration);
    qtest_add_func("/gpiodev/aspeed/loadvm", test_loadvm);
    qtest_add_func("/gpiodev/aspeed/system-reset", test_system_reset);

    return g_test_run();
}

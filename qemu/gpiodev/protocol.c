/*
 * gpiodev text protocol, version 1 (docs/interop/gpiodev-protocol.rst).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "gpiodev/gpiodev.h"
#include "gpiodev-protocol.h"
#include "trace.h"

typedef struct GpioRequest {
    GpiodevClient *client;
    GpiodevCore *core;
    /* The backend the client belongs to. */
    Gpiodev *gd;
    GString *out;
    /* The request's tag, with its '@', or NULL. */
    const char *tag;
    int argc;
    char **argv;
    bool *quit;
} GpioRequest;

/* Formatting */

static bool gpio_needs_quotes(const char *s)
{
    if (!*s) {
        return true;
    }
    for (; *s; s++) {
        unsigned char c = *s;

        if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

static void gpio_append_string(GString *out, const char *s)
{
    if (!gpio_needs_quotes(s)) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (; *s; s++) {
        unsigned char c = *s;

        switch (c) {
        case '"':
        case '\\':
            g_string_append_c(out, '\\');
            g_string_append_c(out, c);
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c < ' ' || c == 0x7f) {
                g_string_append_printf(out, "\\x%02x", c);
            } else {
                g_string_append_c(out, c);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void gpio_append_key(GString *out, const char *key)
{
    g_string_append_c(out, ' ');
    g_string_append(out, key);
    g_string_append_c(out, '=');
}

static void gpio_append_kv(GString *out, const char *key, const char *value)
{
    gpio_append_key(out, key);
    gpio_append_string(out, value);
}

/*
 * Decimal digits two at a time: every edge a busy guest makes carries
 * four numbers, and a session's writer formats millions a second.
 */
static char *gpio_put_u64(char *p, uint64_t v)
{
    static const char digit_pairs[] =
        "00010203040506070809101112131415161718192021222324"
        "25262728293031323334353637383940414243444546474849"
        "50515253545556575859606162636465666768697071727374"
        "75767778798081828384858687888990919293949596979899";
    char tmp[20];
    char *t = tmp + sizeof(tmp);
    size_t len;

    while (v >= 100) {
        t -= 2;
        memcpy(t, digit_pairs + (v % 100) * 2, 2);
        v /= 100;
    }
    if (v >= 10) {
        t -= 2;
        memcpy(t, digit_pairs + v * 2, 2);
    } else {
        *--t = '0' + v;
    }
    len = tmp + sizeof(tmp) - t;
    memcpy(p, t, len);
    return p + len;
}

static char *gpio_put_num(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return gpio_put_u64(p, -(uint64_t)v);
    }
    return gpio_put_u64(p, v);
}

/* Append a string literal at @p and move past it. */
#define GPIO_PUT_LITERAL(p, lit) \
    ((p) = (char *)memcpy((p), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)

/* " key=N", without printf. */
static void gpio_append_num(GString *out, const char *key, int64_t value)
{
    char buf[24];

    gpio_append_key(out, key);
    g_string_append_len(out, buf, gpio_put_num(buf, value) - buf);
}

void gpio_edge_prefixes_init(GpioEdgePrefixes *p, GpiodevCore *core)
{
    GString *text = g_string_new(NULL);

    p->nlines = core->nlines;
    p->text = g_new(char *, p->nlines);
    p->len = g_new(size_t, p->nlines);
    for (unsigned i = 0; i < p->nlines; i++) {
        g_string_assign(text, "event edge");
        gpio_append_num(text, "offset", i);
        gpio_append_kv(text, "name", gpiodev_core_line_info(core, i)->name);
        p->len[i] = text->len;
        p->text[i] = g_strndup(text->str, text->len);
    }
    g_string_free(text, true);
}

void gpio_edge_prefixes_cleanup(GpioEdgePrefixes *p)
{
    for (unsigned i = 0; i < p->nlines; i++) {
        g_free(p->text[i]);
    }
    g_free(p->text);
    g_free(p->len);
    p->nlines = 0;
}

/* The most an edge's text has after its prefix. */
#define GPIO_EDGE_MAX_SUFFIX 160

/*
 * Past the prefix ("event edge offset=N name=NAME" and its variants,
 * at most two bytes longer), a configuration or ownership event has at
 * most this, plus its consumer name quoted.
 */
#define GPIO_LINE_EVENT_MAX_SUFFIX 256

/*
 * The hot path: every edge a busy guest makes goes through here, so
 * the variable part is written into one stack buffer and appended with
 * the line's prefix.
 */
static void gpio_format_edge(GString *out, const GpioEdgePrefixes *prefixes,
                             const GpiodevEvent *ev)
{
    char buf[GPIO_EDGE_MAX_SUFFIX];
    char *p = buf;

    if (ev->level) {
        GPIO_PUT_LITERAL(p, " edge=rising level=1 seqno=");
    } else {
        GPIO_PUT_LITERAL(p, " edge=falling level=0 seqno=");
    }
    p = gpio_put_u64(p, ev->seqno);
    GPIO_PUT_LITERAL(p, " line-seqno=");
    p = gpio_put_u64(p, ev->line_seqno);
    GPIO_PUT_LITERAL(p, " guest-ns=");
    p = gpio_put_num(p, ev->guest_ns);
    GPIO_PUT_LITERAL(p, " host-ns=");
    p = gpio_put_num(p, ev->host_ns);
    *p++ = '\n';
    g_string_append_len(out, prefixes->text[ev->offset],
                        prefixes->len[ev->offset]);
    g_string_append_len(out, buf, p - buf);
}

/* A line's configuration, as "info" and "event config" show it. */
static void gpio_append_line_config(GString *out, GpioLineDirection direction,
                                    GpioLineDrive drive, GpioLineBias bias,
                                    GpioLineInterrupt interrupt)
{
    gpio_append_kv(out, "direction", GpioLineDirection_str(direction));
    gpio_append_kv(out, "drive", GpioLineDrive_str(drive));
    gpio_append_kv(out, "bias", GpioLineBias_str(bias));
    gpio_append_kv(out, "interrupt", GpioLineInterrupt_str(interrupt));
}

void gpio_format_greeting(GString *out)
{
    g_string_append_printf(out, "hello proto=%d server=qemu-gpiodev "
                           "caps=tags,edges,config,overflow\n",
                           GPIO_PROTOCOL_VERSION);
}

/* Configuration and ownership events: everything comes from @ev. */
static void gpio_format_line_event(GString *out, const GpiodevEvent *ev)
{
    switch (ev->kind) {
    case GPIODEV_EVENT_EDGE:
        g_assert_not_reached();
    case GPIODEV_EVENT_CONFIG:
        g_string_append(out, "event config");
        gpio_append_num(out, "offset", ev->offset);
        gpio_append_kv(out, "name", ev->name);
        gpio_append_line_config(out, ev->direction, ev->drive, ev->bias,
                                ev->interrupt);
        gpio_append_num(out, "level", ev->level);
        break;
    case GPIODEV_EVENT_REQUESTED:
        g_string_append(out, "event requested");
        gpio_append_num(out, "offset", ev->offset);
        gpio_append_kv(out, "name", ev->name);
        gpio_append_kv(out, "consumer", ev->consumer ? ev->consumer : "");
        break;
    case GPIODEV_EVENT_RELEASED:
        g_string_append(out, "event released");
        gpio_append_num(out, "offset", ev->offset);
        gpio_append_kv(out, "name", ev->name);
        break;
    }
    gpio_append_num(out, "guest-ns", ev->guest_ns);
    gpio_append_num(out, "host-ns", ev->host_ns);
    g_string_append_c(out, '\n');
}

size_t gpio_event_max_len(const GpioEdgePrefixes *prefixes,
                          const GpiodevEvent *ev)
{
    size_t len = prefixes->len[ev->offset];

    if (ev->kind == GPIODEV_EVENT_EDGE) {
        return len + GPIO_EDGE_MAX_SUFFIX;
    }
    len += GPIO_LINE_EVENT_MAX_SUFFIX;
    if (ev->consumer) {
        /* Every byte escaped as \xHH, and the quotes. */
        len += 4 * strlen(ev->consumer) + 2;
    }
    return len;
}

void gpio_format_event(GString *out, const GpioEdgePrefixes *prefixes,
                       const GpiodevEvent *ev)
{
    if (ev->kind == GPIODEV_EVENT_EDGE) {
        gpio_format_edge(out, prefixes, ev);
    } else {
        gpio_format_line_event(out, ev);
    }
}

void gpio_format_overflow(GString *out, uint64_t lost)
{
    g_string_append(out, "event overflow");
    gpio_append_num(out, "lost", lost);
    g_string_append_c(out, '\n');
}

/* Replies */

static void gpio_reply_start(GpioRequest *req, const char *kind)
{
    g_string_append(req->out, kind);
    if (req->tag) {
        g_string_append_printf(req->out, " %s", req->tag);
    }
}

static void gpio_reply_ok(GpioRequest *req)
{
    gpio_reply_start(req, "ok");
    g_string_append_c(req->out, '\n');
}

static void G_GNUC_PRINTF(3, 4)
gpio_reply_err(GpioRequest *req, const char *code, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gpio_reply_start(req, "err");
    g_string_append_printf(req->out, " %s ", code);
    /* The message is the rest of the line: keep it on one line. */
    for (const char *p = msg; *p; p++) {
        unsigned char c = *p;

        g_string_append_c(req->out, c < ' ' || c == 0x7f ? '?' : c);
    }
    g_string_append_c(req->out, '\n');
}

/* Tokens */

/*
 * Split @line into words in place.  Words are separated by blanks; a
 * double-quoted part may hold blanks and backslash escapes: \", \\,
 * \n, \t and \xHH.
 * Returns NULL (and sets @err) on malformed input.
 */
static GPtrArray *gpio_tokenize(char *line, const char **err)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new();
    char *p = line;

    for (;;) {
        char *w;

        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            break;
        }
        w = p;
        g_ptr_array_add(words, w);
        for (char *q = p;;) {
            unsigned char c = *p;

            if (c == '\0' || c == ' ' || c == '\t') {
                if (c) {
                    p++;
                }
                *q = '\0';
                break;
            }
            if (c < ' ' || c == 0x7f) {
                *err = "control character in request";
                return NULL;
            }
            if (c != '"') {
                *q++ = *p++;
                continue;
            }
            /* Quoted part */
            p++;
            for (;;) {
                c = *p++;
                if (c == '"') {
                    break;
                }
                if (c == '\0') {
                    *err = "unterminated quoted string";
                    return NULL;
                }
                if (c < ' ' || c == 0x7f) {
                    *err = "control character in request";
                    return NULL;
                }
                if (c != '\\') {
                    *q++ = c;
                    continue;
                }
                c = *p++;
                switch (c) {
                case '"':
                case '\\':
                    *q++ = c;
                    break;
                case 'n':
                    *q++ = '\n';
                    break;
                case 't':
                    *q++ = '\t';
                    break;
                case 'x':
                    if (g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]) &&
                        (p[0] != '0' || p[1] != '0')) {
                        *q++ = g_ascii_xdigit_value(p[0]) * 16 +
                               g_ascii_xdigit_value(p[1]);
                        p += 2;
                        break;
                    }
                    /* fall through */
                default:
                    *err = "bad escape in quoted string";
                    return NULL;
                }
            }
        }
    }
    return g_steal_pointer(&words);
}

/* A decimal number: digits only, no sign, no blanks. */
static bool gpio_parse_uint(const char *s, uint64_t *value)
{
    return g_ascii_isdigit(*s) && qemu_strtou64(s, NULL, 10, value) == 0;
}

/* Resolve a line given by offset (decimal digits) or by name. */
static bool gpio_parse_line(GpioRequest *req, const char *word,
                            unsigned *offset)
{
    switch (gpiodev_core_find_line(req->core, word, offset)) {
    case GPIODEV_OK:
        return true;
    case GPIODEV_BAD_OFFSET:
        gpio_reply_err(req, "bad-request", "'%s' is not a line offset",
                       word);
        return false;
    case GPIODEV_NO_SUCH_LINE:
        gpio_reply_err(req, "no-such-line",
                       "offset %s is out of range (chip has %u lines)",
                       word, req->core->nlines);
        return false;
    default:
        gpio_reply_err(req, "no-such-line", "no line is named '%s'", word);
        return false;
    }
}

/*
 * Lines named by the arguments from @first on.  If there are none: every
 * present line, or every offset if @all_offsets.  NULL after an error
 * reply.
 */
static GArray *gpio_parse_lines(GpioRequest *req, int first,
                                bool all_offsets)
{
    g_autoptr(GArray) lines = g_array_new(false, false, sizeof(unsigned));

    if (first >= req->argc) {
        for (unsigned i = 0; i < req->core->nlines; i++) {
            if (all_offsets || gpiodev_core_line_info(req->core, i)->present) {
                g_array_append_val(lines, i);
            }
        }
        return g_steal_pointer(&lines);
    }
    for (int i = first; i < req->argc; i++) {
        unsigned offset;

        if (!gpio_parse_line(req, req->argv[i], &offset)) {
            return NULL;
        }
        g_array_append_val(lines, offset);
    }
    return g_steal_pointer(&lines);
}

static void gpio_reply_refused(GpioRequest *req, GpiodevStatus st,
                               unsigned offset)
{
    static const char *const codes[] = {
        [GPIODEV_NO_SUCH_LINE] = "no-such-line",
        [GPIODEV_NOT_PRESENT] = "not-present",
        [GPIODEV_IS_OUTPUT] = "is-output",
        [GPIODEV_BUSY] = "busy",
        [GPIODEV_WIRED] = "wired",
    };
    g_autofree char *why = NULL;
    const char *name = "";

    if (st == GPIODEV_NO_SUCH_LINE) {
        why = g_strdup(gpiodev_status_str(st));
    } else {
        name = gpiodev_core_line_info(req->core, offset)->name;
        why = gpiodev_core_refusal(req->core, st, offset);
    }
    gpio_reply_err(req, codes[st], "line %u%s%s%s: %s", offset,
                   *name ? " (" : "", name, *name ? ")" : "", why);
}

/* Commands */

static bool gpio_no_arguments(GpioRequest *req)
{
    if (req->argc > 1) {
        gpio_reply_err(req, "bad-request", "'%s' takes no argument",
                       req->argv[0]);
        return false;
    }
    return true;
}

static void gpio_cmd_hello(GpioRequest *req)
{
    const char *name = NULL;

    /* Check every argument before applying any. */
    for (int i = 1; i < req->argc; i++) {
        const char *arg = req->argv[i];
        uint64_t proto;

        if (g_str_has_prefix(arg, "name=")) {
            name = arg + 5;
            if (!*name) {
                gpio_reply_err(req, "bad-request", "empty name");
                return;
            }
        } else if (g_str_has_prefix(arg, "proto=")) {
            if (!gpio_parse_uint(arg + 6, &proto)) {
                gpio_reply_err(req, "bad-request", "bad protocol version");
                return;
            }
            if (proto != GPIO_PROTOCOL_VERSION) {
                gpio_reply_err(req, "unsupported",
                               "protocol version %s is not supported, "
                               "only %d", arg + 6, GPIO_PROTOCOL_VERSION);
                return;
            }
        } else {
            gpio_reply_err(req, "bad-request", "unknown argument '%s'", arg);
            return;
        }
    }
    if (name) {
        gpiodev_client_set_consumer(req->client, name);
    }
    gpio_reply_start(req, "ok");
    g_string_append_printf(req->out, " proto=%d\n", GPIO_PROTOCOL_VERSION);
}

static void gpio_cmd_chip(GpioRequest *req)
{
    GpiodevCore *core = req->core;

    if (!gpio_no_arguments(req)) {
        return;
    }
    gpio_reply_start(req, "ok");
    gpio_append_kv(req->out, "id", req->gd->id);
    gpio_append_kv(req->out, "label", gpiodev_core_label(core));
    g_string_append_printf(req->out, " lines=%u", core->nlines);
    gpio_append_kv(req->out, "device", core->path);
    gpio_append_kv(req->out, "type", object_get_typename(core->controller));
    g_string_append_c(req->out, '\n');
}

static void gpio_cmd_info(GpioRequest *req)
{
    g_autoptr(GArray) lines = gpio_parse_lines(req, 1, true);
    GpiodevCore *core = req->core;

    if (!lines) {
        return;
    }
    for (unsigned i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);
        const GpioLineInfo *info = gpiodev_core_line_info(core, offset);
        const char *consumer = gpiodev_core_line_consumer(core, offset);

        gpio_reply_start(req, "line");
        g_string_append_printf(req->out, " offset=%u", offset);
        gpio_append_kv(req->out, "name", info->name);
        gpio_append_kv(req->out, "present", info->present ? "yes" : "no");
        gpio_append_line_config(req->out, info->direction, info->drive,
                                info->bias, info->interrupt);
        g_string_append_printf(req->out, " level=%d",
                               gpiodev_core_line_level(core, offset));
        if (consumer) {
            gpio_append_kv(req->out, "consumer", consumer);
        }
        g_string_append_c(req->out, '\n');
    }
    gpio_reply_ok(req);
}

static void gpio_cmd_get(GpioRequest *req)
{
    g_autoptr(GArray) lines = gpio_parse_lines(req, 1, false);

    if (!lines) {
        return;
    }
    gpio_reply_start(req, "ok");
    for (unsigned i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);
        bool level = gpiodev_core_line_level(req->core, offset);

        g_string_append_c(req->out, ' ');
        if (req->argc > 1) {
            gpio_append_string(req->out, req->argv[i + 1]);
        } else {
            g_string_append_printf(req->out, "%u", offset);
        }
        g_string_append_printf(req->out, "=%d", level);
    }
    g_string_append_c(req->out, '\n');
}

static void gpio_cmd_set(GpioRequest *req)
{
    int n = req->argc - 1;
    g_autofree unsigned *offsets = g_new(unsigned, n);
    g_autofree bool *levels = g_new(bool, n);
    GpiodevStatus st;
    unsigned bad;

    if (n == 0) {
        gpio_reply_err(req, "bad-request", "usage: set LINE=0|1...");
        return;
    }
    for (int i = 0; i < n; i++) {
        char *word = req->argv[i + 1];
        char *eq = strrchr(word, '=');

        if (!eq || (strcmp(eq, "=0") && strcmp(eq, "=1"))) {
            gpio_reply_err(req, "bad-request",
                           "'%s' is not LINE=0 or LINE=1", word);
            return;
        }
        levels[i] = eq[1] == '1';
        *eq = '\0';
        if (!gpio_parse_line(req, word, &offsets[i])) {
            return;
        }
        for (int j = 0; j < i; j++) {
            if (offsets[j] == offsets[i]) {
                gpio_reply_err(req, "bad-request", "line %u given twice",
                               offsets[i]);
                return;
            }
        }
    }
    st = gpiodev_client_drive(req->client, n, offsets, levels, &bad);
    if (st != GPIODEV_OK) {
        gpio_reply_refused(req, st, offsets[bad]);
        return;
    }
    gpio_reply_ok(req);
}

static void gpio_cmd_release(GpioRequest *req)
{
    g_autoptr(GArray) lines = gpio_parse_lines(req, 1, true);

    if (!lines) {
        return;
    }
    for (unsigned i = 0; i < lines->len; i++) {
        gpiodev_client_release(req->client,
                               g_array_index(lines, unsigned, i));
    }
    gpio_reply_ok(req);
}

/* What a kind word watches, as a GpiodevWatch set; 0 if it is none. */
static unsigned gpio_parse_kind(GpioRequest *req)
{
    static const struct {
        const char *word;
        unsigned what;
    } kinds[] = {
        { "rising", GPIODEV_WATCH_RISING },
        { "falling", GPIODEV_WATCH_FALLING },
        { "both", GPIODEV_WATCH_EDGES },
        { "config", GPIODEV_WATCH_CONFIG },
        { "all", GPIODEV_WATCH_EDGES | GPIODEV_WATCH_CONFIG },
    };
    const char *kind = req->argc > 1 ? req->argv[1] : "";

    for (int i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(kind, kinds[i].word)) {
            return kinds[i].what;
        }
    }
    gpio_reply_err(req, "bad-request",
                   "usage: %s rising|falling|both|config|all [LINE...]",
                   req->argv[0]);
    return 0;
}

static void gpio_cmd_subscribe(GpioRequest *req, bool on)
{
    g_autoptr(GArray) lines = NULL;
    unsigned what = gpio_parse_kind(req);

    if (!what) {
        return;
    }
    /* Unsubscribing from nothing in particular clears every offset. */
    lines = gpio_parse_lines(req, 2, !on);
    if (!lines) {
        return;
    }
    for (unsigned i = 0; i < lines->len; i++) {
        gpiodev_client_watch(req->client, g_array_index(lines, unsigned, i),
                             what, on);
    }
    gpio_reply_ok(req);
}

static void gpio_cmd_subscribe_on(GpioRequest *req)
{
    gpio_cmd_subscribe(req, true);
}

static void gpio_cmd_subscribe_off(GpioRequest *req)
{
    gpio_cmd_subscribe(req, false);
}

static void gpio_cmd_ping(GpioRequest *req)
{
    if (gpio_no_arguments(req)) {
        gpio_reply_ok(req);
    }
}

static void gpio_cmd_quit(GpioRequest *req)
{
    if (!gpio_no_arguments(req)) {
        return;
    }
    gpio_reply_start(req, "ok");
    g_string_append(req->out, " bye\n");
    *req->quit = true;
}

static void gpio_cmd_help(GpioRequest *req);

typedef struct GpioCommand {
    const char *name;
    void (*run)(GpioRequest *req);
    const char *usage;
} GpioCommand;

static const GpioCommand gpio_commands[] = {
    { "hello", gpio_cmd_hello, "[name=CONSUMER] [proto=1]" },
    { "chip", gpio_cmd_chip, "" },
    { "info", gpio_cmd_info, "[LINE...]" },
    { "get", gpio_cmd_get, "[LINE...]" },
    { "set", gpio_cmd_set, "LINE=0|1..." },
    { "release", gpio_cmd_release, "[LINE...]" },
    { "subscribe", gpio_cmd_subscribe_on,
      "rising|falling|both|config|all [LINE...]" },
    { "unsubscribe", gpio_cmd_subscribe_off,
      "rising|falling|both|config|all [LINE...]" },
    { "ping", gpio_cmd_ping, "" },
    { "help", gpio_cmd_help, "" },
    { "quit", gpio_cmd_quit, "" },
};

static void gpio_cmd_help(GpioRequest *req)
{
    if (!gpio_no_arguments(req)) {
        return;
    }
    for (int i = 0; i < ARRAY_SIZE(gpio_commands); i++) {
        g_string_append_printf(req->out, "# %s%s%s\n", gpio_commands[i].name,
                               *gpio_commands[i].usage ? " " : "",
                               gpio_commands[i].usage);
    }
    g_string_append(req->out, "# LINE is an offset or a line name; "
                    "[LINE...] left out means every line\n");
    gpio_reply_ok(req);
}

/* "@" and 1 to 32 letters, digits, '-', '_' or '.'. */
static bool gpio_tag_valid(const char *tag, size_t len)
{
    if (len < 2 || len > 33) {
        return false;
    }
    for (size_t i = 1; i < len; i++) {
        if (!g_ascii_isalnum(tag[i]) && !strchr("-_.", tag[i])) {
            return false;
        }
    }
    return true;
}

/*
 * Take the tag off the front of @line, before the rest is parsed, so
 * that every reply to a tagged request carries it, errors included.
 * Returns what follows the tag, or NULL after an error reply.
 */
static char *gpio_take_tag(GpioRequest *req, char *line)
{
    size_t len;

    line += strspn(line, " \t");
    if (line[0] != '@') {
        return line;
    }
    len = strcspn(line, " \t");
    if (!gpio_tag_valid(line, len)) {
        gpio_reply_err(req, "bad-request", "bad tag: 1 to 32 letters, "
                       "digits, '-', '_' or '.' after '@'");
        return NULL;
    }
    req->tag = line;
    if (!line[len]) {
        return line + len;
    }
    line[len] = '\0';
    return line + len + 1;
}

static void gpio_execute(GpioRequest *req, char *line)
{
    g_autoptr(GPtrArray) words = NULL;
    const char *err = NULL;

    line = gpio_take_tag(req, line);
    if (!line) {
        return;
    }
    words = gpio_tokenize(line, &err);
    if (!words) {
        gpio_reply_err(req, "bad-request", "%s", err);
        return;
    }
    req->argc = words->len;
    req->argv = (char **)words->pdata;
    if (!req->argc) {
        /* Empty lines are ignored, so that a human may press Enter. */
        if (req->tag) {
            gpio_reply_err(req, "bad-request", "tag without a command");
        }
        return;
    }
    trace_gpiodev_request(req->gd->id, req->argv[0]);
    for (int i = 0; i < ARRAY_SIZE(gpio_commands); i++) {
        if (!strcmp(req->argv[0], gpio_commands[i].name)) {
            gpio_commands[i].run(req);
            return;
        }
    }
    gpio_reply_err(req, "unknown-command", "unknown command '%s' "
                   "(try 'help')", req->argv[0]);
}

/* Framing */

void gpio_request_reader_init(GpioRequestReader *r)
{
    r->buf = g_string_sized_new(GPIO_PROTOCOL_MAX_LINE);
    r->start = 0;
    r->discarding = false;
}

void gpio_request_reader_cleanup(GpioRequestReader *r)
{
    g_string_free(r->buf, true);
}

void gpio_request_reader_push(GpioRequestReader *r, const char *buf,
                              size_t len)
{
    if (r->start) {
        g_string_erase(r->buf, 0, r->start);
        r->start = 0;
    }
    g_string_append_len(r->buf, buf, len);
}

static void gpio_request_reader_consume(GpioRequestReader *r, size_t len)
{
    r->start += len;
    if (r->start == r->buf->len) {
        g_string_truncate(r->buf, 0);
        r->start = 0;
    }
}

bool gpio_request_reader_ready(GpioRequestReader *r)
{
    size_t avail = r->buf->len - r->start;

    return memchr(r->buf->str + r->start, '\n', avail) ||
           (!r->discarding && avail >= GPIO_PROTOCOL_MAX_LINE);
}

bool gpio_request_reader_run(GpioRequestReader *r, GpiodevClient *client,
                             GString *out, bool *quit)
{
    GpioRequest req = {
        .client = client, .core = client->core, .gd = GPIODEV(client->backend),
        .out = out, .quit = quit,
    };

    for (;;) {
        char *line = r->buf->str + r->start;
        size_t avail = r->buf->len - r->start;
        char *nl = memchr(line, '\n', avail);
        size_t len = nl ? nl - line : avail;
        size_t content;

        if (r->discarding) {
            /* The rest of an overlong line, up to its newline. */
            gpio_request_reader_consume(r, nl ? len + 1 : len);
            r->discarding = !nl;
            if (!nl) {
                return false;
            }
            continue;
        }
        if (len >= GPIO_PROTOCOL_MAX_LINE) {
            gpio_reply_err(&req, "too-long", "request line longer than %d "
                           "bytes, ignored", GPIO_PROTOCOL_MAX_LINE);
            r->discarding = true;
            continue;
        }
        if (!nl) {
            return false;
        }
        *nl = '\0';
        content = len;
        if (content && line[content - 1] == '\r') {
            line[--content] = '\0';
        }
        if (strlen(line) < content) {
            gpio_reply_err(&req, "bad-request", "NUL byte in request");
        } else {
            gpio_execute(&req, line);
        }
        gpio_request_reader_consume(r, len + 1);
        return true;
    }
}

/*
 * gpiodev text protocol, version 1 (see docs/system/gpiodev.rst).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitmap.h"
#include "qemu/cutils.h"
#include "gpiodev-protocol.h"
#include "trace.h"

typedef struct GpioRequest {
    GpiodevClient *client;
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

static void gpio_append_kv(GString *out, const char *key, const char *value)
{
    g_string_append_printf(out, " %s=", key);
    gpio_append_string(out, value);
}

static void gpio_append_line_config(GString *out, const GpioLineInfo *info)
{
    gpio_append_kv(out, "direction", GpioLineDirection_str(info->direction));
    gpio_append_kv(out, "drive", GpioLineDrive_str(info->drive));
    gpio_append_kv(out, "bias", GpioLineBias_str(info->bias));
    gpio_append_kv(out, "interrupt", GpioLineInterrupt_str(info->interrupt));
}

void gpio_format_greeting(GString *out)
{
    g_string_append_printf(out, "hello proto=%d server=qemu-gpiodev "
                           "caps=tags,edges,config,overflow\n",
                           GPIO_PROTOCOL_VERSION);
}

void gpio_format_event(GString *out, Gpiodev *gd, const GpiodevEvent *ev)
{
    const GpioLineInfo *info = gpiodev_line_info(gd, ev->offset);

    if (ev->kind == GPIODEV_EVENT_EDGE) {
        g_string_append_printf(out, "event edge offset=%u", ev->offset);
        gpio_append_kv(out, "name", info->name);
        g_string_append_printf(out, " edge=%s level=%d seqno=%" PRIu64
                               " line-seqno=%" PRIu64,
                               ev->level ? "rising" : "falling", ev->level,
                               ev->seqno, ev->line_seqno);
    } else {
        g_string_append_printf(out, "event config offset=%u", ev->offset);
        gpio_append_kv(out, "name", info->name);
        gpio_append_line_config(out, info);
        g_string_append_printf(out, " level=%d", ev->level);
    }
    g_string_append_printf(out, " guest-ns=%" PRId64 " host-ns=%" PRId64 "\n",
                           ev->guest_ns, ev->host_ns);
}

void gpio_format_overflow(GString *out, uint64_t lost)
{
    g_string_append_printf(out, "event overflow lost=%" PRIu64 "\n", lost);
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
        g_string_append_c(req->out, (unsigned char)*p < ' ' ? ' ' : *p);
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

/* Resolve a line given by offset (decimal digits) or by name. */
static bool gpio_parse_line(GpioRequest *req, const char *word,
                            unsigned *offset)
{
    uint64_t v;
    int found;

    if (g_ascii_isdigit(word[0])) {
        if (qemu_strtou64(word, NULL, 10, &v) < 0) {
            gpio_reply_err(req, "bad-request", "'%s' is not a line offset",
                           word);
            return false;
        }
        if (v >= req->gd->nlines) {
            gpio_reply_err(req, "no-such-line",
                           "offset %s is out of range (chip has %u lines)",
                           word, req->gd->nlines);
            return false;
        }
        *offset = v;
        return true;
    }
    found = gpiodev_find_line(req->gd, word);
    if (found < 0) {
        gpio_reply_err(req, "no-such-line", "no line is named '%s'", word);
        return false;
    }
    *offset = found;
    return true;
}

/*
 * Lines named by the arguments from @first on, or every present line if
 * there are none.  NULL after an error reply.
 */
static GArray *gpio_parse_lines(GpioRequest *req, int first)
{
    g_autoptr(GArray) lines = g_array_new(false, false, sizeof(unsigned));

    if (first >= req->argc) {
        for (unsigned i = 0; i < req->gd->nlines; i++) {
            if (gpiodev_line_info(req->gd, i)->present) {
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
    };
    const char *consumer = NULL;

    if (st == GPIODEV_BUSY) {
        consumer = gpiodev_line_consumer(req->gd, offset);
    }
    gpio_reply_err(req, codes[st], "line %u%s%s%s: %s%s%s", offset,
                   st == GPIODEV_NO_SUCH_LINE ? "" : " (",
                   st == GPIODEV_NO_SUCH_LINE ? ""
                       : gpiodev_line_info(req->gd, offset)->name,
                   st == GPIODEV_NO_SUCH_LINE ? "" : ")",
                   gpiodev_status_str(st),
                   consumer ? " named " : "", consumer ? consumer : "");
}

/* Commands */

static void gpio_cmd_hello(GpioRequest *req)
{
    for (int i = 1; i < req->argc; i++) {
        const char *arg = req->argv[i];
        uint64_t proto;

        if (g_str_has_prefix(arg, "name=")) {
            gpiodev_client_set_consumer(req->client, arg + 5);
        } else if (g_str_has_prefix(arg, "proto=")) {
            if (qemu_strtou64(arg + 6, NULL, 10, &proto) < 0) {
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
    gpio_reply_start(req, "ok");
    g_string_append_printf(req->out, " proto=%d\n", GPIO_PROTOCOL_VERSION);
}

static void gpio_cmd_chip(GpioRequest *req)
{
    Gpiodev *gd = req->gd;
    g_autofree char *path = object_get_canonical_path(gd->controller);

    if (req->argc > 1) {
        gpio_reply_err(req, "bad-request", "'chip' takes no argument");
        return;
    }
    gpio_reply_start(req, "ok");
    gpio_append_kv(req->out, "id", gd->id);
    gpio_append_kv(req->out, "label", gpiodev_label(gd));
    g_string_append_printf(req->out, " lines=%u", gd->nlines);
    gpio_append_kv(req->out, "device", path);
    gpio_append_kv(req->out, "type", object_get_typename(gd->controller));
    g_string_append_c(req->out, '\n');
}

static void gpio_cmd_info(GpioRequest *req)
{
    g_autoptr(GArray) lines = NULL;
    Gpiodev *gd = req->gd;

    if (req->argc > 1) {
        lines = gpio_parse_lines(req, 1);
        if (!lines) {
            return;
        }
    } else {
        lines = g_array_new(false, false, sizeof(unsigned));
        for (unsigned i = 0; i < gd->nlines; i++) {
            g_array_append_val(lines, i);
        }
    }
    for (unsigned i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);
        const GpioLineInfo *info = gpiodev_line_info(gd, offset);
        const char *consumer = gpiodev_line_consumer(gd, offset);

        gpio_reply_start(req, "line");
        g_string_append_printf(req->out, " offset=%u", offset);
        gpio_append_kv(req->out, "name", info->name);
        gpio_append_kv(req->out, "present", info->present ? "yes" : "no");
        gpio_append_line_config(req->out, info);
        g_string_append_printf(req->out, " level=%d",
                               gpiodev_line_level(gd, offset));
        if (consumer) {
            gpio_append_kv(req->out, "consumer", consumer);
        }
        g_string_append_c(req->out, '\n');
    }
    gpio_reply_ok(req);
}

static void gpio_cmd_get(GpioRequest *req)
{
    g_autoptr(GArray) lines = gpio_parse_lines(req, 1);

    if (!lines) {
        return;
    }
    gpio_reply_start(req, "ok");
    for (unsigned i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);
        bool level = gpiodev_line_level(req->gd, offset);

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
    g_autoptr(GArray) lines = gpio_parse_lines(req, 1);

    if (!lines) {
        return;
    }
    for (unsigned i = 0; i < lines->len; i++) {
        gpiodev_client_release(req->client,
                               g_array_index(lines, unsigned, i));
    }
    gpio_reply_ok(req);
}

/* Which subscription bitmaps a kind word selects. */
static bool gpio_parse_kind(GpioRequest *req, bool allow_all,
                            unsigned long **maps)
{
    GpiodevClient *c = req->client;
    const char *kind = req->argc > 1 ? req->argv[1] : "";

    maps[0] = maps[1] = maps[2] = NULL;
    if (!strcmp(kind, "rising") || !strcmp(kind, "both")) {
        maps[0] = c->rising;
    }
    if (!strcmp(kind, "falling") || !strcmp(kind, "both")) {
        maps[1] = c->falling;
    }
    if (!strcmp(kind, "config")) {
        maps[2] = c->config;
    }
    if (allow_all && !strcmp(kind, "all")) {
        maps[0] = c->rising;
        maps[1] = c->falling;
        maps[2] = c->config;
    }
    if (!maps[0] && !maps[1] && !maps[2]) {
        gpio_reply_err(req, "bad-request",
                       "usage: %s rising|falling|both|config%s [LINE...]",
                       req->argv[0], allow_all ? "|all" : "");
        return false;
    }
    return true;
}

static void gpio_cmd_subscribe(GpioRequest *req, bool on)
{
    g_autoptr(GArray) lines = NULL;
    unsigned long *maps[3];

    if (!gpio_parse_kind(req, !on, maps)) {
        return;
    }
    lines = gpio_parse_lines(req, 2);
    if (!lines) {
        return;
    }
    for (unsigned i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);

        for (int m = 0; m < ARRAY_SIZE(maps); m++) {
            if (maps[m]) {
                if (on) {
                    set_bit(offset, maps[m]);
                } else {
                    clear_bit(offset, maps[m]);
                }
            }
        }
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
    gpio_reply_ok(req);
}

static void gpio_cmd_quit(GpioRequest *req)
{
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
      "rising|falling|both|config [LINE...]" },
    { "unsubscribe", gpio_cmd_subscribe_off,
      "rising|falling|both|config|all [LINE...]" },
    { "ping", gpio_cmd_ping, "" },
    { "help", gpio_cmd_help, "" },
    { "quit", gpio_cmd_quit, "" },
};

static void gpio_cmd_help(GpioRequest *req)
{
    for (int i = 0; i < ARRAY_SIZE(gpio_commands); i++) {
        g_string_append_printf(req->out, "# %s%s%s\n", gpio_commands[i].name,
                               *gpio_commands[i].usage ? " " : "",
                               gpio_commands[i].usage);
    }
    g_string_append(req->out, "# LINE is an offset or a line name; "
                    "[LINE...] left out means every line\n");
    gpio_reply_ok(req);
}

static bool gpio_tag_valid(const char *tag)
{
    size_t len = strlen(tag);

    if (len < 2 || len > 33) {
        return false;
    }
    for (const char *p = tag + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.') {
            return false;
        }
    }
    return true;
}

static void gpio_execute(GpiodevClient *client, char *line, GString *out,
                         bool *quit)
{
    GpioRequest req = {
        .client = client, .gd = client->gpiodev, .out = out, .quit = quit,
    };
    g_autoptr(GPtrArray) words = NULL;
    const char *err = NULL;

    words = gpio_tokenize(line, &err);
    if (!words) {
        gpio_reply_err(&req, "bad-request", "%s", err);
        return;
    }
    req.argc = words->len;
    req.argv = (char **)words->pdata;
    if (req.argc && req.argv[0][0] == '@') {
        if (!gpio_tag_valid(req.argv[0])) {
            gpio_reply_err(&req, "bad-request", "bad tag: 1 to 32 letters, "
                           "digits, '-', '_' or '.' after '@'");
            return;
        }
        req.tag = req.argv[0];
        req.argc--;
        req.argv++;
    }
    if (!req.argc) {
        /* Empty lines are ignored, so that a human may press Enter. */
        if (req.tag) {
            gpio_reply_err(&req, "bad-request", "tag without a command");
        }
        return;
    }
    trace_gpiodev_request(req.gd->id, req.argv[0]);
    for (int i = 0; i < ARRAY_SIZE(gpio_commands); i++) {
        if (!strcmp(req.argv[0], gpio_commands[i].name)) {
            gpio_commands[i].run(&req);
            return;
        }
    }
    gpio_reply_err(&req, "unknown-command", "unknown command '%s' "
                   "(try 'help')", req.argv[0]);
}

/* Framing */

void gpio_request_reader_init(GpioRequestReader *r)
{
    r->line = g_string_sized_new(128);
    r->discarding = false;
}

void gpio_request_reader_cleanup(GpioRequestReader *r)
{
    g_string_free(r->line, true);
}

static void gpio_reply_too_long(GString *out)
{
    g_string_append_printf(out, "err too-long request longer than %d "
                           "bytes, ignored\n", GPIO_PROTOCOL_MAX_LINE);
}

void gpio_request_reader_feed(GpioRequestReader *r, const char *buf,
                              size_t len, GpiodevClient *client,
                              GString *out, bool *quit)
{
    while (len && !*quit) {
        const char *nl = memchr(buf, '\n', len);
        size_t chunk = nl ? nl - buf : len;

        if (!r->discarding) {
            if (r->line->len + chunk >= GPIO_PROTOCOL_MAX_LINE) {
                gpio_reply_too_long(out);
                g_string_truncate(r->line, 0);
                r->discarding = true;
            } else {
                g_string_append_len(r->line, buf, chunk);
            }
        }
        if (!nl) {
            return;
        }
        buf += chunk + 1;
        len -= chunk + 1;
        if (r->discarding) {
            r->discarding = false;
            continue;
        }
        if (r->line->len && r->line->str[r->line->len - 1] == '\r') {
            g_string_truncate(r->line, r->line->len - 1);
        }
        if (memchr(r->line->str, '\0', r->line->len)) {
            g_string_append(out, "err bad-request NUL byte in request\n");
        } else {
            gpio_execute(client, r->line->str, out, quit);
        }
        g_string_truncate(r->line, 0);
    }
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* See common.h. */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *prog = "qemu-gpio";

void die(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_FAILURE);
}

void warn(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void die_usage(void)
{
    die("try %s --help", prog);
}

/*
 * @prog without the directories of its first word, as libgpiod's
 * --version prints it: "/usr/bin/qemu-gpio get" gives "qemu-gpio get".
 */
static const char *prog_base_name(void)
{
    const char *end = strchr(prog, ' ');
    const char *base = prog;

    for (const char *p = prog; *p && (!end || p < end); p++) {
        if (*p == '/') {
            base = p + 1;
        }
    }
    return base;
}

void print_version(void)
{
    printf("%s (qemu-gpio) v%s\n", prog_base_name(), qgpio_api_version());
    printf("Copyright (C) 2026 the qemu-gpiodev authors\n");
    printf("License: GPL-2.0-or-later\n");
    printf("This is free software: you are free to change and redistribute "
           "it.\nThere is NO WARRANTY, to the extent permitted by law.\n");
    exit(EXIT_SUCCESS);
}

/* Option values */

void parse_bias(const char *arg)
{
    if (strcmp(arg, "pull-up") && strcmp(arg, "pull-down") &&
        strcmp(arg, "disabled")) {
        die("invalid bias: %s", arg);
    }
}

void parse_drive(const char *arg)
{
    if (strcmp(arg, "push-pull") && strcmp(arg, "open-drain") &&
        strcmp(arg, "open-source")) {
        die("invalid drive: %s", arg);
    }
}

bool parse_period(const char *arg, uint64_t *us)
{
    static const struct {
        const char *suffix;
        uint64_t mul;
    } units[] = {
        { "", 1000 }, { "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
        { "m", 60000000 },
    };
    unsigned long long v;
    char *end;

    errno = 0;
    v = strtoull(arg, &end, 10);
    if (errno || (*arg == '-')) {
        return false;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (!strcmp(end, units[i].suffix)) {
            if (v > LLONG_MAX / units[i].mul) {
                return false;
            }
            *us = v * units[i].mul;
            return true;
        }
    }
    return false;
}

uint64_t parse_period_or_die(const char *arg)
{
    uint64_t us;

    if (!parse_period(arg, &us)) {
        die("invalid period: %s", arg);
    }
    return us;
}

bool parse_uint(const char *arg, unsigned int *value)
{
    unsigned long v;
    char *end;

    if (strchr(arg, '-')) {
        return false;
    }
    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno || *end || v > INT_MAX) {
        return false;
    }
    *value = v;
    return true;
}

unsigned int parse_uint_or_die(const char *arg)
{
    unsigned int v;

    if (!parse_uint(arg, &v)) {
        die("invalid number: '%s'", arg);
    }
    return v;
}

int parse_value(const char *word)
{
    static const char *const inactive[] = { "0", "inactive", "off", "false" };
    static const char *const active[] = { "1", "active", "on", "true" };

    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(word, inactive[i])) {
            return QGPIO_LINE_VALUE_INACTIVE;
        }
        if (!strcmp(word, active[i])) {
            return QGPIO_LINE_VALUE_ACTIVE;
        }
    }
    return -1;
}

void sleep_us(uint64_t us)
{
    struct timespec ts = {
        .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000,
    };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
        /* Sleep the rest. */
    }
}

/* Chips */

char *chip_id_path(const char *id)
{
    char name[64];

    if (strchr(id, '/')) {
        return strdup(id);
    }
    if (strspn(id, "0123456789") == strlen(id)) {
        snprintf(name, sizeof(name), "gpiochip%s", id);
        return qgpio_chip_path(name);
    }
    return qgpio_chip_path(id);
}

static struct chip *chip_wrap(struct qgpio_chip *qc)
{
    struct chip *c = calloc(1, sizeof(*c));
    size_t n;

    if (!c) {
        die("out of memory");
    }
    c->chip = qc;
    c->info = qgpio_chip_get_info(qc);
    c->name = qgpio_chip_info_get_name(c->info);
    c->path = qgpio_chip_get_path(qc);
    n = qgpio_chip_info_get_num_lines(c->info);
    c->names = calloc(n + 1, sizeof(*c->names));
    c->present = calloc(n + 1, sizeof(*c->present));
    if (!c->names || !c->present) {
        die("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        struct qgpio_line_info *li = qgpio_chip_get_line_info(qc, i);
        const char *name;

        if (!li) {
            die("unable to read the info of line %zu of chip '%s': %s", i,
                c->path, qgpio_strerror());
        }
        name = qgpio_line_info_get_name(li);
        c->names[i] = name ? strdup(name) : NULL;
        c->present[i] = qgpio_line_info_is_present(li);
        qgpio_line_info_free(li);
    }
    return c;
}

struct chip *chip_open_id(const char *id)
{
    char *path = chip_id_path(id);
    struct qgpio_chip *qc = qgpio_chip_open(path);

    free(path);
    if (!qc) {
        if (errno == EACCES) {
            /* The library says who refused: the socket, TLS, QEMU. */
            die("unable to open chip '%s': %s", id, qgpio_strerror());
        }
        return NULL;
    }
    return chip_wrap(qc);
}

static int socket_entry(const struct dirent *de)
{
    return de->d_name[0] != '.';
}

struct chip **chips_discover(size_t *n)
{
    char *dir = qgpio_socket_dir();
    struct dirent **entries;
    struct chip **chips;
    int count = scandir(dir, &entries, socket_entry, versionsort);

    *n = 0;
    if (count < 0) {
        free(dir);
        return calloc(1, sizeof(*chips));
    }
    chips = calloc(count + 1, sizeof(*chips));
    for (int i = 0; i < count; i++) {
        char *path = NULL;
        struct qgpio_chip *qc;
        struct stat st;

        if (asprintf(&path, "%s/%s", dir, entries[i]->d_name) < 0) {
            die("out of memory");
        }
        /* Sockets only, not links to them (as libgpiod skips links). */
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
            qc = qgpio_chip_open(path);
            if (qc) {
                chips[(*n)++] = chip_wrap(qc);
            } else if (errno != EACCES && errno != ECONNREFUSED) {
                /* A refused socket is one whose QEMU is gone. */
                warn("unable to open chip '%s': %s", path, strerror(errno));
            }
        }
        free(path);
        free(entries[i]);
    }
    free(entries);
    free(dir);
    return chips;
}

void chip_close(struct chip *c)
{
    size_t n;

    if (!c) {
        return;
    }
    n = qgpio_chip_info_get_num_lines(c->info);
    for (size_t i = 0; i < n; i++) {
        free(c->names[i]);
    }
    free(c->names);
    free(c->present);
    qgpio_chip_info_free(c->info);
    qgpio_chip_close(c->chip);
    free(c);
}

void chips_free(struct chip **chips, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        chip_close(chips[i]);
    }
    free(chips);
}

struct chip **chips_for(const char *chip_id, size_t *n)
{
    struct chip **chips;

    if (!chip_id) {
        return chips_discover(n);
    }
    chips = calloc(2, sizeof(*chips));
    chips[0] = chip_open_id(chip_id);
    if (!chips[0]) {
        die("cannot find GPIO chip character device '%s'", chip_id);
    }
    *n = 1;
    return chips;
}

/* Lines */

void resolve_lines(struct chip **chips, size_t nchips,
                   struct line_ref *refs, size_t n,
                   const struct resolve_opts *opts)
{
    bool failed = false;

    for (size_t i = 0; i < n; i++) {
        unsigned int num;

        refs[i].resolved = false;
        refs[i].by_offset = false;
        if (opts->chip_id && !opts->by_name && nchips &&
            parse_uint(refs[i].id, &num) &&
            num < qgpio_chip_info_get_num_lines(chips[0]->info)) {
            refs[i] = (struct line_ref) {
                .id = refs[i].id, .chip = chips[0], .offset = num,
                .resolved = true, .by_offset = true,
            };
        }
    }
    for (size_t c = 0; c < nchips; c++) {
        size_t lines = qgpio_chip_info_get_num_lines(chips[c]->info);

        for (unsigned int o = 0; o < lines; o++) {
            const char *name = chips[c]->names[o];

            if (!name) {
                continue;
            }
            for (size_t i = 0; i < n; i++) {
                if (strcmp(name, refs[i].id)) {
                    continue;
                }
                if (!refs[i].resolved) {
                    refs[i].chip = chips[c];
                    refs[i].offset = o;
                    refs[i].resolved = true;
                } else if (opts->strict &&
                           (refs[i].chip != chips[c] || refs[i].offset != o)) {
                    die("line '%s' is not unique", refs[i].id);
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        unsigned int num;

        if (!refs[i].resolved) {
            if (opts->chip_id && !opts->by_name &&
                parse_uint(refs[i].id, &num)) {
                warn("offset %s is out of range on chip '%s'", refs[i].id,
                     opts->chip_id);
            } else {
                warn("cannot find line '%s'", refs[i].id);
            }
            failed = true;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (refs[j].resolved && refs[j].chip == refs[i].chip &&
                refs[j].offset == refs[i].offset) {
                warn("lines '%s' and '%s' are the same line", refs[j].id,
                     refs[i].id);
                failed = true;
                break;
            }
        }
    }
    if (failed) {
        exit(EXIT_FAILURE);
    }
}

/* Output */

void print_quoted_or_not(const char *s, bool unquoted)
{
    printf(unquoted ? "%s" : "\"%s\"", s);
}

void print_timestamp(uint64_t ns, char format)
{
    time_t secs = ns / 1000000000;
    unsigned long frac = ns % 1000000000;
    struct tm tm;
    char buf[64];

    if (format == 'S') {
        printf("%lu.%09lu", (unsigned long)secs, frac);
        return;
    }
    if (format == 'U') {
        gmtime_r(&secs, &tm);
    } else {
        localtime_r(&secs, &tm);
    }
    strftime(buf, sizeof(buf), "%FT%T", &tm);
    printf("%s.%09lu%s", buf, frac, format == 'U' ? "Z" : "");
}

void print_banner(const char *verb, char **ids, size_t n)
{
    if (n == 1) {
        printf("%s line '%s'...\n", verb, ids[0]);
        return;
    }
    printf("%s lines ", verb);
    for (size_t i = 0; i + 1 < n; i++) {
        printf("'%s', ", ids[i]);
    }
    printf("and '%s'...\n", ids[n - 1]);
}

void print_line_attributes(struct qgpio_line_info *li, bool unquoted)
{
    static const char *const bias[] = {
        [QGPIO_LINE_BIAS_DISABLED] = "disabled",
        [QGPIO_LINE_BIAS_PULL_UP] = "pull-up",
        [QGPIO_LINE_BIAS_PULL_DOWN] = "pull-down",
    };
    enum qgpio_line_interrupt irq = qgpio_line_info_get_interrupt(li);
    enum qgpio_line_bias b = qgpio_line_info_get_bias(li);
    const char *consumer = qgpio_line_info_get_consumer(li);

    printf("%s", qgpio_line_info_get_direction(li) ==
           QGPIO_LINE_DIRECTION_OUTPUT ? "output" : "input");
    switch (qgpio_line_info_get_drive(li)) {
    case QGPIO_LINE_DRIVE_OPEN_DRAIN:
        printf(" drive=open-drain");
        break;
    case QGPIO_LINE_DRIVE_OPEN_SOURCE:
        printf(" drive=open-source");
        break;
    default:
        break;
    }
    if (b != QGPIO_LINE_BIAS_UNKNOWN) {
        printf(" bias=%s", bias[b]);
    }
    if (irq == QGPIO_LINE_INTERRUPT_RISING) {
        printf(" edges=rising");
    } else if (irq == QGPIO_LINE_INTERRUPT_FALLING) {
        printf(" edges=falling");
    } else if (irq == QGPIO_LINE_INTERRUPT_BOTH) {
        printf(" edges=both");
    }
    /* A gap in the numbering is reserved, as the kernel's lines are. */
    if (!consumer && !qgpio_line_info_is_present(li)) {
        consumer = "kernel";
    }
    if (consumer) {
        printf(" consumer=");
        print_quoted_or_not(consumer, unquoted);
    }
}

void print_line_identity(struct chip *c, unsigned int offset, bool with_chip,
                         bool unquoted)
{
    const char *name = c->names[offset];

    if (with_chip || !name) {
        printf("%s %u", c->name, offset);
        if (name) {
            putchar(' ');
        }
    }
    if (name) {
        print_quoted_or_not(name, unquoted);
    }
}

void check_present(struct line_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!refs[i].chip->present[refs[i].offset]) {
            die("unable to request lines on chip '%s': %s",
                refs[i].chip->path, strerror(EBUSY));
        }
    }
}

int poll_timeout(uint64_t us)
{
    uint64_t ms = (us + 999) / 1000;

    if (!us) {
        return -1;
    }
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

void print_format(const char *format, bool (*spec)(char c, void *opaque),
                  void *opaque)
{
    for (const char *p = format; *p; p++) {
        if (*p != '%' || !p[1]) {
            putchar(*p);
            continue;
        }
        p++;
        if (*p == '%') {
            putchar('%');
        } else if (!spec(*p, opaque)) {
            printf("%%%c", *p);
        }
    }
    putchar('\n');
}

bool print_line_spec(char c, struct chip *chip, unsigned int offset)
{
    switch (c) {
    case 'o':
        printf("%u", offset);
        return true;
    case 'l':
        printf("%s", chip->names[offset] ? chip->names[offset] : "unnamed");
        return true;
    case 'c':
        printf("%s", chip->name);
        return true;
    }
    return false;
}

struct qgpio_line_request *request_refs(struct chip *c,
                                        const struct line_ref *refs,
                                        size_t n,
                                        struct qgpio_line_settings *s,
                                        const enum qgpio_line_value *values,
                                        const char *consumer)
{
    struct qgpio_line_config *lc = qgpio_line_config_new();
    struct qgpio_request_config *rc = qgpio_request_config_new();
    struct qgpio_line_request *req = NULL;
    bool any = false;

    if (!lc || !rc) {
        die("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (refs[i].chip == c) {
            if (values) {
                qgpio_line_settings_set_output_value(s, values[i]);
            }
            if (qgpio_line_config_add_line_settings(lc, &refs[i].offset, 1,
                                                    s) < 0) {
                die("out of memory");
            }
            any = true;
        }
    }
    errno = 0;
    if (any) {
        /* An empty name is the server's to refuse: keep clientN. */
        if (consumer && *consumer &&
            qgpio_request_config_set_consumer(rc, consumer) < 0) {
            die("out of memory");
        }
        req = qgpio_chip_request_lines(c->chip, rc, lc);
    }
    qgpio_request_config_free(rc);
    qgpio_line_config_free(lc);
    return req;
}

bool wait_events(struct pollfd *pfds, size_t n,
                 bool (*pending)(size_t k, void *opaque), void *opaque,
                 uint64_t idle_us)
{
    for (;;) {
        int ret = 0;

        fflush(stdout);
        for (size_t k = 0; k < n; k++) {
            pfds[k].revents = pending(k, opaque) ? POLLIN : 0;
            ret += pfds[k].revents != 0;
        }
        if (!ret) {
            ret = poll(pfds, n, poll_timeout(idle_us));
        }
        if (ret < 0 && errno == EINTR) {
            continue;
        }
        if (ret < 0) {
            die("error polling for events: %s", strerror(errno));
        }
        return ret > 0;
    }
}

/* Whether @name (up to @len bytes) abbreviates @opt's name. */
static bool abbreviates(const struct option *opt, const char *name,
                        size_t len)
{
    return !strncmp(opt->name, name, len);
}

static bool is_extension(const char *name, const char *const *extensions)
{
    for (; *extensions; extensions++) {
        if (!strcmp(name, *extensions)) {
            return true;
        }
    }
    return false;
}

/* The long option that the abbreviation @arg must mean, or NULL. */
static const struct option *libgpiod_meaning(const char *arg,
                                             const struct option *longopts,
                                             const char *const *extensions)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    const struct option *found = NULL;
    bool extension_matched = false;

    for (const struct option *o = longopts; o->name; o++) {
        if (strlen(o->name) == len && abbreviates(o, name, len)) {
            return NULL;    /* exact: getopt needs no help */
        }
        if (!abbreviates(o, name, len)) {
            continue;
        }
        if (is_extension(o->name, extensions)) {
            extension_matched = true;
        } else if (found && found->val != o->val) {
            return NULL;    /* ambiguous in libgpiod too */
        } else {
            found = o;
        }
    }
    return extension_matched ? found : NULL;
}

/* Whether the word after @arg is @arg's option argument. */
static bool takes_next_word(const char *arg, const char *optstring,
                            const struct option *longopts)
{
    if (arg[1] == '-') {
        size_t len = strcspn(arg + 2, "=");

        if (arg[2 + len] == '=') {
            return false;
        }
        for (const struct option *o = longopts; o->name; o++) {
            if (!strncmp(o->name, arg + 2, len)) {
                return o->has_arg == required_argument;
            }
        }
        return false;
    }
    for (const char *c = arg + 1; *c; c++) {
        const char *spec = strchr(optstring, *c);

        if (spec && spec[1] == ':') {
            return !c[1];   /* an attached argument ends the cluster */
        }
    }
    return false;
}

void expand_libgpiod_abbreviations(int argc, char **argv,
                                   const char *optstring,
                                   const struct option *longopts,
                                   const char *const *extensions)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const struct option *o;

        if (arg[0] != '-' || !arg[1] || !strcmp(arg, "--")) {
            return;     /* options stop at the first non-option */
        }
        if (arg[1] == '-' &&
            (o = libgpiod_meaning(arg, longopts, extensions))) {
            const char *value = strchr(arg, '=');
            size_t size = strlen(o->name) + (value ? strlen(value) : 0) + 3;
            char *full = malloc(size);

            if (!full) {
                die("out of memory");
            }
            snprintf(full, size, "--%s%s", o->name, value ? value : "");
            /* Lives as long as argv: the program's whole run. */
            argv[i] = full;
            continue;
        }
        if (takes_next_word(arg, optstring, longopts)) {
            i++;
        }
    }
}

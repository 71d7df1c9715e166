// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio set: drive lines and hold them, as gpioset does. */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

struct setter {
    size_t n;
    struct line_ref *refs;
    enum qgpio_line_value *values;
    struct chip **chips;
    size_t nchips;
    /* One request per chip, NULL for chips with no line of ours. */
    struct qgpio_line_request **reqs;
    bool unquoted;
};

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] <line=value>...\n\n"
           "Drive GPIO lines from outside the machine, as a signal on the "
           "pins would, and\nhold them until the program ends.  Only lines "
           "the guest uses as inputs can\nbe driven; another client's "
           "lines are busy.\n\n"
           "Lines are specified by name, or optionally by offset if the "
           "chip option\nis provided.  Values may be '1', 'active', 'on', "
           "'true', '0', 'inactive',\n'off' or 'false'.  When the program "
           "ends, the lines keep the levels last set.\n\n"
           "Options:\n"
           "      --banner\t\tdisplay a banner on successful startup\n"
           "  -b, --bias <bias>\taccepted for compatibility and ignored: "
           "the guest sets pulls\n"
           "      --by-name\t\ttreat lines as names even if they would "
           "parse as an offset\n"
           "  -c, --chip <chip>\trestrict scope to a particular chip\n"
           "  -C, --consumer <name>\tconsumer name shown to others "
           "(default: gpioset)\n"
           "  -d, --drive <drive>\taccepted for compatibility and ignored: "
           "the guest sets drives\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "  -i, --interactive\tset the lines then wait for commands on "
           "standard input\n"
           "  -l, --active-low\ttreat the line as active low\n"
           "  -p, --hold-period <period>\n"
           "\t\t\tthe minimum time each value is held\n"
           "  -s, --strict\t\tabort if requested line names are not "
           "unique\n"
           "  -t, --toggle <period>[,period]...\n"
           "\t\t\ttoggle the lines after the periods, repeating; a final "
           "0\n\t\t\tends the sequence (and the program)\n"
           "      --unquoted\tdon't quote line names in interactive "
           "output\n"
           "  -v, --version\t\toutput version information and exit\n"
           "  -z, --daemonize\tset the lines then move to the background\n\n"
           "Chips:\n"
           "    A GPIO chip may be identified by number, name, or socket "
           "path.\n\n"
           "Periods:\n"
           "    Taken as milliseconds unless a unit is given: us, ms, s "
           "or m.\n\n"
           "Interactive commands: get [line]..., set <line=value>..., "
           "toggle [line]...,\nsleep <period>, help, exit.\n", prog);
    exit(EXIT_SUCCESS);
}

/* "id=value" or "\"id\"=value"; NULL on a malformed argument. */
static const char *split_line_value(char *arg, char **value)
{
    char *eq;

    if (arg[0] == '"') {
        eq = strstr(arg + 1, "\"=");
        if (!eq) {
            return NULL;
        }
        *eq = '\0';
        *value = eq + 2;
        return arg + 1;
    }
    eq = strchr(arg, '=');
    if (!eq) {
        return NULL;
    }
    *eq = '\0';
    *value = eq + 1;
    return arg;
}

/* Parse @arg into @ref and @value; the message of a failure, or NULL. */
static bool parse_line_value(char *arg, const char **id,
                             enum qgpio_line_value *value, char **bad)
{
    char *copy = strdup(arg), *v;
    int parsed;

    *id = split_line_value(arg, &v);
    if (!*id) {
        *bad = copy;
        return false;
    }
    parsed = parse_value(v);
    if (parsed < 0) {
        free(copy);
        *bad = strdup(v);
        return false;
    }
    free(copy);
    *value = parsed;
    return true;
}

static void apply(struct setter *st)
{
    for (size_t c = 0; c < st->nchips; c++) {
        unsigned int offsets[st->n];
        enum qgpio_line_value values[st->n];
        size_t k = 0;

        if (!st->reqs[c]) {
            continue;
        }
        for (size_t i = 0; i < st->n; i++) {
            if (st->refs[i].chip == st->chips[c]) {
                offsets[k] = st->refs[i].offset;
                values[k++] = st->values[i];
            }
        }
        if (qgpio_line_request_set_values_subset(st->reqs[c], k, offsets,
                                                 values) < 0) {
            warn("unable to set values on '%s': %s", st->chips[c]->name,
                 strerror(errno));
        }
    }
}

static void request_all(struct setter *st, const char *consumer,
                        bool active_low)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();

    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_OUTPUT);
    qgpio_line_settings_set_active_low(s, active_low);
    st->reqs = calloc(st->nchips, sizeof(*st->reqs));
    for (size_t c = 0; c < st->nchips; c++) {
        st->reqs[c] = request_refs(st->chips[c], st->refs, st->n, s,
                                   st->values, consumer);
        if (!st->reqs[c] && errno) {
            die("unable to request lines on chip '%s': %s",
                st->chips[c]->path, strerror(errno));
        }
    }
    qgpio_line_settings_free(s);
}

static void release_all(struct setter *st)
{
    for (size_t c = 0; c < st->nchips; c++) {
        qgpio_line_request_release(st->reqs[c]);
    }
    free(st->reqs);
}

/* Until a request's connection ends: QEMU has gone. */
static void wait_forever(struct setter *st)
{
    struct pollfd pfds[st->nchips];
    size_t n = 0;

    for (size_t c = 0; c < st->nchips; c++) {
        if (st->reqs[c]) {
            pfds[n++] = (struct pollfd) {
                .fd = qgpio_line_request_get_fd(st->reqs[c]),
                .events = POLLIN,
            };
        }
    }
    while (poll(pfds, n, -1) < 0 && errno == EINTR) {
        /* Wait on. */
    }
}

static void toggle_sequence(struct setter *st, uint64_t *periods,
                            size_t nperiods, uint64_t hold_us)
{
    if (nperiods == 1 && periods[0] == 0) {
        return;
    }
    for (size_t i = 0;;) {
        uint64_t p = periods[i];

        sleep_us(p < hold_us ? hold_us : p);
        for (size_t k = 0; k < st->n; k++) {
            st->values[k] = !st->values[k];
        }
        apply(st);
        i++;
        if (i == nperiods - 1 && periods[i] == 0) {
            return;
        }
        if (i == nperiods) {
            i = 0;
        }
    }
}

/* Interactive mode */

static size_t split_words(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (*p) {
        char *w;

        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            break;
        }
        w = p;
        if (*p == '"') {
            char *q = strchr(p + 1, '"');

            p = q ? q + 1 : p + strlen(p);
        }
        while (*p && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
        if (n < max) {
            words[n] = w;
        }
        n++;
    }
    return n;
}

/* The index of the line an interactive command names, or -1. */
static long find_id(struct setter *st, char *word)
{
    size_t len = strlen(word);

    if (word[0] == '"') {
        if (len < 2 || word[len - 1] != '"') {
            printf("invalid line id: '%s'\n", word);
            return -2;
        }
        word[len - 1] = '\0';
        word++;
    }
    for (size_t i = 0; i < st->n; i++) {
        if (!strcmp(st->refs[i].id, word)) {
            return i;
        }
    }
    printf("unknown line: '%s'\n", word);
    return -1;
}

/* Which lines the words name: all if none; false if any is unknown. */
static bool select_lines(struct setter *st, char **words, size_t n,
                         bool *selected)
{
    bool ok = true;

    for (size_t i = 0; i < st->n; i++) {
        selected[i] = n == 0;
    }
    for (size_t i = 0; i < n; i++) {
        long idx = find_id(st, words[i]);

        if (idx < 0) {
            ok = false;
        } else {
            selected[idx] = true;
        }
    }
    return ok;
}

static void print_value(struct setter *st, size_t i, bool first)
{
    printf("%s", first ? "" : " ");
    print_quoted_or_not(st->refs[i].id, st->unquoted);
    printf("=%s", st->values[i] ? "active" : "inactive");
}

static void interactive_get(struct setter *st, char **words, size_t n)
{
    long idx[n + 1];
    bool ok = true;

    for (size_t i = 0; i < n; i++) {
        idx[i] = find_id(st, words[i]);
        ok &= idx[i] >= 0;
    }
    if (!ok) {
        return;
    }
    for (size_t i = 0; i < (n ? n : st->n); i++) {
        print_value(st, n ? (size_t)idx[i] : i, i == 0);
    }
    putchar('\n');
}

static void interactive_set(struct setter *st, char **words, size_t n)
{
    enum qgpio_line_value values[st->n];
    bool ok = true;

    if (!n) {
        printf("at least one GPIO line value must be specified\n");
        return;
    }
    memcpy(values, st->values, sizeof(values));
    for (size_t i = 0; i < n; i++) {
        enum qgpio_line_value v;
        const char *id;
        char *bad;

        if (!parse_line_value(words[i], &id, &v, &bad)) {
            printf("invalid line value: '%s'\n", bad);
            free(bad);
            return;
        }
        for (size_t k = 0; k < st->n; k++) {
            if (!strcmp(st->refs[k].id, id)) {
                values[k] = v;
                break;
            }
            if (k == st->n - 1) {
                printf("unknown line: '%s'\n", id);
                ok = false;
            }
        }
    }
    if (ok) {
        memcpy(st->values, values, sizeof(values));
        apply(st);
    }
}

static void interactive_help(void)
{
    printf("COMMANDS:\n\n"
           "    exit\n"
           "        Exit the program, releasing the lines.\n\n"
           "    get [line]...\n"
           "        Display the values the lines are set to (all lines "
           "if none given).\n\n"
           "    help\n"
           "        Print this help.\n\n"
           "    set <line=value>...\n"
           "        Set the values of lines.\n\n"
           "    sleep <period>\n"
           "        Wait for the period.\n\n"
           "    toggle [line]...\n"
           "        Toggle the values of lines (all lines if none "
           "given).\n");
}

static void interactive(struct setter *st)
{
    char *line = NULL;
    size_t cap = 0;

    for (;;) {
        char *words[st->n + 2];
        bool selected[st->n];
        size_t n;

        printf("gpioset> ");
        fflush(stdout);
        if (getline(&line, &cap, stdin) < 0) {
            break;
        }
        line[strcspn(line, "\n")] = '\0';
        n = split_words(line, words, st->n + 2);
        if (!n) {
            continue;
        }
        if (n > st->n + 1) {
            printf("too many command parameters provided\n");
            continue;
        }
        if (!strcmp(words[0], "exit")) {
            break;
        } else if (!strcmp(words[0], "get")) {
            interactive_get(st, words + 1, n - 1);
        } else if (!strcmp(words[0], "set")) {
            interactive_set(st, words + 1, n - 1);
        } else if (!strcmp(words[0], "toggle")) {
            if (select_lines(st, words + 1, n - 1, selected)) {
                for (size_t i = 0; i < st->n; i++) {
                    st->values[i] ^= selected[i];
                }
                apply(st);
            }
        } else if (!strcmp(words[0], "sleep")) {
            uint64_t us;

            if (n == 1) {
                printf("a period must be specified\n");
            } else if (n > 2) {
                printf("only one period can be specified\n");
            } else if (!parse_period(words[1], &us)) {
                printf("invalid period: '%s'\n", words[1]);
            } else {
                sleep_us(us);
            }
        } else if (!strcmp(words[0], "help")) {
            interactive_help();
        } else {
            printf("unknown command: '%s'\nTry the 'help' command\n",
                   words[0]);
        }
    }
    free(line);
}

static size_t parse_toggles(const char *arg, uint64_t **periods)
{
    char *copy = strdup(arg), *tok, *p = copy;
    size_t n = 0;

    *periods = calloc(strlen(arg) + 1, sizeof(**periods));
    /* strsep, not strtok: an empty element is a 0. */
    while ((tok = strsep(&p, ",")) != NULL) {
        if (!parse_period(tok, &(*periods)[n])) {
            die("invalid period: %s", tok);
        }
        n++;
    }
    free(copy);
    return n;
}

int cmd_set(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "active-low", no_argument, NULL, 'l' },
        { "banner", no_argument, NULL, 'N' },
        { "bias", required_argument, NULL, 'b' },
        { "by-name", no_argument, NULL, 'B' },
        { "chip", required_argument, NULL, 'c' },
        { "consumer", required_argument, NULL, 'C' },
        { "daemonize", no_argument, NULL, 'z' },
        { "drive", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { "hold-period", required_argument, NULL, 'p' },
        { "interactive", no_argument, NULL, 'i' },
        { "strict", no_argument, NULL, 's' },
        { "toggle", required_argument, NULL, 't' },
        { "unquoted", no_argument, NULL, 'Q' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    struct resolve_opts ropts = { 0 };
    struct setter st = { 0 };
    bool active_low = false, banner = false, daemonize = false;
    bool interact = false;
    const char *consumer = "gpioset";
    uint64_t hold_us = 0, *toggles = NULL;
    size_t ntoggles = 0;
    char **ids;
    int opt;

    while ((opt = getopt_long(argc, argv, "+b:c:C:d:hilp:st:vz", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'b':
            parse_bias(optarg);
            break;
        case 'B':
            ropts.by_name = true;
            break;
        case 'c':
            ropts.chip_id = optarg;
            break;
        case 'C':
            consumer = optarg;
            break;
        case 'd':
            parse_drive(optarg);
            break;
        case 'h':
            usage();
        case 'i':
            interact = true;
            break;
        case 'l':
            active_low = true;
            break;
        case 'N':
            banner = true;
            break;
        case 'p':
            hold_us = parse_period_or_die(optarg);
            break;
        case 's':
            ropts.strict = true;
            break;
        case 't':
            free(toggles);
            ntoggles = parse_toggles(optarg, &toggles);
            break;
        case 'Q':
            st.unquoted = true;
            break;
        case 'v':
            print_version();
        case 'z':
            daemonize = true;
            break;
        default:
            die_usage();
        }
    }
    if (interact && ntoggles) {
        die("can't combine interactive with toggle");
    }
    if (optind == argc) {
        die("at least one GPIO line value must be specified");
    }
    st.n = argc - optind;
    st.refs = calloc(st.n, sizeof(*st.refs));
    st.values = calloc(st.n, sizeof(*st.values));
    ids = calloc(st.n, sizeof(*ids));
    for (size_t i = 0; i < st.n; i++) {
        char *bad;

        if (!parse_line_value(argv[optind + i], &st.refs[i].id,
                              &st.values[i], &bad)) {
            die("invalid line value: '%s'", bad);
        }
        ids[i] = (char *)st.refs[i].id;
    }
    st.chips = chips_for(ropts.chip_id, &st.nchips);
    resolve_lines(st.chips, st.nchips, st.refs, st.n, &ropts);
    request_all(&st, consumer, active_low);

    if (banner) {
        print_banner("Setting", ids, st.n);
    }
    fflush(stdout);
    if (daemonize && daemon(0, interact) < 0) {
        die("unable to daemonize: %s", strerror(errno));
    }
    if (ntoggles) {
        toggle_sequence(&st, toggles, ntoggles, hold_us);
    }
    if (hold_us) {
        sleep_us(hold_us);
    }
    if (interact) {
        interactive(&st);
    } else if (!ntoggles) {
        wait_forever(&st);
    }

    release_all(&st);
    chips_free(st.chips, st.nchips);
    free(st.refs);
    free(st.values);
    free(ids);
    free(toggles);
    return EXIT_SUCCESS;
}

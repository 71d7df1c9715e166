// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio notify: watch lines' info for changes, as gpionotify does. */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MAX_LINES 64

struct notify {
    bool with_chip, unquoted, quiet;
    const char *format;
    char ts_format;     /* 0: raw guest time; 'U'/'L': host time */
    int filter;         /* an info event type, or 0 for all */
};

static const char *const event_names[] = {
    [QGPIO_INFO_EVENT_LINE_REQUESTED] = "requested",
    [QGPIO_INFO_EVENT_LINE_RELEASED] = "released",
    [QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED] = "reconfigured",
};

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] <line>...\n\n"
           "Wait for changes to the info of GPIO lines and print them: a "
           "client starting\n(requested) or stopping (released) to drive "
           "a line, or the guest changing its\nconfiguration "
           "(reconfigured).\n\n"
           "Lines are specified by name, or optionally by offset if the "
           "chip option\nis provided.\n\n"
           "Options:\n"
           "      --banner\t\tdisplay a banner on successful startup\n"
           "      --by-name\t\ttreat lines as names even if they would "
           "parse as an offset\n"
           "  -c, --chip <chip>\trestrict scope to a particular chip\n"
           "  -e, --event <event>\tevent to watch: requested, released or "
           "reconfigured\n\t\t\t(default: all)\n"
           "  -F, --format <fmt>\tformat event output using specifiers\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "      --idle-timeout <period>\n"
           "\t\t\texit gracefully if no events occur for the period "
           "(host time)\n"
           "      --localtime\tprint the host's time of events, as local "
           "time\n"
           "  -n, --num-events <num>\n"
           "\t\t\texit after processing num events\n"
           "  -q, --quiet\t\tdon't generate any output\n"
           "  -s, --strict\t\tabort if requested line names are not "
           "unique\n"
           "      --unquoted\tdon't quote line or consumer names\n"
           "      --utc\t\tprint the host's time of events, as UTC\n"
           "  -v, --version\t\toutput version information and exit\n\n"
           "Without --utc or --localtime, timestamps are the machine's "
           "virtual time.\n\n"
           "Chips:\n"
           "    A GPIO chip may be identified by number, name, or socket "
           "path.\n\n"
           "Periods:\n"
           "    Taken as milliseconds unless a unit is given: us, ms, s "
           "or m.\n\n"
           "Format specifiers:\n"
           "  %%o   GPIO line offset\n"
           "  %%l   GPIO line name\n"
           "  %%c   GPIO chip name\n"
           "  %%e   numeric info event type ('1' - requested, '2' - "
           "released or '3' - reconfigured)\n"
           "  %%E   info event type ('requested', 'released' or "
           "'reconfigured')\n"
           "  %%a   line attributes\n"
           "  %%C   consumer\n"
           "  %%S   event timestamp (virtual time) as seconds\n"
           "  %%U   event timestamp (host time) as UTC\n"
           "  %%L   event timestamp (host time) as local time\n", prog);
    exit(EXIT_SUCCESS);
}

struct info_spec {
    struct notify *nt;
    struct chip *chip;
    struct qgpio_info_event *ev;
};

static bool print_info_spec(char c, void *opaque)
{
    struct info_spec *i = opaque;
    struct qgpio_line_info *li = qgpio_info_event_get_line_info(i->ev);
    enum qgpio_info_event_type type = qgpio_info_event_get_event_type(i->ev);
    const char *consumer = qgpio_line_info_get_consumer(li);

    switch (c) {
    case 'e':
        printf("%d", type);
        return true;
    case 'E':
        printf("%s", event_names[type]);
        return true;
    case 'a':
        print_line_attributes(li, i->nt->unquoted);
        return true;
    case 'C':
        printf("%s", consumer ? consumer : "unused");
        return true;
    case 'S':
        print_timestamp(qgpio_info_event_get_timestamp_ns(i->ev), 'S');
        return true;
    case 'U':
    case 'L':
        print_timestamp(qgpio_info_event_get_realtime_ns(i->ev), c);
        return true;
    }
    return print_line_spec(c, i->chip, qgpio_line_info_get_offset(li));
}

static void print_event(struct notify *nt, struct chip *c,
                        struct qgpio_info_event *ev)
{
    struct qgpio_line_info *li = qgpio_info_event_get_line_info(ev);
    enum qgpio_info_event_type type = qgpio_info_event_get_event_type(ev);
    unsigned int offset = qgpio_line_info_get_offset(li);

    if (!nt->format) {
        if (nt->ts_format) {
            print_timestamp(qgpio_info_event_get_realtime_ns(ev),
                            nt->ts_format);
        } else {
            print_timestamp(qgpio_info_event_get_timestamp_ns(ev), 'S');
        }
        printf("\t%s\t", event_names[type]);
        print_line_identity(c, offset, nt->with_chip, nt->unquoted);
        putchar('\n');
        return;
    }
    print_format(nt->format, print_info_spec, &(struct info_spec) {
        .nt = nt, .chip = c, .ev = ev,
    });
}

struct pending {
    struct chip **chips;
    size_t *which;
};

static bool info_pending(size_t k, void *opaque)
{
    struct pending *p = opaque;

    return qgpio_chip_wait_info_event(p->chips[p->which[k]]->chip, 0) > 0;
}

static int run(struct notify *nt, struct chip **chips, bool *watching,
               size_t nchips, uint64_t idle_us, unsigned int max_events)
{
    struct pollfd pfds[nchips];
    size_t which[nchips];
    size_t npfds = 0;
    unsigned int count = 0;

    for (size_t c = 0; c < nchips; c++) {
        if (watching[c]) {
            pfds[npfds] = (struct pollfd) {
                .fd = qgpio_chip_get_fd(chips[c]->chip), .events = POLLIN,
            };
            which[npfds++] = c;
        }
    }
    for (;;) {
        struct pending p = { chips, which };

        if (!wait_events(pfds, npfds, info_pending, &p, idle_us)) {
            return EXIT_SUCCESS;
        }
        for (size_t k = 0; k < npfds; k++) {
            struct chip *c = chips[which[k]];
            struct qgpio_info_event *ev;

            if (!pfds[k].revents) {
                continue;
            }
            ev = qgpio_chip_read_info_event(c->chip);
            if (!ev) {
                die("unable to retrieve chip event: %s", strerror(errno));
            }
            if (nt->filter &&
                (int)qgpio_info_event_get_event_type(ev) != nt->filter) {
                qgpio_info_event_free(ev);
                continue;
            }
            if (!nt->quiet) {
                print_event(nt, c, ev);
            }
            qgpio_info_event_free(ev);
            if (max_events && ++count >= max_events) {
                return EXIT_SUCCESS;
            }
        }
    }
}

int cmd_notify(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "banner", no_argument, NULL, 'N' },
        { "by-name", no_argument, NULL, 'B' },
        { "chip", required_argument, NULL, 'c' },
        { "event", required_argument, NULL, 'e' },
        { "format", required_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { "idle-timeout", required_argument, NULL, 'I' },
        { "localtime", no_argument, NULL, 'T' },
        { "num-events", required_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { "silent", no_argument, NULL, 'q' },
        { "strict", no_argument, NULL, 's' },
        { "unquoted", no_argument, NULL, 'Q' },
        { "utc", no_argument, NULL, 'U' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    struct resolve_opts ropts = { 0 };
    struct notify nt = { 0 };
    struct line_ref *refs;
    struct chip **chips;
    bool banner = false, *watching;
    uint64_t idle_us = 0;
    unsigned int max_events = 0;
    size_t n, nchips;
    char **ids;
    int opt, status;

    while ((opt = getopt_long(argc, argv, "+c:e:F:hn:qsv", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'B':
            ropts.by_name = true;
            break;
        case 'c':
            ropts.chip_id = optarg;
            break;
        case 'e':
            nt.filter = 0;
            for (int t = QGPIO_INFO_EVENT_LINE_REQUESTED;
                 t <= QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED; t++) {
                if (!strcmp(optarg, event_names[t])) {
                    nt.filter = t;
                }
            }
            if (!nt.filter) {
                die("invalid edge: %s", optarg);
            }
            break;
        case 'F':
            nt.format = optarg;
            break;
        case 'h':
            usage();
        case 'I':
            idle_us = parse_period_or_die(optarg);
            break;
        case 'n':
            max_events = parse_uint_or_die(optarg);
            break;
        case 'N':
            banner = true;
            break;
        case 'q':
            nt.quiet = true;
            break;
        case 's':
            ropts.strict = true;
            break;
        case 'Q':
            nt.unquoted = true;
            break;
        case 'T':
            nt.ts_format = 'L';
            break;
        case 'U':
            nt.ts_format = 'U';
            break;
        case 'v':
            print_version();
        default:
            die_usage();
        }
    }
    if (optind == argc) {
        die("at least one GPIO line must be specified");
    }
    n = argc - optind;
    if (n > MAX_LINES) {
        die("too many lines given");
    }
    refs = calloc(n, sizeof(*refs));
    ids = calloc(n, sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        refs[i].id = ids[i] = argv[optind + i];
    }
    chips = chips_for(ropts.chip_id, &nchips);
    nt.with_chip = ropts.chip_id != NULL;
    resolve_lines(chips, nchips, refs, n, &ropts);

    watching = calloc(nchips + 1, sizeof(*watching));
    for (size_t i = 0; i < n; i++) {
        struct qgpio_line_info *li =
            qgpio_chip_watch_line_info(refs[i].chip->chip, refs[i].offset);

        if (!li) {
            die("unable to watch line on chip '%s': %s",
                refs[i].chip->path, strerror(errno));
        }
        qgpio_line_info_free(li);
        for (size_t c = 0; c < nchips; c++) {
            watching[c] |= chips[c] == refs[i].chip;
        }
    }
    if (banner) {
        print_banner("Watching", ids, n);
    }
    status = run(&nt, chips, watching, nchips, idle_us, max_events);

    free(watching);
    chips_free(chips, nchips);
    free(refs);
    free(ids);
    return status;
}

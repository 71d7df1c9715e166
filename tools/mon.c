// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio mon: wait for edges, as gpiomon does, and record them. */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MAX_LINES 64
#define EVENTS_PER_READ 32

struct mon {
    struct line_ref *refs;
    size_t n;
    struct chip **chips;
    size_t nchips;
    struct qgpio_line_request **reqs;
    bool with_chip, unquoted, quiet;
    const char *format;
    char ts_format;         /* 'S' raw, 'U' UTC, 'L' local */
    FILE *vcd;
    uint64_t vcd_time;
    bool vcd_started;
};

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] <line>...\n\n"
           "Wait for edges on GPIO lines and print them: the guest "
           "driving its outputs, or\nanother client driving the machine's "
           "inputs.  Monitoring holds no line.\n\n"
           "Lines are specified by name, or optionally by offset if the "
           "chip option\nis provided.\n\n"
           "Options:\n"
           "      --banner\t\tdisplay a banner on successful startup\n"
           "  -b, --bias <bias>\taccepted for compatibility and ignored: "
           "the guest sets pulls\n"
           "      --by-name\t\ttreat lines as names even if they would "
           "parse as an offset\n"
           "  -c, --chip <chip>\trestrict scope to a particular chip\n"
           "  -C, --consumer <name>\taccepted for compatibility: "
           "monitoring holds no line\n"
           "  -e, --edges <edges>\tedges to watch: rising, falling or both "
           "(default)\n"
           "  -E, --event-clock <clock>\n"
           "\t\t\tmonotonic: the machine's virtual time (default);\n"
           "\t\t\trealtime: the host's clock; hte: not available\n"
           "  -F, --format <fmt>\tformat event output using specifiers\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "      --idle-timeout <period>\n"
           "\t\t\texit gracefully if no events occur for the period "
           "(host time)\n"
           "  -l, --active-low\ttreat the line as active low, flipping "
           "edge polarity\n"
           "      --localtime\tformat event timestamps as local time\n"
           "  -n, --num-events <num>\n"
           "\t\t\texit after processing num events\n"
           "  -p, --debounce-period <period>\n"
           "\t\t\tnot available: gpiodev reports every edge, so only 0 "
           "is\n\t\t\taccepted\n"
           "  -q, --quiet\t\tdon't generate any output\n"
           "  -s, --strict\t\tabort if requested line names are not "
           "unique\n"
           "      --unquoted\tdon't quote line or consumer names\n"
           "      --utc\t\tformat event timestamps as UTC\n"
           "  -v, --version\t\toutput version information and exit\n"
           "      --vcd <file>\talso write every edge to a Value Change "
           "Dump file, in\n\t\t\tthe machine's virtual time (GTKWave, "
           "PulseView, Surfer)\n\n"
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
           "  %%e   numeric edge event type ('1' - rising or '2' - "
           "falling)\n"
           "  %%E   edge event type ('rising' or 'falling')\n"
           "  %%S   event timestamp as seconds\n"
           "  %%U   event timestamp as UTC\n"
           "  %%L   event timestamp as local time\n", prog);
    exit(EXIT_SUCCESS);
}

/* VCD identifiers: printable characters, base 94. */
static void vcd_id(char *buf, size_t i)
{
    do {
        *buf++ = '!' + i % 94;
        i /= 94;
    } while (i);
    *buf = '\0';
}

static void vcd_header(struct mon *m)
{
    char id[8];

    fprintf(m->vcd, "$comment qemu-gpio mon: edges in the machine's "
            "virtual time $end\n$timescale 1 ns $end\n");
    for (size_t c = 0; c < m->nchips; c++) {
        if (!m->reqs[c]) {
            continue;
        }
        fprintf(m->vcd, "$scope module %s $end\n", m->chips[c]->name);
        for (size_t i = 0; i < m->n; i++) {
            const char *name;

            if (m->refs[i].chip != m->chips[c]) {
                continue;
            }
            name = m->chips[c]->names[m->refs[i].offset];
            vcd_id(id, i);
            if (name) {
                fprintf(m->vcd, "$var wire 1 %s %s $end\n", id, name);
            } else {
                fprintf(m->vcd, "$var wire 1 %s line%u $end\n", id,
                        m->refs[i].offset);
            }
        }
        fprintf(m->vcd, "$upscope $end\n");
    }
    fprintf(m->vcd, "$enddefinitions $end\n");
}

static void vcd_initial(struct mon *m, size_t i, enum qgpio_line_value v)
{
    char id[8];

    if (!m->vcd_started) {
        fprintf(m->vcd, "#0\n$dumpvars\n");
        m->vcd_started = true;
    }
    vcd_id(id, i);
    fprintf(m->vcd, "%d%s\n", v, id);
}

static void vcd_change(struct mon *m, size_t i, uint64_t ns, bool value)
{
    char id[8];

    if (ns != m->vcd_time) {
        fprintf(m->vcd, "#%llu\n", (unsigned long long)ns);
        m->vcd_time = ns;
    }
    vcd_id(id, i);
    fprintf(m->vcd, "%d%s\n", value, id);
}

struct edge_spec {
    struct chip *chip;
    struct qgpio_edge_event *ev;
};

static bool print_edge_spec(char c, void *opaque)
{
    struct edge_spec *e = opaque;
    unsigned int offset = qgpio_edge_event_get_line_offset(e->ev);
    bool rising = qgpio_edge_event_get_event_type(e->ev) ==
                  QGPIO_EDGE_EVENT_RISING_EDGE;

    switch (c) {
    case 'e':
        printf("%d", rising ? 1 : 2);
        return true;
    case 'E':
        printf("%s", rising ? "rising" : "falling");
        return true;
    case 'S':
    case 'U':
    case 'L':
        print_timestamp(qgpio_edge_event_get_timestamp_ns(e->ev), c);
        return true;
    }
    return print_line_spec(c, e->chip, offset);
}

static void handle_event(struct mon *m, struct chip *c,
                         struct qgpio_edge_event *ev)
{
    unsigned int offset = qgpio_edge_event_get_line_offset(ev);
    bool rising = qgpio_edge_event_get_event_type(ev) ==
                  QGPIO_EDGE_EVENT_RISING_EDGE;

    if (m->vcd) {
        for (size_t i = 0; i < m->n; i++) {
            if (m->refs[i].chip == c && m->refs[i].offset == offset) {
                vcd_change(m, i, qgpio_edge_event_get_timestamp_ns(ev),
                           rising);
            }
        }
    }
    if (m->quiet) {
        return;
    }
    if (m->format) {
        print_format(m->format, print_edge_spec,
                     &(struct edge_spec) { .chip = c, .ev = ev });
        return;
    }
    print_timestamp(qgpio_edge_event_get_timestamp_ns(ev), m->ts_format);
    printf("\t%s\t", rising ? "rising" : "falling");
    print_line_identity(c, offset, m->with_chip, m->unquoted);
    putchar('\n');
}

static void request_all(struct mon *m, enum qgpio_line_edge edge,
                        enum qgpio_line_clock clock, bool active_low)
{
    struct qgpio_line_settings *s = qgpio_line_settings_new();

    qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_INPUT);
    qgpio_line_settings_set_edge_detection(s, edge);
    qgpio_line_settings_set_event_clock(s, clock);
    qgpio_line_settings_set_active_low(s, active_low);
    m->reqs = calloc(m->nchips, sizeof(*m->reqs));
    for (size_t c = 0; c < m->nchips; c++) {
        m->reqs[c] = request_refs(m->chips[c], m->refs, m->n, s, NULL, NULL);
        if (!m->reqs[c] && errno) {
            die("unable to request lines on chip %s: %s",
                m->chips[c]->path, strerror(errno));
        }
    }
    qgpio_line_settings_free(s);
}

/* Dump the lines' levels at the start of the recording. */
static void vcd_start(struct mon *m)
{
    vcd_header(m);
    for (size_t i = 0; i < m->n; i++) {
        size_t c = 0;
        enum qgpio_line_value v;

        while (m->chips[c] != m->refs[i].chip) {
            c++;
        }
        v = qgpio_line_request_get_value(m->reqs[c], m->refs[i].offset);
        if (v == QGPIO_LINE_VALUE_ERROR) {
            die("unable to read GPIO line values: %s", strerror(errno));
        }
        vcd_initial(m, i, v);
    }
    fprintf(m->vcd, "$end\n");
    fflush(m->vcd);
}

struct pending {
    struct mon *m;
    size_t *which;
};

static bool edges_pending(size_t k, void *opaque)
{
    struct pending *p = opaque;

    return qgpio_line_request_wait_edge_events(p->m->reqs[p->which[k]],
                                               0) > 0;
}

static int run(struct mon *m, uint64_t idle_us, unsigned int max_events)
{
    struct qgpio_edge_event_buffer *buf =
        qgpio_edge_event_buffer_new(EVENTS_PER_READ);
    struct pollfd pfds[m->nchips];
    size_t which[m->nchips];
    size_t npfds = 0;
    unsigned int count = 0;

    for (size_t c = 0; c < m->nchips; c++) {
        if (m->reqs[c]) {
            pfds[npfds] = (struct pollfd) {
                .fd = qgpio_line_request_get_fd(m->reqs[c]),
                .events = POLLIN,
            };
            which[npfds++] = c;
        }
    }
    for (;;) {
        struct pending p = { m, which };

        if (m->vcd) {
            fflush(m->vcd);
        }
        if (!wait_events(pfds, npfds, edges_pending, &p, idle_us)) {
            break;
        }
        for (size_t k = 0; k < npfds; k++) {
            size_t c = which[k];
            int n;

            if (!pfds[k].revents) {
                continue;
            }
            n = qgpio_line_request_read_edge_events(m->reqs[c], buf,
                                                    EVENTS_PER_READ);
            if (n < 0) {
                die("error reading line events: %s", strerror(errno));
            }
            for (int i = 0; i < n; i++) {
                handle_event(m, m->chips[c],
                             qgpio_edge_event_buffer_get_event(buf, i));
                if (max_events && ++count >= max_events) {
                    qgpio_edge_event_buffer_free(buf);
                    return EXIT_SUCCESS;
                }
            }
        }
    }
    qgpio_edge_event_buffer_free(buf);
    return EXIT_SUCCESS;
}

int cmd_mon(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "active-low", no_argument, NULL, 'l' },
        { "banner", no_argument, NULL, 'N' },
        { "bias", required_argument, NULL, 'b' },
        { "by-name", no_argument, NULL, 'B' },
        { "chip", required_argument, NULL, 'c' },
        { "consumer", required_argument, NULL, 'C' },
        { "debounce-period", required_argument, NULL, 'p' },
        { "edges", required_argument, NULL, 'e' },
        { "event-clock", required_argument, NULL, 'E' },
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
        { "vcd", required_argument, NULL, 'V' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    struct resolve_opts ropts = { 0 };
    struct mon m = { 0 };
    enum qgpio_line_edge edge = QGPIO_LINE_EDGE_BOTH;
    const char *clock_arg = NULL, *vcd_path = NULL;
    char time_format = 0;
    bool active_low = false, banner = false, hte;
    enum qgpio_line_clock clock;
    uint64_t idle_us = 0, debounce_us = 0;
    unsigned int max_events = 0;
    char **ids;
    int opt, status;

    static const char *const extensions[] = { "vcd", NULL };
    static const char optstring[] = "+b:c:C:e:E:F:hln:p:qsv";

    expand_libgpiod_abbreviations(argc, argv, optstring, longopts,
                                  extensions);
    while ((opt = getopt_long(argc, argv, optstring,
                              longopts, NULL)) != -1) {
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
            break;
        case 'e':
            if (!strcmp(optarg, "rising")) {
                edge = QGPIO_LINE_EDGE_RISING;
            } else if (!strcmp(optarg, "falling")) {
                edge = QGPIO_LINE_EDGE_FALLING;
            } else if (!strcmp(optarg, "both")) {
                edge = QGPIO_LINE_EDGE_BOTH;
            } else {
                die("invalid edges: %s", optarg);
            }
            break;
        case 'E':
            if (strcmp(optarg, "monotonic") && strcmp(optarg, "realtime") &&
                strcmp(optarg, "hte")) {
                die("invalid event clock: %s", optarg);
            }
            clock_arg = optarg;
            break;
        case 'F':
            m.format = optarg;
            break;
        case 'h':
            usage();
        case 'I':
            idle_us = parse_period_or_die(optarg);
            break;
        case 'l':
            active_low = true;
            break;
        case 'n':
            max_events = parse_uint_or_die(optarg);
            break;
        case 'N':
            banner = true;
            break;
        case 'p':
            debounce_us = parse_period_or_die(optarg);
            if (debounce_us > 4294967295ull) {
                die("maximum debounce period is 4294967295us, got %lluus",
                    (unsigned long long)debounce_us);
            }
            break;
        case 'q':
            m.quiet = true;
            break;
        case 's':
            ropts.strict = true;
            break;
        case 'Q':
            m.unquoted = true;
            break;
        case 'T':
            time_format = 'L';
            break;
        case 'U':
            time_format = 'U';
            break;
        case 'V':
            vcd_path = optarg;
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
    m.n = argc - optind;
    if (m.n > MAX_LINES) {
        die("too many lines given");
    }

    /* The clock and the timestamp format, as gpiomon chooses them. */
    hte = clock_arg && !strcmp(clock_arg, "hte");
    if (clock_arg) {
        clock = !strcmp(clock_arg, "realtime") ? QGPIO_LINE_CLOCK_REALTIME
                                               : QGPIO_LINE_CLOCK_GUEST;
    } else {
        clock = time_format ? QGPIO_LINE_CLOCK_REALTIME
                            : QGPIO_LINE_CLOCK_GUEST;
    }
    m.ts_format = time_format ? time_format :
                  clock_arg && !strcmp(clock_arg, "realtime") ? 'U' : 'S';
    if (vcd_path && edge != QGPIO_LINE_EDGE_BOTH) {
        die("--vcd records both edges: it cannot be combined with -e");
    }
    if (vcd_path && clock != QGPIO_LINE_CLOCK_GUEST) {
        die("--vcd records the machine's virtual time: it cannot be "
            "combined with a host clock (-E realtime, --utc, --localtime)");
    }

    m.refs = calloc(m.n, sizeof(*m.refs));
    ids = calloc(m.n, sizeof(*ids));
    for (size_t i = 0; i < m.n; i++) {
        m.refs[i].id = ids[i] = argv[optind + i];
    }
    m.chips = chips_for(ropts.chip_id, &m.nchips);
    m.with_chip = ropts.chip_id != NULL;
    resolve_lines(m.chips, m.nchips, m.refs, m.n, &ropts);
    check_present(m.refs, m.n);
    for (size_t i = 1; vcd_path && i < m.n; i++) {
        if (m.refs[i].chip != m.refs[0].chip) {
            die("--vcd records the lines of one chip");
        }
    }
    if (hte) {
        die("unable to request lines on chip %s: %s", m.refs[0].chip->path,
            strerror(EOPNOTSUPP));
    }
    if (debounce_us) {
        die("unable to request lines on chip %s: debouncing is not "
            "available: gpiodev reports every edge", m.refs[0].chip->path);
    }
    request_all(&m, edge, clock, active_low);
    if (vcd_path) {
        m.vcd = fopen(vcd_path, "w");
        if (!m.vcd) {
            die("cannot write '%s': %s", vcd_path, strerror(errno));
        }
        vcd_start(&m);
    }
    if (banner) {
        print_banner("Monitoring", ids, m.n);
    }

    status = run(&m, idle_us, max_events);

    if (m.vcd && fclose(m.vcd) != 0) {
        die("cannot write '%s': %s", vcd_path, strerror(errno));
    }
    for (size_t c = 0; c < m.nchips; c++) {
        qgpio_line_request_release(m.reqs[c]);
    }
    free(m.reqs);
    chips_free(m.chips, m.nchips);
    free(m.refs);
    free(ids);
    return status;
}

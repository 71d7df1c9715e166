// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio get: read lines, as gpioget does. */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] <line>...\n\n"
           "Read the values of GPIO lines: the level the guest drives on "
           "its outputs, the\nlevel on the pin for its inputs.\n\n"
           "Lines are specified by name, or optionally by offset if the "
           "chip option\nis provided.\n\n"
           "Options:\n"
           "  -a, --as-is\t\tthe default here: the guest owns the "
           "direction, nothing is changed\n"
           "  -b, --bias <bias>\taccepted for compatibility and ignored: "
           "the guest sets pulls\n"
           "      --by-name\t\ttreat lines as names even if they would "
           "parse as an offset\n"
           "  -c, --chip <chip>\trestrict scope to a particular chip\n"
           "  -C, --consumer <name>\tconsumer name (default: gpioget; "
           "reading holds no line)\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "  -l, --active-low\ttreat the line as active low\n"
           "  -p, --hold-period <period>\n"
           "\t\t\twait between requesting the lines and reading them\n"
           "      --numeric\t\tdisplay line values as '0' (inactive) or "
           "'1' (active)\n"
           "  -s, --strict\t\tabort if requested line names are not "
           "unique\n"
           "      --unquoted\tdon't quote line names\n"
           "  -v, --version\t\toutput version information and exit\n\n"
           "Chips:\n"
           "    A GPIO chip may be identified by number, name, or socket "
           "path.\n\n"
           "Periods:\n"
           "    Taken as milliseconds unless a unit is given: us, ms, s "
           "or m.\n", prog);
    exit(EXIT_SUCCESS);
}

int cmd_get(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "active-low", no_argument, NULL, 'l' },
        { "as-is", no_argument, NULL, 'a' },
        { "bias", required_argument, NULL, 'b' },
        { "by-name", no_argument, NULL, 'B' },
        { "chip", required_argument, NULL, 'c' },
        { "consumer", required_argument, NULL, 'C' },
        { "help", no_argument, NULL, 'h' },
        { "hold-period", required_argument, NULL, 'p' },
        { "numeric", no_argument, NULL, 'N' },
        { "strict", no_argument, NULL, 's' },
        { "unquoted", no_argument, NULL, 'Q' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    struct resolve_opts ropts = { 0 };
    bool active_low = false, numeric = false, unquoted = false;
    const char *consumer = "gpioget";
    uint64_t hold_us = 0;
    struct line_ref *refs;
    enum qgpio_line_value *values, *chip_values;
    unsigned int *offsets;
    struct chip **chips;
    size_t nchips, n;
    int opt;

    while ((opt = getopt_long(argc, argv, "+ab:c:C:hlp:sv", longopts,
                              NULL)) != -1) {
        switch (opt) {
        case 'a':
            break;
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
        case 'h':
            usage();
        case 'l':
            active_low = true;
            break;
        case 'N':
            numeric = true;
            break;
        case 'p':
            hold_us = parse_period_or_die(optarg);
            break;
        case 's':
            ropts.strict = true;
            break;
        case 'Q':
            unquoted = true;
            break;
        case 'v':
            print_version();
        default:
            die_usage();
        }
    }
    (void)consumer;
    if (optind == argc) {
        die("at least one GPIO line must be specified");
    }
    n = argc - optind;
    refs = calloc(n, sizeof(*refs));
    values = calloc(n, sizeof(*values));
    offsets = calloc(n, sizeof(*offsets));
    chip_values = calloc(n, sizeof(*chip_values));
    for (size_t i = 0; i < n; i++) {
        refs[i].id = argv[optind + i];
    }
    chips = chips_for(ropts.chip_id, &nchips);
    resolve_lines(chips, nchips, refs, n, &ropts);
    check_present(refs, n);

    /* One request per chip, with all its lines, read atomically. */
    for (size_t c = 0; c < nchips; c++) {
        struct qgpio_line_settings *s = qgpio_line_settings_new();
        struct qgpio_line_request *req;

        qgpio_line_settings_set_direction(s, QGPIO_LINE_DIRECTION_INPUT);
        qgpio_line_settings_set_active_low(s, active_low);
        req = request_refs(chips[c], refs, n, s, NULL, NULL);
        qgpio_line_settings_free(s);
        if (!req && errno) {
            die("unable to request lines: %s", strerror(errno));
        }
        if (!req) {
            continue;
        }
        if (hold_us) {
            sleep_us(hold_us);
        }
        /* The request's lines are the chip's refs, in their order. */
        for (size_t i = 0, j = 0; i < n; i++) {
            if (refs[i].chip == chips[c]) {
                offsets[j++] = refs[i].offset;
            }
        }
        if (qgpio_line_request_get_values_subset(
                req, qgpio_line_request_get_num_requested_lines(req),
                offsets, chip_values) < 0) {
            die("unable to read GPIO line values: %s", strerror(errno));
        }
        for (size_t i = 0, j = 0; i < n; i++) {
            if (refs[i].chip == chips[c]) {
                values[i] = chip_values[j++];
            }
        }
        qgpio_line_request_release(req);
    }

    for (size_t i = 0; i < n; i++) {
        if (i) {
            putchar(' ');
        }
        if (numeric) {
            printf("%d", values[i]);
        } else {
            print_quoted_or_not(refs[i].id, unquoted);
            printf("=%s", values[i] ? "active" : "inactive");
        }
    }
    putchar('\n');
    free(refs);
    free(values);
    free(offsets);
    free(chip_values);
    chips_free(chips, nchips);
    return EXIT_SUCCESS;
}

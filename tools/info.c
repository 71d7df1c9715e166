// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio info: lines' information, as gpioinfo prints it. */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] [line]...\n\n"
           "Print information about GPIO lines: the guest's configuration "
           "of each, and\nwhich client drives it.\n\n"
           "Lines are specified by name, or optionally by offset if the "
           "chip option\nis provided.  Without lines, every line of the "
           "chips is listed.\n\n"
           "Options:\n"
           "      --by-name\t\ttreat lines as names even if they would "
           "parse as an offset\n"
           "  -c, --chip <chip>\trestrict scope to a particular chip\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "  -s, --strict\t\tcheck all lines - don't assume line names "
           "are unique\n"
           "      --unquoted\tdon't quote line or consumer names\n"
           "  -v, --version\t\toutput version information and exit\n\n"
           "Chips:\n"
           "    A GPIO chip may be identified by number, name, or socket "
           "path.\n    e.g. '0', 'gpiochip0', and '/tmp/gpiochip0.sock' "
           "all refer to the same chip.\n\n"
           "What is shown: 'input'/'output' is the guest's direction; a "
           "consumer is a client\ndriving the line from outside; edges= "
           "is the guest's interrupt setting.\nactive-low, event-clock "
           "and debounce belong to a request, not to the chip,\nand are "
           "never shown.\n", prog);
    exit(EXIT_SUCCESS);
}

static void print_name_field(const char *name, bool unquoted)
{
    if (!name) {
        printf("%-16s\t", "unnamed");
    } else if (unquoted) {
        printf("%-16s\t", name);
    } else if (strlen(name) <= 14) {
        printf("\"%s\"%*s\t", name, (int)(14 - strlen(name)), "");
    } else {
        printf("\"%s\"\t", name);
    }
}

static bool print_line(struct chip *c, unsigned int offset, bool unquoted)
{
    struct qgpio_line_info *li = qgpio_chip_get_line_info(c->chip, offset);

    if (!li) {
        warn("unable to read the info of line %u of chip '%s': %s", offset,
             c->path, qgpio_strerror());
        return false;
    }
    print_name_field(qgpio_line_info_get_name(li), unquoted);
    print_line_attributes(li, unquoted);
    putchar('\n');
    qgpio_line_info_free(li);
    return true;
}

static bool list_chip(struct chip *c, bool unquoted)
{
    size_t n = qgpio_chip_info_get_num_lines(c->info);
    bool ok = true;

    printf("%s - %zu lines:\n", c->name, n);
    for (unsigned int i = 0; i < n; i++) {
        printf("\tline %3u:\t", i);
        ok &= print_line(c, i, unquoted);
    }
    return ok;
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "by-name", no_argument, NULL, 'B' },
        { "chip", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "strict", no_argument, NULL, 's' },
        { "unquoted", no_argument, NULL, 'Q' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    struct resolve_opts ropts = { 0 };
    bool unquoted = false, ok = true;
    struct line_ref *refs;
    struct chip **chips;
    size_t nchips, nrefs, printed = 0;
    bool *matched;
    int opt;

    while ((opt = getopt_long(argc, argv, "+c:hsv", longopts, NULL)) != -1) {
        switch (opt) {
        case 'B':
            ropts.by_name = true;
            break;
        case 'c':
            ropts.chip_id = optarg;
            break;
        case 'h':
            usage();
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
    chips = chips_for(ropts.chip_id, &nchips);
    if (optind == argc) {
        for (size_t i = 0; i < nchips; i++) {
            ok &= list_chip(chips[i], unquoted);
        }
        chips_free(chips, nchips);
        return ok ? EXIT_SUCCESS : EXIT_FAILURE;
    }

    /*
     * Every line that matches an identifier, once, in chip and offset
     * order; then the identifiers are checked as the other tools do.
     */
    nrefs = argc - optind;
    refs = calloc(nrefs, sizeof(*refs));
    for (size_t i = 0; i < nrefs; i++) {
        refs[i].id = argv[optind + i];
    }
    matched = calloc(nrefs, sizeof(*matched));
    for (size_t c = 0; c < nchips; c++) {
        size_t lines = qgpio_chip_info_get_num_lines(chips[c]->info);

        for (unsigned int o = 0; o < lines; o++) {
            bool match = false;

            for (size_t i = 0; i < nrefs; i++) {
                unsigned int num;
                /* With -c, an identifier that is an offset is only that. */
                bool is_offset = ropts.chip_id && !ropts.by_name &&
                                 parse_uint(refs[i].id, &num) && num < lines;
                bool by_offset = is_offset && num == o;
                bool by_name = !is_offset && chips[c]->names[o] &&
                               !strcmp(chips[c]->names[o], refs[i].id);

                /* Without --strict, a name stops at its first line. */
                if ((by_offset || by_name) &&
                    (ropts.strict || !matched[i])) {
                    matched[i] = true;
                    match = true;
                }
            }
            if (match) {
                printf("%s %u\t", chips[c]->name, o);
                ok &= print_line(chips[c], o, unquoted);
                printed++;
            }
        }
    }
    free(matched);
    fflush(stdout);
    /* --strict prints every match, and fails if a name matched twice. */
    if (ropts.strict && printed != nrefs) {
        ok = false;
    }
    ropts.strict = false;
    resolve_lines(chips, nchips, refs, nrefs, &ropts);
    free(refs);
    chips_free(chips, nchips);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* qemu-gpio detect: the chips, as gpiodetect lists them. */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [OPTIONS] [chip]...\n\n"
           "List the GPIO chips (gpiodev sockets), their labels and "
           "numbers of lines.\n\n"
           "Chips may be given by name (a socket in $QEMU_GPIO_DIR), by "
           "number (gpiochipN)\nor by socket path.  Without any, every "
           "chip in $QEMU_GPIO_DIR is listed.\n\n"
           "Options:\n"
           "  -h, --help\t\tdisplay this help and exit\n"
           "  -v, --version\t\toutput version information and exit\n",
           prog);
    exit(EXIT_SUCCESS);
}

static void print_chip(struct chip *c)
{
    printf("%s [%s] (%zu lines)\n", c->name,
           qgpio_chip_info_get_label(c->info),
           qgpio_chip_info_get_num_lines(c->info));
}

int cmd_detect(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 }
    };
    int opt, status = EXIT_SUCCESS;

    while ((opt = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            usage();
        case 'v':
            print_version();
        default:
            die_usage();
        }
    }
    if (optind == argc) {
        size_t n;
        struct chip **chips = chips_discover(&n);

        for (size_t i = 0; i < n; i++) {
            print_chip(chips[i]);
        }
        chips_free(chips, n);
        return status;
    }
    for (int i = optind; i < argc; i++) {
        struct chip *c = chip_open_id(argv[i]);

        if (!c) {
            warn("cannot find GPIO chip character device '%s'", argv[i]);
            status = EXIT_FAILURE;
            continue;
        }
        print_chip(c);
        chip_close(c);
    }
    return status;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu-gpio: libgpiod's tools for the GPIO lines of a QEMU machine.
 * One binary; the subcommand is the first argument, or the name it is
 * run under (gpiodetect, gpioinfo, gpioget, gpioset, gpiomon, gpionotify).
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const struct {
    const char *name;
    const char *libgpiod_name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "detect", "gpiodetect", cmd_detect, "list the GPIO chips (gpiodevs)" },
    { "info", "gpioinfo", cmd_info, "print information about lines" },
    { "get", "gpioget", cmd_get, "read the values of lines" },
    { "set", "gpioset", cmd_set, "drive lines and hold them" },
    { "mon", "gpiomon", cmd_mon, "wait for edges on lines" },
    { "notify", "gpionotify", cmd_notify,
      "wait for lines to be requested, released or reconfigured" },
    { "export", NULL, cmd_export,
      "mirror a chip into a kernel GPIO chip (ugpio module)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out, const char *argv0)
{
    fprintf(out, "Usage: %s COMMAND [OPTIONS] [ARGS]...\n\n"
            "Drive and watch the GPIO lines of QEMU machines through their "
            "gpiodev\nsockets, with the options and output formats of "
            "libgpiod's tools.\n\nCommands:\n", argv0);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  %-8s%s", commands[i].name, commands[i].summary);
        if (commands[i].libgpiod_name) {
            fprintf(out, " (as %s)", commands[i].libgpiod_name);
        }
        fputc('\n', out);
    }
    fprintf(out, "\n'%s COMMAND --help' describes a command.\n\n"
            "Chips are the sockets in $QEMU_GPIO_DIR (default: "
            "$XDG_RUNTIME_DIR/qemu-gpio,\nor /tmp/qemu-gpio-UID), named "
            "after their files, or a socket path given\nwith -c.  Times "
            "in events are the machine's virtual time unless a\ncommand's "
            "options choose the host's clock.\n", argv0);
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
                                             : argv[0];
    static char progbuf[256];

    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (commands[i].libgpiod_name &&
            !strcmp(base, commands[i].libgpiod_name)) {
            prog = argv[0];
            return commands[i].run(argc, argv);
        }
    }
    if (argc < 2) {
        usage(stderr, argv[0]);
        return EXIT_FAILURE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "help")) {
        usage(stdout, argv[0]);
        return EXIT_SUCCESS;
    }
    if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
        prog = argv[0];
        print_version();
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            snprintf(progbuf, sizeof(progbuf), "%s %s", argv[0], argv[1]);
            prog = progbuf;
            /* getopt's own messages start with argv[0]. */
            argv[1] = progbuf;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "%s: unknown command '%s'\n", argv[0], argv[1]);
    usage(stderr, argv[0]);
    return EXIT_FAILURE;
}

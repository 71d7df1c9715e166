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
    fprintf(out, "Usage: %s [TLS OPTIONS] COMMAND [OPTIONS] [ARGS]..."
            "\n\n"
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
            "options choose the host's clock.\n\n"
            "TLS options, for chips given as tcp:HOST:PORT (QEMU's "
            "tls-creds):\n"
            "  --tls-ca FILE    CA certificates to check the server's "
            "against; TLS is\n"
            "                   used when given ($QEMU_GPIO_TLS_CA)\n"
            "  --tls-cert FILE  our certificate, for a QEMU with "
            "tls-authz\n"
            "                   ($QEMU_GPIO_TLS_CERT)\n"
            "  --tls-key FILE   its private key ($QEMU_GPIO_TLS_KEY)\n",
            argv0);
}

/*
 * The options before the command: the TLS files for tcp:HOST:PORT
 * chips, handed to the library as the environment variables it reads
 * (which is how the libgpiod-named links get them).  Returns how many
 * words they took, or -1.
 */
static int tls_options(int argc, char **argv)
{
    static const struct {
        const char *option, *variable;
    } tls[] = {
        { "--tls-ca", "QEMU_GPIO_TLS_CA" },
        { "--tls-cert", "QEMU_GPIO_TLS_CERT" },
        { "--tls-key", "QEMU_GPIO_TLS_KEY" },
    };
    int i = 1;

    while (i < argc && !strncmp(argv[i], "--tls-", 6)) {
        size_t k, len = strcspn(argv[i], "=");
        const char *value = argv[i][len] ? argv[i] + len + 1 : argv[i + 1];

        for (k = 0; k < sizeof(tls) / sizeof(tls[0]); k++) {
            if (strlen(tls[k].option) == len &&
                !strncmp(argv[i], tls[k].option, len)) {
                break;
            }
        }
        if (k == sizeof(tls) / sizeof(tls[0]) || !value || !*value) {
            fprintf(stderr, "%s: '%s': expected --tls-ca, --tls-cert or "
                    "--tls-key with a file\n", argv[0], argv[i]);
            return -1;
        }
        setenv(tls[k].variable, value, 1);
        i += argv[i][len] ? 1 : 2;
    }
    return i - 1;
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
                                             : argv[0];
    static char progbuf[256];
    int skip;

    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (commands[i].libgpiod_name &&
            !strcmp(base, commands[i].libgpiod_name)) {
            prog = argv[0];
            return commands[i].run(argc, argv);
        }
    }
    skip = tls_options(argc, argv);
    if (skip < 0) {
        return EXIT_FAILURE;
    }
    argv[skip] = argv[0];
    argv += skip;
    argc -= skip;
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the qemu-gpio subcommands share: errors, option values, chips,
 * line resolution and output formats, as libgpiod v2's tools have them. */

#ifndef QEMU_GPIO_TOOLS_COMMON_H
#define QEMU_GPIO_TOOLS_COMMON_H

#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qemu-gpio.h"

/* "qemu-gpio get", or "gpioget" when run through such a link. */
extern const char *prog;

__attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void warn(const char *fmt, ...);
__attribute__((noreturn)) void die_usage(void);
__attribute__((noreturn)) void print_version(void);

/*
 * Rewrite, in @argv, each abbreviated long option that is ambiguous only
 * because of our @extensions (a NULL-terminated list of long option
 * names that libgpiod's tool does not have) into the libgpiod option it
 * means there: "--v" stays libgpiod's "--version" although "mon" also
 * has "--vcd".  Call before getopt_long() with the same options.
 */
void expand_libgpiod_abbreviations(int argc, char **argv,
                                   const char *optstring,
                                   const struct option *longopts,
                                   const char *const *extensions);

/* Option values; each dies with libgpiod's message when invalid. */
void parse_bias(const char *arg);
void parse_drive(const char *arg);
/* A period in microseconds; false if invalid. */
bool parse_period(const char *arg, uint64_t *us);
uint64_t parse_period_or_die(const char *arg);
/* A number as libgpiod's tools take it (and offsets): up to INT_MAX. */
bool parse_uint(const char *arg, unsigned int *value);
unsigned int parse_uint_or_die(const char *arg);
/* poll()'s timeout for a period in microseconds, 0 meaning forever. */
int poll_timeout(uint64_t us);
/* A line value word (0/1, inactive/active, off/on, false/true). */
int parse_value(const char *word);
void sleep_us(uint64_t us);

/* Chips */
struct chip {
    struct qgpio_chip *chip;
    struct qgpio_chip_info *info;
    const char *name;       /* the chip's own name (gpiodev id) */
    const char *path;
    /* Line names, fetched once: NULL for unnamed or absent lines. */
    char **names;
    bool *present;
};

/* The socket path an identifier (-c) names. */
char *chip_id_path(const char *id);
/* Open the chip @id names; NULL (and a message) when it is none. */
struct chip *chip_open_id(const char *id);
/* Every chip in the socket directory, in version order. */
struct chip **chips_discover(size_t *n);
void chip_close(struct chip *c);
void chips_free(struct chip **chips, size_t n);

/* Line identifiers, resolved to chips and offsets as libgpiod does. */
struct line_ref {
    const char *id;
    struct chip *chip;
    unsigned int offset;
    bool resolved;
    bool by_offset;
};

struct resolve_opts {
    const char *chip_id;    /* -c as typed, or NULL */
    bool by_name;
    bool strict;
};

/*
 * Resolve @refs over @chips; dies on a non-unique name under --strict;
 * reports every other problem and dies after the last one.
 */
void resolve_lines(struct chip **chips, size_t nchips,
                   struct line_ref *refs, size_t n,
                   const struct resolve_opts *opts);
/* Dies, as libgpiod does for a line the kernel holds, on a gap. */
void check_present(struct line_ref *refs, size_t n);
/*
 * Request, with @s, the lines of @refs that are on chip @c, each driven
 * to @values[i] if @values is given.  NULL with errno set on failure,
 * NULL with errno 0 when no line is on @c.
 */
struct qgpio_line_request *request_refs(struct chip *c,
                                        const struct line_ref *refs,
                                        size_t n,
                                        struct qgpio_line_settings *s,
                                        const enum qgpio_line_value *values,
                                        const char *consumer);
/*
 * Wait until some of the @n objects polled in @pfds has an event, and
 * set revents for those; @pending(k) tells about events the library
 * already holds for object k.  False after @idle_us with none (0:
 * wait forever).
 */
bool wait_events(struct pollfd *pfds, size_t n,
                 bool (*pending)(size_t k, void *opaque), void *opaque,
                 uint64_t idle_us);
/* Select the chips from -c, or all of them. */
struct chip **chips_for(const char *chip_id, size_t *n);

/* Output */
void print_quoted_or_not(const char *s, bool unquoted);
/*
 * Print @format as -F does, then a newline: %% is a percent sign, and
 * @spec prints the value of any other specifier it knows, returning
 * false for the ones it does not, which are printed as they are.
 */
void print_format(const char *format, bool (*spec)(char c, void *opaque),
                  void *opaque);
/* The specifiers mon and notify share: %o %l %c. */
bool print_line_spec(char c, struct chip *chip, unsigned int offset);
/* %S / %U / %L formats of a nanosecond timestamp. */
void print_timestamp(uint64_t ns, char format);
void print_banner(const char *verb, char **ids, size_t n);
/* The line's attributes as gpioinfo prints them. */
void print_line_attributes(struct qgpio_line_info *li, bool unquoted);
/* "name", or chip offset "name" with -c, as event lines print a line. */
void print_line_identity(struct chip *c, unsigned int offset, bool with_chip,
                         bool unquoted);

/* Subcommands */
int cmd_detect(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_mon(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif

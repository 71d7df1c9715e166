/*
 * The gpiodev text protocol, version 1 (docs/interop/gpiodev-protocol.rst):
 * request parsing and execution, and the formatting of replies and
 * events.  Transport-independent: the socket backend feeds it bytes and
 * sends what it appends to @out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_PROTOCOL_H
#define GPIODEV_PROTOCOL_H

#include "gpiodev/gpio-core.h"

#define GPIO_PROTOCOL_VERSION 1
/* Longest request line accepted, newline included. */
#define GPIO_PROTOCOL_MAX_LINE 4096

/*
 * The bytes a client sent that are not executed yet.  A backend stops
 * executing requests while the client's replies are not read, so this
 * holds at most one read's worth of requests beyond a line.
 */
typedef struct GpioRequestReader {
    GString *buf;
    /* Offset in @buf of the first byte not yet consumed. */
    size_t start;
    /* Skipping the rest of an overlong line, up to its newline. */
    bool discarding;
} GpioRequestReader;

void gpio_request_reader_init(GpioRequestReader *r);
void gpio_request_reader_cleanup(GpioRequestReader *r);
/* Add bytes received from the client. */
void gpio_request_reader_push(GpioRequestReader *r, const char *buf,
                              size_t len);
/* Whether gpio_request_reader_run() has something to do. */
bool gpio_request_reader_ready(GpioRequestReader *r);
/*
 * Execute the next complete request on behalf of @client, a client of a
 * backend (its chip id is the backend's), appending the reply to @out.
 * Returns false, having done nothing, when no complete request is left.
 * Sets *@quit when the client asked to close.
 */
bool gpio_request_reader_run(GpioRequestReader *r, GpiodevClient *client,
                             GString *out, bool *quit);

void gpio_format_greeting(GString *out);

/*
 * The part of a line's edge events that never changes, "event edge
 * offset=N name=NAME", formatted once when a backend opens, because a
 * busy guest makes millions of edges a second.  A line's name is fixed
 * once its controller is realized.
 */
typedef struct GpioEdgePrefixes {
    unsigned nlines;
    char **text;
    size_t *len;
} GpioEdgePrefixes;


void gpio_edge_prefixes_init(GpioEdgePrefixes *p, GpiodevCore *core);
void gpio_edge_prefixes_cleanup(GpioEdgePrefixes *p);
/*
 * Any event, from @ev alone (and, for an edge, @prefixes): any thread,
 * no BQL needed.  @ev->consumer must still be valid.
 */
void gpio_format_event(GString *out, const GpioEdgePrefixes *prefixes,
                       const GpiodevEvent *ev);
/* The longest gpio_format_event() can make @ev's text. */
size_t gpio_event_max_len(const GpioEdgePrefixes *prefixes,
                          const GpiodevEvent *ev);
void gpio_format_overflow(GString *out, uint64_t lost);
/* The longest "event overflow" line: its 64-bit count in full. */
#define GPIO_OVERFLOW_MAX_LEN (sizeof("event overflow lost=\n") + 20)

#endif /* GPIODEV_PROTOCOL_H */

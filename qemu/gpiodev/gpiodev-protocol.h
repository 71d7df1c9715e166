/*
 * The gpiodev text protocol, version 1: request parsing and execution,
 * and the formatting of replies and events.  Transport-independent:
 * the socket backend feeds it bytes and sends what it appends to @out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_PROTOCOL_H
#define GPIODEV_PROTOCOL_H

#include "gpiodev/gpiodev.h"

#define GPIO_PROTOCOL_VERSION 1
/* Longest request line accepted, newline included. */
#define GPIO_PROTOCOL_MAX_LINE 4096

typedef struct GpioRequestReader {
    GString *line;
    /* Skipping the rest of an overlong line, up to its newline. */
    bool discarding;
} GpioRequestReader;

void gpio_request_reader_init(GpioRequestReader *r);
void gpio_request_reader_cleanup(GpioRequestReader *r);
/*
 * Execute every complete request in @buf on behalf of @client,
 * appending the replies to @out.  Keeps an incomplete last line for
 * the next call.  Sets *@quit when the client asked to close, and then
 * ignores what follows.
 */
void gpio_request_reader_feed(GpioRequestReader *r, const char *buf,
                              size_t len, GpiodevClient *client,
                              GString *out, bool *quit);

void gpio_format_greeting(GString *out);
void gpio_format_event(GString *out, Gpiodev *gd, const GpiodevEvent *ev);
void gpio_format_overflow(GString *out, uint64_t lost);

#endif /* GPIODEV_PROTOCOL_H */

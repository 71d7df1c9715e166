/*
 * What every firmware says on its UART, the lines tests/test_firmware.py
 * waits for.  The including file defines uart_putc() and BUTTON_NAME
 * first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FIRMWARE_REPORT_H
#define FIRMWARE_REPORT_H

static void uart_putc(char c);

static void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

static void uart_put_uint(unsigned v)
{
    char digits[10];
    int n = 0;

    do {
        digits[n++] = '0' + v % 10;
        v /= 10;
    } while (v);
    while (n) {
        uart_putc(digits[--n]);
    }
}

/* "fw: WHAT BUTTON=LEVEL" */
static void report(const char *what, unsigned level)
{
    uart_puts("fw: ");
    uart_puts(what);
    uart_puts(" " BUTTON_NAME "=");
    uart_put_uint(level);
    uart_putc('\n');
}

#endif /* FIRMWARE_REPORT_H */

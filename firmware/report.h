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

/*
 * In decimal, by repeated subtraction: the Cortex-M0 has no divide
 * instruction, and the firmware links no library to do it.
 */
static void uart_put_uint(unsigned v)
{
    static const unsigned powers[] = {
        1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000,
        100, 10, 1,
    };
    int started = 0;

    for (unsigned i = 0; i < sizeof(powers) / sizeof(powers[0]); i++) {
        char digit = '0';

        while (v >= powers[i]) {
            v -= powers[i];
            digit++;
        }
        if (digit != '0' || started || powers[i] == 1) {
            uart_putc(digit);
            started = 1;
        }
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

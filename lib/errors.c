// SPDX-License-Identifier: LGPL-2.1-or-later
/* The per-thread message behind errno. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread char last_error[512];

const char *qgpio_strerror(void)
{
    return last_error[0] ? last_error : strerror(errno);
}

const char *qgpio_api_version(void)
{
    return QGPIO_VERSION;
}

static void set_message(const char *fmt, va_list ap)
{
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
}

int qgpio_fail(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(fmt, ap);
    va_end(ap);
    errno = err;
    return -1;
}

void *qgpio_fail_null(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(fmt, ap);
    va_end(ap);
    errno = err;
    return NULL;
}

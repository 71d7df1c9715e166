/*
 * Starting a ppce500 machine under qtest, which needs a kernel
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef E500_KERNEL_H
#define E500_KERNEL_H

#include "libqtest.h"

/**
 * e500_qtest_init: qtest_init() of "-machine ppce500@args"
 * @args: more options, appended as they are ("" for none)
 *
 * ppce500 starts nothing without U-Boot (which this build lacks) or a
 * kernel, so it gets an ELF image whose only instruction branches to
 * itself; the CPU does not run under qtest anyway.
 */
QTestState *e500_qtest_init(const char *args);

#endif /* E500_KERNEL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A real qemu-system-arm -M ast2600-evb for host-side tests, with both
 * GPIO controllers served on gpiodev sockets and the guest played over
 * qtest by register writes.  $QEMU_GPIODEV_BUILD names QEMU's build
 * directory.
 */

#ifndef QGPIO_TEST_FIXTURE_H
#define QGPIO_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define AST2600_GPIO_BASE       0x1E780000u
#define AST2600_GPIO_1_8V_BASE  0x1E780800u
#define GPIO_DATA               0x000u
#define GPIO_DIRECTION          0x004u

struct fixture {
    pid_t qemu;
    char dir[32];
    /* QEMU_GPIO_DIR: gpio0.sock (3.3 V) and gpio1.sock (1.8 V). */
    char gpio0[64];
    char gpio1[64];
    /* A QMP monitor. */
    char qmp[64];
    int qtest_fd;
    char *qtest_in;
    size_t qtest_len;
};

/* Start QEMU; sets QEMU_GPIO_DIR to the fixture's directory. */
void fixture_start(struct fixture *f);
/* Kill QEMU (if still running) and remove the directory. */
void fixture_stop(struct fixture *f);
/* Kill QEMU abruptly, leaving the sockets' clients to find out. */
void fixture_kill_qemu(struct fixture *f);

void guest_writel(struct fixture *f, uint32_t addr, uint32_t value);
uint32_t guest_readl(struct fixture *f, uint32_t addr);
/* Set or clear one bit of a register of the 3.3 V controller. */
void guest_set_bit(struct fixture *f, uint32_t reg, unsigned bit, bool on);

#endif

/*
 * Starting a ppce500 machine under qtest, which needs a kernel
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "e500-kernel.h"

/* An ELF32 big-endian PowerPC executable: one segment, "b ." */
static const uint8_t e500_kernel[] = {
    /* ELF header */
    0x7f, 'E', 'L', 'F', 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, 0x02,                         /* ET_EXEC */
    0x00, 0x14,                         /* EM_PPC */
    0x00, 0x00, 0x00, 0x01,             /* EV_CURRENT */
    0x00, 0x10, 0x00, 0x00,             /* entry */
    0x00, 0x00, 0x00, 0x34,             /* program headers at 52 */
    0x00, 0x00, 0x00, 0x00,             /* no section headers */
    0x00, 0x00, 0x00, 0x00,             /* flags */
    0x00, 0x34, 0x00, 0x20, 0x00, 0x01, /* sizes, one program header */
    0x00, 0x28, 0x00, 0x00, 0x00, 0x00,
    /* PT_LOAD of the 4 bytes at 84, at the entry, R+X */
    0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x54,
    0x00, 0x10, 0x00, 0x00,
    0x00, 0x10, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x04,
    /* b . */
    0x48, 0x00, 0x00, 0x00,
};

QTestState *e500_qtest_init(const char *args)
{
    g_autofree char *path = NULL;
    GError *err = NULL;
    QTestState *qts;
    int fd;

    fd = g_file_open_tmp("e500-kernel-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);
    g_file_set_contents(path, (const char *)e500_kernel, sizeof(e500_kernel),
                        &err);
    g_assert_no_error(err);
    qts = qtest_initf("-machine ppce500%s -kernel %s -nic none", args, path);
    unlink(path);
    return qts;
}

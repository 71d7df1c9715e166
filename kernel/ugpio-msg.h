/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ugpio: the checks of what a process writes, on the message alone.
 * No kernel state is touched here, so that the same code also builds
 * in userspace, where a fuzzer feeds it (fuzz/ugpio-msg-fuzz.c).
 */

#ifndef _UGPIO_MSG_H
#define _UGPIO_MSG_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#endif

#include "ugpio.h"

#define UGPIO_MAX_MSG		(sizeof(struct ugpio_create) + \
				 UGPIO_MAX_LINES * sizeof(struct ugpio_line))

/* A NUL-terminated name in its field; "" only if @empty_ok. */
static inline bool ugpio_name_ok(const char *name, bool empty_ok)
{
	size_t len = strnlen(name, UGPIO_NAME_SIZE);

	return len < UGPIO_NAME_SIZE && (len || empty_ok);
}

/* The header's size is the write's, within bounds; its type, or < 0. */
static inline int ugpio_check_header(const struct ugpio_msg_hdr *hdr,
				     size_t size)
{
	if (size < sizeof(*hdr) || hdr->size != size || size > UGPIO_MAX_MSG)
		return -EINVAL;
	return hdr->type;
}

static inline int ugpio_check_create(const void *buf, size_t size)
{
	const struct ugpio_create *msg = buf;
	const struct ugpio_line *desc = (const void *)(msg + 1);
	unsigned int i, n;

	if (size < sizeof(*msg))
		return -EINVAL;
	if (msg->version != UGPIO_VERSION)
		return -EPROTONOSUPPORT;
	n = msg->nlines;
	if (!n || n > UGPIO_MAX_LINES ||
	    size != sizeof(*msg) + (size_t)n * sizeof(*desc) ||
	    !ugpio_name_ok(msg->label, false))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!ugpio_name_ok(desc[i].name, true) ||
		    !ugpio_name_ok(desc[i].consumer, true) ||
		    desc[i].flags & ~UGPIO_LINE_FLAGS || desc[i].level > 1)
			return -EINVAL;
	}
	return 0;
}

/* Every change is of one of the chip's @nlines lines. */
static inline int ugpio_check_levels(const void *buf, size_t size,
				     unsigned int nlines)
{
	const struct ugpio_levels *msg = buf;
	const struct ugpio_level *change = (const void *)(msg + 1);
	unsigned int i;

	if (size < sizeof(*msg) || msg->padding ||
	    msg->count > UGPIO_MAX_MSG / sizeof(*change) ||
	    size != sizeof(*msg) + (size_t)msg->count * sizeof(*change))
		return -EINVAL;
	for (i = 0; i < msg->count; i++) {
		if (change[i].offset >= nlines || change[i].level > 1)
			return -EINVAL;
	}
	return 0;
}

static inline int ugpio_check_line(const void *buf, size_t size,
				   unsigned int nlines)
{
	const struct ugpio_line_msg *msg = buf;

	if (size != sizeof(*msg) || msg->offset >= nlines ||
	    msg->flags & ~(UGPIO_LINE_DRIVEN | UGPIO_LINE_BUSY) ||
	    msg->level > 1 || msg->padding ||
	    !ugpio_name_ok(msg->consumer, true))
		return -EINVAL;
	return 0;
}

#endif /* _UGPIO_MSG_H */

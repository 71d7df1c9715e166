// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ugpio module's checks of what a process writes
 * (kernel/ugpio-msg.h, compiled from the module's own source), then
 * what the module does with a message that passed them, on a model of
 * its state, so that the sanitizers catch any offset, count or name
 * the checks let through out of bounds.
 *
 * An input is a series of writes: each starts with a struct
 * ugpio_msg_hdr whose size says how long the write is (clipped to what
 * is left of the input), and is copied to a buffer of exactly that
 * size, as memdup_user() would.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ugpio-msg.h"

struct chip_model {
	bool registered;
	unsigned int nlines;
	char label[UGPIO_NAME_SIZE];
	struct {
		uint32_t flags;
		uint32_t level;
		char name[UGPIO_NAME_SIZE];
		char busy_by[UGPIO_NAME_SIZE];
	} lines[UGPIO_MAX_LINES];
};

static void copy_name(char *dst, const char *src)
{
	/* strscpy() of the module: the checks promise a terminated name. */
	size_t len = strnlen(src, UGPIO_NAME_SIZE);

	if (len >= UGPIO_NAME_SIZE)
		abort();
	memcpy(dst, src, len + 1);
}

static int apply_create(struct chip_model *m, const void *buf, size_t size)
{
	const struct ugpio_create *msg = buf;
	const struct ugpio_line *desc = (const void *)(msg + 1);
	unsigned int i;
	int ret;

	if (m->registered)
		return -EBUSY;
	ret = ugpio_check_create(buf, size);
	if (ret)
		return ret;
	copy_name(m->label, msg->label);
	for (i = 0; i < msg->nlines; i++) {
		m->lines[i].flags = desc[i].flags;
		m->lines[i].level = desc[i].level;
		copy_name(m->lines[i].name, desc[i].name);
		copy_name(m->lines[i].busy_by, desc[i].consumer);
	}
	m->nlines = msg->nlines;
	m->registered = true;
	return 0;
}

static int apply_levels(struct chip_model *m, const void *buf, size_t size)
{
	const struct ugpio_levels *msg = buf;
	const struct ugpio_level *change = (const void *)(msg + 1);
	unsigned int i;

	if (!m->registered)
		return -ENODEV;
	if (ugpio_check_levels(buf, size, m->nlines))
		return -EINVAL;
	for (i = 0; i < msg->count; i++)
		m->lines[change[i].offset].level = change[i].level;
	return 0;
}

static int apply_line(struct chip_model *m, const void *buf, size_t size)
{
	const struct ugpio_line_msg *msg = buf;

	if (!m->registered)
		return -ENODEV;
	if (ugpio_check_line(buf, size, m->nlines))
		return -EINVAL;
	m->lines[msg->offset].flags = msg->flags;
	m->lines[msg->offset].level = msg->level;
	copy_name(m->lines[msg->offset].busy_by, msg->consumer);
	return 0;
}

/* ugpio_write(), less copy_from_user() and the chip's registration. */
static void write_one(struct chip_model *m, const uint8_t *data, size_t size)
{
	struct ugpio_msg_hdr hdr;
	uint8_t *buf;

	if (size < sizeof(hdr))
		return;
	memcpy(&hdr, data, sizeof(hdr));
	if (ugpio_check_header(&hdr, size) < 0)
		return;
	buf = malloc(size);
	memcpy(buf, data, size);
	switch (hdr.type) {
	case UGPIO_MSG_CREATE:
		apply_create(m, buf, size);
		break;
	case UGPIO_MSG_LEVELS:
		apply_levels(m, buf, size);
		break;
	case UGPIO_MSG_LINE:
		apply_line(m, buf, size);
		break;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chip_model m;

	memset(&m, 0, sizeof(m));
	while (size >= sizeof(struct ugpio_msg_hdr)) {
		struct ugpio_msg_hdr hdr;
		size_t len;

		memcpy(&hdr, data, sizeof(hdr));
		len = hdr.size < sizeof(hdr) ? sizeof(hdr) :
		      hdr.size > size ? size : hdr.size;
		write_one(&m, data, len);
		data += len;
		size -= len;
	}
	return 0;
}

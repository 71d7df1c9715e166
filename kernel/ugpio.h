/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ugpio: GPIO chips implemented in userspace, the way uinput does input
 * devices.  A process opens /dev/ugpio, writes UGPIO_MSG_CREATE, and
 * the kernel registers a gpio_chip, a real /dev/gpiochipN.  The kernel
 * keeps each line's state itself: consumers of the chip never wait for
 * the process.  What consumers do is queued as struct ugpio_event
 * records, which the process read()s; what the process writes changes
 * lines as the hardware behind them would.  Closing the file removes
 * the chip.
 *
 * The format is specified in docs/ugpio.md.  All numbers here are this
 * interface's own and never change meaning; structures have explicit
 * padding, the same layout on every architecture, in the CPU's byte
 * order.
 */
#ifndef _UAPI_LINUX_UGPIO_H
#define _UAPI_LINUX_UGPIO_H

#include <linux/types.h>

#define UGPIO_VERSION		1

#define UGPIO_MAX_LINES		1024
#define UGPIO_NAME_SIZE		32

/* struct ugpio_msg_hdr.type: what a process writes */
#define UGPIO_MSG_CREATE	1	/* struct ugpio_create + lines */
#define UGPIO_MSG_LEVELS	2	/* struct ugpio_levels + changes */
#define UGPIO_MSG_LINE		3	/* struct ugpio_line_msg */

/*
 * Every message starts with this header; @size counts the whole
 * message, header included.  One write() carries exactly one message.
 */
struct ugpio_msg_hdr {
	__u32 type;
	__u32 size;
};

/*
 * Line flags, in struct ugpio_line.flags, ugpio_line_msg.flags and
 * ugpio_event.flags.
 *
 * UGPIO_LINE_DRIVEN: the line is driven by the hardware behind the chip
 * (an emulated guest's output): consumers may read it and watch its
 * edges, but requesting it as an output fails with EPERM.
 *
 * UGPIO_LINE_BUSY: the line is driven by someone the kernel does not see
 * (another client of the emulated controller), whose name the message
 * gives: the kernel requests the line for it, so that consumers see it
 * used by that name, and requesting it fails with EBUSY.  If a consumer
 * had requested the line before, it keeps it, but cannot make it an
 * output.
 *
 * UGPIO_LINE_ABSENT: no pin behind this offset (a gap in the numbering);
 * it cannot be requested at all.
 */
#define UGPIO_LINE_DRIVEN	(1U << 0)
#define UGPIO_LINE_BUSY		(1U << 1)
#define UGPIO_LINE_ABSENT	(1U << 2)
#define UGPIO_LINE_FLAGS	(UGPIO_LINE_DRIVEN | UGPIO_LINE_BUSY | \
				 UGPIO_LINE_ABSENT)

/* One line of UGPIO_MSG_CREATE. */
struct ugpio_line {
	char name[UGPIO_NAME_SIZE];	/* NUL-terminated, "" for none */
	__u32 flags;			/* UGPIO_LINE_* */
	__u32 level;			/* 0 or 1 */
	char consumer[UGPIO_NAME_SIZE];	/* UGPIO_LINE_BUSY: who drives it */
};

/*
 * UGPIO_MSG_CREATE: register the chip.  Once per open file; followed by
 * @nlines struct ugpio_line.  @version must be UGPIO_VERSION.
 */
struct ugpio_create {
	struct ugpio_msg_hdr hdr;
	__u32 version;
	__u32 nlines;
	char label[UGPIO_NAME_SIZE];	/* NUL-terminated, not empty */
	/* struct ugpio_line lines[nlines]; */
};

/* One change of UGPIO_MSG_LEVELS. */
struct ugpio_level {
	__u32 offset;
	__u32 level;			/* 0 or 1 */
};

/*
 * UGPIO_MSG_LEVELS: the lines' levels change, in this order, followed
 * by @count struct ugpio_level.  Every change of a line's level is an
 * edge for the consumers watching it, delivered before the next change
 * is applied.  The message is checked whole before any change applies.
 */
struct ugpio_levels {
	struct ugpio_msg_hdr hdr;
	__u32 count;
	__u32 padding;			/* 0 */
	/* struct ugpio_level changes[count]; */
};

/*
 * UGPIO_MSG_LINE: a line's flags change (the guest made it an input or
 * an output, another client took or released it), and with them its
 * level.
 */
struct ugpio_line_msg {
	struct ugpio_msg_hdr hdr;
	__u32 offset;
	__u32 flags;			/* UGPIO_LINE_DRIVEN | UGPIO_LINE_BUSY */
	__u32 level;			/* 0 or 1 */
	__u32 padding;			/* 0 */
	char consumer[UGPIO_NAME_SIZE];	/* UGPIO_LINE_BUSY: who drives it */
};

/* struct ugpio_event.type: what a process reads */
#define UGPIO_EV_REQUEST	1	/* a consumer requested the line */
#define UGPIO_EV_RELEASE	2	/* ... and released it */
#define UGPIO_EV_INPUT		3	/* the consumer made it an input */
#define UGPIO_EV_OUTPUT		4	/* ... an output, driving @level */
#define UGPIO_EV_SET		5	/* ... drives @level */
#define UGPIO_EV_BIAS		6	/* ... asks for bias @value */
#define UGPIO_EV_CHIP		7	/* the chip is registered as @name */

/* struct ugpio_event.value for UGPIO_EV_BIAS */
#define UGPIO_BIAS_DISABLE	1
#define UGPIO_BIAS_PULL_UP	2
#define UGPIO_BIAS_PULL_DOWN	3

/*
 * What a consumer of the chip did, one record per read() slot: read()
 * returns as many whole records as fit in its buffer and are queued.
 * The first record after UGPIO_MSG_CREATE is UGPIO_EV_CHIP.
 * @seqno numbers the records of the chip from 1; @lost counts the
 * records dropped just before this one because the process did not read.
 * A line that lost records has its state said again once the queue has
 * drained: UGPIO_EV_RELEASE, or UGPIO_EV_REQUEST and then UGPIO_EV_INPUT
 * or UGPIO_EV_OUTPUT at its level (not its bias).
 */
struct ugpio_event {
	__u32 type;			/* UGPIO_EV_* */
	__u32 offset;
	__u32 level;			/* UGPIO_EV_OUTPUT, UGPIO_EV_SET */
	__u32 value;			/* UGPIO_EV_BIAS: UGPIO_BIAS_* */
	__u64 seqno;
	__u64 timestamp_ns;		/* CLOCK_MONOTONIC */
	__u32 lost;
	__u32 padding;
	/*
	 * UGPIO_EV_REQUEST and UGPIO_EV_OUTPUT: the consumer's label, as
	 * it is when the record is read ("" if the line was released, or,
	 * for UGPIO_EV_REQUEST, if gpiolib has not set it yet: kernels
	 * from 6.9 set it after the request); UGPIO_EV_CHIP: the chip's
	 * device, "gpiochipN" (/dev/gpiochipN).
	 */
	char name[UGPIO_NAME_SIZE];
};

#endif /* _UAPI_LINUX_UGPIO_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * ugpio: GPIO chips implemented in userspace.
 *
 * A process opens /dev/ugpio and writes UGPIO_MSG_CREATE: the kernel
 * registers a gpio_chip with an irqchip, and its consumers (the GPIO
 * character device, libgpiod, drivers) use it like any other.  The
 * kernel keeps every line's level and configuration itself, so that no
 * gpio_chip or irq_chip callback ever waits for the process: what a
 * consumer does is recorded and queued as a struct ugpio_event for the
 * process to read(), and what the process writes (new levels, a line
 * now driven by the hardware it stands for) takes effect at once, each
 * level change an edge for the consumers that watch the line, raised in
 * the writing thread and handled before the next.  Closing
 * the file removes the chip.  The message format is in ugpio.h and
 * docs/ugpio.md.
 */

#include <linux/bitmap.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/kfifo.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/poll.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "ugpio.h"
#include "ugpio-msg.h"

/* Records queued for the process; a power of two, for kfifo. */
#define UGPIO_QUEUE_LEN		1024

/* What a line whose records were dropped must still say, in order. */
enum ugpio_resync {
	UGPIO_RESYNC_NONE,
	UGPIO_RESYNC_OWNER,	/* requested or released */
	UGPIO_RESYNC_DRIVE,	/* input or output, and the level */
};

struct ugpio_line_state {
	u32 flags;		/* UGPIO_LINE_* as the process said */
	bool level;
	bool requested;
	bool host_output;	/* a consumer drives the line */
	bool irq_unmasked;
	unsigned int irq_type;	/* IRQ_TYPE_EDGE_* */
	u32 bias;		/* UGPIO_BIAS_*, 0 for none asked */
	/* Records of this line were dropped: say its whole state again. */
	enum ugpio_resync resync;
	/* Its direction flag in gpiolib is stale: refresh it. */
	bool stale_direction;
	/*
	 * UGPIO_LINE_BUSY: our own request of the line in the name of
	 * @busy_by, and whether the callbacks now run for it.
	 */
	struct gpio_desc *own;
	struct task_struct *own_task;	/* ours, while we call gpiolib */
	char busy_by[UGPIO_NAME_SIZE];
	/* The consumer's label, where gpiolib sets it before request. */
	char label[UGPIO_NAME_SIZE];
	char own_label[UGPIO_NAME_SIZE];
};

static struct miscdevice ugpio_misc;

/*
 * The registered chips, whose devices are the misc device's children:
 * a new child is the chip just registered.
 */
static DEFINE_MUTEX(ugpio_chips_lock);
static LIST_HEAD(ugpio_chips);

struct ugpio_chip {
	/* Serialises the process's messages and the chip's life. */
	struct mutex lock;
	/* Protects @lines and @queue, taken from any context. */
	spinlock_t state_lock;
	struct gpio_chip gc;
	bool registered;
	struct list_head node;	/* in ugpio_chips, while registered */
	char device[UGPIO_NAME_SIZE];	/* "gpiochipN" */
	char label[UGPIO_NAME_SIZE];
	/*
	 * The line names, as a software node's "gpio-line-names": gpiolib
	 * takes them from there without comparing them with other chips'
	 * names, which on 6.1 trips over chips removed while in use.
	 */
	struct fwnode_handle *fwnode;
	unsigned int nlines;
	struct ugpio_line_state *lines;
	DECLARE_KFIFO_PTR(queue, struct ugpio_event);
	u32 lost;		/* records dropped since the last one queued */
	bool any_dirty;
	u64 seqno;		/* of the last record read */
	wait_queue_head_t wait;
	struct work_struct refresh_work;
	/*
	 * The file is closed: the chip only waits, refusing everything,
	 * for the interrupts that consumers still hold to be freed, as
	 * its irq domain cannot go while they are; then it is removed.
	 */
	bool dead;
	unsigned int irqs_held;
	bool removing;		/* the removal was started, once */
	struct work_struct remove_work;
	struct list_head grave;	/* in ugpio_graves, once removed */
};

static struct workqueue_struct *ugpio_wq;

/*
 * Before 6.9, gpiolib calls a chip's callbacks without any protection
 * against its removal: a removed chip's memory is kept until the module
 * goes.  (Kbuild tells the kernels apart by gpio_device_get_desc(),
 * which came in 6.7, just before the protection: no Debian kernel is a
 * 6.7 or 6.8.)
 */
static LIST_HEAD(ugpio_graves);
static DEFINE_MUTEX(ugpio_graves_lock);
#ifdef UGPIO_HAVE_GPIO_DEVICE_GET_DESC
#define UGPIO_KEEP_REMOVED	false
#else
#define UGPIO_KEEP_REMOVED	true
#endif

/*
 * Kernel differences, as Kbuild found them in the headers: gpiolib's
 * way to a line's descriptor and to its consumer's label changed in 6.8.
 */

#ifdef UGPIO_HAVE_GPIO_DEVICE_GET_DESC
static struct gpio_desc *ugpio_desc(struct gpio_chip *gc, unsigned int offset)
{
	return gpio_device_get_desc(gc->gpiodev, offset);
}
#else
/* Exported by gpiolib, but declared only in its private header. */
struct gpio_desc *gpiochip_get_desc(struct gpio_chip *gc, unsigned int hwnum);

static struct gpio_desc *ugpio_desc(struct gpio_chip *gc, unsigned int offset)
{
	return gpiochip_get_desc(gc, offset);
}
#endif

#ifdef UGPIO_HAVE_DUP_LINE_LABEL
static void ugpio_consumer(struct gpio_chip *gc, unsigned int offset,
			   char *buf)
{
	char *label = gpiochip_dup_line_label(gc, offset);

	strscpy(buf, IS_ERR_OR_NULL(label) ? "" : label, UGPIO_NAME_SIZE);
	if (!IS_ERR_OR_NULL(label))
		kfree(label);
}
#else
/*
 * The label gpiolib set before calling our request callback, which
 * copied it: the consumer frees its own string right after release.
 */
static void ugpio_copy_label(struct gpio_chip *gc, unsigned int offset,
			     char *buf)
{
	const char *label = gpiochip_is_requested(gc, offset);

	strscpy(buf, label ? label : "", UGPIO_NAME_SIZE);
}

static void ugpio_consumer(struct gpio_chip *gc, unsigned int offset,
			   char *buf);
#endif

/* The queue of records for the process */

/* Queue a record for @offset; with @state_lock held. */
static void ugpio_queue(struct ugpio_chip *uc, u32 type, unsigned int offset,
			u32 level, u32 value)
{
	struct ugpio_event ev = {
		.type = type,
		.offset = offset,
		.level = level,
		.value = value,
		.timestamp_ns = ktime_get_ns(),
	};

	lockdep_assert_held(&uc->state_lock);
	if (kfifo_is_full(&uc->queue)) {
		/* The line's state is sent again once there is room. */
		uc->lines[offset].resync = UGPIO_RESYNC_OWNER;
		uc->any_dirty = true;
		uc->lost++;
	} else {
		ev.lost = uc->lost;
		uc->lost = 0;
		kfifo_put(&uc->queue, ev);
	}
	wake_up_interruptible(&uc->wait);
}

/* gpio_chip callbacks: they never wait for the process */

/* Is gpiolib calling us for our own request of the line? */
static bool ugpio_own_call(struct ugpio_line_state *line)
{
	return READ_ONCE(line->own_task) == current;
}

static int ugpio_request(struct gpio_chip *gc, unsigned int offset)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	struct ugpio_line_state *line = &uc->lines[offset];
	unsigned long flags;
	int ret = 0;

	if (ugpio_own_call(line))
		return 0;
	spin_lock_irqsave(&uc->state_lock, flags);
	if (uc->dead) {
		ret = -ENODEV;
	} else if (line->flags & UGPIO_LINE_BUSY) {
		ret = -EBUSY;	/* someone the kernel does not see has it */
	} else {
		line->requested = true;
#ifndef UGPIO_HAVE_DUP_LINE_LABEL
		ugpio_copy_label(gc, offset, line->label);
#endif
		ugpio_queue(uc, UGPIO_EV_REQUEST, offset, 0, 0);
	}
	spin_unlock_irqrestore(&uc->state_lock, flags);
	return ret;
}

static void ugpio_free(struct gpio_chip *gc, unsigned int offset)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	struct ugpio_line_state *line = &uc->lines[offset];
	unsigned long flags;
	bool last;

	if (ugpio_own_call(line))
		return;
	spin_lock_irqsave(&uc->state_lock, flags);
	line->requested = false;
	line->host_output = false;
	line->bias = 0;
	/*
	 * gpiolib keeps the direction the consumer left; the line's is
	 * the hardware's again, which gpiolib learns from process context.
	 */
	line->stale_direction = true;
	ugpio_queue(uc, UGPIO_EV_RELEASE, offset, 0, 0);
	last = uc->dead && !uc->irqs_held && !uc->removing;
	if (last)
		uc->removing = true;
	spin_unlock_irqrestore(&uc->state_lock, flags);
	/*
	 * A consumer frees its interrupt before its line: once a closed
	 * chip's last one is gone, and its free_irq() over, the chip goes.
	 */
	if (last)
		queue_work(ugpio_wq, &uc->remove_work);
	else
		schedule_work(&uc->refresh_work);
}

static int ugpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	struct ugpio_line_state *line = &uc->lines[offset];

	/*
	 * A requested line goes the way its consumer set it: a line that
	 * the hardware drives is an input to whoever reads it.  Others
	 * show which side drives them.
	 */
	if (READ_ONCE(line->requested))
		return READ_ONCE(line->host_output) ? GPIO_LINE_DIRECTION_OUT :
						      GPIO_LINE_DIRECTION_IN;
	if (READ_ONCE(line->flags) & UGPIO_LINE_DRIVEN)
		return GPIO_LINE_DIRECTION_OUT;
	return GPIO_LINE_DIRECTION_IN;
}

static int ugpio_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;

	if (READ_ONCE(uc->dead))
		return -ENODEV;
	spin_lock_irqsave(&uc->state_lock, flags);
	uc->lines[offset].host_output = false;
	ugpio_queue(uc, UGPIO_EV_INPUT, offset, 0, 0);
	spin_unlock_irqrestore(&uc->state_lock, flags);
	return 0;
}

static int ugpio_direction_output(struct gpio_chip *gc, unsigned int offset,
				  int value)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	struct ugpio_line_state *line = &uc->lines[offset];
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&uc->state_lock, flags);
	if (uc->dead) {
		ret = -ENODEV;
	} else if (line->flags & UGPIO_LINE_DRIVEN) {
		ret = -EPERM;	/* the hardware drives it */
	} else if (line->flags & UGPIO_LINE_BUSY) {
		ret = -EBUSY;	/* someone the kernel does not see drives it */
	} else {
		line->host_output = true;
		line->level = !!value;
		ugpio_queue(uc, UGPIO_EV_OUTPUT, offset, line->level, 0);
	}
	spin_unlock_irqrestore(&uc->state_lock, flags);
	return ret;
}

static int ugpio_get(struct gpio_chip *gc, unsigned int offset)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);

	if (READ_ONCE(uc->dead))
		return -ENODEV;
	return READ_ONCE(uc->lines[offset].level);
}

static int ugpio_get_multiple(struct gpio_chip *gc, unsigned long *mask,
			      unsigned long *bits)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned int offset;

	if (READ_ONCE(uc->dead))
		return -ENODEV;
	for_each_set_bit(offset, mask, gc->ngpio)
		__assign_bit(offset, bits, READ_ONCE(uc->lines[offset].level));
	return 0;
}

/* With @state_lock held. */
static void ugpio_set_locked(struct ugpio_chip *uc, unsigned int offset,
			     int value)
{
	struct ugpio_line_state *line = &uc->lines[offset];

	/* gpiolib only sets lines that a consumer made outputs. */
	if (!line->host_output || uc->dead)
		return;
	line->level = !!value;
	ugpio_queue(uc, UGPIO_EV_SET, offset, line->level, 0);
}

static void ugpio_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;

	spin_lock_irqsave(&uc->state_lock, flags);
	ugpio_set_locked(uc, offset, value);
	spin_unlock_irqrestore(&uc->state_lock, flags);
}

static void ugpio_set_multiple(struct gpio_chip *gc, unsigned long *mask,
			       unsigned long *bits)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned int offset;
	unsigned long flags;

	spin_lock_irqsave(&uc->state_lock, flags);
	for_each_set_bit(offset, mask, gc->ngpio)
		ugpio_set_locked(uc, offset, test_bit(offset, bits));
	spin_unlock_irqrestore(&uc->state_lock, flags);
}

static int ugpio_set_config(struct gpio_chip *gc, unsigned int offset,
			    unsigned long config)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;
	u32 bias;

	switch (pinconf_to_config_param(config)) {
	case PIN_CONFIG_BIAS_DISABLE:
		bias = UGPIO_BIAS_DISABLE;
		break;
	case PIN_CONFIG_BIAS_PULL_UP:
		bias = UGPIO_BIAS_PULL_UP;
		break;
	case PIN_CONFIG_BIAS_PULL_DOWN:
		bias = UGPIO_BIAS_PULL_DOWN;
		break;
	default:
		/* gpiolib emulates open drain/source and debounce itself. */
		return -ENOTSUPP;
	}
	spin_lock_irqsave(&uc->state_lock, flags);
	uc->lines[offset].bias = bias;
	ugpio_queue(uc, UGPIO_EV_BIAS, offset, 0, bias);
	spin_unlock_irqrestore(&uc->state_lock, flags);
	return 0;
}

static int ugpio_init_valid_mask(struct gpio_chip *gc, unsigned long *valid,
				 unsigned int ngpios)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned int offset;

	for (offset = 0; offset < ngpios; offset++)
		__assign_bit(offset, valid,
			     !(uc->lines[offset].flags & UGPIO_LINE_ABSENT));
	return 0;
}

/* The irqchip: edges are raised by the process's level changes */

static void ugpio_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	WRITE_ONCE(uc->lines[hwirq].irq_unmasked, false);
	gpiochip_disable_irq(gc, hwirq);
}

static void ugpio_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);

	gpiochip_enable_irq(gc, hwirq);
	WRITE_ONCE(uc->lines[hwirq].irq_unmasked, true);
}

static int ugpio_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct ugpio_chip *uc = gpiochip_get_data(gc);

	/* Only edges: a level interrupt would need the process to ack. */
	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;
	WRITE_ONCE(uc->lines[irqd_to_hwirq(d)].irq_type, type);
	return 0;
}

/* A consumer takes the line's interrupt: the chip cannot go until freed. */
static int ugpio_irq_reqres(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&uc->state_lock, flags);
	if (uc->dead) {
		spin_unlock_irqrestore(&uc->state_lock, flags);
		return -ENODEV;
	}
	uc->irqs_held++;
	spin_unlock_irqrestore(&uc->state_lock, flags);

	ret = gpiochip_irq_reqres(d);
	if (ret) {
		spin_lock_irqsave(&uc->state_lock, flags);
		uc->irqs_held--;
		spin_unlock_irqrestore(&uc->state_lock, flags);
	}
	return ret;
}

/*
 * Not the place to remove a closed chip: free_irq() still uses the irq
 * after this returns.  The consumer's release of its line does it.
 */
static void ugpio_irq_relres(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;

	/* Before gpiochip_irq_relres() lets go of the module. */
	spin_lock_irqsave(&uc->state_lock, flags);
	uc->irqs_held--;
	spin_unlock_irqrestore(&uc->state_lock, flags);
	gpiochip_irq_relres(d);
}

static const struct irq_chip ugpio_irq_chip = {
	.name = "ugpio",
	.irq_mask = ugpio_irq_mask,
	.irq_unmask = ugpio_irq_unmask,
	.irq_set_type = ugpio_irq_set_type,
	.irq_request_resources = ugpio_irq_reqres,
	.irq_release_resources = ugpio_irq_relres,
	.flags = IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE,
};

/*
 * Give @offset the level @level.  A change is an edge: if a consumer
 * watches it, its interrupt fires now, and we wait for its threaded
 * handler too, which reads the level to tell rising from falling, so
 * that each edge is seen at its own level before the next change.
 */
static void ugpio_change_level(struct ugpio_chip *uc, unsigned int offset,
			       bool level)
{
	struct ugpio_line_state *line = &uc->lines[offset];
	unsigned int edge = level ? IRQ_TYPE_EDGE_RISING :
				    IRQ_TYPE_EDGE_FALLING;
	unsigned long flags;
	unsigned int irq;
	bool fire;

	spin_lock_irqsave(&uc->state_lock, flags);
	if (line->level == level ||
	    (line->host_output && !(line->flags & UGPIO_LINE_DRIVEN))) {
		/* A consumer that drives an input decides its level. */
		spin_unlock_irqrestore(&uc->state_lock, flags);
		return;
	}
	line->level = level;
	fire = line->irq_unmasked && (line->irq_type & edge);
	spin_unlock_irqrestore(&uc->state_lock, flags);

	if (!fire)
		return;
	irq = irq_find_mapping(uc->gc.irq.domain, offset);
	if (!irq)
		return;
	generic_handle_domain_irq_safe(uc->gc.irq.domain, offset);
	synchronize_irq(irq);
}

/*
 * Hold or let go of @offset in the name of whoever drives it where the
 * kernel cannot see (UGPIO_LINE_BUSY), so that consumers see the line
 * used, by that name, and cannot request it.  A line that a consumer
 * holds already stays the consumer's.
 */
/* Let go of our own request of @line. */
static void ugpio_drop_own(struct ugpio_line_state *line)
{
	WRITE_ONCE(line->own_task, current);
	gpiochip_free_own_desc(line->own);
	WRITE_ONCE(line->own_task, NULL);
	line->own = NULL;
}

static void ugpio_apply_busy(struct ugpio_chip *uc, unsigned int offset)
{
	struct ugpio_line_state *line = &uc->lines[offset];
	bool busy = line->flags & UGPIO_LINE_BUSY;
	struct gpio_desc *desc;

	lockdep_assert_held(&uc->lock);
	if (line->own) {
		if (busy && !strcmp(line->own_label, line->busy_by[0] ?
						  line->busy_by : "?"))
			return;
		ugpio_drop_own(line);
	}
	if (!busy || READ_ONCE(line->requested))
		return;
	/* Before 6.9 gpiolib keeps the pointer: it must stay as it is. */
	strscpy(line->own_label, line->busy_by[0] ? line->busy_by : "?",
		sizeof(line->own_label));
	WRITE_ONCE(line->own_task, current);
	desc = gpiochip_request_own_desc(&uc->gc, offset, line->own_label,
					 GPIO_LOOKUP_FLAGS_DEFAULT, GPIOD_ASIS);
	WRITE_ONCE(line->own_task, NULL);
	if (!IS_ERR(desc))
		line->own = desc;
}

static void ugpio_release_own(struct ugpio_chip *uc)
{
	unsigned int offset;

	for (offset = 0; offset < uc->nlines; offset++) {
		struct ugpio_line_state *line = &uc->lines[offset];

		if (line->own)
			ugpio_drop_own(line);
	}
}

/* Refresh gpiolib's idea of unrequested lines' directions. */
static void ugpio_refresh_directions(struct ugpio_chip *uc)
{
	unsigned int offset;
	unsigned long flags;
	bool stale;

	lockdep_assert_held(&uc->lock);
	if (!uc->registered)
		return;
	for (offset = 0; offset < uc->nlines; offset++) {
		spin_lock_irqsave(&uc->state_lock, flags);
		stale = uc->lines[offset].stale_direction &&
			!uc->lines[offset].requested;
		uc->lines[offset].stale_direction = false;
		spin_unlock_irqrestore(&uc->state_lock, flags);
		if (stale)
			gpiod_get_direction(ugpio_desc(&uc->gc, offset));
		/* A consumer let go of a line that someone else holds. */
		if (!uc->dead && !uc->lines[offset].own)
			ugpio_apply_busy(uc, offset);
	}
}

static void ugpio_refresh_work(struct work_struct *work)
{
	struct ugpio_chip *uc = container_of(work, struct ugpio_chip,
					     refresh_work);

	mutex_lock(&uc->lock);
	ugpio_refresh_directions(uc);
	mutex_unlock(&uc->lock);
}

/* Messages from the process */

static int ugpio_register(struct ugpio_chip *uc)
{
	struct gpio_chip *gc = &uc->gc;
	struct gpio_irq_chip *girq = &gc->irq;

	gc->label = uc->label;
	gc->parent = ugpio_misc.this_device;
	gc->owner = THIS_MODULE;
	gc->base = -1;
	gc->ngpio = uc->nlines;
	gc->fwnode = uc->fwnode;
	gc->can_sleep = false;
	gc->request = ugpio_request;
	gc->free = ugpio_free;
	gc->get_direction = ugpio_get_direction;
	gc->direction_input = ugpio_direction_input;
	gc->direction_output = ugpio_direction_output;
	gc->get = ugpio_get;
	gc->get_multiple = ugpio_get_multiple;
	gc->set = ugpio_set;
	gc->set_multiple = ugpio_set_multiple;
	gc->set_config = ugpio_set_config;
	gc->init_valid_mask = ugpio_init_valid_mask;

	gpio_irq_chip_set_chip(girq, &ugpio_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;

	return gpiochip_add_data(gc, uc);
}

/* A child of the misc device that no registered chip has: @data's. */
static int ugpio_claim_device(struct device *dev, void *data)
{
	struct ugpio_chip *uc = data, *other;

	if (strncmp(dev_name(dev), "gpiochip", 8))
		return 0;
	list_for_each_entry(other, &ugpio_chips, node) {
		if (!strcmp(other->device, dev_name(dev)))
			return 0;
	}
	strscpy(uc->device, dev_name(dev), sizeof(uc->device));
	return 1;
}

/* Register the chip and learn its device's name. */
static int ugpio_add(struct ugpio_chip *uc)
{
	unsigned long flags;
	int ret;

	mutex_lock(&ugpio_chips_lock);
	ret = ugpio_register(uc);
	if (!ret) {
		device_for_each_child(ugpio_misc.this_device, uc,
				      ugpio_claim_device);
		list_add(&uc->node, &ugpio_chips);
		uc->registered = true;
	}
	mutex_unlock(&ugpio_chips_lock);
	if (ret)
		return ret;

	spin_lock_irqsave(&uc->state_lock, flags);
	ugpio_queue(uc, UGPIO_EV_CHIP, 0, 0, 0);
	spin_unlock_irqrestore(&uc->state_lock, flags);
	return 0;
}

static void ugpio_remove(struct ugpio_chip *uc)
{
	mutex_lock(&ugpio_chips_lock);
	if (uc->registered) {
		gpiochip_remove(&uc->gc);
		list_del(&uc->node);
	}
	uc->registered = false;
	mutex_unlock(&ugpio_chips_lock);
}

/* The software node that names the lines; "" is no name. */
static int ugpio_name_lines(struct ugpio_chip *uc,
			    const struct ugpio_line *desc, unsigned int n)
{
	struct property_entry props[2] = {};
	const char **names;
	unsigned int i;

	names = kcalloc(n, sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		names[i] = desc[i].name;
	props[0] = PROPERTY_ENTRY_STRING_ARRAY_LEN("gpio-line-names", names, n);
	/* The node keeps copies of the names. */
	uc->fwnode = fwnode_create_software_node(props, NULL);
	kfree(names);
	if (IS_ERR(uc->fwnode)) {
		int ret = PTR_ERR(uc->fwnode);

		uc->fwnode = NULL;
		return ret;
	}
	return 0;
}

static int ugpio_create(struct ugpio_chip *uc, const void *buf, size_t size)
{
	const struct ugpio_create *msg = buf;
	const struct ugpio_line *desc = (const void *)(msg + 1);
	unsigned int i, n;
	int ret;

	if (uc->registered)
		return -EBUSY;
	ret = ugpio_check_create(buf, size);
	if (ret)
		return ret;
	n = msg->nlines;

	uc->lines = kcalloc(n, sizeof(*uc->lines), GFP_KERNEL);
	if (!uc->lines)
		return -ENOMEM;
	ret = ugpio_name_lines(uc, desc, n);
	if (ret)
		goto fail;
	strscpy(uc->label, msg->label, sizeof(uc->label));
	for (i = 0; i < n; i++) {
		uc->lines[i].flags = desc[i].flags;
		uc->lines[i].level = desc[i].level;
		strscpy(uc->lines[i].busy_by, desc[i].consumer, UGPIO_NAME_SIZE);
	}
	uc->nlines = n;

	ret = ugpio_add(uc);
	if (ret)
		goto fail;
	for (i = 0; i < n; i++)
		ugpio_apply_busy(uc, i);
	return 0;

fail:
	if (!IS_ERR_OR_NULL(uc->fwnode))
		fwnode_remove_software_node(uc->fwnode);
	uc->fwnode = NULL;
	kfree(uc->lines);
	uc->lines = NULL;
	return ret;
}

static int ugpio_levels(struct ugpio_chip *uc, const void *buf, size_t size)
{
	const struct ugpio_levels *msg = buf;
	const struct ugpio_level *change = (const void *)(msg + 1);
	unsigned int i;

	if (!uc->registered)
		return -ENODEV;
	if (ugpio_check_levels(buf, size, uc->nlines))
		return -EINVAL;
	for (i = 0; i < msg->count; i++)
		ugpio_change_level(uc, change[i].offset, change[i].level);
	return 0;
}

static int ugpio_line(struct ugpio_chip *uc, const void *buf, size_t size)
{
	const struct ugpio_line_msg *msg = buf;
	struct ugpio_line_state *line;
	unsigned long flags;

	if (!uc->registered)
		return -ENODEV;
	if (ugpio_check_line(buf, size, uc->nlines))
		return -EINVAL;
	line = &uc->lines[msg->offset];
	if (line->flags & UGPIO_LINE_ABSENT)
		return -EINVAL;

	spin_lock_irqsave(&uc->state_lock, flags);
	line->flags = msg->flags;
	line->stale_direction = true;
	spin_unlock_irqrestore(&uc->state_lock, flags);
	strscpy(line->busy_by, msg->consumer, sizeof(line->busy_by));
	ugpio_apply_busy(uc, msg->offset);
	ugpio_refresh_directions(uc);
	ugpio_change_level(uc, msg->offset, msg->level);
	return 0;
}

#ifndef UGPIO_HAVE_DUP_LINE_LABEL
static void ugpio_consumer(struct gpio_chip *gc, unsigned int offset,
			   char *buf)
{
	struct ugpio_chip *uc = gpiochip_get_data(gc);
	unsigned long flags;

	spin_lock_irqsave(&uc->state_lock, flags);
	strscpy(buf, uc->lines[offset].label, UGPIO_NAME_SIZE);
	spin_unlock_irqrestore(&uc->state_lock, flags);
}
#endif

/* The misc device */

static void ugpio_free_memory(struct ugpio_chip *uc)
{
	kfifo_free(&uc->queue);
	kfree(uc->lines);
	if (!IS_ERR_OR_NULL(uc->fwnode))
		fwnode_remove_software_node(uc->fwnode);
	kfree(uc);
}

static void ugpio_free_chip(struct ugpio_chip *uc)
{
	bool keep;

	mutex_lock(&uc->lock);
	keep = UGPIO_KEEP_REMOVED && uc->registered;
	ugpio_remove(uc);
	mutex_unlock(&uc->lock);
	cancel_work_sync(&uc->refresh_work);

	if (keep) {
		mutex_lock(&ugpio_graves_lock);
		list_add(&uc->grave, &ugpio_graves);
		mutex_unlock(&ugpio_graves_lock);
		return;
	}
	ugpio_free_memory(uc);
}

static void ugpio_remove_work(struct work_struct *work)
{
	ugpio_free_chip(container_of(work, struct ugpio_chip, remove_work));
}

/*
 * Closing the file ends the chip: at once, unless consumers still hold
 * interrupts of it, in which case it refuses everything until the last
 * one is freed.
 */
static int ugpio_release(struct inode *inode, struct file *file)
{
	struct ugpio_chip *uc = file->private_data;
	unsigned long flags;
	bool now;

	mutex_lock(&uc->lock);
	if (uc->registered)
		ugpio_release_own(uc);
	mutex_unlock(&uc->lock);

	spin_lock_irqsave(&uc->state_lock, flags);
	uc->dead = true;
	now = !uc->irqs_held;
	uc->removing = now;
	spin_unlock_irqrestore(&uc->state_lock, flags);
	if (now)
		ugpio_free_chip(uc);
	return 0;
}

static int ugpio_open(struct inode *inode, struct file *file)
{
	struct ugpio_chip *uc;
	int ret;

	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc)
		return -ENOMEM;
	ret = kfifo_alloc(&uc->queue, UGPIO_QUEUE_LEN, GFP_KERNEL);
	if (ret) {
		kfree(uc);
		return ret;
	}
	mutex_init(&uc->lock);
	spin_lock_init(&uc->state_lock);
	init_waitqueue_head(&uc->wait);
	INIT_WORK(&uc->refresh_work, ugpio_refresh_work);
	INIT_WORK(&uc->remove_work, ugpio_remove_work);
	file->private_data = uc;
	return stream_open(inode, file);
}

static ssize_t ugpio_write(struct file *file, const char __user *ubuf,
			   size_t size, loff_t *ppos)
{
	struct ugpio_chip *uc = file->private_data;
	struct ugpio_msg_hdr hdr;
	void *buf;
	int ret;

	if (size < sizeof(hdr))
		return -EINVAL;
	if (copy_from_user(&hdr, ubuf, sizeof(hdr)))
		return -EFAULT;
	if (ugpio_check_header(&hdr, size) < 0)
		return -EINVAL;
	buf = memdup_user(ubuf, size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&uc->lock);
	switch (hdr.type) {
	case UGPIO_MSG_CREATE:
		ret = ugpio_create(uc, buf, size);
		break;
	case UGPIO_MSG_LEVELS:
		ret = ugpio_levels(uc, buf, size);
		break;
	case UGPIO_MSG_LINE:
		ret = ugpio_line(uc, buf, size);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	mutex_unlock(&uc->lock);
	kfree(buf);
	return ret ? ret : size;
}

/*
 * Take the next record into @ev: a queued one, else, after records were
 * dropped, one of those that say the state of a line that lost some:
 * released, or requested and then an input or an output at its level.
 * With @state_lock held; false if there is none.
 */
static bool ugpio_next_record(struct ugpio_chip *uc, struct ugpio_event *ev)
{
	struct ugpio_line_state *line;
	unsigned int offset;

	if (kfifo_get(&uc->queue, ev))
		return true;
	if (!uc->any_dirty)
		return false;
	for (offset = 0; offset < uc->nlines; offset++) {
		line = &uc->lines[offset];
		if (line->resync == UGPIO_RESYNC_NONE)
			continue;
		memset(ev, 0, sizeof(*ev));
		ev->offset = offset;
		ev->timestamp_ns = ktime_get_ns();
		ev->lost = uc->lost;
		uc->lost = 0;
		if (!line->requested) {
			ev->type = UGPIO_EV_RELEASE;
			line->resync = UGPIO_RESYNC_NONE;
		} else if (line->resync == UGPIO_RESYNC_OWNER) {
			ev->type = UGPIO_EV_REQUEST;
			line->resync = UGPIO_RESYNC_DRIVE;
		} else {
			ev->type = line->host_output ? UGPIO_EV_OUTPUT :
						       UGPIO_EV_INPUT;
			ev->level = line->level;
			line->resync = UGPIO_RESYNC_NONE;
		}
		return true;
	}
	uc->any_dirty = false;
	return false;
}

static bool ugpio_readable(struct ugpio_chip *uc)
{
	return !kfifo_is_empty(&uc->queue) || READ_ONCE(uc->any_dirty);
}

static ssize_t ugpio_read(struct file *file, char __user *ubuf, size_t size,
			  loff_t *ppos)
{
	struct ugpio_chip *uc = file->private_data;
	struct ugpio_event ev;
	unsigned long flags;
	size_t done = 0;
	bool got;
	int ret;

	if (size < sizeof(ev))
		return -EINVAL;
	do {
		while (!ugpio_readable(uc)) {
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			ret = wait_event_interruptible(uc->wait,
						       ugpio_readable(uc));
			if (ret)
				return ret;
		}

		mutex_lock(&uc->lock);
		while (done + sizeof(ev) <= size) {
			spin_lock_irqsave(&uc->state_lock, flags);
			got = ugpio_next_record(uc, &ev);
			spin_unlock_irqrestore(&uc->state_lock, flags);
			if (!got)
				break;
			ev.seqno = ++uc->seqno;
			/*
			 * Labels are read now: gpiolib may set one only
			 * after our request callback, never after it
			 * calls direction_output.
			 */
			if ((ev.type == UGPIO_EV_REQUEST ||
			     ev.type == UGPIO_EV_OUTPUT) && uc->registered)
				ugpio_consumer(&uc->gc, ev.offset, ev.name);
			if (ev.type == UGPIO_EV_CHIP)
				strscpy(ev.name, uc->device, sizeof(ev.name));
			if (copy_to_user(ubuf + done, &ev, sizeof(ev))) {
				mutex_unlock(&uc->lock);
				return done ? done : -EFAULT;
			}
			done += sizeof(ev);
		}
		mutex_unlock(&uc->lock);
	} while (!done);
	return done;
}

static __poll_t ugpio_poll(struct file *file, poll_table *wait)
{
	struct ugpio_chip *uc = file->private_data;

	poll_wait(file, &uc->wait, wait);
	return EPOLLOUT | EPOLLWRNORM |
	       (ugpio_readable(uc) ? EPOLLIN | EPOLLRDNORM : 0);
}

static const struct file_operations ugpio_fops = {
	.owner = THIS_MODULE,
	.open = ugpio_open,
	.release = ugpio_release,
	.read = ugpio_read,
	.write = ugpio_write,
	.poll = ugpio_poll,
};

static struct miscdevice ugpio_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ugpio",
	.fops = &ugpio_fops,
	.mode = 0600,
};

static int __init ugpio_init(void)
{
	int ret;

	ugpio_wq = alloc_workqueue("ugpio", 0, 0);
	if (!ugpio_wq)
		return -ENOMEM;
	ret = misc_register(&ugpio_misc);
	if (ret)
		destroy_workqueue(ugpio_wq);
	return ret;
}
module_init(ugpio_init);

static void __exit ugpio_exit(void)
{
	struct ugpio_chip *uc, *next;

	destroy_workqueue(ugpio_wq);
	/*
	 * Every file is closed: what is left are closed chips whose last
	 * interrupt was freed by someone who held no line of it, children
	 * of the misc device, and removed chips kept for old kernels.
	 */
	list_for_each_entry_safe(uc, next, &ugpio_chips, node)
		ugpio_free_chip(uc);
	list_for_each_entry_safe(uc, next, &ugpio_graves, grave)
		ugpio_free_memory(uc);
	misc_deregister(&ugpio_misc);
}
module_exit(ugpio_exit);

MODULE_DESCRIPTION("GPIO chips implemented in userspace");
MODULE_AUTHOR("qemu-gpiodev developers");
MODULE_LICENSE("GPL");

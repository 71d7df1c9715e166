// SPDX-License-Identifier: LGPL-2.1-or-later
/* Line info, as the server's "line" replies and "config" events give it. */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct enum_name {
    const char *name;
    int value;
};

static int lookup(const struct enum_name *names, const char *name)
{
    for (; name && names->name; names++) {
        if (!strcmp(names->name, name)) {
            return names->value;
        }
    }
    return -1;
}

static const struct enum_name directions[] = {
    { "input", QGPIO_LINE_DIRECTION_INPUT },
    { "output", QGPIO_LINE_DIRECTION_OUTPUT },
    { NULL, 0 }
};

static const struct enum_name drives[] = {
    { "push-pull", QGPIO_LINE_DRIVE_PUSH_PULL },
    { "open-drain", QGPIO_LINE_DRIVE_OPEN_DRAIN },
    { "open-source", QGPIO_LINE_DRIVE_OPEN_SOURCE },
    { NULL, 0 }
};

static const struct enum_name biases[] = {
    { "unknown", QGPIO_LINE_BIAS_UNKNOWN },
    { "disabled", QGPIO_LINE_BIAS_DISABLED },
    { "pull-up", QGPIO_LINE_BIAS_PULL_UP },
    { "pull-down", QGPIO_LINE_BIAS_PULL_DOWN },
    { NULL, 0 }
};

static const struct enum_name interrupts[] = {
    { "none", QGPIO_LINE_INTERRUPT_NONE },
    { "rising", QGPIO_LINE_INTERRUPT_RISING },
    { "falling", QGPIO_LINE_INTERRUPT_FALLING },
    { "both", QGPIO_LINE_INTERRUPT_BOTH },
    { "level-high", QGPIO_LINE_INTERRUPT_LEVEL_HIGH },
    { "level-low", QGPIO_LINE_INTERRUPT_LEVEL_LOW },
    { NULL, 0 }
};

int qgpio_line_info_apply_config(struct qgpio_line_info *info,
                                 const struct qgpio_msg *msg)
{
    int direction = lookup(directions, qgpio_msg_get(msg, "direction"));
    int drive = lookup(drives, qgpio_msg_get(msg, "drive"));
    int bias = lookup(biases, qgpio_msg_get(msg, "bias"));
    int interrupt = lookup(interrupts, qgpio_msg_get(msg, "interrupt"));
    uint64_t level;

    if (direction < 0 || drive < 0 || bias < 0 || interrupt < 0 ||
        !qgpio_msg_get_u64(msg, "level", &level) || level > 1) {
        return qgpio_fail(EPROTO, "malformed line configuration from server");
    }
    info->direction = direction;
    info->drive = drive;
    info->bias = bias;
    info->interrupt = interrupt;
    info->value = level;
    return 0;
}

int qgpio_line_info_from_msg(const struct qgpio_msg *msg,
                             struct qgpio_line_info *info)
{
    const char *name = qgpio_msg_get(msg, "name");
    const char *present = qgpio_msg_get(msg, "present");
    const char *consumer = qgpio_msg_get(msg, "consumer");
    uint64_t offset;

    if (!qgpio_msg_get_u64(msg, "offset", &offset) || offset > UINT_MAX ||
        !name || !present || qgpio_line_info_apply_config(info, msg) < 0) {
        return qgpio_fail(EPROTO, "malformed line info from server");
    }
    info->offset = offset;
    info->present = !strcmp(present, "yes");
    if (qgpio_strdup(&info->name, *name ? name : NULL) < 0) {
        return -1;
    }
    if (qgpio_strdup(&info->consumer, consumer) < 0) {
        free(info->name);
        info->name = NULL;
        return -1;
    }
    return 0;
}

void qgpio_line_info_free(struct qgpio_line_info *info)
{
    if (info) {
        free(info->name);
        free(info->consumer);
        free(info);
    }
}

struct qgpio_line_info *qgpio_line_info_copy(struct qgpio_line_info *info)
{
    struct qgpio_line_info *copy = malloc(sizeof(*copy));

    if (!copy) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    *copy = *info;
    if (qgpio_strdup(&copy->name, info->name) < 0) {
        free(copy);
        return NULL;
    }
    if (qgpio_strdup(&copy->consumer, info->consumer) < 0) {
        free(copy->name);
        free(copy);
        return NULL;
    }
    return copy;
}

unsigned int qgpio_line_info_get_offset(struct qgpio_line_info *info)
{
    return info->offset;
}

const char *qgpio_line_info_get_name(struct qgpio_line_info *info)
{
    return info->name;
}

bool qgpio_line_info_is_present(struct qgpio_line_info *info)
{
    return info->present;
}

bool qgpio_line_info_is_used(struct qgpio_line_info *info)
{
    return info->consumer != NULL;
}

const char *qgpio_line_info_get_consumer(struct qgpio_line_info *info)
{
    return info->consumer;
}

enum qgpio_line_direction
qgpio_line_info_get_direction(struct qgpio_line_info *info)
{
    return info->direction;
}

enum qgpio_line_drive qgpio_line_info_get_drive(struct qgpio_line_info *info)
{
    return info->drive;
}

enum qgpio_line_bias qgpio_line_info_get_bias(struct qgpio_line_info *info)
{
    return info->bias;
}

enum qgpio_line_interrupt
qgpio_line_info_get_interrupt(struct qgpio_line_info *info)
{
    return info->interrupt;
}

enum qgpio_line_value qgpio_line_info_get_value(struct qgpio_line_info *info)
{
    return info->value;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Line settings, line config and request config. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *zalloc(size_t size)
{
    void *p = calloc(1, size);

    if (!p) {
        return qgpio_fail_null(ENOMEM, "out of memory");
    }
    return p;
}

/* Line settings */

struct qgpio_line_settings *qgpio_line_settings_new(void)
{
    struct qgpio_line_settings *settings = zalloc(sizeof(*settings));

    if (settings) {
        qgpio_line_settings_reset(settings);
    }
    return settings;
}

void qgpio_line_settings_free(struct qgpio_line_settings *settings)
{
    free(settings);
}

void qgpio_line_settings_reset(struct qgpio_line_settings *settings)
{
    *settings = (struct qgpio_line_settings) {
        .direction = QGPIO_LINE_DIRECTION_AS_IS,
        .edge = QGPIO_LINE_EDGE_NONE,
        .clock = QGPIO_LINE_CLOCK_GUEST,
        .output_value = QGPIO_LINE_VALUE_INACTIVE,
    };
}

struct qgpio_line_settings *
qgpio_line_settings_copy(struct qgpio_line_settings *settings)
{
    struct qgpio_line_settings *copy = zalloc(sizeof(*copy));

    if (copy) {
        *copy = *settings;
    }
    return copy;
}

int qgpio_line_settings_set_direction(struct qgpio_line_settings *settings,
                                      enum qgpio_line_direction direction)
{
    if (direction < QGPIO_LINE_DIRECTION_AS_IS ||
        direction > QGPIO_LINE_DIRECTION_OUTPUT) {
        return qgpio_fail(EINVAL, "invalid direction %d", direction);
    }
    settings->direction = direction;
    return 0;
}

enum qgpio_line_direction
qgpio_line_settings_get_direction(struct qgpio_line_settings *settings)
{
    return settings->direction;
}

int qgpio_line_settings_set_edge_detection(struct qgpio_line_settings *settings,
                                           enum qgpio_line_edge edge)
{
    if (edge < QGPIO_LINE_EDGE_NONE || edge > QGPIO_LINE_EDGE_BOTH) {
        return qgpio_fail(EINVAL, "invalid edge detection %d", edge);
    }
    settings->edge = edge;
    return 0;
}

enum qgpio_line_edge
qgpio_line_settings_get_edge_detection(struct qgpio_line_settings *settings)
{
    return settings->edge;
}

void qgpio_line_settings_set_active_low(struct qgpio_line_settings *settings,
                                        bool active_low)
{
    settings->active_low = active_low;
}

bool qgpio_line_settings_get_active_low(struct qgpio_line_settings *settings)
{
    return settings->active_low;
}

int qgpio_line_settings_set_event_clock(struct qgpio_line_settings *settings,
                                        enum qgpio_line_clock clock)
{
    if (clock != QGPIO_LINE_CLOCK_GUEST && clock != QGPIO_LINE_CLOCK_REALTIME) {
        return qgpio_fail(EINVAL, "invalid event clock %d", clock);
    }
    settings->clock = clock;
    return 0;
}

enum qgpio_line_clock
qgpio_line_settings_get_event_clock(struct qgpio_line_settings *settings)
{
    return settings->clock;
}

int qgpio_line_settings_set_output_value(struct qgpio_line_settings *settings,
                                         enum qgpio_line_value value)
{
    if (value != QGPIO_LINE_VALUE_INACTIVE && value != QGPIO_LINE_VALUE_ACTIVE) {
        return qgpio_fail(EINVAL, "invalid output value %d", value);
    }
    settings->output_value = value;
    return 0;
}

enum qgpio_line_value
qgpio_line_settings_get_output_value(struct qgpio_line_settings *settings)
{
    return settings->output_value;
}

/* Line config */

struct qgpio_line_config *qgpio_line_config_new(void)
{
    return zalloc(sizeof(struct qgpio_line_config));
}

void qgpio_line_config_reset(struct qgpio_line_config *config)
{
    free(config->offsets);
    free(config->settings);
    *config = (struct qgpio_line_config){ 0 };
}

void qgpio_line_config_free(struct qgpio_line_config *config)
{
    if (config) {
        qgpio_line_config_reset(config);
        free(config);
    }
}

static long config_index(struct qgpio_line_config *config, unsigned int offset)
{
    for (size_t i = 0; i < config->num; i++) {
        if (config->offsets[i] == offset) {
            return i;
        }
    }
    return -1;
}

/*
 * Make room for @more lines.  The arrays only grow, and the count stays,
 * so a failure half-way leaves the config as it was.
 */
static int config_reserve(struct qgpio_line_config *config, size_t more)
{
    size_t want = config->num + more;
    unsigned int *offsets;
    struct qgpio_line_settings *settings;

    if (more > SIZE_MAX / sizeof(*settings) - config->num) {
        return qgpio_fail(ENOMEM, "too many lines");
    }
    offsets = realloc(config->offsets, want * sizeof(*offsets));
    if (!offsets) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    config->offsets = offsets;
    settings = realloc(config->settings, want * sizeof(*settings));
    if (!settings) {
        return qgpio_fail(ENOMEM, "out of memory");
    }
    config->settings = settings;
    return 0;
}

int qgpio_line_config_add_line_settings(struct qgpio_line_config *config,
                                        const unsigned int *offsets,
                                        size_t num_offsets,
                                        struct qgpio_line_settings *settings)
{
    struct qgpio_line_settings defaults;

    if (!offsets || !num_offsets) {
        return qgpio_fail(EINVAL, "no offsets given");
    }
    if (!settings) {
        qgpio_line_settings_reset(&defaults);
        settings = &defaults;
    }
    /* Room for every offset first: a failure then changes nothing. */
    if (config_reserve(config, num_offsets) < 0) {
        return -1;
    }
    for (size_t i = 0; i < num_offsets; i++) {
        long idx = config_index(config, offsets[i]);

        if (idx < 0) {
            idx = config->num++;
            config->offsets[idx] = offsets[i];
        }
        config->settings[idx] = *settings;
    }
    return 0;
}

struct qgpio_line_settings *
qgpio_line_config_get_line_settings(struct qgpio_line_config *config,
                                    unsigned int offset)
{
    long idx = config_index(config, offset);

    if (idx < 0) {
        return qgpio_fail_null(ENOENT, "offset %u is not configured", offset);
    }
    return qgpio_line_settings_copy(&config->settings[idx]);
}

int qgpio_line_config_set_output_values(struct qgpio_line_config *config,
                                        const enum qgpio_line_value *values,
                                        size_t num_values)
{
    if (num_values > config->num) {
        return qgpio_fail(EINVAL, "%zu values for %zu lines", num_values,
                          config->num);
    }
    for (size_t i = 0; i < num_values; i++) {
        if (qgpio_line_settings_set_output_value(&config->settings[i],
                                                 values[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

size_t
qgpio_line_config_get_num_configured_offsets(struct qgpio_line_config *config)
{
    return config->num;
}

size_t qgpio_line_config_get_configured_offsets(struct qgpio_line_config *config,
                                                unsigned int *offsets,
                                                size_t max_offsets)
{
    size_t n = config->num < max_offsets ? config->num : max_offsets;

    if (n) {
        memcpy(offsets, config->offsets, n * sizeof(*offsets));
    }
    return n;
}

/* Request config */

struct qgpio_request_config *qgpio_request_config_new(void)
{
    struct qgpio_request_config *config = zalloc(sizeof(*config));

    if (config) {
        config->event_buffer_size = QGPIO_EVENT_BUFFER_SIZE_DEFAULT;
    }
    return config;
}

void qgpio_request_config_free(struct qgpio_request_config *config)
{
    if (config) {
        free(config->consumer);
        free(config);
    }
}

int qgpio_request_config_set_consumer(struct qgpio_request_config *config,
                                      const char *consumer)
{
    char *copy;

    if (qgpio_strdup(&copy, consumer) < 0) {
        return -1;
    }
    free(config->consumer);
    config->consumer = copy;
    return 0;
}

const char *
qgpio_request_config_get_consumer(struct qgpio_request_config *config)
{
    return config->consumer;
}

void
qgpio_request_config_set_event_buffer_size(struct qgpio_request_config *config,
                                           size_t event_buffer_size)
{
    if (!event_buffer_size) {
        event_buffer_size = QGPIO_EVENT_BUFFER_SIZE_DEFAULT;
    }
    if (event_buffer_size > QGPIO_EVENT_BUFFER_SIZE_MAX) {
        event_buffer_size = QGPIO_EVENT_BUFFER_SIZE_MAX;
    }
    config->event_buffer_size = event_buffer_size;
}

size_t
qgpio_request_config_get_event_buffer_size(struct qgpio_request_config *config)
{
    return config->event_buffer_size;
}

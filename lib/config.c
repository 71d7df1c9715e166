// SPDX-License-Identifier: LGPL-2.1-or-later
/* Line settings, line config and request config. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEFAULT_EVENT_BUFFER_SIZE 64

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        abort();
    }
    return p;
}

/* Line settings */

struct qgpio_line_settings *qgpio_line_settings_new(void)
{
    struct qgpio_line_settings *settings = xcalloc(1, sizeof(*settings));

    qgpio_line_settings_reset(settings);
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
    struct qgpio_line_settings *copy = xcalloc(1, sizeof(*copy));

    *copy = *settings;
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
    return xcalloc(1, sizeof(struct qgpio_line_config));
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
    for (size_t i = 0; i < num_offsets; i++) {
        long idx = config_index(config, offsets[i]);

        if (idx < 0) {
            config->offsets = realloc(config->offsets, (config->num + 1) *
                                      sizeof(*config->offsets));
            config->settings = realloc(config->settings, (config->num + 1) *
                                       sizeof(*config->settings));
            if (!config->offsets || !config->settings) {
                abort();
            }
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

    memcpy(offsets, config->offsets, n * sizeof(*offsets));
    return n;
}

/* Request config */

struct qgpio_request_config *qgpio_request_config_new(void)
{
    struct qgpio_request_config *config = xcalloc(1, sizeof(*config));

    config->event_buffer_size = DEFAULT_EVENT_BUFFER_SIZE;
    return config;
}

void qgpio_request_config_free(struct qgpio_request_config *config)
{
    if (config) {
        free(config->consumer);
        free(config);
    }
}

void qgpio_request_config_set_consumer(struct qgpio_request_config *config,
                                       const char *consumer)
{
    free(config->consumer);
    config->consumer = consumer ? strdup(consumer) : NULL;
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
    config->event_buffer_size = event_buffer_size ? event_buffer_size
                                                  : DEFAULT_EVENT_BUFFER_SIZE;
}

size_t
qgpio_request_config_get_event_buffer_size(struct qgpio_request_config *config)
{
    return config->event_buffer_size;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libqemu-gpio: drive and watch the GPIO lines of a QEMU machine from
 * the host, through a gpiodev socket.
 *
 * The API follows libgpiod v2: open a chip, read its info and its lines'
 * info, watch line info for changes, and request lines with settings to
 * drive them or to receive their edge events.  A "chip" here is one
 * gpiodev, reached through its socket, and "the guest" is whatever runs
 * in the machine and programs the emulated controller.
 *
 * Directions, seen from here: a line's info reports the guest's
 * configuration (an "output" is a line the guest drives).  In a line
 * request, QGPIO_LINE_DIRECTION_OUTPUT means that the request drives
 * the line from outside, which the guest sees as an input changing;
 * QGPIO_LINE_DIRECTION_INPUT means that the request only reads it.
 *
 * Errors: functions return NULL or -1 and set errno; qgpio_strerror()
 * returns a message that says what went wrong, including what the
 * server said.  The library never aborts: when memory runs out, the call
 * fails with ENOMEM and every object stays valid, as it was or as the
 * server left it (a request whose "set" QEMU applied keeps the new
 * values even if reading the reply then failed); an event that arrives
 * while memory is short is dropped and counted as lost.
 *
 * Blocking: nothing blocks unless asked to.  Reading an info event or
 * an edge event blocks until one arrives; wait functions take a
 * timeout; every other call that talks to the server waits for its
 * reply, which QEMU's main loop gives promptly, bounded by a timeout
 * (QGPIO_REPLY_TIMEOUT_MS, or $QEMU_GPIO_TIMEOUT_MS) after which it
 * fails with ETIMEDOUT, and the object must be closed.  Each chip and
 * each line request has a file descriptor for poll(2)/epoll(7).
 *
 * Events are converted when they are read, with the settings then in
 * force: events still unread when a request is reconfigured are
 * reported with the new settings.
 *
 * Memory is bounded: a server line is at most QGPIO_MAX_LINE_LENGTH
 * bytes, and each chip and line request keeps a bounded queue of events
 * received and not read yet (see qgpio_request_config_set_event_buffer_size).
 *
 * Threads: an object may be used by one thread at a time; different
 * objects may be used from different threads.  The message of
 * qgpio_strerror() is per thread.
 */

#ifndef QEMU_GPIO_H
#define QEMU_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QGPIO_API __attribute__((visibility("default")))

/* How a chip named by a TCP address starts. */
#define QGPIO_TCP_PREFIX "tcp:"

/* How long a call waits for the server's reply by default. */
#define QGPIO_REPLY_TIMEOUT_MS 10000

/*
 * The longest line the library takes from a server, its LF included.
 * The protocol limits request lines to 4096 bytes; a server line repeats
 * at most one request's worth of a client's words (a consumer name, the
 * lines named in a get), which the server's quoting can double, besides
 * fields of its own.  A longer line, or an unterminated one that grows
 * past this, is a protocol error: the call fails with EPROTO and the
 * object's connection is closed.
 */
#define QGPIO_MAX_LINE_LENGTH 16384

/*
 * Events received and not read yet that a chip keeps, and a line request
 * unless its request config says otherwise.  When the queue is full the
 * library reads no more events from the socket (QEMU then keeps them,
 * and counts those it has to drop), except while it waits for a reply:
 * then the oldest queued event is dropped to make room, and counted in
 * qgpio_line_request_get_lost_events(), as the kernel's event buffer of
 * a line request drops its oldest events.  (A chip has no such count,
 * as libgpiod has none for info events: qgpio_chip_get_line_info()
 * tells the line's state after a loss.)
 */
#define QGPIO_EVENT_BUFFER_SIZE_DEFAULT 4096
/* The largest queue a request config can ask for. */
#define QGPIO_EVENT_BUFFER_SIZE_MAX 65536

struct qgpio_chip;
struct qgpio_chip_info;
struct qgpio_line_info;
struct qgpio_info_event;
struct qgpio_line_settings;
struct qgpio_line_config;
struct qgpio_request_config;
struct qgpio_line_request;
struct qgpio_edge_event;
struct qgpio_edge_event_buffer;

enum qgpio_line_value {
    QGPIO_LINE_VALUE_ERROR = -1,
    QGPIO_LINE_VALUE_INACTIVE = 0,
    QGPIO_LINE_VALUE_ACTIVE = 1,
};

enum qgpio_line_direction {
    QGPIO_LINE_DIRECTION_AS_IS = 1,
    QGPIO_LINE_DIRECTION_INPUT,
    QGPIO_LINE_DIRECTION_OUTPUT,
};

enum qgpio_line_edge {
    QGPIO_LINE_EDGE_NONE = 1,
    QGPIO_LINE_EDGE_RISING,
    QGPIO_LINE_EDGE_FALLING,
    QGPIO_LINE_EDGE_BOTH,
};

/* The interrupt the guest configured on a line. */
enum qgpio_line_interrupt {
    QGPIO_LINE_INTERRUPT_NONE = 1,
    QGPIO_LINE_INTERRUPT_RISING,
    QGPIO_LINE_INTERRUPT_FALLING,
    QGPIO_LINE_INTERRUPT_BOTH,
    QGPIO_LINE_INTERRUPT_LEVEL_HIGH,
    QGPIO_LINE_INTERRUPT_LEVEL_LOW,
};

enum qgpio_line_bias {
    QGPIO_LINE_BIAS_UNKNOWN = 1,
    QGPIO_LINE_BIAS_DISABLED,
    QGPIO_LINE_BIAS_PULL_UP,
    QGPIO_LINE_BIAS_PULL_DOWN,
};

enum qgpio_line_drive {
    QGPIO_LINE_DRIVE_PUSH_PULL = 1,
    QGPIO_LINE_DRIVE_OPEN_DRAIN,
    QGPIO_LINE_DRIVE_OPEN_SOURCE,
};

/* Which clock an event's timestamp is read from. */
enum qgpio_line_clock {
    /* The machine's virtual clock: what the guest's time says. */
    QGPIO_LINE_CLOCK_GUEST = 1,
    /* The host's CLOCK_REALTIME when QEMU saw the change. */
    QGPIO_LINE_CLOCK_REALTIME,
};

/* Errors and library information */

QGPIO_API const char *qgpio_strerror(void);
QGPIO_API const char *qgpio_api_version(void);

/*
 * The directory of chip sockets: $QEMU_GPIO_DIR, else
 * $XDG_RUNTIME_DIR/qemu-gpio, else /tmp/qemu-gpio-UID.  Free with free();
 * NULL with errno ENOMEM if memory runs out.
 */
QGPIO_API char *qgpio_socket_dir(void);
/*
 * The socket of @chip: @chip itself if it contains a '/' or is a TCP
 * address "tcp:HOST:PORT" (HOST a name, an IPv4 address or an IPv6
 * address in brackets), else DIR/@chip or DIR/@chip.sock, whichever
 * exists (the first if neither).  Free with free(); NULL with ENOMEM.
 */
QGPIO_API char *qgpio_chip_path(const char *chip);
/* True if @path is a socket that speaks the gpiodev protocol. */
QGPIO_API bool qgpio_is_chip(const char *path);

/* Chips */

/*
 * EBUSY, with the server's message, when it takes no more clients.
 * A "tcp:HOST:PORT" chip is reached over TLS when $QEMU_GPIO_TLS_CA
 * names CA certificates (PEM) that the server's certificate, which must
 * name HOST, is checked against; $QEMU_GPIO_TLS_CERT and
 * $QEMU_GPIO_TLS_KEY give a client certificate, for a QEMU that admits
 * clients by their certificate (tls-authz).  EACCES when the server
 * cannot be trusted or refuses us, with the reason in qgpio_strerror().
 * Line requests of the chip connect the same way.
 */
QGPIO_API struct qgpio_chip *qgpio_chip_open(const char *chip);
QGPIO_API void qgpio_chip_close(struct qgpio_chip *chip);
QGPIO_API const char *qgpio_chip_get_path(struct qgpio_chip *chip);
/*
 * The chip's socket, for poll(2): readable when QEMU sent something.
 * The library may already hold events it read while waiting for a
 * reply, so call qgpio_chip_wait_info_event(chip, 0) before polling.
 */
QGPIO_API int qgpio_chip_get_fd(struct qgpio_chip *chip);
QGPIO_API struct qgpio_chip_info *qgpio_chip_get_info(struct qgpio_chip *chip);
QGPIO_API struct qgpio_line_info *
qgpio_chip_get_line_info(struct qgpio_chip *chip, unsigned int offset);
/* The line's info now, and from now on info events for it. */
QGPIO_API struct qgpio_line_info *
qgpio_chip_watch_line_info(struct qgpio_chip *chip, unsigned int offset);
QGPIO_API int qgpio_chip_unwatch_line_info(struct qgpio_chip *chip,
                                           unsigned int offset);
/* 1 if an info event is ready, 0 on timeout; a negative timeout waits. */
QGPIO_API int qgpio_chip_wait_info_event(struct qgpio_chip *chip,
                                         int64_t timeout_ns);
/* The next info event, waiting for one if none is ready. */
QGPIO_API struct qgpio_info_event *
qgpio_chip_read_info_event(struct qgpio_chip *chip);
/* The offset of the line called @name, or -1 with errno ENOENT. */
QGPIO_API int qgpio_chip_get_line_offset_from_name(struct qgpio_chip *chip,
                                                   const char *name);
QGPIO_API struct qgpio_line_request *
qgpio_chip_request_lines(struct qgpio_chip *chip,
                         struct qgpio_request_config *req_cfg,
                         struct qgpio_line_config *line_cfg);

/* Chip info */

QGPIO_API void qgpio_chip_info_free(struct qgpio_chip_info *info);
/* The gpiodev's id, as -gpiodev id= gave it. */
QGPIO_API const char *qgpio_chip_info_get_name(struct qgpio_chip_info *info);
QGPIO_API const char *qgpio_chip_info_get_label(struct qgpio_chip_info *info);
QGPIO_API size_t qgpio_chip_info_get_num_lines(struct qgpio_chip_info *info);
/* The controller's QOM path and type, such as aspeed.gpio-ast2600. */
QGPIO_API const char *qgpio_chip_info_get_device(struct qgpio_chip_info *info);
QGPIO_API const char *qgpio_chip_info_get_type(struct qgpio_chip_info *info);

/* Line info */

QGPIO_API void qgpio_line_info_free(struct qgpio_line_info *info);
QGPIO_API struct qgpio_line_info *
qgpio_line_info_copy(struct qgpio_line_info *info);
QGPIO_API unsigned int qgpio_line_info_get_offset(struct qgpio_line_info *info);
/* NULL for an offset with no pin behind it. */
QGPIO_API const char *qgpio_line_info_get_name(struct qgpio_line_info *info);
QGPIO_API bool qgpio_line_info_is_present(struct qgpio_line_info *info);
/* Driven from outside by some client: the consumer says which. */
QGPIO_API bool qgpio_line_info_is_used(struct qgpio_line_info *info);
QGPIO_API const char *qgpio_line_info_get_consumer(struct qgpio_line_info *info);
/* The guest's configuration. */
QGPIO_API enum qgpio_line_direction
qgpio_line_info_get_direction(struct qgpio_line_info *info);
QGPIO_API enum qgpio_line_drive
qgpio_line_info_get_drive(struct qgpio_line_info *info);
QGPIO_API enum qgpio_line_bias
qgpio_line_info_get_bias(struct qgpio_line_info *info);
QGPIO_API enum qgpio_line_interrupt
qgpio_line_info_get_interrupt(struct qgpio_line_info *info);
/* The externally visible level when the info was read. */
QGPIO_API enum qgpio_line_value
qgpio_line_info_get_value(struct qgpio_line_info *info);

/* Info events */

enum qgpio_info_event_type {
    QGPIO_INFO_EVENT_LINE_REQUESTED = 1,
    QGPIO_INFO_EVENT_LINE_RELEASED,
    QGPIO_INFO_EVENT_LINE_CONFIG_CHANGED,
};

QGPIO_API void qgpio_info_event_free(struct qgpio_info_event *event);
QGPIO_API enum qgpio_info_event_type
qgpio_info_event_get_event_type(struct qgpio_info_event *event);
/* Guest virtual time, in ns. */
QGPIO_API uint64_t
qgpio_info_event_get_timestamp_ns(struct qgpio_info_event *event);
/* Host CLOCK_REALTIME, in ns. */
QGPIO_API uint64_t
qgpio_info_event_get_realtime_ns(struct qgpio_info_event *event);
/* The line's info after the change; owned by the event. */
QGPIO_API struct qgpio_line_info *
qgpio_info_event_get_line_info(struct qgpio_info_event *event);

/* Line settings */

QGPIO_API struct qgpio_line_settings *qgpio_line_settings_new(void);
QGPIO_API void qgpio_line_settings_free(struct qgpio_line_settings *settings);
QGPIO_API void qgpio_line_settings_reset(struct qgpio_line_settings *settings);
QGPIO_API struct qgpio_line_settings *
qgpio_line_settings_copy(struct qgpio_line_settings *settings);
QGPIO_API int
qgpio_line_settings_set_direction(struct qgpio_line_settings *settings,
                                  enum qgpio_line_direction direction);
QGPIO_API enum qgpio_line_direction
qgpio_line_settings_get_direction(struct qgpio_line_settings *settings);
QGPIO_API int
qgpio_line_settings_set_edge_detection(struct qgpio_line_settings *settings,
                                       enum qgpio_line_edge edge);
QGPIO_API enum qgpio_line_edge
qgpio_line_settings_get_edge_detection(struct qgpio_line_settings *settings);
QGPIO_API void
qgpio_line_settings_set_active_low(struct qgpio_line_settings *settings,
                                   bool active_low);
QGPIO_API bool
qgpio_line_settings_get_active_low(struct qgpio_line_settings *settings);
QGPIO_API int
qgpio_line_settings_set_event_clock(struct qgpio_line_settings *settings,
                                    enum qgpio_line_clock clock);
QGPIO_API enum qgpio_line_clock
qgpio_line_settings_get_event_clock(struct qgpio_line_settings *settings);
QGPIO_API int
qgpio_line_settings_set_output_value(struct qgpio_line_settings *settings,
                                     enum qgpio_line_value value);
QGPIO_API enum qgpio_line_value
qgpio_line_settings_get_output_value(struct qgpio_line_settings *settings);

/* Line config: settings per offset, and output values */

QGPIO_API struct qgpio_line_config *qgpio_line_config_new(void);
QGPIO_API void qgpio_line_config_free(struct qgpio_line_config *config);
QGPIO_API void qgpio_line_config_reset(struct qgpio_line_config *config);
/* @settings is copied; NULL means the defaults. */
QGPIO_API int
qgpio_line_config_add_line_settings(struct qgpio_line_config *config,
                                    const unsigned int *offsets,
                                    size_t num_offsets,
                                    struct qgpio_line_settings *settings);
QGPIO_API struct qgpio_line_settings *
qgpio_line_config_get_line_settings(struct qgpio_line_config *config,
                                    unsigned int offset);
QGPIO_API int
qgpio_line_config_set_output_values(struct qgpio_line_config *config,
                                    const enum qgpio_line_value *values,
                                    size_t num_values);
QGPIO_API size_t
qgpio_line_config_get_num_configured_offsets(struct qgpio_line_config *config);
QGPIO_API size_t
qgpio_line_config_get_configured_offsets(struct qgpio_line_config *config,
                                         unsigned int *offsets,
                                         size_t max_offsets);

/* Request config */

QGPIO_API struct qgpio_request_config *qgpio_request_config_new(void);
QGPIO_API void qgpio_request_config_free(struct qgpio_request_config *config);
/*
 * Shown to other clients as the driver of the request's output lines.
 * The name is copied: 0, or -1 with errno ENOMEM, and then the config
 * keeps the consumer it had.  (Unlike libgpiod's, which returns void and
 * truncates names to a fixed size: a consumer here has no fixed limit.)
 */
QGPIO_API int
qgpio_request_config_set_consumer(struct qgpio_request_config *config,
                                  const char *consumer);
QGPIO_API const char *
qgpio_request_config_get_consumer(struct qgpio_request_config *config);
/*
 * How many events received and not read yet the request keeps (see
 * QGPIO_EVENT_BUFFER_SIZE_DEFAULT): 0 means the default, and sizes
 * above QGPIO_EVENT_BUFFER_SIZE_MAX are taken as that maximum.
 */
QGPIO_API void
qgpio_request_config_set_event_buffer_size(struct qgpio_request_config *config,
                                           size_t event_buffer_size);
QGPIO_API size_t
qgpio_request_config_get_event_buffer_size(struct qgpio_request_config *config);

/* Line requests */

/* Stops driving the request's lines, which keep their levels. */
QGPIO_API void qgpio_line_request_release(struct qgpio_line_request *request);
QGPIO_API const char *
qgpio_line_request_get_chip_name(struct qgpio_line_request *request);
QGPIO_API size_t
qgpio_line_request_get_num_requested_lines(struct qgpio_line_request *request);
QGPIO_API size_t
qgpio_line_request_get_requested_offsets(struct qgpio_line_request *request,
                                         unsigned int *offsets,
                                         size_t max_offsets);
QGPIO_API enum qgpio_line_value
qgpio_line_request_get_value(struct qgpio_line_request *request,
                             unsigned int offset);
QGPIO_API int
qgpio_line_request_get_values_subset(struct qgpio_line_request *request,
                                     size_t num_values,
                                     const unsigned int *offsets,
                                     enum qgpio_line_value *values);
QGPIO_API int
qgpio_line_request_get_values(struct qgpio_line_request *request,
                              enum qgpio_line_value *values);
QGPIO_API int
qgpio_line_request_set_value(struct qgpio_line_request *request,
                             unsigned int offset,
                             enum qgpio_line_value value);
QGPIO_API int
qgpio_line_request_set_values_subset(struct qgpio_line_request *request,
                                     size_t num_values,
                                     const unsigned int *offsets,
                                     const enum qgpio_line_value *values);
QGPIO_API int
qgpio_line_request_set_values(struct qgpio_line_request *request,
                              const enum qgpio_line_value *values);
QGPIO_API int
qgpio_line_request_reconfigure_lines(struct qgpio_line_request *request,
                                     struct qgpio_line_config *line_cfg);
/* As qgpio_chip_get_fd(): call wait_edge_events(request, 0) first. */
QGPIO_API int qgpio_line_request_get_fd(struct qgpio_line_request *request);
/* 1 if an edge event is ready, 0 on timeout; a negative timeout waits. */
QGPIO_API int
qgpio_line_request_wait_edge_events(struct qgpio_line_request *request,
                                    int64_t timeout_ns);
/*
 * Fill @buffer with up to @max_events ready events, waiting for the
 * first if none is ready.  Returns how many, or -1.
 */
QGPIO_API int
qgpio_line_request_read_edge_events(struct qgpio_line_request *request,
                                    struct qgpio_edge_event_buffer *buffer,
                                    size_t max_events);
/*
 * Events lost because this request did not read them in time: those
 * QEMU dropped (it says how many), and those the library dropped from
 * the request's full queue or could not queue for lack of memory.
 * Sequence numbers show where edges are missing.
 */
QGPIO_API uint64_t
qgpio_line_request_get_lost_events(struct qgpio_line_request *request);

/* Edge events */

enum qgpio_edge_event_type {
    QGPIO_EDGE_EVENT_RISING_EDGE = 1,
    QGPIO_EDGE_EVENT_FALLING_EDGE,
};

QGPIO_API void qgpio_edge_event_free(struct qgpio_edge_event *event);
QGPIO_API struct qgpio_edge_event *
qgpio_edge_event_copy(struct qgpio_edge_event *event);
QGPIO_API enum qgpio_edge_event_type
qgpio_edge_event_get_event_type(struct qgpio_edge_event *event);
/* In the clock the line's settings chose. */
QGPIO_API uint64_t
qgpio_edge_event_get_timestamp_ns(struct qgpio_edge_event *event);
QGPIO_API unsigned int
qgpio_edge_event_get_line_offset(struct qgpio_edge_event *event);
/* Edges on the chip and on the line so far, counted by QEMU from 1. */
QGPIO_API unsigned long
qgpio_edge_event_get_global_seqno(struct qgpio_edge_event *event);
QGPIO_API unsigned long
qgpio_edge_event_get_line_seqno(struct qgpio_edge_event *event);

QGPIO_API struct qgpio_edge_event_buffer *
qgpio_edge_event_buffer_new(size_t capacity);
QGPIO_API size_t
qgpio_edge_event_buffer_get_capacity(struct qgpio_edge_event_buffer *buffer);
QGPIO_API void
qgpio_edge_event_buffer_free(struct qgpio_edge_event_buffer *buffer);
/* Owned by the buffer, valid until its next read. */
QGPIO_API struct qgpio_edge_event *
qgpio_edge_event_buffer_get_event(struct qgpio_edge_event_buffer *buffer,
                                  unsigned long index);
QGPIO_API size_t
qgpio_edge_event_buffer_get_num_events(struct qgpio_edge_event_buffer *buffer);

#ifdef __cplusplus
}
#endif

#endif /* QEMU_GPIO_H */

/*
 * The gpiodev core: what the outside world sees of one GPIO
 * controller's lines (levels, configuration, who drives what), shared
 * by every client of every backend and by the monitor.
 *
 * A core exists while something outside the model uses the controller:
 * gpiodev_core_get() creates it or takes another reference, and the
 * last gpiodev_core_unref() unbinds it, so a controller that nobody
 * watches costs its model one pointer test per notification.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_GPIO_CORE_H
#define GPIODEV_GPIO_CORE_H

#include "qemu/queue.h"
#include "gpiodev/gpio-controller.h"

typedef struct GpiodevClient GpiodevClient;
typedef struct GpiodevLine GpiodevLine;

typedef enum GpiodevEventKind {
    GPIODEV_EVENT_EDGE,
    /* The guest reconfigured the line. */
    GPIODEV_EVENT_CONFIG,
    /* A client started driving the line, or stopped. */
    GPIODEV_EVENT_REQUESTED,
    GPIODEV_EVENT_RELEASED,
} GpiodevEventKind;

/**
 * struct GpiodevEvent - a change of one line, with all that a backend
 * needs to render it
 * @kind: what happened
 * @offset: the line
 * @name: the line's name; valid as long as the client's core
 * @level: the line's level (for an edge, the new one: true is rising)
 * @direction: for %GPIODEV_EVENT_CONFIG, the line's new configuration
 * @drive: likewise
 * @bias: likewise
 * @interrupt: likewise
 * @consumer: for %GPIODEV_EVENT_REQUESTED, who drives the line now;
 *     valid during the event callback only
 * @seqno: for edges, the count of edges on the controller
 * @line_seqno: for edges, the count of edges on this line
 * @guest_ns: QEMU_CLOCK_VIRTUAL when it happened
 * @host_ns: the host's CLOCK_REALTIME when it happened; may be derived
 *     from @guest_ns (see gpiodev_core_stamp() in gpio-core.c)
 */
typedef struct GpiodevEvent {
    GpiodevEventKind kind;
    unsigned offset;
    const char *name;
    bool level;
    GpioLineDirection direction;
    GpioLineDrive drive;
    GpioLineBias bias;
    GpioLineInterrupt interrupt;
    const char *consumer;
    uint64_t seqno;
    uint64_t line_seqno;
    int64_t guest_ns;
    int64_t host_ns;
} GpiodevEvent;

/**
 * struct GpiodevClientOps - how the core reaches a client
 * @event: a change the client subscribed to.  Called from the thread
 *     that changed the line (a vCPU or the main loop), with the BQL
 *     held; must not detach or clean up the client.
 * @detach: the client's backend goes away: end the client, which must
 *     call gpiodev_client_cleanup() before returning.  Called from the
 *     main loop with the BQL held.  Clients that are not attached to a
 *     backend (the monitor's) need none.
 */
typedef struct GpiodevClientOps {
    void (*event)(GpiodevClient *client, const GpiodevEvent *event);
    void (*detach)(GpiodevClient *client);
} GpiodevClientOps;

/**
 * struct GpiodevClient - one user of a controller's lines: a socket
 * connection, the monitor, a host chip's line request
 * @core: the core; NULL once cleaned up
 * @ops: callbacks
 * @backend: the backend the client belongs to, NULL for the monitor;
 *     gpiodev_core_detach() ends a backend's clients
 * @consumer: shown as the consumer of the lines this client drives
 * @rising: subscriptions, one bit per line; changed with
 *     gpiodev_client_watch() only
 * @falling: likewise
 * @config: likewise; also covers ownership changes
 * @next: in the core's list of clients
 */
struct GpiodevClient {
    GpiodevCore *core;
    const GpiodevClientOps *ops;
    void *backend;
    char *consumer;
    unsigned long *rising;
    unsigned long *falling;
    unsigned long *config;
    QTAILQ_ENTRY(GpiodevClient) next;
};

/* What a client watches on a line, for gpiodev_client_watch(). */
typedef enum GpiodevWatch {
    GPIODEV_WATCH_RISING = 1,
    GPIODEV_WATCH_FALLING = 2,
    GPIODEV_WATCH_EDGES = GPIODEV_WATCH_RISING | GPIODEV_WATCH_FALLING,
    /* Configuration and ownership changes. */
    GPIODEV_WATCH_CONFIG = 4,
} GpiodevWatch;

/* Why a line could not be found, or a request on it was refused. */
typedef enum GpiodevStatus {
    GPIODEV_OK,
    GPIODEV_BAD_OFFSET,         /* starts with a digit, is no number */
    GPIODEV_NO_SUCH_LINE,       /* offset out of range */
    GPIODEV_NO_SUCH_NAME,       /* no present line has this name */
    GPIODEV_NOT_PRESENT,        /* no pin behind this offset */
    GPIODEV_IS_OUTPUT,          /* the guest drives this line */
    GPIODEV_BUSY,               /* another client drives this line */
    GPIODEV_WIRED,              /* the board connects the line inside */
} GpiodevStatus;

/**
 * struct GpiodevCore - one controller's lines as the outside world
 * sees them
 * @controller: the GPIO controller; referenced while the core exists
 * @path: its canonical QOM path
 * @gcc: its interface
 * @nlines: its number of line offsets
 * @clients: every client, of every backend
 *
 * Everything is protected by the BQL.
 */
struct GpiodevCore {
    Object *controller;
    char *path;
    GpioControllerClass *gcc;
    unsigned nlines;
    QTAILQ_HEAD(, GpiodevClient) clients;

    /* private */
    unsigned refs;
    GpiodevLine *lines;
    uint64_t seqno;
    QLIST_ENTRY(GpiodevCore) next;
};

/**
 * gpiodev_core_resolve: find a GPIO controller
 * @path: an absolute QOM path, or a partial one naming exactly one object
 * @errp: set when @path names no object, several, or one that does not
 *     implement the gpio-controller interface
 */
Object *gpiodev_core_resolve(const char *path, Error **errp);

/**
 * gpiodev_core_get: the core of @controller, created if there is none
 * @controller: an object implementing the gpio-controller interface
 *
 * Returns a new reference.
 */
GpiodevCore *gpiodev_core_get(Object *controller);

/* The core of @controller if it has one, without taking a reference. */
GpiodevCore *gpiodev_core_peek(Object *controller);

/* The last reference unbinds the core from its controller. */
void gpiodev_core_unref(GpiodevCore *core);

/**
 * gpiodev_core_detach: end every client of @backend
 * @core: the core
 * @backend: the backend going away
 *
 * Calls each such client's detach callback; the other clients, the
 * lines they hold and the guest notice nothing.
 */
void gpiodev_core_detach(GpiodevCore *core, void *backend);

const char *gpiodev_core_label(GpiodevCore *core);
const char *gpiodev_status_str(GpiodevStatus status);

/**
 * gpiodev_core_find_line: a line given by its name or decimal offset
 * @core: the core
 * @word: what the user typed
 * @offset: set to the line's offset on success
 *
 * Returns %GPIODEV_OK, %GPIODEV_BAD_OFFSET, %GPIODEV_NO_SUCH_LINE or
 * %GPIODEV_NO_SUCH_NAME.
 */
GpiodevStatus gpiodev_core_find_line(GpiodevCore *core, const char *word,
                                     unsigned *offset);

/* What the outside world sees of a line; @offset must be in range. */
const GpioLineInfo *gpiodev_core_line_info(GpiodevCore *core,
                                           unsigned offset);
bool gpiodev_core_line_level(GpiodevCore *core, unsigned offset);
/*
 * The consumer name of the client driving the line, else what the board
 * wires the line to (see gpio_frontend_wire()), else NULL.
 */
const char *gpiodev_core_line_consumer(GpiodevCore *core, unsigned offset);

/**
 * gpiodev_core_refusal: why a request on a line was refused, in words
 * @core: the core
 * @st: the refusal, not %GPIODEV_OK
 * @offset: the line, in range
 *
 * Returns the status in words followed, for %GPIODEV_BUSY and
 * %GPIODEV_WIRED, by who holds the line ("another client drives this
 * line named rig").  Free it with g_free().
 */
char *gpiodev_core_refusal(GpiodevCore *core, GpiodevStatus st,
                           unsigned offset);

/**
 * gpiodev_client_init: attach a client to a core
 * @client: the client, zeroed or cleaned up
 * @core: the core; the client takes a reference
 * @ops: its callbacks
 * @backend: its backend, or NULL
 * @consumer: its initial consumer name
 */
void gpiodev_client_init(GpiodevClient *client, GpiodevCore *core,
                         const GpiodevClientOps *ops, void *backend,
                         const char *consumer);
/* Release the client's lines and subscriptions, and its reference. */
void gpiodev_client_cleanup(GpiodevClient *client);
void gpiodev_client_set_consumer(GpiodevClient *client, const char *name);
/* Start (@on) or stop watching @what, a GpiodevWatch set, on @offset. */
void gpiodev_client_watch(GpiodevClient *client, unsigned offset,
                          unsigned what, bool on);
/* Whether the client holds no line and watches nothing. */
bool gpiodev_client_idle(GpiodevClient *client);

/**
 * gpiodev_client_drive: drive @n input lines at once
 * @client: the client that will hold them
 * @n: how many
 * @offsets: the lines
 * @levels: their levels
 * @bad: on error, the index of the first line refused
 *
 * Either every line is driven and held by @client, or none changes.
 * A line another client holds is busy, whatever its backend.
 */
GpiodevStatus gpiodev_client_drive(GpiodevClient *client, unsigned n,
                                   const unsigned *offsets,
                                   const bool *levels, unsigned *bad);
/* Stop driving @offset; the line keeps its level.  No-op if not held. */
void gpiodev_client_release(GpiodevClient *client, unsigned offset);
bool gpiodev_client_holds(GpiodevClient *client, unsigned offset);

#endif /* GPIODEV_GPIO_CORE_H */

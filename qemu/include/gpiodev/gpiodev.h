/*
 * gpiodev: expose a machine's GPIO controller to the outside world.
 *
 * A Gpiodev binds to one object implementing the gpio-controller
 * interface and keeps what the outside world sees of each line: its
 * level, its configuration, and which client drives it.  Backends (the
 * socket server, later QMP) register GpiodevClients, which subscribe to
 * lines and drive inputs through the functions below.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_GPIODEV_H
#define GPIODEV_GPIODEV_H

#include "qemu/queue.h"
#include "qom/object.h"
#include "qapi/qapi-types-gpiodev.h"
#include "gpiodev/gpio-controller.h"

#define TYPE_GPIODEV "gpiodev"
OBJECT_DECLARE_TYPE(Gpiodev, GpiodevClass, GPIODEV)

/* Backend types are named TYPE_GPIODEV "-" followed by the QAPI type. */
#define TYPE_GPIODEV_SOCKET TYPE_GPIODEV "-socket"

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

typedef struct GpiodevEvent {
    GpiodevEventKind kind;
    unsigned offset;
    /* For edges: the new level, so true means a rising edge. */
    bool level;
    /* For edges: counts of edges on the chip and on this line. */
    uint64_t seqno;
    uint64_t line_seqno;
    /*
     * QEMU_CLOCK_VIRTUAL and the host's CLOCK_REALTIME, in ns; the
     * latter may be derived from the former (gpiodev_stamp()).
     */
    int64_t guest_ns;
    int64_t host_ns;
} GpiodevEvent;

typedef struct GpiodevClientOps {
    /* Called from the thread that changed the line, with the BQL held. */
    void (*event)(GpiodevClient *client, const GpiodevEvent *event);
} GpiodevClientOps;

struct GpiodevClient {
    Gpiodev *gpiodev;
    const GpiodevClientOps *ops;
    /* Shown as the consumer of the lines this client drives. */
    char *consumer;
    /*
     * Subscriptions, one bit per line; @config also covers ownership.
     * Changed with gpiodev_client_watch() only.
     */
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

/* Why a request on lines was refused. */
typedef enum GpiodevStatus {
    GPIODEV_OK,
    GPIODEV_NO_SUCH_LINE,       /* offset out of range */
    GPIODEV_NOT_PRESENT,        /* no pin behind this offset */
    GPIODEV_IS_OUTPUT,          /* the guest drives this line */
    GPIODEV_BUSY,               /* another client drives this line */
} GpiodevStatus;

struct Gpiodev {
    Object parent_obj;

    char *id;
    Object *controller;
    GpioControllerClass *gcc;
    unsigned nlines;
    GpiodevLine *lines;
    uint64_t seqno;
    QTAILQ_HEAD(, GpiodevClient) clients;
    /* The QMP monitor's client, once a QMP command has used it. */
    GpiodevClient *qmp;
};

struct GpiodevClass {
    ObjectClass parent_class;

    /* Start serving; the controller is already bound. */
    bool (*open)(Gpiodev *gd, GpiodevOptions *opts, Error **errp);
    /* Fill in the backend's part of query-gpiodevs. */
    void (*query)(Gpiodev *gd, GpiodevInfo *info);
};

/* Create, bind and open a gpiodev, and add it to /gpiodevs. */
Gpiodev *gpiodev_new(GpiodevOptions *opts, Error **errp);
Gpiodev *gpiodev_find(const char *id);
/* The GPIO controller at @path (absolute or unambiguous partial). */
Object *gpiodev_resolve_controller(const char *path, Error **errp);
/* Release what QMP holds on @gd and forget its watches. */
void gpiodev_qmp_cleanup(Gpiodev *gd);

/* HMP commands (hmp-commands.hx, hmp-commands-info.hx) */
void hmp_info_gpiodevs(Monitor *mon, const QDict *qdict);
void hmp_info_gpio_lines(Monitor *mon, const QDict *qdict);
void hmp_gpio_get(Monitor *mon, const QDict *qdict);
void hmp_gpio_set(Monitor *mon, const QDict *qdict);

/* -gpiodev: parse now, create once the machine's devices exist. */
void gpiodev_parse_option(const char *optarg);
void gpiodev_create_from_cmdline(void);

const char *gpiodev_label(Gpiodev *gd);
const char *gpiodev_status_str(GpiodevStatus status);

/* Offset of the line called @name, or -1. */
int gpiodev_find_line(Gpiodev *gd, const char *name);
/* What the outside world sees of a line; @offset must be in range. */
const GpioLineInfo *gpiodev_line_info(Gpiodev *gd, unsigned offset);
bool gpiodev_line_level(Gpiodev *gd, unsigned offset);
/* The consumer name of the client driving the line, or NULL. */
const char *gpiodev_line_consumer(Gpiodev *gd, unsigned offset);

void gpiodev_client_init(GpiodevClient *client, Gpiodev *gd,
                         const GpiodevClientOps *ops);
/* Releases the client's lines and subscriptions. */
void gpiodev_client_cleanup(GpiodevClient *client);
void gpiodev_client_set_consumer(GpiodevClient *client, const char *name);
/* Start (@on) or stop watching @what, a GpiodevWatch set, on @offset. */
void gpiodev_client_watch(GpiodevClient *client, unsigned offset,
                          unsigned what, bool on);

/*
 * Drive @n input lines at once: either every line is driven and held
 * by @client, or (on error) none changes and *@bad is the index of the
 * first line that was refused.
 */
GpiodevStatus gpiodev_client_drive(GpiodevClient *client, unsigned n,
                                   const unsigned *offsets,
                                   const bool *levels, unsigned *bad);
/* Stop driving @offset; the line keeps its level.  No-op if not held. */
void gpiodev_client_release(GpiodevClient *client, unsigned offset);
bool gpiodev_client_holds(GpiodevClient *client, unsigned offset);

#endif /* GPIODEV_GPIODEV_H */

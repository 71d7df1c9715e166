/*
 * gpiodev backends: carry a GPIO controller's lines to the outside
 * world.  A backend is a QOM object in /gpiodevs/<id>; any number of
 * them, of any type, may serve one controller, each attaching its
 * GpiodevClients to the controller's core (gpiodev/gpio-core.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_GPIODEV_H
#define GPIODEV_GPIODEV_H

#include "qemu/notify.h"
#include "qom/object.h"
#include "qapi/qapi-types-gpiodev.h"
#include "gpiodev/gpio-core.h"

#define TYPE_GPIODEV "gpiodev"
OBJECT_DECLARE_TYPE(Gpiodev, GpiodevClass, GPIODEV)

#define TYPE_GPIODEV_SOCKET TYPE_GPIODEV "-socket"

/**
 * struct Gpiodev - a backend
 * @id: its identifier, the -gpiodev id
 * @core: the core of its controller, referenced while the backend exists
 */
struct Gpiodev {
    Object parent_obj;

    char *id;
    GpiodevCore *core;
};

/**
 * struct GpiodevClass - what a backend type implements
 * @type: the QAPI backend type
 * @open: start serving; @gd->core is set
 * @close: stop taking new clients; called before the backend's
 *     clients are detached (gpiodev_core_detach()) and the object goes
 * @query: fill in the backend's part of query-gpiodevs
 */
struct GpiodevClass {
    ObjectClass parent_class;

    GpiodevBackendType type;
    bool (*open)(Gpiodev *gd, GpiodevOptions *opts, Error **errp);
    void (*close)(Gpiodev *gd);
    void (*query)(Gpiodev *gd, GpiodevInfo *info);
};

/* Create and open a backend, and add it to /gpiodevs. */
Gpiodev *gpiodev_new(GpiodevOptions *opts, Error **errp);
Gpiodev *gpiodev_find(const char *id);
/* Close a backend and remove it: its clients go, nothing else changes. */
void gpiodev_delete(Gpiodev *gd);
/* Call @fn for every backend, in id order, until it returns non-zero. */
int gpiodev_foreach(int (*fn)(Gpiodev *gd, void *opaque), void *opaque);

/**
 * struct GpiodevConnection - what the connection notifiers are told
 * @gd: the backend
 * @connected: whether it is connected now
 * @peer: when connected, the peer's address
 */
typedef struct GpiodevConnection {
    Gpiodev *gd;
    bool connected;
    SocketAddress *peer;
} GpiodevConnection;

/*
 * Backends that connect out (the socket backend's client mode) report
 * their connection's state; the monitor listens, with its notifier's
 * data a GpiodevConnection.
 */
void gpiodev_add_connection_notifier(Notifier *n);
void gpiodev_connection_changed(Gpiodev *gd, bool connected,
                                SocketAddress *peer);

/* -gpiodev: parse now, create once the machine's devices exist. */
void gpiodev_parse_option(const char *optarg);
void gpiodev_create_from_cmdline(void);

#endif /* GPIODEV_GPIODEV_H */

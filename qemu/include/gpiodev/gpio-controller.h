/*
 * The gpio-controller interface: what a GPIO controller model offers to
 * gpiodev, and how it tells gpiodev about changes the guest makes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef GPIODEV_GPIO_CONTROLLER_H
#define GPIODEV_GPIO_CONTROLLER_H

#include "qom/object.h"
#include "qapi/qapi-types-gpiodev.h"

#define TYPE_GPIO_CONTROLLER "gpio-controller"

typedef struct GpioControllerClass GpioControllerClass;
DECLARE_CLASS_CHECKERS(GpioControllerClass, GPIO_CONTROLLER,
                       TYPE_GPIO_CONTROLLER)
#define GPIO_CONTROLLER(obj) \
    INTERFACE_CHECK(GpioController, (obj), TYPE_GPIO_CONTROLLER)

typedef struct GpioController GpioController;
typedef struct Gpiodev Gpiodev;

#define GPIO_LINE_NAME_SIZE 32

/* What a model knows about one line, as the guest has configured it. */
typedef struct GpioLineInfo {
    char name[GPIO_LINE_NAME_SIZE];
    /* False when no pin is behind this offset: a gap in the numbering. */
    bool present;
    GpioLineDirection direction;
    GpioLineDrive drive;
    GpioLineBias bias;
    GpioLineInterrupt interrupt;
} GpioLineInfo;

/*
 * Embedded in the model's state.  Its only member is the gpiodev bound
 * to the controller (NULL when there is none), so that notifying a
 * change costs one test when nobody listens.
 */
typedef struct GpioFrontend {
    Gpiodev *gpiodev;
} GpioFrontend;

struct GpioControllerClass {
    InterfaceClass parent_class;

    /* The model's GpioFrontend. */
    GpioFrontend *(*get_frontend)(GpioController *gc);
    /* Number of line offsets, gaps included; fixed once realized. */
    unsigned (*get_nlines)(GpioController *gc);
    /* A human-readable name for the chip, such as "ASPEED GPIO 3.3V". */
    const char *(*get_label)(GpioController *gc);
    /* A line's name must not change once the model is realized. */
    void (*get_line_info)(GpioController *gc, unsigned offset,
                          GpioLineInfo *info);
    /*
     * The level on the pin: the output latch while the guest drives
     * it, the level driven from outside otherwise.  Not necessarily
     * what the guest reads (an inverted or disabled input buffer).
     */
    bool (*get_level)(GpioController *gc, unsigned offset);
    /*
     * Drive an input pin from outside, with what follows on the model's
     * side (data register, interrupts).  gpiodev only calls this for
     * present lines that the guest has configured as inputs.
     */
    void (*set_input)(GpioController *gc, unsigned offset, bool level);
};

/*
 * Notifications from the model.  Call them whenever a line may have
 * changed, even if it did not: gpiodev compares with what it last saw
 * and decides what is an edge or a configuration change.
 */

/* The level on line @offset is now @level. */
void gpiodev_notify_level(Gpiodev *gd, unsigned offset, bool level);
/* The guest may have reconfigured line @offset. */
void gpiodev_notify_config(Gpiodev *gd, unsigned offset);
/* Anything may have changed: after a reset, for instance. */
void gpiodev_notify_all(Gpiodev *gd);

static inline void gpio_frontend_level(GpioFrontend *fe, unsigned offset,
                                       bool level)
{
    if (fe->gpiodev) {
        gpiodev_notify_level(fe->gpiodev, offset, level);
    }
}

static inline void gpio_frontend_config(GpioFrontend *fe, unsigned offset)
{
    if (fe->gpiodev) {
        gpiodev_notify_config(fe->gpiodev, offset);
    }
}

static inline void gpio_frontend_reset(GpioFrontend *fe)
{
    if (fe->gpiodev) {
        gpiodev_notify_all(fe->gpiodev);
    }
}

#endif /* GPIODEV_GPIO_CONTROLLER_H */

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
typedef struct GpiodevCore GpiodevCore;

#define GPIO_LINE_NAME_SIZE 32

/**
 * struct GpioLineInfo - what a model knows about one line, as the
 * guest has configured it
 * @name: the line's name; fixed once the model is realized
 * @present: false when no pin is behind this offset (a numbering gap)
 * @direction: who drives the line
 * @drive: how the guest drives it as an output
 * @bias: the pull the guest configured
 * @interrupt: what the guest has the line interrupt on
 */
typedef struct GpioLineInfo {
    char name[GPIO_LINE_NAME_SIZE];
    bool present;
    GpioLineDirection direction;
    GpioLineDrive drive;
    GpioLineBias bias;
    GpioLineInterrupt interrupt;
} GpioLineInfo;

/*
 * How many lines of one controller a board may wire inside itself (the
 * B-L475E-IOT01A's LED matrix takes 7 of port A).
 */
#define GPIO_FRONTEND_MAX_WIRED 16

/**
 * struct GpioWiredLine - a line that the board connects to another device
 * @offset: the line
 * @user: what it is connected to, such as "gpio-key"
 */
typedef struct GpioWiredLine {
    unsigned offset;
    const char *user;
} GpioWiredLine;

/**
 * struct GpioFrontend - embedded in the model's state
 * @core: the gpiodev core of the controller, NULL while nothing outside
 *     the model uses its lines; owned by gpiodev, read-only for models
 * @wired: the lines the board connects inside itself; set with
 *     gpio_frontend_wire() only
 * @nwired: how many
 *
 * Notifying a change through the gpio_frontend_*() helpers then costs
 * one test when nobody listens.
 */
typedef struct GpioFrontend {
    GpiodevCore *core;
    GpioWiredLine wired[GPIO_FRONTEND_MAX_WIRED];
    unsigned nwired;
} GpioFrontend;

/**
 * struct GpioControllerClass - the gpio-controller interface
 * @get_frontend: the model's #GpioFrontend
 * @get_nlines: number of line offsets, gaps included; fixed once realized
 * @get_label: a human-readable name for the chip ("ASPEED GPIO 3.3V")
 * @get_line_info: fill @info for line @offset; the name must not change
 *     once the model is realized
 * @get_level: the level on the pin: the output latch while the guest
 *     drives it, the level driven from outside otherwise.  Not
 *     necessarily what the guest reads (an inverted or disabled input
 *     buffer).
 * @set_input: drive an input pin from outside, with what follows on
 *     the model's side (data register, interrupts).  Only called for
 *     present lines that the guest has configured as inputs.  The model
 *     must report the new level through gpio_frontend_level() or
 *     gpio_frontend_levels(), as for any other change of the pin;
 *     gpiodev may call it re-entrantly from gpio_frontend_config().
 */
struct GpioControllerClass {
    InterfaceClass parent_class;

    GpioFrontend *(*get_frontend)(GpioController *gc);
    unsigned (*get_nlines)(GpioController *gc);
    const char *(*get_label)(GpioController *gc);
    void (*get_line_info)(GpioController *gc, unsigned offset,
                          GpioLineInfo *info);
    bool (*get_level)(GpioController *gc, unsigned offset);
    void (*set_input)(GpioController *gc, unsigned offset, bool level);
};

/*
 * Notifications from the model.  Call them whenever a line may have
 * changed, even if it did not: gpiodev compares with what it last saw
 * and decides what is an edge or a configuration change, so a model
 * needs no copy of its registers and no diff of its own.
 *
 * - Levels: after the pin's new level is stored, from every path that
 *   changes it (data register writes, direction changes, set_input()).
 * - Configuration: right after the guest's new register value is
 *   stored and before the model recomputes pin levels, because gpiodev
 *   may call set_input() from here to re-drive a held line that has
 *   just become an input; this order avoids a spurious edge.
 * - Reset: from the Resettable exit phase, where a model may touch
 *   other devices (set_input() ends in qemu_set_irq()).  gpiodev then
 *   re-reads every line and re-drives the inputs that clients hold.
 * - Loading state (an incoming migration, loadvm): nothing.  gpiodev
 *   ignores notifications while the machine's state is loaded and
 *   re-reads every line once it is, so a post_load need not notify.
 */
void gpiodev_core_notify_levels(GpiodevCore *core, unsigned base,
                                uint64_t mask, uint64_t levels);
void gpiodev_core_notify_configs(GpiodevCore *core, unsigned base,
                                 uint64_t mask);
void gpiodev_core_notify_level(GpiodevCore *core, unsigned offset,
                               bool level);
void gpiodev_core_notify_config(GpiodevCore *core, unsigned offset);
void gpiodev_core_notify_all(GpiodevCore *core);

/**
 * gpio_frontend_wire: the board connects line @offset to another device
 * @controller: an object implementing the gpio-controller interface
 * @offset: the line
 * @user: what the line is connected to, such as "gpio-key"; a string
 *     that lives as long as the controller, such as a literal
 *
 * For board code, once it has connected the line: a gpio-key that drives
 * an input, a reset controller that an output drives.  gpiodev shows
 * @user as the line's consumer and refuses to drive the line from
 * outside, as the pin has no contact on the board to drive it through.
 * Call it before the machine is done (gpiodevs bind to controllers then).
 */
void gpio_frontend_wire(Object *controller, unsigned offset,
                        const char *user);

/**
 * gpio_frontend_level: line @offset is now at @level
 * @fe: the model's frontend
 * @offset: the line
 * @level: the level on its pin
 */
static inline void gpio_frontend_level(GpioFrontend *fe, unsigned offset,
                                       bool level)
{
    if (fe->core) {
        gpiodev_core_notify_level(fe->core, offset, level);
    }
}

/**
 * gpio_frontend_levels: the lines @base + n, for each bit n set in
 * @mask, are now at bit n of @levels
 * @fe: the model's frontend
 * @base: offset of the line of bit 0, such as a bank's first line
 * @mask: the lines that may have changed
 * @levels: their levels, one bit per line
 *
 * Edges are reported in ascending order of offset.  Bits for offsets
 * at or past the controller's line count are ignored, so that a model
 * may pass a whole bank's register.
 */
static inline void gpio_frontend_levels(GpioFrontend *fe, unsigned base,
                                        uint64_t mask, uint64_t levels)
{
    if (fe->core) {
        gpiodev_core_notify_levels(fe->core, base, mask, levels);
    }
}

/**
 * gpio_frontend_config: the guest may have reconfigured line @offset
 * @fe: the model's frontend
 * @offset: the line
 */
static inline void gpio_frontend_config(GpioFrontend *fe, unsigned offset)
{
    if (fe->core) {
        gpiodev_core_notify_config(fe->core, offset);
    }
}

/**
 * gpio_frontend_configs: the guest may have reconfigured the lines
 * @base + n, for each bit n set in @mask
 * @fe: the model's frontend
 * @base: offset of the line of bit 0
 * @mask: typically the XOR of a bank's configuration registers before
 *     and after the write; bits for offsets at or past the controller's
 *     line count are ignored
 */
static inline void gpio_frontend_configs(GpioFrontend *fe, unsigned base,
                                         uint64_t mask)
{
    if (fe->core && mask) {
        gpiodev_core_notify_configs(fe->core, base, mask);
    }
}

/**
 * gpio_frontend_reset: anything may have changed, as after a reset
 * @fe: the model's frontend
 */
static inline void gpio_frontend_reset(GpioFrontend *fe)
{
    if (fe->core) {
        gpiodev_core_notify_all(fe->core);
    }
}

#endif /* GPIODEV_GPIO_CONTROLLER_H */

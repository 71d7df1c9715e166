/*
 * The pins of the GPIO block of the BCM2835 family (BCM2835 to BCM2711):
 * function select, output latches, pin levels and event detection, as
 * the bcm2835_gpio and bcm2838_gpio models share them
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_GPIO_BCM2835_GPIO_PINS_H
#define HW_GPIO_BCM2835_GPIO_PINS_H

#include "exec/hwaddr.h"
#include "hw/irq.h"
#include "migration/vmstate.h"
#include "gpiodev/gpio-controller.h"

#define BCM2835_GPIO_PINS_MAX 58
#define BCM2835_GPIO_BANKS 2

/*
 * The interrupt outputs: one per interrupt group (pins 0-27, 28-45 and
 * 46-57, which do not follow the 32-pin register banks), and one for
 * every pin.
 */
#define BCM2835_GPIO_NUM_IRQS 4

/* GPFSELn values that Linux and the firmware use for plain GPIO */
#define BCM2835_FSEL_INPUT 0
#define BCM2835_FSEL_OUTPUT 1

/* The last register that the pins own; pull control follows */
#define BCM2835_GPIO_PINS_REGS_END 0x90

/**
 * struct BCM2835GpioPins - the state of the pins
 * @npins: how many pins the SoC has
 * @label: the chip's label for gpiodev
 * @pulls: the BCM2711's GPIO_PUP_PDN_CNTRL_REGn, two bits per pin, or
 *     NULL where pulls cannot be read back (the BCM2835's GPPUD)
 * @gpiofe: the gpio-controller frontend
 * @fsel: function of each pin, as GPFSELn set it
 * @latch: output latches, as GPSETn and GPCLRn set them, whatever the
 *     pin's function: a pin made an output drives its latch
 * @in: the levels that other devices drive into the pins; not the
 *     block's state, so kept across reset
 * @eds: event detect status (GPEDSn)
 * @ren: rising edge detect enables (GPRENn)
 * @fen: falling edge detect enables (GPFENn)
 * @hen: high level detect enables (GPHENn)
 * @len: low level detect enables (GPLENn)
 * @aren: asynchronous rising edge detect enables (GPARENn)
 * @afen: asynchronous falling edge detect enables (GPAFENn)
 * @out: the level of each output pin, for other devices
 * @irq: the interrupt outputs
 */
typedef struct BCM2835GpioPins {
    unsigned npins;
    const char *label;
    const uint32_t *pulls;
    GpioFrontend gpiofe;
    uint8_t fsel[BCM2835_GPIO_PINS_MAX];
    uint32_t latch[BCM2835_GPIO_BANKS];
    uint32_t in[BCM2835_GPIO_BANKS];
    uint32_t eds[BCM2835_GPIO_BANKS];
    uint32_t ren[BCM2835_GPIO_BANKS];
    uint32_t fen[BCM2835_GPIO_BANKS];
    uint32_t hen[BCM2835_GPIO_BANKS];
    uint32_t len[BCM2835_GPIO_BANKS];
    uint32_t aren[BCM2835_GPIO_BANKS];
    uint32_t afen[BCM2835_GPIO_BANKS];
    qemu_irq out[BCM2835_GPIO_PINS_MAX];
    qemu_irq irq[BCM2835_GPIO_NUM_IRQS];
} BCM2835GpioPins;

/**
 * bcm2835_gpio_pins_init: set up the pins of device @dev
 * @p: the pins
 * @dev: the GPIO block, a sysbus device
 * @npins: how many pins it has
 * @label: the chip's label, such as "BCM2835 GPIO"
 *
 * Adds @npins unnamed GPIO outputs (the output pins' levels), as many
 * unnamed GPIO inputs (levels that other devices drive into the pins)
 * and the block's BCM2835_GPIO_NUM_IRQS sysbus interrupts.
 */
void bcm2835_gpio_pins_init(BCM2835GpioPins *p, DeviceState *dev,
                            unsigned npins, const char *label);

/**
 * bcm2835_gpio_pins_read: read register @offset if the pins own it
 * @p: the pins
 * @offset: the register
 * @value: where its value goes
 *
 * Returns: false if @offset is not a register of the pins.
 */
bool bcm2835_gpio_pins_read(BCM2835GpioPins *p, hwaddr offset,
                            uint64_t *value);

/**
 * bcm2835_gpio_pins_write: write register @offset if the pins own it
 * @p: the pins
 * @offset: the register
 * @value: the value written
 *
 * Returns: false if @offset is not a register of the pins.
 */
bool bcm2835_gpio_pins_write(BCM2835GpioPins *p, hwaddr offset,
                             uint64_t value);

/**
 * bcm2835_gpio_pins_reset: the pins as the block comes out of reset
 * @p: the pins
 */
void bcm2835_gpio_pins_reset(BCM2835GpioPins *p);

/**
 * bcm2835_gpio_pins_level: the level on pin @n
 * @p: the pins
 * @n: the pin
 *
 * The output latch while the pin is an output, what other devices drive
 * into it otherwise: what GPLEVn reads.
 */
bool bcm2835_gpio_pins_level(BCM2835GpioPins *p, unsigned n);

/**
 * bcm2835_gpio_pins_class_init: implement the gpio-controller interface
 * @gcc: the interface of bcm2835_gpio or bcm2838_gpio, whose pins are
 *     in their field "pins"
 *
 * Lines are the pins, named GPIO0 to GPIO57 as the datasheet and the
 * Raspberry Pi's documentation number them ("BCM numbering").
 */
void bcm2835_gpio_pins_class_init(GpioControllerClass *gcc);

/*
 * Migration: GPFSELn and the latches are in the models' own sections,
 * as before the pins had more state; the rest goes in a subsection of
 * each, a VMSTATE_STRUCT of vmstate_bcm2835_gpio_pins, sent when
 * bcm2835_gpio_pins_needed().
 */
extern const VMStateDescription vmstate_bcm2835_gpio_pins;

/**
 * bcm2835_gpio_pins_needed: whether the pins' subsection must be sent
 * @p: the pins
 *
 * Returns: false when the pins hold nothing that an older QEMU, which
 * has no event detection and no inputs, would not restore as it is.
 */
bool bcm2835_gpio_pins_needed(BCM2835GpioPins *p);

#endif

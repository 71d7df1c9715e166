/*
 * The pins of the GPIO block of the BCM2835 family (BCM2835 to BCM2711),
 * as the "BCM2835 ARM Peripherals" datasheet, chapter 6, describes them:
 * function select, output latches, pin levels, event detection and the
 * interrupts it raises
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "hw/sysbus.h"
#include "hw/gpio/bcm2835_gpio.h"
#include "hw/gpio/bcm2838_gpio.h"
#include "trace.h"

#define GPFSEL5   0x14
#define GPSET0    0x1C
#define GPSET1    0x20
#define GPCLR0    0x28
#define GPCLR1    0x2C
#define GPLEV0    0x34
#define GPLEV1    0x38
#define GPEDS0    0x40
#define GPEDS1    0x44
#define GPREN0    0x4C
#define GPREN1    0x50
#define GPFEN0    0x58
#define GPFEN1    0x5C
#define GPHEN0    0x64
#define GPHEN1    0x68
#define GPLEN0    0x70
#define GPLEN1    0x74
#define GPAREN0   0x7C
#define GPAREN1   0x80
#define GPAFEN0   0x88
#define GPAFEN1   0x8C

#define FSEL_PER_REG 10
#define FSEL_BITS 3

/* The pins of interrupt groups 0, 1 and 2, as bits of bank 0 and 1 */
static const uint32_t irq_group_mask[3][BCM2835_GPIO_BANKS] = {
    { MAKE_64BIT_MASK(0, 28), 0 },
    { MAKE_64BIT_MASK(28, 4), MAKE_64BIT_MASK(0, 14) },
    { 0, MAKE_64BIT_MASK(14, 12) },
};

/* The pins that exist in @bank */
static uint32_t bank_mask(BCM2835GpioPins *p, int bank)
{
    int n = MIN(p->npins - bank * 32, 32);

    return MAKE_64BIT_MASK(0, n);
}

static uint32_t bank_outputs(BCM2835GpioPins *p, int bank)
{
    uint32_t mask = 0;
    int i;

    for (i = 0; i < 32 && bank * 32 + i < p->npins; i++) {
        if (p->fsel[bank * 32 + i] == BCM2835_FSEL_OUTPUT) {
            mask |= BIT(i);
        }
    }
    return mask;
}

/* What GPLEVn reads: an output's latch, or what drives the pin */
static uint32_t bank_levels(BCM2835GpioPins *p, int bank)
{
    uint32_t out = bank_outputs(p, bank);

    return ((p->latch[bank] & out) | (p->in[bank] & ~out)) &
           bank_mask(p, bank);
}

bool bcm2835_gpio_pins_level(BCM2835GpioPins *p, unsigned n)
{
    return extract32(bank_levels(p, n / 32), n % 32, 1);
}

static void update_irqs(BCM2835GpioPins *p)
{
    bool any = false;
    int g;

    for (g = 0; g < ARRAY_SIZE(irq_group_mask); g++) {
        bool level = (p->eds[0] & irq_group_mask[g][0]) ||
                     (p->eds[1] & irq_group_mask[g][1]);

        qemu_set_irq(p->irq[g], level);
        any |= level;
    }
    qemu_set_irq(p->irq[3], any);
}

/*
 * Latch the events of @bank: edges between @old and the pins' levels now,
 * and levels that a level detect enable matches.  Level events stay set
 * while the level lasts, even when the guest clears them.
 */
static void detect_events(BCM2835GpioPins *p, int bank, uint32_t old)
{
    uint32_t now = bank_levels(p, bank);
    uint32_t rising = ~old & now;
    uint32_t falling = old & ~now;

    p->eds[bank] |= ((rising & (p->ren[bank] | p->aren[bank])) |
                     (falling & (p->fen[bank] | p->afen[bank])) |
                     (now & p->hen[bank]) | (~now & p->len[bank])) &
                    bank_mask(p, bank);
}

/* Tell other devices about the output pins of @bank that changed. */
static void drive_outputs(BCM2835GpioPins *p, int bank, uint32_t old)
{
    uint32_t now = bank_levels(p, bank);
    uint32_t changed = (old ^ now) & bank_outputs(p, bank);
    int i;

    for (i = 0; i < 32; i++) {
        if (changed & BIT(i)) {
            qemu_set_irq(p->out[bank * 32 + i], extract32(now, i, 1));
        }
    }
}

/* After anything that may change the levels of @bank, from @old */
static void levels_changed(BCM2835GpioPins *p, int bank, uint32_t old)
{
    gpio_frontend_levels(&p->gpiofe, bank * 32, bank_mask(p, bank),
                         bank_levels(p, bank));
    detect_events(p, bank, old);
    update_irqs(p);
    drive_outputs(p, bank, old);
}

static void set_input(void *opaque, int n, int level)
{
    BCM2835GpioPins *p = opaque;
    int bank = n / 32;
    uint32_t old = bank_levels(p, bank);

    trace_bcm2835_gpio_pins_set_input(n, level);
    p->in[bank] = deposit32(p->in[bank], n % 32, 1, !!level);
    levels_changed(p, bank, old);
}

void bcm2835_gpio_pins_init(BCM2835GpioPins *p, DeviceState *dev,
                            unsigned npins, const char *label)
{
    int i;

    assert(npins <= BCM2835_GPIO_PINS_MAX);
    p->npins = npins;
    p->label = label;
    qdev_init_gpio_out(dev, p->out, npins);
    qdev_init_gpio_in_named_with_opaque(dev, set_input, p, NULL, npins);
    for (i = 0; i < BCM2835_GPIO_NUM_IRQS; i++) {
        sysbus_init_irq(SYS_BUS_DEVICE(dev), &p->irq[i]);
    }
}

static uint32_t fsel_get(BCM2835GpioPins *p, int reg)
{
    uint32_t value = 0;
    int i;

    for (i = 0; i < FSEL_PER_REG; i++) {
        unsigned n = reg * FSEL_PER_REG + i;

        if (n < p->npins) {
            value |= p->fsel[n] << (FSEL_BITS * i);
        }
    }
    return value;
}

/* A pin made an output drives its latch from then on. */
static void fsel_set(BCM2835GpioPins *p, int reg, uint32_t value)
{
    uint32_t old[BCM2835_GPIO_BANKS] = {
        bank_levels(p, 0), bank_levels(p, 1)
    };
    int i;

    uint64_t changed = 0;

    for (i = 0; i < FSEL_PER_REG; i++) {
        unsigned n = reg * FSEL_PER_REG + i;
        uint8_t fsel = extract32(value, FSEL_BITS * i, FSEL_BITS);

        if (n < p->npins && p->fsel[n] != fsel) {
            p->fsel[n] = fsel;
            changed |= BIT_ULL(i);
        }
    }
    gpio_frontend_configs(&p->gpiofe, reg * FSEL_PER_REG, changed);
    for (i = 0; i < BCM2835_GPIO_BANKS; i++) {
        levels_changed(p, i, old[i]);
    }
}

static void latch_update(BCM2835GpioPins *p, int bank, uint32_t set,
                         uint32_t clear)
{
    uint32_t old = bank_levels(p, bank);

    p->latch[bank] = (p->latch[bank] | set) & ~clear & bank_mask(p, bank);
    levels_changed(p, bank, old);
}

/* The event detect enables, at their offset from GPREN0 */
static uint32_t *enable_reg(BCM2835GpioPins *p, hwaddr offset)
{
    uint32_t *regs[] = { p->ren, p->fen, p->hen, p->len, p->aren, p->afen };
    hwaddr rel = offset - GPREN0;

    return &regs[rel / 12][rel % 12 / 4];
}

static bool is_enable_reg(hwaddr offset)
{
    return offset >= GPREN0 && offset <= GPAFEN1 &&
           (offset - GPREN0) % 12 < 8;
}

bool bcm2835_gpio_pins_read(BCM2835GpioPins *p, hwaddr offset,
                            uint64_t *value)
{
    if (offset <= GPFSEL5) {
        *value = fsel_get(p, offset / 4);
    } else if (offset == GPSET0 || offset == GPSET1 ||
               offset == GPCLR0 || offset == GPCLR1) {
        *value = 0;     /* write only */
    } else if (offset == GPLEV0 || offset == GPLEV1) {
        *value = bank_levels(p, (offset - GPLEV0) / 4);
    } else if (offset == GPEDS0 || offset == GPEDS1) {
        *value = p->eds[(offset - GPEDS0) / 4];
    } else if (is_enable_reg(offset)) {
        *value = *enable_reg(p, offset);
    } else {
        return false;
    }
    return true;
}

bool bcm2835_gpio_pins_write(BCM2835GpioPins *p, hwaddr offset,
                             uint64_t value)
{
    uint32_t *reg, old;
    int bank;

    if (offset <= GPFSEL5) {
        fsel_set(p, offset / 4, value);
    } else if (offset == GPSET0 || offset == GPSET1) {
        latch_update(p, (offset - GPSET0) / 4, value, 0);
    } else if (offset == GPCLR0 || offset == GPCLR1) {
        latch_update(p, (offset - GPCLR0) / 4, 0, value);
    } else if (offset == GPLEV0 || offset == GPLEV1) {
        /* read only */
    } else if (offset == GPEDS0 || offset == GPEDS1) {
        bank = (offset - GPEDS0) / 4;
        p->eds[bank] &= ~value;
        /* A level that lasts is an event again */
        detect_events(p, bank, bank_levels(p, bank));
        update_irqs(p);
    } else if (is_enable_reg(offset)) {
        bank = (offset - GPREN0) % 12 / 4;
        reg = enable_reg(p, offset);
        old = *reg;
        *reg = value & bank_mask(p, bank);
        gpio_frontend_configs(&p->gpiofe, bank * 32, old ^ *reg);
        detect_events(p, bank, bank_levels(p, bank));
        update_irqs(p);
    } else {
        return false;
    }
    return true;
}

/* Every pin an input: what other devices drive is what they read. */
void bcm2835_gpio_pins_reset(BCM2835GpioPins *p)
{
    int i;

    memset(p->fsel, BCM2835_FSEL_INPUT, sizeof(p->fsel));
    for (i = 0; i < BCM2835_GPIO_BANKS; i++) {
        p->latch[i] = 0;
        p->eds[i] = 0;
        p->ren[i] = p->fen[i] = p->hen[i] = p->len[i] = 0;
        p->aren[i] = p->afen[i] = 0;
    }
    update_irqs(p);
}

bool bcm2835_gpio_pins_needed(BCM2835GpioPins *p)
{
    int i;

    for (i = 0; i < BCM2835_GPIO_BANKS; i++) {
        if (p->in[i] || p->eds[i] || p->ren[i] || p->fen[i] || p->hen[i] ||
            p->len[i] || p->aren[i] || p->afen[i]) {
            return true;
        }
    }
    return false;
}

const VMStateDescription vmstate_bcm2835_gpio_pins = {
    .name = "bcm2835-gpio-pins",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(in, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(eds, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(ren, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(fen, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(hen, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(len, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(aren, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_UINT32_ARRAY(afen, BCM2835GpioPins, BCM2835_GPIO_BANKS),
        VMSTATE_END_OF_LIST()
    }
};

/* gpio-controller interface */

static BCM2835GpioPins *pins_of(GpioController *gc)
{
    Object *bcm2838 = object_dynamic_cast(OBJECT(gc), TYPE_BCM2838_GPIO);

    return bcm2838 ? &BCM2838_GPIO(bcm2838)->pins : &BCM2835_GPIO(gc)->pins;
}

static GpioFrontend *pins_get_frontend(GpioController *gc)
{
    return &pins_of(gc)->gpiofe;
}

static unsigned pins_get_nlines(GpioController *gc)
{
    return pins_of(gc)->npins;
}

static const char *pins_get_label(GpioController *gc)
{
    return pins_of(gc)->label;
}

static bool pin_enabled(const uint32_t *enable, unsigned n)
{
    return extract32(enable[n / 32], n % 32, 1);
}

/* Linux sets one of these, the asynchronous edges never. */
static GpioLineInterrupt pin_interrupt(BCM2835GpioPins *p, unsigned n)
{
    bool rising = pin_enabled(p->ren, n) || pin_enabled(p->aren, n);
    bool falling = pin_enabled(p->fen, n) || pin_enabled(p->afen, n);

    if (pin_enabled(p->hen, n)) {
        return GPIO_LINE_INTERRUPT_LEVEL_HIGH;
    }
    if (pin_enabled(p->len, n)) {
        return GPIO_LINE_INTERRUPT_LEVEL_LOW;
    }
    if (rising && falling) {
        return GPIO_LINE_INTERRUPT_BOTH;
    }
    if (rising) {
        return GPIO_LINE_INTERRUPT_RISING;
    }
    return falling ? GPIO_LINE_INTERRUPT_FALLING : GPIO_LINE_INTERRUPT_NONE;
}

static GpioLineBias pin_bias(BCM2835GpioPins *p, unsigned n)
{
    static const GpioLineBias pull[] = {
        GPIO_LINE_BIAS_DISABLED, GPIO_LINE_BIAS_PULL_UP,
        GPIO_LINE_BIAS_PULL_DOWN, GPIO_LINE_BIAS_UNKNOWN,
    };

    if (!p->pulls) {
        return GPIO_LINE_BIAS_UNKNOWN;
    }
    return pull[extract32(p->pulls[n / 16], n % 16 * 2, 2)];
}

/*
 * A pin in an alternate function is an input as far as gpiodev knows:
 * the model does not know which peripheral functions drive their pins.
 */
static void pins_get_line_info(GpioController *gc, unsigned offset,
                               GpioLineInfo *info)
{
    BCM2835GpioPins *p = pins_of(gc);

    info->present = true;
    snprintf(info->name, sizeof(info->name), "GPIO%u", offset);
    info->direction = p->fsel[offset] == BCM2835_FSEL_OUTPUT ?
                      GPIO_LINE_DIRECTION_OUTPUT : GPIO_LINE_DIRECTION_INPUT;
    info->drive = GPIO_LINE_DRIVE_PUSH_PULL;
    info->bias = pin_bias(p, offset);
    info->interrupt = pin_interrupt(p, offset);
}

static bool pins_get_level(GpioController *gc, unsigned offset)
{
    return bcm2835_gpio_pins_level(pins_of(gc), offset);
}

static void pins_set_input(GpioController *gc, unsigned offset, bool level)
{
    set_input(pins_of(gc), offset, level);
}

void bcm2835_gpio_pins_class_init(GpioControllerClass *gcc)
{
    gcc->get_frontend = pins_get_frontend;
    gcc->get_nlines = pins_get_nlines;
    gcc->get_label = pins_get_label;
    gcc->get_line_info = pins_get_line_info;
    gcc->get_level = pins_get_level;
    gcc->set_input = pins_set_input;
}

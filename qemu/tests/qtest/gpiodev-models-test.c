/*
 * QTest for the gpio-controller interface of every GPIO model but
 * ASPEED's (which gpiodev-aspeed-test covers with the backends): qtest
 * plays the guest by writing the controller's registers, QMP plays the
 * outside world.  Each model is a table entry; the cases run on every
 * model whose board the QEMU binary under test has.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "e500-kernel.h"

typedef struct Model Model;

/* How the guest drives one model's registers */
struct Model {
    const char *name;           /* test path component */
    const char *machine;
    const char *args;           /* more -machine options, or "" */
    const char *path;           /* QOM path of the controller */
    const char *label;
    unsigned nlines;
    uint64_t base;
    /* A line the tests may use freely, and its name */
    unsigned line;
    const char *line_name;
    /* A line the board wires inside itself, if any, and to what */
    const char *wired_name;
    const char *wired_to;
    /* Register access; NULL where qtest cannot reach the registers */
    void (*set_output)(QTestState *qts, const Model *m, unsigned line,
                       bool level);
    void (*set_input)(QTestState *qts, const Model *m, unsigned line);
    bool (*read)(QTestState *qts, const Model *m, unsigned line);
    /* Interrupt on rising edges; whether one is pending (NULL: none) */
    void (*irq_rising)(QTestState *qts, const Model *m, unsigned line);
    bool (*irq_pending)(QTestState *qts, const Model *m, unsigned line);
    /* What irq_rising() sets where the model has no rising-only mode */
    const char *irq_edges;
    /* The board starts only with a kernel: e500_qtest_init() */
    bool e500_kernel;
};

/* PL061 */

#define PL061_DATA(bits)        ((bits) << 2)
#define PL061_DIR               0x400
#define PL061_IS                0x404
#define PL061_IBE               0x408
#define PL061_IEV               0x40c
#define PL061_IE                0x410
#define PL061_RIS               0x414

static void pl061_update(QTestState *qts, const Model *m, uint32_t reg,
                         unsigned line, bool set)
{
    uint32_t v = qtest_readl(qts, m->base + reg);

    v = set ? v | BIT(line) : v & ~BIT(line);
    qtest_writel(qts, m->base + reg, v);
}

/* As Linux's gpio-pl061 does: the value, the direction, the value. */
static void pl061_set_output(QTestState *qts, const Model *m, unsigned line,
                             bool level)
{
    qtest_writel(qts, m->base + PL061_DATA(BIT(line)), level << line);
    pl061_update(qts, m, PL061_DIR, line, true);
    qtest_writel(qts, m->base + PL061_DATA(BIT(line)), level << line);
}

static void pl061_set_input(QTestState *qts, const Model *m, unsigned line)
{
    pl061_update(qts, m, PL061_DIR, line, false);
}

static bool pl061_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + PL061_DATA(BIT(line)));
}

static void pl061_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    pl061_update(qts, m, PL061_IS, line, false);
    pl061_update(qts, m, PL061_IBE, line, false);
    pl061_update(qts, m, PL061_IEV, line, true);
    pl061_update(qts, m, PL061_IE, line, true);
}

static bool pl061_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + PL061_RIS) & BIT(line);
}

/* i.MX GPIO */

#define IMX_DR                  0x00
#define IMX_GDIR                0x04
#define IMX_PSR                 0x08
#define IMX_ICR1                0x0c
#define IMX_IMR                 0x14
#define IMX_ISR                 0x18
#define IMX_EDGE_SEL            0x1c
#define IMX_ICR_RISING          2

static void imx_update(QTestState *qts, const Model *m, uint32_t reg,
                       unsigned line, bool set)
{
    uint32_t v = qtest_readl(qts, m->base + reg);

    v = set ? v | BIT(line) : v & ~BIT(line);
    qtest_writel(qts, m->base + reg, v);
}

/* As Linux's gpio-mxc (gpio-mmio) does: the value, then the direction. */
static void imx_set_output(QTestState *qts, const Model *m, unsigned line,
                           bool level)
{
    imx_update(qts, m, IMX_DR, line, level);
    imx_update(qts, m, IMX_GDIR, line, true);
}

static void imx_set_input(QTestState *qts, const Model *m, unsigned line)
{
    imx_update(qts, m, IMX_GDIR, line, false);
}

static bool imx_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + IMX_PSR) & BIT(line);
}

static void imx_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    uint32_t icr = m->base + IMX_ICR1 + line / 16 * 4;
    unsigned shift = line % 16 * 2;
    uint32_t v = qtest_readl(qts, icr);

    /*
     * As gpio-mxc does: the sense, then clear what the previous one
     * latched (ICR resets to low level sensitive), then unmask.
     */
    v = (v & ~(3u << shift)) | IMX_ICR_RISING << shift;
    qtest_writel(qts, icr, v);
    imx_update(qts, m, IMX_EDGE_SEL, line, false);
    qtest_writel(qts, m->base + IMX_ISR, BIT(line));
    imx_update(qts, m, IMX_IMR, line, true);
}

static bool imx_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + IMX_ISR) & BIT(line);
}

/*
 * Bank 1 of an i.MX SoC, at @addr and QOM path @path (the i.MX6UL and
 * i.MX7 count their children from 0, the others from 1)
 */
#define IMX_GPIO1(board, addr, path_) \
    .name = "imx-" board, .machine = board, .args = "", \
    .path = path_, .label = "i.MX GPIO1", .nlines = 32, \
    .base = (addr), .line = 5, .line_name = "GPIO1_IO05", \
    .set_output = imx_set_output, .set_input = imx_set_input, \
    .read = imx_read, .irq_rising = imx_irq_rising, \
    .irq_pending = imx_irq_pending

/* BCM2835 and BCM2711 */

#define BCM_GPFSEL0             0x00
#define BCM_GPSET0              0x1c
#define BCM_GPCLR0              0x28
#define BCM_GPLEV0              0x34
#define BCM_GPEDS0              0x40
#define BCM_GPREN0              0x4c
#define BCM_BANK(reg, line)     ((reg) + (line) / 32 * 4)

static void bcm_set_fsel(QTestState *qts, const Model *m, unsigned line,
                         uint32_t fsel)
{
    uint32_t reg = m->base + BCM_GPFSEL0 + line / 10 * 4;
    unsigned shift = line % 10 * 3;
    uint32_t v = qtest_readl(qts, reg);

    qtest_writel(qts, reg, (v & ~(7u << shift)) | fsel << shift);
}

/* As Linux's pinctrl-bcm2835 does: the level, then the function. */
static void bcm_set_output(QTestState *qts, const Model *m, unsigned line,
                           bool level)
{
    qtest_writel(qts, m->base + BCM_BANK(level ? BCM_GPSET0 : BCM_GPCLR0,
                                         line), BIT(line % 32));
    bcm_set_fsel(qts, m, line, 1);
}

static void bcm_set_input(QTestState *qts, const Model *m, unsigned line)
{
    bcm_set_fsel(qts, m, line, 0);
}

static bool bcm_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + BCM_BANK(BCM_GPLEV0, line)) &
           BIT(line % 32);
}

static void bcm_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    qtest_writel(qts, m->base + BCM_BANK(BCM_GPREN0, line), BIT(line % 32));
}

static bool bcm_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + BCM_BANK(BCM_GPEDS0, line)) &
           BIT(line % 32);
}

#define BCM_GPIO(board, label_, lines, addr) \
    .name = "bcm-" board, .machine = board, .args = "", \
    .path = "/machine/soc/peripherals/gpio", .label = label_, \
    .nlines = lines, .base = (addr), .line = 17, .line_name = "GPIO17", \
    .set_output = bcm_set_output, .set_input = bcm_set_input, \
    .read = bcm_read, .irq_rising = bcm_irq_rising, \
    .irq_pending = bcm_irq_pending

/* SiFive */

#define SIFIVE_VALUE            0x00
#define SIFIVE_INPUT_EN         0x04
#define SIFIVE_OUTPUT_EN        0x08
#define SIFIVE_PORT             0x0c
#define SIFIVE_RISE_IE          0x18
#define SIFIVE_RISE_IP          0x1c

static void sifive_update(QTestState *qts, const Model *m, uint32_t reg,
                          unsigned line, bool set)
{
    uint32_t v = qtest_readl(qts, m->base + reg);

    v = set ? v | BIT(line) : v & ~BIT(line);
    qtest_writel(qts, m->base + reg, v);
}

/* As Linux's gpio-sifive (gpio-mmio) does: the value, then the direction. */
static void sifive_set_output(QTestState *qts, const Model *m, unsigned line,
                              bool level)
{
    sifive_update(qts, m, SIFIVE_PORT, line, level);
    sifive_update(qts, m, SIFIVE_INPUT_EN, line, false);
    sifive_update(qts, m, SIFIVE_OUTPUT_EN, line, true);
}

static void sifive_set_input(QTestState *qts, const Model *m, unsigned line)
{
    sifive_update(qts, m, SIFIVE_OUTPUT_EN, line, false);
    sifive_update(qts, m, SIFIVE_INPUT_EN, line, true);
}

static bool sifive_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + SIFIVE_VALUE) & BIT(line);
}

static void sifive_irq_rising(QTestState *qts, const Model *m,
                              unsigned line)
{
    qtest_writel(qts, m->base + SIFIVE_RISE_IP, BIT(line));
    sifive_update(qts, m, SIFIVE_RISE_IE, line, true);
}

static bool sifive_irq_pending(QTestState *qts, const Model *m,
                               unsigned line)
{
    return qtest_readl(qts, m->base + SIFIVE_RISE_IP) & BIT(line);
}

/* STM32L4x5 GPIO, with its interrupts in SYSCFG and EXTI */

#define STM32_MODER             0x00
#define STM32_IDR               0x10
#define STM32_BSRR              0x18
#define STM32_MODER_OUTPUT      1
#define STM32_SYSCFG_EXTICR1    0x40010008
#define STM32_EXTI_IMR1         0x40010400
#define STM32_EXTI_RTSR1        0x40010408
#define STM32_EXTI_FTSR1        0x4001040c
#define STM32_EXTI_PR1          0x40010414
#define STM32_GPIOA             0x48000000
#define STM32_PORT_SIZE         0x400

static void stm32_set_mode(QTestState *qts, const Model *m, unsigned line,
                           uint32_t mode)
{
    uint32_t v = qtest_readl(qts, m->base + STM32_MODER);

    v = deposit32(v, 2 * line, 2, mode);
    qtest_writel(qts, m->base + STM32_MODER, v);
}

/* As the STM32 HAL does: the output data, then the mode. */
static void stm32_set_output(QTestState *qts, const Model *m, unsigned line,
                             bool level)
{
    qtest_writel(qts, m->base + STM32_BSRR, BIT(line + (level ? 0 : 16)));
    stm32_set_mode(qts, m, line, STM32_MODER_OUTPUT);
}

static void stm32_set_input(QTestState *qts, const Model *m, unsigned line)
{
    stm32_set_mode(qts, m, line, 0);
}

static bool stm32_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + STM32_IDR) & BIT(line);
}

/* Set or clear the bit of @line in the register at @addr */
static void update_bit(QTestState *qts, uint64_t addr, unsigned line,
                       bool set)
{
    uint32_t v = qtest_readl(qts, addr);

    qtest_writel(qts, addr, set ? v | BIT(line) : v & ~BIT(line));
}

/* EXTI line @line takes this port's pin, on rising edges. */
static void stm32_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    uint64_t exticr = STM32_SYSCFG_EXTICR1 + 4 * (line / 4);
    uint32_t v = qtest_readl(qts, exticr);

    v = deposit32(v, 4 * (line % 4), 4,
                  (m->base - STM32_GPIOA) / STM32_PORT_SIZE);
    qtest_writel(qts, exticr, v);
    update_bit(qts, STM32_EXTI_FTSR1, line, false);
    update_bit(qts, STM32_EXTI_RTSR1, line, true);
    update_bit(qts, STM32_EXTI_IMR1, line, true);
}

static bool stm32_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, STM32_EXTI_PR1) & BIT(line);
}

/* NPCM7xx GPIO */

#define NPCM_DIN                0x04
#define NPCM_EVTYP              0x28
#define NPCM_EVBE               0x2c
#define NPCM_EVENS              0x44
#define NPCM_EVST               0x4c
#define NPCM_IEM                0x58
#define NPCM_DOS                0x68
#define NPCM_DOC                0x6c
#define NPCM_OES                0x70
#define NPCM_OEC                0x74

/* As Linux's pinctrl-npcm7xx does: the value, then the direction. */
static void npcm_set_output(QTestState *qts, const Model *m, unsigned line,
                            bool level)
{
    qtest_writel(qts, m->base + (level ? NPCM_DOS : NPCM_DOC), BIT(line));
    qtest_writel(qts, m->base + NPCM_OES, BIT(line));
}

/* An input, with its input buffer enabled (IEM) so that DIN reads it */
static void npcm_set_input(QTestState *qts, const Model *m, unsigned line)
{
    qtest_writel(qts, m->base + NPCM_OEC, BIT(line));
    update_bit(qts, m->base + NPCM_IEM, line, true);
}

static bool npcm_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + NPCM_DIN) & BIT(line);
}

static void npcm_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    update_bit(qts, m->base + NPCM_EVTYP, line, true);
    update_bit(qts, m->base + NPCM_EVBE, line, false);
    qtest_writel(qts, m->base + NPCM_EVST, BIT(line));
    qtest_writel(qts, m->base + NPCM_EVENS, BIT(line));
}

static bool npcm_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + NPCM_EVST) & BIT(line);
}

/* nRF51 GPIO, and the GPIOTE that its interrupts go through */

#define NRF51_OUTSET            0x508
#define NRF51_OUTCLR            0x50c
#define NRF51_IN                0x510
#define NRF51_CNF(line)         (0x700 + 4 * (line))
#define NRF51_CNF_DIR_OUTPUT    BIT(0)
#define NRF51_CNF_INPUT_DISCONNECT BIT(1)
#define NRF51_GPIOTE            0x40006000
#define NRF51_GPIOTE_EVENTS_IN0 (NRF51_GPIOTE + 0x100)
#define NRF51_GPIOTE_EVENTS_PORT (NRF51_GPIOTE + 0x17c)
#define NRF51_GPIOTE_INTENSET   (NRF51_GPIOTE + 0x304)
#define NRF51_GPIOTE_INTENCLR   (NRF51_GPIOTE + 0x308)
#define NRF51_GPIOTE_CONFIG(n)  (NRF51_GPIOTE + 0x510 + 4 * (n))
#define NRF51_GPIOTE_INTEN_PORT BIT(31)

/*
 * As Zephyr's and nrfx's drivers do: the value, then the pin's
 * configuration as an output with its input buffer disconnected.
 */
static void nrf51_set_output(QTestState *qts, const Model *m, unsigned line,
                             bool level)
{
    qtest_writel(qts, m->base + (level ? NRF51_OUTSET : NRF51_OUTCLR),
                 BIT(line));
    qtest_writel(qts, m->base + NRF51_CNF(line),
                 NRF51_CNF_DIR_OUTPUT | NRF51_CNF_INPUT_DISCONNECT);
}

/* An input with its input buffer connected, so that IN reads it */
static void nrf51_set_input(QTestState *qts, const Model *m, unsigned line)
{
    qtest_writel(qts, m->base + NRF51_CNF(line), 0);
}

static bool nrf51_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + NRF51_IN) & BIT(line);
}

/* GPIOTE channel 0 in event mode (1), rising edges (1), interrupting */
static void nrf51_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    qtest_writel(qts, NRF51_GPIOTE_CONFIG(0), 1 | line << 8 | 1 << 16);
    qtest_writel(qts, NRF51_GPIOTE_EVENTS_IN0, 0);
    qtest_writel(qts, NRF51_GPIOTE_INTENSET, BIT(0));
}

static bool nrf51_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, NRF51_GPIOTE_EVENTS_IN0);
}

/* The SCOOP of Sharp's Zaurus PDAs, which has no interrupt */

#define SCOOP_GPCR              0x20
#define SCOOP_GPWR              0x24
#define SCOOP_GPRR              0x28

/* As Linux's scoop driver does: the level, then the direction. */
static void scoop_set_output(QTestState *qts, const Model *m, unsigned line,
                             bool level)
{
    update_bit(qts, m->base + SCOOP_GPWR, line, level);
    update_bit(qts, m->base + SCOOP_GPCR, line, true);
}

static void scoop_set_input(QTestState *qts, const Model *m, unsigned line)
{
    update_bit(qts, m->base + SCOOP_GPCR, line, false);
}

static bool scoop_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + SCOOP_GPRR) & BIT(line);
}

/* The SA-1110's GPIO and peripheral pin controllers */

#define SA_GPLR                 0x00
#define SA_GPDR                 0x04
#define SA_GPSR                 0x08
#define SA_GPCR                 0x0c
#define SA_GRER                 0x10
#define SA_GFER                 0x14
#define SA_GEDR                 0x18
#define SA_PPDR                 0x00
#define SA_PPSR                 0x04

/* As Linux's gpio-sa1100 does: the level, then the direction. */
static void sa_gpio_set_output(QTestState *qts, const Model *m, unsigned line,
                               bool level)
{
    qtest_writel(qts, m->base + (level ? SA_GPSR : SA_GPCR), BIT(line));
    update_bit(qts, m->base + SA_GPDR, line, true);
}

static void sa_gpio_set_input(QTestState *qts, const Model *m, unsigned line)
{
    update_bit(qts, m->base + SA_GPDR, line, false);
}

static bool sa_gpio_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + SA_GPLR) & BIT(line);
}

static void sa_gpio_irq_rising(QTestState *qts, const Model *m,
                               unsigned line)
{
    update_bit(qts, m->base + SA_GFER, line, false);
    update_bit(qts, m->base + SA_GRER, line, true);
    qtest_writel(qts, m->base + SA_GEDR, BIT(line));
}

static bool sa_gpio_irq_pending(QTestState *qts, const Model *m,
                                unsigned line)
{
    return qtest_readl(qts, m->base + SA_GEDR) & BIT(line);
}

/* The direction, then the level: PPSR only latches outputs' levels. */
static void sa_ppc_set_output(QTestState *qts, const Model *m, unsigned line,
                              bool level)
{
    update_bit(qts, m->base + SA_PPDR, line, true);
    update_bit(qts, m->base + SA_PPSR, line, level);
}

static void sa_ppc_set_input(QTestState *qts, const Model *m, unsigned line)
{
    update_bit(qts, m->base + SA_PPDR, line, false);
}

static bool sa_ppc_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + SA_PPSR) & BIT(line);
}

/* The OMAP1's GPIO, whose registers are 16 bits wide */

#define OMAP_DATA_INPUT         0x00
#define OMAP_DATA_OUTPUT        0x04
#define OMAP_DIRECTION          0x08    /* 1: input */
#define OMAP_INTERRUPT_CONTROL  0x0c    /* 1: rising edge */
#define OMAP_INTERRUPT_MASK     0x10
#define OMAP_INTERRUPT_STATUS   0x14

static void omap_update(QTestState *qts, const Model *m, uint32_t reg,
                        unsigned line, bool set)
{
    uint16_t v = qtest_readw(qts, m->base + reg);

    qtest_writew(qts, m->base + reg, set ? v | BIT(line) : v & ~BIT(line));
}

/* As Linux's gpio-omap does: the value, then the direction. */
static void omap_set_output(QTestState *qts, const Model *m, unsigned line,
                            bool level)
{
    omap_update(qts, m, OMAP_DATA_OUTPUT, line, level);
    omap_update(qts, m, OMAP_DIRECTION, line, false);
}

static void omap_set_input(QTestState *qts, const Model *m, unsigned line)
{
    omap_update(qts, m, OMAP_DIRECTION, line, true);
}

static bool omap_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readw(qts, m->base + OMAP_DATA_INPUT) & BIT(line);
}

static void omap_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    omap_update(qts, m, OMAP_INTERRUPT_CONTROL, line, true);
    qtest_writew(qts, m->base + OMAP_INTERRUPT_STATUS, BIT(line));
    omap_update(qts, m, OMAP_INTERRUPT_MASK, line, false);
}

static bool omap_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readw(qts, m->base + OMAP_INTERRUPT_STATUS) & BIT(line);
}

/* The OMAP1's MPUIO, its GPIO_INT cleared by reading it */

#define MPUIO_INPUT_LATCH       0x00
#define MPUIO_OUTPUT_REG        0x04
#define MPUIO_IO_CNTL           0x08    /* 1: input */
#define MPUIO_GPIO_INT_EDGE     0x1c    /* 1: rising edge */
#define MPUIO_GPIO_INT          0x24
#define MPUIO_GPIO_MASKIT       0x2c

static void mpuio_set_output(QTestState *qts, const Model *m, unsigned line,
                             bool level)
{
    omap_update(qts, m, MPUIO_OUTPUT_REG, line, level);
    omap_update(qts, m, MPUIO_IO_CNTL, line, false);
}

static void mpuio_set_input(QTestState *qts, const Model *m, unsigned line)
{
    omap_update(qts, m, MPUIO_IO_CNTL, line, true);
}

static bool mpuio_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readw(qts, m->base + MPUIO_INPUT_LATCH) & BIT(line);
}

static void mpuio_irq_rising(QTestState *qts, const Model *m, unsigned line)
{
    omap_update(qts, m, MPUIO_GPIO_INT_EDGE, line, true);
    qtest_readw(qts, m->base + MPUIO_GPIO_INT);
    omap_update(qts, m, MPUIO_GPIO_MASKIT, line, false);
}

static bool mpuio_irq_pending(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readw(qts, m->base + MPUIO_GPIO_INT) & BIT(line);
}

/* The MPC8xxx GPIO, pin N in bit 31 - N */

#define MPC8XXX_DIR             0x00    /* 1: output */
#define MPC8XXX_DAT             0x08
#define MPC8XXX_IER             0x0c
#define MPC8XXX_IMR             0x10
#define MPC8XXX_ICR             0x14    /* 1: falling edges only */
#define MPC8XXX_PIN(line)       (0x80000000u >> (line))

static void mpc8xxx_update(QTestState *qts, const Model *m, uint32_t reg,
                           unsigned line, bool set)
{
    uint32_t v = qtest_readl(qts, m->base + reg);

    v = set ? v | MPC8XXX_PIN(line) : v & ~MPC8XXX_PIN(line);
    qtest_writel(qts, m->base + reg, v);
}

/* As Linux's gpio-mpc8xxx does: the value, then the direction. */
static void mpc8xxx_set_output(QTestState *qts, const Model *m,
                               unsigned line, bool level)
{
    mpc8xxx_update(qts, m, MPC8XXX_DAT, line, level);
    mpc8xxx_update(qts, m, MPC8XXX_DIR, line, true);
}

static void mpc8xxx_set_input(QTestState *qts, const Model *m, unsigned line)
{
    mpc8xxx_update(qts, m, MPC8XXX_DIR, line, false);
}

static bool mpc8xxx_read(QTestState *qts, const Model *m, unsigned line)
{
    return qtest_readl(qts, m->base + MPC8XXX_DAT) & MPC8XXX_PIN(line);
}

/* Both edges: the controller has no rising-only mode. */
static void mpc8xxx_irq_both(QTestState *qts, const Model *m, unsigned line)
{
    mpc8xxx_update(qts, m, MPC8XXX_ICR, line, false);
    qtest_writel(qts, m->base + MPC8XXX_IER, MPC8XXX_PIN(line));
    mpc8xxx_update(qts, m, MPC8XXX_IMR, line, true);
}

static bool mpc8xxx_irq_pending(QTestState *qts, const Model *m,
                                unsigned line)
{
    return qtest_readl(qts, m->base + MPC8XXX_IER) & MPC8XXX_PIN(line);
}

static const Model models[] = {
    {
        .name = "pl061", .machine = "virt", .args = "",
        .path = "/machine/gpio", .label = "PL061 GPIO", .nlines = 8,
        .base = 0x09030000, .line = 5, .line_name = "GPIO5",
        .wired_name = "GPIO3", .wired_to = "gpio-key",
        .set_output = pl061_set_output, .set_input = pl061_set_input,
        .read = pl061_read, .irq_rising = pl061_irq_rising,
        .irq_pending = pl061_irq_pending,
    }, {
        /*
         * virt's secure PL061, where gpio-pwr listens to lines 0 and 1.
         * It is in the secure address space, which qtest cannot reach:
         * no register cases.
         */
        .name = "pl061-secure", .machine = "virt", .args = ",secure=on",
        .path = "/machine/secure-gpio", .label = "PL061 GPIO", .nlines = 8,
        .line = 5, .line_name = "GPIO5",
        .wired_name = "GPIO1", .wired_to = "gpio-pwr",
    },
    {
        /* Port F: the EK-LM3S6965's status LED (PF0) and select key. */
        .name = "stellaris-lm3s6965", .machine = "lm3s6965evb", .args = "",
        .path = "/machine/soc/gpio-f", .label = "Stellaris GPIO port F",
        .nlines = 8, .base = 0x40025000, .line = 0, .line_name = "PF0",
        .wired_name = "PF1", .wired_to = "stellaris-gamepad",
        .set_output = pl061_set_output, .set_input = pl061_set_input,
        .read = pl061_read, .irq_rising = pl061_irq_rising,
        .irq_pending = pl061_irq_pending,
    }, {
        /* Port C: PC7 is the OLED controller's data/command line. */
        .name = "stellaris-lm3s6965-c", .machine = "lm3s6965evb", .args = "",
        .path = "/machine/soc/gpio-c", .label = "Stellaris GPIO port C",
        .nlines = 8, .line = 5, .line_name = "PC5",
        .wired_name = "PC7", .wired_to = "ssd0323",
    }, {
        /* Port C: the EK-LM3S811's LED (PC5) and user switch (PC4). */
        .name = "stellaris-lm3s811", .machine = "lm3s811evb", .args = "",
        .path = "/machine/soc/gpio-c", .label = "Stellaris GPIO port C",
        .nlines = 8, .base = 0x40006000, .line = 5, .line_name = "PC5",
        .set_output = pl061_set_output, .set_input = pl061_set_input,
        .read = pl061_read, .irq_rising = pl061_irq_rising,
        .irq_pending = pl061_irq_pending,
    },
    { IMX_GPIO1("sabrelite", 0x0209c000, "/machine/soc/gpio1") },
    { IMX_GPIO1("mcimx6ul-evk", 0x0209c000, "/machine/soc/gpio0") },
    { IMX_GPIO1("mcimx7d-sabre", 0x30200000, "/machine/soc/gpio0") },
    { IMX_GPIO1("imx8mp-evk", 0x30200000, "/machine/soc/gpio1") },
    { BCM_GPIO("raspi2b", "BCM2835 GPIO", 54, 0x3f200000) },
    { BCM_GPIO("raspi3b", "BCM2835 GPIO", 54, 0x3f200000) },
    { BCM_GPIO("raspi4b", "BCM2711 GPIO", 58, 0xfe200000) },
    {
        .name = "sifive-u", .machine = "sifive_u", .args = "",
        .path = "/machine/soc/gpio", .label = "SiFive GPIO", .nlines = 16,
        .base = 0x10060000, .line = 5, .line_name = "GPIO5",
        .wired_name = "GPIO10", .wired_to = "gpio-restart",
        .set_output = sifive_set_output, .set_input = sifive_set_input,
        .read = sifive_read, .irq_rising = sifive_irq_rising,
        .irq_pending = sifive_irq_pending,
    }, {
        /* The FE310 of sifive_e (a HiFive1): 32 lines, nothing wired. */
        .name = "sifive-e", .machine = "sifive_e", .args = "",
        .path = "/machine/soc/riscv.sifive.e.gpio0", .label = "SiFive GPIO",
        .nlines = 32, .base = 0x10012000, .line = 5, .line_name = "GPIO5",
        .set_output = sifive_set_output, .set_input = sifive_set_input,
        .read = sifive_read, .irq_rising = sifive_irq_rising,
        .irq_pending = sifive_irq_pending,
    },
    {
        /*
         * Port B of the B-L475E-IOT01A: LED2 (PB14) is free, PB0 to PB2
         * drive the LED matrix (DM163) that the board model attaches.
         */
        .name = "stm32l4x5", .machine = "b-l475e-iot01a", .args = "",
        .path = "/machine/soc/gpiob", .label = "STM32L4x5 GPIO port B",
        .nlines = 16, .base = 0x48000400, .line = 14, .line_name = "PB14",
        .wired_name = "PB0", .wired_to = "dm163",
        .set_output = stm32_set_output, .set_input = stm32_set_input,
        .read = stm32_read, .irq_rising = stm32_irq_rising,
        .irq_pending = stm32_irq_pending,
    },
    {
        /* Bank 1 of the NPCM750: its line 5 is GPIO37. */
        .name = "npcm7xx", .machine = "npcm750-evb", .args = "",
        .path = "/machine/soc/gpio[1]", .label = "NPCM GPIO bank 1",
        .nlines = 32, .base = 0xf0011000, .line = 5, .line_name = "GPIO37",
        .set_output = npcm_set_output, .set_input = npcm_set_input,
        .read = npcm_read, .irq_rising = npcm_irq_rising,
        .irq_pending = npcm_irq_pending,
    },
    {
        /* The micro:bit's nRF51822: P0.17 is button A, nothing is wired. */
        .name = "nrf51", .machine = "microbit", .args = "",
        .path = "/machine/nrf51/gpio", .label = "nRF51 GPIO", .nlines = 32,
        .base = 0x50000000, .line = 17, .line_name = "P0.17",
        .set_output = nrf51_set_output, .set_input = nrf51_set_input,
        .read = nrf51_read, .irq_rising = nrf51_irq_rising,
        .irq_pending = nrf51_irq_pending,
    },
    {
        /*
         * Rainier's TCA9554 on I2C bus 0.  qtest has no I2C master for
         * the ASPEED controller: the pca9554 case plays the guest
         * through the expander's pinN properties instead.
         */
        .name = "pca9554", .machine = "rainier-bmc", .args = "",
        .path = "/machine/soc/i2c/bus[0]/pca9554@20",
        .label = "PCA9554 at 0x20 on aspeed.i2c.bus.0", .nlines = 8,
        .line = 3, .line_name = "P3",
    }, {
        /*
         * One of rainier's LED controllers, whose LED0 Linux names
         * pcieslot0.  The pca9552 case plays the guest through the
         * chip's ledN properties.
         */
        .name = "pca9552", .machine = "rainier-bmc", .args = "",
        .path = "/machine/soc/i2c/bus[7]/pca9552@30",
        .label = "PCA9552 at 0x30 on aspeed.i2c.bus.7", .nlines = 16,
        .line = 0, .line_name = "LED0",
    }, {
        /* Witherspoon's front panel LEDs, which the board models */
        .name = "pca9552-witherspoon", .machine = "witherspoon-bmc",
        .args = "", .path = "/machine/soc/i2c/bus[3]/pca9552@60",
        .label = "PCA9552 at 0x60 on aspeed.i2c.bus.3", .nlines = 16,
        .line = 0, .line_name = "LED0", .wired_name = "LED13",
        .wired_to = "led",
    }, {
        .name = "scoop", .machine = "collie", .args = "",
        .path = "/machine/scoop", .label = "SCOOP", .nlines = 16,
        .base = 0x40800000, .line = 3, .line_name = "PA13",
        .set_output = scoop_set_output, .set_input = scoop_set_input,
        .read = scoop_read,
    }, {
        .name = "sa1110-gpio", .machine = "collie", .args = "",
        .path = "/machine/sa1110/gpio", .label = "SA-1110 GPIO",
        .nlines = 28, .base = 0x90040000, .line = 2, .line_name = "GPIO2",
        .set_output = sa_gpio_set_output, .set_input = sa_gpio_set_input,
        .read = sa_gpio_read, .irq_rising = sa_gpio_irq_rising,
        .irq_pending = sa_gpio_irq_pending,
    }, {
        .name = "sa1110-ppc", .machine = "collie", .args = "",
        .path = "/machine/sa1110/ppc", .label = "SA-1110 PPC",
        .nlines = 22, .base = 0x90060000, .line = 12, .line_name = "TXD1",
        .set_output = sa_ppc_set_output, .set_input = sa_ppc_set_input,
        .read = sa_ppc_read,
    }, {
        .name = "omap-gpio", .machine = "sx1", .args = "",
        .path = "/machine/omap1/gpio", .label = "OMAP GPIO", .nlines = 16,
        .base = 0xfffce000, .line = 6, .line_name = "GPIO6",
        .set_output = omap_set_output, .set_input = omap_set_input,
        .read = omap_read, .irq_rising = omap_irq_rising,
        .irq_pending = omap_irq_pending,
    }, {
        .name = "omap-mpuio", .machine = "sx1", .args = "",
        .path = "/machine/omap1/mpuio", .label = "OMAP MPUIO",
        .nlines = 16, .base = 0xfffb5000, .line = 1,
        .line_name = "MPUIO1", .set_output = mpuio_set_output,
        .set_input = mpuio_set_input, .read = mpuio_read,
        .irq_rising = mpuio_irq_rising, .irq_pending = mpuio_irq_pending,
    }, {
        /* ppce500 connects line 0 to its power-off handler */
        .name = "mpc8xxx", .machine = "ppce500", .args = "",
        .path = "/machine/gpio", .label = "MPC8xxx GPIO", .nlines = 32,
        .base = 0xfe00ff000ULL, .line = 5, .line_name = "GPIO5",
        .wired_name = "GPIO0", .wired_to = "poweroff",
        .set_output = mpc8xxx_set_output, .set_input = mpc8xxx_set_input,
        .read = mpc8xxx_read, .irq_rising = mpc8xxx_irq_both,
        .irq_pending = mpc8xxx_irq_pending, .irq_edges = "both",
        .e500_kernel = true,
    },
};

/* QMP helpers */

static QTestState *model_start(const Model *m)
{
    if (m->e500_kernel) {
        return e500_qtest_init(m->args);
    }
    return qtest_initf("-machine %s%s", m->machine, m->args);
}

static QDict *qmp_set(QTestState *qts, const Model *m, const char *line,
                      bool level)
{
    return qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                     "{'device': %s, 'line': %s, 'level': %i}}",
                     m->path, line, level);
}

static void qmp_set_ok(QTestState *qts, const Model *m, const char *line,
                       bool level)
{
    QDict *rsp = qmp_set(qts, m, line, level);

    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
}

static bool qmp_get(QTestState *qts, const Model *m, const char *line)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'gpio-get', 'arguments': "
                           "{'device': %s, 'line': %s}}", m->path, line);
    bool level = qdict_get_bool(qdict_get_qdict(rsp, "return"), "level");

    qobject_unref(rsp);
    return level;
}

/* query-gpio-lines' entry for @offset; unref it */
static QDict *qmp_line_state(QTestState *qts, const Model *m,
                             unsigned offset)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio-lines', "
                           "'arguments': {'device': %s}}", m->path);
    QList *lines = qdict_get_qlist(rsp, "return");
    QDict *entry = NULL;
    QListEntry *e;

    g_assert_cmpint(qlist_size(lines), ==, m->nlines);
    QLIST_FOREACH_ENTRY(lines, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(d, "offset") == offset) {
            entry = d;
            qobject_ref(entry);
        }
    }
    qobject_unref(rsp);
    g_assert_nonnull(entry);
    return entry;
}

static void assert_line_state(QTestState *qts, const Model *m,
                              unsigned offset, const char *key,
                              const char *want)
{
    QDict *entry = qmp_line_state(qts, m, offset);

    g_assert_cmpstr(qdict_get_try_str(entry, key), ==, want);
    qobject_unref(entry);
}

static unsigned line_offset(QTestState *qts, const Model *m,
                            const char *name)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio-lines', "
                           "'arguments': {'device': %s}}", m->path);
    QListEntry *e;
    int offset = -1;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "name"), name)) {
            offset = qdict_get_int(d, "offset");
        }
    }
    qobject_unref(rsp);
    g_assert_cmpint(offset, >=, 0);
    return offset;
}

/* The next GPIO_LINE_CHANGED is the edge @level on @m->line. */
static void assert_edge(QTestState *qts, const Model *m, bool level)
{
    QDict *ev = qtest_qmp_eventwait_ref(qts, "GPIO_LINE_CHANGED");
    QDict *data = qdict_get_qdict(ev, "data");

    g_assert_cmpstr(qdict_get_str(data, "device"), ==, m->path);
    g_assert_cmpint(qdict_get_int(data, "offset"), ==, m->line);
    g_assert_cmpstr(qdict_get_str(data, "edge"), ==,
                    level ? "rising" : "falling");
    qobject_unref(ev);
}

/* Cases */

/* The controller is listed, with its lines and their names. */
static void test_chip(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio-controllers'}");
    QListEntry *e;
    bool found = false;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(d, "path"), m->path)) {
            g_assert_cmpint(qdict_get_int(d, "lines"), ==, m->nlines);
            g_assert_cmpstr(qdict_get_str(d, "label"), ==, m->label);
            found = true;
        }
    }
    qobject_unref(rsp);
    g_assert_true(found);
    g_assert_cmpint(line_offset(qts, m, m->line_name), ==, m->line);
    qtest_quit(qts);
}

/*
 * The guest drives a line: the first level written is an edge, the
 * direction change a configuration change.
 */
static void test_output(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);

    qobject_unref(qtest_qmp(qts, "{'execute': 'gpio-watch', 'arguments': "
                            "{'device': %s, 'line': %s}}",
                            m->path, m->line_name));
    assert_line_state(qts, m, m->line, "direction", "input");
    m->set_output(qts, m, m->line, true);
    assert_edge(qts, m, true);
    g_assert_true(qmp_get(qts, m, m->line_name));
    assert_line_state(qts, m, m->line, "direction", "output");

    /* GPIO_LINE_CHANGED comes at most every 100 ms per line. */
    qtest_clock_step(qts, 100 * 1000 * 1000);
    m->set_output(qts, m, m->line, false);
    assert_edge(qts, m, false);
    g_assert_false(qmp_get(qts, m, m->line_name));
    qtest_quit(qts);
}

/*
 * The outside drives an input: the guest reads it, and is interrupted
 * where the controller can interrupt.
 */
static void test_input(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);

    m->set_input(qts, m, m->line);
    if (m->irq_rising) {
        m->irq_rising(qts, m, m->line);
        assert_line_state(qts, m, m->line, "interrupt",
                          m->irq_edges ? m->irq_edges : "rising");
        g_assert_false(m->irq_pending(qts, m, m->line));
    } else {
        assert_line_state(qts, m, m->line, "interrupt", "none");
    }

    qmp_set_ok(qts, m, m->line_name, true);
    g_assert_true(m->read(qts, m, m->line));
    if (m->irq_pending) {
        g_assert_true(m->irq_pending(qts, m, m->line));
    }
    assert_line_state(qts, m, m->line, "consumer", "qmp");

    qmp_set_ok(qts, m, m->line_name, false);
    g_assert_false(m->read(qts, m, m->line));
    qtest_quit(qts);
}

/*
 * A held input that the guest turns into an output and back reads the
 * held level again; while it is an output, nobody can drive it.
 */
static void test_held_across_output(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    QDict *rsp;

    qmp_set_ok(qts, m, m->line_name, true);
    m->set_output(qts, m, m->line, false);
    g_assert_false(qmp_get(qts, m, m->line_name));
    rsp = qmp_set(qts, m, m->line_name, true);
    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(rsp, "error"),
                                          "desc"),
                            "the guest drives this line as an output"));
    qobject_unref(rsp);

    m->set_input(qts, m, m->line);
    g_assert_true(m->read(qts, m, m->line));
    g_assert_true(qmp_get(qts, m, m->line_name));
    qtest_quit(qts);
}

/* A line the board wires inside itself cannot be driven from outside. */
static void test_wired(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    unsigned offset = line_offset(qts, m, m->wired_name);
    g_autofree char *want = g_strdup_printf("the board wires this line "
                                            "to %s", m->wired_to);
    QDict *rsp = qmp_set(qts, m, m->wired_name, true);

    g_assert_nonnull(strstr(qdict_get_str(qdict_get_qdict(rsp, "error"),
                                          "desc"), want));
    qobject_unref(rsp);
    assert_line_state(qts, m, offset, "consumer", m->wired_to);
    qtest_quit(qts);
}

/*
 * STM32L4x5: a pin's interrupt is that of the EXTI line that EXTICR
 * routes its port to.  Watching both ports keeps their state in
 * gpiodev, so what the queries show is what SYSCFG and the EXTI told
 * it when the guest rerouted and reconfigured the line.
 */
static void test_stm32_exti_routing(const void *opaque)
{
    const Model *port_b = opaque;
    Model port_c = *port_b;
    QTestState *qts = model_start(port_b);

    port_c.path = "/machine/soc/gpioc";
    port_c.base = STM32_GPIOA + 2 * STM32_PORT_SIZE;
    qobject_unref(qtest_qmp(qts, "{'execute': 'gpio-watch', 'arguments': "
                            "{'device': %s, 'line': 'PB13'}}", port_b->path));
    qobject_unref(qtest_qmp(qts, "{'execute': 'gpio-watch', 'arguments': "
                            "{'device': %s, 'line': 'PC13'}}", port_c.path));

    stm32_irq_rising(qts, &port_c, 13);
    assert_line_state(qts, &port_c, 13, "interrupt", "rising");
    assert_line_state(qts, port_b, 13, "interrupt", "none");

    stm32_irq_rising(qts, port_b, 13);
    assert_line_state(qts, port_b, 13, "interrupt", "rising");
    assert_line_state(qts, &port_c, 13, "interrupt", "none");

    update_bit(qts, STM32_EXTI_FTSR1, 13, true);
    assert_line_state(qts, port_b, 13, "interrupt", "both");
    update_bit(qts, STM32_EXTI_IMR1, 13, false);
    assert_line_state(qts, port_b, 13, "interrupt", "none");
    qtest_quit(qts);
}

/*
 * nRF51: what the GPIOTE makes of a pin shows in its line info.  A
 * channel's edges win over the pin's SENSE level; a channel in task
 * mode makes the pin an output.
 */
static void test_nrf51_gpiote(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    unsigned line = m->line;

    qobject_unref(qtest_qmp(qts, "{'execute': 'gpio-watch', 'arguments': "
                            "{'device': %s, 'line': %s}}",
                            m->path, m->line_name));
    nrf51_set_input(qts, m, line);
    assert_line_state(qts, m, line, "interrupt", "none");

    /* SENSE low, through DETECT and the PORT event */
    qtest_writel(qts, m->base + NRF51_CNF(line), 3 << 16);
    assert_line_state(qts, m, line, "interrupt", "none");
    qtest_writel(qts, NRF51_GPIOTE_INTENSET, NRF51_GPIOTE_INTEN_PORT);
    assert_line_state(qts, m, line, "interrupt", "level-low");
    qmp_set_ok(qts, m, m->line_name, true);
    g_assert_cmpuint(qtest_readl(qts, NRF51_GPIOTE_EVENTS_PORT), ==, 0);
    qmp_set_ok(qts, m, m->line_name, false);
    g_assert_cmpuint(qtest_readl(qts, NRF51_GPIOTE_EVENTS_PORT), ==, 1);

    /* Channel 2 on both edges (polarity 3) wins over SENSE */
    qtest_writel(qts, NRF51_GPIOTE_CONFIG(2), 1 | line << 8 | 3 << 16);
    assert_line_state(qts, m, line, "interrupt", "level-low");
    qtest_writel(qts, NRF51_GPIOTE_INTENSET, BIT(2));
    assert_line_state(qts, m, line, "interrupt", "both");
    qtest_writel(qts, NRF51_GPIOTE_INTENCLR, BIT(2));
    assert_line_state(qts, m, line, "interrupt", "level-low");

    /* Channel 2 in task mode (3), starting high: an output at 1 */
    assert_line_state(qts, m, line, "direction", "input");
    qtest_writel(qts, NRF51_GPIOTE_CONFIG(2),
                 3 | line << 8 | 3 << 16 | BIT(20));
    assert_line_state(qts, m, line, "direction", "output");
    g_assert_true(qmp_get(qts, m, m->line_name));
    qtest_quit(qts);
}

static void pca9554_pin_set(QTestState *qts, const Model *m, unsigned line,
                            bool level)
{
    g_autofree char *name = g_strdup_printf("pin%u", line);

    qobject_unref(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments': "
                            "{'path': %s, 'property': %s, 'value': %s}}",
                            m->path, name, level ? "high" : "low"));
}

static bool pca9554_pin_get(QTestState *qts, const Model *m, unsigned line)
{
    g_autofree char *name = g_strdup_printf("pin%u", line);
    QDict *rsp = qtest_qmp(qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': %s, 'property': %s}}", m->path, name);
    bool high = !strcmp(qdict_get_str(rsp, "return"), "high");

    qobject_unref(rsp);
    return high;
}

/*
 * PCA9554: an input at reset, pulled up, which gpiodev drives; an
 * output once set, which gpiodev reads.
 */
static void test_pca9554_pins(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    unsigned line = m->line;

    assert_line_state(qts, m, line, "direction", "input");
    assert_line_state(qts, m, line, "bias", "pull-up");
    g_assert_true(qmp_get(qts, m, m->line_name));
    qmp_set_ok(qts, m, m->line_name, false);
    g_assert_false(pca9554_pin_get(qts, m, line));
    g_assert_false(qmp_get(qts, m, m->line_name));
    qmp_set_ok(qts, m, m->line_name, true);
    g_assert_true(pca9554_pin_get(qts, m, line));

    pca9554_pin_set(qts, m, 5, false);
    assert_line_state(qts, m, 5, "direction", "output");
    assert_line_state(qts, m, 5, "drive", "push-pull");
    g_assert_false(qmp_get(qts, m, "P5"));
    pca9554_pin_set(qts, m, 5, true);
    g_assert_true(qmp_get(qts, m, "P5"));
    qtest_quit(qts);
}

static void pca9552_led_set(QTestState *qts, const Model *m, unsigned line,
                            const char *selection)
{
    g_autofree char *name = g_strdup_printf("led%u", line);

    qobject_unref(qtest_qmp(qts, "{'execute': 'qom-set', 'arguments': "
                            "{'path': %s, 'property': %s, 'value': %s}}",
                            m->path, name, selection));
}

/*
 * PCA9552: a line's level is its LED's, lit (1) while its pin is at
 * 0 V; an LED that is off leaves its pin to be driven from outside.
 */
static void test_pca9552_leds(const void *opaque)
{
    const Model *m = opaque;
    QTestState *qts = model_start(m);
    unsigned line = m->line;

    assert_line_state(qts, m, line, "direction", "input");
    assert_line_state(qts, m, line, "drive", "open-drain");
    g_assert_false(qmp_get(qts, m, m->line_name));

    pca9552_led_set(qts, m, line, "on");
    assert_line_state(qts, m, line, "direction", "output");
    g_assert_true(qmp_get(qts, m, m->line_name));
    pca9552_led_set(qts, m, line, "pwm1");
    assert_line_state(qts, m, line, "direction", "output");
    g_assert_true(qmp_get(qts, m, m->line_name));
    pca9552_led_set(qts, m, line, "off");
    assert_line_state(qts, m, line, "direction", "input");
    g_assert_false(qmp_get(qts, m, m->line_name));

    /* Driven lit from outside: the pin, which the chip signals, at 0 V */
    qtest_irq_intercept_out(qts, m->path);
    qmp_set_ok(qts, m, m->line_name, true);
    qmp_set_ok(qts, m, m->line_name, false);
    g_assert_true(qtest_get_irq(qts, line));
    qmp_set_ok(qts, m, m->line_name, true);
    g_assert_false(qtest_get_irq(qts, line));
    g_assert_true(qmp_get(qts, m, m->line_name));
    qtest_quit(qts);
}

static void add_case(const Model *m, const char *what,
                     void (*fn)(const void *))
{
    g_autofree char *path = g_strdup_printf("/gpiodev/%s/%s", m->name, what);

    qtest_add_data_func(path, m, fn);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        const Model *m = &models[i];

        if (!qtest_has_machine(m->machine)) {
            continue;
        }
        add_case(m, "chip", test_chip);
        if (m->set_output) {
            add_case(m, "output", test_output);
            add_case(m, "input", test_input);
            add_case(m, "held-across-output", test_held_across_output);
        }
        if (m->wired_name) {
            add_case(m, "wired", test_wired);
        }
        if (!strcmp(m->name, "stm32l4x5")) {
            add_case(m, "exti-routing", test_stm32_exti_routing);
        }
        if (!strcmp(m->name, "nrf51")) {
            add_case(m, "gpiote", test_nrf51_gpiote);
        }
        if (!strcmp(m->name, "pca9554")) {
            add_case(m, "pins", test_pca9554_pins);
        }
        if (!strcmp(m->name, "pca9552")) {
            add_case(m, "leds", test_pca9552_leds);
        }
    }
    return g_test_run();
}

# The arm-softmmu build of qemu-gpiodev: only the boards whose GPIO
# controllers gpiodev serves (configure --without-default-devices
# --with-devices-arm=gpiodev).  Add a board here when its GPIO model
# implements the gpio-controller interface.

# ASPEED BMCs: aspeed.gpio
CONFIG_ASPEED_SOC=y
# The SoCs need these, which a full build selects through other boards.
CONFIG_A15MPCORE=y
CONFIG_ARM_V7M=y
CONFIG_ADM1272=y

# raspi0, raspi1ap, raspi2b: bcm2835_gpio
CONFIG_RASPI=y
# virt: pl061
CONFIG_ARM_VIRT=y
# lm3s6965evb, lm3s811evb: pl061_luminary
CONFIG_STELLARIS=y
# Which the LM3S6965EVB uses and its Kconfig does not select.
CONFIG_SPLIT_IRQ=y
# sabrelite, mcimx6ul-evk, mcimx7d-sabre: imx.gpio
CONFIG_SABRELITE=y
CONFIG_FSL_IMX6UL=y
CONFIG_FSL_IMX7=y
# b-l475e-iot01a: stm32l4x5-gpio (interrupts through SYSCFG and EXTI),
# with the LED matrix (DM163) that a full build implies
CONFIG_B_L475E_IOT01A=y
CONFIG_DM163=y
# npcm750-evb, quanta-gsj, quanta-gbs-bmc, kudo-bmc, mori-bmc:
# npcm7xx-gpio
CONFIG_NPCM7XX=y
# rainier-bmc's pca9554, which ASPEED_SOC selects once the series adds
# it to the board: from the patch that adds pca9554-test on
CONFIG_PCA9554=y
# The PCF8574, which no board has: -device pcf8574 on an I2C bus
CONFIG_PCF8574=y
# microbit: nrf51_soc.gpio (interrupts through its GPIOTE)
CONFIG_MICROBIT=y
# collie: strongarm-gpio, strongarm-ppc (the SA-1110's pins) and scoop
CONFIG_COLLIE=y
# sx1, sx1-v1: omap-gpio (the OMAP310's MPU GPIO)
CONFIG_SX1=y

# The aarch64-softmmu build of qemu-gpiodev (configure
# --with-devices-aarch64=gpiodev): every board of the arm build, which
# qemu-system-aarch64 runs too, and the 64-bit ones.  With the aarch64
# target, ASPEED_SOC adds the AST2700 boards and RASPI adds raspi3ap,
# raspi3b and raspi4b (bcm2838_gpio).

include ../arm-softmmu/gpiodev.mak

# imx8mp-evk: imx.gpio
CONFIG_FSL_IMX8MP_EVK=y

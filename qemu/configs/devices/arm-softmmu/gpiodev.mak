# The arm-softmmu build of qemu-gpiodev: only the boards whose GPIO
# controllers gpiodev serves (configure --without-default-devices
# --with-devices-arm=gpiodev).  Add a board here when its GPIO model
# implements the gpio-controller interface.

CONFIG_ASPEED_SOC=y
# The SoCs need these, which a full build selects through other boards.
CONFIG_A15MPCORE=y
CONFIG_ARM_V7M=y
CONFIG_ADM1272=y

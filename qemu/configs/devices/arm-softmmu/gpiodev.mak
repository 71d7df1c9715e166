# The arm-softmmu build of qemu-gpiodev: only the boards whose GPIO
# controllers gpiodev serves (configure --without-default-devices
# --with-devices-arm=gpiodev).  Add a board here when its GPIO model
# implements the gpio-controller interface.

CONFIG_ASPEED_SOC=y

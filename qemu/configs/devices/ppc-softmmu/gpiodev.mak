# The ppc-softmmu build of qemu-gpiodev: only the boards whose GPIO
# controllers gpiodev serves (configure --without-default-devices
# --with-devices-ppc=gpiodev).

# ppce500: mpc8xxx_gpio
CONFIG_E500PLAT=y

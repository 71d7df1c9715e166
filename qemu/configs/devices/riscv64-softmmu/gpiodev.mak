# The riscv64-softmmu build of qemu-gpiodev (configure
# --with-devices-riscv64=gpiodev).

# sifive_u: sifive_soc.gpio
CONFIG_SIFIVE_U=y
# sifive_e: sifive_soc.gpio, with bare-metal firmware (firmware/)
CONFIG_SIFIVE_E=y

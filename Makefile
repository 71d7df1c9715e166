# qemu-gpiodev: QEMU 10.0 with the gpiodev subsystem, and its tests.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   make            install build deps, fetch QEMU, apply our changes, build
#   make check      build and run every test; ends with "N passed, N failed"
#   make check-under-load  check and demo 5 times in a row beside two CPU hogs
#   make check-asan  the qtests and the host side's tests with ASan and
#                   UBSan (build/qemu-asan, build/host-asan)
#   make demo       a Debian guest and host tools play a GPIO scenario
#                   (BOARD=raspi2b, virt, sabrelite, sifive_u ...: on that
#                   board instead of the AST2600 EVB)
#   make run        the same guest on this terminal, sockets to play with
#   make fuzz       the libFuzzer targets, FUZZ_SECONDS (600) each
#   make soak       1,000 clients come, go, get killed and stall while the
#                   guest toggles a line; QEMU's fds, threads and memory after
#   make bench      round trips, guest edge rate, latency (medians of 5
#                   rounds), and the host chip's figures
#   make qemu-series  write our QEMU changes as a git format-patch series,
#                     signed off by your git identity, in build/series
#   make checkpatch   run QEMU's scripts/checkpatch.pl over that series, and
#                     Linux's over the ugpio module
#   make qemu-series-check  apply it patch by patch with git am to the
#                     pristine source, building and running the qtests
#                     after each patch (build/series-check)
#
# QEMU_TARBALL=path/to/qemu-10.0.x.tar.xz uses an upstream release instead
# of Debian's source package.

BUILD        := build
comma        := ,
space        := $(subst ,, )
QEMU_PRISTINE := $(BUILD)/qemu-pristine
QEMU_SRC     := $(BUILD)/qemu-src
QEMU_BUILD   := $(BUILD)/qemu
QEMU_TARGETS := arm aarch64 riscv64 ppc
QEMU_BINS    := $(addprefix qemu-system-,$(QEMU_TARGETS))
SERIES_DIR   := $(BUILD)/series
SERIES_CHECK := $(BUILD)/series-check

QEMU_CONFIGURE := \
	--target-list=$(subst $(space),$(comma),$(addsuffix -softmmu,$(QEMU_TARGETS))) \
	--python=/usr/bin/python3 \
	--cc="ccache gcc" \
	--disable-download --disable-install-blobs \
	--without-default-features \
	--without-default-devices \
	$(foreach t,$(QEMU_TARGETS),--with-devices-$(t)=gpiodev) \
	--disable-docs \
	--enable-pixman \
	--enable-fdt=system \
	--enable-gnutls \
	--enable-trace-backends=log

# The sanitizer build (make check-asan): qemu-system-arm and its qtests
# with AddressSanitizer and UndefinedBehaviorSanitizer, in a directory of
# its own, and the host side likewise.  It is a clang build with QEMU's
# fuzzing support, so that the same build gives qemu-fuzz-arm, whose
# gpiodev-protocol target make check and make fuzz run.
QEMU_ASAN_BUILD := $(BUILD)/qemu-asan
HOST_ASAN_BUILD := $(BUILD)/host-asan
QEMU_ASAN_CONFIGURE := \
	$(filter-out --target-list=% --with-devices-% --cc=% gcc",$(QEMU_CONFIGURE)) \
	--cc="ccache clang" \
	--target-list=arm-softmmu --with-devices-arm=gpiodev \
	--enable-asan --enable-ubsan --enable-fuzzing
ASAN_QTESTS := gpiodev-aspeed-test aspeed_gpio-test pl061-test \
	gpiodev-models-test imx-gpio-test bcm2835-gpio-test \
	stm32l4x5_gpio-test stm32l4x5_syscfg-test npcm7xx_gpio-test microbit-test pca9554-test pcf8574-test collie-test omap-gpio-test

# Test programs built inside QEMU's tree (see qemu/tests/qtest/meson.build).
QTESTS := aspeed_gpio-test gpiodev-aspeed-test pl061-test gpiodev-models-test \
	imx-gpio-test bcm2835-gpio-test sifive-gpio-test stm32l4x5_gpio-test \
	stm32l4x5_syscfg-test npcm7xx_gpio-test microbit-test pca9554-test pcf8574-test collie-test omap-gpio-test mpc8xxx-gpio-test ast2700-gpio-test qom-test device-introspect-test bcm2835-dma-test \
	bcm2835-i2c-test
QTEST_TARGETS := $(addprefix tests/qtest/,$(QTESTS))

HOST_BUILD   := $(BUILD)/host
GUEST_DIR    := $(BUILD)/guest
HOSTCHIP_DIR := $(BUILD)/hostchip

.PHONY: all deps qemu host guest hostchip check check-under-load bench demo run \
	qemu-asan host-asan check-asan soak fuzz \
	qemu-series checkpatch \
	qemu-series-check clean distclean

all: qemu host guest hostchip

deps:
	@bash scripts/install-deps.sh

$(QEMU_PRISTINE)/.fetched: scripts/fetch-qemu.sh | deps
	bash scripts/fetch-qemu.sh $(QEMU_PRISTINE)
	touch $@

prepare: $(QEMU_PRISTINE)/.fetched | deps
	@bash scripts/prepare-qemu.sh $(QEMU_PRISTINE) $(QEMU_SRC)

# Reconfigure (from scratch) only when the options change.
$(BUILD)/configure-options: FORCE
	@mkdir -p $(BUILD)
	@echo '$(QEMU_CONFIGURE)' | cmp -s - $@ || echo '$(QEMU_CONFIGURE)' > $@

$(QEMU_BUILD)/.configured: $(BUILD)/configure-options | prepare
	rm -rf $(QEMU_BUILD)
	mkdir -p $(QEMU_BUILD)
	cd $(QEMU_BUILD) && ../qemu-src/configure $(QEMU_CONFIGURE)
	touch $@

qemu: prepare $(QEMU_BUILD)/.configured
	ninja -C $(QEMU_BUILD) $(QEMU_BINS) $(QTEST_TARGETS)
	@bash scripts/link-firmware.sh $(QEMU_SRC) $(QEMU_BUILD)

$(BUILD)/configure-options-asan: FORCE
	@mkdir -p $(BUILD)
	@echo '$(QEMU_ASAN_CONFIGURE)' | cmp -s - $@ || \
		echo '$(QEMU_ASAN_CONFIGURE)' > $@

$(QEMU_ASAN_BUILD)/.configured: $(BUILD)/configure-options-asan | prepare
	rm -rf $(QEMU_ASAN_BUILD)
	mkdir -p $(QEMU_ASAN_BUILD)
	cd $(QEMU_ASAN_BUILD) && ../qemu-src/configure $(QEMU_ASAN_CONFIGURE)
	touch $@

qemu-asan: prepare $(QEMU_ASAN_BUILD)/.configured
	ninja -C $(QEMU_ASAN_BUILD) qemu-system-arm qemu-fuzz-arm \
		$(addprefix tests/qtest/,$(ASAN_QTESTS))
	@bash scripts/link-firmware.sh $(QEMU_SRC) $(QEMU_ASAN_BUILD)

host-asan: | deps
	@[ -e $(HOST_ASAN_BUILD)/build.ninja ] || meson setup $(HOST_ASAN_BUILD) . \
		-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(HOST_ASAN_BUILD)

# The qtests, the host library's and the tools' tests under the
# sanitizers; any report fails.
check-asan: qemu-asan host-asan
	@bash tests/run-asan.sh $(QEMU_ASAN_BUILD) $(HOST_ASAN_BUILD) \
		"$(ASAN_QTESTS)"

# The host side: libqemu-gpio, the qemu-gpio tool and their tests.
host: | deps
	@[ -e $(HOST_BUILD)/build.ninja ] || meson setup $(HOST_BUILD) .
	ninja -C $(HOST_BUILD)

# The Debian guests for the end-to-end tests and the demo: the ASPEED
# one (bookworm armhf), and trixie armhf, arm64 and riscv64 ones for the
# other boards, each with its kernel's device trees (and OpenSBI).
guest: | deps
	@bash guest/build-guest.sh $(GUEST_DIR)
	@bash guest/build-guest.sh $(GUEST_DIR)/armhf armhf
	@bash guest/build-guest.sh $(GUEST_DIR)/arm64 arm64
	@bash guest/build-guest.sh $(GUEST_DIR)/riscv64 riscv64

# The host-chip rig: Debian's amd64 kernels, the ugpio module built for
# each, and a test VM initramfs with the bridge and libgpiod; and a
# Debian 12 machine to type the README's commands on.
hostchip: host
	@bash tests/hostchip/build-rig.sh $(HOSTCHIP_DIR) $(HOST_BUILD)
	@bash tests/hostchip/build-machine.sh $(HOSTCHIP_DIR)/machine

check: qemu host guest hostchip qemu-asan
	@bash tests/run-all.sh $(QEMU_BUILD) $(HOST_BUILD) $(GUEST_DIR) \
		$(HOSTCHIP_DIR)

check-under-load: qemu host guest hostchip
	@bash scripts/check-under-load.sh $(QEMU_BUILD) $(HOST_BUILD) \
		$(GUEST_DIR) $(HOSTCHIP_DIR)

# Measurements, not tests: a table on stdout, build/bench/results.json.
bench: qemu host hostchip
	@mkdir -p $(BUILD)/bench
	@QEMU_GPIODEV_BUILD=$(QEMU_BUILD) $(HOST_BUILD)/bench/bench \
		-g $(HOST_BUILD)/bench/toggle.elf -t 10000000 \
		-e $(HOST_BUILD)/bench/echo.elf -l 10000 \
		-o $(BUILD)/bench/results.json
	@/usr/bin/python3 bench/hostchip_bench.py $(QEMU_BUILD) $(HOST_BUILD) \
		$(HOSTCHIP_DIR) $(BUILD)/bench/hostchip.json

# The libFuzzer targets, FUZZ_SECONDS each (make check runs them for 30).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := lib-parser ugpio-msg qemu-protocol

fuzz: qemu-asan | deps
	@for t in $(FUZZ_TARGETS); do \
		bash scripts/fuzz.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done

# Client churn and abuse beside a toggling guest, then QEMU's fds,
# threads and memory (docs/reliability.md).  SOAK_SCALE=0.1 for less.
SOAK_SCALE ?= 1
soak: qemu host guest
	@mkdir -p $(BUILD)/soak
	@QEMU_GPIODEV_BUILD=$(QEMU_BUILD) QEMU_GPIO_HOST_BUILD=$(HOST_BUILD) \
		QEMU_GPIODEV_GUEST=$(GUEST_DIR) QEMU_GPIODEV_SRC=$(QEMU_SRC) \
		/usr/bin/python3 tests/soak.py --scale $(SOAK_SCALE) \
		--json $(BUILD)/soak/results.json

# BOARD=raspi2b (or another board of tests/harness.py's BOARDS) plays
# the scenario on that board instead of the AST2600 EVB.
BOARD ?= ast2600-evb

demo: qemu host guest
	@/usr/bin/python3 scripts/demo.py --board $(BOARD) $(QEMU_BUILD) \
		$(HOST_BUILD) $(GUEST_DIR)

run: qemu host guest
	@/usr/bin/python3 scripts/demo.py --interactive --board $(BOARD) \
		$(QEMU_BUILD) $(HOST_BUILD) $(GUEST_DIR)

qemu-series: $(QEMU_PRISTINE)/.fetched
	bash scripts/qemu-series.sh $(QEMU_PRISTINE) $(SERIES_DIR)

checkpatch: qemu-series
	bash scripts/checkpatch.sh $(QEMU_PRISTINE) $(SERIES_DIR)
	bash scripts/kernel-checkpatch.sh $(BUILD)/linux-checkpatch

qemu-series-check: qemu-series
	bash scripts/qemu-series-check.sh $(QEMU_PRISTINE) $(SERIES_DIR) \
		$(SERIES_CHECK) $(QEMU_CONFIGURE)

clean:
	rm -rf $(QEMU_BUILD) $(QEMU_SRC) $(SERIES_DIR) $(SERIES_CHECK) $(HOST_BUILD)

distclean:
	rm -rf $(BUILD)

.PHONY: prepare FORCE
FORCE:

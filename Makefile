# qemu-gpiodev: QEMU 10.0 with the gpiodev subsystem, and its tests.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   make            install build deps, fetch QEMU, apply our changes, build
#   make check      build and run every test; ends with "N passed, N failed"
#   make check-under-load  check and demo 5 times in a row beside two CPU hogs
#   make demo       a Debian guest and host tools play a GPIO scenario
#                   (BOARD=raspi2b, virt, sabrelite, sifive_u ...: on that
#                   board instead of the AST2600 EVB)
#   make run        the same guest on this terminal, sockets to play with
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
QEMU_TARGETS := arm aarch64 riscv64
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

# Test programs built inside QEMU's tree (see qemu/tests/qtest/meson.build).
QTESTS := aspeed_gpio-test gpiodev-aspeed-test pl061-test gpiodev-models-test \
	imx-gpio-test bcm2835-gpio-test sifive-gpio-test \
	ast2700-gpio-test qom-test device-introspect-test bcm2835-dma-test \
	bcm2835-i2c-test
QTEST_TARGETS := $(addprefix tests/qtest/,$(QTESTS))

HOST_BUILD   := $(BUILD)/host
GUEST_DIR    := $(BUILD)/guest
HOSTCHIP_DIR := $(BUILD)/hostchip

.PHONY: all deps qemu host guest hostchip check check-under-load bench demo run \
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

# The firmware that the source tree carries (Debian's tarball keeps only
# what it can build from source, such as the NPCM7xx boot ROM) is made
# visible to the uninstalled binary, as --disable-install-blobs does not.
QEMU_DATADIR := $(QEMU_BUILD)/qemu-bundle/usr/local/share/qemu

qemu: prepare $(QEMU_BUILD)/.configured
	ninja -C $(QEMU_BUILD) $(QEMU_BINS) $(QTEST_TARGETS)
	@mkdir -p $(QEMU_DATADIR)
	@for f in $(QEMU_SRC)/pc-bios/*.bin; do \
		ln -sfn "$$(realpath $$f)" $(QEMU_DATADIR)/; \
	done

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

check: qemu host guest hostchip
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

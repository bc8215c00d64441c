# vtop: top-level Makefile. Area-specific rules live beside their sources
# (core/core.mk, host/host.mk, efi/efi.mk, images/images.mk, tests/*/*.mk;
# cmd/ needs none: its sources are CMD_SRCS below, built into libvtopcmd.a
# by host_libs); this file holds the shared variables, the generic
# compile rules and the targets people type: all, deps, run, test, bench,
# fuzz, lint, coverage, install, usb-image, clean.

BUILD      := build
HOST_CC    ?= gcc
CLANG      ?= clang
PREFIX     ?= /usr/local
VERSION    := 0.1.0

WARN       := -Wall -Wextra -Werror
HOST_CFLAGS := -std=c11 $(WARN) -O2 -g -I. -DVTOP_VERSION='"$(VERSION)"'
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
COV_FLAGS  := --coverage -O0

# Sources are discovered, so adding a file needs no edit here.
CORE_SRCS  := $(sort $(wildcard core/*.c core/formats/*.c))
CMD_SRCS   := $(sort $(wildcard cmd/*.c))

# Three host builds of the same sources: plain, sanitized (ASan+UBSan),
# coverage. $(call objs,VARIANT,SOURCES)
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/cov/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(COV_FLAGS) -MMD -MP -c $< -o $@

# libvtop.a (core) and libvtopcmd.a (command language + reports) per variant.
define host_libs
$(BUILD)/$(1)/libvtop.a: $(call objs,$(1),$(CORE_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$(BUILD)/$(1)/libvtopcmd.a: $(call objs,$(1),$(CMD_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach v,host asan cov,$(eval $(call host_libs,$(v))))

.DEFAULT_GOAL := all
ALL_TARGETS :=
TEST_SUITES :=

include $(sort $(wildcard */*.mk tests/*/*.mk))

.PHONY: all deps run test clean
all: $(ALL_TARGETS)

deps:
	@tools/deps.sh

# `make test`: deps, build, every suite; the last line is "N passed, N failed".
# Two lanes, one per core: the suites that boot QEMU guests or firmware
# (single-threaded TCG, and sharing downloads and captures, so in order) beside
# all the others.
TEST_LANE_QEMU = $(filter test-efi test-protections test-dumps test-truth test-arm64,$(TEST_SUITES))
# The build before the suites uses every core (it is a third of a first
# run: newlib for three targets and every build variant).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps
	@$(MAKE) --no-print-directory -j$(BUILD_JOBS) all
	@MAKE="$(MAKE)" tools/run-tests.sh $(TEST_LANE_QEMU) -- $(filter-out $(TEST_LANE_QEMU),$(TEST_SUITES))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

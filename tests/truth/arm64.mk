# AArch64 truth tests (tests/truth/arm64.py): real arm64 Debian 12 guests
# under qemu-system-aarch64 -M virt -cpu max (TCG), captured once into
# build/guests-arm64/<mode>/ by images/guests/arm64.py: the 6.1 kernel (4K
# pages, 48-bit VA), the 6.12 16K-page kernel and the 6.12 4K-page kernel
# (both 52-bit VA with LPA2). About 8 + 3 + 4 min here, most of it QEMU
# answering gva2gpa for every leaf's first and last byte; a second run
# costs nothing. Compared: the ELF core,
# TTBR0/TTBR1/TCR/MAIR from QEMU's gdbstub and the gva2gpa answers against
# the VMCOREINFO root, an independent walker and vtop.
GUESTS_ARM64_DIR := $(BUILD)/guests-arm64
ARM64_MODES ?= arm64-4k-48 arm64-16k-52 arm64-4k-52

TEST_SUITES += test-arm64

.PHONY: guests-arm64 test-arm64
# A capture failure is reported by arm64.py as "not ok ... capture".
guests-arm64:
	@python3 -B images/guests/arm64.py $(ARM64_MODES) || true

test-arm64: guests-arm64 $(BUILD)/vtop
	@python3 -B tests/truth/arm64.py --vtop $(BUILD)/vtop \
	  --dir $(GUESTS_ARM64_DIR) $(ARM64_MODES)

# Truth tests: vtop against QEMU's own page walker on real Debian guests in
# every x86 paging mode. `make guests` captures them (cached in
# build/guests/<mode>/, a second run costs nothing); `make test-guests`
# (= test-truth, run by `make test`) compares vtop's tlb/mem/translations
# on the ELF, raw and LiME images with QEMU's answers and prints the table.
# i386-pae-highmem is a 4.5 GiB PAE guest (about 15 GB of images and 3 min
# to capture here); drop it with GUEST_MODES="..." when disk is short.
# The highmem guest needs ~15 GB: by default it is captured only when that
# much disk (plus a margin) is free or it is already cached; otherwise the
# suite reports it as a TAP SKIP naming the free space, never as a pass.
GUEST_HIGHMEM_MIN_GB ?= 25
# Recursive (=): df runs only when a guests/test-truth recipe expands these,
# not on every make invocation; before build/ exists, ask about the checkout.
GUEST_FREE_GB = $(shell df -BG --output=avail $(or $(wildcard $(BUILD)),.) 2>/dev/null | tail -1 | tr -dc 0-9)
GUEST_HIGHMEM = $(if $(or $(wildcard $(BUILD)/guests/i386-pae-highmem/DONE),\
  $(shell [ "$(GUEST_FREE_GB)" -ge "$(GUEST_HIGHMEM_MIN_GB)" ] 2>/dev/null && echo yes)),\
  i386-pae-highmem)
GUEST_MODES ?= amd64-4level amd64-5level i386-32bit i386-pae $(GUEST_HIGHMEM)

TEST_SUITES += test-truth

# apicheck: translations through libvtop's API directly (ASan+UBSan build).
TRUTH_APICHECK := $(BUILD)/asan/tests/truth/apicheck
$(TRUTH_APICHECK): tests/truth/apicheck.c $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $< -o $@ $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a
ALL_TARGETS += $(TRUTH_APICHECK)

.PHONY: guests test-truth test-guests
# A capture failure is reported by compare.py as "not ok ... capture", so
# the suite goes on with the modes that did capture.
guests:
	@images/guests/capture.sh $(GUEST_MODES) || true

test-truth: guests $(BUILD)/vtop $(TRUTH_APICHECK)
	@$(if $(filter i386-pae-highmem,$(GUEST_MODES)),true,echo "ok - i386-pae-highmem # SKIP not captured: $(GUEST_FREE_GB) GB free, $(GUEST_HIGHMEM_MIN_GB) GB needed")
	@python3 -B tests/truth/compare.py --vtop $(BUILD)/vtop \
	  --apicheck $(TRUTH_APICHECK) $(GUEST_MODES)

test-guests: test-truth

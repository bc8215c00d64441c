# Truth tests: vtop against QEMU's own page walker on real Debian guests in
# every x86 paging mode (issue 9). `make guests` captures them (cached in
# build/guests/<mode>/, a second run costs nothing); `make test-guests`
# (= test-truth, run by `make test`) compares vtop's tlb/mem/translations
# on the ELF, raw and LiME images with QEMU's answers and prints the table.
# i386-pae-highmem is a 4.5 GiB PAE guest (about 15 GB of images and 3 min
# to capture here); drop it with GUEST_MODES="..." when disk is short.
GUEST_MODES ?= amd64-4level amd64-5level i386-32bit i386-pae i386-pae-highmem

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

test-truth: guests $(TRUTH_APICHECK)
	@python3 -B tests/truth/compare.py --vtop $(BUILD)/vtop \
	  --apicheck $(TRUTH_APICHECK) $(GUEST_MODES)

test-guests: test-truth

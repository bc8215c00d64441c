# Linux-dump truth tests (tests/truth/dumps.py): one amd64 guest with
# -device vmcoreinfo, its dumps written by makedumpfile, by QEMU's own
# kdump-zlib writer, without CPU notes, and by vtop's generator, each
# against QEMU's info tlb / info mem / gva2gpa. Captured once into
# build/dumps/ (images/guests/dumps.py; about 2 min here), never into
# build/guests/.
DUMPS_DIR := $(BUILD)/dumps

TEST_SUITES += test-dumps

.PHONY: dumps test-dumps
dumps: $(IMAGES_GEN_KDUMP)
	@python3 -B images/guests/dumps.py $(IMAGES_GEN_KDUMP) $(DUMPS_DIR) || true

test-dumps: dumps $(BUILD)/vtop
	@python3 -B tests/truth/dumps.py --vtop $(BUILD)/vtop --dumps $(DUMPS_DIR)

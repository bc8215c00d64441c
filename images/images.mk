# Synthetic memory images: build/images/gen writes one address space per
# paging mode in every format, plus build/images/MANIFEST and MODE.map
# (expected mappings) for the golden tests of every helper.
IMAGES_DIR := $(BUILD)/images
IMAGES_GEN := $(IMAGES_DIR)/gen
IMAGES_STAMP := $(IMAGES_DIR)/MANIFEST

$(IMAGES_GEN): images/gen_images.c images/gen_a64.c images/gen_a64_build.c images/gen_a64.h images/gen_a64_int.h images/writers.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) images/gen_images.c images/gen_a64.c images/gen_a64_build.c -o $@

$(IMAGES_STAMP): $(IMAGES_GEN)
	$(IMAGES_GEN) $(IMAGES_DIR)

.PHONY: images
images: $(IMAGES_STAMP)
ALL_TARGETS += images

# The image round-trip test reads build/images.
$(BUILD)/asan/tests/unit/format_images_test: $(IMAGES_STAMP)
$(BUILD)/cov/tests/unit/format_images_test: $(IMAGES_STAMP)
$(BUILD)/asan/tests/unit/roots_test: $(IMAGES_STAMP)
$(BUILD)/cov/tests/unit/roots_test: $(IMAGES_STAMP)

# gen_kdump: a raw or ELF64 image as a kdump-compressed or flattened file
# (images/kdump_writer.c), for the Linux-dump truth images.
IMAGES_GEN_KDUMP := $(IMAGES_DIR)/gen_kdump
$(IMAGES_GEN_KDUMP): images/gen_kdump.c images/kdump_writer.c images/kdump_writer.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) images/gen_kdump.c images/kdump_writer.c -o $@ $(HOST_DECOMP_LIBS)
ALL_TARGETS += $(IMAGES_GEN_KDUMP)
$(BUILD)/asan/tests/unit/truncate_test: $(IMAGES_STAMP)
$(BUILD)/cov/tests/unit/truncate_test: $(IMAGES_STAMP)

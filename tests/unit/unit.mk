# Unit tests: one cmocka binary per core/cmd source file, tests/unit/X_test.c
# tests core/X.c (or cmd/X.c). Built against the ASan+UBSan variant of the
# libraries so `make test` runs them sanitized; results in TAP form.
UNIT_SRCS := $(sort $(wildcard tests/unit/*_test.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/unit/%,$(UNIT_SRCS))
UNIT_COV_BINS := $(patsubst tests/unit/%.c,$(BUILD)/cov/tests/unit/%,$(UNIT_SRCS))

# Tests of the paged formats also build the synthetic kdump writer and the
# host decompressors (UNIT_EXTRA_<test>, UNIT_LIBS_<test>).
KDUMP_TEST_EXTRA := images/kdump_writer.c host/decompress.c
UNIT_EXTRA_kdump_test := $(KDUMP_TEST_EXTRA)
UNIT_LIBS_kdump_test := $(HOST_DECOMP_LIBS)
UNIT_EXTRA_flattened_test := $(KDUMP_TEST_EXTRA)
UNIT_LIBS_flattened_test := $(HOST_DECOMP_LIBS)
UNIT_EXTRA_truncate_test := $(KDUMP_TEST_EXTRA)
UNIT_LIBS_truncate_test := $(HOST_DECOMP_LIBS)

# The EFI app's self-check (efi/selfcheck.c) on the host: the table builder
# and planner it checks with, the gnu-efi headers they include
# (UNIT_CFLAGS_<test>: extra compiler options).
UNIT_EXTRA_selfcheck_test := efi/selfcheck.c efi/idmap.c efi/idplan.c
UNIT_CFLAGS_selfcheck_test = -I$(GNUEFI_INC) -I$(GNUEFI_INC)/x86_64

.SECONDEXPANSION:
$(BUILD)/asan/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $$(UNIT_EXTRA_$$*) $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(UNIT_CFLAGS_$*) $< $(UNIT_EXTRA_$*) -o $@ $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a -lcmocka $(UNIT_LIBS_$*)
$(BUILD)/cov/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $$(UNIT_EXTRA_$$*) $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(COV_FLAGS) $(UNIT_CFLAGS_$*) $< $(UNIT_EXTRA_$*) -o $@ $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a -lcmocka $(UNIT_LIBS_$*)

# Tests run a second time against the release libraries (build/host, no
# sanitizer): core/batch.c unrolls its sweeps only there (instrumented
# builds keep them as loops, for compile time), so the code `make bench`
# times and the CLI ships is checked record by record too.
UNIT_RELEASE := batch_test
UNIT_RELEASE_BINS := $(patsubst %,$(BUILD)/host/tests/unit/%,$(UNIT_RELEASE))
$(BUILD)/host/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $< -o $@ $(BUILD)/host/libvtopcmd.a $(BUILD)/host/libvtop.a -lcmocka

ALL_TARGETS += $(UNIT_BINS) $(UNIT_RELEASE_BINS)
TEST_SUITES += test-unit

.PHONY: test-unit
test-unit: $(UNIT_BINS) $(UNIT_RELEASE_BINS)
	@rc=0; for t in $(UNIT_BINS) $(UNIT_RELEASE_BINS); do \
	  CMOCKA_MESSAGE_OUTPUT=TAP $$t || rc=1; \
	done; exit $$rc

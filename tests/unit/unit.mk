# Unit tests: one cmocka binary per core/cmd source file, tests/unit/X_test.c
# tests core/X.c (or cmd/X.c). Built against the ASan+UBSan variant of the
# libraries so `make test` runs them sanitized; results in TAP form.
UNIT_SRCS := $(sort $(wildcard tests/unit/*_test.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/unit/%,$(UNIT_SRCS))
UNIT_COV_BINS := $(patsubst tests/unit/%.c,$(BUILD)/cov/tests/unit/%,$(UNIT_SRCS))

$(BUILD)/asan/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_FLAGS) $< -o $@ $(BUILD)/asan/libvtopcmd.a $(BUILD)/asan/libvtop.a -lcmocka
$(BUILD)/cov/tests/unit/%: tests/unit/%.c $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(COV_FLAGS) $< -o $@ $(BUILD)/cov/libvtopcmd.a $(BUILD)/cov/libvtop.a -lcmocka

ALL_TARGETS += $(UNIT_BINS)
TEST_SUITES += test-unit

.PHONY: test-unit
test-unit: $(UNIT_BINS)
	@rc=0; for t in $(UNIT_BINS); do \
	  CMOCKA_MESSAGE_OUTPUT=TAP $$t || rc=1; \
	done; exit $$rc

# Fuzzing (issue 11): libFuzzer harnesses built with clang and ASan+UBSan.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_ONLY="walker formats"]
#       runs each harness for FUZZ_SECONDS at low priority, one at a time,
#       and reports executions, coverage (libFuzzer's final "cov:") and
#       findings; new inputs go to build/fuzz/corpus/<harness>/, crashes to
#       build/fuzz/artifacts/<harness>/; every run is logged to
#       build/fuzz/history.tsv (fuzz-report sums it per harness).
#   make test-fuzz   (in `make test`): each harness for FUZZ_TEST_SECONDS
#       (10 s) plus every saved reproducer in tests/fuzz/regress/<harness>/
#       as a regression, TAP lines. tests/fuzz/pending/ holds reproducers of
#       bugs not yet fixed on main: never run by `make test`.
#
# A harness is built only once the functions it calls exist in the sources
# (other areas land over time); FUZZ_NEEDS_<harness> names them.

FUZZ_SECONDS      ?= 60
FUZZ_TEST_SECONDS ?= 10
FUZZ_NICE         ?= nice -n 19
FUZZ_CFLAGS := -std=c11 $(WARN) -g -O1 -I. -DVTOP_VERSION='"$(VERSION)"' \
  -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(eval $(call host_libs,fuzz))

# Harnesses and the functions each needs (grep'ed as definitions at the start
# of a line in core/ and cmd/ sources).
FUZZ_ALL := walker formats enum cmd roots
FUZZ_NEEDS_walker  := vtop_translate_cached vtop_cache_init vtop_space_init vtop_translate vtop_read_virtual vtop_read_physical vtop_physmem_validate
FUZZ_NEEDS_formats := vtop_image_open vtop_image_space_config $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_enum    := vtop_audit vtop_enumerate_ex vtop_ptov vtop_ptov_map vtop_qemu_mem_walk $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_roots   := vtop_roots_scan $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_cmd     := vtop_cmd_execute_line vtop_session_open_span vtop_session_new vtop_open_options_init
# Longest input per harness (-max_len): images need a few pages of tables.
FUZZ_MAXLEN_walker  := 32768
FUZZ_MAXLEN_formats := 65536
FUZZ_MAXLEN_enum    := 32768
FUZZ_MAXLEN_cmd     := 16384
FUZZ_MAXLEN_roots   := 32768

fuzz_lparen := (
fuzz_defined = $(shell grep -lE '^([A-Za-z].*[^A-Za-z0-9_])?$(1)[$(fuzz_lparen)]' $(CORE_SRCS) $(CMD_SRCS) /dev/null 2>/dev/null)
fuzz_missing = $(strip $(foreach s,$(FUZZ_NEEDS_$(1)),$(if $(call fuzz_defined,$(s)),,$(s))))
fuzz_ready = $(if $(wildcard tests/fuzz/fuzz_$(1).c),$(if $(call fuzz_missing,$(1)),,$(1)))
FUZZ_HARNESSES := $(foreach h,$(FUZZ_ALL),$(call fuzz_ready,$(h)))
FUZZ_ONLY ?= $(FUZZ_HARNESSES)
FUZZ_RUN := $(filter $(FUZZ_ONLY),$(FUZZ_HARNESSES))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/bin/fuzz_%,$(FUZZ_HARNESSES))

$(BUILD)/fuzz/bin/fuzz_%: $(BUILD)/fuzz/tests/fuzz/fuzz_%.o $(BUILD)/fuzz/libvtopcmd.a $(BUILD)/fuzz/libvtop.a
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_LDFLAGS) $< -o $@ $(BUILD)/fuzz/libvtopcmd.a $(BUILD)/fuzz/libvtop.a

# Keep harness objects between runs (they are intermediates of a pattern rule).
.SECONDARY: $(patsubst %,$(BUILD)/fuzz/tests/fuzz/fuzz_%.o,$(FUZZ_ALL))

TEST_SUITES += test-fuzz

.PHONY: fuzz fuzz-build fuzz-report test-fuzz
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@rc=0; $(foreach h,$(FUZZ_RUN),FUZZ_NICE="$(FUZZ_NICE)" tests/fuzz/run-fuzz.sh \
	  $(BUILD) $(h) $(FUZZ_SECONDS) $(FUZZ_MAXLEN_$(h)) || rc=1;) \
	tests/fuzz/run-fuzz.sh --report $(BUILD); exit $$rc

fuzz-report:
	@tests/fuzz/run-fuzz.sh --report $(BUILD)

test-fuzz: $(FUZZ_BINS)
	@rc=0; $(foreach h,$(FUZZ_HARNESSES),FUZZ_NICE="nice -n 10" tests/fuzz/run-fuzz.sh \
	  $(BUILD) $(h) $(FUZZ_TEST_SECONDS) $(FUZZ_MAXLEN_$(h)) || rc=1; \
	  tests/fuzz/run-fuzz.sh --regress $(BUILD) $(h) || rc=1;) \
	$(foreach h,$(filter-out $(FUZZ_HARNESSES),$(FUZZ_ALL)),echo "ok - fuzz $(h) # SKIP \
	  needs $(call fuzz_missing,$(h)) (not on this branch yet)";) exit $$rc

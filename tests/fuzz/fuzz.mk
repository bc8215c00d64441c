# Fuzzing: libFuzzer harnesses built with clang and ASan+UBSan.
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
# of a line in core/ and cmd/ sources: name out-of-line functions, not
# inline ones). A harness whose needs are missing fails test-fuzz: every
# harness here has landed, so a missing name is a rename, never a skip.
FUZZ_ALL := walker formats enum cmd roots a64
FUZZ_NEEDS_walker  := vtop_cache_translate_full vtop_cache_init vtop_space_init vtop_translate vtop_read_virtual vtop_read_physical vtop_physmem_validate
FUZZ_NEEDS_formats := vtop_image_open_request vtop_image_space_config $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_enum    := vtop_audit vtop_enumerate vtop_ptov vtop_ptov_map vtop_qemu_mem_walk $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_roots   := vtop_roots_scan $(FUZZ_NEEDS_walker)
FUZZ_NEEDS_a64     := vtop_a64_decode vtop_a64_mair_decode vtop_space_half_view $(FUZZ_NEEDS_enum)
FUZZ_NEEDS_cmd     := vtop_cmd_execute_line vtop_session_open_span vtop_session_new vtop_open_options_init
# Longest input per harness (-max_len): images need a few pages of tables.
FUZZ_MAXLEN_walker  := 32768
FUZZ_MAXLEN_formats := 65536
FUZZ_MAXLEN_enum    := 32768
FUZZ_MAXLEN_cmd     := 16384
FUZZ_MAXLEN_roots   := 32768
FUZZ_MAXLEN_a64     := 32768

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
	$(foreach h,$(filter-out $(FUZZ_HARNESSES),$(FUZZ_ALL)),echo "not ok - fuzz $(h): \
	  needs $(call fuzz_missing,$(h)), not defined in core/ or cmd/ (renamed or inlined?)"; \
	  rc=1;) exit $$rc

# `make fuzz-coverage`: line coverage of core/ and cmd/ reached by the fuzz
# corpora (the working corpus in build/fuzz/corpus plus the seeds), using a
# clang source-coverage build of each harness (no sanitizers) run once over
# its corpus (-runs=0), then llvm-profdata / llvm-cov.
LLVM_PROFDATA ?= llvm-profdata
LLVM_COV      ?= llvm-cov
FUZZCOV_CFLAGS := -std=c11 $(WARN) -g -O1 -I. -DVTOP_VERSION='"$(VERSION)"' \
  -fprofile-instr-generate -fcoverage-mapping -fsanitize=fuzzer-no-link
$(BUILD)/fuzzcov/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZCOV_CFLAGS) -MMD -MP -c $< -o $@
$(eval $(call host_libs,fuzzcov))
$(BUILD)/fuzzcov/bin/fuzz_%: $(BUILD)/fuzzcov/tests/fuzz/fuzz_%.o $(BUILD)/fuzzcov/libvtopcmd.a $(BUILD)/fuzzcov/libvtop.a
	@mkdir -p $(dir $@)
	$(CLANG) -fsanitize=fuzzer -fprofile-instr-generate $< -o $@ \
	  $(BUILD)/fuzzcov/libvtopcmd.a $(BUILD)/fuzzcov/libvtop.a
.SECONDARY: $(patsubst %,$(BUILD)/fuzzcov/tests/fuzz/fuzz_%.o,$(FUZZ_ALL))
FUZZCOV_BINS := $(patsubst %,$(BUILD)/fuzzcov/bin/fuzz_%,$(FUZZ_HARNESSES))

.PHONY: fuzz-coverage
fuzz-coverage: $(FUZZCOV_BINS)
	@rm -f $(BUILD)/fuzzcov/*.profraw; \
	$(foreach h,$(FUZZ_HARNESSES),mkdir -p $(BUILD)/fuzz/corpus/$(h); \
	  LLVM_PROFILE_FILE=$(BUILD)/fuzzcov/$(h).profraw $(BUILD)/fuzzcov/bin/fuzz_$(h) -runs=0 \
	  -max_len=$(FUZZ_MAXLEN_$(h)) $(BUILD)/fuzz/corpus/$(h) tests/fuzz/corpus/$(h) >/dev/null 2>&1; \
	  $(LLVM_PROFDATA) merge -sparse $(BUILD)/fuzzcov/$(h).profraw -o $(BUILD)/fuzzcov/$(h).profdata; \
	  printf '%-8s ' $(h); $(LLVM_COV) report $(BUILD)/fuzzcov/bin/fuzz_$(h) \
	    -instr-profile=$(BUILD)/fuzzcov/$(h).profdata $(CORE_SRCS) $(CMD_SRCS) | \
	    awk '/^TOTAL/ { print "line coverage " $$10 " (" $$8 - $$9 "/" $$8 " lines of the core/cmd files it links), regions " $$4 }';) \
	$(LLVM_PROFDATA) merge -sparse $(BUILD)/fuzzcov/*.profraw -o $(BUILD)/fuzzcov/all.profdata; \
	$(LLVM_COV) report $(firstword $(FUZZCOV_BINS)) $(foreach b,$(wordlist 2,99,$(FUZZCOV_BINS)),-object $(b)) \
	  -instr-profile=$(BUILD)/fuzzcov/all.profdata $(CORE_SRCS) $(CMD_SRCS) | tee $(BUILD)/fuzzcov/report.txt

# `make fuzz-merge`: fold the inputs of build/fuzz/corpus/<h> that add
# coverage into the kept seeds tests/fuzz/corpus/<h> (libFuzzer -merge=1),
# so the short runs of `make test` start where the long runs got to. Only
# new inputs under FUZZ_KEEP_MAX bytes are kept (git stays small).
FUZZ_KEEP_MAX ?= 2048
.PHONY: fuzz-merge
fuzz-merge: $(FUZZ_BINS)
	@$(foreach h,$(FUZZ_HARNESSES),mkdir -p $(BUILD)/fuzz/corpus/$(h); \
	  before=$$(ls tests/fuzz/corpus/$(h) | wc -l); \
	  $(BUILD)/fuzz/bin/fuzz_$(h) -merge=1 -max_len=$(FUZZ_MAXLEN_$(h)) -timeout=10 \
	    tests/fuzz/corpus/$(h) $(BUILD)/fuzz/corpus/$(h) >$(BUILD)/fuzz/merge-$(h).log 2>&1; \
	  git ls-files --others --exclude-standard tests/fuzz/corpus/$(h) | \
	    while read f; do [ $$(stat -c %s "$$f") -lt $(FUZZ_KEEP_MAX) ] || rm -f "$$f"; done; \
	  echo "fuzz-merge $(h): $$before -> $$(ls tests/fuzz/corpus/$(h) | wc -l) seeds, $$(du -sk tests/fuzz/corpus/$(h) | cut -f1) KiB";)

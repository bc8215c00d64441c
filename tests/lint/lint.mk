# Static analysis: cppcheck and clang-tidy over every C source in
# core/, cmd/, host/ and efi/. `make lint` prints every finding; the suite
# `test-lint` prints one TAP line per file and tool. Results are cached in
# build/lint/<file>.<tool> stamps (re-run when the file, any project header or
# the tool configuration changes), so `make test` only re-checks what moved.
#
# Suppressions: only through .clang-tidy (each disabled check justified there)
# or a `// cppcheck-suppress ID` / `// NOLINT(check)` comment at the line,
# with a reason on the same or previous line.

LINT_SRCS := $(sort $(wildcard core/*.c core/formats/*.c cmd/*.c host/*.c efi/*.c efi/arch/*/*.c))
LINT_HDRS := $(sort $(wildcard core/*.h core/formats/*.h cmd/*.h host/*.h efi/*.h))
CPPCHECK  ?= cppcheck
CLANG_TIDY ?= clang-tidy

# Compiler flags the checkers parse each file with. efi/ sources take the EFI
# build's own flags from efi/efi.mk (newlib first, then gcc's include dir,
# then gnu-efi: docs/efi-toolchain.md), minus the code-generation options
# clang does not need for analysis.
LINT_HOST_FLAGS := -std=c11 -I. -DVTOP_VERSION='"lint"'
EFI_LINT_CFLAGS = $(filter-out -march=% -mtune=% -O2 -g,$(EFI_CFLAGS))
# The AArch64 app's own files (efi/arch/aa64/) are parsed as AArch64 code
# with that build's flags (aarch64-elf newlib, gnu-efi arm64 headers).
EFI_LINT_CFLAGS_AA64 = --target=aarch64-linux-gnu \
  $(filter-out -march=% -mtune=% -O2 -g -mno-outline-atomics,$(call efi_cflags,aa64))
efi_lint_flags = $(if $(filter efi/arch/aa64/%,$(1)),$(EFI_LINT_CFLAGS_AA64),$(EFI_LINT_CFLAGS))
# Per-file extra options, for a temporary suppression of a finding in another
# area's file while its fix is pending (report it in
# /work/briefs/fuzz-findings.md; remove the entry once fixed), e.g.
#   LINT_TIDY_EXTRA_efi/foo.c := --checks=-bugprone-some-check
#   LINT_CPPCHECK_EXTRA_efi/foo.c := --suppress=someId:efi/foo.c
# None is in use: findings L1 and L2 were fixed at their cause.
lint_flags = $(if $(filter efi/%,$(1)),$(call efi_lint_flags,$(1)),$(LINT_HOST_FLAGS))

# cppcheck: warning, style, performance and portability classes; system
# headers are not analysed (missingIncludeSystem is about glibc/gnu-efi headers
# cppcheck does not need, not about our code).
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 \
  --inline-suppr --error-exitcode=1 --quiet --suppress=missingIncludeSystem \
  --library=posix

LINT_STAMPS := $(foreach f,$(LINT_SRCS),$(BUILD)/lint/$(f).cppcheck $(BUILD)/lint/$(f).tidy)

# Each stamp holds "ok" or "fail"; the tool's messages go to <stamp>.log.
# A stamp never fails the make run itself: test-lint reports the verdicts.
$(BUILD)/lint/%.c.cppcheck: %.c $(LINT_HDRS) tests/lint/lint.mk
	@mkdir -p $(dir $@)
	@if $(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_CPPCHECK_EXTRA_$<) $(filter-out -I/usr/%,$(filter -I% -D%,$(call lint_flags,$<))) $< >$@.log 2>&1; \
	  then echo ok >$@; else echo fail >$@; fi
$(BUILD)/lint/%.c.tidy: %.c $(LINT_HDRS) .clang-tidy tests/lint/lint.mk
	@mkdir -p $(dir $@)
	@if $(CLANG_TIDY) --quiet $(LINT_TIDY_EXTRA_$<) $< -- $(call lint_flags,$<) >$@.log 2>&1; \
	  then echo ok >$@; else echo fail >$@; fi
# efi/ needs newlib's headers, built by efi/efi.mk (and AArch64's gnu-efi).
$(BUILD)/lint/efi/%.c.tidy: efi/%.c $(LINT_HDRS) .clang-tidy tests/lint/lint.mk | $(NEWLIB_LIBC) \
  $(EFI_aa64_LIBC) $(EFI_aa64_GNUEFI_DEP)
	@mkdir -p $(dir $@)
	@if $(CLANG_TIDY) --quiet $(LINT_TIDY_EXTRA_$<) $< -- $(call efi_lint_flags,$<) >$@.log 2>&1; \
	  then echo ok >$@; else echo fail >$@; fi

TEST_SUITES += test-lint

.PHONY: lint test-lint
lint: $(LINT_STAMPS)
	@rc=0; for s in $(LINT_STAMPS); do \
	  if [ "$$(cat $$s)" != ok ]; then echo "lint: $$s"; cat $$s.log; rc=1; fi; \
	done; \
	[ $$rc -eq 0 ] && echo "lint: $(words $(LINT_SRCS)) files clean (cppcheck, clang-tidy)"; exit $$rc

# Self-test: both checkers must reject a file with known bugs, so a broken
# tool invocation cannot pass silently.
LINT_SELFTEST := tests/lint/selftest_bad.c

test-lint: $(LINT_STAMPS)
	@if $(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_SELFTEST) >/dev/null 2>&1; \
	  then echo "not ok 1 - lint self-test: cppcheck accepted $(LINT_SELFTEST)"; rc=1; \
	  else echo "ok 1 - lint self-test: cppcheck rejects $(LINT_SELFTEST)"; fi; \
	if $(CLANG_TIDY) --quiet $(LINT_SELFTEST) -- $(LINT_HOST_FLAGS) >/dev/null 2>&1; \
	  then echo "not ok 2 - lint self-test: clang-tidy accepted $(LINT_SELFTEST)"; rc=1; \
	  else echo "ok 2 - lint self-test: clang-tidy rejects $(LINT_SELFTEST)"; fi; \
	n=2; rc=$${rc:-0}; for s in $(LINT_STAMPS); do \
	  n=$$((n+1)); f=$${s#$(BUILD)/lint/}; \
	  if [ "$$(cat $$s)" = ok ]; then echo "ok $$n - lint $${f%.*} ($${f##*.})"; \
	  else echo "not ok $$n - lint $${f%.*} ($${f##*.})"; sed 's/^/# /' $$s.log; rc=1; fi; \
	done; exit $$rc

# tests/cli: golden tests of the `vtop` CLI (run.sh over cases.txt) and its
# JSON answers parsed back (json_check.py), many addresses on the command
# line against a script and the command table (argv_check.py), against the
# sanitized CLI.
# VTOP_RUN_PREFIX="valgrind --error-exitcode=99 -q" runs them under a tool.
CLI_IMG_DIR := $(BUILD)/cli-images
# The CLI under test: sanitized by default; the Valgrind suite passes
# CLI_VTOP=$(BUILD)/vtop (ASan and Valgrind do not mix).
CLI_VTOP ?= $(BUILD)/asan/vtop

$(CLI_IMG_DIR)/cli4.raw: tests/cli/mkimage.py
	@mkdir -p $(CLI_IMG_DIR)
	python3 tests/cli/mkimage.py $(CLI_IMG_DIR)

# cli4.raw as kdump-compressed (every page compression, zero pages
# excluded) and flattened files, written by images/gen_kdump.
$(CLI_IMG_DIR)/cli4.kdump: $(CLI_IMG_DIR)/cli4.raw $(IMAGES_GEN_KDUMP)
	$(IMAGES_GEN_KDUMP) $< $@ --comp mixed --exclude-zero
	$(IMAGES_GEN_KDUMP) $< $(CLI_IMG_DIR)/cli4.flat --comp zlib --flat

TEST_SUITES += test-cli

.PHONY: test-cli
test-cli: $(CLI_VTOP) $(CLI_IMG_DIR)/cli4.raw $(CLI_IMG_DIR)/cli4.kdump $(if $(wildcard images/images.mk),images)
	@rc=0; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images \
	  WORK=$(BUILD)/cli-work tests/cli/run.sh || rc=1; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images \
	  python3 tests/cli/json_check.py || rc=1; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) python3 tests/cli/tty_check.py || rc=1; \
	VTOP=$(CLI_VTOP) SYN=$(BUILD)/images python3 tests/cli/a64_check.py || rc=1; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images \
	  python3 tests/cli/scan_check.py || rc=1; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images \
	  python3 tests/cli/argv_check.py || rc=1; \
	VTOP=$(CLI_VTOP) IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images WORK=$(BUILD)/cli-work \
	  python3 tests/cli/walk_check.py || rc=1; \
	tests/cli/install_check.sh "$(MAKE)" $(BUILD)/cli-install || rc=1; \
	exit $$rc

# Line coverage of the command language and the CLI (cmd/, host/) from the
# unit tests plus the CLI suite run on a coverage build: `make coverage-cli`.
.PHONY: coverage-cli
coverage-cli: $(BUILD)/cov/vtop $(CLI_IMG_DIR)/cli4.raw
	@$(MAKE) --no-print-directory -s $(UNIT_COV_BINS) >/dev/null
	@find $(BUILD)/cov -name '*.gcda' -delete; rm -f *.gcda
	@for t in $(UNIT_COV_BINS); do $$t >/dev/null 2>&1 || true; done
	@$(MAKE) --no-print-directory -s test-cli CLI_VTOP=$(BUILD)/cov/vtop >/dev/null 2>&1 || true
	@gcovr -r . --object-directory $(BUILD)/cov -f 'cmd/' -f 'host/' \
	  --exclude 'cmd/fmt_.*' --print-summary | sed -n '/^File/,$$p'

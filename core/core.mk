# core/: the freestanding translator. Its objects are built by the top
# Makefile (CORE_SRCS); this file holds the core's own checks:
#   test-freestanding  every core/ source compiles with no libc and includes
#                      only <stdint.h> <stddef.h> <stdbool.h> / core headers
#   coverage           line coverage of core/ from the unit tests (gcovr)
#   test-coverage      fails below 95% for the paging code

COV_MIN        := 95
COV_CORE_FILES := core/paging.c core/paging_a64.c core/a64_mair.c core/walk.c core/walk_step.h core/batch.c core/read.c core/physmem.c core/entry.h \
                  core/enum.c core/audit.c core/ptov.c core/roots_table.c

TEST_SUITES += test-freestanding test-coverage

.PHONY: test-freestanding coverage coverage-run test-coverage
test-freestanding:
	@HOST_CC=$(HOST_CC) tools/check-freestanding.sh

# The unit-test list is known only once tests/unit/unit.mk is read, so the
# binaries are built from the recipe (expanded at run time).
coverage-run:
	@$(MAKE) --no-print-directory -s $(UNIT_COV_BINS) >/dev/null
	@find $(BUILD)/cov -name '*.gcda' -delete
	@for t in $(UNIT_COV_BINS); do $$t >/dev/null 2>&1 || true; done

coverage: coverage-run
	@mkdir -p $(BUILD)/coverage
	@gcovr -r . --object-directory $(BUILD)/cov -f 'core/' \
	  --html-details $(BUILD)/coverage/index.html \
	  --json-summary $(BUILD)/coverage/summary.json --print-summary \
	  | tee $(BUILD)/coverage/summary.txt
	@gcovr -r . --object-directory $(BUILD)/cov -f 'core/' | sed -n '/^File/,$$p'

test-coverage: coverage-run
	@mkdir -p $(BUILD)/coverage
	@gcovr -r . --object-directory $(BUILD)/cov -f 'core/' \
	  --json-summary $(BUILD)/coverage/summary.json >/dev/null
	@python3 tools/check-coverage.py $(BUILD)/coverage/summary.json $(COV_MIN) $(COV_CORE_FILES)

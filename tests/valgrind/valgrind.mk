# Valgrind memcheck over the CLI tests: the same cases as
# test-cli (tests/cli/run.sh, tests/cli/json_check.py), run on the plain
# build/vtop (ASan binaries cannot run under Valgrind) through the runner's
# VTOP_RUN_PREFIX. Any memcheck error, and any definite or indirect leak,
# makes valgrind exit 99: the case then fails on its exit status, and its
# report shows in the stderr diff.
VALGRIND ?= valgrind
VALGRIND_FLAGS := -q --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect

TEST_SUITES += test-valgrind

.PHONY: test-valgrind
$(BUILD)/valgrind/selftest_bad: tests/valgrind/selftest_bad.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=c11 -O0 -g $< -o $@

test-valgrind: $(BUILD)/valgrind/selftest_bad $(BUILD)/vtop $(CLI_IMG_DIR)/cli4.raw $(if $(wildcard images/images.mk),images)
	@mkdir -p $(BUILD)/valgrind-work; rc=0; \
	if $(VALGRIND) $(VALGRIND_FLAGS) $(BUILD)/valgrind/selftest_bad >/dev/null 2>&1; \
	  then echo "not ok - valgrind self-test: memcheck accepted selftest_bad"; rc=1; \
	  else echo "ok - valgrind self-test: memcheck rejects selftest_bad"; fi; \
	VTOP=$(BUILD)/vtop VTOP_RUN_PREFIX="$(VALGRIND) $(VALGRIND_FLAGS)" \
	  IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images WORK=$(BUILD)/valgrind-work \
	  tests/cli/run.sh >$(BUILD)/valgrind-work/cli.tap 2>&1 || rc=1; \
	VTOP=$(BUILD)/vtop VTOP_RUN_PREFIX="$(VALGRIND) $(VALGRIND_FLAGS)" \
	  IMG=$(CLI_IMG_DIR) SYN=$(BUILD)/images \
	  python3 tests/cli/json_check.py >$(BUILD)/valgrind-work/json.tap 2>&1 || rc=1; \
	sed -E 's/^(not )?ok ([0-9]+ )?- /\1ok \2- valgrind /' \
	  $(BUILD)/valgrind-work/cli.tap $(BUILD)/valgrind-work/json.tap; \
	exit $$rc

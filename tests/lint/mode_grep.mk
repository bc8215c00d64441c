# test-mode-grep: no VTOP_MODE_* or level-count comparison outside
# core/paging.c's mode table and QEMU's quirk table (tests/lint/mode_grep.sh).
TEST_SUITES += test-mode-grep

.PHONY: test-mode-grep
test-mode-grep:
	@tests/lint/mode_grep.sh

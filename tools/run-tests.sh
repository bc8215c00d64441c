#!/usr/bin/env bash
# Run every test suite named on the command line (make targets), count the
# TAP-style result lines they print ("ok ..." / "not ok ..."), and end with
# the summary line "N passed, N failed". "ok ... # SKIP" lines are counted
# apart as skipped, never as passed. A suite that exits non-zero without
# printing a "not ok" line counts as one failure, so a crash never passes.
set -u
make_cmd=${MAKE:-make}
log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0; failed=0; skipped=0; failed_suites=()
for suite in "$@"; do
  log="$log_dir/$suite.log"
  echo "=== $suite"
  start=$(date +%s)
  "$make_cmd" --no-print-directory -s "$suite" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -E '^ok ' "$log" | grep -cvE '# *SKIP'); f=$(grep -cE '^not ok ' "$log")
  s=$(grep -E '^ok ' "$log" | grep -ciE '# *SKIP')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "not ok - $suite exited with status $rc"; f=1
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" -gt 0 ] && failed_suites+=("$suite")
  echo "=== $suite: $p passed, $f failed ($(( $(date +%s) - start )) s)"
done
[ ${#failed_suites[@]} -gt 0 ] && echo "failing suites: ${failed_suites[*]}"
[ "$skipped" -gt 0 ] && echo "$skipped skipped (TAP '# SKIP': see the suite logs in $log_dir)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Run every test suite named on the command line (make targets), count the
# TAP-style result lines they print ("ok ..." / "not ok ..."), and end with
# the summary line "N passed, N failed". "ok ... # SKIP" lines are counted
# apart as skipped, never as passed. A suite that exits non-zero without
# printing a "not ok" line counts as one failure, so a crash never passes.
# A TAP plan "1..N" (before a stream's first result or after its last) that
# its stream does not reach counts as one failure, so a vanished check fails.
set -u

# Plan check over one suite log (several TAP streams in a row): a stream
# starts at a result numbered 1 or at a leading plan; a plan after results
# is that stream's trailing plan when it equals the count so far, else it
# leads the next stream. Prints one "not ok" line per plan not met.
plan_failures() {
  awk '
    function close_stream() {
      if (plan >= 0 && count != plan)
        printf "not ok - TAP plan 1..%d but %d results (from log line %d)\n", plan, count, plan_line
      plan = -1; count = 0
    }
    BEGIN { plan = -1; count = 0 }
    /^1\.\.[0-9]+[[:space:]]*$/ {
      n = substr($1, 4) + 0
      if (count > 0 && plan < 0 && count == n) { plan = n; plan_line = NR; close_stream(); next }
      close_stream(); plan = n; plan_line = NR; next
    }
    /^(not )?ok / {
      num = ($1 == "ok") ? $2 : $3
      if (num == "1" && count > 0) close_stream()
      count++
    }
    END { close_stream() }
  ' "$1"
}

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
  plans=$(plan_failures "$log")
  if [ -n "$plans" ]; then
    echo "$plans"; f=$((f + $(printf '%s\n' "$plans" | wc -l)))
  fi
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

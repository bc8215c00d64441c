#!/usr/bin/env bash
# Run every test suite named on the command line (make targets), count the
# TAP-style result lines they print ("ok ..." / "not ok ..."), and end with
# the summary line "N passed, N failed". "ok ... # SKIP" lines are counted
# apart as skipped, never as passed. A suite that exits non-zero without
# printing a "not ok" line counts as one failure, so a crash never passes.
# A TAP plan "1..N" (before a stream's first result or after its last) that
# its stream does not reach counts as one failure, so a vanished check fails.
#
#   run-tests.sh SUITE...                    one after another, output live
#   run-tests.sh SUITE... -- SUITE... [-- ...]
#                                            lanes: each lane runs its suites
#                                            in order, the lanes side by side
#                                            (one per core); a suite's block is
#                                            printed whole when it ends
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

# Run one suite into its log; write "passed failed skipped" to $log.count.
# With live=1 the output also goes to the terminal as it comes.
run_suite() {
  local suite=$1 live=$2 log="$log_dir/$1.log" start rc p f s plans
  start=$(date +%s)
  if [ "$live" = 1 ]; then
    echo "=== $suite"
    "$make_cmd" --no-print-directory -s "$suite" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
  else
    "$make_cmd" --no-print-directory -s "$suite" >"$log" 2>&1
    rc=$?
  fi
  p=$(grep -E '^ok ' "$log" | grep -cvE '# *SKIP'); f=$(grep -cE '^not ok ' "$log")
  s=$(grep -E '^ok ' "$log" | grep -ciE '# *SKIP')
  {
    plans=$(plan_failures "$log")
    if [ -n "$plans" ]; then
      echo "$plans"; f=$((f + $(printf '%s\n' "$plans" | wc -l)))
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "not ok - $suite exited with status $rc"; f=1
    fi
    echo "=== $suite: $p passed, $f failed ($(( $(date +%s) - start )) s)"
  } >"$log.tail"
  echo "$p $f $s" >"$log.count"
}

# A lane: its suites in order; each finished suite's block is printed whole
# under a lock, so blocks of the two lanes never interleave.
run_lane() {
  local suite
  for suite in "$@"; do
    run_suite "$suite" 0
    {
      flock 9
      echo "=== $suite"
      cat "$log_dir/$suite.log" "$log_dir/$suite.log.tail"
    } 9>"$log_dir/.print.lock"
  done
}

for a in "$@"; do
  rm -f "$log_dir/$a.log.count" "$log_dir/$a.log.tail"
done
suites=() lanes=0 lane=()
for a in "$@"; do
  if [ "$a" = -- ]; then
    [ ${#lane[@]} -gt 0 ] && { run_lane "${lane[@]}" & lanes=$((lanes + 1)); }
    lane=()
  else
    lane+=("$a"); suites+=("$a")
  fi
done
if [ "$lanes" -gt 0 ]; then
  [ ${#lane[@]} -gt 0 ] && { run_lane "${lane[@]}" & }
  wait
else
  for suite in "${lane[@]}"; do
    run_suite "$suite" 1
    cat "$log_dir/$suite.log.tail"
  done
fi

passed=0; failed=0; skipped=0; failed_suites=()
for suite in "${suites[@]}"; do
  read -r p f s <"$log_dir/$suite.log.count" || { p=0; f=1; s=0; }
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" -gt 0 ] && failed_suites+=("$suite")
done
[ ${#failed_suites[@]} -gt 0 ] && echo "failing suites: ${failed_suites[*]}"
[ "$skipped" -gt 0 ] && echo "$skipped skipped (TAP '# SKIP': see the suite logs in $log_dir)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

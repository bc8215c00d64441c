#!/usr/bin/env bash
# Run one libFuzzer harness for a bounded time and print one TAP line with its
# figures, or run its saved reproducers, or summarise the run history.
#   run-fuzz.sh BUILD HARNESS SECONDS [MAXLEN]   fuzz (tests/fuzz/fuzz.mk)
#   run-fuzz.sh --regress BUILD HARNESS           every tests/fuzz/regress/HARNESS/*
#   run-fuzz.sh --report BUILD                    totals per harness
# Environment: FUZZ_NICE (e.g. "nice -n 19"), FUZZ_RSS_MB (default 1024).
set -u
if [ "${1:-}" = --report ]; then
  hist="$2/fuzz/history.tsv"
  [ -f "$hist" ] || { echo "fuzz: no runs recorded yet ($hist)"; exit 0; }
  echo "fuzz totals (from $hist):"
  awk -F'\t' '{ s[$2]+=$3; e[$2]+=$4; c[$2]=$5; f[$2]+=$7; n[$2]++ }
    END { for (h in s) printf "  %-8s %3d runs %6d s %12d execs  last cov %5d  findings %d\n",
                             h, n[h], s[h], e[h], c[h], f[h] }' "$hist" | sort
  exit 0
fi
if [ "${1:-}" = --regress ]; then
  build=$2; h=$3; bin="$build/fuzz/bin/fuzz_$h"; rc=0
  for f in tests/fuzz/regress/"$h"/*; do
    [ -f "$f" ] || continue
    if "$bin" -runs=1 -timeout=10 "$f" >"$build/fuzz/regress.log" 2>&1; then
      echo "ok - fuzz regress $h/$(basename "$f")"
    else
      echo "not ok - fuzz regress $h/$(basename "$f")"
      grep -aE 'ERROR|SUMMARY|contract|runtime error' "$build/fuzz/regress.log" | head -5 | sed 's/^/# /'
      rc=1
    fi
  done
  exit $rc
fi

build=$1; h=$2; secs=$3; maxlen=${4:-4096}
bin="$build/fuzz/bin/fuzz_$h"
work="$build/fuzz/corpus/$h"; art="$build/fuzz/artifacts/$h"; log="$build/fuzz/$h.log"
mkdir -p "$work" "$art" "tests/fuzz/corpus/$h"
seeds=("tests/fuzz/corpus/$h")
dict=(); [ -f "tests/fuzz/$h.dict" ] && dict=(-dict="tests/fuzz/$h.dict")
before=$(find "$art" -type f | wc -l)
start=$(date +%s)
# The working corpus comes first: libFuzzer writes new inputs there, never
# into the seeds kept in git.
${FUZZ_NICE:-} "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
  -rss_limit_mb="${FUZZ_RSS_MB:-1024}" -max_len="$maxlen" -artifact_prefix="$art/" \
  "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
execs=$(grep -a '^stat::number_of_executed_units:' "$log" | sed 's/.*: *//' | tail -1)
cov=$(grep -aoE ' cov: [0-9]+' "$log" | tail -1 | grep -aoE '[0-9]+')
ft=$(grep -aoE ' ft: [0-9]+' "$log" | tail -1 | grep -aoE '[0-9]+')
corp=$(grep -aoE ' corp: [0-9]+' "$log" | tail -1 | grep -aoE '[0-9]+')
after=$(find "$art" -type f | wc -l)
found=$((after - before))
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$h" "$took" "${execs:-0}" \
  "${cov:-0}" "${ft:-0}" "$found" >>"$build/fuzz/history.tsv"
summary="fuzz $h: ${execs:-0} execs in ${took} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, findings $found"
if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
  echo "ok - $summary"
else
  echo "not ok - $summary (exit $rc; log $log)"
  grep -aE 'ERROR|SUMMARY|contract|runtime error|Test unit written' "$log" | head -8 | sed 's/^/# /'
  exit 1
fi

#!/usr/bin/env bash
# CLI golden tests: run every case of tests/cli/cases.txt through the CLI and
# compare stdout with golden/NAME.out, stderr with golden/NAME.err (empty
# when the file is missing) and the exit status with the case's. TAP lines.
#
#   VTOP             the binary (default build/asan/vtop)
#   VTOP_RUN_PREFIX  a wrapper, e.g. "valgrind --error-exitcode=99 -q"
#   IMG              the directory of the CLI test images (mkimage.py)
#   UPDATE=1         rewrite the goldens (then CHECK THEM BY HAND)
# Case lines: NAME|EXIT|STDIN|ARGS  (STDIN a file under tests/cli/ or empty;
# ARGS are shell words; @IMG@ and @SYN@ (build/images) are substituted).
set -u
here=$(cd "$(dirname "$0")" && pwd)
vtop=${VTOP:-build/asan/vtop}
img=${IMG:-build/cli-images}
syn=${SYN:-build/images}
work=${WORK:-build/cli-work}
mkdir -p "$work"
n=0; failed=0
while IFS='|' read -r name want stdin args; do
  case "$name" in ''|\#*) continue ;; esac
  n=$((n + 1))
  args=${args//@IMG@/$img}; args=${args//@SYN@/$syn}
  eval "set -- $args"
  in=/dev/null
  [ -n "$stdin" ] && in="$here/$stdin"
  # shellcheck disable=SC2086
  ${VTOP_RUN_PREFIX:-} "$vtop" "$@" <"$in" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  # Paths differ between checkouts: goldens say @IMG@ / @SYN@.
  sed -i -e "s|$img|@IMG@|g" -e "s|$syn|@SYN@|g" "$work/$name.out" "$work/$name.err"
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$work/$name.out" "$here/golden/$name.out"
    if [ -s "$work/$name.err" ]; then cp "$work/$name.err" "$here/golden/$name.err"
    else rm -f "$here/golden/$name.err"; fi
  fi
  why=""
  [ "$rc" = "$want" ] || why="exit $rc, want $want"
  if ! cmp -s "$work/$name.out" "$here/golden/$name.out" 2>/dev/null; then
    why="${why:+$why; }stdout differs"
  fi
  golden_err="$here/golden/$name.err"
  [ -f "$golden_err" ] || golden_err=/dev/null
  cmp -s "$work/$name.err" "$golden_err" || why="${why:+$why; }stderr differs"
  if [ -z "$why" ]; then
    echo "ok $n - cli $name"
  else
    echo "not ok $n - cli $name ($why)"
    failed=$((failed + 1))
    diff -u "$here/golden/$name.out" "$work/$name.out" 2>&1 | head -20 | sed 's/^/# /'
    diff -u "$golden_err" "$work/$name.err" 2>&1 | head -10 | sed 's/^/# /'
  fi
done <"$here/cases.txt"
[ "$failed" -eq 0 ]

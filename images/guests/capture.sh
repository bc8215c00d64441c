#!/usr/bin/env bash
# Capture the real Linux guests the truth tests compare vtop against (one per
# x86 paging mode), cached in build/guests/<mode>/ (a DONE file marks a
# complete capture: a second run costs nothing). Usage:
#   images/guests/capture.sh [MODE...]   (default: every mode)
# Modes: amd64-4level amd64-5level i386-32bit i386-pae. A mode that fails
# prints "could not capture <mode>: <why>" and the script exits non-zero.
# Bench-only variants (guest.py BENCH_MODES, never part of the default):
#   images/guests/capture.sh --bench build/bench-guests amd64-4level-4k
# (`make bench` runs it: tests/bench/bench.mk).
set -u
cd "$(dirname "$0")/../.."
exec python3 -B images/guests/guest.py "$@"

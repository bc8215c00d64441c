#!/usr/bin/env python3
"""test-coverage: one TAP line per file, `not ok` below the minimum.
usage: check-coverage.py SUMMARY.json MIN_PERCENT FILE..."""
import json
import sys

summary, minimum, files = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
by_name = {f["filename"]: f for f in json.load(open(summary))["files"]}
rc = 0
for i, name in enumerate(files, 1):
    f = by_name.get(name)
    pct = f["line_percent"] if f else 0.0
    ok = f is not None and pct >= minimum
    rc |= not ok
    detail = f"{f['line_covered']}/{f['line_total']} lines" if f else "no data"
    print(f"{'ok' if ok else 'not ok'} {i} - line coverage of {name}: "
          f"{pct:.1f}% ({detail}), minimum {minimum:g}%")
sys.exit(rc)

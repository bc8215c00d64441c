#!/usr/bin/env python3
"""EFI part of `make bench`: boot-to-banner and boot-to-first-
report times of the vtop EFI app under QEMU/OVMF (TCG: indicative only).

Each rep boots once through tools/qemu-efi.sh --stream and timestamps the
serial lines as they arrive: t0 = QEMU started, banner = the app's
"vtop X (UEFI application)" line, report = its first report that needed the
core's walker ("self-check:" over its own page tables). Prints table rows
like the C bench and writes JSON (median of the reps, with min and max).

usage: efi_boot.py --app build/efi/vtop.efi [--reps 5] [--json FILE]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def one_boot(app, work):
    t0 = time.monotonic()
    p = subprocess.Popen(["tools/qemu-efi.sh", "--app", app, "--dir", work,
                          "--stream", "--timeout", "120"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    banner = report = None
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace").replace("\r", "")
        now = time.monotonic() - t0
        if banner is None and "(UEFI application)" in line:
            banner = now
        if report is None and line.startswith("self-check:"):
            report = now
    rc = p.wait()
    return banner, report, time.monotonic() - t0, rc


def stat(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "reps": len(values)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", default="build/efi/vtop.efi")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", default="build/bench-efi.json")
    ap.add_argument("--work", default="build/bench-efi")
    a = ap.parse_args()
    rows = {"boot to banner": [], "boot to first report": [],
            "banner to first report": [], "boot to power-off": []}
    for i in range(a.reps):
        banner, report, total, rc = one_boot(a.app, f"{a.work}/{i}")
        if banner is None or report is None or rc != 0:
            print(f"not ok - efi boot {i}: banner={banner} report={report} rc={rc}")
            return 1
        rows["boot to banner"].append(banner)
        rows["boot to first report"].append(report)
        rows["banner to first report"].append(report - banner)
        rows["boot to power-off"].append(total)
    out = []
    for what, v in rows.items():
        s = stat(v)
        out.append({"section": "efi", "image": "qemu64 TCG", "figure": what,
                    "unit": "s", **s, "target": "", "met": None})
        print(f"{'efi':<10} {'qemu64 TCG':<24} {what:<40} {s['median']:12.3f} "
              f"{s['min']:12.3f} {s['max']:12.3f} {'s':<6}  (TCG: indicative only)")
    with open(a.json, "w") as f:
        json.dump({"rows": out}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

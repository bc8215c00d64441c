#!/usr/bin/env python3
"""End-to-end tests of vtop.efi under QEMU/OVMF (TCG), TAP output.

Each boot runs tools/qemu-efi.sh (ESP image, startup.nsh, isa-debug-exit)
and the checks below parse the serial transcript. Boots are few and bounded
(each < 30 s) because the machine is shared.
"""
import argparse
import os
import re
import subprocess
import sys
import time

N = 0
FAILED = 0


def tap(ok, name, diag=None):
    global N, FAILED
    N += 1
    if not ok:
        FAILED += 1
    print(f"{'ok' if ok else 'not ok'} {N} - {name}", flush=True)
    if not ok and diag:
        for line in str(diag).splitlines()[:20]:
            print(f"#   {line}", flush=True)


def boot(args, name, *extra, timeout=45):
    """Boot once; returns (status, transcript text, seconds)."""
    d = os.path.join(args.work, name)
    cmd = ["tools/qemu-efi.sh", "--app", args.app, "--dir", d,
           "--timeout", str(timeout), *extra]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    secs = time.monotonic() - t0
    log = os.path.join(d, "serial.log")
    text = open(log, "rb").read().decode("ascii", "replace") if os.path.exists(log) else ""
    print(f"# boot {name}: status {p.returncode} in {secs:.1f} s", flush=True)
    return p.returncode, text, secs


def app_lines(text):
    """Lines the app printed (CRLF stripped), from its first banner line."""
    i = text.find("vtop ")
    return [l for l in text[i:].split("\r\n")] if i >= 0 else []


def field(lines, key):
    for l in lines:
        if l.startswith(key + ": "):
            return l[len(key) + 2:]
    return None


def regs(lines):
    r = field(lines, "registers") or ""
    return {k: int(v, 16) for k, v in re.findall(r"(\w+)=0x([0-9a-f]+)", r)}


def expected_mode(r):
    """SDM Vol. 3A 4.1.1, table 4-1 (independent of the app's code)."""
    cr0, cr4, efer = r["CR0"], r["CR4"], r["EFER"]
    if not cr0 >> 31 & 1:
        return "none"
    if not cr4 >> 5 & 1:
        return "32bit-pse" if cr4 >> 4 & 1 else "32bit"
    if not efer >> 10 & 1:
        return "pae"
    return "5level" if cr4 >> 12 & 1 else "4level"


def check_banner(lines, cpu_expect, tag):
    need = ["firmware", "console", "cpu", "cpuid", "registers", "paging", "memory map"]
    missing = [k for k in need if field(lines, k) is None]
    tap(not missing and lines and lines[0].startswith("vtop "),
        f"{tag}: banner has every field", f"missing: {missing}")
    r = regs(lines)
    paging = field(lines, "paging") or ""
    ok = set(r) >= {"CR0", "CR3", "CR4", "EFER"} and paging.split(" ")[0] == expected_mode(r)
    tap(ok, f"{tag}: printed paging mode matches CR0/CR4/EFER",
        f"registers {r}, paging '{paging}'")
    bits = dict(re.findall(r"(CR\d\.\w+|EFER\.\w+)=(\d)", paging))
    ok = bool(r) and bits.get("CR4.PAE") == str(r["CR4"] >> 5 & 1) and \
        bits.get("CR4.LA57") == str(r["CR4"] >> 12 & 1) and \
        bits.get("EFER.NXE") == str(r["EFER"] >> 11 & 1)
    tap(ok, f"{tag}: paging bits agree with the raw registers", paging)
    cpuid = dict(re.findall(r"(\w+)=(\d+)", field(lines, "cpuid") or ""))
    bad = {k: (cpuid.get(k), v) for k, v in cpu_expect.items() if cpuid.get(k) != v}
    tap(not bad, f"{tag}: CPUID features as QEMU's CPU model offers", f"(got, want): {bad}")
    fw = field(lines, "firmware") or ""
    tap("EDK II" in fw and re.search(r"UEFI 2\.\d", fw) is not None,
        f"{tag}: firmware vendor and revision", fw)
    return r


def check_memmap(lines, tag):
    head = field(lines, "memory map") or ""
    m = re.match(r"(\d+) descriptors, (\d+) pages", head)
    types = [re.match(r"  (\S+) +(\d+) descriptors +(\d+) pages$", l) for l in lines]
    types = [t for t in types if t]
    ok = m and types and sum(int(t[2]) for t in types) == int(m[1]) and \
        sum(int(t[3]) for t in types) == int(m[2]) and \
        any(t[1] == "ConventionalMemory" for t in types)
    tap(bool(ok), f"{tag}: memory-map summary adds up per type",
        "\n".join([head] + [t[0] for t in types]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", default="build/efi/vtop.efi")
    ap.add_argument("--work", default="build/efi-test")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    # 1. Default CPU (qemu64): banner, consistency, status through isa-debug-exit.
    st, text, secs = boot(args, "qemu64")
    lines = app_lines(text)
    tap(st == 0, "qemu64: app reported success through isa-debug-exit", f"status {st}")
    tap(secs < 30, f"qemu64: boot to power-off under 30 s ({secs:.1f} s)")
    tap("\r\n" in text[text.find("vtop "):] and "\n" not in text[text.find("vtop "):].replace("\r\n", ""),
        "qemu64: app output uses CRLF line ends only")
    check_banner(lines, {"PSE": "1", "PAE": "1", "NX": "1", "PDPE1GB": "0", "LA57": "0"}, "qemu64")
    check_memmap(lines, "qemu64")

    # 2. A bad option: an error line, status 2, and QEMU still ends.
    st, text, _ = boot(args, "badopt", "--args", "-qemu-exit -shutdown -bogus")
    tap(st == 2 and "vtop: error: unknown option '-bogus'" in text,
        "bad option: error line and status 2 (no hang)", f"status {st}")

    # 3. No serial port at all: the app must not hang; status still reported.
    st, _, secs = boot(args, "noserial", "--no-serial", timeout=40)
    tap(st == 0, f"no serial device: app ends with success ({secs:.1f} s)", f"status {st}")

    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

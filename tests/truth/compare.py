#!/usr/bin/env python3
"""Truth tests: vtop against QEMU's own page walker on real Linux guests.

For every captured mode (build/guests/<mode>/, made by
images/guests/capture.sh) and every image format (ELF core, raw, LiME):
  tlb     `vtop IMAGE tlb` == QEMU `info tlb`, byte for byte (modulo CRLF)
  mem     `vtop IMAGE mem` == QEMU `info mem` (on 5-level guests QEMU 7.2
          prints nothing, and vtop reproduces that; see refwalk.py), and
          `vtop IMAGE mem --fixed` == refwalk.py's mem (what QEMU means)
  gva2gpa every sampled `gva2gpa` answer (gpa or Unmapped) == vtop's
          translation of the same address
and once per mode:
  ptov    `vtop IMAGE ptov PA` lists the va of sampled gva2gpa answers
  api     the same tlb/mem/translations through libvtop's API
          (tests/truth/apicheck.c, ASan+UBSan build)
and once per mode:
  oracle  refwalk.py (independent Python walker) == QEMU's tlb/mem text
  images  elfconv's raw and LiME pages == the ELF's (image_checks.py)
  info    `vtop ELF info` CR0/CR3/CR4/mode == QEMU's info registers
  roots   `vtop RAW roots` ranks the true CR3 first
Raw and LiME images carry no CPU state: vtop gets --cr3/--mode from the
captured `info registers`. Prints TAP lines and a summary table per mode and
format; a mismatch prints the first differing lines (diff -u | head).

Usage: compare.py [--vtop PATH] [--apicheck PATH] [--guests DIR] [MODE...]
"""
import argparse
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from image_checks import converters_agree, oracle_checks  # noqa: E402
from truthlib import (Tap, cli_mode, count_mismatches, image_args,  # noqa: E402
                      load_known, run_vtop, show_diff, text_lines)

MODES = ["amd64-4level", "amd64-5level", "i386-32bit", "i386-pae",
         "i386-pae-highmem"]
FORMATS = [("elf", "guest.elf"), ("raw", "guest.raw"), ("lime", "guest.lime")]


def check_api(apicheck, meta, fmt, path, answers):
    """The same sample through libvtop's API directly (tests/truth/apicheck.c)."""
    args = image_args(meta, fmt, path)
    if fmt != "elf":
        args += ["--nxe", "1" if int(meta.get("efer", "0"), 16) & 0x800 else "0"]
    script = "".join(f"0x{va:x}\n" for va, _ in answers).encode()
    rc, out, err, secs = run_vtop(apicheck, args, stdin=script)
    lines = out.splitlines()
    if rc != 0 or len(lines) != len(answers):
        return None, [f"apicheck exit {rc}, {len(lines)} answers: {err.strip()[:300]}"], secs
    bad = []
    for (va, want), line in zip(answers, lines):
        f = line.split()
        got = None if f[1] == "Unmapped" else int(f[1], 16)
        if got != want:
            w = "Unmapped" if want is None else f"gpa: 0x{want:x}"
            bad.append(f"0x{va:x}: QEMU {w}; libvtop {' '.join(f[1:])}")
    return len(bad), bad, secs


# ------------------------------------------------------------- gva2gpa

def parse_qemu_gva2gpa(path):
    """[(va, pa or None)] from 'VA gpa: 0x..' / 'VA Unmapped' lines."""
    out = []
    with open(path) as f:
        for line in f:
            va, ans = line.split(" ", 1)
            m = re.match(r"gpa: 0x([0-9a-f]+)", ans.strip())
            if m:
                out.append((int(va, 16), int(m.group(1), 16)))
            elif ans.strip() == "Unmapped":
                out.append((int(va, 16), None))
            else:
                raise ValueError(f"{path}: unexpected gva2gpa answer {line!r}")
    return out


def parse_vtop_answer(line):
    """(ok, pa) from one `vtop VA` answer of `vtop --json` (the layout of
    cmd/record_json.c): success is hresult 0x0 (S_OK), pa its "pa" field.
    A missing field raises KeyError: an unparsable answer, a mismatch."""
    obj = json.loads(line)
    good = obj["hresult"] == "0x0"
    pa = obj["pa"]
    return good, (int(pa, 16) if good else None)


def check_gva2gpa(vtop, meta, fmt, path, answers):
    """Translate every sampled address in one vtop process (a script on
    stdin, --json: one object per answer); returns (mismatches, lines)."""
    script = "".join(f"vtop 0x{va:x}\n" for va, _ in answers).encode()
    rc, out, err, secs = run_vtop(vtop, ["--json"] + image_args(meta, fmt, path),
                                  stdin=script)
    lines = [l for l in out.splitlines() if l.strip().startswith("{")]
    if len(lines) != len(answers):
        return None, [f"vtop gave {len(lines)} answers for {len(answers)} "
                      f"addresses (exit {rc}): {err.strip()[:300]}"], secs
    bad = []
    for (va, want), line in zip(answers, lines):
        try:
            good, pa = parse_vtop_answer(line)
        except (ValueError, KeyError, TypeError) as e:
            bad.append(f"0x{va:x}: unparsable answer {line[:200]!r} ({e})")
            continue
        got = pa if good else None
        if got != want:
            w = "Unmapped" if want is None else f"gpa: 0x{want:x}"
            bad.append(f"0x{va:x}: QEMU {w}; vtop {line[:300]}")
    return len(bad), bad, secs


# -------------------------------------------------------------- per mode

def roots_first(vtop, meta, raw):
    """Rank of the true root in `vtop RAW roots 1000` (lines `rank root
    mode score evidence`). The true root is CR3 without its flag bits:
    bits 4..0 in PAE (a 32-byte aligned PDPT), 11..0 otherwise. Returns
    (good, explanation, seconds)."""
    rc, out, err, secs = run_vtop(vtop, [raw, "roots", "1000"])
    if rc != 0:
        return False, f"exit {rc}: {err.strip()[:300]}", secs
    cr3 = int(meta["cr3"], 16)
    want = cr3 & ~0x1f if meta["vtop_mode"] == "pae" else cr3 & ~0xfff
    mode = cli_mode(meta)
    first, rank = None, None
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+([0-9a-f]+)\s+(\S+)\s+(-?\d+)", line)
        if not m:
            continue
        first = first or line.strip()
        if int(m.group(2), 16) == want and m.group(3) == mode:
            rank = int(m.group(1))
            break
    if rank == 1:
        return True, first, secs
    # Page-table isolation (Linux PTI: a 686-pae kernel on qemu32, an Intel
    # CPU model, enables it): a vCPU stopped in user mode has CR3 = the user
    # half of an 8 KiB PGD pair, kernel PGD | 0x1000
    # (arch/x86/mm/pti.c). Its kernel twin at rank 1 is the same process.
    m = re.match(r"\s*1\s+([0-9a-f]+)\s+(\S+)", first or "")
    if m and want & 0x1000 and int(m.group(1), 16) == want & ~0x1fff \
            and m.group(2) == mode:
        return True, f"PTI: rank 1 is the kernel PGD of CR3's pair; {first}", secs
    where = f"rank {rank}" if rank else "not listed"
    return False, f"true root 0x{want:x} {mode}: {where}; first: {first}", secs


def text_check(tap, name, want, got, rc, err, secs, ref=None):
    """One byte-for-byte comparison; returns the mismatch count. A
    failing command (an unknown one included) is a failure."""
    bad = count_mismatches(want, got) if rc == 0 else max(len(want), 1)
    tap.ok(rc == 0 and bad == 0, f"{name}: {len(want)} lines, {bad} mismatches, "
                                 f"{secs:.2f} s")
    if rc != 0:
        print(f"#   exit {rc}: {err.strip()[:300]}")
    elif bad:
        show_diff(want, got, "QEMU", "vtop")
        if ref is not None and got == ref:
            print("#   (this output equals refwalk.py's, the QEMU algorithm "
                  "without its 7.2 bugs)")
    return bad


def gva_check(tap, name, answers, result):
    nbad, details, secs = result
    mapped = sum(1 for _, pa in answers if pa is not None)
    tap.ok(nbad == 0, f"{name}: {len(answers)} addresses ({mapped} mapped), "
                      f"{'?' if nbad is None else nbad} mismatches, {secs:.2f} s")
    for line in details[:8]:
        print("#   " + line)
    return len(answers) if nbad is None else nbad


def check_ptov(tap, vtop, meta, fmt, path, answers):
    """Reverse lookup on the real guest: for a sample of QEMU's mapped
    gva2gpa answers (va -> pa), `ptov pa` must list va. Answers for pages
    with more aliases than vtop shows (65,537 ESPFIX aliases of one page on
    amd64) are counted as truncated, not checked. Returns mismatches."""
    pages = {}
    for va, pa in answers:  # one answer per physical page: the 65,537
        if pa is not None:  # ESPFIX aliases would otherwise fill the sample
            pages.setdefault(pa >> 12, (va, pa))
    mapped = sorted(pages.values())
    sample = mapped[::max(1, len(mapped) // 150)]
    script = "".join(f"ptov 0x{pa:x}\n" for _, pa in sample).encode()
    rc, out, err, secs = run_vtop(vtop, image_args(meta, fmt, path), stdin=script)
    name = f"{meta['mode']} {fmt} vtop ptov lists QEMU's va"
    groups, cur = [], []
    for line in out.splitlines():
        m = re.match(r"pa [0-9a-f]+ va ([0-9a-f]+) ", line)
        if m:
            cur.append(int(m.group(1), 16))
        elif "mapping(s)" in line:
            groups.append((cur, "first ones shown" in line))
            cur = []
    if len(groups) != len(sample):
        tap.ok(False, f"{name}: {len(groups)} answers for {len(sample)} "
                      f"addresses (exit {rc}): {err.strip()[:200]}")
        return len(sample)
    bad, truncated, details = 0, 0, []
    for (va, pa), (vas, cut) in zip(sample, groups):
        if va in vas:
            continue
        if cut:
            truncated += 1
            continue
        bad += 1
        details.append(f"0x{va:x} -> 0x{pa:x}: ptov lists {len(vas)} vas, "
                       f"not this one (first: {[hex(v) for v in vas[:3]]})")
    tap.ok(bad == 0, f"{name}: {len(sample)} pages, {bad} mismatches, "
                     f"{truncated} truncated alias lists, {secs:.2f} s")
    for line in details[:8]:
        print("#   " + line)
    return bad


def check_info(tap, vtop, meta, d):
    """`vtop ELF info` gives the CPU state QEMU reported (info registers),
    and the LiME image holds the same runs as the ELF."""
    rc, out, err, secs = run_vtop(vtop, ["--json", os.path.join(d, "guest.elf"), "info"])
    name = f"{meta['mode']} elf vtop info: CR0/CR3/CR4 and mode as QEMU's info registers"
    try:
        info = json.loads(out.splitlines()[0])
        cpu = info["cpus"][0]
        got = (int(cpu["cr0"], 16), int(cpu["cr3"], 16), int(cpu["cr4"], 16), info["mode"])
    except (ValueError, KeyError, IndexError) as e:
        tap.ok(False, f"{name} (exit {rc}, {e}: {out[:200]!r} {err.strip()[:200]})")
        return
    want = (int(meta["cr0"], 16), int(meta["cr3"], 16), int(meta["cr4"], 16), cli_mode(meta))
    tap.ok(got == want, f"{name}: {info['mode']}, CR3 0x{got[1]:x}")
    if got != want:
        print(f"#   vtop {got} QEMU {want}")
    rc2, out2, _, _ = run_vtop(vtop, ["--json", "--cr3", meta["cr3"], "--mode",
                                      cli_mode(meta), os.path.join(d, "guest.lime"), "info"])
    try:
        lime = json.loads(out2.splitlines()[0])
        same = (lime["format"], lime["run_bytes"]) == ("lime", info["run_bytes"])
    except (ValueError, KeyError, IndexError):
        same, lime = False, {}
    tap.ok(same, f"{meta['mode']} lime vtop info: format lime, "
                 f"{lime.get('run_bytes')} bytes of runs == ELF's {info.get('run_bytes')}")


def compare_format(tap, tools, meta, d, fmt, qemu, ref, answers):
    """Every check of one image format; returns (mismatches, seconds)."""
    vtop, apicheck = tools
    path = os.path.join(d, dict(FORMATS)[fmt])
    label = f"{meta['mode']} {fmt}"
    t0, bad = time.time(), 0
    if apicheck:
        nxe = ["--nxe", "1" if int(meta.get("efer", "0"), 16) & 0x800 else "0"]
        for what in ("tlb", "mem"):
            args = image_args(meta, fmt, path) + (nxe if fmt != "elf" else [])
            rc, out, err, secs = run_vtop(apicheck, args + [what])
            bad += text_check(tap, f"{label} libvtop fmt_qemu {what} vs QEMU info {what}",
                              qemu[what], text_lines(out), rc, err, secs, ref[what])
        bad += gva_check(tap, f"{label} libvtop API translate vs gva2gpa", answers,
                         check_api(apicheck, meta, fmt, path, answers))
    for what in ("tlb", "mem"):
        rc, out, err, secs = run_vtop(vtop, image_args(meta, fmt, path) + [what])
        bad += text_check(tap, f"{label} vtop {what} vs QEMU info {what}",
                          qemu[what], text_lines(out), rc, err, secs, ref[what])
    # `mem --fixed` (QEMU's algorithm without the LA57 bug) must equal
    # refwalk.py, which equals QEMU wherever QEMU's mem is sane.
    rc, out, err, secs = run_vtop(vtop, image_args(meta, fmt, path) + ["mem", "--fixed"])
    bad += text_check(tap, f"{label} vtop mem --fixed vs refwalk mem",
                      ref["mem"], text_lines(out), rc, err, secs)
    bad += gva_check(tap, f"{label} vtop translate vs gva2gpa", answers,
                     check_gva2gpa(vtop, meta, fmt, path, answers))
    bad += check_ptov(tap, vtop, meta, fmt, path, answers)
    return bad, time.time() - t0


def compare_mode(tap, tools, guests, mode, table):
    d = os.path.join(guests, mode)
    if not os.path.exists(os.path.join(d, "DONE")):
        why = "no capture"
        if os.path.exists(os.path.join(d, "FAILED")):
            with open(os.path.join(d, "FAILED")) as f:
                why = f.read().strip()
        print(f"# could not capture {mode}: {why}")
        tap.ok(False, f"{mode} capture ({why})")
        table.append((mode, "-", "-", "-", "could not capture"))
        return
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    tap.ok(True, f"{mode} capture ({meta['kernel']}, CR3 {meta['cr3']}, "
                 f"CR4 {meta['cr4']})")
    qemu = {}
    for what in ("tlb", "mem"):
        with open(os.path.join(d, what + ".txt")) as f:
            qemu[what] = text_lines(f.read())
    ref = oracle_checks(tap, mode, meta, d, qemu)
    converters_agree(tap, mode, d, [int(l.split()[1], 16) for l in qemu["tlb"]])
    # QEMU is the oracle, quirks included: on a 5-level guest QEMU 7.2's
    # `info mem` is empty (see refwalk.py) and so must vtop's `mem` be.
    answers = parse_qemu_gva2gpa(os.path.join(d, "gva2gpa.txt"))
    for fmt, _ in FORMATS:
        bad, secs = compare_format(tap, tools, meta, d, fmt, qemu, ref, answers)
        table.append((mode, fmt, str(len(qemu["tlb"])), str(bad), f"{secs:.2f} s"))
    vtop = tools[0]
    check_info(tap, vtop, meta, d)
    good, why, secs = roots_first(vtop, meta, os.path.join(d, "guest.raw"))
    pti = " (PTI kernel twin)" if why.startswith("PTI") else ""
    tap.ok(good, f"{mode} raw roots: true CR3 {meta['cr3']} ranked "
                 f"first{pti} ({secs:.2f} s)")
    if not good:
        print("#   " + why)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--vtop", default=os.path.join(ROOT, "build", "vtop"))
    ap.add_argument("--apicheck", default=None)
    ap.add_argument("--guests", default=os.path.join(ROOT, "build", "guests"))
    ap.add_argument("modes", nargs="*")
    a = ap.parse_args(argv[1:])
    tap = Tap(load_known(os.path.join(HERE, "known-issues.txt")))
    # The CLI under test must exist (and so must apicheck when named): a
    # missing binary fails here and in every check that runs it.
    for what, path in (("vtop CLI", a.vtop), ("libvtop apicheck", a.apicheck)):
        if path is not None:
            tap.ok(os.access(path, os.X_OK), f"{what} {path} is built")
    table = []
    t0 = time.time()
    for mode in a.modes or MODES:
        compare_mode(tap, (a.vtop, a.apicheck), a.guests, mode, table)
    print("#")
    print(f"# {'mode':<14} {'format':<6} {'leaves':>7} {'mismatches':>10}  time"
          f"  (mismatches: tlb + mem + mem --fixed lines, gva2gpa answers, ptov pages; "
          f"vtop CLI and libvtop API)")
    for mode, fmt, leaves, bad, secs in table:
        print(f"# {mode:<14} {fmt:<6} {leaves:>7} {bad:>10}  {secs}")
    print(f"# truth: {tap.n} checks, {tap.failed} failed, "
          f"{tap.known_hits} known discrepancies skipped, "
          f"{time.time() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Truth tests of the Linux dumps (images/guests/dumps.py, cached in
build/dumps/amd64-4level-vmcoreinfo/): each image, written by makedumpfile,
by QEMU's own kdump writer, by a notes-stripping script or by vtop's
generator, opens by content detection with the root it carries, and vtop's
`tlb`, `mem` and translations equal QEMU's `info tlb`, `info mem` and
`gva2gpa` at the same stop.

  images with vCPU notes (QEMU ELF, QEMU kdump-zlib, makedumpfile's, the
  generator's): the full tlb / mem / gva2gpa, and `info` names the root
  source "vCPU notes" and VMCOREINFO's agreement;
  the ELF without notes: `info` names VMCOREINFO as the root source, its
  root is init_top_pgt, whose kernel half of `tlb` equals QEMU's (the vCPU
  ran a process: its user half is its own), and with --cr3 the full tlb /
  mem / gva2gpa;
  -d 31 images: the data frames of the sampled translations that
  makedumpfile left out read as page-excluded, never as not-in-image or
  as data; -d 0 images have none.

Usage: dumps.py [--vtop PATH] [--dumps DIR]
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from compare import check_gva2gpa, gva_check, parse_qemu_gva2gpa, text_check  # noqa: E402
from truthlib import Tap, load_known, run_vtop, text_lines  # noqa: E402

MODE = "amd64-4level-vmcoreinfo"
# file, format_name vtop must detect, root source, excluded pages expected
IMAGES = [
    ("guest.elf", "elf64-qemu", "vCPU notes", False),
    ("qemu-kdump-zlib.flat", "kdump-flattened", "vCPU notes", False),
    ("mdf-c-d0.kdump", "kdump-compressed", "vCPU notes", False),
    ("mdf-l-d0.kdump", "kdump-compressed", "vCPU notes", False),
    ("mdf-c-d31.kdump", "kdump-compressed", "vCPU notes", True),
    ("mdf-l-d31.kdump", "kdump-compressed", "vCPU notes", True),
    ("mdf-F-c.flat", "kdump-flattened", "vCPU notes", False),
    ("mdf-R.kdump", "kdump-compressed", "vCPU notes", False),
    ("mdf-E-d0.elf", "elf64-qemu", "vCPU notes", False),
    ("mdf-E-d31.elf", "elf64-qemu", "vCPU notes", False),
    ("elf-no-cpu-notes.elf", "elf64-kdump", "VMCOREINFO", False),
    ("gen-snappy.kdump", "kdump-compressed", "vCPU notes", False),
    ("gen-zstd.kdump", "kdump-compressed", "vCPU notes", True),
    ("gen-mixed-narrow.flat", "kdump-flattened", "vCPU notes", False),
]
KERNEL_HALF = 0xffff800000000000


def info_of(vtop, path):
    rc, out, err, _ = run_vtop(vtop, ["--json", path, "info"])
    try:
        return json.loads(out.splitlines()[0]) if rc == 0 else {"error": err}
    except (ValueError, IndexError):
        return {"error": out[:200] + err[:200]}


def check_info(tap, label, info, fmt, source):
    vm = info.get("vmcoreinfo") or {}
    good = (info.get("format") == fmt and info.get("root_source") == source and
            bool(vm.get("osrelease")))
    tap.ok(good, f"{label} info: format {info.get('format')}, root from "
                 f"{info.get('root_source')}, kernel {vm.get('osrelease')}, "
                 f"VMCOREINFO vs vCPU notes: {vm.get('cpu_notes', '-')}, "
                 f"warning {info.get('warning')}")
    if not good:
        print(f"#   want format {fmt}, root from {source}: {str(info)[:300]}")


def frame_reads(vtop, path, frames):
    """(page-excluded, page-not-in-image) counts of `readp FRAME 1`."""
    script = "".join(f"readp 0x{pa:x} 1\n" for pa in frames).encode()
    rc, out, err, secs = run_vtop(vtop, [path], stdin=script)
    text = out + err
    return text.count("page-excluded"), text.count("page-not-in-image"), secs


def check_excluded(tap, vtop, d, label, path, answers, expect):
    """readp one byte of each sampled data frame: on -d 31 images some say
    page-excluded, on -d 0 none; frames outside RAM (MMIO the guest maps)
    are not-in-image exactly as in QEMU's ELF."""
    frames = sorted({pa & ~0xFFF for _, pa in answers if pa is not None})
    _, elf_missing, _ = frame_reads(vtop, os.path.join(d, "guest.elf"), frames)
    excluded, missing, secs = frame_reads(vtop, path, frames)
    good = (excluded > 0) == expect and missing == elf_missing
    tap.ok(good, f"{label} excluded frames: {excluded} of {len(frames)} sampled "
                 f"frames page-excluded ({'some' if expect else 'none'} expected), "
                 f"{missing} not-in-image (ELF: {elf_missing}), {secs:.2f} s")


def kernel_half(lines):
    return [l for l in lines if int(l.split(":")[0], 16) >= KERNEL_HALF]


def check_image(tap, vtop, d, meta, qemu, answers, image):
    name, fmt, source, excluded = image
    path = os.path.join(d, name)
    label = f"{MODE} {name}"
    if not os.path.exists(path):
        tap.ok(False, f"{label}: image missing")
        return 1
    bad = 0
    check_info(tap, label, info_of(vtop, path), fmt, source)
    args = [path]
    if source == "VMCOREINFO":
        rc, out, err, secs = run_vtop(vtop, [path, "tlb"])
        bad += text_check(tap, f"{label} VMCOREINFO root: kernel half of tlb vs "
                               f"QEMU info tlb", kernel_half(qemu["tlb"]),
                          kernel_half(text_lines(out)) if rc == 0 else [], rc, err, secs)
        args = ["--cr3", meta["cr3"], "--mode", "4level", path]
    for what in ("tlb", "mem"):
        rc, out, err, secs = run_vtop(vtop, args + [what])
        bad += text_check(tap, f"{label} vtop {what} vs QEMU info {what}",
                          qemu[what], text_lines(out), rc, err, secs)
    fake_meta = {"cr3": meta["cr3"], "vtop_mode": "4level", "cr4": meta["cr4"]}
    fmt_kind = "raw" if source == "VMCOREINFO" else "elf"
    bad += gva_check(tap, f"{label} vtop translate vs gva2gpa", answers,
                     check_gva2gpa(vtop, fake_meta, fmt_kind, path, answers))
    if fmt.startswith("kdump"):
        check_excluded(tap, vtop, d, label, path, answers, excluded)
    return bad


# The x86-64 kernel image mapping (Documentation/x86/x86_64/mm.rst).
KTEXT_LO, KTEXT_HI = 0xffffffff80000000, 0xffffffffc0000000
LIME_MODE = "amd64-4level-lime"


def read_bytes(vtop, args, vas):
    """{va: hex bytes or None} from one `read VA 40` per address."""
    script = "".join(f"read 0x{va:x} 40\n" for va in vas).encode()
    rc, out, err, secs = run_vtop(vtop, args, stdin=script)
    got, cur = {}, None
    for line in out.splitlines():
        f = line.split()
        if len(f) > 2 and all(c in "0123456789abcdef" for c in f[0]):
            va = int(f[0], 16)
            cur = va if va in vas else cur
            if cur is not None:
                got[cur] = got.get(cur, "") + " ".join(f[1:17])
    return got


def check_lime(tap, vtop, dumps):
    """The real LiME module's image, taken while the kernel ran: compare
    what the kernel does not change meanwhile, the read-only leaves of the
    kernel image mapping (its text and rodata) and the direct-map pages of
    those frames: mappings vs QEMU's info tlb at the stop, bytes vs QEMU's
    own ELF dump at the stop."""
    d = os.path.join(dumps, LIME_MODE)
    if not os.path.exists(os.path.join(d, "LIME-DONE")):
        tap.ok(False, f"{LIME_MODE} capture (no build/dumps capture)")
        return 1
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(d, "tlb.txt")) as f:
        tlb = text_lines(f.read())
    lime = ["--cr3", meta["cr3"], "--mode", "4level", os.path.join(d, "guest.lime")]
    elf = [os.path.join(d, "guest.elf")]
    ro = [l for l in tlb if KTEXT_LO <= int(l.split(":")[0], 16) < KTEXT_HI
          and not l.endswith("W")]
    rc, out, err, secs = run_vtop(vtop, lime + ["tlb"])
    got = [l for l in text_lines(out) if KTEXT_LO <= int(l.split(":")[0], 16) < KTEXT_HI
           and not l.endswith("W")]
    bad = text_check(tap, f"{LIME_MODE} lime kernel text/rodata leaves vs QEMU info tlb",
                     ro, got, rc, err, secs)
    # The direct map: the leaf mapping physical 0 in the upper half.
    base = next((int(l.split(":")[0], 16) for l in tlb
                 if int(l.split()[1], 16) == 0 and int(l.split(":")[0], 16) >> 63
                 and int(l.split(":")[0], 16) < KTEXT_LO), None)
    pages = [(int(l.split(":")[0], 16), int(l.split()[1], 16)) for l in ro][:400]
    vas = [va for va, _ in pages] + ([base + pa for _, pa in pages] if base else [])
    a, b = read_bytes(vtop, lime, set(vas)), read_bytes(vtop, elf, set(vas))
    text_bad = sum(1 for va, _ in pages if a.get(va) is None or a.get(va) != b.get(va))
    dm_bad = sum(1 for _, pa in pages if base is None or a.get(base + pa) is None
                 or a.get(base + pa) != b.get(base + pa))
    tap.ok(text_bad == 0 and dm_bad == 0 and pages,
           f"{LIME_MODE} lime bytes vs QEMU's ELF at the stop: {len(pages)} kernel "
           f"text/rodata pages ({text_bad} differ) and their direct-map pages at "
           f"0x{base or 0:x} ({dm_bad} differ)")
    return bad + text_bad + dm_bad


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--vtop", default=os.path.join(ROOT, "build", "vtop"))
    ap.add_argument("--dumps", default=os.path.join(ROOT, "build", "dumps"))
    a = ap.parse_args(argv[1:])
    tap = Tap(load_known(os.path.join(HERE, "known-issues.txt")))
    d = os.path.join(a.dumps, MODE)
    t0 = time.time()
    if not os.path.exists(os.path.join(d, "DUMPS-DONE")):
        tap.ok(False, f"{MODE} capture (no build/dumps capture: see "
                      f"images/guests/dumps.py)")
        return 1
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    qemu = {}
    for what in ("tlb", "mem"):
        with open(os.path.join(d, what + ".txt")) as f:
            qemu[what] = text_lines(f.read())
    answers = parse_qemu_gva2gpa(os.path.join(d, "gva2gpa.txt"))
    total = 0
    rows = []
    for image in IMAGES:
        t1 = time.time()
        bad = check_image(tap, a.vtop, d, meta, qemu, answers, image)
        total += bad
        rows.append((image[0], bad, time.time() - t1))
    t1 = time.time()
    bad = check_lime(tap, a.vtop, a.dumps)
    total += bad
    rows.append(("guest.lime (LiME module)", bad, time.time() - t1))
    print("#")
    print(f"# {'image':<24} {'mismatches':>10}  time  (tlb + mem lines, gva2gpa answers)")
    for name, bad, secs in rows:
        print(f"# {name:<24} {bad:>10}  {secs:.2f} s")
    print(f"# dumps: {tap.n} checks, {tap.failed} failed, {total} mismatches, "
          f"{time.time() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

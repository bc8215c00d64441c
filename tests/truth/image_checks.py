"""Checks of the captured images themselves: elfconv's raw and LiME copies
hold the ELF's bytes, and refwalk.py (the oracle for QEMU's text) agrees
with QEMU on every output where QEMU is sane."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "images", "convert"))
import elfconv  # noqa: E402
import refwalk  # noqa: E402
from truthlib import show_diff  # noqa: E402


def lime_runs(path):
    """[(s_addr, e_addr, data offset)] of a LiME file (LiME src/lime.h)."""
    out = []
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        off = 0
        while off < size:
            f.seek(off)
            magic, ver, s, e, _ = struct.unpack("<IIQQ8s", f.read(32))
            if magic != elfconv.LIME_MAGIC or ver != 1 or e < s:
                raise ValueError(f"bad LiME header at 0x{off:x}")
            out.append((s, e, off + 32))
            off += 32 + e - s + 1
    return out


def converters_agree(tap, mode, d, leaves):
    """elfconv's raw and LiME images hold the ELF's bytes at every sampled
    physical page (the pages QEMU's info tlb names)."""
    elf, raw, lime = (os.path.join(d, f) for f in
                      ("guest.elf", "guest.raw", "guest.lime"))
    with open(elf, "rb") as fe, open(raw, "rb") as fr, open(lime, "rb") as fl:
        loads, _ = elfconv.load_segments(fe)
        lruns = lime_runs(lime)
        pages = sorted({pa & 0xfffffffff000 for pa in leaves})
        pages = pages[::max(1, len(pages) // 300)]
        checked = bad = 0
        for pa in pages:
            seg = [(o + pa - p) for p, o, n in loads if p <= pa < p + n]
            if not seg:
                continue  # MMIO page (e.g. the APIC): not in the dump
            fe.seek(seg[0]); want = fe.read(4096)
            fr.seek(pa); got_raw = fr.read(4096)
            lo = [(o + pa - s) for s, e, o in lruns if s <= pa <= e]
            got_lime = b""
            if lo:
                fl.seek(lo[0]); got_lime = fl.read(4096)
            checked += 1
            bad += (got_raw != want) + (got_lime != want)
    tap.ok(checked > 0 and bad == 0,
           f"{mode} converters: raw and LiME pages == ELF pages "
           f"({checked} pages, {bad} differ, {len(lruns)} LiME ranges)")


def oracle_checks(tap, mode, meta, d, qemu):
    """refwalk.py must reproduce QEMU's text where QEMU is sane."""
    phys = refwalk.Phys(os.path.join(d, "guest.raw"))
    ref = {}
    for what in ("tlb", "mem"):
        fn = refwalk.tlb if what == "tlb" else refwalk.mem
        ref[what] = fn(phys, meta["vtop_mode"], int(meta["cr3"], 16),
                       int(meta["cr4"], 16))
        if what == "mem" and meta["vtop_mode"] == "5level" and not qemu["mem"]:
            tap.ok(True, f"{mode} oracle: refwalk mem vs QEMU info mem",
                   skip="QEMU 7.2 info mem prints nothing under LA57 "
                        "(mem_info_la57 tests present bits inverted); "
                        "refwalk is the 5-level mem oracle")
            continue
        same = ref[what] == qemu[what]
        tap.ok(same, f"{mode} oracle: refwalk {what} vs QEMU info {what} "
                     f"({len(qemu[what])} lines)")
        if not same:
            show_diff(qemu[what], ref[what], "qemu", "refwalk")
    return ref

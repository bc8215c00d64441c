#!/usr/bin/env python3
"""Truth tests of AArch64 translation on a real arm64 Debian guest
(images/guests/arm64.py, cached in build/guests-arm64/<mode>/).

  the capture: an EM_AARCH64 core whose NT_PRSTATUS PC/PSTATE equal what
    QEMU's gdbstub showed at the same stop;
  the root: SYMBOL(swapper_pg_dir) - NUMBER(kimage_voffset) from the
    guest's VMCOREINFO equals TTBR1_EL1's BADDR read from QEMU, and
    NUMBER(TCR_EL1_T1SZ), NUMBER(VA_BITS), PAGESIZE agree with TCR_EL1;
  the reference: an independent walker (refwalk_a64.py) with QEMU's
    registers answers every recorded gva2gpa (the first and last byte of
    every leaf, random addresses) as QEMU did: 0 mismatches;
  vtop (arm64_vtop.py): the ELF alone (VMCOREINFO's root: the kernel
    half of every answer, its `tlb` leaves, `pte` chains, `info`), then
    with QEMU's registers (--ttbr0/--ttbr1/--tcr/--mair, gated on
    `vtop --help` offering them): every answer, `tlb` (each leaf's VA, PA,
    size, level, AP, UXN, PXN, AF, nG, AttrIndx) equal to the walker's,
    `mem`, `ptov`, `audit`, `pte`, and the raw and LiME conversions.

Usage: arm64.py [--vtop PATH] [--dir DIR] [MODE...]
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import refwalk_a64  # noqa: E402
from arm64_vtop import check_vtop  # noqa: E402
from compare import parse_qemu_gva2gpa  # noqa: E402
from truthlib import Tap, load_known  # noqa: E402

MODES = ["arm64-4k-48", "arm64-16k-52", "arm64-4k-52"]
# Modes captured with QEMU's kdump-zlib too (images/guests/arm64.py: 4K only).
KDUMP_MODES = {"arm64-4k-48"}
KERNEL_HALF = 1 << 55


class Capture:
    """One capture directory: QEMU's registers and answers, the core."""

    def __init__(self, d):
        self.dir = d
        self.elf = os.path.join(d, "guest.elf")
        with open(os.path.join(d, "registers.json")) as f:
            self.regs = {k: int(v, 16) for k, v in json.load(f).items()}
        self.answers = parse_qemu_gva2gpa(os.path.join(d, "gva2gpa.txt"))
        self.core = refwalk_a64.Core(self.elf)
        self.rg = refwalk_a64.Regime(self.regs["TTBR0_EL1"], self.regs["TTBR1_EL1"],
                                     self.regs["TCR_EL1"])
        self.leaves = refwalk_a64.leaves(self.core, self.rg)


def check_capture(tap, mode, cap):
    pr = cap.core.prstatus()
    pc, pstate = (pr[32], pr[33]) if pr else (None, None)
    good = (cap.core.machine == refwalk_a64.EM_AARCH64 and pc == cap.regs["pc"]
            and pstate == cap.regs["cpsr"])
    tap.ok(good, f"{mode} core: e_machine {cap.core.machine}, NT_PRSTATUS pc "
                 f"{pc and hex(pc)} pstate {pstate and hex(pstate)} = gdbstub's "
                 f"{cap.regs['pc']:#x} {cap.regs['cpsr']:#x}")


def check_root(tap, mode, cap):
    vm = cap.core.vmcoreinfo()
    tcr = cap.regs["TCR_EL1"]
    try:
        swapper = int(vm["SYMBOL(swapper_pg_dir)"], 16)
        voff = int(vm["NUMBER(kimage_voffset)"], 0)
        t1sz = int(vm["NUMBER(TCR_EL1_T1SZ)"], 0)
        va_bits = int(vm["NUMBER(VA_BITS)"], 0)
        page = int(vm["PAGESIZE"], 0)
    except (KeyError, ValueError) as e:
        tap.ok(False, f"{mode} VMCOREINFO root fields: {e!r} missing or bad")
        return
    root = (swapper - voff) % (1 << 64)
    baddr = cap.rg.half[1]["root"]  # BADDR, with [51:48] when 52-bit
    tap.ok(root == baddr, f"{mode} root: swapper_pg_dir {swapper:#x} - "
                          f"kimage_voffset {voff:#x} = {root:#x}, QEMU TTBR1_EL1 "
                          f"{cap.regs['TTBR1_EL1']:#x} (BADDR {baddr:#x})")
    want_t1sz, tg1 = (tcr >> 16) & 0x3f, (tcr >> 30) & 3
    good = t1sz == want_t1sz and va_bits == 64 - want_t1sz and \
        page == {1: 16384, 2: 4096, 3: 65536}.get(tg1)
    tap.ok(good, f"{mode} TCR: VMCOREINFO T1SZ {t1sz}, VA_BITS {va_bits}, PAGESIZE "
                 f"{page}; QEMU TCR_EL1 {tcr:#x}: T1SZ {want_t1sz}, TG1 {tg1}")


def check_reference(tap, mode, cap):
    bad = []
    for va, want in cap.answers:
        pa, _ = refwalk_a64.translate(cap.core, cap.rg, va)
        if pa != want:
            bad.append(f"{va:#x}: QEMU {want and hex(want)}, walker {pa and hex(pa)}")
    asked = {va for va, _ in cap.answers}
    missing = [lf["va"] for lf in cap.leaves
               if lf["va"] not in asked or lf["va"] + lf["size"] - 1 not in asked]
    halves = {lf["va"] >= KERNEL_HALF for lf in cap.leaves}
    mapped = sum(1 for _, pa in cap.answers if pa is not None)
    good = not bad and not missing and halves == {False, True} and \
        len(cap.answers) >= 2 * len(cap.leaves) + 4000
    tap.ok(good, f"{mode} reference walker vs gva2gpa: {len(cap.answers)} answers "
                 f"({mapped} mapped), {len(cap.leaves)} leaves in "
                 f"{len(halves)} halves, {len(bad)} mismatches, "
                 f"{len(missing)} leaves not asked")
    for line in (bad + [f"leaf {va:#x} not asked" for va in missing])[:10]:
        print("#   " + line)
    return len(bad)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--vtop", default=os.path.join(ROOT, "build", "vtop"))
    ap.add_argument("--dir", default=os.path.join(ROOT, "build", "guests-arm64"))
    ap.add_argument("modes", nargs="*")
    a = ap.parse_args(argv[1:])
    tap = Tap(load_known(os.path.join(HERE, "known-issues.txt")))
    t0 = time.time()
    for mode in a.modes or MODES:
        d = os.path.join(a.dir, mode)
        if not os.path.exists(os.path.join(d, "DONE")):
            why = "not captured"
            if os.path.exists(os.path.join(d, "FAILED")):
                with open(os.path.join(d, "FAILED")) as f:
                    why = f.read().strip()
            tap.ok(False, f"{mode} capture: {why}")
            continue
        cap = Capture(d)
        check_capture(tap, mode, cap)
        check_root(tap, mode, cap)
        check_reference(tap, mode, cap)
        check_vtop(tap, a.vtop, mode, cap, kdump=mode in KDUMP_MODES)
    print(f"# arm64 truth: {tap.n} checks, {tap.failed} failed, "
          f"{time.time() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The vtop half of the arm64 truth tests (tests/truth/arm64.py): the CLI
on the real guest's ELF core against QEMU's gva2gpa answers and the
independent walker (refwalk_a64.py).

The ELF alone (root and TCR from VMCOREINFO) needs no option: its kernel
half is always checked. The checks with QEMU's registers (both halves,
enumeration) are gated on the CLI itself: while `vtop --help` does not
offer --ttbr1 and --tcr, one TAP SKIP says so; once it does, every check
runs and fails on any difference."""
import json
import os
import re
import subprocess

import refwalk_a64
from compare import parse_vtop_answer
from truthlib import run_vtop

def cli_takes_registers(vtop):
    """The CLI says it takes the AArch64 registers (`--ttbr1` in --help)."""
    try:
        r = subprocess.run([vtop, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    text = r.stdout.decode(errors="replace")
    return "--ttbr1" in text and "--tcr" in text


def reg_args(cap):
    r = cap.regs
    return ["--arch", "aarch64", "--ttbr0", f"{r['TTBR0_EL1']:#x}",
            "--ttbr1", f"{r['TTBR1_EL1']:#x}", "--tcr", f"{r['TCR_EL1']:#x}",
            "--mair", f"{r['MAIR_EL1']:#x}"]


def translations(tap, vtop, name, args, answers):
    """One vtop process answers every address (a script, --json)."""
    script = "".join(f"vtop 0x{va:x}\n" for va, _ in answers).encode()
    rc, out, err, secs = run_vtop(vtop, ["--json"] + args, stdin=script)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    bad = []
    if len(lines) != len(answers):
        bad.append(f"{len(lines)} answers for {len(answers)} addresses "
                   f"(exit {rc}): {err.strip()[:300]}")
    for (va, want), line in zip(answers, lines):
        try:
            good, pa = parse_vtop_answer(line)
        except (ValueError, KeyError, TypeError) as e:
            bad.append(f"{va:#x}: unparsable {line[:200]!r} ({e})")
            continue
        if (pa if good else None) != want:
            bad.append(f"{va:#x}: QEMU {want and hex(want)}; vtop {line[:300]}")
    tap.ok(not bad, f"{name}: {len(answers)} addresses vs gva2gpa, "
                    f"{len(bad)} mismatches, {secs:.1f} s")
    for line in bad[:8]:
        print("#   " + line)


def check_info(tap, vtop, mode, cap, image=None, fmt="elf64-aarch64"):
    rc, out, err, _ = run_vtop(vtop, ["--json", image or cap.elf, "info"])
    baddr = cap.rg.half[1]["root"]
    try:
        info = json.loads(out.splitlines()[0])
    except (ValueError, IndexError):
        info = {}
    text = json.dumps(info).lower()
    good = rc == 0 and "aarch64" in text and info.get("root_source") == "VMCOREINFO" \
        and f"{baddr:x}" in text and info.get("format") == fmt
    tap.ok(good, f"{mode} vtop info: format {info.get('format')}, aarch64, root "
                 f"from {info.get('root_source')}, TTBR1 BADDR {baddr:#x} named")
    if not good:
        print(f"#   exit {rc}: {(out + err)[:400]}")


# One `tlb` line (cmd/fmt_a64.c): VA: PA SIZE Ln RIGHTS AP=xx UXN|--- PXN|---
# AF|-- nG|-- SH=.. C|- DBM|--- attrN TYPE.
TLB_LINE = re.compile(r"([0-9a-f]{16}): ([0-9a-f]{16}) +(\d+[KMGT]) +L(-?\d) +\S+ +"
                      r"AP=([01]{2}) (UXN|---) (PXN|---) (AF|--) (nG|--) \S+ \S+ \S+ "
                      r"attr(\d)")
SIZES = {"K": 10, "M": 20, "G": 30, "T": 40}


def tlb_entries(out):
    """(va, pa, size, level, AP, UXN, PXN, AF, nG, AttrIndx) per tlb line."""
    got = []
    for line in out.splitlines():
        m = TLB_LINE.match(line.strip())
        if m:
            g = m.groups()
            size = int(g[2][:-1]) << SIZES[g[2][-1]]
            got.append((int(g[0], 16), int(g[1], 16), size, int(g[3]),
                        int(g[4], 2), g[5] == "UXN", g[6] == "PXN", g[7] == "AF",
                        g[8] == "nG", int(g[9])))
    return got


def walker_entry(lf):
    """The same fields from the reference walker's descriptor (Arm ARM
    D8.3: AP[2:1] bits 7:6, UXN 54, PXN 53, AF 10, nG 11, AttrIndx 4:2)."""
    d = lf["desc"]
    return (lf["va"], lf["pa"], lf["size"], lf["level"], (d >> 6) & 3,
            bool(d >> 54 & 1), bool(d >> 53 & 1), bool(d >> 10 & 1),
            bool(d >> 11 & 1), (d >> 2) & 7)


def check_tlb(tap, vtop, name, args, leaves):
    want = [walker_entry(lf) for lf in leaves]
    rc, out, err, secs = run_vtop(vtop, args + ["tlb"])
    got = tlb_entries(out)
    diff = sorted(set(want) ^ set(got))
    tap.ok(rc == 0 and got == want and len(got) == len(out.splitlines()),
           f"{name} tlb: {len(got)} leaves (VA, PA, size, level, AP, UXN, PXN, "
           f"AF, nG, AttrIndx), walker {len(want)}, {len(diff)} differ, {secs:.1f} s")
    for e in diff[:6]:
        print(f"#   {'walker' if e in set(want) else 'vtop'}: {e[0]:016x} {e[1:]}")
    if rc != 0:
        print(f"#   exit {rc}: {err.strip()[:300]}")


def check_mem(tap, vtop, mode, cap):
    rc, out, err, secs = run_vtop(vtop, reg_args(cap) + [cap.elf, "mem"])
    covered = []
    for line in out.lower().splitlines():
        m = re.match(r"\s*(?:0x)?([0-9a-f]+)-(?:0x)?([0-9a-f]+)", line)
        if m:
            covered.append((int(m.group(1), 16), int(m.group(2), 16)))
    tap.ok(rc == 0 and merge(covered) == merge(
        [(lf["va"], lf["va"] + lf["size"]) for lf in cap.leaves]),
        f"{mode} vtop mem: {len(covered)} ranges cover exactly the walker's leaves")


def merge(ranges):
    out = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def check_ptov_audit(tap, vtop, mode, cap):
    user = [lf for lf in cap.leaves if lf["va"] < (1 << 55)]
    for lf in (user[0], cap.leaves[len(cap.leaves) // 2]):
        rc, out, err, _ = run_vtop(vtop, reg_args(cap) + [cap.elf, "ptov", f"{lf['pa']:#x}"])
        tap.ok(rc == 0 and f"{lf['va']:x}" in out.lower().replace("`", ""),
               f"{mode} vtop ptov {lf['pa']:#x} names {lf['va']:#x}")
    rc, out, err, _ = run_vtop(vtop, reg_args(cap) + [cap.elf, "audit"])
    tap.ok(rc in (0, 1) and out.strip() and "usage" not in (out + err).lower(),
           f"{mode} vtop audit runs (exit {rc}, {len(out.splitlines())} lines)")


def kernel_half(cap, pairs):
    """The (va, ...) pairs inside TTBR1's range (VA >= 2^64 - 2^va_bits):
    what the ELF alone describes, its TCR being VMCOREINFO's."""
    low = (1 << 64) - (1 << cap.rg.half[1]["bits"])
    return [p for p in pairs if p[0] >= low]


def check_kernel_half(tap, vtop, mode, cap):
    """The ELF alone: root and TCR from VMCOREINFO, no CLI option."""
    check_info(tap, vtop, mode, cap)
    translations(tap, vtop, f"{mode} vtop, root from VMCOREINFO (kernel half)",
                 [cap.elf], kernel_half(cap, cap.answers))
    leaves = [lf for lf in cap.leaves if kernel_half(cap, [(lf["va"],)])]
    check_tlb(tap, vtop, f"{mode} vtop, root from VMCOREINFO (kernel half)",
              [cap.elf], leaves)
    for lf in (leaves[0], leaves[len(leaves) // 2], next(
            (x for x in leaves if x["level"] < 3), leaves[-1])):
        check_pte(tap, vtop, mode, cap, [cap.elf], lf)


def check_pte(tap, vtop, mode, cap, args, lf):
    _, _, chain = refwalk_a64.translate_chain(cap.core, cap.rg, lf["va"])
    rc, out, err, _ = run_vtop(vtop, args + ["pte", f"{lf['va']:#x}"])
    text = out.lower().replace("`", "")
    seen = [d for _, _, d in chain if f"{d:x}" in text]
    tap.ok(rc == 0 and len(seen) == len(chain) and f"{lf['pa']:x}" in text,
           f"{mode} vtop pte {lf['va']:#x}: {len(seen)}/{len(chain)} descriptors "
           f"of the walk and the PA {lf['pa']:#x} shown")
    if rc != 0 or len(seen) != len(chain):
        print(f"#   exit {rc}: {(out + err)[:300]}")


def check_kdump(tap, vtop, mode, cap, registers):
    """QEMU's kdump-zlib (flattened) of the same stop."""
    path = os.path.join(cap.dir, "qemu-kdump-zlib.flat")
    if not os.path.exists(path):
        tap.ok(False, f"{mode} QEMU kdump-zlib image {path} captured")
        return
    check_info(tap, vtop, f"{mode} kdump", cap, path, "kdump-flattened")
    translations(tap, vtop, f"{mode} vtop kdump, root from VMCOREINFO (kernel half)",
                 [path], kernel_half(cap, cap.answers))
    if registers:
        translations(tap, vtop, f"{mode} vtop kdump with QEMU's registers",
                     reg_args(cap) + [path], cap.answers)
        check_tlb(tap, vtop, f"{mode} vtop kdump", reg_args(cap) + [path], cap.leaves)


def check_vtop(tap, vtop, mode, cap, kdump=False):
    check_kernel_half(tap, vtop, mode, cap)
    registers = cli_takes_registers(vtop)
    if kdump:
        check_kdump(tap, vtop, mode, cap, registers)
    if not registers:
        tap.ok(True, f"{mode} vtop with QEMU's registers (both halves): "
                     f"translations, tlb, mem, pte, ptov, audit",
               skip="`vtop --help` offers no --ttbr0/--ttbr1/--tcr yet")
        return
    translations(tap, vtop, f"{mode} vtop with QEMU's registers",
                 reg_args(cap) + [cap.elf], cap.answers)
    check_tlb(tap, vtop, f"{mode} vtop", reg_args(cap) + [cap.elf], cap.leaves)
    check_mem(tap, vtop, mode, cap)
    check_ptov_audit(tap, vtop, mode, cap)
    user = [lf for lf in cap.leaves if lf["va"] < (1 << 55)]
    check_pte(tap, vtop, mode, cap, reg_args(cap) + [cap.elf], user[0])
    for fmt in ("raw", "lime"):
        path = os.path.join(cap.dir, "guest." + fmt)
        translations(tap, vtop, f"{mode} vtop {fmt} image with QEMU's registers",
                     reg_args(cap) + [path], cap.answers)
        check_tlb(tap, vtop, f"{mode} vtop {fmt} image", reg_args(cap) + [path],
                  cap.leaves)

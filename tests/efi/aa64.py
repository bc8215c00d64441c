#!/usr/bin/env python3
"""End-to-end tests of the AArch64 vtop.efi under AAVMF (qemu-system-aarch64
-M virt, TCG), TAP output.

Boots: EL1 on -cpu max run twice from one startup.nsh with every synthetic
image and a script (the script's answers must equal the host CLI's byte for
byte); then four boots at the prompt with QEMU's monitor, EL1 and EL2
(-M virt,virtualization=on) on cortex-a57 and max. Each is checked for the
banner (its registers decoded here, independently of the app), the
firmware report with the AArch64 audit line, the own map, its self-check,
the TTBR0 switch and restore (table hash equal at start and exit), the live
probes, and QEMU's `gva2gpa` against the app's `vtop` on the first and last
byte of every range `memtypes` lists, under the app's tables and under the
firmware's; on `max` (at EL1 and at EL2) also QEMU's `gva2gpa` against the
app's `tlb` on the first and last byte of every leaf of both.

  aa64.py --app build/efi-aa64/vtop.efi --work DIR --host build/vtop --images build/images
"""
import re
import time

import e2e
from e2e import app_lines, boot, check_memmap, check_script, check_twice, field, \
    finish_boot, make_script, monitor, prompt_boot, read_log, status_text, tap, type_line, \
    wait_for

# TCG aarch64 is slow on a loaded machine: one guard for every boot.
HANG = e2e.HANG_LIMIT
MIDR_PART = {"cortex-a57": 0xd07, "max": 0x051}


def regval(lines, name):
    v = field(lines, name) or ""
    m = re.match(r"0x([0-9a-f]+)", v)
    return int(m[1], 16) if m else None


def expected_paging(tcr, el2_layout):
    """TTBR0's geometry from TCR (Arm ARM D19.2 TCR_EL1/TCR_EL2): T0SZ [5:0],
    TG0 [15:14] (0 4K, 1 64K, 2 16K); levels of (page shift - 3) bits."""
    t0sz = tcr & 0x3f
    shift = {0: 12, 1: 16, 2: 14}[tcr >> 14 & 3]
    va = 64 - t0sz
    levels = -(-(va - shift) // (shift - 3))
    return f"TTBR0 granule {(1 << shift) // 1024}K T0SZ={t0sz} VA {va} bits, {levels} levels " \
           f"from level {4 - levels}"


def check_banner(lines, tag, el, cpu):
    e = f"EL{el}"
    need = ["firmware", "console", "cpu", "exception level", f"SCTLR_{e}", f"TCR_{e}",
            f"TTBR0_{e}", f"TTBR1_{e}", f"MAIR_{e}", "ID_AA64MMFR0_EL1", "ID_AA64MMFR1_EL1",
            "ID_AA64MMFR2_EL1", "paging", "memory map"]
    missing = [k for k in need if field(lines, k) is None]
    tap(not missing and field(lines, "architecture") == "AArch64",
        f"{tag}: banner has every AArch64 field", f"missing: {missing}")
    lev = field(lines, "exception level") or ""
    want = f"EL{el} (regime EL1&0)" if el == 1 else "EL2 (regime EL2) HCR_EL2="
    tap(lev.startswith(want) and (el == 1 or lev.endswith("E2H=0")),
        f"{tag}: runs at {e}" + (" without E2H (one VA range)" if el == 2 else ""), lev)
    midr = re.search(r"MIDR_EL1=0x([0-9a-f]+)", field(lines, "cpu") or "")
    tap(bool(midr) and (int(midr[1], 16) >> 4 & 0xfff) == MIDR_PART[cpu],
        f"{tag}: MIDR_EL1 part number is QEMU's {cpu}", field(lines, "cpu"))
    sctlr, tcr = regval(lines, f"SCTLR_{e}"), regval(lines, f"TCR_{e}")
    bits = field(lines, f"SCTLR_{e}") or ""
    ok = sctlr is not None and all(f"{n}={sctlr >> b & 1}" in bits
                                   for n, b in (("M", 0), ("C", 2), ("I", 12), ("WXN", 19)))
    tap(ok and sctlr & 1, f"{tag}: SCTLR M/C/I/WXN decoded, MMU on", bits)
    paging = field(lines, "paging") or ""
    tap(tcr is not None and expected_paging(tcr, el == 2) in paging,
        f"{tag}: paging line agrees with TCR_{e}", f"TCR 0x{tcr or 0:x}: {paging}")
    mm0 = regval(lines, "ID_AA64MMFR0_EL1")
    f0 = field(lines, "ID_AA64MMFR0_EL1") or ""
    pa = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}.get((mm0 or 0) & 0xf)
    tap(mm0 is not None and f"({pa} bits)" in f0 and
        f"TGran4={'yes' if (mm0 >> 28 & 0xf) in (0, 1) else 'no'}" in f0,
        f"{tag}: ID_AA64MMFR0 PARange and TGran4 decoded", f0)
    check_memmap(lines, tag)


def at(lines, prefix):
    return next((i for i, l in enumerate(lines) if l.startswith(prefix)), -1)


def check_report(lines, tag, el):
    order = [at(lines, p) for p in ("vtop ", "firmware tables at start:",
                                    "firmware paging: aarch64 TTBR0=", "firmware audit:",
                                    "audit: ", "firmware protections:", "aarch64 audit: ",
                                    "own map: ", "self-check: pass", "own map: loaded",
                                    "live check: ", "probes: ", "own map: firmware",
                                    "firmware tables at exit:")]
    tap(-1 not in order and order == sorted(order),
        f"{tag}: banner, firmware paging, audit, protections, AArch64 audit, own map, "
        f"self-check, switch, probes, restore in order", str(order))
    fw = field(lines, "firmware paging") or ""
    m = re.search(r"(\d+) leaves .*? (\d+) identity.*\(ok\)$", fw)
    tap(bool(m) and int(m[1]) > 1000 and m[1] == m[2],
        f"{tag}: firmware tables walked live, every leaf identity-mapped (AAVMF)", fw)
    au = field(lines, "audit") or ""
    tap(re.match(r"\d+ finding\(s\) over \d+ leaves", au) is not None and " wx " in au,
        f"{tag}: core audit of the firmware's tables (W+X found)", au)
    a64 = field(lines, "aarch64 audit") or ""
    m = re.match(rf"SCTLR_EL{el}\.WXN=(\d) .*W\+X at EL{el} (\d+) leaves .*executable Device "
                 r"(\d+) leaves .*MMIO mapped Normal (\d+) leaves .*\(ok\)$", a64)
    # AAVMF maps its second flash bank (0x4000000, MemoryMappedIO in the
    # memory map) as Normal Non-cacheable memory, executable.
    mmio = [l for l in lines if re.match(r"mmio-normal +0000000004000000-", l)]
    types = [l for l in lines if re.match(r"0000000004000000-0000000008000000 .*MemoryMappedIO$", l)]
    tap(bool(m) and m[1] == "0" and int(m[2]) > 0 and int(m[4]) > 0 and mmio and types,
        f"{tag}: AArch64 audit: WXN off, W+X at EL{el}, the flash bank the memory map calls "
        f"MMIO mapped as Normal memory", "\n".join([a64] + mmio + types))
    hs = re.findall(r"hash (0x[0-9a-f]+)", " ".join(l for l in lines if l.startswith("firmware tables at")))
    tap(len(hs) == 2 and hs[0] == hs[1], f"{tag}: firmware tables unchanged (hash at start = at exit)",
        str(hs))


def check_own(lines, tag, el):
    om = [l for l in lines if l.startswith("own map: ") and "-level 4K granule" in l]
    leaves = dict(re.findall(r"(1G|2M|4K)=(\d+)", om[0])) if om else {}
    tap(bool(om) and int(leaves.get("1G", 0)) > 0 and int(leaves.get("2M", 0)) > 0,
        f"{tag}: own map built with 1G and 2M blocks", om[0] if om else "no own-map line")
    sc = [l for l in lines if l.startswith("self-check: ")]
    ok = len(sc) == 1 and sc[0].startswith("self-check: pass:") and sc[0].endswith(" 0 mismatches") \
        and int(re.search(r"(\d+) addresses", sc[0])[1]) > 500 \
        and int(re.search(r"(\d+) firmware identity", sc[0])[1]) > 1000
    tap(bool(ok), f"{tag}: self-check with the core passes before the switch", "\n".join(sc))
    fw_ttbr = regval(lines, f"TTBR0_EL{el}")
    loaded = [l for l in lines if l.startswith(f"own map: loaded TTBR0_EL{el}=")]
    restored = [l for l in lines if l.startswith(f"own map: firmware TTBR0_EL{el}=")]
    ok = len(loaded) == 1 and len(restored) == 1 and fw_ttbr is not None and \
        restored[0] == f"own map: firmware TTBR0_EL{el}=0x{fw_ttbr:x} restored" and \
        f"=0x{fw_ttbr:x} " not in loaded[0]
    tap(ok, f"{tag}: TTBR0_EL{el} switched to the app's tables and the firmware's restored",
        "\n".join(loaded + restored))
    live = [l for l in lines if l.startswith("live check: ")]
    m = re.match(r"live check: code (0x\w+) -> (0x\w+) X, stack (0x\w+) -> (0x\w+) W NX: pass$",
                 live[0]) if live else None
    tap(bool(m) and m[1] == m[2] and m[3] == m[4],
        f"{tag}: app code and stack translate to themselves under the new TTBR0", "\n".join(live))
    pr = [l for l in lines if l.startswith("probe ")]
    want = {"4K", "read-only executable 4K", "2M block", "read-only 1G block"}
    done = {re.match(r"probe (.*?): va", l)[1] for l in pr if l.endswith(": pass")}
    tap(done == want and (field(lines, "probes") or "").startswith("4 run, 4 passed"),
        f"{tag}: 4 probes at non-identity VAs read through the MMU equal the bytes at "
        f"vtop_translate's PA (4K, RO+X 4K, 2M, 1G)", "\n".join(pr + [field(lines, "probes") or ""]))


def ranges_at_prompt(log, fifo, deadline, start):
    """`memtypes` of the open target: (first, last) byte of every range."""
    type_line(fifo, "memtypes 0 ffffffffffff")
    text, m = wait_for(log, r"vtop> memtypes 0 ffffffffffff\r\n(.*?)vtop> ", deadline, start)
    if not m:
        return None, start
    rs = re.findall(r"^([0-9a-f]{16})-([0-9a-f]{16}) ", m[1], re.M)
    return [(int(a, 16), int(b, 16) - 1) for a, b in rs], m.end() - 6


def agree(sock, log, fifo, deadline, start, ranges):
    """The app's `vtop` of each range's first and last byte against QEMU's
    gva2gpa (same CPU state: the app waits at its prompt)."""
    vas = [v for r in ranges for v in r]
    got, bad = {}, []
    for i in range(0, len(vas), 8):   # well inside the 32 words a line takes
        chunk = vas[i:i + 8]
        type_line(fifo, "vtop " + " ".join(f"{v:x}" for v in chunk))
        text, m = wait_for(log, r"vtop> vtop [^\r]*\r\n(.*?)vtop> ", deadline, start)
        if not m:
            return None, ["no answer to vtop"], start
        start = m.end() - 6
        for l in m[1].split("\r\n"):
            a = re.match(r"va ([0-9a-f]{16}) pa ([0-9a-f]{16}) .*status 0x00000000 ok$", l)
            f = re.match(r"va ([0-9a-f]{16}) .*status 0x(?!00000000)", l)
            if a:
                got[int(a[1], 16)] = int(a[2], 16)
            elif f:
                got[int(f[1], 16)] = None
    for v in vas:
        q = monitor(sock, f"gva2gpa 0x{v:x}", deadline)
        qm = re.match(r"gpa: 0x([0-9a-f]+)", q[0]) if q else None
        want = int(qm[1], 16) if qm else None
        if v not in got or got[v] != want:
            bad.append(f"0x{v:x}: app {got.get(v, 'no line')} qemu {q[:1]}")
    return len(vas), bad, start


def leaves_at_prompt(log, fifo, deadline, start):
    """`tlb` of the open target: (va, pa, size) of every leaf the app's walk
    enumerates."""
    type_line(fifo, "tlb")
    text, m = wait_for(log, r"vtop> tlb\r\n(.*?)vtop> ", deadline, start)
    if not m:
        return None, start
    ls = re.findall(r"^([0-9a-f]{16}): ([0-9a-f]{16}) +([0-9]+)([KMG]) L", m[1], re.M)
    unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return [(int(v, 16), int(p, 16), int(n) * unit[u]) for v, p, n, u in ls], m.end() - 6


def leaves_agree(sock, leaves, deadline):
    """QEMU's gva2gpa at the first and last byte of every leaf against the
    PA the app's `tlb` gives it (one monitor connection for all)."""
    want = {}
    for va, pa, size in leaves:
        want[va], want[va + size - 1] = pa, pa + size - 1
    vas = sorted(want)
    outs = e2e.monitor_many(sock, [f"gva2gpa 0x{v:x}" for v in vas], deadline)
    bad = []
    for v, q in zip(vas, outs):
        qm = re.match(r"gpa: 0x([0-9a-f]+)", q[0]) if q else None
        if not qm or int(qm[1], 16) != want[v]:
            bad.append(f"0x{v:x}: app 0x{want[v]:x} qemu {q[:1] if q else 'no answer'}")
    return len(vas), bad


def check_at_prompt(args, firmware, cpu, el):
    """Boot to the app's prompt: the whole report, then QEMU's monitor
    against the live tables (own, then firmware), then quit."""
    tag = f"{'EL1' if el == 1 else 'EL2'}/{cpu}"
    name = f"prompt-{firmware}-{cpu}"
    t0 = time.monotonic()
    deadline = t0 + HANG - 5
    p, sock, log, fifo = prompt_boot(args, name, ["--firmware", firmware, "--cpu", cpu],
                                     "-qemu-exit -shutdown -prompt", HANG)
    results = {}
    try:
        text, m = wait_for(log, r"probes: .*?vtop> ", deadline)
        pos = m.end() - 6 if m else 0
        for which, cmds in (("own", ["open live-own"]), ("firmware", ["ttbr0 firmware", "open live"])):
            for c in cmds:
                type_line(fifo, c)
                _, m = wait_for(log, rf"vtop> {re.escape(c)}\r\n.*?vtop> ", deadline, pos)
                pos = m.end() - 6 if m else pos
            ranges, pos = ranges_at_prompt(log, fifo, deadline, pos)
            results[which] = agree(sock, log, fifo, deadline, pos, ranges) if ranges else None
            if results[which]:
                pos = results[which][2]
            if cpu == "max":   # every leaf: once per exception level
                leaves, pos = leaves_at_prompt(log, fifo, deadline, pos)
                results["leaves-" + which] = (leaves_agree(sock, leaves, deadline)
                                              if leaves else None)
        type_line(fifo, "quit")
    finally:
        secs = finish_boot(p, deadline, t0, name)
    text = read_log(log)
    lines = app_lines(text)
    tap(p.returncode == 0, f"{tag}: app at the prompt ended with success ({secs:.1f} s)",
        status_text(p.returncode))
    check_banner(lines, tag, el, cpu)
    check_report(lines, tag, el)
    check_own(lines, tag, el)
    for which in ("own", "firmware"):
        r = results.get(which)
        n, bad = (r[0], r[1]) if r else (0, ["not captured"])
        tap(r is not None and n and n > 20 and not bad,
            f"{tag}: QEMU gva2gpa equals the app's vtop on the first and last byte of every "
            f"range of the {which} tables ({n} addresses)", "\n".join(bad[:10]))
        if cpu != "max":
            continue
        r = results.get("leaves-" + which)
        n, bad = r if r else (0, ["not captured"])
        tap(r is not None and n > 1000 and not bad,
            f"{tag}: QEMU gva2gpa equals the app's tlb on the first and last byte of every "
            f"leaf of the {which} tables ({n} addresses)", "\n".join(bad[:10]))


def main():
    args = e2e.parse_args("build/efi-aa64/vtop.efi", "build/efi-test/aa64")

    script, adds = make_script(args)
    st, text, secs = boot(args, "el1-max-twice", "--firmware", "aa64", "--cpu", "max",
                          "--runs", "2", *adds)
    lines = app_lines(text)
    tap(st == 0, f"EL1/max: app reported success through semihosting, run twice "
        f"({secs:.1f} s)", status_text(st))
    check_twice(text, "EL1/max")
    check_script(args, script, text)

    for firmware, cpu, el in (("aa64", "max", 1), ("aa64", "cortex-a57", 1),
                              ("aa64-el2", "max", 2), ("aa64-el2", "cortex-a57", 2)):
        check_at_prompt(args, firmware, cpu, el)
    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""End-to-end tests of the IA32 vtop.efi under OVMF IA32 (qemu-system-i386,
TCG), TAP output.

OVMF IA32 runs with paging off (PAE paging on CPUs with NX, for its NX
protections); the app builds a 32-bit (PSE) and a PAE identity map,
self-checks both with the core, pages with PAE (NX where the CPU has it),
calls firmware services while paged, probes test pages at non-identity
VAs and turns paging off again on the way out. Boots: qemu32 (run twice),
max with 5 GiB (PAE with NX, RAM above 4 GiB) with the synthetic images and
the host-vs-EFI script; then six boots at the prompt against QEMU's
monitor, one per model and layout: max, pentium3 and qemu32, each with
-paging pae and -paging 32bit (pentium3 also carries its banner and map
checks).

  ia32.py --app build/efi-ia32/vtop.efi --work DIR --host build/vtop --images build/images
"""
import re
import sys
import time

import e2e
from e2e import app_lines, boot, bracketed, check_banner, check_memmap, check_script, \
    check_twice, expected_mode, field, finish_boot, make_script, monitor, prompt_boot, read_log, \
    regs, tap, type_line, wait_for

IA32 = ("--firmware", "ia32")


def check_maps(lines, tag, pse, pae, nx, high=False):
    plan = field(lines, "own map") or ""
    fw_mode = expected_mode(regs(lines)) if regs(lines) else "?"
    want = f"PSE {'yes' if pse else 'no'}, PAE {'yes' if pae else 'no'}, NX on non-code " + \
        ("yes" if nx else "no")
    tap(plan.startswith(f"IA32, firmware paging {fw_mode};") and want in plan,
        f"{tag}: IA32 plan made, firmware paging {fw_mode} ({want})", plan)
    sc32 = [l for l in lines if l.startswith("self-check 32-bit")]
    ok = len(sc32) == 1 and re.match(r"self-check 32-bit PSE: pass: \d+ ranges, (\d+) addresses .* "
                                     r"0 mismatches$", sc32[0]) and \
        int(re.search(r"(\d+) addresses", sc32[0])[1]) > 100
    tap(bool(ok), f"{tag}: 32-bit PSE identity map passes the core's self-check", "\n".join(sc32))
    m32 = [l for l in lines if l.startswith("own map 32-bit PSE: ")]
    tap(len(m32) == 1 and int(re.search(r"4M=(\d+)", m32[0])[1]) > 100,
        f"{tag}: 32-bit map uses 4 MiB pages", "\n".join(m32))
    sc = [l for l in lines if l.startswith("self-check PAE")]
    if pae:
        ok = len(sc) == 1 and sc[0].startswith("self-check PAE: pass:") and \
            sc[0].endswith(" 0 mismatches")
        tap(ok, f"{tag}: PAE identity map passes the core's self-check", "\n".join(sc))
    on = [l for l in lines if l.startswith("own map: paging on, ")]
    r = dict(re.findall(r"(CR0|CR3|CR4|EFER)=0x([0-9a-f]+)", on[0])) if on else {}
    r = {k: int(v, 16) for k, v in r.items()}
    ok = bool(r) and r["CR0"] >> 31 & 1 and (r["CR4"] >> 5 & 1) == pae and \
        (pae or r["CR4"] >> 4 & 1) and (r["EFER"] >> 11 & 1) == nx
    tap(bool(ok), f"{tag}: paging on with CR4.{'PAE' if pae else 'PSE'}, EFER.NXE={int(nx)}",
        "\n".join(on))
    svc = [l for l in lines if l.startswith("paged services: ")]
    tap(len(svc) == 1 and svc[0].endswith(": pass"),
        f"{tag}: console, Stall and AllocatePages work while paged", "\n".join(svc))
    probes = [l for l in lines if l.startswith("probe ")]
    done = {re.match(r"probe (\S+ .*?): ", l)[1] for l in probes if l.endswith(": pass")}
    want_p = {"32-bit 4K", "32-bit read-only 4K", "32-bit 4M PSE"} | \
        ({"PAE 4K", "PAE read-only 4K", "PAE 2M"} if pae else set()) | \
        ({"PAE NX 4K"} if nx else set()) | \
        ({"PAE 2M above 4 GiB", "32-bit 4M PSE-36"} if high else set())
    bad = [l for l in probes if not l.endswith(": pass") and "skipped" not in l]
    summary = field(lines, "probes") or ""
    skipped = 0 if high else 2
    tap(done == want_p and not bad and
        summary == f"{len(want_p)} run, {len(want_p)} passed, {skipped} skipped",
        f"{tag}: {len(want_p)} live probes at non-identity VAs read through the MMU equal "
        f"the bytes at vtop_translate's PA", "\n".join(probes + [summary]))
    live = [l for l in lines if l.startswith("live check: ")]
    want_stack = "W NX" if nx else "W X"
    tap(len(live) == 1 and live[0].endswith(": pass") and want_stack in live[0],
        f"{tag}: app code and stack translate to themselves in the live tables", "\n".join(live))
    off = [l for l in lines if l.startswith("own map: firmware state restored, ")]
    b = regs(lines)
    want_off = "own map: firmware state restored, CR0=0x%x CR3=0x%x CR4=0x%x EFER=0x%x" % (
        b.get("CR0", -1), b.get("CR3", -1), b.get("CR4", -1), b.get("EFER", -1))
    tap(len(off) == 1 and off[0] == want_off,
        f"{tag}: firmware paging {fw_mode} and CR0/CR3/CR4/EFER back to the banner's values",
        f"{off} vs {want_off}")


def at_prompt(fifo, log, line, deadline, start):
    """Type a line at the app's prompt; returns (its output lines, end offset)."""
    type_line(fifo, line)
    _, m = wait_for(log, rf"vtop> {re.escape(line)}\r\n(.*?)vtop> ", deadline, start)
    if not m:
        return None, start
    return m[1].replace("\r\n", "\n").splitlines(), m.end() - 6


def check_monitor(args, cpu, layout):
    """At the prompt, paged with the app's tables in layout ("pae" or
    "32bit", -paging): `tlb` and `mem` of live-own equal QEMU's `info tlb`
    and `info mem` (target/i386/monitor.c)."""
    name = f"monitor-{cpu}-{layout}"
    t0 = time.monotonic()
    deadline = t0 + e2e.HANG_LIMIT
    p, sock, log, fifo = prompt_boot(args, name, [*IA32, "--cpu", cpu],
                                     f"-qemu-exit -shutdown -prompt -paging {layout}",
                                     e2e.HANG_LIMIT + 10)
    got = {}
    try:
        want = "PAE" if layout == "pae" else "32-bit PSE"
        _, m = wait_for(log, rf"own map: paging on, {want},.*?paged services: .*?vtop> ", deadline)
        pos = m.end() - 6 if m else 0
        if m:
            _, pos = at_prompt(fifo, log, "open live-own", deadline, pos)
            for cmd, hmp in (("tlb", "info tlb"), ("mem", "info mem")):
                before = monitor(sock, hmp, deadline)
                efi, pos = at_prompt(fifo, log, cmd, deadline, pos)
                got[cmd] = (efi, before, monitor(sock, hmp, deadline))
        type_line(fifo, "quit")
    finally:
        secs = finish_boot(p, deadline, t0, name)
    text = read_log(log)
    label = "PAE" if layout == "pae" else "32-bit PSE"
    tap(p.returncode == 0 and got,
        f"{cpu}: app at the prompt, paged with its {label} tables, ended with success "
        f"({secs:.1f} s)", f"status {p.returncode}")
    for cmd, hmp in (("tlb", "info tlb"), ("mem", "info mem")):
        efi, before, after = got.get(cmd, (None, [], []))
        ok, diff = bracketed(efi or [], before, after) if efi else (False, ["not captured"])
        tap(ok and len(efi) > (100 if cmd == "tlb" else 1),
            f"{cpu}: live-own {cmd} (app's {label} tables) equals QEMU {hmp} line for line "
            f"({len(efi or [])} lines)", f"{len(efi or [])} vs {len(before)}/{len(after)}\n" +
            "\n".join(diff))
    return app_lines(text)


def main():
    args = e2e.parse_args("build/efi-ia32/vtop.efi", "build/efi-test/ia32")

    st, text, secs = boot(args, "qemu32", *IA32, "--cpu", "qemu32", "--runs", "2", timeout=90)
    lines = app_lines(text)
    tap(st == 0, f"qemu32: IA32 app reported success, run twice ({secs:.1f} s)", f"status {st}")
    tap((field(lines, "paging") or "").startswith("off (CR0.PG=0"),
        "qemu32: banner says paging off", field(lines, "paging"))
    check_banner(lines, {"PSE": "1", "PAE": "1", "LA57": "0"}, "qemu32")
    check_memmap(lines, "qemu32")
    nx = (dict(re.findall(r"(\w+)=(\d+)", field(lines, "cpuid") or "")).get("NX") == "1")
    check_maps(lines, "qemu32", pse=True, pae=True, nx=nx)
    check_twice(text, "qemu32")


    script, adds = make_script(args)
    # 5 GiB: RAM above 4 GiB for the PSE-36 and high PAE probes.
    st, text, secs = boot(args, "max-5g", *IA32, "--cpu", "max", "--mem", "5G", *adds,
                          timeout=120)
    lines = app_lines(text)
    tap(st == 0, f"max/5G: IA32 app reported success with every image ({secs:.1f} s)",
        f"status {st}")
    check_banner(lines, {"PSE": "1", "PAE": "1", "PSE36": "1", "NX": "1"}, "max/5G")
    check_maps(lines, "max/5G", pse=True, pae=True, nx=True, high=True)
    check_script(args, script, text)

    # QEMU's own walker against the app's, in every layout each model
    # supports: PAE with NX (max), PAE without NX (pentium3, qemu32) and
    # 32-bit with 4 MiB pages (all three). The pentium3 boot also carries
    # that model's banner and map checks.
    for cpu, layout in (("max", "pae"), ("max", "32bit"), ("pentium3", "pae"),
                        ("pentium3", "32bit"), ("qemu32", "32bit"), ("qemu32", "pae")):
        lines = check_monitor(args, cpu, layout)
        if (cpu, layout) == ("pentium3", "pae"):
            check_banner(lines, {"PSE": "1", "PAE": "1", "NX": "0"}, "pentium3")
            check_maps(lines, "pentium3", pse=True, pae=True, nx=False)

    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

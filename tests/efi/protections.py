#!/usr/bin/env python3
"""End-to-end oracles of `protections` under QEMU/OVMF (TCG), TAP output.

Two boots, each reused for many checks:
  A. the app twice (first run batch, second at its prompt, QEMU monitor on):
     the firmware's tables are the same at start and exit of both runs
     (hash of the table pages) and both runs judge alike (no compatibility
     mode); at the prompt, `protections -v` under the firmware's CR3 is
     recomputed here from QEMU's own `info tlb` of the same moment and the
     memory map / MAT the app printed: per-type shares, W+X, the null page,
     each MAT entry; the Memory Attribute Protocol is reported absent and the
     session goes on; the app's own map passes the rules it can meet.
  B. the same with -fw_cfg opt/ovmf/PcdSetNxForStack=yes: the stack check
     flips from FAIL to PASS and BootServicesData gains exactly the stack's
     pages as NX; `capture` writes the state to the ESP and the host CLI,
     opening that file, answers tlb, mem, audit and protections byte for
     byte as the live run did.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (boot helpers and TAP counters)

tap = e2e.tap
PAGE = 4096
RUNTIME = 1 << 63
ATTR_RO, ATTR_XP = 0x20000, 0x4000


def lines_of(text):
    return text.replace("\r\n", "\n").split("\n")


def section(lines, head, end=r"^protections: \d+ PASS"):
    """Lines from the line equal to head to the summary line after it."""
    out, on = [], False
    for l in lines:
        if l == head:
            on, out = True, []
            continue
        if on:
            out.append(l)
            if re.match(end, l):
                return out
    return out if on else []


def checks(block):
    """{name: (status, count, checked)} from the check lines."""
    r = {}
    for l in block:
        m = re.match(r"^\S+\s+(\S+)\s+(PASS|FAIL|N/A) (\d+) of (\d+) ", l)
        if m:
            r[m[1]] = (m[2], int(m[3]), int(m[4]))
    return r


def type_rows(block):
    rows = {}
    for l in block:
        m = re.match(r"^    (\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", l)
        if m:
            rows[m[1]] = tuple(int(x) for x in m.groups()[1:])
    return rows


def sources(block):
    """memmap, mat entries and the stack from `protections -v` lines."""
    rx = re.compile(r"^(memmap|mat) ([0-9a-f]{16})-([0-9a-f]{16}) (\S+) +(\d+) pages attr ([0-9a-f]+)$")
    mm, mat, stack = [], [], None
    for l in block:
        m = rx.match(l)
        if m:
            e = (int(m[2], 16), int(m[3], 16), m[4], int(m[6], 16))
            (mm if m[1] == "memmap" else mat).append(e)
        s = re.match(r"^stack ([0-9a-f]{16})-([0-9a-f]{16}) ", l)
        if s:
            stack = (int(s[1], 16), int(s[2], 16))
    return mm, mat, stack


def tlb_leaves(tlb):
    """(va, size, writable, nx) per QEMU info tlb line (target/i386/monitor.c:
    flags X G P D A C T U W; P = a large page, 2 MiB without PDPE1GB)."""
    out = []
    for l in tlb:
        m = re.match(r"^([0-9a-f]{16}): [0-9a-f]{16} ([-XGPDACTUW]{9})$", l)
        if m:
            f = m[2]
            out.append((int(m[1], 16), 2 << 20 if f[2] == "P" else PAGE,
                        f[8] == "W", f[0] == "X"))
    return out


def pages_in(leaves, start, end):
    """Yield (pages, writable, nx) of the leaves' parts inside [start, end)."""
    import bisect
    keys = [l[0] for l in leaves]
    i = max(0, bisect.bisect_right(keys, start) - 1)
    while i < len(leaves) and leaves[i][0] < end:
        va, size, w, nx = leaves[i]
        lo, hi = max(va, start), min(va + size, end)
        if hi > lo:
            yield (hi - lo) // PAGE, w, nx
        i += 1


def expected_rows(leaves, mm):
    rows = {}
    for start, end, typ, _ in mm:
        r = rows.setdefault(typ, [0, 0, 0, 0, 0, 0])
        r[0] += (end - start) // PAGE
        for n, w, nx in pages_in(leaves, start, end):
            r[1] += n
            r[2] += n if nx else 0
            r[3] += n if not w else 0
            r[5] += n if w and not nx else 0
    for r in rows.values():
        r[4] = r[0] - r[1]
    return {k: tuple(v) for k, v in rows.items()}


def code_sections(block):
    """[start, end) of the printed image sections with CNT_CODE or MEM_EXECUTE."""
    out = []
    for l in block:
        m = re.match(r"^  section ([0-9a-f]{16})-([0-9a-f]{16}) ([0-9a-f]{8}) ", l)
        if m and int(m[3], 16) & 0x20000020:
            out.append((int(m[1], 16), int(m[2], 16)))
    return out


def mat_offenders(leaves, mm, mat, code):
    """Entries breaking the MAT rules, recomputed from the printed lists
    (UEFI 2.10 section 4.6.4; Project Mu MemmapAndMatTestApp) and the
    tables' rights from info tlb. RuntimeServicesCode must be RO over an
    image's code sections and RO or XP elsewhere (headers and data of
    runtime images, as EDK2 splits them)."""
    bad, prev_end = [], 0
    for i, (start, end, typ, attr) in enumerate(mat):
        why = []
        if typ not in ("RuntimeServicesCode", "RuntimeServicesData"):
            why.append("type")
        if not attr & RUNTIME:
            why.append("runtime")
        if typ == "RuntimeServicesData" and not attr & ATTR_XP:
            why.append("attr")
        in_code = any(s < end and start < e for s, e in code)
        if typ == "RuntimeServicesCode" and not attr & ATTR_RO and \
                (not attr & ATTR_XP or in_code):
            why.append("attr")
        if start % PAGE or end <= start:
            why.append("align")
        if start < prev_end:
            why.append("order")
        prev_end = max(prev_end, end)
        if not any(s <= start and end <= e and t == typ for s, e, t, _ in mm):
            why.append("memmap")
        for n, w, nx in pages_in(leaves, start, end):
            if (attr & ATTR_RO and w) or (attr & ATTR_XP and not nx):
                why.append("rights")
                break
        if why:
            bad.append((i, why))
    return bad


def run_prompt(fifo, log, cmd, deadline, start):
    e2e.type_line(fifo, cmd)
    _, m = e2e.wait_for(log, re.escape("vtop> " + cmd) + r"\r\n(.*?)vtop> ", deadline, start)
    return (m[1], m.end() - 6) if m else (None, start)


def boot_a(args):
    t0 = time.monotonic()
    deadline = t0 + 240
    p, sock, log, fifo = e2e.prompt_boot(args, "prot-a", ["--runs", "2"],
                                         "-qemu-exit -shutdown -prompt", 250)
    got = {}
    try:
        _, m = e2e.wait_for(log, r"own map protections:.*own map protections:.*?vtop> ", deadline)
        if m:
            pos = m.end() - 6
            _, pos = run_prompt(fifo, log, "cr3 firmware", deadline, pos)
            _, pos = run_prompt(fifo, log, "open live", deadline, pos)
            got["tlb_before"] = e2e.monitor(sock, "info tlb", deadline)
            got["text"], pos = run_prompt(fifo, log, "protections -v", deadline, pos)
            got["tlb"] = e2e.monitor(sock, "info tlb", deadline)
            _, pos = run_prompt(fifo, log, "json on", deadline, pos)
            got["json"], pos = run_prompt(fifo, log, "protections", deadline, pos)
            _, pos = run_prompt(fifo, log, "json off", deadline, pos)
            got["after"], pos = run_prompt(fifo, log, "vtop 0", deadline, pos)
        e2e.type_line(fifo, "quit")
    finally:
        secs = e2e.finish_boot(p, deadline, t0, "prot-a")
    tap(p.returncode == 0, f"protections boot A: two runs, the second at its prompt, "
        f"ended with success ({secs:.1f} s)", f"status {p.returncode}")
    text = e2e.read_log(log)
    return text, got


def check_untouched(text):
    hashes = re.findall(r"firmware tables (at start|at exit): (\d+) pages, hash (0x[0-9a-f]+)", text)
    ok = len(hashes) == 4 and len({(n, h) for _, n, h in hashes}) == 1 and int(hashes[0][1]) > 100
    tap(ok, "firmware tables unchanged: the same table-page hash at start and exit "
        f"of both runs ({hashes[0][1] if hashes else '?'} pages)", "\n".join(map(str, hashes)))
    lines = lines_of(text)
    blocks, cur = [], None
    for l in lines:
        if l == "firmware protections:":
            cur = []
            blocks.append(cur)
        elif cur is not None:
            cur.append(l)
            if l.startswith("protections: "):
                cur = None
    st = [{k: v[0] for k, v in checks(b).items()} for b in blocks]
    nulls = [checks(b).get("null-page-rp") for b in blocks]
    tap(len(st) == 2 and st[0] == st[1] and len(st[0]) == 11 and nulls[0] == nulls[1],
        "no compatibility mode: both runs judge every check alike, null page and "
        "memory attribute protocol unchanged", f"{st}")


def check_live(got):
    text = got.get("text")
    if text is None:
        tap(False, "protections at the prompt answered", "no output captured")
        return None
    block = lines_of(text)
    mm, mat, stack = sources(block)
    leaves = tlb_leaves(got["tlb"])
    same = tlb_leaves(got["tlb_before"]) == leaves
    tap(len(leaves) > 1000 and same and len(mm) > 20,
        f"QEMU info tlb around `protections -v`: {len(leaves)} leaves, unchanged across "
        f"the command; {len(mm)} memory-map entries printed", f"same={same}")
    want, rows = expected_rows(leaves, mm), type_rows(block)
    diff = [f"{k}: app {rows.get(k)} want {v}" for k, v in want.items() if rows.get(k) != v]
    tap(not diff and len(rows) == len(want) and len(rows) >= 8,
        f"per-type pages/present/NX/RO/not-present/W+X equal QEMU info tlb joined with "
        f"the printed memory map ({len(rows)} types)", "\n".join(diff))
    c = checks(block)
    wx = sum(s // PAGE for _, s, w, nx in leaves if w and not nx)
    tap(c.get("no-wx", (0, -1))[1] == wx, f"W+X pages equal QEMU info tlb ({wx})",
        f"app {c.get('no-wx')}")
    null_mapped = any(va == 0 for va, *_ in leaves)
    tap(c.get("null-page-rp", ("?",))[0] == ("FAIL" if null_mapped else "PASS"),
        f"null page check agrees with info tlb (mapped: {null_mapped})", str(c.get("null-page-rp")))
    bad = mat_offenders(leaves, mm, mat, code_sections(block))
    tap(len(mat) > 0 and c.get("mat", (0, -1))[1] == len(bad) and c["mat"][2] == len(mat),
        f"MAT: {len(bad)} of {len(mat)} entries break a rule, recomputed from the printed "
        f"memory map and info tlb", f"app {c.get('mat')}, test {bad[:6]}")
    ma = c.get("memory-attribute-protocol")
    note = [l for l in block if "EFI_MEMORY_ATTRIBUTE_PROTOCOL is not installed" in l]
    tap(ma and ma[0] == "FAIL" and note and got.get("after") and "status 0x" in got["after"],
        "Memory Attribute Protocol absent (Debian 12 OVMF): FAIL with the reason, and "
        "the session goes on", f"{ma} {note}")
    objs = [json.loads(l) for l in lines_of(got.get("json") or "") if l.startswith("{")]
    names = [o.get("check") for o in objs]
    ok = len(objs) == 12 and names[:11] == list(c.keys()) and all(
        (o["status"], o["count"], o["checked"]) == c[o["check"]] for o in objs[:11])
    tap(ok, "--json: one object per check (and one for guard pages), equal to the text",
        f"{names}")
    return {"rows": rows, "checks": c, "stack": stack}


def check_own(text):
    block = section(lines_of(text), "own map protections:")
    c = checks(block)
    met = ["mmio-nx", "stack-nx", "nx-by-type"]
    unmet = [k for k, v in c.items() if v[0] == "FAIL"]
    explained = sum(1 for l in block if l.startswith("    pre-OS: "))
    tap(len(c) == 11 and all(c[k][0] == "PASS" for k in met) and explained >= len(unmet) - 0,
        f"own map: {', '.join(met)} PASS; the {len(unmet)} failing rules each say why pre-OS",
        "\n".join(l for l in block if not l.startswith("    0")))


CAPTURE_CMDS = ["tlb 0 100000000", "mem", "audit", "protections"]


def check_capture(args, text):
    """The capture taken live, opened by the host CLI: the same commands
    answer byte for byte as they did on the machine."""
    d = os.path.join(args.work, "prot-nxstack")
    cap = os.path.join(d, "cap.elf")
    if os.path.exists(cap):
        os.unlink(cap)
    subprocess.run(["mcopy", "-o", "-i", os.path.join(d, "esp.img"), "::cap.elf", cap],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = lines_of(text)
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("capture: cap.elf: "))
        j = next(k for k in range(i, len(lines)) if lines[k].startswith("commands: "))
    except StopIteration:
        tap(False, "capture: written on the ESP and opened by the host", "no capture line")
        return
    live = "\n".join(lines[i + 1:j]) + "\n"
    host = ""
    for c in CAPTURE_CMDS:
        p = subprocess.run([args.host, cap, *c.split()], capture_output=True, text=True)
        host += p.stdout
    m = re.search(r"(\d+) table pages, (\d+) bytes", lines[i])
    size = os.path.getsize(cap) if os.path.exists(cap) else -1
    tap(m and int(m[2]) == size and int(m[1]) > 100,
        f"capture: {m[1] if m else '?'} table pages, the file on the ESP has the {size} bytes "
        "the app wrote", lines[i])
    tap(host == live and live.count("\n") > 1000,
        f"capture opened on the host: {', '.join(CAPTURE_CMDS)} equal the live answers "
        f"byte for byte ({live.count(chr(10))} lines)",
        "\n".join([f"live {a!r}\nhost {b!r}" for a, b in
                   zip(live.split("\n"), host.split("\n")) if a != b][:6]))


def boot_b(args, base):
    cmds = "protections -v; capture cap.elf; " + "; ".join(CAPTURE_CMDS)
    st, text, secs = e2e.boot(args, "prot-nxstack", "--qemu-arg", "-fw_cfg", "--qemu-arg",
                              "name=opt/ovmf/PcdSetNxForStack,string=yes", "--args",
                              f'-qemu-exit -shutdown -c "{cmds}"', timeout=200)
    check_capture(args, text)
    tap(st == 0, f"protections boot B (PcdSetNxForStack=yes) ends with success ({secs:.1f} s)",
        f"status {st}")
    lines = lines_of(text)
    fw = checks(section(lines, "firmware protections:"))
    tap(base and base["checks"].get("stack-nx", ("",))[0] == "FAIL" and
        fw.get("stack-nx", ("",))[0] == "PASS",
        "stack NX: FAIL by default, PASS with PcdSetNxForStack", f"{fw.get('stack-nx')}")
    blk = section(lines, "firmware protections:")
    rows = type_rows(blk)
    _, _, stack = sources(lines)
    if not base or not stack or "BootServicesData" not in rows:
        tap(False, "BootServicesData NX share grows by the stack's pages", "missing data")
        return
    grew = rows["BootServicesData"][2] - base["rows"]["BootServicesData"][2]
    pages = (stack[1] - stack[0]) // PAGE
    tap(grew == pages and pages > 0,
        f"BootServicesData NX pages grow by exactly the stack's {pages} pages "
        f"(got {grew})", f"{base['rows']['BootServicesData']} -> {rows['BootServicesData']}")


def main():
    args = e2e.parse_args("build/efi/vtop.efi", "build/efi-test", images=False)
    text, got = boot_a(args)
    check_untouched(text)
    base = check_live(got)
    check_own(text)
    boot_b(args, base)
    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

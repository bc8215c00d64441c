#!/usr/bin/env python3
"""Capture one real Linux guest per x86 paging mode for the truth tests.

For a mode (see MODES), this script:
  1. picks Debian's kernel package with `apt-cache depends` (never a
     hard-coded version), downloads it and busybox-static with
     `apt-get download`, extracts vmlinuz with `dpkg-deb -x`;
  2. packs a tiny initramfs (newc cpio written here) with busybox and
     images/guests/init.sh;
  3. boots QEMU (TCG, -m 256) with a QMP unix socket, waits for the marker
     init prints on the serial console;
  4. stops the vCPU (QMP `stop`) so every answer describes one moment, then
     records `info registers`, `info tlb`, `info mem`, `gva2gpa` for a
     seeded sample of addresses, and `dump-guest-memory` (paging=false,
     ELF) polled with `query-dump` until completed;
  5. converts the ELF to raw and LiME with images/convert/elfconv.py.

Results go to build/guests/<mode>/; a file DONE marks a complete capture,
so a second run costs nothing. `guest.py --bench DIR [MODE...]` captures
the bench-only variants (BENCH_MODES) into DIR/<mode>/ instead. On failure the script prints
"could not capture <mode>: <why>", writes FAILED with the reason and exits 1.
QEMU monitor commands: QEMU target/i386/monitor.c and monitor/hmp-cmds.c
(QEMU 7.2); QMP dump: qapi/dump.json.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

from initramfs import make_initramfs  # noqa: E402 (beside this script)
from qmp import CaptureError, Qmp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# mode -> how to build and boot it. `vtop_mode` is the --mode name of the
# vtop CLI; `va_bits` the width of the virtual address space.
MODES = {
    "amd64-4level": dict(meta="linux-image-amd64", arch="amd64",
                         qemu="qemu-system-x86_64", cpu="qemu64",
                         vtop_mode="4level", va_bits=48),
    "amd64-5level": dict(meta="linux-image-amd64", arch="amd64",
                         qemu="qemu-system-x86_64", cpu="qemu64,+la57",
                         vtop_mode="5level", va_bits=57),
    "i386-32bit": dict(meta="linux-image-686:i386", arch="i386",
                       qemu="qemu-system-i386", cpu="qemu32",
                       vtop_mode="32bit", va_bits=32),
    "i386-pae": dict(meta="linux-image-686-pae:i386", arch="i386",
                     qemu="qemu-system-i386", cpu="qemu32,+pae,+nx",
                     vtop_mode="pae", va_bits=32),
    # PAE with RAM above 4 GiB (the pc machine puts 3 GiB below the PCI hole
    # and the rest from 4 GiB up), so entries hold physical addresses > 32
    # bits. Booted on qemu-system-x86_64 -cpu qemu64 (PAE, NX, 40 physical
    # bits; the 32-bit kernel never enters long mode): under
    # qemu-system-i386 -cpu qemu32,+pae,+nx,+pse36 this kernel reaches
    # "Run /init" but no user instruction ever prints (seen with QEMU 7.2.22;
    # without +pse36 QEMU gives 32 physical bits and the first highmem PTE
    # faults with RSVD).
    "i386-pae-highmem": dict(meta="linux-image-686-pae:i386", arch="i386",
                             qemu="qemu-system-x86_64", cpu="qemu64",
                             vtop_mode="pae", va_bits=32, mem="4608"),
}
# Bench-only variants (never captured by `make guests` nor compared by the
# truth tests): tests/bench/bench.mk captures them on demand for `make
# bench` into build/bench-guests/<mode>/ (guest.py --bench DIR MODE).
# amd64-4level-4k: the amd64-4level kernel on a CPU without PSE, over
# 4 GiB. Linux then builds the direct map from 4K pages only
# (arch/x86/mm/init.c, probe_page_size_mask: the 2M bit of page_size_mask
# needs X86_FEATURE_PSE, and without it direct_gbpages is cleared): ~8 MiB
# of PTE pages, far beyond L2, for the cold batched-translation rows. A
# 64-bit kernel does not require PSE (arch/x86/include/asm/
# required-features.h: NEED_PSE is 0 with CONFIG_PARAVIRT_XXL, as in
# Debian's config, for Xen PV), and long mode honours PS in PDEs whatever
# CPUID says (Intel SDM Vol. 3A 4.1.4, 4.5), so the kernel's own 2M text
# mapping stays. Debian's kernel has no CONFIG_DEBUG_PAGEALLOC, so
# debug_pagealloc=on (the other way to a 4K direct map) is ignored by it.
# Only the raw image is kept beside the ELF (which carries CR3).
BENCH_MODES = {
    "amd64-4level-4k": dict(MODES["amd64-4level"], mem="4096",
                            cpu="qemu64,-pse", convert=("raw",)),
}
MARKER = b"VTOP-GUEST-READY"
BOOT_TIMEOUT = int(os.environ.get("VTOP_GUEST_BOOT_TIMEOUT", "240"))
DUMP_TIMEOUT = int(os.environ.get("VTOP_GUEST_DUMP_TIMEOUT", "300"))
SAMPLE_MAPPED = 700
SAMPLE_RANDOM = 200


def log(mode, msg):
    print(f"[guests] {mode}: {msg}", flush=True)


def run(cmd, timeout=300, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout, **kw)
    return r.returncode, r.stdout.decode(errors="replace")


# ---------------------------------------------------------------- packages

def ensure_i386_arch():
    """i386 packages need the foreign architecture and an update; a partial
    update failure (one index mid-sync) is only a warning (docs/guests.md)."""
    rc, out = run(["dpkg", "--print-foreign-architectures"])
    if "i386" in out.split():
        rc, out = run(["apt-cache", "policy", "busybox-static:i386"])
        m = re.search(r"Candidate:\s*(\S+)", out)
        if m and m.group(1) != "(none)":
            return
    else:
        run(["dpkg", "--add-architecture", "i386"])
    rc, out = run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=120"],
                  timeout=600)
    if rc != 0:
        print("[guests] warning: apt-get update reported errors; continuing",
              flush=True)


def depends_of(meta):
    """The kernel package a meta package depends on right now."""
    rc, out = run(["apt-cache", "depends", meta])
    for line in out.splitlines():
        m = re.match(r"\s*Depends:\s*(linux-image-\S+)", line)
        if m:
            return m.group(1)
    raise CaptureError(f"apt-cache depends {meta} names no kernel: {out[-200:]}")


def download(pkg, debdir):
    """apt-get download PKG into debdir (cached by file), with retries."""
    os.makedirs(debdir, exist_ok=True)
    name, _, arch = pkg.partition(":")
    pat = re.compile(re.escape(name) + r"_[^_]+_" + (arch or r"[^_]+") + r"\.deb$")
    for _ in range(3):
        hits = [f for f in os.listdir(debdir) if pat.match(f)]
        if hits:
            return os.path.join(debdir, sorted(hits)[-1])
        rc, out = run(["apt-get", "download", "-q", pkg], cwd=debdir, timeout=300)
        if rc != 0:
            last = out.strip().splitlines()[-1:] or ["?"]
            print(f"[guests] apt-get download {pkg} failed: {last[0]}", flush=True)
            time.sleep(3)
    raise CaptureError(f"apt-get download {pkg} failed")


def extract(deb, dest, member_re):
    """dpkg-deb -x the package, return the first file matching member_re."""
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    rc, out = run(["dpkg-deb", "-x", deb, dest])
    if rc != 0:
        raise CaptureError(f"dpkg-deb -x {os.path.basename(deb)}: {out[-200:]}")
    return find_file(dest, member_re, os.path.basename(deb))


def find_file(dest, member_re, what="the package"):
    """The first file under dest matching member_re."""
    for d, _, files in os.walk(dest):
        for f in sorted(files):
            p = os.path.join(d, f)
            if re.search(member_re, p):
                return p
    raise CaptureError(f"{what} holds no {member_re}")


# ------------------------------------------------------------------ sample

def parse_tlb(text):
    """(va, pa, large) of every `info tlb` line."""
    leaves = []
    for line in text.splitlines():
        m = re.match(r"([0-9a-f]+): ([0-9a-f]+) (\S{9})$", line.strip())
        if m:
            leaves.append((int(m.group(1), 16), int(m.group(2), 16),
                           m.group(3)[2] == "P"))
    return leaves


def parse_mem(text):
    ranges = []
    for line in text.splitlines():
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line.strip())
        if m:
            ranges.append((int(m.group(1), 16), int(m.group(2), 16)))
    return ranges


def sample_addresses(cfg, leaves, ranges, seed):
    """Seeded sample: mapped leaves' VAs plus offsets (inside the page; for
    large pages inside the smallest large size of the mode), range edges
    (last byte inside, first byte after: usually unmapped) and random
    canonical addresses (mostly unmapped)."""
    rnd = random.Random(seed)
    bits = cfg["va_bits"]
    large = (4 << 20) if cfg["vtop_mode"] == "32bit" else (2 << 20)
    top = (1 << 64) if bits > 32 else (1 << 32)
    out = set()
    for va, _, is_large in rnd.sample(leaves, min(SAMPLE_MAPPED, len(leaves))):
        out.add(va + rnd.randrange(large if is_large else 4096))
    for start, end in ranges[:100]:
        out.add(end - 1)
        if end < top:
            out.add(end)
        if start > 0:
            out.add(start - 1)
    for _ in range(SAMPLE_RANDOM):
        a = rnd.randrange(1 << (bits - 1)) if bits > 32 else rnd.randrange(1 << 32)
        if bits > 32 and rnd.random() < 0.5:
            a = (1 << 64) - (1 << (bits - 1)) + a  # upper canonical half
        out.add(a)
    out.update({0, 0xfff, top - 1})
    return sorted(a for a in out if a < top)


# -------------------------------------------------------------------- boot

def wait_marker(proc, console, timeout):
    """Wait until init prints MARKER on the serial console; a QEMU exit, a
    kernel panic/Oops/BUG or the hang guard raise CaptureError."""
    t0 = time.time()
    while True:
        if proc.poll() is not None:
            raise CaptureError(f"QEMU exited ({proc.returncode}): "
                               f"{proc.stderr.read().decode()[-300:]}")
        if os.path.exists(console):
            with open(console, "rb") as f:
                text = f.read()
            if MARKER in text:
                return
            m = re.search(rb"(Kernel panic[^\r\n]*|Oops:[^\r\n]*|BUG:[^\r\n]*)", text)
            if m:
                raise CaptureError("guest kernel failed: " +
                                   m.group(1).decode(errors="replace"))
        if time.time() - t0 > timeout:
            raise CaptureError(f"timeout: no userland marker after {timeout} s "
                               f"(see {console})")
        time.sleep(0.5)


def boot_files(outdir):
    """(tmp dir, QMP socket, console log) of one boot, stale ones removed."""
    tmp = os.path.join(outdir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    sock = os.path.join(tmp, "qmp.sock")
    console = os.path.join(outdir, "console.log")
    for p in (sock, console):
        if os.path.exists(p):
            os.unlink(p)
    return tmp, sock, console


def start_qemu(qemu, outdir):
    """Popen of the QEMU command line, recorded in outdir/qemu.cmd."""
    with open(os.path.join(outdir, "qemu.cmd"), "w") as f:
        f.write(" ".join(qemu) + "\n")
    return subprocess.Popen(qemu, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def dump_guest(qmp, path, fmt=None):
    """dump-guest-memory (paging off; ELF, or QEMU's writer fmt) polled with
    query-dump until completed (QEMU qapi/dump.json)."""
    args = dict(paging=False, protocol=f"file:{path}", detach=True)
    if fmt:
        args["format"] = fmt
    qmp.cmd("dump-guest-memory", **args)
    deadline = time.time() + DUMP_TIMEOUT
    while True:
        st = qmp.cmd("query-dump")
        if st.get("status") == "completed":
            return
        if st.get("status") == "failed" or time.time() > deadline:
            raise CaptureError(f"dump-guest-memory {fmt or 'elf'}: {st}")
        time.sleep(0.3)


def quit_qemu(qmp):
    try:
        qmp.cmd("quit")
    except (CaptureError, OSError):
        pass


def boot_and_capture(mode, cfg, kernel, initrd, outdir):
    tmp, sock, console = boot_files(outdir)
    qemu = [cfg["qemu"], "-accel", "tcg", "-m", cfg.get("mem", "256"), "-smp", "1",
            "-cpu", cfg["cpu"], "-nographic", "-monitor", "none",
            "-serial", f"file:{console}", "-no-reboot", "-net", "none",
            "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyS0 panic=-1 loglevel=4",
            "-qmp", f"unix:{sock},server=on,wait=off"] + cfg.get("qemu_extra", [])
    proc = start_qemu(qemu, outdir)
    try:
        t0 = time.time()
        qmp = Qmp(sock, 60)
        wait_marker(proc, console, BOOT_TIMEOUT)
        log(mode, f"userland up after {time.time() - t0:.1f} s; stopping vCPU")
        time.sleep(2)  # let init start its processes
        qmp.cmd("stop")
        qmp.s.settimeout(DUMP_TIMEOUT)
        answers = {}
        for what in ("info registers", "info tlb", "info mem"):
            answers[what] = qmp.hmp(what)
            fname = what.replace("info ", "") + ".txt"
            with open(os.path.join(outdir, fname), "w") as f:
                f.write(answers[what])
        leaves = parse_tlb(answers["info tlb"])
        if not leaves:
            raise CaptureError("info tlb listed no leaves")
        addrs = sample_addresses(cfg, leaves, parse_mem(answers["info mem"]),
                                 seed=0x7672)
        with open(os.path.join(outdir, "gva2gpa.txt"), "w") as f:
            for a in addrs:
                ans = qmp.hmp(f"gva2gpa 0x{a:x}").strip()
                f.write(f"0x{a:x} {ans}\n")
        log(mode, f"{len(leaves)} tlb leaves, {len(addrs)} gva2gpa answers; dumping")
        dump_guest(qmp, os.path.join(outdir, "guest.elf"))
        for name, fmt in cfg.get("extra_dumps", []):
            # The same stopped vCPU, in QEMU's other writers (qapi/dump.json).
            dump_guest(qmp, os.path.join(outdir, name), fmt)
        quit_qemu(qmp)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def registers(outdir):
    with open(os.path.join(outdir, "registers.txt")) as f:
        text = f.read()
    regs = {}
    for name in ("CR0", "CR3", "CR4"):
        m = re.search(name + r"=([0-9a-f]+)", text)
        if not m:
            raise CaptureError(f"info registers has no {name}")
        regs[name] = int(m.group(1), 16)
    m = re.search(r"EFER=([0-9a-f]+)", text)
    regs["EFER"] = int(m.group(1), 16) if m else 0
    return regs


def fresh_outdir(mode, outdir, stale):
    """False when outdir holds a complete capture (DONE); else make it and
    remove FAILED and the stale files of an earlier attempt."""
    if os.path.exists(os.path.join(outdir, "DONE")):
        log(mode, "cached")
        return False
    os.makedirs(outdir, exist_ok=True)
    for name in ("FAILED",) + tuple(stale):
        if os.path.exists(os.path.join(outdir, name)):
            os.unlink(os.path.join(outdir, name))
    return True


def boot_twice(mode, what, boot):
    """boot() with one retry: a loaded machine occasionally misses a TCG
    guest's hang guard."""
    for attempt in (1, 2):
        log(mode, f"booting {what} (attempt {attempt})")
        try:
            return boot()
        except (CaptureError, OSError, subprocess.TimeoutExpired) as e:
            if attempt == 2:
                raise CaptureError(str(e))
            log(mode, f"attempt failed ({e}); retrying")
    return None


def mark_done(outdir, meta):
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(outdir, "DONE"), "w") as f:
        f.write("ok\n")


def capture(mode, base=None, modes=None):
    cfg = (modes or MODES)[mode]
    base = base or os.path.join(ROOT, "build", "guests")
    outdir = os.path.join(base, mode)
    if not fresh_outdir(mode, outdir, ("guest.elf", "guest.raw", "guest.lime")):
        return
    t0 = time.time()
    if cfg["arch"] == "i386":
        ensure_i386_arch()
    debdir = os.path.join(base, "debs")
    kpkg = depends_of(cfg["meta"])
    if cfg["arch"] == "i386" and not kpkg.endswith(":i386"):
        kpkg += ":i386"
    bbpkg = "busybox-static" + (":i386" if cfg["arch"] == "i386" else "")
    log(mode, f"kernel {kpkg}, {bbpkg}")
    kdeb = download(kpkg, debdir)
    bdeb = download(bbpkg, debdir)
    x = os.path.join(outdir, "x")
    kernel = os.path.join(outdir, "vmlinuz")
    shutil.copy(extract(kdeb, x, r"/boot/vmlinuz-"), kernel)
    initrd = os.path.join(outdir, "initrd.cpio")
    # Kernel modules init.sh loads when present (cfg "modules": file regexes).
    mods = []
    if cfg.get("modules"):
        first = extract(kdeb, x + "-m", cfg["modules"][0])
        mods = [first] + [find_file(x + "-m", m) for m in cfg["modules"][1:]]
    mods += cfg.get("files", [])  # built outside the kernel package (LiME)
    make_initramfs(extract(bdeb, x, r"/bin/busybox$"), initrd, mods)
    shutil.rmtree(x + "-m", ignore_errors=True)
    shutil.rmtree(x, ignore_errors=True)
    boot_twice(mode, f"{cfg['qemu']} -cpu {cfg['cpu']}",
               lambda: boot_and_capture(mode, cfg, kernel, initrd, outdir))
    regs = registers(outdir)
    elf = os.path.join(outdir, "guest.elf")
    conv = os.path.join(ROOT, "images", "convert", "elfconv.py")
    for fmt in cfg.get("convert", ("raw", "lime")):
        rc, out = run([sys.executable, conv, fmt, elf,
                       os.path.join(outdir, "guest." + fmt)], timeout=600)
        if rc != 0:
            raise CaptureError(f"elfconv {fmt}: {out[-300:]}")
    meta = dict(mode=mode, vtop_mode=cfg["vtop_mode"], kernel=kpkg,
                cpu=cfg["cpu"], qemu=cfg["qemu"],
                cr0=f"0x{regs['CR0']:x}", cr3=f"0x{regs['CR3']:x}",
                cr4=f"0x{regs['CR4']:x}", efer=f"0x{regs['EFER']:x}",
                seconds=round(time.time() - t0, 1))
    mark_done(outdir, meta)
    log(mode, f"captured in {time.time() - t0:.1f} s (CR3 {meta['cr3']}, "
              f"CR4 {meta['cr4']})")


def capture_modes(modes, known, capture_one, base):
    """capture_one(mode) for each mode; a failure prints "could not capture
    MODE: why", leaves base/MODE/FAILED and makes the result 1."""
    rc = 0
    for mode in modes:
        try:
            if mode not in known:
                raise CaptureError(f"unknown mode (known: {' '.join(known)})")
            capture_one(mode)
        except (CaptureError, OSError, subprocess.TimeoutExpired) as e:
            why = str(e).replace("\n", " ")
            print(f"could not capture {mode}: {why}", flush=True)
            os.makedirs(os.path.join(base, mode), exist_ok=True)
            with open(os.path.join(base, mode, "FAILED"), "w") as f:
                f.write(why + "\n")
            rc = 1
    return rc


def main(argv):
    if argv[1:2] == ["--bench"]:
        # guest.py --bench DIR [MODE...]: the bench variants into DIR/<mode>.
        if len(argv) < 3:
            print("usage: guest.py --bench DIR [MODE...]", file=sys.stderr)
            return 2
        base = os.path.abspath(argv[2])
        return capture_modes(argv[3:] or list(BENCH_MODES), BENCH_MODES,
                             lambda m: capture(m, base, BENCH_MODES), base)
    return capture_modes(argv[1:] or list(MODES), MODES, capture,
                         os.path.join(ROOT, "build", "guests"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Capture a real arm64 Debian guest for the AArch64 truth tests
(build/guests-arm64/<mode>/; a file DONE marks a complete capture, so a
second run costs nothing).

  1. Debian's arm64 kernel (the package linux-image-arm64:arm64 depends on,
     never a hard-coded version) and busybox-static:arm64, fetched with
     `apt-get download` and unpacked with `dpkg-deb -x` (never installed);
     an initramfs of busybox, images/guests/init.sh and the kernel's
     qemu_fw_cfg module (the driver through which the guest hands its
     VMCOREINFO to QEMU's -device vmcoreinfo, drivers/firmware/qemu_fw_cfg.c);
  2. qemu-system-aarch64 -M virt -cpu max -accel tcg with QMP and a gdbstub,
     waiting for init's marker on the serial console;
  3. QMP `stop`, then `dump-guest-memory` (ELF: EM_AARCH64, NT_PRSTATUS and
     the VMCOREINFO note, QEMU dump/dump.c and target/arm/arch_dump.c), and
     for the 4K guest QEMU's kdump-zlib (flattened) of the same stop;
  4. gdb-multiarch attached to the stopped vCPU reads TTBR0_EL1, TTBR1_EL1,
     TCR_EL1, MAIR_EL1, SCTLR, PC and CPSR from QEMU itself (the root the
     VMCOREINFO derivation is checked against);
  5. HMP `gva2gpa` (QEMU has no `info tlb` on Arm) for the first and last
     byte of every leaf the reference walker (tests/truth/refwalk_a64.py)
     finds with those registers, random addresses inside leaves and across
     both halves, and the edges of mapped ranges;
  6. the ELF converted to raw and LiME (images/convert/elfconv.py).

gva2gpa translates as a load in the vCPU's current regime with its
permission checks (target/arm/ptw.c, arm_cpu_get_phys_page_attrs_debug with
arm_mmu_idx): at EL0 every kernel-only page answers "Unmapped", and at EL1
with PSTATE.PAN set every user page does. So, after the dump and the
register reads, gdb sets CPSR to EL1h with PAN clear (same TTBRs and TCR),
making every valid translation visible to the load; the dump and the saved
registers describe the real stop.

Usage: arm64.py [MODE...]   (default: every mode)
"""
import json
import lzma
import os
import random
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "truth"))
import guest  # noqa: E402
from gdbstub import Gdb  # noqa: E402
from initramfs import make_initramfs  # noqa: E402
from guest import log  # noqa: E402
from qmp import CaptureError, Qmp  # noqa: E402
import refwalk_a64  # noqa: E402

# Debian 12's default arm64 kernel (6.1) has 4 KiB pages and 48-bit VAs and
# PAs only; its 6.12 kernels, with 4 KiB (linux-image-6.12-arm64) and
# 16 KiB pages (linux-image-6.12-arm64-16k), are built with 52-bit VAs and
# PAs (CONFIG_ARM64_VA_BITS_52, CONFIG_ARM64_LPA2), which they use when the
# CPU has FEAT_LPA2 (QEMU's -cpu max does): with 4 KiB pages the walk then
# starts at level -1. Debian 12 has no 64 KiB-page kernel. The 4K 52-bit
# guest gets 256 MiB: QEMU answers gva2gpa about 1 ms each, for two bytes
# of every 4 KiB leaf of the linear map.
MODES = {
    "arm64-4k-48": dict(meta="linux-image-arm64:arm64", cpu="max", mem="512",
                        kdump=True),
    "arm64-16k-52": dict(meta="linux-image-6.12-arm64-16k:arm64", cpu="max",
                         mem="512"),
    "arm64-4k-52": dict(meta="linux-image-6.12-arm64:arm64", cpu="max", mem="256"),
}
BASE = os.path.join(ROOT, "build", "guests-arm64")
BOOT_TIMEOUT = int(os.environ.get("VTOP_GUEST_BOOT_TIMEOUT", "400"))
SAMPLE_IN_LEAVES = 4000
SAMPLE_ANYWHERE = 1500
REGS = ("TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "SCTLR", "pc", "cpsr")
PSTATE_PAN, PSTATE_M = 1 << 22, 0x1f
EL1H = 0x5
BATCH = 256


def prepare(mode, cfg, outdir):
    """kernel and initramfs paths (extracted from the downloaded packages)."""
    debdir = os.path.join(BASE, "debs")
    kpkg = guest.depends_of(cfg["meta"])
    if not kpkg.endswith(":arm64"):
        kpkg += ":arm64"
    log(mode, f"kernel {kpkg}, busybox-static:arm64")
    kdeb = guest.download(kpkg, debdir)
    bdeb = guest.download("busybox-static:arm64", debdir)
    x = os.path.join(outdir, "x")
    kernel = os.path.join(outdir, "vmlinuz")
    shutil.copy(guest.extract(kdeb, x, r"/boot/vmlinuz-"), kernel)
    shutil.copy(guest.find_file(x, r"/boot/config-"), os.path.join(outdir, "config"))
    fwcfg = os.path.join(outdir, "qemu_fw_cfg.ko")
    mod = guest.find_file(x, r"/qemu_fw_cfg\.ko(\.xz)?$")
    with open(mod, "rb") as src, open(fwcfg, "wb") as dst:
        # 6.12 packages ship modules xz-compressed; busybox insmod wants ELF.
        data = src.read()
        dst.write(lzma.decompress(data) if mod.endswith(".xz") else data)
    initrd = os.path.join(outdir, "initrd.cpio")
    make_initramfs(guest.extract(bdeb, x, r"/bin/busybox$"), initrd, [fwcfg])
    shutil.rmtree(x, ignore_errors=True)
    return kpkg, kernel, initrd


def sample(leaves, seed):
    """First and last byte of every leaf, random bytes inside leaves, the
    bytes on both sides of each maximal mapped range, random addresses in
    both halves and a few outside both (non-canonical)."""
    rnd = random.Random(seed)
    out = set()
    for lf in leaves:
        out.update((lf["va"], lf["va"] + lf["size"] - 1))
    for lf in rnd.choices(leaves, k=SAMPLE_IN_LEAVES):
        out.add(lf["va"] + rnd.randrange(lf["size"]))
    end = None
    for lf in leaves:
        if lf["va"] != end:
            out.add((lf["va"] - 1) % (1 << 64))
            if end is not None:
                out.add(end)
        end = lf["va"] + lf["size"]
    for _ in range(SAMPLE_ANYWHERE):
        a = rnd.randrange(1 << 48)
        out.add(a if rnd.random() < 0.5 else a | 0xffff000000000000)
    out.update(rnd.randrange(1 << 64) for _ in range(50))
    return sorted(out)


def gva2gpa_all(qmp, addrs):
    """HMP gva2gpa answers, pipelined in batches (QMP answers in order)."""
    answers = []
    for i in range(0, len(addrs), BATCH):
        chunk = addrs[i:i + BATCH]
        qmp.s.sendall(b"".join(json.dumps({
            "execute": "human-monitor-command",
            "arguments": {"command-line": f"gva2gpa 0x{a:x}"}}).encode() + b"\n"
            for a in chunk))
        for _ in chunk:
            while True:
                r = qmp._read()
                if "return" in r:
                    answers.append(r["return"].strip())
                    break
                if "error" in r:
                    raise CaptureError(f"gva2gpa: {r['error'].get('desc')}")
    return answers


def stopped_capture(mode, cfg, qmp, gdbport, outdir):
    """Steps 3 to 5 on the running guest; returns the register dict."""
    qmp.cmd("stop")
    guest.dump_guest(qmp, os.path.join(outdir, "guest.elf"))
    if cfg.get("kdump"):
        # QEMU's own kdump writer at the same stop (flattened, zlib, 64 KiB
        # blocks on aarch64: target/arm/arch_dump.c); one guest is enough.
        guest.dump_guest(qmp, os.path.join(outdir, "qemu-kdump-zlib.flat"), "kdump-zlib")
    gdb = Gdb(gdbport)
    try:
        regs = {r: gdb.reg(r) for r in REGS}
        with open(os.path.join(outdir, "registers.json"), "w") as f:
            json.dump({k: f"0x{v:x}" for k, v in regs.items()}, f, indent=1)
        log(mode, "registers " + " ".join(f"{k}=0x{v:x}" for k, v in regs.items()))
        core = refwalk_a64.Core(os.path.join(outdir, "guest.elf"))
        rg = refwalk_a64.Regime(regs["TTBR0_EL1"], regs["TTBR1_EL1"], regs["TCR_EL1"])
        leaves = refwalk_a64.leaves(core, rg)
        if not leaves:
            raise CaptureError("the reference walker found no leaf")
        addrs = sample(leaves, seed=0x7672)
        # Two answers at the real stop (EL0 or EL1 as found), for the record.
        at_stop = gva2gpa_all(qmp, [regs["pc"], leaves[-1]["va"]])
        gdb.set_reg("cpsr", (regs["cpsr"] & ~(PSTATE_PAN | PSTATE_M)) | EL1H)
        t0 = time.time()
        answers = gva2gpa_all(qmp, addrs)
        gdb.set_reg("cpsr", regs["cpsr"])
        log(mode, f"{len(leaves)} leaves, {len(addrs)} gva2gpa answers in "
                  f"{time.time() - t0:.0f} s")
        with open(os.path.join(outdir, "gva2gpa-at-stop.txt"), "w") as f:
            f.write(f"# CPSR 0x{regs['cpsr']:x} as stopped; gva2gpa.txt was "
                    f"asked with EL1h, PAN clear\n0x{regs['pc']:x} {at_stop[0]}\n"
                    f"0x{leaves[-1]['va']:x} {at_stop[1]}\n")
        with open(os.path.join(outdir, "gva2gpa.txt"), "w") as f:
            for a, ans in zip(addrs, answers):
                f.write(f"0x{a:x} {ans}\n")
        guest.quit_qemu(qmp)
    finally:
        gdb.close()
    return regs


def boot_and_capture(mode, cfg, kernel, initrd, outdir):
    tmp, sock, console = guest.boot_files(outdir)
    gdbport = 20000 + os.getpid() % 20000
    proc = guest.start_qemu(
        ["qemu-system-aarch64", "-M", "virt", "-cpu", cfg["cpu"],
         "-accel", "tcg", "-m", cfg["mem"], "-smp", "1", "-nographic",
         "-monitor", "none", "-serial", f"file:{console}", "-no-reboot",
         "-net", "none", "-device", "vmcoreinfo",
         "-kernel", kernel, "-initrd", initrd,
         "-append", "console=ttyAMA0 panic=-1 loglevel=4",
         "-qmp", f"unix:{sock},server=on,wait=off",
         "-gdb", f"tcp:127.0.0.1:{gdbport}"], outdir)
    try:
        t0 = time.time()
        qmp = Qmp(sock, 60)
        guest.wait_marker(proc, console, BOOT_TIMEOUT)
        log(mode, f"userland up after {time.time() - t0:.1f} s; stopping vCPU")
        time.sleep(2)  # let init start its processes
        qmp.s.settimeout(guest.DUMP_TIMEOUT)
        regs = stopped_capture(mode, cfg, qmp, gdbport, outdir)
        proc.wait(timeout=60)
        return regs
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def convert(mode, outdir):
    """guest.raw and guest.lime from the ELF (images/convert/elfconv.py),
    each once: the truth tests open the same memory in every format."""
    conv = os.path.join(ROOT, "images", "convert", "elfconv.py")
    for fmt in ("raw", "lime"):
        out = os.path.join(outdir, "guest." + fmt)
        if os.path.exists(out):
            continue
        rc, text = guest.run([sys.executable, conv, fmt,
                              os.path.join(outdir, "guest.elf"), out + ".tmp"],
                             timeout=600)
        if rc != 0:
            raise CaptureError(f"elfconv {fmt}: {text[-300:]}")
        os.rename(out + ".tmp", out)
        log(mode, f"wrote guest.{fmt}")


def capture(mode):
    cfg = MODES[mode]
    outdir = os.path.join(BASE, mode)
    if not guest.fresh_outdir(mode, outdir, ("guest.elf", "gva2gpa.txt",
                                             "registers.json", "guest.raw",
                                             "guest.lime", "qemu-kdump-zlib.flat")):
        convert(mode, outdir)
        return
    t0 = time.time()
    kpkg, kernel, initrd = prepare(mode, cfg, outdir)
    guest.boot_twice(mode, f"qemu-system-aarch64 -cpu {cfg['cpu']}",
                     lambda: boot_and_capture(mode, cfg, kernel, initrd, outdir))
    guest.mark_done(outdir, dict(mode=mode, kernel=kpkg, cpu=cfg["cpu"],
                                 mem=cfg["mem"], qemu="qemu-system-aarch64",
                                 seconds=round(time.time() - t0, 1)))
    log(mode, f"captured in {time.time() - t0:.1f} s")
    convert(mode, outdir)


def main(argv):
    return guest.capture_modes(argv[1:] or list(MODES), MODES, capture, BASE)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

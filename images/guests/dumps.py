#!/usr/bin/env python3
"""Capture the Linux-dump truth images (build/dumps/<mode>/), cached: a file
DUMPS-DONE marks a complete set, so a second run costs nothing.

One amd64 4-level guest (images/guests/guest.py's boot, -m 256) started
with `-device vmcoreinfo` and the qemu_fw_cfg module from its own kernel
package, so the kernel's VMCOREINFO reaches QEMU. At the stop QEMU writes
its ELF core and its own kdump-zlib (flattened format; QEMU 7.2 offers no
other kdump format on x86: query-dump-guest-memory-capability). From the
ELF, with programs that are not vtop's:
  makedumpfile (Debian 12, 1.7.2) on a copy with the program headers moved
  to offset 64 (images/convert/phdr_first.py):
    -c -d 0, -l -d 0, -c -d 31, -l -d 31, -F -c (flattened) and -R of it,
    -E -d 0, -E -d 31
  an ELF without CPU notes (images/convert/strip_qemu_notes.py): the root
  must come from VMCOREINFO.
Debian's makedumpfile has no snappy or zstd (-p/-z write an uncompressed
dump), so those pages come from vtop's own writer (images/gen_kdump).
i386 guests are not covered: makedumpfile 1.7.2 treats i386 dumps as
x86_64 and fails on them.

Usage: dumps.py GEN_KDUMP [OUTDIR]
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import guest  # noqa: E402

MODE = "amd64-4level-vmcoreinfo"
guest.MODES[MODE] = dict(
    guest.MODES["amd64-4level"],
    qemu_extra=["-device", "vmcoreinfo"],
    modules=[r"/qemu_fw_cfg\.ko$"],
    extra_dumps=[("qemu-kdump-zlib.flat", "kdump-zlib")],
    convert=())

# The real LiME module (Debian's lime-forensics-dkms, built against the
# guest kernel's headers fetched with apt-get download, never installed)
# writing the guest's RAM to a virtio disk from inside the guest.
LIME_MODE = "amd64-4level-lime"
LIME_PKGS = ["lime-forensics-dkms", "linux-headers-{k}-amd64",
             "linux-headers-{k}-common", "linux-kbuild-6.1"]
VIRTIO = ["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
          "virtio", "virtio_pci", "virtio_blk"]

# name -> makedumpfile arguments (input is the phdr-moved ELF).
MAKEDUMPFILE = [
    ("mdf-c-d0.kdump", ["-c", "-d", "0"]),
    ("mdf-l-d0.kdump", ["-l", "-d", "0"]),
    ("mdf-c-d31.kdump", ["-c", "-d", "31"]),
    ("mdf-l-d31.kdump", ["-l", "-d", "31"]),
    ("mdf-E-d0.elf", ["-E", "-d", "0"]),
    ("mdf-E-d31.elf", ["-E", "-d", "31"]),
]
# name -> gen_kdump options (vtop's writer: compressions Debian lacks).
GEN_KDUMP = [
    ("gen-snappy.kdump", ["--comp", "snappy"]),
    ("gen-zstd.kdump", ["--comp", "zstd", "--exclude-zero"]),
    ("gen-mixed-narrow.flat", ["--comp", "mixed", "--narrow", "--flat"]),
]


def run(cmd, out_dir, log):
    t0 = time.time()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       cwd=out_dir, timeout=900)
    text = r.stdout.decode(errors="replace")
    log.write(f"$ {' '.join(cmd)}\n{text}\n(rc {r.returncode}, "
              f"{time.time() - t0:.1f} s)\n")
    if r.returncode != 0:
        raise guest.CaptureError(f"{cmd[0]} failed ({r.returncode}): {text[-300:]}")


def make_images(gen_kdump, d):
    elf = os.path.join(d, "guest.elf")
    moved = os.path.join(d, "moved.elf")
    with open(os.path.join(d, "dumps.log"), "a") as log:
        if not os.path.exists(moved):
            run([sys.executable, os.path.join(ROOT, "images/convert/phdr_first.py"),
                 elf, moved], d, log)
        for name, args in MAKEDUMPFILE:
            if not os.path.exists(os.path.join(d, name)):
                run(["makedumpfile"] + args + [moved, name], d, log)
        if not os.path.exists(os.path.join(d, "mdf-F-c.flat")):
            # -F writes the flattened file to stdout (makedumpfile(8)).
            with open(os.path.join(d, "mdf-F-c.flat"), "wb") as dst:
                r = subprocess.run(["makedumpfile", "-F", "-c", "-d", "0", moved],
                                   stdout=dst, stderr=subprocess.PIPE, cwd=d,
                                   timeout=900)
            log.write(r.stderr.decode(errors="replace"))
            if r.returncode != 0:
                os.unlink(os.path.join(d, "mdf-F-c.flat"))
                raise guest.CaptureError("makedumpfile -F failed")
        if not os.path.exists(os.path.join(d, "mdf-R.kdump")):
            # -R rebuilds a flattened file read from stdin.
            with open(os.path.join(d, "mdf-F-c.flat"), "rb") as src:
                r = subprocess.run(["makedumpfile", "-R", "mdf-R.kdump"], stdin=src,
                                   cwd=d, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=900)
            log.write(r.stdout.decode(errors="replace"))
            if r.returncode != 0:
                raise guest.CaptureError("makedumpfile -R failed")
        name = "elf-no-cpu-notes.elf"
        if not os.path.exists(os.path.join(d, name)):
            run([sys.executable, os.path.join(ROOT, "images/convert/strip_qemu_notes.py"),
                 elf, name], d, log)
        for name, args in GEN_KDUMP:
            if not os.path.exists(os.path.join(d, name)):
                run([gen_kdump, elf, name] + args, d, log)
    os.unlink(moved)


def build_lime(base, log):
    """lime.ko for the guest kernel: the headers' Makefile points at the
    extracted -common tree; `make -C headers M=lime modules` with the host
    gcc (its vermagic matches the guest's)."""
    d = os.path.join(base, "lime-build")
    ko = os.path.join(d, "x", "usr", "src", "lime-forensics-1.9.1-5", "lime.ko")
    if os.path.exists(ko):
        return ko
    kver = guest.depends_of("linux-image-amd64").replace("linux-image-", "")
    kver = kver.replace("-amd64", "")
    debdir = os.path.join(d, "debs")
    debs = [guest.download(p.format(k=kver), debdir) for p in LIME_PKGS]
    x = os.path.join(d, "x")
    for deb in debs:
        run(["dpkg-deb", "-x", deb, x], d, log)
    hdr = os.path.join(x, "usr", "src", f"linux-headers-{kver}-amd64")
    mk = os.path.join(hdr, "Makefile")
    with open(mk) as f:
        text = f.read()
    with open(mk, "w") as f:
        f.write(text.replace("include /usr/src/", f"include {x}/usr/src/"))
    src = os.path.dirname(ko)
    run(["make", "-C", hdr, f"M={src}", "modules"], d, log)
    return ko


def lime_chain_end(path):
    """Where LiME's header chain ends (LiME writes from offset 0 of the
    disk; the rest of the disk is zeros)."""
    import struct
    off = 0
    with open(path, "rb") as f:
        while True:
            f.seek(off)
            h = f.read(32)
            if len(h) < 32 or struct.unpack_from("<I", h)[0] != 0x4C694D45:
                return off
            s_addr, e_addr = struct.unpack_from("<QQ", h, 8)
            off += 32 + e_addr - s_addr + 1


def capture_lime(base):
    d = os.path.join(base, LIME_MODE)
    if os.path.exists(os.path.join(d, "LIME-DONE")):
        print(f"[dumps] {LIME_MODE}: cached", flush=True)
        return
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "lime.log"), "a") as log:
        ko = build_lime(base, log)
    disk = os.path.join(d, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(320 << 20)
    guest.MODES[LIME_MODE] = dict(
        guest.MODES["amd64-4level"],
        qemu_extra=["-drive", f"file={disk},format=raw,if=virtio"],
        modules=[rf"/{m}\.ko$" for m in VIRTIO], files=[ko], convert=())
    # LiME writes the RAM before the marker: about 4-6 min under a loaded
    # TCG (seen here), so the boot wait is longer than the other guests'.
    guest.BOOT_TIMEOUT = max(guest.BOOT_TIMEOUT, 900)
    guest.capture(LIME_MODE, base=base)
    end = lime_chain_end(disk)
    if end == 0:
        raise guest.CaptureError("LiME wrote no header to the disk")
    with open(disk, "rb") as src, open(os.path.join(d, "guest.lime"), "wb") as dst:
        left = end
        while left:
            chunk = src.read(min(left, 1 << 24))
            dst.write(chunk)
            left -= len(chunk)
    os.unlink(disk)
    with open(os.path.join(d, "LIME-DONE"), "w") as f:
        f.write("ok\n")


def lime_status(base):
    """The LiME capture after the dumps (cached or made): main's exit status."""
    try:
        capture_lime(base)
    except (guest.CaptureError, OSError, subprocess.TimeoutExpired) as e:
        print(f"could not capture {LIME_MODE}: {e}", flush=True)
        return 1
    return 0


def main(argv):
    if len(argv) < 2:
        print("usage: dumps.py GEN_KDUMP [OUTDIR]")
        return 2
    # Absolute: the tools run with their output directory as cwd.
    base = os.path.abspath(argv[2]) if len(argv) > 2 else os.path.join(ROOT, "build", "dumps")
    d = os.path.join(base, MODE)
    if os.path.exists(os.path.join(d, "DUMPS-DONE")):
        print(f"[dumps] {MODE}: cached", flush=True)
        return lime_status(base)
    try:
        guest.capture(MODE, base=base)
        make_images(os.path.abspath(argv[1]), d)
    except (guest.CaptureError, OSError, subprocess.TimeoutExpired) as e:
        print(f"could not capture {MODE}: {e}", flush=True)
        return 1
    with open(os.path.join(d, "DUMPS-DONE"), "w") as f:
        f.write("ok\n")
    print(f"[dumps] {MODE}: done", flush=True)
    return lime_status(base)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

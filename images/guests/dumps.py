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


def main(argv):
    if len(argv) < 2:
        print("usage: dumps.py GEN_KDUMP [OUTDIR]")
        return 2
    base = argv[2] if len(argv) > 2 else os.path.join(ROOT, "build", "dumps")
    d = os.path.join(base, MODE)
    if os.path.exists(os.path.join(d, "DUMPS-DONE")):
        print(f"[dumps] {MODE}: cached", flush=True)
        return 0
    try:
        guest.capture(MODE, base=base)
        make_images(os.path.abspath(argv[1]), d)
    except (guest.CaptureError, OSError, subprocess.TimeoutExpired) as e:
        print(f"could not capture {MODE}: {e}", flush=True)
        return 1
    with open(os.path.join(d, "DUMPS-DONE"), "w") as f:
        f.write("ok\n")
    print(f"[dumps] {MODE}: done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

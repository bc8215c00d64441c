#!/usr/bin/env python3
"""The EFI images as firmware with memory protections expects them, TAP.

For each image given: objdump (an independent reader of the PE headers)
must show NX_COMPAT, 4 KiB aligned sections with no gaps and none both
writable and executable; then efi/check-image.sh must reject copies broken
in each of those ways, so the build-time check can fail.

  image_test.py --image build/efi/vtop.efi:x64 [--image FILE:ia32|aa64]... --work DIR
"""
import argparse
import os
import re
import struct
import subprocess
import sys

import e2e  # the TAP counter shared by every EFI test
from e2e import tap


# The host's objdump reads x86 PE only; the cross binutils read AArch64 PE.
OBJDUMP = {"x64": "objdump", "ia32": "objdump", "aa64": "aarch64-linux-gnu-objdump"}


def objdump_view(path, arch):
    p = subprocess.run([OBJDUMP[arch], "-p", "-h", path], capture_output=True, text=True)
    dll = re.search(r"^DllCharacteristics\s+([0-9a-f]+)", p.stdout, re.M)
    magic = re.search(r"^Magic\s+([0-9a-f]+)", p.stdout, re.M)
    sections = re.findall(r"^\s*\d+ (\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+\S+\n"
                          r"\s+([^\n]+)", p.stdout, re.M)
    return {"dll": int(dll[1], 16) if dll else None, "magic": magic[1] if magic else None,
            "sections": [(n, int(size, 16), int(vma, 16), flags) for n, size, vma, flags in sections]}


def check_layout(path, arch):
    v = objdump_view(path, arch)
    want = {"x64": "020b", "ia32": "010b", "aa64": "020b"}[arch]
    tap(v["magic"] == want, f"{arch}: {os.path.basename(path)} is {'PE32' if arch == 'ia32' else 'PE32+'}",
        f"magic {v['magic']}")
    tap(v["dll"] is not None and v["dll"] & 0x100, f"{arch}: DllCharacteristics has NX_COMPAT (0x0100)",
        f"DllCharacteristics {v['dll']}")
    secs = v["sections"]
    names = [s[0] for s in secs]
    tap(len(secs) >= 4 and {".text", ".rodata", ".data"} <= set(names),
        f"{arch}: code, read-only data and data are separate sections ({', '.join(names)})")
    bad = [s for s in secs if s[2] % 4096]
    tap(not bad, f"{arch}: every section starts on a 4 KiB page", bad)
    page = lambda x: (x + 4095) // 4096 * 4096
    gaps = [(a[0], b[0]) for a, b in zip(secs, secs[1:]) if b[2] != page(a[2] + a[1])]
    tap(not gaps and secs and secs[0][2] == 0x1000, f"{arch}: sections follow the headers with no gaps",
        gaps)
    wx = [s for s in secs if "CODE" in s[3] and "READONLY" not in s[3]]
    code = [s[0] for s in secs if "CODE" in s[3]]
    ro = {s[0] for s in secs if "READONLY" in s[3]}
    tap(not wx and code == [".text"] and ".rodata" in ro,
        f"{arch}: no section both writable and executable; only .text is code, .rodata read-only",
        "\n".join(f"{s[0]}: {s[3]}" for s in secs))


def mutated(path, work, tag, change):
    data = bytearray(open(path, "rb").read())
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    opt = pe + 24
    optsize = struct.unpack_from("<H", data, pe + 20)[0]
    change(data, opt, opt + optsize)
    out = os.path.join(work, f"{tag}.efi")
    open(out, "wb").write(data)
    return out


def clear_nx(data, opt, _):
    struct.pack_into("<H", data, opt + 70, struct.unpack_from("<H", data, opt + 70)[0] & ~0x100)


def text_writable(data, _, sect):
    flags = struct.unpack_from("<I", data, sect + 36)[0]   # first section: .text
    struct.pack_into("<I", data, sect + 36, flags | 0x80000000)


def misalign_rodata(data, _, sect):
    va = struct.unpack_from("<I", data, sect + 40 + 12)[0]   # second section
    struct.pack_into("<I", data, sect + 40 + 12, va + 0x200)


def check_rejects(path, arch, work):
    for tag, change, why in (("no-nx", clear_nx, "NX_COMPAT"),
                             ("wx-text", text_writable, "writable and executable"),
                             ("misaligned", misalign_rodata, "4 KiB aligned")):
        bad = mutated(path, work, f"{arch}-{tag}", change)
        p = subprocess.run(["efi/check-image.sh", "pe", bad, arch], capture_output=True, text=True)
        tap(p.returncode != 0 and why in p.stderr,
            f"{arch}: check-image.sh rejects an image {tag} ('{why}')",
            f"status {p.returncode}\n{p.stdout}{p.stderr}")
    p = subprocess.run(["efi/check-image.sh", "pe", path, arch], capture_output=True, text=True)
    tap(p.returncode == 0, f"{arch}: check-image.sh accepts the built image", p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", action="append", required=True)
    ap.add_argument("--work", default="build/efi-test/image")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for spec in args.image:
        path, arch = spec.rsplit(":", 1)
        check_layout(path, arch)
        check_rejects(path, arch, args.work)
    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Convert a QEMU `dump-guest-memory` ELF core to other memory-image formats.

  elfconv.py raw  IN.elf OUT.raw    byte at offset N = physical address N
                                    (holes between PT_LOADs stay sparse zeros)
  elfconv.py lime IN.elf OUT.lime   LiME: per contiguous physical run a
                                    32-byte header {u32 magic 0x4C694D45,
                                    u32 version 1, u64 s_addr, u64 e_addr
                                    (inclusive), u8 reserved[8]} then the
                                    bytes (LiME src/lime.h)
  elfconv.py info IN.elf            PT_LOAD runs and the CR0/CR3/CR4 of the
                                    QEMU notes (target/i386/arch_dump.c)

Both ELF classes are accepted for both machines: QEMU 7.2 wrote ELF64 with
e_machine EM_386 for a 32-bit guest (QEMU target/i386/arch_dump.c; docs/image-formats.md).
"""
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4
LIME_MAGIC = 0x4C694D45
CHUNK = 8 << 20


def load_segments(f):
    """(paddr, offset, filesz) of every PT_LOAD, sorted by paddr, plus the
    PT_NOTE (offset, size) list."""
    ident = f.read(64)
    if ident[:4] != b"\x7fELF":
        raise SystemExit("elfconv: not an ELF file")
    is64, le = ident[4] == 2, ident[5] == 1
    if not le:
        raise SystemExit("elfconv: big-endian ELF not supported")
    if is64:
        phoff, = struct.unpack_from("<Q", ident, 32)
        phentsize, phnum = struct.unpack_from("<HH", ident, 54)
    else:
        phoff, = struct.unpack_from("<I", ident, 28)
        phentsize, phnum = struct.unpack_from("<HH", ident, 42)
    loads, notes = [], []
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ph = f.read(phentsize)
        if is64:
            ptype, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", ph)
        else:
            ptype, off, _, paddr, filesz, _, _, _ = struct.unpack_from("<IIIIIIII", ph)
        if ptype == PT_LOAD and filesz:
            loads.append((paddr, off, filesz))
        elif ptype == PT_NOTE:
            notes.append((off, filesz))
    loads.sort()
    for (a, _, n), (b, _, _) in zip(loads, loads[1:]):
        if a + n > b:
            raise SystemExit(f"elfconv: overlapping PT_LOADs at 0x{b:x}")
    return loads, notes


def copy(fin, fout, off, n):
    fin.seek(off)
    while n:
        buf = fin.read(min(CHUNK, n))
        if not buf:
            raise SystemExit("elfconv: truncated PT_LOAD")
        fout.write(buf)
        n -= len(buf)


def to_raw(fin, fout, loads):
    end = 0
    for paddr, off, n in loads:
        fout.seek(paddr)
        copy(fin, fout, off, n)
        end = max(end, paddr + n)
    fout.truncate(end)


def runs(loads):
    """Merge physically contiguous PT_LOADs into LiME ranges."""
    merged = []
    for paddr, off, n in loads:
        if merged and merged[-1][0] + merged[-1][1] == paddr:
            merged[-1][1] += n
            merged[-1][2].append((off, n))
        else:
            merged.append([paddr, n, [(off, n)]])
    return merged


def to_lime(fin, fout, loads):
    for paddr, n, parts in runs(loads):
        fout.write(struct.pack("<IIQQ8s", LIME_MAGIC, 1, paddr, paddr + n - 1,
                               b"\0" * 8))
        for off, m in parts:
            copy(fin, fout, off, m)


def qemu_notes(fin, notes):
    """CR0/CR3/CR4 of each QEMUCPUState (offsets 0x188.., QEMU target/i386/arch_dump.c)."""
    cpus = []
    for off, size in notes:
        fin.seek(off)
        data = fin.read(size)
        p = 0
        while p + 12 <= len(data):
            namesz, descsz, ntype = struct.unpack_from("<III", data, p)
            name = data[p + 12:p + 12 + namesz].rstrip(b"\0")
            d = p + 12 + ((namesz + 3) & ~3)
            desc = data[d:d + descsz]
            if name == b"QEMU" and len(desc) >= 0x1B0:
                cr = struct.unpack_from("<5Q", desc, 0x188)
                cpus.append(dict(cr0=cr[0], cr3=cr[3], cr4=cr[4]))
            p = d + ((descsz + 3) & ~3)
    return cpus


def main(argv):
    if len(argv) < 3 or argv[1] not in ("raw", "lime", "info"):
        raise SystemExit(__doc__)
    with open(argv[2], "rb") as fin:
        loads, notes = load_segments(fin)
        if argv[1] == "info":
            for paddr, off, n in loads:
                print(f"load 0x{paddr:x}-0x{paddr + n:x} at file 0x{off:x}")
            for i, c in enumerate(qemu_notes(fin, notes)):
                print(f"cpu{i} cr0=0x{c['cr0']:x} cr3=0x{c['cr3']:x} cr4=0x{c['cr4']:x}")
            return 0
        if len(argv) != 4:
            raise SystemExit(__doc__)
        with open(argv[3], "wb") as fout:
            (to_raw if argv[1] == "raw" else to_lime)(fin, fout, loads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""strip_qemu_notes.py IN.elf OUT.elf: a copy of an ELF64 core without
QEMU's per-vCPU "QEMU" notes (QEMUCPUState, QEMU target/i386/arch_dump.c),
so it looks like a kdump /proc/vmcore: CORE NT_PRSTATUS and VMCOREINFO
notes only, and no CR3 for a reader to take. The PT_NOTE segment is
rewritten in place (the kept notes packed at its start, p_filesz reduced);
every other byte stays where it was.
"""
import shutil
import struct
import sys


def align4(n):
    return (n + 3) & ~3


def kept_notes(data):
    out, off = bytearray(), 0
    while off + 12 <= len(data):
        namesz, descsz, _ = struct.unpack_from("<III", data, off)
        end = off + 12 + align4(namesz) + align4(descsz)
        name = data[off + 12:off + 12 + namesz].rstrip(b"\0")
        if name != b"QEMU":
            out += data[off:end]
        off = end
    return bytes(out)


def main(src, dst):
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        eh = f.read(64)
        if eh[:4] != b"\x7fELF" or eh[4] != 2:
            sys.exit("strip_qemu_notes: not an ELF64 file")
        phoff, = struct.unpack_from("<Q", eh, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", eh, 0x36)
        for i in range(phnum):
            at = phoff + i * phentsize
            f.seek(at)
            ph = bytearray(f.read(56))
            p_type, = struct.unpack_from("<I", ph, 0)
            if p_type != 4:
                continue
            off, = struct.unpack_from("<Q", ph, 8)
            size, = struct.unpack_from("<Q", ph, 0x20)
            f.seek(off)
            notes = kept_notes(f.read(size))
            f.seek(off)
            f.write(notes + b"\0" * (size - len(notes)))
            struct.pack_into("<Q", ph, 0x20, len(notes))
            f.seek(at)
            f.write(ph)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: strip_qemu_notes.py IN.elf OUT.elf")
    main(sys.argv[1], sys.argv[2])

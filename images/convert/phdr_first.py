#!/usr/bin/env python3
"""phdr_first.py IN.elf OUT.elf: a copy of a QEMU dump-guest-memory ELF64
core with its program headers moved to offset 64, right after the ELF
header, and the section headers dropped.

QEMU 7.2 (dump/dump.c) writes a section header at offset 64 and the
program headers after it; makedumpfile 1.7.2 assumes the program headers
follow the ELF header and fails with "get_elf_info: Can't get the number
of PT_LOAD". Segment data stays where it was (p_offset unchanged): only
the table moves, into bytes the old section header and table occupied.
"""
import shutil
import struct
import sys


def main(src, dst):
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f:
        eh = bytearray(f.read(64))
        if eh[:4] != b"\x7fELF" or eh[4] != 2:
            sys.exit("phdr_first: not an ELF64 file")
        phoff, = struct.unpack_from("<Q", eh, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", eh, 0x36)
        if phnum == 0xFFFF:
            sys.exit("phdr_first: PN_XNUM program header count not handled")
        if phoff < 64:
            sys.exit("phdr_first: program headers inside the ELF header")
        f.seek(phoff)
        table = f.read(phentsize * phnum)
        struct.pack_into("<Q", eh, 0x20, 64)      # e_phoff
        struct.pack_into("<Q", eh, 0x28, 0)       # e_shoff
        struct.pack_into("<HHH", eh, 0x3A, 0, 0, 0)  # e_shentsize/shnum/shstrndx
        f.seek(0)
        f.write(eh)
        f.write(table)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: phdr_first.py IN.elf OUT.elf")
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Independent reference for QEMU's `info tlb` / `info mem` text, computed
from a raw physical image (byte N = physical address N).

  refwalk.py RAW MODE CR3 CR4 tlb|mem

MODE is 32bit, pae, 4level or 5level. It follows the walk order, masks and
print formats of QEMU target/i386/monitor.c (QEMU 7.2), with one deliberate
difference: QEMU 7.2's mem_info_la57 tests `pdpe & PG_PRESENT_MASK` and
`pde & PG_PRESENT_MASK` the wrong way round, so `info mem` on a 5-level guest
prints nothing (seen on the amd64-5level capture). Here 5-level `mem` is the
4-level algorithm with one more level (AND of U/W over all five levels,
final flush at 2^57): what QEMU means to print. The truth suite checks this
script against QEMU itself on every capture where QEMU's answer is sane,
then uses it as the oracle for 5-level `info mem`.
"""
import mmap
import struct
import sys

P, RW, US, PWT, PCD, A, D, PS, G = (1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4,
                                     1 << 5, 1 << 6, 1 << 7, 1 << 8)
NX = 1 << 63
ADDR = 0x3fffffffff000          # QEMU's table-address mask (bits 12..49)
CR4_PSE = 1 << 4


class Phys:
    def __init__(self, path):
        self.f = open(path, "rb")
        self.m = mmap.mmap(self.f.fileno(), 0, access=mmap.ACCESS_READ)

    def read(self, pa, size):
        """Entries outside the image read as 0 (not present)."""
        if pa + size > len(self.m):
            return 0
        return struct.unpack_from("<I" if size == 4 else "<Q", self.m, pa)[0]


def canonical(addr, mode):
    bit = {"4level": 47, "5level": 56}.get(mode)
    if bit is not None and addr & (1 << bit):
        addr |= (-(1 << (bit + 1))) & 0xffffffffffffffff
    return addr


def tlb_line(out, mode, va, pte, mask):
    f = "".join(c if pte & b else "-" for c, b in (
        ("X", NX), ("G", G), ("P", PS), ("D", D), ("A", A), ("C", PCD),
        ("T", PWT), ("U", US), ("W", RW)))
    out.append(f"{canonical(va, mode):016x}: {pte & mask:016x} {f}")


# Per mode: entry size, list of (shift, count) from the root down, and for
# each level the mask QEMU applies to a large leaf (None: no leaf there).
LAYOUT = {
    "32bit": (4, [(22, 1024), (12, 1024)], [~((1 << 21) - 1) & 0xffffffff, None]),
    "pae": (8, [(30, 4), (21, 512), (12, 512)],
            [None, ~((1 << 20) - 1) & 0xffffffffffffffff, None]),
    "4level": (8, [(39, 512), (30, 512), (21, 512), (12, 512)],
               [None, 0x3ffffc0000000, 0x3ffffffe00000, None]),
    "5level": (8, [(48, 512), (39, 512), (30, 512), (21, 512), (12, 512)],
               [None, None, 0x3ffffc0000000, 0x3ffffffe00000, None]),
}


def walk(phys, mode, cr3, cr4, visit):
    """Calls visit(kind, va, entry, rights) in QEMU's order, where kind is
    'leaf', 'hole' (entry not present) and rights the AND of U/W/P along
    the walk (PAE PDPTEs have no U/W, so they are not AND-ed)."""
    esize, levels, large = LAYOUT[mode]
    last = len(levels) - 1
    if mode == "32bit":
        root, tmask, leafmask = cr3 & ~0xfff, 0xfffff000, 0xfffff000
    elif mode == "pae":
        root, tmask, leafmask = cr3 & ~0x1f, ADDR, 0xfffffffffffff000
    else:
        root, tmask, leafmask = cr3 & ADDR, ADDR, ADDR

    def level(table, depth, va, rights):
        shift, count = levels[depth]
        for i in range(count):
            e = phys.read(table + i * esize, esize)
            addr = va + (i << shift)
            if not e & P:
                visit("hole", addr, e, 0, None)
                continue
            r = rights & (e | (~0 if (mode == "pae" and depth == 0) else 0))
            if depth == last:
                visit("leaf", addr, e & ~PS, r & (US | RW | P), leafmask)
            elif e & PS and large[depth] is not None and \
                    (mode != "32bit" or cr4 & CR4_PSE):
                visit("leaf", addr, e, r & (US | RW | P), large[depth])
            else:
                level(e & tmask, depth + 1, addr, r)

    level(root, 0, 0, US | RW | P)


def tlb(phys, mode, cr3, cr4):
    out = []

    def visit(kind, va, e, rights, mask):
        if kind == "leaf":
            tlb_line(out, mode, va, e, mask)

    walk(phys, mode, cr3, cr4, visit)
    return out


def mem(phys, mode, cr3, cr4):
    """QEMU's mem_print state machine: a line each time the rights change."""
    out = []
    st = {"start": -1, "last": 0}

    def emit(end, prot):
        if prot == st["last"]:
            return
        if st["start"] != -1:
            s = st["start"]
            size = (end - s) & 0xffffffffffffffff
            out.append(f"{canonical(s, mode):016x}-{canonical(end, mode):016x} "
                       f"{canonical(size, mode):016x} "
                       f"{'u' if st['last'] & US else '-'}r"
                       f"{'w' if st['last'] & RW else '-'}")
        st["start"] = end if prot else -1
        st["last"] = prot

    def visit(kind, va, e, rights, mask):
        emit(va, rights if kind == "leaf" else 0)

    walk(phys, mode, cr3, cr4, visit)
    emit(1 << {"32bit": 32, "pae": 32, "4level": 48, "5level": 57}[mode], 0)
    return out


def main(argv):
    if len(argv) != 6 or argv[2] not in LAYOUT or argv[5] not in ("tlb", "mem"):
        raise SystemExit(__doc__)
    phys = Phys(argv[1])
    lines = (tlb if argv[5] == "tlb" else mem)(phys, argv[2], int(argv[3], 0),
                                                int(argv[4], 0))
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

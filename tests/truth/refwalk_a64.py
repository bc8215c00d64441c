#!/usr/bin/env python3
"""Independent AArch64 stage 1 reference walker over an ELF core (QEMU's
`dump-guest-memory`, EM_AARCH64), written from the Arm ARM (DDI 0487) D8
(VMSAv8-64 translation) and D8.3 (descriptor formats), for the 4 KiB
granule of EL1&0, both halves (TTBR0 below, TTBR1 above, chosen by VA bit
55). It shares nothing with vtop's core.

  refwalk_a64.py ELF TTBR0 TTBR1 TCR leaves          one line per leaf
  refwalk_a64.py ELF TTBR0 TTBR1 TCR translate VA..  PA or the fault

Also reads the ELF's notes: NT_PRSTATUS (Linux arch/arm64 struct
elf_prstatus: 112 bytes of header, then x0..x30, sp, pc, pstate) and
VMCOREINFO (kernel/crash_core.c: KEY=VALUE lines)."""
import mmap
import struct
import sys

GRANULE = 12                 # 4 KiB: 9 index bits per level, levels 0..3
OA_MASK = (1 << 48) - 1      # 4 KiB without LPA2: OA[47:12] (D8.3.1)
PT_LOAD, PT_NOTE, NT_PRSTATUS = 1, 4, 1
EM_AARCH64 = 183
IPS_BITS = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}


class Core:
    """Physical reads through the PT_LOAD segments' p_paddr, plus notes."""

    def __init__(self, path):
        self.f = open(path, "rb")
        self.m = mmap.mmap(self.f.fileno(), 0, access=mmap.ACCESS_READ)
        m = self.m
        if m[:4] != b"\x7fELF" or m[4] != 2:
            raise ValueError(f"{path}: not an ELF64 file")
        self.machine = struct.unpack_from("<H", m, 18)[0]
        phoff, = struct.unpack_from("<Q", m, 32)
        phentsize, phnum = struct.unpack_from("<HH", m, 54)
        self.loads, self.notes = [], []
        for i in range(phnum):
            typ, _, off, _, paddr, filesz = struct.unpack_from(
                "<IIQQQQ", m, phoff + i * phentsize)
            if typ == PT_LOAD:
                self.loads.append((paddr, paddr + filesz, off))
            elif typ == PT_NOTE:
                self._notes(off, filesz)
        self.loads.sort()

    def _notes(self, off, size):
        end = off + size
        while off + 12 <= end:
            namesz, descsz, typ = struct.unpack_from("<III", self.m, off)
            name = self.m[off + 12:off + 12 + namesz].rstrip(b"\0").decode()
            doff = off + 12 + (namesz + 3) // 4 * 4
            self.notes.append((name, typ, self.m[doff:doff + descsz]))
            off = doff + (descsz + 3) // 4 * 4

    def read64(self, pa):
        """None when no segment holds the 8 bytes."""
        for start, end, off in self.loads:
            if start <= pa and pa + 8 <= end:
                return struct.unpack_from("<Q", self.m, off + pa - start)[0]
        return None

    def prstatus(self):
        """(x0..x30, sp, pc, pstate) of the first NT_PRSTATUS note."""
        for name, typ, desc in self.notes:
            if name == "CORE" and typ == NT_PRSTATUS:
                return struct.unpack_from("<34Q", desc, 112)
        return None

    def vmcoreinfo(self):
        for name, _, desc in self.notes:
            if name == "VMCOREINFO":
                text = bytes(desc).rstrip(b"\0").decode(errors="replace")
                return dict(line.split("=", 1) for line in text.splitlines()
                            if "=" in line)
        return {}


class Regime:
    """EL1&0 stage 1 from TTBR0/TTBR1/TCR (Arm ARM D8.2, TCR_EL1 D17.2)."""

    def __init__(self, ttbr0, ttbr1, tcr):
        self.tcr = tcr
        self.half = []
        for ttbr, tsz, epd, tg, tg4k in ((ttbr0, tcr & 0x3f, (tcr >> 7) & 1,
                                          (tcr >> 14) & 3, 0),
                                         (ttbr1, (tcr >> 16) & 0x3f,
                                          (tcr >> 23) & 1, (tcr >> 30) & 3, 2)):
            if tg != tg4k:
                raise ValueError("only the 4 KiB granule is implemented here")
            bits = 64 - tsz
            nlevels = -(-(bits - GRANULE) // 9)
            top = bits - GRANULE - 9 * (nlevels - 1)   # index bits at start
            # BADDR: bits 47:1, aligned to the start table's size (D17.2.144)
            root = ttbr & OA_MASK & ~((8 << top) - 1)
            self.half.append(dict(root=root, bits=bits, start=4 - nlevels,
                                  top=top, epd=epd))
        self.ha = (tcr >> 39) & 1
        self.tbi = ((tcr >> 37) & 1, (tcr >> 38) & 1)
        self.pa_bits = min(IPS_BITS.get((tcr >> 32) & 7, 48), 48)


def descend(core, table, level, index_bits):
    """Entries of one table: (index, descriptor or None when unreadable)."""
    for i in range(1 << index_bits):
        yield i, core.read64(table + 8 * i)


def leaves(core, rg):
    """Every valid leaf of both halves, in VA order: dicts with va, pa, size,
    level, desc and the AND/OR of the table bits above it."""
    out = []
    for h, half in enumerate(rg.half):
        base = 0 if h == 0 else (1 << 64) - (1 << half["bits"])
        if half["epd"]:
            continue
        _walk(core, rg, half["root"], half["start"], half["top"], base, 0, out)
    return out


def _walk(core, rg, table, level, index_bits, va, tbits, out):
    shift = GRANULE + 9 * (3 - level)
    for i, d in descend(core, table, level, index_bits):
        if d is None or not d & 1:
            continue
        addr = va + (i << shift)
        if d >> rg.pa_bits & ((1 << (48 - rg.pa_bits)) - 1):
            continue  # address size fault (D8.3.2): no translation
        if level < 3 and d & 2:
            _walk(core, rg, d & OA_MASK & ~0xfff, level + 1, 9, addr,
                  tbits | (d >> 59), out)
        elif (level == 3 and d & 2) or (level in (1, 2) and not d & 2):
            size = 1 << shift
            out.append(dict(va=addr, pa=d & OA_MASK & ~(size - 1), size=size,
                            level=level, desc=d, table=tbits))


def translate(core, rg, va):
    """(pa, None) or (None, fault name), as a load at EL1 with PAN clear."""
    pa, why, _ = translate_chain(core, rg, va)
    return pa, why


def translate_chain(core, rg, va):
    """translate() plus the (level, entry address, descriptor) list read."""
    chain = []
    pa, why = _translate(core, rg, va, chain)
    return pa, why, chain


def _translate(core, rg, va, chain):
    h = (va >> 55) & 1
    half = rg.half[h]
    hi = 55 if rg.tbi[h] else 63
    ext = va >> half["bits"] & ((1 << (hi + 1 - half["bits"])) - 1)
    if ext != (0 if h == 0 else (1 << (hi + 1 - half["bits"])) - 1):
        return None, "translation fault L0 (outside both ranges)"
    if half["epd"]:
        return None, "translation fault (EPD)"
    table, level, nbits = half["root"], half["start"], half["top"]
    while True:
        shift = GRANULE + 9 * (3 - level)
        ea = table + 8 * ((va >> shift) & ((1 << nbits) - 1))
        d = core.read64(ea)
        if d is None:
            return None, f"table not in image L{level}"
        chain.append((level, ea, d))
        if not d & 1:
            return None, f"translation fault L{level}"
        if d >> rg.pa_bits & ((1 << (48 - rg.pa_bits)) - 1):
            return None, f"address size fault L{level}"
        if level < 3 and d & 2:
            table, level, nbits = d & OA_MASK & ~0xfff, level + 1, 9
            continue
        if not ((level == 3 and d & 2) or (level in (1, 2) and not d & 2)):
            return None, f"translation fault L{level}"
        if not d & (1 << 10) and not rg.ha:
            return None, f"access flag fault L{level}"
        size = 1 << shift
        return (d & OA_MASK & ~(size - 1)) | (va & (size - 1)), None


def leaf_line(lf):
    d = lf["desc"]
    return (f"{lf['va']:016x} {lf['pa']:012x} {lf['size']:x} L{lf['level']} "
            f"ap{(d >> 6) & 3} {'U' if d >> 54 & 1 else '-'}"
            f"{'P' if d >> 53 & 1 else '-'}{'A' if d >> 10 & 1 else '-'}"
            f"{'G' if d >> 11 & 1 else '-'}{'C' if d >> 52 & 1 else '-'}"
            f" sh{(d >> 8) & 3} attr{(d >> 2) & 7}")


def main(argv):
    if len(argv) < 6 or argv[5] not in ("leaves", "translate"):
        raise SystemExit(__doc__)
    core = Core(argv[1])
    rg = Regime(*(int(a, 0) for a in argv[2:5]))
    if argv[5] == "leaves":
        for lf in leaves(core, rg):
            print(leaf_line(lf))
    for a in argv[6:]:
        pa, why = translate(core, rg, int(a, 0))
        print(f"{int(a, 0):016x} " + (f"{pa:x}" if why is None else why))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

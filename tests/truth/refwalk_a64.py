#!/usr/bin/env python3
"""Independent AArch64 stage 1 reference walker over an ELF core (QEMU's
`dump-guest-memory`, EM_AARCH64), written from the Arm ARM (DDI 0487) D8
(VMSAv8-64 translation) and D8.3 (descriptor formats), for EL1&0, both
halves (TTBR0 below, TTBR1 above, chosen by VA bit 55), the 4K, 16K and
64K granules, 52-bit output with LPA2 (TCR.DS, 4K/16K: OA[51:50] in
descriptor bits 9:8) and LPA (64K: OA[51:48] in bits 15:12). It shares
nothing with vtop's core.

  refwalk_a64.py ELF TTBR0 TTBR1 TCR leaves          one line per leaf
  refwalk_a64.py ELF TTBR0 TTBR1 TCR translate VA..  PA or the fault

Also reads the ELF's notes: NT_PRSTATUS (Linux arch/arm64 struct
elf_prstatus: 112 bytes of header, then x0..x30, sp, pc, pstate) and
VMCOREINFO (kernel/crash_core.c: KEY=VALUE lines)."""
import mmap
import struct
import sys

# TG0 [15:14] and TG1 [31:30] codes -> granule shift (Arm ARM D19.2, TCR_EL1)
TG0_SHIFT = {0: 12, 1: 16, 2: 14}
TG1_SHIFT = {2: 12, 3: 16, 1: 14}
# Levels that may hold a block (D8.3.1, tables D8-14 ff.): without and with
# 52-bit output (DS for 4K/16K, LPA for 64K).
BLOCK_LEVELS = {12: ({1, 2}, {0, 1, 2}), 14: ({2}, {1, 2}), 16: ({2}, {1, 2})}
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
    """EL1&0 stage 1 from TTBR0/TTBR1/TCR (Arm ARM D8.2, TCR_EL1 D19.2)."""

    def __init__(self, ttbr0, ttbr1, tcr):
        self.tcr = tcr
        self.ha = (tcr >> 39) & 1
        self.tbi = ((tcr >> 37) & 1, (tcr >> 38) & 1)
        self.pa_bits = IPS_BITS.get((tcr >> 32) & 7, 48)
        self.half = []
        for ttbr, tsz, epd, g in (
                (ttbr0, tcr & 0x3f, (tcr >> 7) & 1, TG0_SHIFT[(tcr >> 14) & 3]),
                (ttbr1, (tcr >> 16) & 0x3f, (tcr >> 23) & 1,
                 TG1_SHIFT.get((tcr >> 30) & 3, 12))):
            wide = bool((tcr >> 59) & 1) if g != 16 else self.pa_bits == 52
            stride = g - 3
            bits = 64 - tsz
            nlevels = -(-(bits - g) // stride)
            top = bits - g - stride * (nlevels - 1)   # index bits at start
            # BADDR (D19.2 TTBR1_EL1): bits 47:1; with 52-bit output
            # BADDR[51:48] is TTBR bits 5:2. Aligned to the start table.
            root = ttbr & ((1 << 48) - 1) & ~1
            if wide:
                root = (root & ~0x3f) | ((ttbr >> 2) & 0xf) << 48
            root &= ~((8 << top) - 1)
            self.half.append(dict(root=root, bits=bits, start=4 - nlevels,
                                  top=top, epd=epd, g=g, wide=wide,
                                  blocks=BLOCK_LEVELS[g][wide]))

    def oa(self, half, d):
        """The output (or next-table) address field of a descriptor."""
        g = half["g"]
        base = d & ((1 << 48) - 1) & ~((1 << g) - 1)
        if not half["wide"]:
            return base
        if g == 16:
            return base | ((d >> 12) & 0xf) << 48
        return (d & ((1 << 50) - 1) & ~((1 << g) - 1)) | ((d >> 8) & 3) << 50

    def shift(self, half, level):
        return half["g"] + (half["g"] - 3) * (3 - level)

    def kind(self, half, level, d):
        """'table', 'leaf' or None (invalid) for a valid descriptor."""
        if level < 3 and d & 2:
            return "table"
        if (level == 3 and d & 2) or (level in half["blocks"] and not d & 2):
            return "leaf"
        return None


def leaves(core, rg):
    """Every valid leaf of both halves, in VA order: dicts with va, pa, size,
    level, desc and the OR of the table bits (63:59) above it."""
    out = []
    for h, half in enumerate(rg.half):
        base = 0 if h == 0 else (1 << 64) - (1 << half["bits"])
        if half["epd"]:
            continue
        _walk(core, rg, half, (half["root"], half["start"], half["top"]), base, 0, out)
    return out


def _walk(core, rg, half, where, va, tbits, out):
    table, level, index_bits = where
    shift = rg.shift(half, level)
    for i in range(1 << index_bits):
        d = core.read64(table + 8 * i)
        if d is None or not d & 1:
            continue
        addr = va + (i << shift)
        oa = rg.oa(half, d)
        if oa >> rg.pa_bits:
            continue  # address size fault (D8.3.2): no translation
        kind = rg.kind(half, level, d)
        if kind == "table":
            _walk(core, rg, half, (oa, level + 1, half["g"] - 3), addr,
                  tbits | (d >> 59), out)
        elif kind == "leaf":
            size = 1 << shift
            out.append(dict(va=addr, pa=oa & ~(size - 1), size=size,
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
        shift = rg.shift(half, level)
        ea = table + 8 * ((va >> shift) & ((1 << nbits) - 1))
        d = core.read64(ea)
        if d is None:
            return None, f"table not in image L{level}"
        chain.append((level, ea, d))
        if not d & 1:
            return None, f"translation fault L{level}"
        oa = rg.oa(half, d)
        if oa >> rg.pa_bits:
            return None, f"address size fault L{level}"
        kind = rg.kind(half, level, d)
        if kind == "table":
            table, level, nbits = oa, level + 1, half["g"] - 3
            continue
        if kind is None:
            return None, f"translation fault L{level}"
        if not d & (1 << 10) and not rg.ha:
            return None, f"access flag fault L{level}"
        size = 1 << shift
        return (oa & ~(size - 1)) | (va & (size - 1)), None


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

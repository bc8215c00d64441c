#!/usr/bin/env python3
"""Write the hand-made seed inputs of the walker and enum harnesses into
tests/fuzz/corpus/{walker,enum}/ (run once; the files are kept in git).

Each seed is the fuzz_space.h layout: mode, flags, MAXPHYADDR, extra-mask
bit, CR3, 34 parameter bytes (walker: four VAs + read length; enum: policy,
cap, va range, pa range), then the image, which holds one valid chain of
tables per mode with index 1 at every level (so a VA of all-ones indices
hits it), a large-page variant, and hostile shapes: a table pointing at
itself at every level, and a root in the image's last page.
"""
import os
import struct

MODES = {"none": 0, "32bit": 1, "32bit-pse": 2, "pae": 3, "4level": 4, "5level": 5}
P, RW, US, PS = 1, 2, 4, 0x80
PAGE = 4096


def header(mode, cr3, params, flags=0x01, mpa=52 - 36):
    return bytes([MODES[mode], flags, mpa, 0]) + struct.pack("<Q", cr3) + params


def walker_params(vas, rlen=64):
    vas = (list(vas) + [0] * 4)[:4]
    return b"".join(struct.pack("<Q", v & (2**64 - 1)) for v in vas) + struct.pack("<H", rlen)


def enum_params(start, end, pa0=0, palen=PAGE * 8, policy=0, budget=16, cap=16):
    return bytes([policy | (budget << 1), cap]) + struct.pack("<QQQQ", start, end, pa0, palen)


def chain(levels, esize, leaf_level=None, leaf_flags=0):
    """Pages 0..levels-1 are tables, each entry 1 points to the next page;
    the last points at a data page. leaf_level: make that level a PS leaf."""
    img = bytearray(PAGE * (levels + 1))
    for lvl in range(levels):
        base = lvl * PAGE
        nxt = (lvl + 1) * PAGE
        val = nxt | P | RW | US
        if leaf_level is not None and lvl == leaf_level:
            val = 0 | P | RW | US | PS | leaf_flags
        fmt = "<I" if esize == 4 else "<Q"
        struct.pack_into(fmt, img, base + esize, val)
        if leaf_level is not None and lvl == leaf_level:
            break
    img[levels * PAGE:levels * PAGE + 16] = b"vtop fuzz seed!\n"
    return bytes(img)


def va_of(shifts):
    return sum(1 << s for s in shifts)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    seeds = {}
    long4 = [39, 30, 21, 12]
    long5 = [48] + long4
    cases = [
        ("4level-4k", "4level", 4, 8, long4, None),
        ("4level-2m", "4level", 4, 8, long4, 2),
        ("4level-1g", "4level", 4, 8, long4, 1),
        ("5level-4k", "5level", 5, 8, long5, None),
        ("32bit-4k", "32bit", 2, 4, [22, 12], None),
        ("32bit-pse-4m", "32bit-pse", 2, 4, [22, 12], 0),
    ]
    for name, mode, levels, esize, shifts, leaf in cases:
        img = chain(levels, esize, leaf)
        va = va_of(shifts)
        if mode == "5level" and va >= 1 << 56:
            va |= 0xFF00000000000000
        seeds[name] = (mode, 0, img, va)
    # PAE: PDPT of 4 entries at cr3, then PD, PT, data.
    img = bytearray(PAGE * 4)
    struct.pack_into("<Q", img, 8, PAGE | P)
    struct.pack_into("<Q", img, PAGE + 8, 2 * PAGE | P | RW | US)
    struct.pack_into("<Q", img, 2 * PAGE + 8, 3 * PAGE | P | RW | US | (1 << 63))
    seeds["pae-4k-nx"] = ("pae", 0, bytes(img), va_of([30, 21, 12]))
    # Hostile: one page whose entry 0 points to itself, at every level.
    for mode, esize in (("4level", 8), ("5level", 8), ("32bit", 4), ("pae", 8)):
        img = bytearray(PAGE)
        struct.pack_into("<I" if esize == 4 else "<Q", img, 0, P | RW | US)
        seeds["selfmap-" + mode] = (mode, 0, bytes(img), 0x123)
    # Hostile: every entry present, pointing to the same page (page 0).
    img = bytearray(struct.pack("<Q", P | RW | US) * 512)
    seeds["allsame-4level"] = ("4level", 0, bytes(img), 0x00007FFFFFFFF000)
    # Root in the image's last page, its last entry at the image's last bytes.
    img = bytearray(PAGE * 2)
    struct.pack_into("<Q", img, 2 * PAGE - 8, PAGE | P | RW)
    seeds["root-last-page"] = ("4level", PAGE, bytes(img), 0xFFFFFFFFFFFFF123)
    for name, (mode, cr3, img, va) in seeds.items():
        for harness, params in (
            ("walker", walker_params([va, cr3, va + 0x10, 0xFFFFFFFFFFFFF000], 256)),
            ("enum", enum_params(0, 0xFFFFFFFFFFFFFFFF, 0, 1 << 22)),
        ):
            d = os.path.join(root, harness)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(header(mode, cr3, params) + img)


def elf_core(cls, machine, pages, cr3, cr4, with_qemu=True, qsize=0x1B0):
    """QEMU dump-guest-memory style core (QEMU target/i386/arch_dump.c): one PT_NOTE
    (CORE prstatus + QEMU CPU state) and one PT_LOAD of `pages` at phys 0."""
    def note(name, ntype, desc):
        nm = name + b"\0"
        pad = lambda b: b + b"\0" * (-len(b) % 4)
        return struct.pack("<III", len(nm), len(desc), ntype) + pad(nm) + pad(desc)
    cpu = bytearray(qsize)
    struct.pack_into("<II", cpu, 0, 1, qsize)
    struct.pack_into("<QQQQQ", cpu, 0x188, 0x80010033, 0, 0, cr3, cr4)
    notes = note(b"CORE", 1, bytes(336 if cls == 2 else 144))
    if with_qemu:
        notes += note(b"QEMU", 0, bytes(cpu))
    ehsize, phsize = (64, 56) if cls == 2 else (52, 32)
    phoff = ehsize
    note_off = phoff + 2 * phsize
    load_off = note_off + len(notes)
    load_off += -load_off % 16
    ident = b"\x7fELF" + bytes([cls, 1, 1]) + bytes(9)
    if cls == 2:
        eh = ident + struct.pack("<HHIQQQIHHHHHH", 4, machine, 1, 0, phoff, 0, 0,
                                 ehsize, phsize, 2, 0, 0, 0)
        ph = struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(notes), len(notes), 0)
        ph += struct.pack("<IIQQQQQQ", 1, 7, load_off, 0, 0, len(pages), len(pages), 0)
    else:
        eh = ident + struct.pack("<HHIIIIIHHHHHH", 4, machine, 1, 0, phoff, 0, 0,
                                 ehsize, phsize, 2, 0, 0, 0)
        ph = struct.pack("<IIIIIIII", 4, note_off, 0, 0, len(notes), len(notes), 0, 0)
        ph += struct.pack("<IIIIIIII", 1, load_off, 0, 0, len(pages), len(pages), 7, 0)
    out = bytearray(eh + ph + notes)
    out += bytes(load_off - len(out))
    return bytes(out + pages)


def lime(ranges):
    out = b""
    for base, data in ranges:
        out += struct.pack("<IIQQ8x", 0x4C694D45, 1, base, base + len(data) - 1) + data
    return out


def dmp64(pages, cr3, runs, bitmap=False):
    hdr = bytearray(0x2000)
    hdr[0:8] = b"PAGEDU64"
    struct.pack_into("<Q", hdr, 0x10, cr3)
    struct.pack_into("<II", hdr, 0x30, 0x8664, 1)
    npages = sum(c for _, c in runs)
    struct.pack_into("<IIQ", hdr, 0x88, len(runs), 0, npages)
    for i, (b, c) in enumerate(runs):
        struct.pack_into("<QQ", hdr, 0x98 + 16 * i, b, c)
    if not bitmap:
        struct.pack_into("<I", hdr, 0xF98, 1)
        return bytes(hdr) + pages
    struct.pack_into("<I", hdr, 0xF98, 5)
    total = max(b + c for b, c in runs)
    bmp = bytearray((total + 7) // 8)
    for b, c in runs:
        for pfn in range(b, b + c):
            bmp[pfn // 8] |= 1 << (pfn % 8)
    first = 0x2000 + 0x38 + len(bmp)
    first += -first % PAGE
    sd = bytearray(0x38)
    sd[0:8] = b"SDMPDUMP"
    struct.pack_into("<QQQ", sd, 0x20, first, npages, total)
    body = bytes(hdr) + bytes(sd) + bytes(bmp)
    return body + bytes(first - len(body)) + pages


def dmp32(pages, cr3, pae):
    hdr = bytearray(0x1000)
    hdr[0:8] = b"PAGEDUMP"
    struct.pack_into("<I", hdr, 0x10, cr3)
    struct.pack_into("<II", hdr, 0x20, 0x14C, 1)
    hdr[0x5C] = 1 if pae else 0
    struct.pack_into("<IIII", hdr, 0x64, 1, len(pages) // PAGE, 0, len(pages) // PAGE)
    struct.pack_into("<I", hdr, 0xF88, 1)
    return bytes(hdr) + pages


def format_seeds(root):
    long4 = va_of([39, 30, 21, 12])
    pages4 = chain(4, 8)
    pages32 = chain(2, 4)
    self4 = struct.pack("<Q", P | RW | US) * 512
    seeds = {
        "raw-4level": (0, pages4, long4),
        "elf64-qemu-4level": (0, elf_core(2, 62, pages4, 0, 0x6a0), long4),
        "elf64-qemu-1b8": (0, elf_core(2, 62, self4, 0, 0x6a0, qsize=0x1B8), 0x123),
        "elf64-em386-32bit": (0, elf_core(2, 3, pages32, 0, 0x10), va_of([22, 12])),
        "elf32-qemu-32bit": (0, elf_core(1, 3, pages32, 0, 0x10), va_of([22, 12])),
        "elf64-kdump": (0, elf_core(2, 62, self4, 0, 0x6a0, with_qemu=False), 0x123),
        "lime-two-ranges": (0, lime([(0, self4), (0x100000, b"\xaa" * 64)]), 0x123),
        "windmp64-full": (0, dmp64(pages4, 0, [(0, 5)]), long4),
        "windmp64-bitmap": (0, dmp64(self4 + self4, 0, [(0, 1), (3, 1)], bitmap=True), 0x123),
        "windmp32-full": (0, dmp32(pages32, 0, False), va_of([22, 12])),
    }
    d = os.path.join(root, "formats")
    os.makedirs(d, exist_ok=True)
    for name, (forced, img, va) in seeds.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(bytes([forced, 16]) + struct.pack("<Q", va) + img)


def compact_chain():
    """Two pages: page 0 serves as every 4-level table through distinct
    indices (PML4 1, PDPT 2, PD 3 -> page 0; PT 4 -> page 1, 2M leaf at PD
    index 5), so the space has a few hundred leaves, not a hostile number."""
    img = bytearray(2 * PAGE)
    for idx in (1, 2, 3):
        struct.pack_into("<Q", img, 8 * idx, P | RW | US)
    struct.pack_into("<Q", img, 8 * 4, PAGE | P | RW | US | (1 << 63))
    struct.pack_into("<Q", img, 8 * 5, 0x200000 | P | PS)
    img[PAGE:PAGE + 16] = b"vtop fuzz page!\n"
    return bytes(img)


def cmd_seeds(root):
    va = (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12)
    img = compact_chain()
    opened = "open fuzz --mode 4level --cr3 0\n"
    scripts = {
        "translate": opened + "vtop %x 0 ffff8000`00000000\npte %x\nread %x 40\nreadp 1000 0n16\n" % (va, va, va),
        "whole-space": opened + "tlb\nmem\nptov 1000\naudit\ninfo\n",
        "json": opened + "json on\nvtop %x\npte 0\ntlb 0 L 10000000000\nptov 0-2000\n" % va,
        "ranges": opened + "tlb 8000000000-8100000000\nmem 0 ffffffffffffffff\nread 0 4k\n",
        "errors": "help\nhelp vtop\nbogus\nvtop\nvtop zz\nopen\nopen fuzz --mode nope\nquit\nvtop 0\n",
        "roots": opened + "roots\nopen fuzz --format raw --mode 5level --cr3 0 --maxphyaddr 0n40\nvtop 0\n",
    }
    d = os.path.join(root, "cmd")
    os.makedirs(d, exist_ok=True)
    for name, text in scripts.items():
        flags = 0x04 | (0x01 if name == "json" else 0)
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(bytes([flags]) + struct.pack("<H", len(img)) + img + text.encode())
    # An ELF core opened directly (flag bit 1), its CR3 from the QEMU note.
    elf = elf_core(2, 62, img, 0, 0x6a0)
    with open(os.path.join(d, "seed-elf-span"), "wb") as f:
        f.write(bytes([0x02]) + struct.pack("<H", len(elf)) + elf +
                b"info\nvtop %x\npte %x\n" % (va, va))


def roots_seeds(root):
    """Memories holding top tables: a 4-level chain with an upper-half
    (kernel) entry, a Windows-style self-map at index 0x1ED, a 5-level
    chain, a PAE PDPT; params: cap 16, default walk, ranking on."""
    params = bytes([16, 0, 0])
    mems = {}
    img = bytearray(chain(4, 8))
    struct.pack_into("<Q", img, 8 * 300, PAGE | P | RW)
    mems["4level-kernel-half"] = ("none", img)
    img = bytearray(chain(4, 8))
    struct.pack_into("<Q", img, 8 * 0x1ED, 0 | P | RW)
    struct.pack_into("<Q", img, 8 * 0x1F0, PAGE | P | RW)
    mems["4level-selfmap"] = ("4level", img)
    img = bytearray(chain(5, 8))
    struct.pack_into("<Q", img, 8 * 300, PAGE | P | RW)
    mems["5level-kernel-half"] = ("none", img)
    img = bytearray(PAGE * 4)
    for i in range(4):
        struct.pack_into("<Q", img, 8 * i, PAGE | P)
    struct.pack_into("<Q", img, PAGE + 8, 2 * PAGE | P | RW)
    struct.pack_into("<Q", img, PAGE + 8 * 256, 0x200000 | P | RW | PS)
    mems["pae"] = ("pae", img)
    d = os.path.join(root, "roots")
    os.makedirs(d, exist_ok=True)
    for name, (mode, img) in mems.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(header(mode, 0, params) + bytes(img))


if __name__ == "__main__":
    main()
    format_seeds(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    cmd_seeds(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    roots_seeds(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))

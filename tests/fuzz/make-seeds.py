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


if __name__ == "__main__":
    main()

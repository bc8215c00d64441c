#!/usr/bin/env python3
"""Tiny hand-made memory images for the CLI tests (tests/cli/README.md).

cli4.raw  4-level paging, CR3 = 0x1000, 4 MiB of physical memory:
  PML4   @0x1000: [0] -> PDPT 0x2000 (P RW US), [256] -> PDPT 0x5000 (P RW)
  PDPT   @0x2000: [0] -> PD 0x3000 (P RW US)
  PD     @0x3000: [2] -> PT 0x4000 (P RW US)        VA 0x400000..0x5fffff
                  [3] 2M page PA 0x200000 (P RW PS A D), supervisor: VA 0x600000
                  [4] 2M page with reserved bit 13 set:            VA 0x800000
  PT     @0x4000: [0] PA 0x10000 P RW US A  "Hello, vtop!" at its start
                  [1] PA 0x11000 P RW US
                  [2] PA 0x12000 P US (read-only)
                  [3] PA 0x13000 P RW US NX
                  [4] not present (0)
                  [5] PA 0x10000000 P RW US (frame outside the image)
  PDPT   @0x5000: [0] -> PD 0x6000 (P RW)
  PD     @0x6000: [0] 2M page PA 0x0 (P RW PS G NX): VA 0xffff800000000000
cli4.lime  the same memory as LiME, without the 0x300000..0x3fffff MiB
  (two ranges: 0..0x2fffff and 0x380000..0x3fffff, so a hole).
"""
import os
import struct
import sys

P, RW, US, A, D, PS, G = 1, 2, 4, 0x20, 0x40, 0x80, 0x100
NX = 1 << 63
SIZE = 0x400000


def put(mem, pa, entry):
    mem[pa:pa + 8] = struct.pack('<Q', entry)


def build():
    mem = bytearray(SIZE)
    put(mem, 0x1000 + 0 * 8, 0x2000 | P | RW | US)
    put(mem, 0x1000 + 256 * 8, 0x5000 | P | RW)
    put(mem, 0x2000 + 0 * 8, 0x3000 | P | RW | US)
    put(mem, 0x3000 + 2 * 8, 0x4000 | P | RW | US)
    put(mem, 0x3000 + 3 * 8, 0x200000 | P | RW | PS | A | D)
    put(mem, 0x3000 + 4 * 8, 0x400000 | (1 << 13) | P | RW | PS)
    put(mem, 0x4000 + 0 * 8, 0x10000 | P | RW | US | A)
    put(mem, 0x4000 + 1 * 8, 0x11000 | P | RW | US)
    put(mem, 0x4000 + 2 * 8, 0x12000 | P | US)
    put(mem, 0x4000 + 3 * 8, 0x13000 | P | RW | US | NX)
    put(mem, 0x4000 + 5 * 8, 0x10000000 | P | RW | US)
    put(mem, 0x5000 + 0 * 8, 0x6000 | P | RW)
    put(mem, 0x6000 + 0 * 8, 0x0 | P | RW | PS | G | NX)
    mem[0x10000:0x1000c] = b'Hello, vtop!'
    for i in range(0x1000):
        mem[0x13000 + i] = i & 0xff
    mem[0x200000:0x200010] = b'large page 2M..\n'
    return mem


def lime(mem):
    out = bytearray()
    for s, e in ((0, 0x2fffff), (0x380000, 0x3fffff)):
        out += struct.pack('<IIQQ8s', 0x4C694D45, 1, s, e, b'\0' * 8)
        out += mem[s:e + 1]
    return out


SPARSE_SIZE = 16 << 20


def sparse_and_dense(outdir, mem):
    """cli4.raw's bytes in a 16 MiB raw file twice: cli4-sparse.raw with
    every all-zero page and the tail left as holes (seeked over, so the
    file system stores none), cli4-dense.raw with every byte written."""
    zero = bytes(4096)
    with open(outdir + '/cli4-sparse.raw', 'wb') as f:
        for off in range(0, len(mem), 4096):
            page = bytes(mem[off:off + 4096])
            if page != zero[:len(page)]:
                f.seek(off)
                f.write(page)
        f.truncate(SPARSE_SIZE)
    with open(outdir + '/cli4-dense.raw', 'wb') as f:
        f.write(mem)
        f.write(bytes(SPARSE_SIZE - len(mem)))


def main():
    outdir = sys.argv[1]
    mem = build()
    with open(outdir + '/cli4.raw', 'wb') as f:
        f.write(mem)
    with open(outdir + '/cli4.lime', 'wb') as f:
        f.write(lime(mem))
    with open(outdir + '/damaged.lime', 'wb') as f:
        # LiME header whose range runs past the end of the file.
        f.write(struct.pack('<IIQQ8s', 0x4C694D45, 1, 0, 0xfffff, b'\0' * 8))
        f.write(b'\0' * 64)
    with open(outdir + '/empty.raw', 'wb') as f:
        pass
    sparse_and_dense(outdir, mem)
    # A FIFO: vtop must refuse it before blocking on the open.
    if os.path.exists(outdir + '/fifo'):
        os.unlink(outdir + '/fifo')
    os.mkfifo(outdir + '/fifo')


if __name__ == '__main__':
    main()

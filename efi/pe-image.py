#!/usr/bin/env python3
"""PE/COFF header work on the EFI app after objcopy (efi/efi.mk).

  pe-image.py nxcompat FILE          set DllCharacteristics NX_COMPAT (0x0100)
                                     and recompute the header CheckSum
  pe-image.py check FILE MACHINE     the rules firmware with memory
                                     protections applies to an image; MACHINE
                                     is x64, ia32 or aa64; exit 1 with the
                                     reasons

Layout facts from the Microsoft PE/COFF specification ("PE Format"):
the PE signature offset at 0x3c; COFF header (20 bytes) after "PE\\0\\0";
the optional header's Magic 0x10b (PE32) or 0x20b (PE32+), SectionAlignment
at +32, Subsystem at +68, DllCharacteristics at +70, CheckSum at +64; section
headers of 40 bytes after the optional header (VirtualSize +8,
VirtualAddress +12, Characteristics +36). The image rules are Microsoft's
"UEFI CA memory mitigation requirements": sections page aligned, none both
writable and executable, NX_COMPAT set.
"""
import struct
import sys

NX_COMPAT = 0x0100
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
SCN_CNT_CODE = 0x00000020
PAGE = 4096
# IMAGE_FILE_MACHINE_AMD64, _I386 and _ARM64 ("PE Format", Machine Types).
MACHINES = {"x64": (0x8664, 0x20b, "PE32+"), "ia32": (0x14c, 0x10b, "PE32"),
            "aa64": (0xAA64, 0x20b, "PE32+")}
SUBSYSTEM_EFI_APPLICATION = 10


class PeError(Exception):
    pass


def headers(data):
    if len(data) < 0x40 or data[:2] != b"MZ":
        raise PeError("no MZ header")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise PeError("no PE signature")
    coff = pe + 4
    machine, nsect, _, symtab, _, optsize, _ = struct.unpack_from("<HHIIIHH", data, coff)
    opt = coff + 20
    magic = struct.unpack_from("<H", data, opt)[0]
    sections = []
    for i in range(nsect):
        off = opt + optsize + 40 * i
        name = data[off:off + 8].rstrip(b"\0").decode("ascii", "replace")
        vsize, va, rawsize, _ = struct.unpack_from("<IIII", data, off + 8)
        flags = struct.unpack_from("<I", data, off + 36)[0]
        sections.append((name, va, vsize, rawsize, flags))
    return {"machine": machine, "magic": magic, "opt": opt, "sections": sections,
            "symtab": symtab}


def checksum(data, field):
    """The PE CheckSum: 16-bit one's-complement-style sum of the file with
    the CheckSum field taken as zero, folded, plus the file length."""
    buf = bytearray(data)
    buf[field:field + 4] = b"\0\0\0\0"
    if len(buf) % 2:
        buf.append(0)
    total = 0
    for (word,) in struct.iter_unpack("<H", bytes(buf)):
        total += word
        total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return (total + len(data)) & 0xFFFFFFFF


def nxcompat(path):
    data = bytearray(open(path, "rb").read())
    h = headers(data)
    dll = h["opt"] + 70
    value = struct.unpack_from("<H", data, dll)[0] | NX_COMPAT
    struct.pack_into("<H", data, dll, value)
    struct.pack_into("<I", data, h["opt"] + 64, checksum(data, h["opt"] + 64))
    open(path, "wb").write(data)


def problems(data, arch):
    h = headers(data)
    want_machine, want_magic, kind = MACHINES[arch]
    out = []
    if h["machine"] != want_machine or h["magic"] != want_magic:
        out.append("not %s for %s (machine 0x%x, magic 0x%x)"
                   % (kind, arch, h["machine"], h["magic"]))
        return out
    opt = h["opt"]
    align = struct.unpack_from("<I", data, opt + 32)[0]
    subsystem, dll = struct.unpack_from("<HH", data, opt + 68)
    if subsystem != SUBSYSTEM_EFI_APPLICATION:
        out.append("subsystem %d, not 10 (EFI application)" % subsystem)
    if not dll & NX_COMPAT:
        out.append("DllCharacteristics 0x%04x lacks NX_COMPAT (0x0100)" % dll)
    if align % PAGE:
        out.append("SectionAlignment 0x%x is not a multiple of 4 KiB" % align)
    if h["symtab"]:
        # Authenticode hashes the headers and the sections; a COFF symbol
        # table behind them is left unhashed (sbsign: "data remaining").
        out.append("COFF symbol table at 0x%x (objcopy --strip-all)" % h["symtab"])
    if not h["sections"]:
        out.append("no sections")
    end = None
    for name, va, vsize, _, flags in h["sections"]:
        if va % PAGE:
            out.append("section %s at 0x%x is not 4 KiB aligned" % (name, va))
        if flags & SCN_MEM_WRITE and flags & (SCN_MEM_EXECUTE | SCN_CNT_CODE):
            out.append("section %s is both writable and executable" % name)
        if end is not None and va != end:
            out.append("gap before section %s (0x%x, previous ends at page 0x%x)"
                       % (name, va, end))
        end = (va + vsize + PAGE - 1) // PAGE * PAGE
    return out


def describe(data):
    h = headers(data)
    parts = []
    for name, _, vsize, _, flags in h["sections"]:
        rights = "R" + ("W" if flags & SCN_MEM_WRITE else "") + \
            ("X" if flags & SCN_MEM_EXECUTE else "")
        parts.append("%s %s %dK" % (name, rights, vsize // 1024))
    return ", ".join(parts)


def main(argv):
    if len(argv) == 3 and argv[1] == "nxcompat":
        nxcompat(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "check" and argv[3] in MACHINES:
        data = open(argv[2], "rb").read()
        bad = problems(data, argv[3])
        for line in bad:
            print("check-image: %s: %s" % (argv[2], line), file=sys.stderr)
        if not bad:
            print("check-image: %s: %s EFI application, NX_COMPAT, %s; %d bytes"
                  % (argv[2], MACHINES[argv[3]][2], describe(data), len(data)))
        return 1 if bad else 0
    print(__doc__.split("\n\n")[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, PeError, struct.error) as e:
        print("pe-image: %s" % e, file=sys.stderr)
        sys.exit(1)

"""A tiny initramfs for the capture guests: static busybox plus
images/guests/init.sh, packed as a newc cpio archive."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def cpio_newc(entries):
    """A newc cpio archive (the format the kernel unpacks as initramfs,
    Documentation/driver-api/early-userspace/buffer-format.rst).
    entries: list of (name, mode, data)."""
    out = bytearray()

    def add(name, mode, data, ino):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for i, (name, mode, data) in enumerate(entries, 1):
        add(name, mode, data, i)
    add("TRAILER!!!", 0, b"", 0)
    return bytes(out)


def make_initramfs(busybox, path, modules=()):
    """modules: kernel module files packed at the archive's root, where
    init.sh loads them."""
    with open(busybox, "rb") as f:
        bb = f.read()
    with open(os.path.join(HERE, "init.sh"), "rb") as f:
        init = f.read()
    d, r, x = 0o040755, 0o100755, 0o100755
    entries = [("bin", d, b""), ("dev", d, b""), ("proc", d, b""),
               ("sys", d, b""), ("tmp", d, b""),
               ("bin/busybox", r, bb), ("bin/sh", 0o120777, b"busybox"),
               ("init", x, init)]
    for m in modules:
        with open(m, "rb") as f:
            entries.append((os.path.basename(m), 0o100644, f.read()))
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))

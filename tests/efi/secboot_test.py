#!/usr/bin/env python3
"""Secure Boot under OVMF with Debian's snakeoil keys (TAP).

OVMF_CODE_4M.snakeoil.fd + a copy of OVMF_VARS_4M.snakeoil.fd has Secure
Boot on with the snakeoil certificate in db. It refuses its own unsigned
Shell, so the app boots as the removable-media loader \\EFI\\BOOT\\BOOTX64.EFI
(tools/qemu-efi.sh --usb) with a \\vtop.nsh script. Booted that way the app
gets no load options (no -shutdown): the test stops QEMU itself once the
app has printed its exit status, or once the boot manager has given up.

  secboot_test.py --signed build/sign/vtop.signed.efi --unsigned build/efi/vtop.efi
"""
import argparse
import os
import signal
import subprocess
import sys
import time

from e2e import BANNER, tap, wait_for
import e2e

# BdsDxe (EDK2 MdeModulePkg/Universal/BdsDxe/BdsEntry.c) prints these on the
# console when a boot option's image fails verification, and when it has no
# option left.
REFUSED = "\"UEFI QEMU HARDDISK QM00001 \" from PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0): Access Denied"
GAVE_UP = "BdsDxe: No bootable option or device was found."
DONE = r"vtop: exit status (\d+)\r\n|" + GAVE_UP.replace(".", r"\.")


def boot_secure(args, name, app, hang_guard=e2e.HANG_LIMIT):
    """Boot app under Secure Boot; returns (transcript, seconds, timed_out)."""
    d = os.path.join(args.work, name)
    os.makedirs(d, exist_ok=True)
    log = os.path.join(d, "serial.log")
    if os.path.exists(log):
        os.unlink(log)
    t0 = time.monotonic()
    p = subprocess.Popen(["tools/qemu-efi.sh", "--firmware", "x64-snakeoil", "--usb",
                          "--app", app, "--dir", d, "--timeout", str(hang_guard + 10),
                          "--add", f"{args.script}:vtop.nsh"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    text, m = wait_for(log, DONE, t0 + hang_guard)
    os.killpg(p.pid, signal.SIGTERM)
    p.wait()
    secs = time.monotonic() - t0
    if text is None:
        text = e2e.read_log(log)
    print(f"# boot {name}: {'timeout' if m is None else 'ended'} in {secs:.1f} s", flush=True)
    return text, secs, m is None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--signed", required=True)
    ap.add_argument("--unsigned", required=True)
    ap.add_argument("--work", default="build/efi-test/secboot")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    args.script = os.path.join(args.work, "vtop.nsh")
    with open(args.script, "w") as f:
        f.write("memmap\n")

    text, secs, timeout = boot_secure(args, "signed", args.signed)
    banner = BANNER.search(text)
    tap(banner is not None and "self-check: pass" in text and "vtop: exit status 0\r\n" in text,
        f"Secure Boot: the signed app boots as BOOTX64.EFI, runs its checks and its script, "
        f"status 0 ({secs:.1f} s)",
        "timeout: no exit status" if timeout else text[-1500:])
    tap(REFUSED not in text, "Secure Boot: the firmware did not refuse the signed app")

    text, secs, timeout = boot_secure(args, "unsigned", args.unsigned)
    tap(not timeout and REFUSED in text and GAVE_UP in text and BANNER.search(text) is None,
        f"Secure Boot: the unsigned app is refused (Access Denied) and never starts ({secs:.1f} s)",
        "timeout" if timeout else text[-1500:])
    print(f"1..{e2e.N}")
    return 1 if e2e.FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

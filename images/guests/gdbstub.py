"""A persistent gdb-multiarch session on QEMU's gdbstub (QEMU gdbstub.c,
target/arm/gdbstub.c and gdbstub64.c). While gdb is attached the vCPU stays
stopped; a `detach` resumes it (gdbstub.c handles the D packet with
gdb_continue), so the session is kept open until QEMU quits.

QEMU 7.2 describes the Arm system registers to gdb in a generated XML
feature (org.qemu.gdb.arm.sys.regs, target/arm/gdbstub.c
arm_gen_dynamic_sysreg_xml), under their ARM ARM names (TTBR1_EL1, TCR_EL1,
MAIR_EL1, ...)."""
import re
import subprocess
import time

from qmp import CaptureError

END = "VTOP-GDB-END"


class Gdb:
    def __init__(self, port, timeout=120):
        self.timeout = timeout
        self.p = subprocess.Popen(
            ["gdb-multiarch", "-q", "-nx", "-nw"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1)
        self.cmd("set pagination off")
        self.cmd("set confirm off")
        self.cmd("set architecture aarch64")
        out = self.cmd(f"target remote 127.0.0.1:{port}")
        if "Remote debugging" not in out and "in ??" not in out and "0x" not in out:
            raise CaptureError(f"gdb could not attach to :{port}: {out[-200:]}")

    def cmd(self, line):
        """Output of one gdb command (up to the echoed end marker)."""
        self.p.stdin.write(f"{line}\necho {END}\\n\n")
        self.p.stdin.flush()
        out = []
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise CaptureError(f"timeout: gdb gave no answer to {line!r}")
            s = self.p.stdout.readline()
            if not s:
                raise CaptureError(f"gdb exited during {line!r}: {''.join(out)[-200:]}")
            if END in s:
                return "".join(out)
            out.append(s)

    def reg(self, name):
        """One register's value, e.g. reg('TTBR1_EL1')."""
        out = self.cmd(f"info registers {name}")
        m = re.search(r"(?:^|\s)" + re.escape(name) + r"\s+(0x[0-9a-f]+)", out, re.I)
        if not m:
            raise CaptureError(f"gdb shows no register {name}: {out.strip()[-200:]}")
        return int(m.group(1), 16)

    def set_reg(self, name, value):
        self.cmd(f"set ${name} = 0x{value:x}")
        if self.reg(name) != value:
            raise CaptureError(f"gdb could not set {name} to 0x{value:x}")

    def close(self):
        """Kill gdb without detaching (a detach would resume the vCPU)."""
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

"""Minimal QMP client for the guest captures (docs/interop/qmp-spec.txt)."""
import json
import socket
import time


class CaptureError(Exception):
    pass


class Qmp:
    """Minimal QMP client (docs/interop/qmp-spec.txt): greeting,
    qmp_capabilities, then one command at a time; events are skipped."""

    def __init__(self, path, timeout):
        deadline = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise CaptureError("QMP socket did not open")
                time.sleep(0.2)
        self.s.settimeout(timeout)
        self.buf = b""
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise CaptureError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.s.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._read()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise CaptureError(f"QMP {name}: {r['error'].get('desc')}")

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})

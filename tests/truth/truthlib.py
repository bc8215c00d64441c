"""Shared helpers of the truth tests: TAP output with the known-issues
list, text comparison, running vtop, image arguments per format."""
import difflib
import os
import re
import subprocess
import time

TIMEOUT = int(os.environ.get("VTOP_TRUTH_TIMEOUT", "300"))


def load_known(path):
    """tests/truth/known-issues.txt: `REGEX<TAB>reason` per line. A failing
    check whose name matches is reported as `# SKIP known discrepancy`
    (counted apart by tools/run-tests.sh, never as a pass) until the cause
    is fixed; a matching check that passes asks for its line's removal."""
    known = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    pat, _, why = line.rstrip("\n").partition("\t")
                    known.append((re.compile(pat), why.strip()))
    return known


class Tap:
    def __init__(self, known=()):
        self.n = 0
        self.failed = 0
        self.known = list(known)
        self.known_hits = 0

    def ok(self, good, name, skip=None):
        self.n += 1
        why = next((w for p, w in self.known if p.search(name)), None)
        if why is not None and not skip:
            if good:
                print(f"# known issue no longer seen, remove it from "
                      f"known-issues.txt: {why}")
            else:
                self.known_hits += 1
                skip = f"known discrepancy: {why}"
        if skip:
            print(f"ok {self.n} - {name} # SKIP {skip}", flush=True)
        elif good:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)


def text_lines(s):
    return s.replace("\r\n", "\n").splitlines()


def show_diff(expected, got, exp_name, got_name):
    d = list(difflib.unified_diff(expected, got, exp_name, got_name,
                                  n=1, lineterm=""))
    for line in d[:16]:
        print("#   " + line)
    if len(d) > 16:
        print(f"#   ... ({len(d) - 16} more diff lines)")


def count_mismatches(expected, got):
    sm = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    bad = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            bad += max(i2 - i1, j2 - j1)
    return bad


def run_vtop(vtop, args, stdin=None):
    t0 = time.monotonic()
    try:
        r = subprocess.run([vtop] + args, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        out, err, rc = r.stdout.decode(errors="replace"), \
            r.stderr.decode(errors="replace"), r.returncode
    except subprocess.TimeoutExpired:
        out, err, rc = "", f"timeout: no answer within {TIMEOUT} s", -1
    except OSError as e:  # a missing or unrunnable binary is a failure
        out, err, rc = "", f"cannot run {vtop}: {e}", -1
    return rc, out, err, time.monotonic() - t0


def cli_mode(meta):
    """--mode for images without CPU state; a 32-bit guest with CR4.PSE
    set is vtop's 32bit-pse."""
    if meta["vtop_mode"] == "32bit" and int(meta["cr4"], 16) & 0x10:
        return "32bit-pse"
    return meta["vtop_mode"]


def image_args(meta, fmt, path):
    if fmt == "elf":
        return [path]
    return ["--cr3", meta["cr3"], "--mode", cli_mode(meta), path]


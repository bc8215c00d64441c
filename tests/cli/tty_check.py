#!/usr/bin/env python3
"""Interactive use: with a terminal on stdin, vtop prompts `vtop> ` before
each command, answers, keeps going after an error, stops at `quit`, and
exits 0. TAP lines. Env: VTOP, IMG, VTOP_RUN_PREFIX."""
import os
import pty
import shlex
import subprocess
import sys

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
IMG = os.environ.get('IMG', 'build/cli-images')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))


def main():
    master, slave = pty.openpty()
    p = subprocess.Popen(PREFIX + [VTOP, '--cr3', '1000', '--mode', '4level',
                                   f'{IMG}/cli4.raw'],
                         stdin=slave, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    os.close(slave)
    os.write(master, b'vtop 400000\nfrobnicate\nquit\nvtop 401000\n')
    try:
        out, err = p.communicate(timeout=120)
    finally:
        os.close(master)
    want_out = ('vtop> va 0000000000400000 pa 0000000000010000 size 4K '
                'rights rwxu status 0x00000000 ok\nvtop> vtop> ')
    want_err = "vtop: error: line 2: unknown command 'frobnicate' (try `help`)\n"
    failed = 0
    for n, (name, ok) in enumerate([
            ('prompt before each command, answers, stops at quit', out == want_out),
            ('error names the line and the session goes on', err == want_err),
            ('interactive session exits 0', p.returncode == 0)], 1):
        print(f'{"ok" if ok else "not ok"} {n} - tty {name}')
        if not ok:
            failed += 1
            print(f'# out={out!r}\n# err={err!r} rc={p.returncode}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

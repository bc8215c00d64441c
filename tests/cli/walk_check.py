#!/usr/bin/env python3
"""Whole-space table walks: `ptov` (the map, one PA, a range of more than
the 4096 hits shown) and `audit` print the same bytes with --jobs 1, 2 and
3 and with or without --progress; the progress line goes to stderr only
(with --progress, or when stderr is a terminal), reaches 100% and ends its
line; without either, stderr stays empty. Images: a 4-level raw file this
script writes (about 86,000 leaves over seven 1 GiB spans, aliased through a 2M
direct map; holes left as holes), the synthetic images of build/images,
cli4.kdump (a page source: one job). TAP lines. Env: VTOP, IMG, SYN, WORK,
VTOP_RUN_PREFIX."""
import os
import pty
import re
import shlex
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402  (tests/cli/tap.py: the shared TAP report)
import threading

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
IMG = os.environ.get('IMG', 'build/cli-images')
SYN = os.environ.get('SYN', 'build/images')
WORK = os.environ.get('WORK', 'build/cli-work')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))
PROGRESS = re.compile(r'\r(ptov|audit): +\d+\.\d% +\d+\.\d\d [kMGTPE]B/s +'
                      r'\d\d:\d\d:\d\d left ')
results = []

P, RW, US, PS = 1, 2, 4, 0x80
MiB = 1 << 20


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def run(args, stderr_tty=False):
    """(exit code, stdout, stderr) as text; stderr from a pty if asked."""
    if not stderr_tty:
        p = subprocess.run(PREFIX + [VTOP] + args, capture_output=True,
                           timeout=600)
        return p.returncode, p.stdout.decode(), p.stderr.decode()
    master, slave = pty.openpty()
    p = subprocess.Popen(PREFIX + [VTOP] + args, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()   # stdout drained beside the pty: neither may fill
    err = b''
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: the child closed its end
            break
        if not chunk:
            break
        err += chunk
    reader.join(timeout=600)
    p.wait(timeout=600)
    os.close(master)
    return p.returncode, out[0].decode(), err.decode()


def write_image(path):
    """64 MiB raw, root 0x1000 (4-level, SDM Vol. 3A 4.5): PML4[0] -> PDPT
    whose entries 0..3 hold 64 page tables each (4K pages spread over the
    image), PML4[1] one more span with 2M pages, PML4[273] a 2M direct map
    of the whole image, PML4[511] a kernel span of one page table. Only
    the table pages are written: the rest stays a hole."""
    tables = {}

    def put(pa, value):
        page, off = pa & ~0xfff, pa & 0xfff
        tables.setdefault(page, bytearray(4096))[off:off + 8] = \
            struct.pack('<Q', value)

    nxt = [0x2000]

    def table():
        t = nxt[0]
        nxt[0] += 0x1000
        return t

    pdpt = table()
    put(0x1000, pdpt | P | RW | US)
    frame, leaves = 0, 16 + 32 + 512
    for i in range(4):
        pd = table()
        put(pdpt + 8 * i, pd | P | RW | US)
        for j in range(64):
            pt = table()
            put(pd + 8 * j, pt | P | RW | US)
            for k in range(0, 512, 1 + (i + j) % 3):
                frame = (frame * 1103515245 + 12345) % (64 * MiB // 4096)
                put(pt + 8 * k, (frame << 12) | P | (RW if k % 2 else 0) | US)
                leaves += 1
    pdpt1, pd1 = table(), table()
    put(0x1000 + 8, pdpt1 | P | RW | US)
    put(pdpt1 + 8 * 5, pd1 | P | RW | US)
    for j in range(16):
        put(pd1 + 8 * j, (j * 2 * MiB) | P | PS | US)
    dpdpt, dpd = table(), table()
    put(0x1000 + 8 * 273, dpdpt | P | RW)
    put(dpdpt, dpd | P | RW)
    for j in range(32):
        put(dpd + 8 * j, (j * 2 * MiB) | P | RW | PS)
    kpdpt, kpd, kpt = table(), table(), table()
    put(0x1000 + 8 * 511, kpdpt | P | RW)
    put(kpdpt + 8 * 510, kpd | P | RW)
    put(kpd, kpt | P | RW)
    for k in range(512):
        put(kpt + 8 * k, ((0x200 + k) << 12) | P | (RW if k % 4 else 0))
    with open(path, 'wb') as f:
        f.truncate(64 * MiB)
        for page, data in sorted(tables.items()):
            f.seek(page)
            f.write(data)
    return leaves


def same_everywhere(label, image, cmd):
    """cmd's stdout and exit code with --jobs 1 (the reference), 2, 3 and
    --progress; stderr empty without --progress."""
    want = run(['--jobs', '1', *image, *cmd])
    check(f'{label}: {" ".join(cmd)} answers (exit {want[0]})',
          want[0] in (0, 1) and want[1] != '', want[2][:300])
    check(f'{label}: {" ".join(cmd)}: stderr empty without --progress',
          want[2] == '', repr(want[2][:200]))
    for extra in (['--jobs', '2'], ['--jobs', '3'], ['--progress'],
                  ['--progress', '--jobs', '2']):
        got = run([*extra, *image, *cmd])
        check(f'{label}: {" ".join(cmd)} {" ".join(extra)}: same stdout',
              got[:2] == want[:2], got[1][:300])
        if '--progress' in extra:
            lines = got[2].split('\r')
            check(f'{label}: {" ".join(cmd)} {" ".join(extra)}: progress on '
                  'stderr reaches 100% and ends the line',
                  got[2].startswith('\r') and got[2].endswith('\n') and
                  all(PROGRESS.match('\r' + s) for s in lines[1:]) and
                  '100.0%' in lines[-1], repr(got[2][-300:]))
    return want


def main():
    os.makedirs(WORK, exist_ok=True)
    big = os.path.join(WORK, 'walk4.raw')
    leaves = write_image(big)
    img = ['--cr3', '1000', '--mode', '4level', big]
    m = same_everywhere('walk4.raw', img, ['ptov'])
    check(f'walk4.raw: the map has a line for each of the {leaves} leaves',
          len(m[1].splitlines()) == leaves, str(len(m[1].splitlines())))
    q = same_everywhere('walk4.raw', img, ['ptov', '0', '3ffffff'])
    check('walk4.raw: more hits than shown: the first 4096 and the count',
          q[1].endswith('mapping(s) (first ones shown)\n') and
          len(q[1].splitlines()) == 4097, q[1][-200:])
    same_everywhere('walk4.raw', img, ['ptov', '200000'])
    same_everywhere('walk4.raw', img, ['ptov', '5000000', '5001000'])
    same_everywhere('walk4.raw', img, ['audit'])
    same_everywhere('walk4.raw', ['--json', *img], ['ptov', '1234'])
    for name in ('32bit.elf64', 'pae.elf64', '4level.elf64', '5level.elf64',
                 'a64-16k.elf'):
        same_everywhere(name, [f'{SYN}/{name}'], ['ptov'])
        same_everywhere(name, [f'{SYN}/{name}'], ['audit'])
    kd = ['--cr3', '1000', '--mode', '4level', f'{IMG}/cli4.kdump']
    same_everywhere('cli4.kdump (a page source: one job)', kd, ['ptov'])
    same_everywhere('cli4.kdump', kd, ['ptov', '10000'])
    plain = run(['--jobs', '2', *img, 'ptov'])
    for cmd in (['ptov'], ['audit']):
        tty = run(['--jobs', '2', *img, *cmd], stderr_tty=True)
        ref = plain if cmd == ['ptov'] else run(img + cmd)
        check(f'stderr a terminal: {cmd[0]} shows progress there, stdout '
              'unchanged', tty[:2] == ref[:2] and
              PROGRESS.match(tty[2]) is not None and '100.0%' in tty[2] and
              tty[2].endswith('\n'),
              repr(tty[2][-300:]))
    check('the progress line never reaches stdout', '\r' not in plain[1])
    os.remove(big)
    return tap.report(results, 'walk')


if __name__ == '__main__':
    sys.exit(main())

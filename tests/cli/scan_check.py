#!/usr/bin/env python3
"""Whole-image scans: `roots` gives the same answer, in the same order,
with --jobs 1, 2 and 3, on a sparse file (holes skipped) and on the same
bytes written densely; --progress writes to stderr only, never stdout.
TAP lines. Env: VTOP, IMG (mkimage.py: cli4-sparse.raw, cli4-dense.raw),
SYN (build/images), VTOP_RUN_PREFIX."""
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402  (tests/cli/tap.py: the shared TAP report)

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
IMG = os.environ.get('IMG', 'build/cli-images')
SYN = os.environ.get('SYN', 'build/images')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))
results = []


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def run(args):
    # bytes, decoded here: text mode would turn the progress line's
    # carriage returns into newlines
    p = subprocess.run(PREFIX + [VTOP] + args, capture_output=True, timeout=600)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def has_holes(path):
    """The file system really stores the sparse file with holes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.lseek(fd, 0, os.SEEK_HOLE) < os.fstat(fd).st_size
    finally:
        os.close(fd)


def same_with_jobs(label, image, extra=()):
    want = run(['--jobs', '1', image, 'roots', '20', *extra])
    check(f'{label}: roots finds candidates (exit 0)',
          want[0] == 0 and 'rank root' in want[1], want[2])
    for jobs in ('2', '3'):
        got = run(['--jobs', jobs, image, 'roots', '20', *extra])
        check(f'{label}: --jobs {jobs} gives the answer of --jobs 1', got == want,
              got[1][:300])
    got = run([image, 'roots', '--jobs', '2', '20', *extra])
    check(f'{label}: roots --jobs 2 gives the answer of --jobs 1', got == want)
    return want


def main():
    sparse, dense = f'{IMG}/cli4-sparse.raw', f'{IMG}/cli4-dense.raw'
    check('cli4-sparse.raw has holes, cli4-dense.raw none',
          has_holes(sparse) and not has_holes(dense))
    a = same_with_jobs('sparse', sparse)
    b = same_with_jobs('dense', dense)
    check('sparse and dense copies give the same roots answer', a == b,
          f'{a[1]!r} vs {b[1]!r}')
    for name in ('32bit.lime', 'pae.raw', '4level.lime', '5level.raw'):
        same_with_jobs(name, f'{SYN}/{name}')
    same_with_jobs('cli4.kdump (one job: a page source)', f'{IMG}/cli4.kdump')
    plain = run([dense, 'roots'])
    prog = run(['--progress', '--jobs', '2', dense, 'roots'])
    check('--progress: stdout unchanged', prog[1] == plain[1] and prog[0] == plain[0])
    check('--progress: the line on stderr reaches 100% and ends the line',
          prog[2].startswith('\rroots:') and '100.0%' in prog[2] and
          prog[2].endswith('\n') and re.search(r' [kMGTPE]B/s ', prog[2]) and
          'left' in prog[2],
          repr(prog[2][-200:]))
    check('no --progress and stderr not a terminal: stderr empty', plain[2] == '',
          repr(plain[2][:200]))
    return tap.report(results, 'scan')


if __name__ == '__main__':
    sys.exit(main())

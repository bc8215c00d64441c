#!/usr/bin/env python3
"""`vtop IMAGE vtop VA VA...` with thousands of addresses on the command
line answers byte for byte as a script of `vtop VA` lines does (both go
through the batched walk) and as the command table does one address a line
(`vtop "VA"`: the quotes keep a line out of the batched path, so it is
lexed and run as any command), with the same exit status and nothing on
stderr. On an image of every paging mode, in text and --json, over
addresses in every form vtop reads (plain hex, 0x, 0X, upper case, 16
digits, backtick grouping, 0n decimal, leading zeros beyond 16 digits) and
every kind of answer the images hold (ok at each page size, not present,
reserved bit, non-canonical, beyond the address width, a table outside the
image, AArch64 faults, Windows software PTEs, frames a kdump left out).

The argv answers are also compared with SHA-256 digests of what the CLI
printed before the argv path was reworked (FROZEN, taken from the build of
main at d7ea847): output byte-identical to it, not only self-consistent.
A word that is not an address makes the whole command run as before (its
usage error, exit 2, nothing on stdout): frozen the same way.

TAP lines. Env: VTOP, IMG (mkimage.py), SYN (build/images),
VTOP_RUN_PREFIX."""
import hashlib
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402  (tests/cli/tap.py: the shared TAP report)

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
IMG = os.environ.get('IMG', 'build/cli-images')
SYN = os.environ.get('SYN', 'build/images')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))
WORDS = 2500            # per image: many batches of 64, far beyond 32 words
results = []

# The images: (label, options and image path, the generator's map file or
# None, extra ranges the map file does not list: (va, size)).
CLI4_RANGES = [(0x400000, 0x6000), (0x600000, 0x200000), (0x800000, 0x200000),
               (0xffff800000000000, 0x200000)]
IMAGES = [
    ('cli4.raw', ['--cr3', '1000', '--mode', '4level', '@IMG@/cli4.raw'], None, CLI4_RANGES),
    ('cli4.kdump', ['--cr3', '1000', '--mode', '4level', '@IMG@/cli4.kdump'], None,
     CLI4_RANGES),
    ('4level.elf64', ['@SYN@/4level.elf64'], '4level', []),
    ('5level.elf64', ['@SYN@/5level.elf64'], '5level', []),
    ('pae.elf64', ['@SYN@/pae.elf64'], 'pae', []),
    ('32bit.elf64', ['@SYN@/32bit.elf64'], '32bit', []),
    ('4level.dmp', ['@SYN@/4level.dmp'], '4level', []),
    ('a64-4k.elf', ['@SYN@/a64-4k.elf'], 'a64-4k', []),
    ('a64-16k.elf', ['@SYN@/a64-16k.elf'], 'a64-16k', []),
]

# sha256 of the argv run's stdout with today's CLI, per (image, json).
FROZEN = {
    'cli4.raw': '30d7df0fb7cb0c67b10c3c47873e5d25d2e75f3be26eac4a7b2235ff8e097f0a',
    'cli4.raw json': '0e79cdf6f6b8bfc3d263050ac9145401e51c2cff654a344acc7efd99acd804d6',
    'cli4.kdump': '025f5e411d97ab062ff99a2138e7e6856f6fbf1ee53b5de72a83c254cad6ed90',
    'cli4.kdump json': '3e0d0de9a503f9ed9b1c802b2b84431da06805115d3dd8bc932fdd8fd3052afc',
    '4level.elf64': '60281c690fa24a7fcf12dd749914b27389835218aae78a2a1e4ac9cc9ae632b5',
    '4level.elf64 json': 'c7a60b68277942d0bf649cf057017518c402c7947ab919b87255f0ea80845476',
    '5level.elf64': 'b9aa311d33f72048ce7e18c8a39a75a2950ea83ddabc2099148fa860961af90c',
    '5level.elf64 json': '21f1734add1cef27e7b4425d86a0cd3cd3f0646b3630a94c6a749bccf4652aaa',
    'pae.elf64': 'b33d1209141a1eb86ebead5b8f2b2a21c9d537bf0cf537204ac220d70ef83edd',
    'pae.elf64 json': 'aa0eefd1b9d07c82aa60ff840b6d214b8f2deb7d40e423e0bb9d309619e428f7',
    '32bit.elf64': 'b7838d6d66dbaa74f4b2a897928a050383e5fed7afcb6e29b97834f3cd39869f',
    '32bit.elf64 json': 'ef903a1373bde37277ee39cb1caada9160dfb43697b089550b5bfcecdc66d808',
    '4level.dmp': '41946a79bd24f165a0a641740af87ab15d65a60c785bba65241bab6e2bf0cdf7',
    '4level.dmp json': '0d134e0c2a35f057bedc3c3b2202b4bb0c61c83646899299a032419cb696bcf0',
    'a64-4k.elf': '770a47b4aac15944e85834903970d4ee3009946954995239a8bab215518c12f9',
    'a64-4k.elf json': 'ae78015c96637891fb9e67d890e70d3b8abe8d8d6ffb28020f751b25c1e3276f',
    'a64-16k.elf': '73b336fb2dd4f82a9db4f761b96cef8e88859db111551655682aa11453ead925',
    'a64-16k.elf json': '9237bb717aea31b11f876fadc0535cf491aad2ef127ce444f66e044ccc49ad47',
}
# (words, sha256 of "exit status\0stdout\0stderr") for commands with a word
# that is not an address.
FROZEN_BAD = {
    'few, bad last': '5bf07cb075b08b4fae76d92b9f05350875b0d129b414b78d16187ccab6612741',
    'few, bad first': 'c2a8c6e497a9deb465f02c8ecfed07f6a5bdd7d86b4744c0c8ab3c7cdbc3453a',
    'many, bad in the middle': '1c153170605a5d0b4d3682e7cfaaebb9a179eb38fe07f9c55c614844772623f7',
    'many, grouping at the end': 'e3c638ce58fb79f9bef50a9f6fdbbd765b6e1be66eb72af7cf07cd8f32d6db1b',
    'many, decimal with a hex digit': 'e3c638ce58fb79f9bef50a9f6fdbbd765b6e1be66eb72af7cf07cd8f32d6db1b',
}


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def expand(args):
    return [a.replace('@IMG@', IMG).replace('@SYN@', SYN) for a in args]


def run(args, stdin=None):
    p = subprocess.run(PREFIX + [VTOP] + args, input=stdin, capture_output=True,
                       timeout=600)
    return p.returncode, p.stdout, p.stderr


class Rng:
    """xorshift64* (Vigna): the same addresses on every Python."""
    def __init__(self, seed):
        self.s = seed or 1

    def next(self):
        self.s ^= self.s >> 12
        self.s ^= (self.s << 25) & 0xFFFFFFFFFFFFFFFF
        self.s ^= self.s >> 27
        return (self.s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n


def read_map(name):
    """Mapped ranges and fault addresses from the generator's NAME.map."""
    ranges, faults = [], []
    if name is None:
        return ranges, faults
    with open(os.path.join(SYN, name + '.map')) as f:
        for line in f:
            w = line.split()
            if w and w[0] == 'map':
                ranges.append((int(w[1], 16), int(w[3], 16)))
            elif w and w[0] in ('fault', 'tbi'):
                faults.append(int(w[1], 16))
    return ranges, faults


def addresses(rng, ranges, faults, n):
    """n values: inside mapped ranges (their first and last byte too),
    fault addresses, bytes just past a range, random 64-bit values and
    random canonical ones in either half."""
    out = []
    for _ in range(n):
        k = rng.below(10)
        if k < 5 and ranges:
            va, size = ranges[rng.below(len(ranges))]
            pick = rng.below(4)
            off = 0 if pick == 0 else size - 1 if pick == 1 else rng.below(size)
            out.append(va + off)
        elif k < 7 and faults:
            out.append(faults[rng.below(len(faults))] + rng.below(0x1000))
        elif k == 7 and ranges:
            va, size = ranges[rng.below(len(ranges))]
            out.append((va + size) & 0xFFFFFFFFFFFFFFFF)
        elif k == 8:
            out.append(rng.next())
        else:
            low = rng.next() & 0x00007FFFFFFFFFFF
            out.append(low if rng.below(2) else low | 0xFFFF800000000000)
    return out


def spell(rng, v):
    """One of the spellings vtop_parse_addr accepts for v."""
    k = rng.below(9)
    if k == 0:
        return f'0x{v:x}'
    if k == 1:
        return f'0X{v:X}'
    if k == 2:
        return f'{v:X}'
    if k == 3:
        return f'{v:016x}'
    if k == 4:
        return f'{v >> 32:x}`{v & 0xFFFFFFFF:08x}'
    if k == 5:
        return f'0n{v}'
    if k == 6:
        return '0x' + '0' * (1 + rng.below(8)) + f'{v:016x}'
    return f'{v:x}'


def digest(data):
    return hashlib.sha256(data).hexdigest()


def check_image(label, args, mapname, extra, rng, frozen_out):
    ranges, faults = read_map(mapname)
    ranges += extra
    words = [spell(rng, v) for v in addresses(rng, ranges, faults, WORDS)]
    script = ''.join(f'vtop {w}\n' for w in words).encode()
    general = ''.join(f'vtop "{w}"\n' for w in words).encode()
    for json in (False, True):
        opts = ['--json'] if json else []
        tag = f'{label}{" --json" if json else ""}'
        argv = run(opts + expand(args) + ['vtop'] + words)
        lines = run(opts + expand(args), script)
        table = run(opts + expand(args), general)
        check(f'{tag}: {WORDS} addresses on the command line answered (exit 0 or 1, '
              'stderr empty)', argv[0] in (0, 1) and argv[2] == b'' and
              argv[1].count(b'\n') >= WORDS, argv[2][:300].decode(errors='replace'))
        check(f'{tag}: argv answers = a script of vtop lines, byte for byte',
              argv == lines, first_difference(argv, lines))
        check(f'{tag}: argv answers = the command table one address a line',
              argv == table, first_difference(argv, table))
        key = f'{label}{" json" if json else ""}'
        frozen_out[key] = digest(argv[1])
        want = FROZEN.get(key)
        check(f'{tag}: argv answers = the CLI before the rework (sha256)',
              want is not None and digest(argv[1]) == want,
              f'got {digest(argv[1])}, frozen {want}')


def first_difference(a, b):
    if a[0] != b[0]:
        return f'exit status {a[0]} vs {b[0]}'
    for name, x, y in (('stdout', a[1], b[1]), ('stderr', a[2], b[2])):
        if x != y:
            xl, yl = x.split(b'\n'), y.split(b'\n')
            for i, (p, q) in enumerate(zip(xl, yl)):
                if p != q:
                    return f'{name} line {i + 1}: {p[:200]!r} vs {q[:200]!r}'
            return f'{name}: {len(xl)} vs {len(yl)} lines'
    return ''


def check_bad_words(frozen_bad):
    """A word that is not an address: the usage error of before, nothing
    on stdout, exit 2; a few words and many."""
    base = ['--cr3', '1000', '--mode', '4level', f'{IMG}/cli4.raw', 'vtop']
    cases = {
        'few, bad last': ['400000', '600000', 'zz'],
        'few, bad first': ['40000g', '400000'],
        'many, bad in the middle': ['400000'] * 1000 + ['0x'] + ['600000'] * 1000,
        'many, grouping at the end': ['400000'] * 100 + ['4000`'],
        'many, decimal with a hex digit': ['0n12a'] + ['400000'] * 100,
    }
    for name, words in cases.items():
        got = run(base + words)
        blob = b'%d\0' % got[0] + got[1] + b'\0' + got[2]
        frozen_bad[name] = digest(blob)
        check(f'bad word ({name}): exit 2, stdout empty', got[0] == 2 and got[1] == b'',
              got[2][:300].decode(errors='replace'))
        check(f'bad word ({name}): the answer of before (sha256)',
              FROZEN_BAD.get(name) == digest(blob),
              got[2][:300].decode(errors='replace'))


def main():
    frozen_out, frozen_bad = {}, {}
    rng = Rng(0x7654321)
    for label, args, mapname, extra in IMAGES:
        check_image(label, args, mapname, list(extra), rng, frozen_out)
    check_bad_words(frozen_bad)
    if os.environ.get('ARGV_CHECK_FREEZE'):
        # Print the digests of this build (to freeze a reviewed output).
        print('FROZEN = {')
        for k, v in frozen_out.items():
            print(f"    '{k}': '{v}',")
        print('}\nFROZEN_BAD = {')
        for k, v in frozen_bad.items():
            print(f"    '{k}': '{v}',")
        print('}')
    return tap.report(results, 'argv')


if __name__ == '__main__':
    sys.exit(main())

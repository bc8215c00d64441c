#!/usr/bin/env python3
"""Parse the CLI's --json answers back and check their fields against the
hand-written layout of mkimage.py's cli4 image. TAP lines with a plan
(1..N) printed first: every check always runs and prints its line, so an
answer with too few objects fails its checks instead of skipping them, and
a check that vanishes leaves the plan unmet (tools/run-tests.sh counts it).

Env: VTOP (binary), IMG (image dir), SYN (synthetic images with MANIFEST),
VTOP_RUN_PREFIX (optional wrapper).
"""
import os
import subprocess
import sys

from tap import PREFIX, VTOP, check, done, run

IMG = os.environ.get('IMG', 'build/cli-images')
SYN = os.environ.get('SYN', 'build/images')
SPACE = ['--cr3', '1000', '--mode', '4level']
# Checks that do not depend on the MANIFEST; the plan adds one per image
# and one per rootless image (roots), plus the MANIFEST check itself.
FIXED_CHECKS = 35

def answer(name, args, want_rc, want_n, stdin=None):
    """Run one command, check its exit status and object count as one TAP
    line, and return exactly want_n objects (empty ones stand in for missing
    objects, so the checks that follow fail instead of vanishing)."""
    rc, objs, err = run(args, stdin)
    got = 'unparsable' if objs is None else len(objs)
    check(f'{name}: exit {want_rc}, {want_n} object(s)',
          rc == want_rc and got == want_n, f'(exit {rc}, {got} objects) {err}')
    objs = objs or []
    return (objs + [{}] * want_n)[:want_n]


def expect_fields(name, obj, want):
    bad = {k: (obj.get(k, '<missing>'), v) for k, v in want.items()
           if obj.get(k, '<missing>') != v}
    check(name, not bad, f'(got, want): {bad}')


def flags(obj):
    return obj.get('leaf_flags') or {}


def vtop_checks():
    raw = f'{IMG}/cli4.raw'
    a, nx, absent, large, rsvd, kern = answer(
        'vtop of six addresses, two fail', SPACE + [raw, 'vtop', '400000', '403000',
                                                     '404000', '600123', '800000',
                                                     'ffff800000001234'], 1, 6)
    expect_fields('vtop 4K user page', a, {
        'cmd': 'vtop', 'va': '0x400000', 'status': 'ok', 'hresult': '0x0',
        'pa': '0x10000', 'page_size': '0x1000', 'writable': True,
        'user': True, 'executable': True, 'nlevels': 4, 'fault_level': None})
    check('vtop levels: PML4E PDPTE PDE PTE with entry addresses',
          [(l['name'], l['entry_pa'], l['entry']) for l in a.get('levels', [])] ==
          [('PML4E', '0x1000', '0x2007'), ('PDPTE', '0x2000', '0x3007'),
           ('PDE', '0x3010', '0x4007'), ('PTE', '0x4000', '0x10027')],
          str(a.get('levels')))
    check('vtop offsets end with the physical address (dbgeng)',
          a.get('offsets') == ['0x1000', '0x2000', '0x3010', '0x4000', '0x10000'],
          str(a.get('offsets')))
    check('vtop leaf flags: A set, D and G clear',
          (flags(a).get('A'), flags(a).get('D'), flags(a).get('G')) ==
          (True, False, False), str(flags(a)))
    expect_fields('vtop NX page not executable', nx, {
        'pa': '0x13000', 'executable': False, 'writable': True})
    expect_fields('vtop not present: STATUS_NO_PAGEFILE at PTE', absent, {
        'status': 'not-present', 'hresult': '0xd0000147', 'pa': None,
        'fault_level': 'PTE'})
    check('vtop not present: offsets stop at the PTE read',
          absent.get('offsets') == ['0x1000', '0x2000', '0x3010', '0x4020'],
          str(absent.get('offsets')))
    expect_fields('vtop 2M supervisor page', large, {
        'pa': '0x200123', 'page_size': '0x200000', 'user': False,
        'nlevels': 3})
    check('vtop 2M page: leaf D and A set',
          flags(large).get('D') is True and flags(large).get('A') is True,
          str(flags(large)))
    expect_fields('vtop reserved bit 13 in a 2M PDE', rsvd, {
        'status': 'reserved-bit', 'hresult': '0xd0000147',
        'fault_level': 'PDE', 'reserved_bits': '0x2000'})
    expect_fields('vtop upper half 2M global NX page', kern, {
        'va': '0xffff800000001234', 'pa': '0x1234', 'executable': False,
        'user': False})
    check('vtop upper half: G set', flags(kern).get('G') is True, str(flags(kern)))


def info_read_checks():
    o, = answer('info lime', [f'{IMG}/cli4.lime', 'info'], 0, 1)
    expect_fields('info lime fields', o, {
        'cmd': 'info', 'format': 'lime', 'run_count': 2,
        'run_bytes': '0x380000', 'has_space': False, 'cpus': []})
    check('info lime runs', o.get('runs') == [
        {'phys': '0x0', 'len': '0x300000', 'file_offset': '0x20'},
        {'phys': '0x380000', 'len': '0x80000', 'file_offset': '0x300040'}],
        str(o.get('runs')))
    o, = answer('info raw', SPACE + [f'{IMG}/cli4.raw', 'info'], 0, 1)
    expect_fields('info raw with --cr3/--mode', o, {
        'format': 'raw', 'has_space': True, 'cr3': '0x1000',
        'root': '0x1000', 'mode': '4level', 'nxe': True,
        'maxphyaddr': 52, 'windows_pte': False})
    o, = answer('read partial', SPACE + [f'{IMG}/cli4.raw', 'read', '403ffc', '8'], 1, 1)
    expect_fields('read partial fields', o, {
        'cmd': 'read', 'address': '0x403ffc', 'requested': 8, 'read': 4,
        'status': 'partial-read', 'hresult': '0x8007012b',
        'stopped_at': '0x404000', 'stop_reason': 'not-present',
        'data': 'fcfdfeff'})
    o, = answer('readp full read', [f'{IMG}/cli4.raw', 'readp', '10000', 'c'], 0, 1)
    expect_fields('readp full read fields', o, {
        'cmd': 'readp', 'read': 12, 'status': 'ok',
        'data': b'Hello, vtop!'.hex()})
    check('readp full read: no stop fields', o and 'stopped_at' not in o, str(o))


def space_checks():
    raw = f'{IMG}/cli4.raw'
    objs = answer('tlb', SPACE + [raw, 'tlb'], 0, 8)
    got = [(o.get('va'), o.get('pa'), o.get('size'), o.get('level')) for o in objs]
    check('tlb leaves in VA order with QEMU physical addresses', got == [
        ('0x400000', '0x10000', '0x1000', 'PTE'),
        ('0x401000', '0x11000', '0x1000', 'PTE'),
        ('0x402000', '0x12000', '0x1000', 'PTE'),
        ('0x403000', '0x13000', '0x1000', 'PTE'),
        ('0x405000', '0x10000000', '0x1000', 'PTE'),
        ('0x600000', '0x200000', '0x200000', 'PDE'),
        ('0x800000', '0x400000', '0x200000', 'PDE'),
        ('0xffff800000000000', '0x0', '0x200000', 'PDE')], str(got))
    expect_fields('tlb upper-half leaf: raw_va un-extended, entry', objs[7], {
        'raw_va': '0x800000000000', 'entry': '0x8000000000000183',
        'rights': 'rw-k'})
    expect_fields('tlb reserved-bit leaf reported with its bits (QEMU policy)',
                  objs[6], {'reserved_bits': '0x2000'})
    objs = answer('mem range', SPACE + [raw, 'mem', '402000-700000'], 0, 4)
    got = [(o.get('start'), o.get('end'), o.get('prot')) for o in objs]
    check('mem range: overlapping lines only', got == [
        ('0x402000', '0x403000', 'ur-'), ('0x403000', '0x404000', 'urw'),
        ('0x405000', '0x406000', 'urw'), ('0x600000', '0xa00000', '-rw')],
        str(got))
    objs = answer('ptov', SPACE + [raw, 'ptov', '10000'], 0, 2)
    got = sorted((o.get('va', ''), o.get('leaf_size'), o.get('level')) for o in objs)
    check('ptov: the user page and the direct-map alias', got == [
        ('0x400000', '0x1000', 'PTE'),
        ('0xffff800000010000', '0x200000', 'PDE')], str(got))
    objs = answer('audit: five findings and a summary', SPACE + [raw, 'audit'], 0, 6)
    kinds = sorted((o.get('finding', ''), o.get('va_start', '')) for o in objs
                   if o.get('cmd') == 'audit')
    check('audit findings', kinds == [
        ('outside-memory', '0x405000'), ('reserved-bits', '0x800000'),
        ('wx', '0x400000'), ('wx', '0x405000'), ('wx', '0x600000')], str(kinds))
    summary = [o for o in objs if o.get('cmd') == 'audit-summary']
    check('audit summary counts', len(summary) == 1 and
          summary[0].get('findings') == 5 and summary[0].get('wx') == 3 and
          summary[0].get('leaves') == 7, str(summary))


def roots_checks():
    """roots ranks the true CR3 first: on cli4 (text and JSON) and on every
    rootless synthetic image (raw, LiME, kdump-style ELF) of the manifest."""
    p = subprocess.run(PREFIX + [VTOP, f'{IMG}/cli4.raw', 'roots', '2'],
                       capture_output=True, text=True, timeout=120)
    lines = p.stdout.splitlines()
    check('roots text: header, rank 1 = 0x1000 4level, count line',
          p.returncode == 0 and len(lines) == 4 and
          lines[0].split() == ['rank', 'root', 'mode', 'score', 'evidence'] and
          lines[1].split()[:3] == ['1', '0000000000001000', '4level'] and
          lines[3].endswith('pages scanned'), p.stdout + p.stderr)
    for name, _, mode, cr3, _ in rootless_images():
        o, = answer(f'roots {name}', [f'{SYN}/{name}', 'roots', '1'], 0, 1)
        got = (o.get('root'), o.get('mode'), o.get('rank'))
        want = (hex(int(cr3, 16)), mode, 1)
        check(f'roots {name}: true CR3 ranked first', got == want,
              f'got {got} want {want}')


def manifest_images():
    """(file, format, mode, cr3, has_root) per `image` line of the synthetic
    set's MANIFEST (images/gen_images.c); [] when it is missing."""
    try:
        lines = open(f'{SYN}/MANIFEST').read().splitlines()
    except OSError:
        return []
    return [tuple(l.split()[1:]) for l in lines if l.startswith('image ')]


def rootless_images():
    return [i for i in manifest_images() if i[4] == '0']


def expected_translations(name):
    """[(va, pa, rights, fault)] from the image's MODE.map: both ends of
    every mapping, and every address that must fault."""
    want = []
    for m in open(f'{SYN}/{name.split(".")[0]}.map').read().splitlines():
        f = m.split()
        if f[0] == 'map':
            va, pa, size = int(f[1], 16), int(f[2], 16), int(f[3], 16)
            for off in (0, size - 1):
                want.append((va + off, pa + off, f[4], None))
        elif f[0] == 'fault':
            want.append((int(f[1], 16), None, None, f[2]))
    return want


def translation_error(fmt, want, o):
    """None when the answer o matches the map line want, else the reason."""
    va, pa, rights, fault = want
    if int(o.get('va', '-1'), 16) != va:
        return f'va {o.get("va")} for {va:x}'
    if fault is not None:
        # Windows dumps decode P=0 entries as software PTEs: a zero entry
        # is demand-zero, with the same STATUS_NO_PAGEFILE.
        if fmt.startswith('windmp') and fault == 'not-present' and \
                o.get('status') == 'software-pte' and o.get('swpte') == 'demand-zero':
            return None
        return None if o.get('status') == fault else f'{va:x}: {o.get("status")}, want {fault}'
    got = ('u' if o.get('user') else '-') + ('w' if o.get('writable') else '-') \
        + ('x' if o.get('executable') else '-')
    if o.get('status') != 'ok' or int(o.get('pa') or '-1', 16) != pa or got != rights:
        return f'{va:x}: {o.get("status")} pa {o.get("pa")} {got}, want {pa:x} {rights}'
    return None


def manifest_checks():
    """Every image of the synthetic set (build/images, the formats helper's
    generator): translate each VA of MODE.map through the CLI (one script on
    stdin, --json) and compare with the map: pa, rights, fault reason."""
    images = manifest_images()
    check(f'{SYN}/MANIFEST lists images', len(images) > 0, '(run `make images`)')
    for name, fmt, mode, cr3, has_root in images:
        want = expected_translations(name)
        script = ''.join(f'vtop {va:x}\n' for va, _, _, _ in want)
        args = [] if has_root == '1' else ['--cr3', cr3, '--mode', mode]
        rc, objs, err = run(args + [f'{SYN}/{name}'], stdin=script)
        objs = objs or []
        bad = [] if len(objs) == len(want) and want else \
            [f'{len(objs)} answers for {len(want)} addresses {err}']
        bad += [e for e in (translation_error(fmt, w, o) for w, o in zip(want, objs)) if e]
        check(f'manifest {name} ({fmt}, {mode}): {len(want)} translations',
              not bad, '; '.join(bad[:3]))


def plan():
    return FIXED_CHECKS + 1 + len(manifest_images()) + 2 * len(rootless_images())


def main():
    planned = plan()
    print(f'1..{planned}', flush=True)
    vtop_checks()
    info_read_checks()
    space_checks()
    roots_checks()
    manifest_checks()
    return done(planned)


if __name__ == '__main__':
    sys.exit(main())

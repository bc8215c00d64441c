#!/usr/bin/env python3
"""Parse the CLI's --json answers back and check their fields against the
hand-written layout of mkimage.py's cli4 image. TAP lines.

Env: VTOP (binary), IMG (image dir), VTOP_RUN_PREFIX (optional wrapper).
"""
import json
import os
import shlex
import subprocess
import sys

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
IMG = os.environ.get('IMG', 'build/cli-images')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))
SPACE = ['--cr3', '1000', '--mode', '4level']
n = 0
failed = 0


def run(args, stdin=None):
    p = subprocess.run(PREFIX + [VTOP, '--json'] + args, input=stdin,
                       capture_output=True, text=True, timeout=120)
    objs = [json.loads(line) for line in p.stdout.splitlines()]
    return p.returncode, objs, p.stderr


def check(name, cond, detail=''):
    global n, failed
    n += 1
    if cond:
        print(f'ok {n} - json {name}')
    else:
        failed += 1
        print(f'not ok {n} - json {name} {detail}')


def expect_fields(name, obj, want):
    bad = {k: (obj.get(k, '<missing>'), v) for k, v in want.items()
           if obj.get(k, '<missing>') != v}
    check(name, not bad, f'(got, want): {bad}')


def vtop_checks():
    raw = f'{IMG}/cli4.raw'
    rc, objs, err = run(SPACE + [raw, 'vtop', '400000', '403000', '404000',
                                 '600123', '800000', 'ffff800000001234'])
    check('vtop exit status 1 (one address fails)', rc == 1, f'rc={rc} {err}')
    check('vtop one object per address', len(objs) == 6, f'{len(objs)}')
    if len(objs) != 6:
        return
    a, nx, absent, large, rsvd, kern = objs
    expect_fields('vtop 4K user page', a, {
        'cmd': 'vtop', 'va': '0x400000', 'status': 'ok', 'hresult': '0x0',
        'pa': '0x10000', 'page_size': '0x1000', 'writable': True,
        'user': True, 'executable': True, 'nlevels': 4, 'fault_level': None})
    check('vtop levels: PML4E PDPTE PDE PTE with entry addresses',
          [(l['name'], l['entry_pa'], l['entry']) for l in a['levels']] ==
          [('PML4E', '0x1000', '0x2007'), ('PDPTE', '0x2000', '0x3007'),
           ('PDE', '0x3010', '0x4007'), ('PTE', '0x4000', '0x10027')],
          str(a['levels']))
    check('vtop offsets end with the physical address (dbgeng)',
          a['offsets'] == ['0x1000', '0x2000', '0x3010', '0x4000', '0x10000'],
          str(a['offsets']))
    check('vtop leaf flags: A set, D and G clear',
          a['leaf_flags']['A'] and not a['leaf_flags']['D'] and
          not a['leaf_flags']['G'], str(a['leaf_flags']))
    expect_fields('vtop NX page not executable', nx, {
        'pa': '0x13000', 'executable': False, 'writable': True})
    expect_fields('vtop not present: STATUS_NO_PAGEFILE at PTE', absent, {
        'status': 'not-present', 'hresult': '0xd0000147', 'pa': None,
        'fault_level': 'PTE'})
    check('vtop not present: offsets stop at the PTE read',
          absent['offsets'] == ['0x1000', '0x2000', '0x3010', '0x4020'],
          str(absent['offsets']))
    expect_fields('vtop 2M supervisor page', large, {
        'pa': '0x200123', 'page_size': '0x200000', 'user': False,
        'nlevels': 3})
    check('vtop 2M page: leaf D and A set', large['leaf_flags']['D'] and
          large['leaf_flags']['A'], str(large['leaf_flags']))
    expect_fields('vtop reserved bit 13 in a 2M PDE', rsvd, {
        'status': 'reserved-bit', 'hresult': '0xd0000147',
        'fault_level': 'PDE', 'reserved_bits': '0x2000'})
    expect_fields('vtop upper half 2M global NX page', kern, {
        'va': '0xffff800000001234', 'pa': '0x1234', 'executable': False,
        'user': False})
    check('vtop upper half: G set', kern['leaf_flags']['G'])


def info_read_checks():
    rc, objs, err = run([f'{IMG}/cli4.lime', 'info'])
    check('info lime exit 0', rc == 0 and len(objs) == 1, err)
    if objs:
        o = objs[0]
        expect_fields('info lime fields', o, {
            'cmd': 'info', 'format': 'lime', 'run_count': 2,
            'run_bytes': '0x380000', 'has_space': False, 'cpus': []})
        check('info lime runs', o.get('runs') == [
            {'phys': '0x0', 'len': '0x300000', 'file_offset': '0x20'},
            {'phys': '0x380000', 'len': '0x80000', 'file_offset': '0x300040'}],
            str(o.get('runs')))
    rc, objs, err = run(SPACE + [f'{IMG}/cli4.raw', 'info'])
    if objs:
        expect_fields('info raw with --cr3/--mode', objs[0], {
            'format': 'raw', 'has_space': True, 'cr3': '0x1000',
            'root': '0x1000', 'mode': '4level', 'nxe': True,
            'maxphyaddr': 52, 'windows_pte': False})
    rc, objs, err = run(SPACE + [f'{IMG}/cli4.raw', 'read', '403ffc', '8'])
    check('read partial exit 1, one object', rc == 1 and len(objs) == 1, err)
    if objs:
        expect_fields('read partial fields', objs[0], {
            'cmd': 'read', 'address': '0x403ffc', 'requested': 8, 'read': 4,
            'status': 'partial-read', 'hresult': '0x8007012b',
            'stopped_at': '0x404000', 'stop_reason': 'not-present',
            'data': 'fcfdfeff'})
    rc, objs, err = run([f'{IMG}/cli4.raw', 'readp', '10000', 'c'])
    if objs:
        expect_fields('readp full read', objs[0], {
            'cmd': 'readp', 'read': 12, 'status': 'ok',
            'data': b'Hello, vtop!'.hex()})
        check('readp full read: no stop fields', 'stopped_at' not in objs[0])


def space_checks():
    raw = f'{IMG}/cli4.raw'
    rc, objs, err = run(SPACE + [raw, 'tlb'])
    check('tlb: 8 leaves, exit 0', rc == 0 and len(objs) == 8, f'{rc} {err}')
    got = [(o['va'], o['pa'], o['size'], o['level']) for o in objs]
    check('tlb leaves in VA order with QEMU physical addresses', got == [
        ('0x400000', '0x10000', '0x1000', 'PTE'),
        ('0x401000', '0x11000', '0x1000', 'PTE'),
        ('0x402000', '0x12000', '0x1000', 'PTE'),
        ('0x403000', '0x13000', '0x1000', 'PTE'),
        ('0x405000', '0x10000000', '0x1000', 'PTE'),
        ('0x600000', '0x200000', '0x200000', 'PDE'),
        ('0x800000', '0x400000', '0x200000', 'PDE'),
        ('0xffff800000000000', '0x0', '0x200000', 'PDE')], str(got))
    if len(objs) == 8:
        expect_fields('tlb upper-half leaf: raw_va un-extended, entry', objs[7], {
            'raw_va': '0x800000000000', 'entry': '0x8000000000000183',
            'rights': 'rw-k'})
        check('tlb reserved-bit leaf reported with its bits (QEMU policy)',
              objs[6]['reserved_bits'] == '0x2000', str(objs[6]))
    rc, objs, err = run(SPACE + [raw, 'mem', '402000-700000'])
    got = [(o['start'], o['end'], o['prot']) for o in objs]
    check('mem range: overlapping lines only', got == [
        ('0x402000', '0x403000', 'ur-'), ('0x403000', '0x404000', 'urw'),
        ('0x405000', '0x406000', 'urw'), ('0x600000', '0xa00000', '-rw')],
        str(got))
    rc, objs, err = run(SPACE + [raw, 'ptov', '10000'])
    got = sorted((o['va'], o['leaf_size'], o['level']) for o in objs)
    check('ptov: the user page and the direct-map alias', rc == 0 and got == [
        ('0x400000', '0x1000', 'PTE'),
        ('0xffff800000010000', '0x200000', 'PDE')], str(got))
    rc, objs, err = run(SPACE + [raw, 'audit'])
    kinds = sorted((o.get('finding'), o.get('va_start')) for o in objs
                   if o['cmd'] == 'audit')
    check('audit findings', kinds == [
        ('outside-memory', '0x405000'), ('reserved-bits', '0x800000'),
        ('wx', '0x400000'), ('wx', '0x405000'), ('wx', '0x600000')], str(kinds))
    summary = [o for o in objs if o['cmd'] == 'audit-summary']
    check('audit summary counts', len(summary) == 1 and
          summary[0]['findings'] == 5 and summary[0]['wx'] == 3 and
          summary[0]['leaves'] == 7, str(summary))


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
    syn = os.environ.get('SYN', 'build/images')
    try:
        manifest = open(f'{syn}/MANIFEST').read().splitlines()
    except OSError:
        return
    for line in manifest:
        f = line.split()
        if f[0] != 'image' or f[5] != '0':
            continue
        rc, objs, err = run([f'{syn}/{f[1]}', 'roots', '1'])
        got = (objs[0]['root'], objs[0]['mode'], objs[0]['rank']) if objs else None
        want = (hex(int(f[4], 16)), f[3], 1)
        check(f'roots {f[1]}: true CR3 ranked first', rc == 0 and got == want,
              f'got {got} want {want} {err}')


def manifest_checks():
    """Every image of the synthetic set (build/images, the formats helper's
    generator): translate each VA of MODE.map through the CLI (one script on
    stdin, --json) and compare with the map: pa, rights, fault reason."""
    syn = os.environ.get('SYN', 'build/images')
    try:
        manifest = open(f'{syn}/MANIFEST').read().splitlines()
    except OSError:
        print(f'ok {n + 1} - json manifest # SKIP no {syn}/MANIFEST')
        return
    for line in manifest:
        if not line.startswith('image '):
            continue
        _, name, fmt, mode, cr3, has_root = line.split()
        want, script = [], []
        for m in open(f'{syn}/{name.split(".")[0]}.map').read().splitlines():
            f = m.split()
            if f[0] == 'map':
                va, pa, size = int(f[1], 16), int(f[2], 16), int(f[3], 16)
                for off in (0, size - 1):
                    want.append((va + off, pa + off, f[4], None))
            elif f[0] == 'fault':
                want.append((int(f[1], 16), None, None, f[2]))
        script = ''.join(f'vtop {va:x}\n' for va, _, _, _ in want)
        args = [] if has_root == '1' else ['--cr3', cr3, '--mode', mode]
        rc, objs, err = run(args + [f'{syn}/{name}'], stdin=script)
        bad = []
        if len(objs) != len(want):
            bad.append(f'{len(objs)} answers for {len(want)} addresses {err}')
        for (va, pa, rights, fault), o in zip(want, objs):
            if int(o['va'], 16) != va:
                bad.append(f'va {o["va"]} for {va:x}')
            elif fault is not None:
                # Windows dumps decode P=0 entries as software PTEs: a zero
                # entry is demand-zero, with the same STATUS_NO_PAGEFILE.
                if fmt.startswith('windmp') and fault == 'not-present' and \
                        o['status'] == 'software-pte' and \
                        o['swpte'] == 'demand-zero':
                    continue
                if o['status'] != fault:
                    bad.append(f'{va:x}: {o["status"]}, want {fault}')
            else:
                got = ('u' if o['user'] else '-') + ('w' if o['writable'] else '-') \
                    + ('x' if o['executable'] else '-')
                if o['status'] != 'ok' or int(o['pa'], 16) != pa or got != rights:
                    bad.append(f'{va:x}: {o["status"]} pa {o["pa"]} {got}, '
                               f'want {pa:x} {rights}')
        check(f'manifest {name} ({fmt}, {mode}): {len(want)} translations',
              not bad, '; '.join(bad[:3]))


def main():
    vtop_checks()
    info_read_checks()
    space_checks()
    roots_checks()
    manifest_checks()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

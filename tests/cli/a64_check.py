#!/usr/bin/env python3
"""AArch64 answers of the CLI against the synthetic spaces' expectations.

images/gen_a64.c writes each space's registers (SPACE.regs) and what it
mapped (SPACE.map: leaves with the rights and attributes the generator
derived from its own descriptors, addresses that must fault with the fault
kind and level). Per image of A64MANIFEST this runs the CLI with --json and
checks, as one TAP line each:
  - vtop of both ends of every leaf, every fault and every TBI alias:
    status, pa, page size, level, rights, AF/nG/SH/AttrIndx/CONT/DBM, fault
    level;
  - tlb: exactly the generator's leaves (va, pa, size, level);
  - mem: sorted disjoint ranges covering exactly the leaves, each leaf in a
    range with its rights;
  - ELF cores: opened without register options, the TTBR1 root comes from
    VMCOREINFO (swapper_pg_dir - kimage_voffset) and equals the generator's;
    with the 4K granule and 48-bit VA, `roots` lists that root.
Env: VTOP, SYN (build/images), VTOP_RUN_PREFIX (tap.py).
"""
import os
import sys

import tap
from tap import check, run

SYN = os.environ.get('SYN', 'build/images')
STATUS = {'translation': 'translation-fault', 'address-size': 'address-size-fault',
          'access-flag': 'access-flag-fault', 'out-of-range': 'non-canonical',
          'table-not-in-image': 'table-not-in-image'}
tap.SUITE = 'a64'


def manifest():
    try:
        lines = open(f'{SYN}/A64MANIFEST').read().splitlines()
    except OSError:
        return []
    return [l.split()[1:] for l in lines if l.startswith('image ')]


def regs(space):
    r = {}
    for line in open(f'{SYN}/{space}.regs'):
        k, v = line.split()
        r[k] = v
    return r


def reg_args(r):
    a = ['--arch', 'aarch64', '--ttbr0', r['ttbr0'], '--tcr', r['tcr'], '--mair', r['mair']]
    if r['regime'] == 'el2':
        return a + ['--el2']
    return a + ['--ttbr1', r['ttbr1']] + (['--e2h'] if r['regime'] == 'e2h' else [])


def space_map(space):
    leaves, faults, tbi = [], [], []
    for line in open(f'{SYN}/{space}.map'):
        f = line.split()
        if f[0] == 'map':
            kv = dict(x.split('=') for x in f[5:])
            leaves.append({'va': int(f[1], 16), 'pa': int(f[2], 16),
                           'size': int(f[3], 16), 'level': f[4], **kv})
        elif f[0] == 'fault':
            faults.append((int(f[1], 16), f[2], f[3]))
        elif f[0] == 'tbi':
            tbi.append((int(f[1], 16), int(f[2], 16)))
    return leaves, faults, tbi


def leaf_error(leaf, off, o):
    want = {'status': 'ok', 'pa': hex(leaf['pa'] + off), 'page_size': hex(leaf['size']),
            'rights': f"{leaf['priv']}/{leaf['user']}"}
    got = {k: o.get(k) for k in want}
    attrs = o.get('attrs') or {}
    want_a = {'AF': leaf['af'] == '1', 'nG': leaf['ng'] == '1', 'SH': leaf['sh'],
              'AttrIndx': int(leaf['attr']), 'CONT': leaf['cont'] == '1',
              'DBM': leaf['dbm'] == '1'}
    got_a = {k: attrs.get(k) for k in want_a}
    levels = o.get('levels') or [{}]
    if got != want or got_a != want_a or levels[-1].get('name') != leaf['level']:
        return (f"{leaf['va'] + off:x}: {got} {got_a} {levels[-1].get('name')}, "
                f"want {want} {want_a} {leaf['level']}")
    return None


def fault_error(va, kind, level, o):
    if o.get('status') != STATUS[kind]:
        return f'{va:x}: {o.get("status")}, want {STATUS[kind]}'
    if level != '-' and o.get('fault_level') != level:
        return f'{va:x}: fault at {o.get("fault_level")}, want {level}'
    return None


def vtop_check(name, args, leaves, faults, tbi):
    queries = [(l, off) for l in leaves for off in (0, l['size'] - 1)]
    vas = [l['va'] + off for l, off in queries] + [f[0] for f in faults] + [t[0] for t in tbi]
    _, objs, err = run(args, ''.join(f'vtop {va:x}\n' for va in vas))
    objs = objs or []
    bad = [] if len(objs) == len(vas) else [f'{len(objs)} answers for {len(vas)} {err}']
    objs += [{}] * len(vas)
    for (leaf, off), o in zip(queries, objs):
        bad.append(leaf_error(leaf, off, o))
    rest = objs[len(queries):]
    for (va, kind, level), o in zip(faults, rest):
        bad.append(fault_error(va, kind, level, o))
    alias = {l['va']: l for l in leaves}
    for (va, canon), o in zip(tbi, rest[len(faults):]):
        bad.append(leaf_error(alias[canon], 0, o) if canon in alias else f'{canon:x} not a leaf')
    bad = [b for b in bad if b]
    check(f'{name}: vtop of {len(vas)} addresses', not bad, '; '.join(bad[:3]))


def tlb_check(name, args, leaves):
    rc, objs, err = run(args + ['tlb'])
    objs = objs or []
    got = sorted((int(o['va'], 16), int(o['pa'], 16), int(o['size'], 16), o['level'])
                 for o in objs if 'va' in o)
    want = sorted((l['va'], l['pa'], l['size'], l['level']) for l in leaves)
    check(f'{name}: tlb lists the {len(want)} leaves', rc == 0 and got == want,
          f'(exit {rc}) extra {sorted(set(got) - set(want))[:2]} '
          f'missing {sorted(set(want) - set(got))[:2]} {err}')


def mem_check(name, args, leaves):
    rc, objs, err = run(args + ['mem'])
    objs = objs or []
    ranges = [(int(o['start'], 16), int(o['start'], 16) + int(o['size'], 16), o)
              for o in objs if 'start' in o]
    bad = [f'exit {rc} {err}'] if rc or not ranges else []
    bad += ['overlap or unsorted' for a, b in zip(ranges, ranges[1:]) if a[1] > b[0]]
    if sum(r[1] - r[0] for r in ranges) != sum(l['size'] for l in leaves):
        bad.append('ranges do not cover exactly the leaves')
    for l in leaves:
        inside = [o for s, e, o in ranges if s <= l['va'] and l['va'] + l['size'] <= e]
        rights = (l['priv'][1] == 'w', l['priv'][2] == 'x', l['user'][0] == 'r',
                  l['user'][2] == 'x')
        if len(inside) != 1 or (inside[0]['writable'], inside[0]['executable'],
                                inside[0]['user'], inside[0]['user_executable']) != rights:
            bad.append(f"{l['va']:x} not in one range with its rights")
    check(f'{name}: mem merges the leaves', not bad, '; '.join(bad[:3]))


def elf_root_check(name, r):
    rc, objs, err = run([f'{SYN}/{name}', 'info'])
    halves = (objs[0].get('halves') if objs else None) or [{}, {}]
    want = int(r['ttbr1'], 16) & 0x0000fffffffff000
    check(f'{name}: TTBR1 root from VMCOREINFO', halves[1].get('root') == hex(want),
          f'(exit {rc}) got {halves[1].get("root")} want {hex(want)} {err.strip()}')


def roots_check(name, r):
    """4K 48-bit spaces (the geometry the core's TTBR1 search knows): the
    true TTBR1 root is among the candidates, as an AArch64 table."""
    rc, objs, err = run([f'{SYN}/{name}', 'roots', '10'])
    want = hex(int(r['ttbr1'], 16) & 0x0000fffffffff000)
    found = [o for o in objs or [] if o.get('root') == want]
    check(f'{name}: roots lists the TTBR1 root {want}',
          rc == 0 and found and found[0].get('mode') == 'aarch64',
          f'(exit {rc}) {[(o.get("root"), o.get("mode")) for o in objs or []]} {err}')


def main():
    images = manifest()
    elves = [i for i in images if i[1].startswith('elf')]
    roots = [i for i in elves if regs(i[2])['granule'] == '4096' and
             regs(i[2])['va_bits'] == '48']
    planned = 1 + 3 * len(images) + len(elves) + len(roots)
    print(f'1..{planned}', flush=True)
    check(f'{SYN}/A64MANIFEST lists images', len(images) >= 10, '(run `make images`)')
    for name, fmt, space, _ in images:
        r = regs(space)
        leaves, faults, tbi = space_map(space)
        args = reg_args(r) + [f'{SYN}/{name}']
        vtop_check(name, args, leaves, faults, tbi)
        tlb_check(name, args, leaves)
        mem_check(name, args, leaves)
        if fmt.startswith('elf'):
            elf_root_check(name, r)
        if name in {i[0] for i in roots}:
            roots_check(name, r)
    return tap.done(planned)


if __name__ == '__main__':
    sys.exit(main())

"""TAP lines and --json runs shared by the CLI's JSON checks (json_check.py,
a64_check.py): one numbered line per check, the plan checked at the end.

Env: VTOP (binary), VTOP_RUN_PREFIX (optional wrapper).
"""
import json
import os
import shlex
import subprocess

VTOP = os.environ.get('VTOP', 'build/asan/vtop')
PREFIX = shlex.split(os.environ.get('VTOP_RUN_PREFIX', ''))
SUITE = 'json'   # the word after the number in each line
n = 0
failed = 0


def run(args, stdin=None):
    """(exit status, parsed objects, stderr); a line that is not JSON makes
    the object list None, which every count check rejects."""
    p = subprocess.run(PREFIX + [VTOP, '--json'] + args, input=stdin,
                       capture_output=True, text=True, timeout=120)
    try:
        objs = [json.loads(line) for line in p.stdout.splitlines()]
    except ValueError as e:
        return p.returncode, None, f'{p.stderr} (unparsable JSON: {e})'
    return p.returncode, objs, p.stderr


def check(name, cond, detail=''):
    global n, failed
    n += 1
    if cond:
        print(f'ok {n} - {SUITE} {name}')
    else:
        failed += 1
        print(f'not ok {n} - {SUITE} {name} {detail}')


def done(planned):
    """Exit status of the suite: 1 when a check failed or the count of
    checks that ran is not the plan."""
    if n != planned:
        print(f'# plan 1..{planned}, {n} checks ran')
        return 1
    return 1 if failed else 0


def report(results, suite):
    """Print collected (name, ok, detail) results as numbered TAP lines of
    suite, details of the failures as comments (at most 2000 characters),
    then the count; the exit status: 1 when one failed or none ran."""
    failed = 0
    for k, (name, ok, detail) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {k} - {suite} {name}')
        if not ok:
            failed += 1
            print('# ' + detail.replace('\n', '\n# ')[:2000])
    print(f'# {len(results)} checks')
    return 1 if failed or not results else 0

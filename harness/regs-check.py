#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The hardware interface, written three times, must say one thing.

Reads the register tables of Documentation/accel/svacc/hardware.rst (the
register offsets, the named bits of CAP_XLATE, GENCTRL, GENSTS and
INTCAUSE, the GENSTS reasons, the software error codes, the device
commands, the WQ configuration block and the counters) and checks that
both register headers, the driver's drivers/accel/svacc/svacc_regs.h and
the model's qemu/include/hw/misc/svacc_regs.h, define every one of those
names with the spec's value, and that a name both headers define has one
value in both. The headers are compiled, not parsed: a value is what the
compiler makes of it.

Naming: a table's entry NAME is the macro SVACC_<prefix>NAME (the
prefixes are below). A field of several bits may be given as its mask
(SVACC_X, the kernel's GENMASK style), or as SVACC_X_MASK and/or
SVACC_X_SHIFT (QEMU's style); whatever of those a header defines must
agree with the spec.

Prints framed TAP (suite "regs"); exit status 1 on any failure.
"""
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(REPO, 'Documentation/accel/svacc/hardware.rst')
HEADERS = {
    'driver': os.path.join(REPO, 'drivers/accel/svacc/svacc_regs.h'),
    'qemu': os.path.join(REPO, 'qemu/include/hw/misc/svacc_regs.h'),
}
# Bit tables: the register named before the table -> macro prefix
BIT_PREFIX = {'CAP_XLATE': 'XLATE_', 'GENCTRL': 'GENCTRL_',
              'GENSTS': 'GENSTS_', 'INTCAUSE': 'INT_'}
# Tables of a code and a NAME: their header cells -> (what they are, macro
# prefix, the macro's value from the first cell's number)
NAME_TABLES = {
    ('offset', 'name', 'size', 'access'): ('registers', '', lambda v: v),
    ('code', 'reason', 'meaning'): ('reasons', 'REASON_', lambda v: v),
    ('code', 'name', 'meaning'): ('swerr codes', 'SWERR_', lambda v: v),
    ('cmd', 'name'): ('commands', 'CMD_', lambda v: v),
    ('offset', 'name', 'fields'): ('wq block', '', lambda v: v),
    ('offset', 'name', 'counts'): ('counters', 'CNT_', lambda v: (v - SVACC_COUNTERS) // 8),
}
SVACC_COUNTERS = 0x200
# The kernel header's includes, for a host compiler (<linux/types.h> is
# the host's: the uapi types the header uses)
STUBS = {
    'bits.h': '''#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
''',
    'build_bug.h': '#include <assert.h>\n',
}
IDENT = re.compile(r'^[A-Z][A-Z0-9_]*$')


def simple_tables(lines):
    """(line number, context, header cells, rows) of each RST simple table;
    context is the last section title or ALL-CAPS paragraph word before it."""
    border = re.compile(r'^=+( +=+)+$')
    context = ''
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and re.match(r'^[-=~^]{3,}$', lines[i + 1]) \
                and line.strip() and not border.match(line):
            context = line.split()[0]
        elif line.strip() and not border.match(line) and \
                (i == 0 or not lines[i - 1].strip()):
            word = re.split(r'[ :(]', line.strip())[0]
            if IDENT.match(word):
                context = word
        if not border.match(line):
            i += 1
            continue
        starts = [m.start() for m in re.finditer(r'=+', line)]

        def cells(text):
            ends = starts[1:] + [len(text) + 1]
            return [text[s:e].strip() for s, e in zip(starts, ends)]
        j = i + 1
        first = []
        while j < len(lines) and not border.match(lines[j]):
            first.append(lines[j])
            j += 1
        # a border followed by text separates the header from the rows;
        # followed by a blank line, it ends a table without a header
        if j + 1 < len(lines) and lines[j + 1].strip():
            header, body = cells(first[0]) if first else [], []
            j += 1
            while j < len(lines) and not border.match(lines[j]):
                body.append(lines[j])
                j += 1
        else:
            header, body = [], first
        rows = []
        for text in body:
            if text.strip():
                c = cells(text)
                if c[0] or not rows:
                    rows.append(c)
                else:		# continuation of the row above
                    rows[-1] = [(a + ' ' + b).strip() for a, b in zip(rows[-1], c)]
        yield i + 1, context, header, rows
        i = j + 1


def bits(spec):
    """'5' -> (mask, low, single bit); '15:8' -> (mask, low, False)"""
    if ':' in spec:
        hi, lo = (int(x) for x in spec.split(':'))
        return ((1 << (hi + 1)) - (1 << lo)), lo, False
    n = int(spec)
    return 1 << n, n, True


def spec_entries():
    """{macro: (value, low bit or None, 'const' | 'field', where)} and errors"""
    with open(SPEC) as f:
        lines = f.read().split('\n')
    want = {}
    errors = []
    kinds = set()

    def add(name, value, low, kind, where):
        if name in want and want[name][0] != value:
            errors.append(f'{where}: {name} is {value:#x} here, {want[name][0]:#x} at {want[name][3]}')
        want[name] = (value, low, kind, where)
    for ln, ctx, head, rows in simple_tables(lines):
        where = f'hardware.rst:{ln}'
        h = tuple(c.lower() for c in head)
        if h[:2] in (('bit', 'meaning'), ('bits', 'meaning'), ('bit', 'cause (vector 0)')):
            if ctx not in BIT_PREFIX:
                continue
            kinds.add('bits ' + ctx)
            for r in rows:
                m = re.match(r'^([A-Z][A-Z0-9_]*):', r[1])
                if not m:
                    errors.append(f'{where}: {ctx} bit {r[0]} has no NAME: in its meaning')
                    continue
                mask, low, single = bits(r[0])
                add('SVACC_' + BIT_PREFIX[ctx] + m.group(1), mask, low,
                    'const' if single else 'field', where)
            continue
        for sig, (kind, prefix, value) in NAME_TABLES.items():
            if h[:len(sig)] != sig:
                continue
            kinds.add(kind)
            for r in rows:
                # (rows that name no register: "counters", "0x1000 +")
                if IDENT.match(r[1]) and re.match(r'^\+?0x[0-9a-fA-F]+$', r[0]):
                    add('SVACC_' + prefix + r[1], value(int(r[0].lstrip('+'), 16)),
                        None, 'const', where)
    expect = {k for k, _, _ in NAME_TABLES.values()} | {'bits ' + r for r in BIT_PREFIX}
    for k in sorted(expect - kinds):
        errors.append(f'hardware.rst: no {k} table found (did its header change?)')
    return want, errors


def header_values(path, names):
    """{name: value} for every SVACC_ macro of the header and every one of
    @names it defines otherwise (enum constants)"""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, 'linux'))
        for name, text in STUBS.items():
            with open(os.path.join(d, 'linux', name), 'w') as f:
                f.write(text)
        cc = ['gcc', '-I', d]
        out = subprocess.run(cc + ['-E', '-dM', '-x', 'c', path], capture_output=True,
                             text=True, check=True).stdout
        found = set(re.findall(r'^#define (SVACC_\w+) ', out, re.M))
        inc = f'#include "{path}"\n'
        for n in sorted(set(names) - found):
            src = os.path.join(d, 'try.c')
            with open(src, 'w') as f:
                f.write(inc + f'unsigned long long v = (unsigned long long)({n});\n')
            if subprocess.run(cc + ['-w', '-c', '-o', os.devnull, src],
                              capture_output=True).returncode == 0:
                found.add(n)
        src = os.path.join(d, 'values.c')
        with open(src, 'w') as f:
            f.write('#include <stdio.h>\n' + inc + 'int main(void)\n{\n')
            for n in sorted(found):
                f.write(f'\tprintf("{n} %llu\\n", (unsigned long long)({n}));\n')
            f.write('\treturn 0;\n}\n')
        exe = os.path.join(d, 'values')
        subprocess.run(cc + ['-w', '-o', exe, src], check=True)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return {n: int(v) for n, v in (line.split() for line in out.splitlines())}


def against_spec(vals, want):
    """the header's disagreements with the spec"""
    bad = []
    for name, (value, low, kind, where) in sorted(want.items()):
        forms = []
        if name in vals:
            forms.append((name, vals[name], value))
        if kind == 'field':
            if name + '_MASK' in vals:
                forms.append((name + '_MASK', vals[name + '_MASK'], value))
            if name + '_SHIFT' in vals:
                forms.append((name + '_SHIFT', vals[name + '_SHIFT'], low))
        if not forms:
            bad.append(f'{name} missing (spec: {value:#x}, {where})')
        for n, got, exp in forms:
            if got != exp:
                bad.append(f'{n} is {got:#x}, the spec says {exp:#x} ({where})')
    return bad


def main():
    results = []
    want, errors = spec_entries()
    results.append((f'spec tables read ({len(want)} names)', errors))
    vals = {}
    for h, path in HEADERS.items():
        try:
            vals[h] = header_values(path, want)
        except subprocess.CalledProcessError as e:
            results.append((f'{h} header compiles', [str(e), e.stderr or '']))
            vals[h] = {}
            continue
        results.append((f'{h} {os.path.relpath(path, REPO)} matches the spec',
                        against_spec(vals[h], want)))
    shared = set(vals['driver']) & set(vals['qemu'])
    results.append((f'names both headers define agree ({len(shared)} names)',
                    [f'{n}: driver {vals["driver"][n]:#x}, qemu {vals["qemu"][n]:#x}'
                     for n in sorted(shared) if vals['driver'][n] != vals['qemu'][n]] +
                    [f'{h}: no values' for h in vals if not vals[h]]))

    print('# svacc-begin regs')
    failed = 0
    for i, (name, bad) in enumerate(results, 1):
        print(f'# RUN {name}')
        for b in bad:
            print(f'#   {b}')
        print(f'{"not ok" if bad else "ok"} {i} {name}')
        failed |= bool(bad)
    print(f'1..{len(results)}')
    print(f'# svacc-end regs rc={int(failed)}')
    return int(failed)


if __name__ == '__main__':
    sys.exit(main())

// dwarf/info.ts reads a unit's entries only when a query needs them: a pc query reads the unit
// whose ranges hold the pc (and any unit that gives no ranges), a reference reads the unit it
// points into, a whole-program query reads them all. Checked on a program of three units
// (crt0.S, inlined.c and libc.c, GCC -O2, DWARF 4 and 5): after one pc query only its unit is
// read, and at every instruction address the lazy reader answers as the one read in full. A
// unit's entries are made without their attributes, which are read when first asked for: a pc
// query reads none but where the functions' code is, and every entry lies where objdump says,
// with the attributes it lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { infoSections } from '../../src/debugger/program.js';
import { DebugInfo, type Die } from '../../src/debugger/dwarf/info.js';
import { GCC, OBJDUMP, requireTools } from '../support/toolchain.js';

requireTools(GCC, OBJDUMP);

/** objdump --dwarf=info's entries below the units' roots: offset, tag and the attributes it lists. */
function objdumpEntries(elf: string): { offset: number; attrs: number[] }[] {
  const text = execFileSync(OBJDUMP, ['--dwarf=info', elf], { maxBuffer: 1 << 28 }).toString();
  const out: { offset: number; attrs: number[] }[] = [];
  let current: { offset: number; attrs: number[] } | undefined;
  for (const line of text.split('\n')) {
    const head = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)/.exec(line);
    if (head) {
      current = undefined;
      // Level 0 is a unit's root (read eagerly); number 0 ends a list of children.
      if (head[1] !== '0' && head[3] !== '0') out.push(current = { offset: parseInt(head[2], 16), attrs: [] });
      continue;
    }
    const attr = /^\s*<[0-9a-f]+>\s+(?:DW_AT_\w+|Unknown AT value: ([0-9a-f]+))/.exec(line);
    if (attr && current) current.attrs.push(attr[1] ? parseInt(attr[1], 16) : -1);
  }
  return out;
}

function build(dwarf: 4 | 5): string {
  const out = resolve('test/programs/build');
  mkdirSync(out, { recursive: true });
  const elf = join(out, `lazy-dwarf${dwarf}.elf`);
  const P = (f: string): string => resolve('test/programs', f);
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O2', `-gdwarf-${dwarf}`, '-ffreestanding', '-nostdlib', '-static',
    '-fno-tree-loop-distribute-patterns', '-Wl,--no-warn-rwx-segments', '-T', P('link.ld'), P('crt0.S'), P('inlined.c'), P('libc.c'), '-o', elf]);
  return elf;
}

for (const v of [4, 5] as const) {
  const elf = parseElf(readFileSync(build(v)));
  const load = (): DebugInfo => new DebugInfo(infoSections(elf)!);
  const fn = (name: string): bigint => elf.symbols.find((s) => s.name === name)!.value;
  const offsets = (dies: readonly { offset: number }[]): number[] => dies.map((d) => d.offset);

  test(`DWARF ${v}: a pc query reads only the unit that holds the pc`, () => {
    const full = load();
    const units = full.units.length;
    assert.ok(units >= 2, `${units} units`);
    assert.equal(full.parsedUnits, units);
    for (const name of ['main', 'memcpy']) {
      const lazy = load();
      assert.equal(lazy.parsedUnits, 0);
      const die = lazy.functionAt(fn(name));
      assert.equal(lazy.name(die!), name);
      assert.equal(lazy.parsedUnits, 1, `after functionAt(${name})`);
      assert.equal(die!.offset, full.functionAt(fn(name))!.offset);
    }
  });

  test(`DWARF ${v}: at every instruction the lazy reader answers as the full one`, () => {
    const full = load();
    void full.units; // read everything first
    const text = elf.sections.find((s) => s.name === '.text')!;
    const lazy = load();
    let seen = 0;
    for (let pc = text.addr; pc < text.addr + BigInt(text.size); pc += 2n) {
      const a = lazy.functionAt(pc), b = full.functionAt(pc);
      assert.equal(a?.offset, b?.offset, `functionAt ${pc.toString(16)}`);
      if (!a) continue;
      seen++;
      const ia = lazy.inlinedAt(pc), ib = full.inlinedAt(pc);
      assert.deepEqual(offsets(ia), offsets(ib), `inlinedAt ${pc.toString(16)}`);
      for (const scope of [undefined, ...ia]) {
        const va = lazy.variablesAt(pc, scope), vb = full.variablesAt(pc, scope && full.at(scope.offset));
        assert.deepEqual(va.map((x) => [x.die.offset, x.fn.offset]), vb.map((x) => [x.die.offset, x.fn.offset]), `variablesAt ${pc.toString(16)}`);
        assert.deepEqual(va.map((x) => lazy.name(x.die)), vb.map((x) => full.name(x.die)));
      }
      for (const i of ia) assert.deepEqual(lazy.callSiteOf(i), full.callSiteOf(full.at(i.offset)!));
    }
    assert.ok(seen > 20, `${seen} addresses in functions`);
    assert.deepEqual(lazy.inlinedEntries('read_reg'), full.inlinedEntries('read_reg'));
    assert.deepEqual(lazy.globals().map((g) => [g.path, g.die.offset]), full.globals().map((g) => [g.path, g.die.offset]));
  });

  test(`DWARF ${v}: a pc query reads where the functions' code is, no entry's attributes`, () => {
    const lazy = load();
    const die = lazy.functionAt(fn('main'))!;
    assert.equal(lazy.attributesRead, 0);
    assert.equal(lazy.name(die), 'main');
    assert.equal(lazy.attributesRead, 1);
  });

  test(`DWARF ${v}: every entry lies where objdump says, with as many attributes`, () => {
    const expected = objdumpEntries(build(v));
    const info = load();
    const all: Die[] = [];
    const visit = (d: Die): void => { all.push(d); d.children.forEach(visit); };
    for (const u of info.units) u.children.forEach(visit);
    assert.ok(expected.length > 100, `${expected.length} entries`);
    assert.deepEqual(all.map((d) => d.offset), expected.map((e) => e.offset));
    assert.deepEqual(all.map((d) => d.attrs.size), expected.map((e) => e.attrs.length));
    assert.equal(info.attributesRead, all.length);
  });

  test(`DWARF ${v}: a reference reads the unit it points into`, () => {
    const full = load();
    const all: Die[] = [];
    const visit = (d: Die): void => { all.push(d); d.children.forEach(visit); };
    full.units.forEach(visit);
    const target = all.find((d) => full.unitOf(d) !== full.units[0] && d.tag !== 0x11)!;
    const lazy = load();
    assert.equal(lazy.at(target.offset)?.tag, target.tag);
    assert.equal(lazy.parsedUnits, 1);
    assert.equal(lazy.at(target.offset + 100000000), undefined);
  });
}

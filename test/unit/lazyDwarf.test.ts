// dwarf/info.ts reads a unit's entries only when a query needs them: a pc query reads the unit
// whose ranges hold the pc (and any unit that gives no ranges), a reference reads the unit it
// points into, a whole-program query reads them all. Checked on a program of three units
// (crt0.S, inlined.c and libc.c, GCC -O2, DWARF 4 and 5): after one pc query only its unit is
// read, and at every instruction address the lazy reader answers as the one read in full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { infoSections } from '../../src/debugger/program.js';
import { DebugInfo, type Die } from '../../src/debugger/dwarf/info.js';
import { GCC, requireTools } from '../support/toolchain.js';

requireTools(GCC);

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

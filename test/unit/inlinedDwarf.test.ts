// The DWARF of inlined calls (DW_TAG_inlined_subroutine), read by dwarf/info.ts from a C program
// GCC built at -O2 (test/programs/inlined.c, DWARF 4 and 5), against objdump's own decoding of
// the same .debug_info: every inlined call's function, entry, call line and call file, and how
// deep it is nested, found from its entry pc; the entries a function breakpoint uses; and which
// variables belong to an inlined call's frame rather than to the function it was inlined into.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { infoSections } from '../../src/debugger/program.js';
import { DebugInfo } from '../../src/debugger/dwarf/info.js';
import { GCC, OBJDUMP, requireTools } from '../support/toolchain.js';
import { buildInlined } from '../support/inlinedProgram.js';

requireTools(GCC, OBJDUMP);
const VERSIONS = [4, 5] as const;
const elfs = new Map<number, string>();
before(() => { for (const v of VERSIONS) elfs.set(v, buildInlined(v)); });

/** An inlined call as objdump prints it. */
interface Expected { offset: number; origin: string; entry: bigint; callLine: number; depth: number; callerOrigin: string }

/** objdump --dwarf=info's entries: each inlined call with its origin's name and its nesting. */
function objdumpInlined(elf: string): Expected[] {
  const text = execFileSync(OBJDUMP, ['--dwarf=info', elf], { maxBuffer: 1 << 28 }).toString();
  type Entry = { offset: number; level: number; tag: string; attrs: Map<string, string> };
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    const head = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: \d+ \((\w+)\)/.exec(line);
    if (head) { entries.push({ level: Number(head[1]), offset: parseInt(head[2], 16), tag: head[3], attrs: new Map() }); continue; }
    const attr = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(.*)$/.exec(line);
    if (attr && entries.length) entries[entries.length - 1].attrs.set(attr[1], attr[2].trim());
  }
  const byOffset = new Map(entries.map((e) => [e.offset, e]));
  const nameOf = (e: Entry | undefined): string => {
    const n = e?.attrs.get('DW_AT_name');
    if (n) return n.replace(/^\(indirect (line )?string, offset: 0x[0-9a-f]+\): /, '');
    const o = e?.attrs.get('DW_AT_abstract_origin');
    return o ? nameOf(byOffset.get(parseInt(o.replace(/[<>]/g, ''), 16))) : '?';
  };
  const out: Expected[] = [];
  const stack: Entry[] = [];
  for (const e of entries) {
    stack.length = e.level;
    if (e.tag === 'DW_TAG_inlined_subroutine') {
      const entry = e.attrs.get('DW_AT_entry_pc') ?? e.attrs.get('DW_AT_low_pc')!;
      const enclosing = [...stack].reverse().find((s) => s.tag === 'DW_TAG_inlined_subroutine' || s.tag === 'DW_TAG_subprogram');
      out.push({
        offset: e.offset, origin: nameOf(e), entry: BigInt(entry.split(/\s/)[0]), callLine: Number(e.attrs.get('DW_AT_call_line')),
        depth: stack.filter((s) => s.tag === 'DW_TAG_inlined_subroutine').length, callerOrigin: nameOf(enclosing),
      });
    }
    stack[e.level] = e;
  }
  return out;
}

const load = (elf: string): DebugInfo => new DebugInfo(infoSections(parseElf(readFileSync(elf)))!);

for (const version of VERSIONS) {
  test(`DWARF ${version}: each inlined call is found at its entry, with its function, nesting and call site`, () => {
    const elf = elfs.get(version)!;
    const expected = objdumpInlined(elf);
    assert.ok(expected.length >= 8, `GCC inlined ${expected.length} calls`);
    assert.ok(expected.some((e) => e.depth >= 1), 'some inlined calls are nested in others');
    const info = load(elf);
    for (const e of expected) {
      const die = info.at(e.offset);
      assert.ok(die, `an entry at 0x${e.offset.toString(16)}`);
      const what = `${e.origin} at 0x${e.entry.toString(16)}`;
      assert.equal(info.qualifiedName(die), e.origin, what);
      assert.equal(info.entryPc(die), e.entry, what);
      const chain = info.inlinedAt(e.entry);
      assert.equal(chain.indexOf(die), e.depth, `${what}: nesting ${chain.map((d) => info.qualifiedName(d)).join(' > ')}`);
      if (e.depth > 0) assert.equal(info.qualifiedName(chain[e.depth - 1]), e.callerOrigin, what);
      const site = info.callSiteOf(die)!;
      assert.equal(site.line, e.callLine, what);
      // The call is written in the file of the function that makes it.
      const file = e.callerOrigin === 'putch' || e.callerOrigin === 'puts_' ? 'bare.h' : 'inlined.c';
      assert.ok(site.file.endsWith(`test/programs/${file}`), `${what}: ${site.file}`);
    }
  });

  test(`DWARF ${version}: a function's inlined copies, for function breakpoints`, () => {
    const elf = elfs.get(version)!;
    const expected = objdumpInlined(elf);
    const info = load(elf);
    for (const name of ['read_reg', 'scaled', 'bump', 'putch']) {
      const entries = [...new Set(expected.filter((e) => e.origin === name).map((e) => e.entry))].sort((a, b) => (a < b ? -1 : 1));
      assert.ok(entries.length >= (name === 'putch' ? 1 : 2), name);
      assert.deepEqual(info.inlinedEntries(name), entries, name);
    }
    assert.deepEqual(info.inlinedEntries('sample'), [], 'sample is never inlined');
    assert.deepEqual(info.inlinedEntries('no_such_function'), []);
  });

  test(`DWARF ${version}: an inlined call's variables are its frame's, not the caller's`, () => {
    const elf = elfs.get(version)!;
    const info = load(elf);
    const readReg = objdumpInlined(elf).find((e) => e.origin === 'read_reg' && e.depth === 1)!;
    const chain = info.inlinedAt(readReg.entry);
    const names = (scope?: import('../../src/debugger/dwarf/info.js').Die): string[] =>
      info.variablesAt(readReg.entry, scope).map((v) => info.name(v.die)!).sort();
    assert.deepEqual(names(chain[1]), ['v', 'which']);
    assert.ok(names(chain[0]).includes('factor') && names(chain[0]).includes('raw') && !names(chain[0]).includes('v'), names(chain[0]).join());
    assert.deepEqual(names(undefined).filter((n) => ['v', 'raw', 'factor'].includes(n)), [], 'sample\'s own frame');
    assert.ok(names(undefined).includes('which'));
    // The frame base of an inlined call's variables is the function's it was inlined into.
    assert.equal(info.qualifiedName(info.variablesAt(readReg.entry, chain[1])[0].fn), 'sample');
  });
}

// Two readings of a line table the adapter's own (dwarf/line.ts, dwarf/lineIndex.ts) is checked
// against: GNU objdump's decoded rows (--dwarf=decodedline), and the index as the adapter built
// it before its rows became columns: an object per row and per range, maps filled at once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { parseLineTable } from '../../src/debugger/dwarf/line.js';
import type { LineRow, LineTable } from '../../src/debugger/dwarf/lineTable.js';
import { LineIndex, normalize, resolveAmong, type SourceLocation } from '../../src/debugger/dwarf/lineIndex.js';
import { OBJDUMP } from './toolchain.js';

export interface DecodedRow { base: string; line: number | undefined; address: bigint; isStmt: boolean; endSequence: boolean }

/** objdump --dwarf=decodedline's rows in order: the file's last path part, the line ('-' ends a sequence), the address, the statement mark. */
export function decodedLines(elf: string): DecodedRow[] {
  const text = execFileSync(OBJDUMP, ['--dwarf=decodedline', '-w', elf], { maxBuffer: 1 << 28 }).toString();
  const out: DecodedRow[] = [];
  for (const l of text.split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+|\d+)(?:\s+\d+)?(\s+x)?\s*$/.exec(l);
    if (!m) continue;
    out.push({ base: m[1], line: m[2] === '-' ? undefined : Number(m[2]), address: BigInt(m[3]), isStmt: !!m[4], endSequence: m[2] === '-' });
  }
  return out;
}


/** The line index over row objects (the adapter's until its columns): the model the columns' index must answer as. */
export class RowIndex {
  private readonly ranges: { start: bigint; end: bigint; row: LineRow }[] = [];
  private readonly starts = new Map<string, Map<number, bigint[]>>();
  private readonly fallbackStarts = new Map<string, Map<number, bigint[]>>();
  private readonly statements = new Set<bigint>();

  constructor(rows: LineRow[]) {
    let owner: LineRow | undefined, before: LineRow | undefined;
    for (let i = 0; i + 1 < rows.length; i++) {
      const r = rows[i];
      if (r.endSequence) { owner = undefined; before = undefined; continue; }
      if (r.line > 0) owner = r;
      const empty = !(rows[i + 1].address > r.address);
      if (!empty) this.ranges.push({ start: r.address, end: rows[i + 1].address, row: r.line > 0 || !owner ? r : owner });
      if (r.isStmt && r.line > 0 && (!before || before.line !== r.line || before.file !== r.file)) {
        const into = empty ? this.fallbackStarts : this.starts, file = normalize(r.file);
        let lines = into.get(file);
        if (!lines) { lines = new Map(); into.set(file, lines); }
        const list = lines.get(r.line) ?? [];
        if (!list.includes(r.address)) list.push(r.address);
        lines.set(r.line, list);
      }
      if (r.isStmt && r.line > 0) this.statements.add(r.address);
      if (!empty && r.isStmt) before = r;
    }
    this.ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  statementAt(addr: bigint): boolean { return this.statements.has(addr); }

  get files(): string[] { return [...new Set([...this.starts.keys(), ...this.fallbackStarts.keys()])]; }

  lookup(addr: bigint): SourceLocation | undefined {
    let lo = 0, hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = this.ranges[mid];
      if (addr < r.start) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else return r.row.line > 0 ? { file: normalize(r.row.file), line: r.row.line, column: r.row.column } : undefined;
    }
    return undefined;
  }

  // The cut left file matching as it was: the model shares it (the file list is what it checks).
  resolveFile(path: string): string | undefined { return resolveAmong(this.files, path); }

  addressesFor(file: string, line: number, maxShift = 20): { line: number; addresses: bigint[] } | undefined {
    const lines = this.starts.get(file), fallback = this.fallbackStarts.get(file);
    if (!lines && !fallback) return undefined;
    for (let l = line; l <= line + maxShift; l++) {
      const a = lines?.get(l) ?? fallback?.get(l);
      if (a && a.length) return { line: l, addresses: [...a].sort((x, y) => (x < y ? -1 : 1)) };
    }
    return undefined;
  }
}

/** The .debug_line rows of an ELF file as the adapter reads them. */
export function lineTableOf(path: string): LineTable {
  const bytes = readFileSync(path), elf = parseElf(bytes);
  const sec = (n: string): Uint8Array | undefined => {
    const s = elf.sections.find((x) => x.name === n);
    return s && bytes.subarray(s.offset, s.offset + s.size);
  };
  return parseLineTable({ debugLine: sec('.debug_line')!, debugLineStr: sec('.debug_line_str'), debugStr: sec('.debug_str') });
}

const hex = (a: bigint): string => `0x${a.toString(16)}`;

/** Every row of the table against objdump's. */
export function assertRowsAsObjdump(path: string, table: LineTable): void {
  const want = decodedLines(path), got = table.rows();
  assert.equal(got.length, want.length, 'rows');
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i], at = `row ${i} (${hex(w.address)} ${w.base}:${w.line ?? '-'})`;
    assert.equal(g.address, w.address, `${at}: address`);
    assert.equal(g.endSequence, w.endSequence, `${at}: end of sequence`);
    if (w.endSequence) continue;
    assert.equal(g.file.split('/').pop(), w.base, `${at}: file`);
    assert.equal(g.line, w.line, `${at}: line`);
    assert.equal(g.isStmt, w.isStmt, `${at}: is_stmt`);
  }
}

/**
 * The index's answers against the row model's: lookup and statementAt around every row's
 * address, addressesFor every line (and two past the last) of every file, resolveFile of each
 * file's last one and two path parts. Returns how many questions were asked.
 */
export function assertIndexAsModel(table: LineTable): number {
  const index = new LineIndex(table), rows = table.rows(), model = new RowIndex(rows);
  let asked = 0;
  assert.deepEqual(index.files, model.files, 'files');
  for (const r of rows) {
    for (let d = -1n; d <= 3n; d++) {
      const a = r.address + d;
      assert.deepEqual(index.lookup(a), model.lookup(a), `lookup ${hex(a)}`);
      assert.equal(index.statementAt(a), model.statementAt(a), `statementAt ${hex(a)}`);
      asked += 2;
    }
  }
  const last = new Map<string, number>();
  for (const r of rows) { const f = normalize(r.file); last.set(f, Math.max(last.get(f) ?? 0, r.line)); }
  for (const f of model.files) {
    for (let l = 0; l <= (last.get(f) ?? 0) + 2; l++, asked++) assert.deepEqual(index.addressesFor(f, l), model.addressesFor(f, l), `addressesFor ${f}:${l}`);
    const parts = f.split('/');
    for (const tail of [parts.slice(-1), parts.slice(-2), ['elsewhere', ...parts.slice(-1)]]) {
      const p = tail.join('/');
      assert.equal(index.resolveFile(p), model.resolveFile(p), `resolveFile ${p}`);
      asked++;
    }
  }
  return asked;
}

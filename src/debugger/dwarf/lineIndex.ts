// Questions a debugger asks of the line table: which source line holds an address, and which
// addresses start a source line (for breakpoints, moved to the nearest line that has code).
// Built over the table's columns (lineTable.ts) with row numbers, not objects: the launch builds
// it for every row of the kernel, while a breakpoint asks about one file and a stop about one
// address, so the per-file maps and the statement set are made when first asked for.
import { END_SEQUENCE, IS_STMT, type LineTable } from './lineTable.js';

export interface SourceLocation { file: string; line: number; column: number }

/** A file name as the index compares it: forward slashes, no `/./` steps. */
export const normalize = (p: string): string => p.replace(/\\/g, '/').replace(/\/\.\//g, '/');

/** Whether row a's address is below row b's. */
const below = (t: LineTable, a: number, b: number): boolean => t.hi[a] < t.hi[b] || (t.hi[a] === t.hi[b] && t.lo[a] < t.lo[b]);

export class LineIndex {
  /** Ranges of code in address order: the row starting each (its range ends at the next row's address) ... */
  private readonly rangeRow: Uint32Array;
  /** ... and the row whose line it is (a line-0 row's owner, below). */
  private readonly rangeLine: Uint32Array;
  /** Rows where a statement of their line begins, in row order; `fallback` marks those whose range is empty. */
  private readonly startRows: Uint32Array;
  private readonly fallback: Uint8Array;
  /** normalize() of each of the table's file names, as an id into `names`. */
  private readonly nameOf: Uint32Array;
  private readonly names: string[] = [];
  /** The normalised names statements start in: those with a non-empty range first, then the others, each in the order first met. */
  readonly files: string[];
  private readonly byFile = new Map<string, { starts: Map<number, bigint[]>; fallback: Map<number, bigint[]> }>();
  private statementSet: Set<bigint> | undefined;

  constructor(private readonly table: LineTable) {
    const t = table, n = t.length;
    const ids = new Map<string, number>();
    this.nameOf = new Uint32Array(t.files.length);
    t.files.forEach((f, i) => {
      const name = normalize(f);
      let id = ids.get(name);
      if (id === undefined) { id = this.names.length; this.names.push(name); ids.set(name, id); }
      this.nameOf[i] = id;
    });

    const rangeRow = new Uint32Array(n), rangeLine = new Uint32Array(n);
    const startRows = new Uint32Array(n), fallback = new Uint8Array(n);
    let ranges = 0, starts = 0;
    // Line 0 marks code no source line owns (moves the compiler adds around inline assembly,
    // say). A stop there is shown at the line before it in the same sequence, as gdb does,
    // rather than as an unknown source; it starts no statement, so stepping passes through.
    let owner = -1;
    /** The last row of this sequence whose code ran before the current one (a non-empty range). */
    let before = -1;
    const firstStart = new Int32Array(this.names.length).fill(-1), firstFallback = new Int32Array(this.names.length).fill(-1);
    for (let i = 0; i + 1 < n; i++) {
      const flags = t.flags[i];
      if (flags & END_SEQUENCE) { owner = -1; before = -1; continue; }
      const line = t.line[i];
      if (line > 0) owner = i;
      const empty = !below(t, i, i + 1);
      if (!empty) { rangeRow[ranges] = i; rangeLine[ranges] = line > 0 || owner < 0 ? i : owner; ranges++; }
      // A row whose range is empty (the next row has the same address) is not where the
      // line's code is: the address belongs to the next row's line. An optimiser may leave a
      // line nothing but such rows (its code merged into the next line's): a breakpoint there
      // uses them, as the only place the line begins.
      // A statement starts where the line changes (or a sequence begins); rows of the same
      // address in between (views) do not count as a change.
      // Rows that are not statements (code the optimiser moved into another line's, GCC's
      // hoisted loads) neither start one nor hide the next statement of their line.
      const stmt = (flags & IS_STMT) !== 0;
      if (stmt && line > 0 && (before < 0 || t.line[before] !== line || t.file[before] !== t.file[i])) {
        startRows[starts] = i; fallback[starts] = empty ? 1 : 0; starts++;
        const name = this.nameOf[t.file[i]], first = empty ? firstFallback : firstStart;
        if (first[name] < 0) first[name] = i;
      }
      if (!empty && stmt) before = i;
    }
    this.startRows = startRows.subarray(0, starts);
    this.fallback = fallback.subarray(0, starts);
    const order = (first: Int32Array): number[] => [...first.keys()].filter((id) => first[id] >= 0).sort((a, b) => first[a] - first[b]);
    const withCode = order(firstStart);
    this.files = [...withCode, ...order(firstFallback).filter((id) => firstStart[id] < 0)].map((id) => this.names[id]);

    // By start address; of ranges starting alike, the earlier row first (as a stable sort
    // leaves them). The rows of a sequence rise, so the ranges are often in order already.
    let sorted = true;
    for (let k = 1; k < ranges && sorted; k++) sorted = !below(t, rangeRow[k], rangeRow[k - 1]);
    if (sorted) {
      this.rangeRow = rangeRow.subarray(0, ranges);
      this.rangeLine = rangeLine.subarray(0, ranges);
    } else {
      const perm = new Uint32Array(ranges);
      for (let k = 0; k < ranges; k++) perm[k] = k;
      perm.sort((a, b) => {
        const ra = rangeRow[a], rb = rangeRow[b];
        return t.hi[ra] - t.hi[rb] || t.lo[ra] - t.lo[rb] || a - b;
      });
      this.rangeRow = new Uint32Array(ranges);
      this.rangeLine = new Uint32Array(ranges);
      for (let k = 0; k < ranges; k++) { this.rangeRow[k] = rangeRow[perm[k]]; this.rangeLine[k] = rangeLine[perm[k]]; }
    }
  }

  /** Whether a statement begins at addr: where a line step may stop. */
  statementAt(addr: bigint): boolean {
    if (!this.statementSet) {
      const t = this.table, set = new Set<bigint>();
      for (let i = 0; i + 1 < t.length; i++) {
        const f = t.flags[i];
        if (!(f & END_SEQUENCE) && (f & IS_STMT) && t.line[i] > 0) set.add(t.address(i));
      }
      this.statementSet = set;
    }
    return this.statementSet.has(addr);
  }

  /** The source line whose code holds `addr`. */
  lookup(addr: bigint): SourceLocation | undefined {
    const t = this.table;
    const ah = Number(addr >> 32n), al = Number(addr & 0xffffffffn);
    let lo = 0, hi = this.rangeRow.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, s = this.rangeRow[mid], e = s + 1;
      if (ah < t.hi[s] || (ah === t.hi[s] && al < t.lo[s])) hi = mid - 1;
      else if (ah > t.hi[e] || (ah === t.hi[e] && al >= t.lo[e])) lo = mid + 1;
      else {
        const row = this.rangeLine[mid], line = t.line[row];
        return line > 0 ? { file: this.names[this.nameOf[t.file[row]]], line, column: t.column[row] } : undefined;
      }
    }
    return undefined;
  }

  /** The table's name for a client path: the same path, or the one sharing the longest tail. */
  resolveFile(path: string): string | undefined {
    return resolveAmong(this.files, path);
  }

  /** file's statement starts by line, with and without code of their own; made on first ask. */
  private linesOf(file: string): { starts: Map<number, bigint[]>; fallback: Map<number, bigint[]> } | undefined {
    let got = this.byFile.get(file);
    if (got) return got;
    if (!this.files.includes(file)) return undefined;
    got = { starts: new Map(), fallback: new Map() };
    const t = this.table, id = this.names.indexOf(file);
    for (let k = 0; k < this.startRows.length; k++) {
      const i = this.startRows[k];
      if (this.nameOf[t.file[i]] !== id) continue;
      const into = this.fallback[k] ? got.fallback : got.starts;
      const list = into.get(t.line[i]) ?? [];
      const a = t.address(i);
      if (!list.includes(a)) list.push(a);
      into.set(t.line[i], list);
    }
    for (const m of [got.starts, got.fallback]) for (const list of m.values()) list.sort((x, y) => (x < y ? -1 : 1));
    this.byFile.set(file, got);
    return got;
  }

  /**
   * Addresses for a breakpoint on `line` of `file`: that line's statements, or those of the
   * nearest following line with code (within `maxShift` lines).
   */
  addressesFor(file: string, line: number, maxShift = 20): { line: number; addresses: bigint[] } | undefined {
    const got = this.linesOf(file);
    if (!got) return undefined;
    for (let l = line; l <= line + maxShift; l++) {
      const a = got.starts.get(l) ?? got.fallback.get(l);
      if (a && a.length) return { line: l, addresses: [...a] };
    }
    return undefined;
  }
}

/**
 * Which of `files` (normalised names) a client path names: itself, or the one sharing the most
 * trailing path components with it (the first of equals), at least the file name.
 */
export function resolveAmong(files: readonly string[], path: string): string | undefined {
  const want = normalize(path);
  if (files.includes(want)) return want;
  const parts = want.split('/');
  let best: string | undefined, bestLen = 0;
  for (const f of files) {
    const fp = f.split('/');
    let n = 0;
    while (n < fp.length && n < parts.length && fp[fp.length - 1 - n] === parts[parts.length - 1 - n]) n++;
    if (n > bestLen) { best = f; bestLen = n; }
  }
  return bestLen >= 1 ? best : undefined;
}

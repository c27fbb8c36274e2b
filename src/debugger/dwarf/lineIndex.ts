// Questions a debugger asks of the line table: which source line holds an address, and which
// addresses start a source line (for breakpoints, moved to the nearest line that has code).
import type { LineRow } from './line.js';

export interface SourceLocation { file: string; line: number; column: number }

interface Range { start: bigint; end: bigint; row: LineRow }

const normalize = (p: string): string => p.replace(/\\/g, '/').replace(/\/\.\//g, '/');

export class LineIndex {
  private readonly ranges: Range[] = [];
  /** file → line → addresses where a statement of that line begins. */
  private readonly starts = new Map<string, Map<number, bigint[]>>();

  constructor(rows: LineRow[]) {
    // Line 0 marks code no source line owns (moves the compiler adds around inline assembly,
    // say). A stop there is shown at the line before it in the same sequence, as gdb does,
    // rather than as an unknown source; it starts no statement, so stepping passes through.
    let owner: LineRow | undefined;
    /** The last row of this sequence whose code ran before the current one (a non-empty range). */
    let before: LineRow | undefined;
    for (let i = 0; i + 1 < rows.length; i++) {
      const r = rows[i];
      if (r.endSequence) { owner = undefined; before = undefined; continue; }
      if (r.line > 0) owner = r;
      const next = rows[i + 1];
      const empty = !(next.address > r.address);
      if (!empty) this.ranges.push({ start: r.address, end: next.address, row: r.line > 0 || !owner ? r : owner });
      // A row whose range is empty (the next row has the same address) is not where the
      // line's code is: the address belongs to the next row's line. An optimiser may leave a
      // line nothing but such rows (its code merged into the next line's): a breakpoint there
      // uses them, as the only place the line begins.
      // A statement starts where the line changes (or a sequence begins); rows of the same
      // address in between (views) do not count as a change.
      // Rows that are not statements (code the optimiser moved into another line's, GCC's
      // hoisted loads) neither start one nor hide the next statement of their line.
      if (r.isStmt && r.line > 0 && (!before || before.line !== r.line || before.file !== r.file)) {
        this.addStart(empty ? this.fallbackStarts : this.starts, r);
      }
      if (r.isStmt && r.line > 0) this.statements.add(r.address);
      if (!empty && r.isStmt) before = r;
    }
    this.ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** Every address where a statement begins (an is_stmt row of a line). */
  private readonly statements = new Set<bigint>();

  /** Whether a statement begins at addr: where a line step may stop. */
  statementAt(addr: bigint): boolean { return this.statements.has(addr); }

  /** Statement starts whose range is empty, for lines that have no other. */
  private readonly fallbackStarts = new Map<string, Map<number, bigint[]>>();

  /** normalize() of each file name the rows use: the rows share a few hundred names, each row would run its regexps. */
  private readonly normalized = new Map<string, string>();

  private addStart(into: Map<string, Map<number, bigint[]>>, r: LineRow): void {
    let file = this.normalized.get(r.file);
    if (file === undefined) { file = normalize(r.file); this.normalized.set(r.file, file); }
    let lines = into.get(file);
    if (!lines) { lines = new Map(); into.set(file, lines); }
    const list = lines.get(r.line) ?? [];
    if (!list.includes(r.address)) list.push(r.address);
    lines.set(r.line, list);
  }

  get files(): string[] { return [...new Set([...this.starts.keys(), ...this.fallbackStarts.keys()])]; }

  /** The source line whose code holds `addr`. */
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

  /** The table's name for a client path: the same path, or the one sharing the longest tail. */
  resolveFile(path: string): string | undefined {
    const want = normalize(path);
    if (this.starts.has(want) || this.fallbackStarts.has(want)) return want;
    const parts = want.split('/');
    let best: string | undefined, bestLen = 0;
    for (const f of this.files) {
      const fp = f.split('/');
      let n = 0;
      while (n < fp.length && n < parts.length && fp[fp.length - 1 - n] === parts[parts.length - 1 - n]) n++;
      if (n > bestLen) { best = f; bestLen = n; }
    }
    return bestLen >= 1 ? best : undefined;
  }

  /**
   * Addresses for a breakpoint on `line` of `file`: that line's statements, or those of the
   * nearest following line with code (within `maxShift` lines).
   */
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

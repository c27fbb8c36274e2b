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
    for (let i = 0; i + 1 < rows.length; i++) {
      const r = rows[i];
      if (r.endSequence) { owner = undefined; continue; }
      if (r.line > 0) owner = r;
      const next = rows[i + 1];
      if (next.address > r.address) this.ranges.push({ start: r.address, end: next.address, row: r.line > 0 || !owner ? r : owner });
      // A row whose range is empty (the next row has the same address) is not where the
      // line's code is: the address belongs to the next row's line.
      if (r.isStmt && r.line > 0 && next.address > r.address) {
        const prev = i > 0 && !rows[i - 1].endSequence ? rows[i - 1] : undefined;
        // A statement starts where the line changes (or a sequence begins).
        if (!prev || prev.line !== r.line || prev.file !== r.file) {
          const file = normalize(r.file);
          let lines = this.starts.get(file);
          if (!lines) { lines = new Map(); this.starts.set(file, lines); }
          const list = lines.get(r.line) ?? [];
          if (!list.includes(r.address)) list.push(r.address);
          lines.set(r.line, list);
        }
      }
    }
    this.ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  get files(): string[] { return [...this.starts.keys()]; }

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
    if (this.starts.has(want)) return want;
    const parts = want.split('/');
    let best: string | undefined, bestLen = 0;
    for (const f of this.starts.keys()) {
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
    const lines = this.starts.get(file);
    if (!lines) return undefined;
    for (let l = line; l <= line + maxShift; l++) {
      const a = lines.get(l);
      if (a && a.length) return { line: l, addresses: [...a].sort((x, y) => (x < y ? -1 : 1)) };
    }
    return undefined;
  }
}

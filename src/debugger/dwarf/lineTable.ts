// The rows of the line-number programs (line.ts runs them) as columns of typed arrays, one
// entry per row, rather than an object and a BigInt per row: a kernel has tens of thousands
// of rows, and making, keeping and collecting those objects was most of the launch's DWARF
// cost (docs/performance.md). An address is kept as its high and low 32-bit halves, so the
// index compares them as numbers; the high half is a double so that an address run past
// 2^64 by a line program's advances stays what a BigInt would hold rather than wrapping.

export interface LineRow {
  address: bigint;
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

export const IS_STMT = 1, END_SEQUENCE = 2;

export class LineTable {
  /** Rows in the order the programs emit them. */
  length = 0;
  hi: Float64Array;
  lo: Uint32Array;
  /** Index into `files`. */
  file: Uint32Array;
  line: Float64Array;
  column: Float64Array;
  /** IS_STMT | END_SEQUENCE. */
  flags: Uint8Array;
  /** Every file name the rows use, once each (rows of different units naming a file alike share it). */
  readonly files: string[] = [];
  private readonly fileIds = new Map<string, number>();

  constructor(capacity = 256) {
    const n = Math.max(16, capacity);
    this.hi = new Float64Array(n); this.lo = new Uint32Array(n); this.file = new Uint32Array(n);
    this.line = new Float64Array(n); this.column = new Float64Array(n); this.flags = new Uint8Array(n);
  }

  /** The id of a file name, added when new. */
  fileId(name: string): number {
    let id = this.fileIds.get(name);
    if (id === undefined) { id = this.files.length; this.files.push(name); this.fileIds.set(name, id); }
    return id;
  }

  push(hi: number, lo: number, file: number, line: number, column: number, flags: number): void {
    const i = this.length;
    this.reserve(1);
    this.hi[i] = hi; this.lo[i] = lo; this.file[i] = file; this.line[i] = line; this.column[i] = column; this.flags[i] = flags;
    this.length = i + 1;
  }

  /** Room for `more` rows after `length`: the columns are replaced by longer ones when full. */
  reserve(more: number): void {
    if (this.length + more <= this.hi.length) return;
    const n = Math.max(this.hi.length * 2, this.length + more);
    const longer = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: new (n: number) => T): T => { const b = new make(n); b.set(a); return b; };
    this.hi = longer(this.hi, Float64Array); this.lo = longer(this.lo, Uint32Array); this.file = longer(this.file, Uint32Array);
    this.line = longer(this.line, Float64Array); this.column = longer(this.column, Float64Array); this.flags = longer(this.flags, Uint8Array);
  }

  address(i: number): bigint { return (BigInt(this.hi[i]) << 32n) | BigInt(this.lo[i]); }

  row(i: number): LineRow {
    const f = this.flags[i];
    return { address: this.address(i), file: this.files[this.file[i]], line: this.line[i], column: this.column[i],
      isStmt: (f & IS_STMT) !== 0, endSequence: (f & END_SEQUENCE) !== 0 };
  }

  rows(): LineRow[] { return Array.from({ length: this.length }, (_, i) => this.row(i)); }

  /** A table of given rows (tests and hand-made tables). */
  static fromRows(rows: readonly LineRow[]): LineTable {
    const t = new LineTable(rows.length);
    for (const r of rows) {
      t.push(Number(r.address >> 32n), Number(r.address & 0xffffffffn), t.fileId(r.file), r.line, r.column, (r.isStmt ? IS_STMT : 0) | (r.endSequence ? END_SEQUENCE : 0));
    }
    return t;
  }
}

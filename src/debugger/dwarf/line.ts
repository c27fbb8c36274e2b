// The DWARF line-number program (DWARF 4 §6.2 and DWARF 5 §6.2): run each unit's state
// machine into a table of rows, address → file, line, column (lineTable.ts). Versions 2 to 5; DWARF 5's
// directory and file tables with their entry formats, strings inline or in .debug_line_str.
import { Reader, stringAt } from './reader.js';
import { END_SEQUENCE, IS_STMT, LineTable } from './lineTable.js';

export interface LineSections { debugLine: Uint8Array; debugLineStr?: Uint8Array; debugStr?: Uint8Array }

const DW_LNS = { copy: 1, advancePc: 2, advanceLine: 3, setFile: 4, setColumn: 5, negateStmt: 6, setBasicBlock: 7,
  constAddPc: 8, fixedAdvancePc: 9, setPrologueEnd: 10, setEpilogueBegin: 11, setIsa: 12 };
const DW_LNE = { endSequence: 1, setAddress: 2, defineFile: 3, setDiscriminator: 4 };
const DW_LNCT = { path: 1, directoryIndex: 2 };
const DW_FORM = { block: 0x09, block1: 0x0a, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07, data16: 0x1e,
  string: 0x08, strp: 0x0e, lineStrp: 0x1f, udata: 0x0f, strx: 0x1a, strx1: 0x25, strx2: 0x26, strx4: 0x28 };

const join = (dir: string, name: string): string =>
  name.startsWith('/') || dir === '' ? name : `${dir.replace(/\/$/, '')}/${name}`;

function readForm(r: Reader, form: number, is64: boolean, s: LineSections): string | number {
  switch (form) {
    case DW_FORM.string: return r.cstr();
    case DW_FORM.lineStrp: return stringAt(s.debugLineStr, r.offset(is64));
    case DW_FORM.strp: return stringAt(s.debugStr, r.offset(is64));
    case DW_FORM.udata: return r.uleb();
    case DW_FORM.data1: return r.u8();
    case DW_FORM.data2: return r.u16();
    case DW_FORM.data4: return r.u32();
    case DW_FORM.data8: return Number(r.u64());
    case DW_FORM.data16: r.skip(16); return 0;
    case DW_FORM.block: r.skip(r.uleb()); return 0;
    case DW_FORM.block1: r.skip(r.u8()); return 0;
    default: throw new Error(`DWARF line table: unsupported form 0x${form.toString(16)}`);
  }
}

/** Read a DWARF 5 entry-format list and its entries. */
function readEntries(r: Reader, is64: boolean, s: LineSections): { path: string; dir: number }[] {
  const formatCount = r.u8();
  const formats: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) formats.push([r.uleb(), r.uleb()]);
  const count = r.uleb();
  const out: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    const e = { path: '', dir: 0 };
    for (const [type, form] of formats) {
      const v = readForm(r, form, is64, s);
      if (type === DW_LNCT.path) e.path = String(v);
      else if (type === DW_LNCT.directoryIndex) e.dir = Number(v);
    }
    out.push(e);
  }
  return out;
}

const TWO32 = 4294967296;

/** What a unit's header says about running its program. */
interface Program { minInst: number; stmt: number; lineBase: number; lineRange: number; opcodeBase: number; opLengths: number[]; files: string[] }

/** LEB128 past its first byte (the run's loop reads one-byte values itself); leaves `next` after it. */
let next = 0;
function lebRest(b: Uint8Array, pos: number, first: number, signed: boolean): number {
  let result = first & 0x7f, shift = 7, x;
  do { x = b[pos++]; result += (x & 0x7f) * 2 ** shift; shift += 7; } while (x & 0x80);
  if (signed && (x & 0x40)) result -= 2 ** shift;
  next = pos;
  return result;
}

/**
 * Run every unit's line program into one table. The address is kept as two numbers, `hi` and
 * `lo` (lo below 2^32), and the file register's name looked up only when the register or the
 * unit's file list changes, so a row costs the table's columns and nothing else.
 */
export function parseLineTable(s: LineSections): LineTable {
  // .debug_line takes some 10 bytes a row in the kernels measured; the table grows if needed.
  const table = new LineTable(s.debugLine.length >> 3);
  const r = new Reader(s.debugLine);
  while (!r.done) {
    const { end: unitEnd, is64 } = r.unitLength();
    const version = r.u16();
    if (version < 2 || version > 5) { r.pos = unitEnd; continue; }
    if (version >= 5) { r.u8(); r.u8(); } // address size, segment selector size
    const headerLength = r.offset(is64);
    const programStart = r.pos + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8(); // maximum operations per instruction (VLIW only)
    const stmt = r.u8() !== 0 ? IS_STMT : 0;
    const lineBase = r.i8();
    const lineRange = r.u8();
    const opcodeBase = r.u8();
    const opLengths = [0];
    for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());

    let files: string[];
    if (version >= 5) {
      const dirs = readEntries(r, is64, s).map((d) => d.path);
      files = readEntries(r, is64, s).map((f) => join(dirs[f.dir] ?? '', f.path));
    } else {
      const dirs = [''];
      for (let d = r.cstr(); d !== ''; d = r.cstr()) dirs.push(d);
      files = [''];
      for (let f = r.cstr(); f !== ''; f = r.cstr()) {
        const dir = r.uleb(); r.uleb(); r.uleb();
        files.push(join(dirs[dir] ?? '', f));
      }
    }
    run(table, s.debugLine, programStart, unitEnd, { minInst, stmt, lineBase, lineRange, opcodeBase, opLengths, files });
    r.pos = unitEnd;
  }
  return table;
}

/** The table's id of the file the `file` register names (a top-level function: a closure per unit would be a new call target each time, which V8's optimised code of `run` does not expect). */
function nameOf(t: LineTable, files: string[], file: number): number {
  return t.fileId(files[file] ?? `<file ${file}>`);
}

/**
 * One unit's program, from `pos` to `end`, its rows appended to the table. Written for its
 * first run, which is most of its runs: V8 runs it in its interpreter and baseline tiers for
 * much of a kernel's table, so the common opcodes read their bytes here rather than through
 * calls, and a row is stored into the columns in one place.
 */
function run(t: LineTable, b: Uint8Array, pos: number, end: number, p: Program): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const { minInst, lineBase, lineRange, opcodeBase, opLengths, files } = p;
  const constAdd = Math.floor((255 - opcodeBase) / lineRange) * minInst;
  let n = t.length, cap = t.hi.length;
  let H = t.hi, L = t.lo, F = t.file, LN = t.line, C = t.column, FL = t.flags;
  let hi = 0, lo = 0, file = 1, fileId = nameOf(t, files, 1), line = 1, column = 0, stmt = p.stmt;
  while (pos < end) {
    const op = b[pos++];
    let advance = 0, row = -1;
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      advance = Math.floor(adj / lineRange) * minInst;
      line += lineBase + (adj % lineRange);
      row = stmt;
    } else if (op === 0) {
      let len = b[pos++];
      if (len & 0x80) { len = lebRest(b, pos, len, false); pos = next; }
      const after = pos + len;
      const sub = b[pos++];
      if (sub === DW_LNE.endSequence) row = stmt | END_SEQUENCE;
      else if (sub === DW_LNE.setAddress) { lo = dv.getUint32(pos, true); hi = dv.getUint32(pos + 4, true); }
      else if (sub === DW_LNE.defineFile) {
        const r = new Reader(b, pos);
        files.push(r.cstr()); r.uleb(); r.uleb(); r.uleb();
        fileId = nameOf(t, files, file); // the register may name the entry just defined
      }
      pos = after;
    } else if (op === DW_LNS.copy) row = stmt;
    else if (op === DW_LNS.negateStmt) stmt ^= IS_STMT;
    else if (op === DW_LNS.fixedAdvancePc) { advance = dv.getUint16(pos, true); pos += 2; }
    else if (op === DW_LNS.constAddPc) advance = constAdd;
    else if (op <= DW_LNS.setColumn) {
      // The opcodes with one LEB128 operand.
      let v = b[pos++];
      if (v & 0x80) { v = lebRest(b, pos, v, op === DW_LNS.advanceLine); pos = next; }
      else if (op === DW_LNS.advanceLine && (v & 0x40)) v -= 0x80;
      if (op === DW_LNS.advancePc) advance = v * minInst;
      else if (op === DW_LNS.advanceLine) line += v;
      else if (op === DW_LNS.setFile) { file = v; fileId = nameOf(t, files, file); }
      else column = v;
    } else if (op !== DW_LNS.setBasicBlock) {
      for (let i = 0; i < opLengths[op]; i++) {
        const v = b[pos++];
        if (v & 0x80) { lebRest(b, pos, v, false); pos = next; }
      }
    }
    // A special opcode advances the address before its row.
    if (advance !== 0) {
      lo += advance;
      if (lo >= TWO32) { const c = Math.floor(lo / TWO32); hi += c; lo -= c * TWO32; }
    }
    if (row >= 0) {
      if (n === cap) {
        t.length = n; t.reserve(1); cap = t.hi.length;
        H = t.hi; L = t.lo; F = t.file; LN = t.line; C = t.column; FL = t.flags;
      }
      H[n] = hi; L[n] = lo; F[n] = fileId; LN[n] = line; C[n] = column; FL[n] = row;
      n++;
      if (row & END_SEQUENCE) { hi = 0; lo = 0; file = 1; fileId = nameOf(t, files, 1); line = 1; column = 0; stmt = p.stmt; }
    }
  }
  t.length = n;
  // The Reader this replaces threw on a read past the section; a run off its end does too.
  if (pos > b.length) throw new RangeError('DWARF line table: a line program runs past the end of .debug_line');
}

// The DWARF line-number program (DWARF 4 §6.2 and DWARF 5 §6.2): run each unit's state
// machine into a table of rows, address → file, line, column. Versions 2 to 5; DWARF 5's
// directory and file tables with their entry formats, strings inline or in .debug_line_str.
import { Reader, stringAt } from './reader.js';

export interface LineRow {
  address: bigint;
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

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

export function parseLineTable(s: LineSections): LineRow[] {
  const rows: LineRow[] = [];
  const r = new Reader(s.debugLine);
  while (!r.done) {
    const unitStart = r.pos;
    const { end: unitEnd, is64 } = r.unitLength();
    const version = r.u16();
    if (version < 2 || version > 5) { r.pos = unitEnd; continue; }
    if (version >= 5) { r.u8(); r.u8(); } // address size, segment selector size
    const headerLength = r.offset(is64);
    const programStart = r.pos + headerLength;
    const minInst = r.u8();
    if (version >= 4) r.u8(); // maximum operations per instruction (VLIW only)
    const defaultIsStmt = r.u8() !== 0;
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

    r.pos = programStart;
    let address = 0n, file = 1, line = 1, column = 0, isStmt = defaultIsStmt;
    const reset = (): void => { address = 0n; file = 1; line = 1; column = 0; isStmt = defaultIsStmt; };
    const emit = (endSequence: boolean): void => {
      rows.push({ address, file: files[file] ?? `<file ${file}>`, line, column, isStmt, endSequence });
    };
    while (r.pos < unitEnd) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        address += BigInt(Math.floor(adj / lineRange) * minInst);
        line += lineBase + (adj % lineRange);
        emit(false);
      } else if (op === 0) {
        const len = r.uleb();
        const end = r.pos + len;
        const sub = r.u8();
        if (sub === DW_LNE.endSequence) { emit(true); reset(); }
        else if (sub === DW_LNE.setAddress) address = r.u64();
        else if (sub === DW_LNE.defineFile) { const f = r.cstr(); const dir = r.uleb(); r.uleb(); r.uleb(); files.push(f); void dir; }
        r.pos = end;
      } else {
        switch (op) {
          case DW_LNS.copy: emit(false); break;
          case DW_LNS.advancePc: address += BigInt(r.uleb() * minInst); break;
          case DW_LNS.advanceLine: line += r.sleb(); break;
          case DW_LNS.setFile: file = r.uleb(); break;
          case DW_LNS.setColumn: column = r.uleb(); break;
          case DW_LNS.negateStmt: isStmt = !isStmt; break;
          case DW_LNS.setBasicBlock: break;
          case DW_LNS.constAddPc: address += BigInt(Math.floor((255 - opcodeBase) / lineRange) * minInst); break;
          case DW_LNS.fixedAdvancePc: address += BigInt(r.u16()); break;
          default: for (let i = 0; i < opLengths[op]; i++) r.uleb();
        }
      }
    }
    r.pos = unitEnd;
    void unitStart;
  }
  return rows;
}

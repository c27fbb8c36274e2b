// The file table of one line-number program's header (DWARF 2-5), without running the program:
// what an inlined call's DW_AT_call_file (an index into its unit's table, numbered as the line
// program's `file` register) names. Kept apart from line.ts, which runs whole programs.
import { Reader, stringAt } from './reader.js';

export interface LineFileSections { debugLine: Uint8Array; debugLineStr?: Uint8Array; debugStr?: Uint8Array }

const join = (dir: string, name: string): string =>
  name.startsWith('/') || dir === '' ? name : `${dir.replace(/\/$/, '')}/${name}`;

/** DW_LNCT_path and DW_LNCT_directory_index. */
const LNCT_PATH = 1, LNCT_DIR = 2;

/** One DWARF 5 entry's field (directory and file entries), as a string or a number. */
function field(r: Reader, form: number, is64: boolean, s: LineFileSections): string | number {
  switch (form) {
    case 0x08: return r.cstr();                                      // string
    case 0x1f: return stringAt(s.debugLineStr, r.offset(is64));      // line_strp
    case 0x0e: return stringAt(s.debugStr, r.offset(is64));          // strp
    case 0x0f: return r.uleb();                                      // udata
    case 0x0b: return r.u8();                                        // data1
    case 0x05: return r.u16();                                       // data2
    case 0x06: return r.u32();                                       // data4
    case 0x07: return Number(r.u64());                               // data8
    case 0x1e: r.skip(16); return 0;                                 // data16 (an MD5)
    case 0x09: r.skip(r.uleb()); return 0;                           // block
    case 0x0a: r.skip(r.u8()); return 0;                             // block1
    default: throw new Error(`DWARF line table: unsupported form 0x${form.toString(16)}`);
  }
}

function entries(r: Reader, is64: boolean, s: LineFileSections): { path: string; dir: number }[] {
  const formats: [number, number][] = [];
  for (let i = r.u8(); i > 0; i--) formats.push([r.uleb(), r.uleb()]);
  const out: { path: string; dir: number }[] = [];
  for (let n = r.uleb(); n > 0; n--) {
    const e = { path: '', dir: 0 };
    for (const [type, form] of formats) {
      const v = field(r, form, is64, s);
      if (type === LNCT_PATH) e.path = String(v);
      else if (type === LNCT_DIR) e.dir = Number(v);
    }
    out.push(e);
  }
  return out;
}

/**
 * The file names of the line program at `offset` of .debug_line, by the index the program's
 * `file` register uses (DWARF 5 counts from 0, earlier versions from 1: index 0 is '' there).
 * Paths are joined with their directories as the line table's rows are. Empty when unreadable.
 */
export function lineFileNames(s: LineFileSections, offset: number): string[] {
  try {
    const r = new Reader(s.debugLine, offset);
    const { is64 } = r.unitLength();
    const version = r.u16();
    if (version < 2 || version > 5) return [];
    if (version >= 5) r.skip(2); // address size, segment selector size
    r.offset(is64);              // header length
    r.skip(version >= 4 ? 5 : 4); // minimum instruction length, (maximum operations), default_is_stmt, line_base, line_range
    const opcodeBase = r.u8();
    r.skip(opcodeBase - 1);
    if (version >= 5) {
      const dirs = entries(r, is64, s).map((d) => d.path);
      return entries(r, is64, s).map((f) => join(dirs[f.dir] ?? '', f.path));
    }
    const dirs = [''];
    for (let d = r.cstr(); d !== ''; d = r.cstr()) dirs.push(d);
    const files = [''];
    for (let f = r.cstr(); f !== ''; f = r.cstr()) {
      const dir = r.uleb(); r.uleb(); r.uleb();
      files.push(join(dirs[dir] ?? '', f));
    }
    return files;
  } catch (e) {
    if (e instanceof RangeError) return []; // a header cut short
    throw e;
  }
}

// Call-frame information from .debug_frame (DWARF 4 §6.4): for a pc, where the caller's
// frame is (the CFA, a register plus an offset) and where the return address and saved
// registers are kept, so the stack can be unwound even where frame pointers do not help
// (prologues and epilogues). Only what RISC-V compilers emit is interpreted.
import { Reader } from './reader.js';

export interface UnwindRule {
  cfaReg: number;
  cfaOffset: number;
  /** Register number → offset from the CFA where its caller's value is saved. */
  saved: Map<number, number>;
}

interface Cie { codeAlign: number; dataAlign: number; raReg: number; initial: Uint8Array }
interface Fde { cie: Cie; start: bigint; end: bigint; instructions: Uint8Array }

export class FrameTable {
  private readonly fdes: Fde[] = [];
  readonly raRegister: number = 1;

  constructor(debugFrame: Uint8Array | undefined) {
    if (!debugFrame) return;
    const cies = new Map<number, Cie>();
    const r = new Reader(debugFrame);
    while (!r.done) {
      const start = r.pos;
      let length = r.u32();
      if (length === 0) continue;
      const is64 = length === 0xffffffff;
      if (is64) length = Number(r.u64());
      const end = r.pos + length;
      const id = is64 ? Number(r.u64()) : r.u32();
      if (id === (is64 ? -1 : 0xffffffff) || id === 0xffffffff) {
        const version = r.u8();
        const aug = r.cstr();
        if (version >= 4) { r.u8(); r.u8(); } // address size, segment size
        const codeAlign = r.uleb(), dataAlign = r.sleb();
        const raReg = version === 1 ? r.u8() : r.uleb();
        if (aug === '') cies.set(start, { codeAlign, dataAlign, raReg, initial: debugFrame.subarray(r.pos, end) });
      } else {
        const cie = cies.get(id);
        const pcStart = r.u64(), range = r.u64();
        if (cie) this.fdes.push({ cie, start: pcStart, end: pcStart + range, instructions: debugFrame.subarray(r.pos, end) });
      }
      r.pos = end;
    }
    this.fdes.sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  get size(): number { return this.fdes.length; }

  /** The unwind rule in force at `pc`, or undefined when no FDE covers it. */
  ruleAt(pc: bigint): UnwindRule | undefined {
    const fde = this.fdes.find((f) => pc >= f.start && pc < f.end);
    if (!fde) return undefined;
    const rule: UnwindRule = { cfaReg: 2, cfaOffset: 0, saved: new Map() };
    const initialSaved = new Map<number, number>();
    const run = (code: Uint8Array, limit: bigint | undefined): void => {
      const r = new Reader(code);
      let loc = fde.start;
      const stack: UnwindRule[] = [];
      while (!r.done) {
        const op = r.u8(), high = op & 0xc0, low = op & 0x3f;
        if (high === 0x40) { loc += BigInt(low * fde.cie.codeAlign); if (limit !== undefined && loc > limit) return; continue; }
        if (high === 0x80) { rule.saved.set(low, r.uleb() * fde.cie.dataAlign); continue; }
        if (high === 0xc0) { const init = initialSaved.get(low); if (init === undefined) rule.saved.delete(low); else rule.saved.set(low, init); continue; }
        const advance = (n: number): boolean => { loc += BigInt(n * fde.cie.codeAlign); return limit !== undefined && loc > limit; };
        switch (op) {
          case 0x00: break;                                            // nop
          case 0x02: if (advance(r.u8())) return; break;               // advance_loc1
          case 0x03: if (advance(r.u16())) return; break;              // advance_loc2
          case 0x04: if (advance(r.u32())) return; break;              // advance_loc4
          case 0x05: rule.saved.set(r.uleb(), r.uleb() * fde.cie.dataAlign); break; // offset_extended
          case 0x06: case 0x08: rule.saved.delete(r.uleb()); break;    // restore_extended, same_value
          case 0x07: rule.saved.delete(r.uleb()); break;               // undefined
          case 0x09: r.uleb(); r.uleb(); break;                         // register
          case 0x0a: stack.push({ ...rule, saved: new Map(rule.saved) }); break; // remember_state
          case 0x0b: { const s = stack.pop(); if (s) { rule.cfaReg = s.cfaReg; rule.cfaOffset = s.cfaOffset; rule.saved = s.saved; } break; }
          case 0x0c: rule.cfaReg = r.uleb(); rule.cfaOffset = r.uleb(); break;  // def_cfa
          case 0x0d: rule.cfaReg = r.uleb(); break;                    // def_cfa_register
          case 0x0e: rule.cfaOffset = r.uleb(); break;                 // def_cfa_offset
          case 0x11: rule.saved.set(r.uleb(), r.sleb() * fde.cie.dataAlign); break; // offset_extended_sf
          case 0x12: rule.cfaReg = r.uleb(); rule.cfaOffset = r.sleb() * fde.cie.dataAlign; break; // def_cfa_sf
          case 0x13: rule.cfaOffset = r.sleb() * fde.cie.dataAlign; break; // def_cfa_offset_sf
          default: return; // an expression or an opcode we do not model: keep what we have
        }
      }
    };
    run(fde.cie.initial, undefined);
    for (const [k, v] of rule.saved) initialSaved.set(k, v);
    run(fde.instructions, pc);
    return rule;
  }
}

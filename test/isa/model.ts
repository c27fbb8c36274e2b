// A reference model of one RV64IMA instruction, written from the ISA manual with plain BigInt
// arithmetic and its own decoder, independent of the emulator's tables and code generators.
// It executes a 32-bit word against a register file and a memory, in M-mode, and returns the
// architectural result: new registers and pc and the bytes written, or the trap it raises.
// Compressed words are checked by expanding them first (rvcReference.ts).
//
// Memory is RAM at [base, base + size); everything else raises access faults. Misaligned
// loads and stores complete (as on QEMU 7.2, which performs them in software); if part of one
// falls outside RAM, mtval is the address of the first byte that faults (vol. II, "mtval").
// LR/SC: the model has no reservation, so an SC fails (rd = 1) and writes nothing.
// Of F and D it has the loads and stores (what compressed code expands to), given the FP
// registers; without them the FPU is off and every F/D instruction is illegal.
import { REFERENCE } from './reference.js';

export interface MemoryModel {
  base: bigint;
  size: bigint;
  /** A byte of RAM as it was before the instruction. */
  byte(addr: bigint): number;
}

export interface Write { addr: bigint; size: number; value: bigint }

export type Outcome =
  | { kind: 'ok'; x: bigint[]; pc: bigint; writes: Write[]; f?: bigint[] }
  | { kind: 'trap'; cause: bigint; tval: bigint };

export const CAUSE = { fetchMisaligned: 0n, fetchAccess: 1n, illegal: 2n, breakpoint: 3n, loadMisaligned: 4n, loadAccess: 5n,
  storeMisaligned: 6n, storeAccess: 7n, ecallM: 11n } as const;

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

class Fault { constructor(readonly cause: bigint, readonly tval: bigint) {} }

function bits(w: number, hi: number, lo: number): number { return (w >>> lo) & ((1 << (hi - lo + 1)) - 1); }
function sext(v: number, width: number): bigint { return BigInt.asIntN(width, BigInt(v)); }

/** Execute `word` (len 4, or 2 for the expansion of a compressed word) at pc. */
export function execute(word: number, len: 2 | 4, regs: readonly bigint[], pc: bigint, mem: MemoryModel, fregs?: readonly bigint[]): Outcome {
  const x = regs.map((v) => s64(v));
  const f = fregs?.map((v) => u64(v));
  const writes: Write[] = [];
  const w = word >>> 0;
  const opcode = w & 0x7f, rd = bits(w, 11, 7), f3 = bits(w, 14, 12), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20), f7 = bits(w, 31, 25);
  const a = x[rs1], b = x[rs2];
  const immI = sext(bits(w, 31, 20), 12);
  const immS = sext((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12);
  const immB = sext((bits(w, 31, 31) << 12) | (bits(w, 7, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13);
  const immU = sext(w & 0xfffff000, 32);
  const immJ = sext((bits(w, 31, 31) << 20) | (bits(w, 19, 12) << 12) | (bits(w, 20, 20) << 11) | (bits(w, 30, 21) << 1), 21);
  const next = s64(pc + BigInt(len));
  let npc = next;
  const illegal = (): Outcome => ({ kind: 'trap', cause: CAUSE.illegal, tval: BigInt(len === 4 ? w : w) });
  const set = (r: number, v: bigint): void => { if (r !== 0) x[r] = s64(v); };

  const inRam = (addr: bigint): boolean => addr >= mem.base && addr < mem.base + mem.size;
  const load = (vaddr: bigint, size: number): bigint => {
    const va = u64(vaddr);
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const at = u64(va + BigInt(i));
      if (!inRam(at)) throw new Fault(CAUSE.loadAccess, i === 0 ? s64(va) : s64(at));
    }
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem.byte(u64(va + BigInt(i))));
    return v;
  };
  const store = (vaddr: bigint, size: number, value: bigint): void => {
    const va = u64(vaddr);
    for (let i = 0; i < size; i++) {
      const at = u64(va + BigInt(i));
      if (!inRam(at)) throw new Fault(CAUSE.storeAccess, i === 0 ? s64(va) : s64(at));
    }
    writes.push({ addr: va, size, value: BigInt.asUintN(size * 8, value) });
  };

  try {
    switch (opcode) {
      case 0x37: set(rd, immU); break;                                       // lui
      case 0x17: set(rd, pc + immU); break;                                  // auipc
      case 0x6f: set(rd, next); npc = s64(pc + immJ); break;                 // jal
      case 0x67:                                                             // jalr
        if (f3 !== 0) return illegal();
        npc = s64((a + immI) & ~1n);
        set(rd, next);
        break;
      case 0x63: {                                                           // branches
        const ua = u64(a), ub = u64(b);
        const taken = [a === b, a !== b, undefined, undefined, a < b, a >= b, ua < ub, ua >= ub][f3];
        if (taken === undefined) return illegal();
        if (taken) npc = s64(pc + immB);
        break;
      }
      case 0x03: {                                                           // loads
        const size = [1, 2, 4, 8, 1, 2, 4, 0][f3];
        if (!size) return illegal();
        const v = load(a + immI, size);
        set(rd, f3 >= 4 ? v : BigInt.asIntN(size * 8, v));
        break;
      }
      case 0x23: {                                                           // stores
        if (f3 > 3) return illegal();
        store(a + immS, 1 << f3, b);
        break;
      }
      case 0x13: {                                                           // OP-IMM
        const sh = BigInt(bits(w, 25, 20));
        switch (f3) {
          case 0: set(rd, a + immI); break;
          case 2: set(rd, a < immI ? 1n : 0n); break;
          case 3: set(rd, u64(a) < u64(immI) ? 1n : 0n); break;
          case 4: set(rd, a ^ immI); break;
          case 6: set(rd, a | immI); break;
          case 7: set(rd, a & immI); break;
          case 1: if (bits(w, 31, 26) !== 0) return illegal(); set(rd, a << sh); break;
          case 5:
            if (bits(w, 31, 26) === 0) set(rd, u64(a) >> sh);
            else if (bits(w, 31, 26) === 0x10) set(rd, a >> sh);
            else return illegal();
            break;
        }
        break;
      }
      case 0x1b: {                                                           // OP-IMM-32
        const sh = BigInt(rs2);
        if (f3 === 0) set(rd, BigInt.asIntN(32, a + immI));
        else if (f3 === 1 && f7 === 0) set(rd, BigInt.asIntN(32, a << sh));
        else if (f3 === 5 && f7 === 0) set(rd, BigInt.asIntN(32, BigInt.asUintN(32, a) >> sh));
        else if (f3 === 5 && f7 === 0x20) set(rd, BigInt.asIntN(32, a) >> sh);
        else return illegal();
        break;
      }
      case 0x33: case 0x3b: {                                                // OP, OP-32
        const names32: Record<string, string> = {
          '0/0': 'add', '32/0': 'sub', '0/1': 'sll', '0/2': 'slt', '0/3': 'sltu', '0/4': 'xor', '0/5': 'srl', '32/5': 'sra',
          '0/6': 'or', '0/7': 'and', '1/0': 'mul', '1/1': 'mulh', '1/2': 'mulhsu', '1/3': 'mulhu', '1/4': 'div', '1/5': 'divu',
          '1/6': 'rem', '1/7': 'remu',
        };
        const namesW: Record<string, string> = {
          '0/0': 'addw', '32/0': 'subw', '0/1': 'sllw', '0/5': 'srlw', '32/5': 'sraw', '1/0': 'mulw', '1/4': 'divw', '1/5': 'divuw',
          '1/6': 'remw', '1/7': 'remuw',
        };
        const name = (opcode === 0x33 ? names32 : namesW)[`${f7}/${f3}`];
        if (!name) return illegal();
        set(rd, REFERENCE[name](a, b));
        break;
      }
      case 0x07: {                                                           // flw, fld: a single is NaN-boxed
        if (!f || (f3 !== 2 && f3 !== 3)) return illegal();
        const v = load(a + immI, f3 === 2 ? 4 : 8);
        f[rd] = f3 === 2 ? 0xffffffff00000000n | v : v;
        break;
      }
      case 0x27: {                                                           // fsw, fsd: the raw bits
        if (!f || (f3 !== 2 && f3 !== 3)) return illegal();
        store(a + immS, f3 === 2 ? 4 : 8, f3 === 2 ? f[rs2] & 0xffffffffn : f[rs2]);
        break;
      }
      case 0x0f:                                                             // fence, fence.i
        if (f3 > 1) return illegal();
        break;
      case 0x73:                                                             // ecall, ebreak (the rest is not modelled)
        if (w === 0x00000073) throw new Fault(CAUSE.ecallM, 0n);
        if (w === 0x00100073) throw new Fault(CAUSE.breakpoint, 0n);
        throw new Error(`model: SYSTEM word 0x${w.toString(16)} is not modelled`);
      case 0x2f: {                                                           // A
        const f5 = f7 >> 2;
        const size = f3 === 2 ? 4 : f3 === 3 ? 8 : 0;
        const ops: Record<number, string> = { 0: 'add', 1: 'swap', 4: 'xor', 8: 'or', 12: 'and', 16: 'min', 20: 'max', 24: 'minu', 28: 'maxu' };
        if (!size || (f5 === 2 && rs2 !== 0) || (f5 !== 2 && f5 !== 3 && !(f5 in ops))) return illegal();
        const addr = a, n = BigInt(size * 8);
        if (f5 === 2) {                                                      // lr
          if (u64(addr) % BigInt(size) !== 0n) throw new Fault(CAUSE.loadMisaligned, addr);
          set(rd, BigInt.asIntN(size * 8, load(addr, size)));
        } else if (f5 === 3) {                                               // sc without a reservation
          if (u64(addr) % BigInt(size) !== 0n) throw new Fault(CAUSE.storeMisaligned, addr);
          set(rd, 1n);
        } else {
          if (u64(addr) % BigInt(size) !== 0n) throw new Fault(CAUSE.storeMisaligned, addr);
          // An AMO that cannot be performed is a store/AMO access fault.
          let old: bigint;
          try { old = BigInt.asIntN(size * 8, load(addr, size)); } catch (e) { throw e instanceof Fault ? new Fault(CAUSE.storeAccess, e.tval) : e; }
          const v = BigInt.asIntN(size * 8, b);
          const uo = BigInt.asUintN(size * 8, old), uv = BigInt.asUintN(size * 8, v);
          const r = { add: old + v, swap: v, xor: old ^ v, or: old | v, and: old & v, min: old < v ? old : v, max: old > v ? old : v,
            minu: uo < uv ? old : v, maxu: uo > uv ? old : v }[ops[f5]]!;
          store(addr, size, BigInt.asUintN(Number(n), r));
          set(rd, old);
        }
        break;
      }
      default: return illegal();
    }
  } catch (e) {
    if (e instanceof Fault) return { kind: 'trap', cause: e.cause, tval: e.tval };
    throw e;
  }
  return { kind: 'ok', x, pc: npc, writes, f };
}

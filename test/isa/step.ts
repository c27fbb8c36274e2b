// Run one instruction on the emulator, in M-mode, from a given register file, and report what
// the model reports (model.ts): the new registers, pc and memory writes, or the trap.
import { Machine } from '../../src/emulator/machine.js';
import type { MemoryModel, Outcome, Write } from './model.js';

export const RAM_BASE = 0x80000000n;
export const RAM_SIZE = 1n << 20n;
export const SLOT = RAM_BASE + 0x1000n;
export const HANDLER = RAM_BASE + 0x2000n;
/** The data area registers point into: 16 KiB around DATA. */
export const DATA = RAM_BASE + 0x10000n;
const AREA_LO = DATA - 0x2000n, AREA_HI = DATA + 0x2000n;
/** Where an instruction here can write: the data area, and the first bytes of RAM (a base of 0x80000000). */
const WINDOWS: [bigint, bigint][] = [[AREA_LO, AREA_HI], [RAM_BASE, RAM_BASE + 0x810n]];
const MARK = -0x7777n;

export class Stepper {
  readonly m = new Machine({ memoryMiB: Number(RAM_SIZE >> 20n) });

  constructor(seed = 1) {
    this.m.bootBare(SLOT);
    this.m.hart.csr.mtvec = HANDLER;
    let s = seed >>> 0 || 1;
    const area = this.m.ram.ru8.subarray(Number(AREA_LO - RAM_BASE), Number(AREA_HI - RAM_BASE));
    for (let i = 0; i < area.length; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; area[i] = s & 0xff; }
  }

  /** The memory the model sees: RAM before the instruction. */
  memory(): MemoryModel {
    const ram = this.m.ram.ru8;
    const copies = WINDOWS.map(([lo, hi]) => ram.slice(Number(lo - RAM_BASE), Number(hi - RAM_BASE)));
    return {
      base: RAM_BASE, size: RAM_SIZE,
      byte: (a: bigint): number => {
        const k = WINDOWS.findIndex(([lo, hi]) => a >= lo && a < hi);
        return k >= 0 ? copies[k][Number(a - WINDOWS[k][0])] : ram[Number(a - RAM_BASE)];
      },
    };
  }

  /**
   * Execute a 16- or 32-bit word at SLOT. With `fregs` the FPU is on (mstatus.FS Initial) and
   * f0..f31 hold them; without, FS is Off and every F/D instruction is illegal.
   */
  run(word: number, regs: readonly bigint[], fregs?: readonly bigint[]): Outcome & { mepc?: bigint } {
    const m = this.m, h = m.hart, view = m.ram.view;
    const compressed = (word & 3) !== 3;
    const at = Number(SLOT - RAM_BASE);
    if (compressed) { view.setUint16(at, word, true); view.setUint16(at + 2, 0x0001, true); } else view.setUint32(at, word >>> 0, true);
    view.setUint32(at + 4, 0x00000013, true);
    view.setUint32(at + 8, 0x00000013, true);
    m.flushCode();
    for (let i = 1; i < 32; i++) h.x[i] = regs[i];
    h.csr.mstatus = (h.csr.mstatus & ~0x6000n) | (fregs ? 0x2000n : 0n);
    h.csr.syncFs();
    for (let i = 0; i < 32; i++) h.fpu.setBits(i, fregs?.[i] ?? 0n);
    h.pc = SLOT;
    h.reservation = -1n;
    h.csr.mcause = MARK;
    const before = WINDOWS.map(([lo, hi]) => m.ram.ru8.slice(Number(lo - RAM_BASE), Number(hi - RAM_BASE)));
    m.step();
    if (h.csr.mcause !== MARK) {
      if (h.pc !== HANDLER) throw new Error(`trap taken but pc is 0x${h.pc.toString(16)}`);
      return { kind: 'trap', cause: h.csr.mcause, tval: h.csr.mtval, mepc: h.csr.mepc };
    }
    const writes: Write[] = [];
    WINDOWS.forEach(([lo, hi], k) => {
      const after = m.ram.ru8.subarray(Number(lo - RAM_BASE), Number(hi - RAM_BASE));
      for (let i = 0; i < after.length; i++) if (after[i] !== before[k][i]) writes.push({ addr: lo + BigInt(i), size: 1, value: BigInt(after[i]) });
    });
    return { kind: 'ok', x: Array.from(h.x.subarray(0, 32)), pc: h.pc, writes, f: Array.from({ length: 32 }, (_, i) => h.fpu.bits(i)) };
  }
}

/** The model's writes as the bytes they change, against the memory before. */
export function bytesWritten(writes: Write[], mem: MemoryModel): Write[] {
  const bytes = new Map<bigint, bigint>();
  for (const w of writes) for (let i = 0; i < w.size; i++) bytes.set(w.addr + BigInt(i), (w.value >> BigInt(8 * i)) & 0xffn);
  return [...bytes].filter(([a, v]) => BigInt(mem.byte(a)) !== v).sort((p, q) => (p[0] < q[0] ? -1 : 1))
    .map(([addr, value]) => ({ addr, size: 1, value }));
}

/** Floating-point register contents: NaN-boxed singles, doubles, and patterns that are neither. */
export function fregValue(rnd: () => number): bigint {
  const k = rnd() % 4;
  if (k === 0) return 0xffffffff00000000n | BigInt(rnd());
  return BigInt.asUintN(64, (BigInt(rnd()) << 32n) | BigInt(rnd()));
}

/** Values registers take: edge values, random values, and addresses in and around the data area. */
export function registerValue(rnd: () => number): bigint {
  const EDGE = [0n, 1n, -1n, 2n, 31n, 32n, 33n, 63n, 64n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 0x100000000n,
    (1n << 63n) - 1n, -(1n << 63n), 0x5555555555555555n, -0x123456789abcdefn];
  const k = rnd() % 10;
  if (k < 4) return EDGE[rnd() % EDGE.length];
  if (k < 7) return DATA + BigInt((rnd() % 0x2000) - 0x1000);
  if (k < 8) return BigInt.asIntN(64, (BigInt(rnd()) << 32n) | BigInt(rnd()));
  return BigInt(rnd() % 4096) - 2048n;
}

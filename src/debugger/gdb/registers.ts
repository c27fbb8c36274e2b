// The registers gdb sees, numbered as gdb numbers RISC-V registers internally (gdb's
// riscv-tdep.h): x0-x31 are 0-31 and pc 32; f0-f31 33-64; a CSR is 65 plus its number (so
// fflags 66, frm 67, fcsr 68); the virtual `priv` register is 65 + 4096. The target
// description (targetXml.ts) gives gdb these numbers, `p`/`P` packets use them, and the `g`
// packet carries 0-64 in order (gdb lays out `g` by ascending number; it fetches the rest with
// `p`). Values go through the hart and DebugAccess (CSRs read and
// written as M-mode would, with no side effects). The floating-point registers and fcsr's
// fields are read from the FPU as they are, also while mstatus.FS is Off (they keep their
// values then; no instruction sees them).
import { Priv } from '../../emulator/cpu/causes.js';
import type { Hart } from '../../emulator/cpu/hart.js';
import { FsState } from '../../emulator/fpu/format.js';
import { FP_ABI_NAMES, ABI_NAMES } from '../../emulator/isa/registers.js';
import { CSR, csrName } from '../../emulator/isa/csrs.js';
import type { Machine } from '../../emulator/machine.js';

export const PC_REGNUM = 32;
export const FIRST_FP_REGNUM = 33;
export const FIRST_CSR_REGNUM = 65;
export const PRIV_REGNUM = FIRST_CSR_REGNUM + 4096;
/** Registers in a `g` packet: x0-x31, pc and f0-f31, all 64 bits wide. */
export const G_REGISTERS = 65;

export type Feature = 'cpu' | 'fpu' | 'csr' | 'virtual';

export interface RegisterDef {
  regnum: number;
  name: string;
  feature: Feature;
  /** gdb's type for it; riscv_double is the union of a single and a double (targetXml.ts). */
  type: 'int' | 'code_ptr' | 'data_ptr' | 'riscv_double';
  /** Its width in bits as gdb carries it (fflags, frm and fcsr are 32, as in gdb's own descriptions). */
  bits: 32 | 64;
  read(m: Machine, hart: number): bigint | undefined;
  /** False when the register cannot take the value (a read-only CSR, a privilege that does not exist). */
  write(m: Machine, hart: number, value: bigint): boolean;
}

/** gdb's names for x8 and the pointer types it gives ra, sp, gp, tp, fp (gdb's 64bit-cpu.xml). */
const GDB_NAME: Record<number, string> = { 8: 'fp' };
const TYPE: Record<number, RegisterDef['type']> = { 1: 'code_ptr', 2: 'data_ptr', 3: 'data_ptr', 4: 'data_ptr', 8: 'data_ptr' };

function integerRegister(i: number): RegisterDef {
  return {
    regnum: i, name: GDB_NAME[i] ?? ABI_NAMES[i], feature: 'cpu', type: TYPE[i] ?? 'int', bits: 64,
    read: (m, h) => m.harts[h].x[i],
    write: (m, h, v) => { if (i !== 0) m.harts[h].x[i] = BigInt.asIntN(64, v); return true; },
  };
}

const pcRegister: RegisterDef = {
  regnum: PC_REGNUM, name: 'pc', feature: 'cpu', type: 'code_ptr', bits: 64,
  read: (m, h) => m.harts[h].pc,
  write: (m, h, v) => { m.harts[h].pc = BigInt.asIntN(64, v); return true; },
};

function csrRegister(num: number, name: string): RegisterDef {
  return {
    regnum: FIRST_CSR_REGNUM + num, name, feature: 'csr', type: 'int', bits: 64,
    read: (m, h) => m.debug.peekCsr(num, h),
    write: (m, h, v) => m.debug.pokeCsr(num, v, h),
  };
}

/** The hart's privilege level (0 U, 1 S, 3 M), which gdb shows as $priv. */
const privRegister: RegisterDef = {
  regnum: PRIV_REGNUM, name: 'priv', feature: 'virtual', type: 'int', bits: 64,
  read: (m, h) => BigInt(m.harts[h].priv),
  write: (m, h, v) => {
    if (v !== BigInt(Priv.U) && v !== BigInt(Priv.S) && v !== BigInt(Priv.M)) return false;
    const hart = m.harts[h];
    hart.priv = Number(v) as Priv;
    hart.reservation = -1n;
    hart.csr.onInterruptState();
    return true;
  },
};

/**
 * A debugger's change to FP state is a change like an instruction's: with the FPU on, FS becomes
 * Dirty, so a kernel that saves FP registers lazily saves this value too. With it Off the value
 * is only kept, as the hardware keeps it. Writing back the value a register holds (as a `G`
 * packet does for every register) changes nothing.
 */
function fpWritten(h: Hart): void {
  if (h.fpu.fs !== FsState.Off) h.csr.markFsDirty();
}

function floatRegister(r: number): RegisterDef {
  return {
    regnum: FIRST_FP_REGNUM + r, name: FP_ABI_NAMES[r], feature: 'fpu', type: 'riscv_double', bits: 64,
    read: (m, h) => m.harts[h].fpu.bits(r),
    write: (m, h, v) => {
      const hart = m.harts[h];
      if (hart.fpu.bits(r) === BigInt.asUintN(64, v)) return true;
      hart.fpu.setBits(r, v);
      fpWritten(hart);
      return true;
    },
  };
}

/** fflags, frm and fcsr: fcsr's two fields, as the FPU holds them. */
const FCSR_FIELDS: readonly [number, string, (h: Hart) => number, (h: Hart, v: number) => void][] = [
  [CSR.fflags, 'fflags', (h) => h.fpu.flags, (h, v) => { h.fpu.flags = v & 0x1f; }],
  [CSR.frm, 'frm', (h) => h.fpu.frm, (h, v) => { h.fpu.frm = v & 7; }],
  [CSR.fcsr, 'fcsr', (h) => h.fpu.fcsr, (h, v) => { h.fpu.flags = v & 0x1f; h.fpu.frm = (v >> 5) & 7; }],
];

function fcsrRegisters(): RegisterDef[] {
  return FCSR_FIELDS.map(([num, name, get, set]) => ({
    regnum: FIRST_CSR_REGNUM + num, name, feature: 'fpu', type: 'int', bits: 32,
    read: (m, h) => BigInt(get(m.harts[h])),
    write: (m, h, v) => {
      if (v > 0xffn) return false;
      const hart = m.harts[h], before = hart.fpu.fcsr;
      set(hart, Number(v));
      if (hart.fpu.fcsr === before) return true;
      fpWritten(hart);
      return true;
    },
  }));
}

/**
 * The CSRs a hart of this machine has: every named CSR that an M-mode read answers, but fcsr's
 * fields, which belong with the FP registers.
 */
function implementedCsrs(m: Machine): RegisterDef[] {
  const out: RegisterDef[] = [];
  for (let num = 0; num < 0x1000; num++) {
    if (num === CSR.fflags || num === CSR.frm || num === CSR.fcsr) continue;
    const name = csrName(num);
    if (name !== undefined && m.debug.peekCsr(num, 0) !== undefined) out.push(csrRegister(num, name));
  }
  return out;
}

/** Every register of the machine's harts (they are all alike), by gdb number. */
export class RegisterTable {
  readonly all: readonly RegisterDef[];
  private readonly byNumber = new Map<number, RegisterDef>();

  constructor(m: Machine) {
    // Every hart is RV64GC (misa), so F and D are always there.
    this.all = [
      ...Array.from({ length: 32 }, (_, i) => integerRegister(i)), pcRegister,
      ...Array.from({ length: 32 }, (_, r) => floatRegister(r)), ...fcsrRegisters(),
      ...implementedCsrs(m), privRegister,
    ];
    for (const r of this.all) this.byNumber.set(r.regnum, r);
  }

  get(regnum: number): RegisterDef | undefined { return this.byNumber.get(regnum); }
}

/** A register value as gdb carries it: two hex digits a byte, target (little-endian) byte order. */
export function registerHex(v: bigint, bits: 32 | 64 = 64): string {
  let s = '';
  let u = BigInt.asUintN(bits, v);
  for (let i = 0; i < bits / 8; i++) { s += Number(u & 0xffn).toString(16).padStart(2, '0'); u >>= 8n; }
  return s;
}

/** The inverse of registerHex; undefined unless exactly the register's width in hex digits. */
export function parseRegisterHex(s: string, bits: 32 | 64 = 64): bigint | undefined {
  const bytes = bits / 8;
  if (s.length !== 2 * bytes || !/^[0-9a-fA-F]+$/.test(s)) return undefined;
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(parseInt(s.slice(2 * i, 2 * i + 2), 16));
  return v;
}

// The registers gdb sees, numbered as gdb numbers RISC-V registers internally (gdb's
// riscv-tdep.h): x0-x31 are 0-31 and pc 32; the floating-point registers would be 33-64; a CSR
// is 65 plus its number (so fflags 66, frm 67, fcsr 68); the virtual `priv` register is 65 +
// 4096. The target description (targetXml.ts) gives gdb these numbers, `p`/`P` packets use
// them, and the `g` packet carries 0-32 in order. Values go through the hart and DebugAccess
// (CSRs read and written as M-mode would, with no side effects).
import { Priv } from '../../emulator/cpu/causes.js';
import { ABI_NAMES } from '../../emulator/isa/registers.js';
import { csrName } from '../../emulator/isa/csrs.js';
import type { Machine } from '../../emulator/machine.js';

export const PC_REGNUM = 32;
export const FIRST_CSR_REGNUM = 65;
export const PRIV_REGNUM = FIRST_CSR_REGNUM + 4096;
/** Registers in a `g` packet: x0-x31 and pc. */
export const G_REGISTERS = 33;

export type Feature = 'cpu' | 'csr' | 'virtual';

export interface RegisterDef {
  regnum: number;
  name: string;
  feature: Feature;
  /** gdb's type for it: int, code_ptr or data_ptr. */
  type: 'int' | 'code_ptr' | 'data_ptr';
  read(m: Machine, hart: number): bigint | undefined;
  /** False when the register cannot take the value (a read-only CSR, a privilege that does not exist). */
  write(m: Machine, hart: number, value: bigint): boolean;
}

/** gdb's names for x8 and the pointer types it gives ra, sp, gp, tp, fp (gdb's 64bit-cpu.xml). */
const GDB_NAME: Record<number, string> = { 8: 'fp' };
const TYPE: Record<number, RegisterDef['type']> = { 1: 'code_ptr', 2: 'data_ptr', 3: 'data_ptr', 4: 'data_ptr', 8: 'data_ptr' };

function integerRegister(i: number): RegisterDef {
  return {
    regnum: i, name: GDB_NAME[i] ?? ABI_NAMES[i], feature: 'cpu', type: TYPE[i] ?? 'int',
    read: (m, h) => m.harts[h].x[i],
    write: (m, h, v) => { if (i !== 0) m.harts[h].x[i] = BigInt.asIntN(64, v); return true; },
  };
}

const pcRegister: RegisterDef = {
  regnum: PC_REGNUM, name: 'pc', feature: 'cpu', type: 'code_ptr',
  read: (m, h) => m.harts[h].pc,
  write: (m, h, v) => { m.harts[h].pc = BigInt.asIntN(64, v); return true; },
};

function csrRegister(num: number, name: string): RegisterDef {
  return {
    regnum: FIRST_CSR_REGNUM + num, name, feature: 'csr', type: 'int',
    read: (m, h) => m.debug.peekCsr(num, h),
    write: (m, h, v) => m.debug.pokeCsr(num, v, h),
  };
}

/** The hart's privilege level (0 U, 1 S, 3 M), which gdb shows as $priv. */
const privRegister: RegisterDef = {
  regnum: PRIV_REGNUM, name: 'priv', feature: 'virtual', type: 'int',
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

/** The CSRs a hart of this machine has: every named CSR that an M-mode read answers. */
function implementedCsrs(m: Machine): RegisterDef[] {
  const out: RegisterDef[] = [];
  for (let num = 0; num < 0x1000; num++) {
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
    this.all = [...Array.from({ length: 32 }, (_, i) => integerRegister(i)), pcRegister, ...implementedCsrs(m), privRegister];
    for (const r of this.all) this.byNumber.set(r.regnum, r);
  }

  get(regnum: number): RegisterDef | undefined { return this.byNumber.get(regnum); }
}

/** A 64-bit register value as gdb carries it: 16 hex digits, target (little-endian) byte order. */
export function registerHex(v: bigint): string {
  let s = '';
  let u = BigInt.asUintN(64, v);
  for (let i = 0; i < 8; i++) { s += Number(u & 0xffn).toString(16).padStart(2, '0'); u >>= 8n; }
  return s;
}

/** The inverse of registerHex; undefined unless exactly 16 hex digits. */
export function parseRegisterHex(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{16}$/.test(s)) return undefined;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(parseInt(s.slice(2 * i, 2 * i + 2), 16));
  return v;
}

// Registers and CSRs as the Variables view shows them: x0-x31 by ABI name, pc, privilege; the
// CSRs decoded into their fields (ISA manual vol. II) and scause/mcause in words.
import { CSR } from '../emulator/isa/csrs.js';
import { describeCause } from '../emulator/cpu/causes.js';

export interface Field { name: string; value: string }
export interface CsrView { name: string; num: number; fields: (v: bigint) => Field[] }

const bit = (v: bigint, i: number): string => ((v >> BigInt(i)) & 1n ? '1' : '0');
const bits = (v: bigint, hi: number, lo: number): bigint => (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
const hx = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;
const PRIV = ['U', 'S', 'reserved', 'M'];
const MODES: Record<string, string> = { '0': 'Bare', '8': 'Sv39', '9': 'Sv48', '10': 'Sv57' };

const status = (v: bigint, machine: boolean): Field[] => [
  { name: 'SIE', value: bit(v, 1) }, ...(machine ? [{ name: 'MIE', value: bit(v, 3) }] : []),
  { name: 'SPIE', value: bit(v, 5) }, ...(machine ? [{ name: 'MPIE', value: bit(v, 7) }] : []),
  { name: 'SPP', value: `${bit(v, 8)} (${(v >> 8n) & 1n ? 'S' : 'U'})` },
  ...(machine ? [{ name: 'MPP', value: `${bits(v, 12, 11)} (${PRIV[Number(bits(v, 12, 11))]})` }, { name: 'MPRV', value: bit(v, 17) }] : []),
  { name: 'SUM', value: bit(v, 18) }, { name: 'MXR', value: bit(v, 19) },
  ...(machine ? [{ name: 'TVM', value: bit(v, 20) }, { name: 'TW', value: bit(v, 21) }, { name: 'TSR', value: bit(v, 22) }] : []),
];
const interrupts = (v: bigint, machine: boolean): Field[] => [
  { name: 'SSI', value: bit(v, 1) }, { name: 'STI', value: bit(v, 5) }, { name: 'SEI', value: bit(v, 9) },
  ...(machine ? [{ name: 'MSI', value: bit(v, 3) }, { name: 'MTI', value: bit(v, 7) }, { name: 'MEI', value: bit(v, 11) }] : []),
];
const cause = (v: bigint): Field[] => [
  { name: 'interrupt', value: v < 0n ? '1' : '0' }, { name: 'code', value: String(BigInt.asUintN(63, v)) }, { name: 'meaning', value: describeCause(v) },
];
const tvec = (v: bigint): Field[] => [{ name: 'BASE', value: hx(v & ~3n) }, { name: 'MODE', value: (v & 3n) === 1n ? '1 (vectored)' : '0 (direct)' }];
const plain = (): Field[] => [];

export const CSR_VIEWS: CsrView[] = [
  { name: 'sstatus', num: CSR.sstatus, fields: (v) => status(v, false) },
  { name: 'satp', num: CSR.satp, fields: (v) => [
    { name: 'MODE', value: `${bits(v, 63, 60)} (${MODES[String(bits(v, 63, 60))] ?? 'reserved'})` },
    { name: 'ASID', value: String(bits(v, 59, 44)) }, { name: 'PPN', value: hx(bits(v, 43, 0)) },
    { name: 'root table', value: hx(bits(v, 43, 0) << 12n) }] },
  { name: 'scause', num: CSR.scause, fields: cause },
  { name: 'stval', num: CSR.stval, fields: plain },
  { name: 'sepc', num: CSR.sepc, fields: plain },
  { name: 'stvec', num: CSR.stvec, fields: tvec },
  { name: 'sie', num: CSR.sie, fields: (v) => interrupts(v, false) },
  { name: 'sip', num: CSR.sip, fields: (v) => interrupts(v, false) },
  { name: 'sscratch', num: CSR.sscratch, fields: plain },
  { name: 'stimecmp', num: CSR.stimecmp, fields: plain },
  { name: 'mstatus', num: CSR.mstatus, fields: (v) => status(v, true) },
  { name: 'mcause', num: CSR.mcause, fields: cause },
  { name: 'mtval', num: CSR.mtval, fields: plain },
  { name: 'mepc', num: CSR.mepc, fields: plain },
  { name: 'mtvec', num: CSR.mtvec, fields: tvec },
  { name: 'mie', num: CSR.mie, fields: (v) => interrupts(v, true) },
  { name: 'mip', num: CSR.mip, fields: (v) => interrupts(v, true) },
  { name: 'medeleg', num: CSR.medeleg, fields: plain },
  { name: 'mideleg', num: CSR.mideleg, fields: (v) => interrupts(v, true) },
  { name: 'mscratch', num: CSR.mscratch, fields: plain },
  { name: 'time', num: CSR.time, fields: plain },
  { name: 'instret', num: CSR.instret, fields: plain },
];

export const hexValue = hx;

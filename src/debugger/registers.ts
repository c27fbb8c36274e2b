// Registers and CSRs as the Variables view shows them: the CSRs decoded into their fields
// (from the field table the hart itself uses, isa/csrFields.ts), causes in words, satp's root
// table as an address.
import { CSR } from '../emulator/isa/csrs.js';
import { CSR_FIELDS, fieldValue, type CsrField } from '../emulator/isa/csrFields.js';
import { describeCause } from '../emulator/cpu/causes.js';
import { hex } from '../emulator/hex.js';

export interface Field { name: string; value: string }
export interface CsrView { name: string; num: number; fields: (v: bigint) => Field[] }

/** A field's value: a bit as 0 or 1, named values with their name, wide fields in hex. */
function show(f: CsrField, v: bigint): string {
  const n = fieldValue(f, v);
  const name = f.values?.[Number(n)];
  if (name !== undefined) return `${n} (${name})`;
  return f.hi - f.lo >= 8 ? hex(n) : n.toString();
}

const decoded = (csr: string, extra: (v: bigint) => Field[] = () => []) => (v: bigint): Field[] =>
  [...(CSR_FIELDS[csr] ?? []).map((f) => ({ name: f.name, value: show(f, v) })), ...extra(v)];

const VIEWED = ['sstatus', 'satp', 'scause', 'stval', 'sepc', 'stvec', 'sie', 'sip', 'sscratch', 'stimecmp',
  'mstatus', 'mcause', 'mtval', 'mepc', 'mtvec', 'mie', 'mip', 'medeleg', 'mideleg', 'mscratch', 'time', 'instret'] as const;

const EXTRA: Partial<Record<typeof VIEWED[number], (v: bigint) => Field[]>> = {
  scause: (v) => [{ name: 'meaning', value: describeCause(v) }],
  mcause: (v) => [{ name: 'meaning', value: describeCause(v) }],
  satp: (v) => [{ name: 'root table', value: hex((BigInt.asUintN(64, v) & ((1n << 44n) - 1n)) << 12n) }],
};

export const CSR_VIEWS: CsrView[] = VIEWED.map((name) => ({ name, num: CSR[name], fields: decoded(name, EXTRA[name]) }));

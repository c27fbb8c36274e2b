// Zicsr, Zifencei and the privileged instructions (ISA manual vol. I ch. 6-7, vol. II ch. 3).
// Each may change state the translated code depends on (privilege, translation, interrupt
// enables, the code itself), so each ends its block and lets the dispatcher look again.
import type { InsnDef } from './types.js';
import { lit } from '../jit/codegen.js';

const MI = 0x0000707f;
export type CsrKind = 'rw' | 'rs' | 'rc';

const csr = (name: string, f3: number, kind: CsrKind, imm: boolean, doc: string): InsnDef => ({
  name, ext: 'Zicsr', format: imm ? 'CSRI' : 'CSR', match: 0x73 | (f3 << 12), mask: MI,
  syntax: imm ? 'rd,csr,zimm' : 'rd,csr,rs1', flow: 'end', doc,
  emit: (d, g) => `${g.sync()}h.insn = ${d.raw} | 0; ${g.guard(`h.csrOp('${kind}', ${d.csr}, ${d.rd}, ${imm ? d.imm : `${g.reg(d.rs1)}`}, ${g.isZero(imm ? d.imm : d.rs1)})`)} ${g.exit(g.nextPc)}`,
});

const sys = (name: string, match: number, mask: number, doc: string, call: string, syntax: InsnDef['syntax'] = ''): InsnDef => ({
  name, ext: 'Priv', format: syntax ? 'R' : 'NONE', match, mask, syntax, flow: 'end', doc,
  // The slow path sees the next pc already in place; mret and sret replace it.
  emit: (d, g) => `${g.sync()}h.insn = ${d.raw} | 0; x[32] = ${lit(g.nextPc)}; ${g.guard(call.replace('$rs1', String(d.rs1)).replace('$rs2', String(d.rs2)))} ${g.exitDynamic()}`,
});

export const SYSTEM: InsnDef[] = [
  csr('csrrw', 1, 'rw', false, 'rd = csr; csr = rs1'),
  csr('csrrs', 2, 'rs', false, 'rd = csr; csr |= rs1'),
  csr('csrrc', 3, 'rc', false, 'rd = csr; csr &= ~rs1'),
  csr('csrrwi', 5, 'rw', true, 'rd = csr; csr = zimm'),
  csr('csrrsi', 6, 'rs', true, 'rd = csr; csr |= zimm'),
  csr('csrrci', 7, 'rc', true, 'rd = csr; csr &= ~zimm'),
  {
    name: 'fence.i', ext: 'Zifencei', format: 'I', match: 0x100f, mask: MI, syntax: '', flow: 'end',
    doc: 'synchronize instruction fetch with earlier stores (drops translated code)',
    emit: (_d, g) => `h.fenceI(); ${g.exit(g.nextPc)}`,
  },
  sys('mret', 0x30200073, 0xffffffff, 'return from an M-mode trap', 'h.mret()'),
  sys('sret', 0x10200073, 0xffffffff, 'return from an S-mode trap', 'h.sret()'),
  sys('wfi', 0x10500073, 0xffffffff, 'wait for an interrupt', 'h.wfi()'),
  sys('sfence.vma', 0x12000073, 0xfe007fff, 'flush address-translation caches (rs1: address, rs2: ASID)',
    'h.sfenceVma($rs1, $rs2)', 'rs1,rs2'),
];

// The target description gdb reads with qXfer:features:read:target.xml (gdb manual, "Target
// Descriptions"): the architecture, then one feature per register file under the names gdb's
// RISC-V support looks for: org.gnu.gdb.riscv.cpu (x0-x31, pc), org.gnu.gdb.riscv.fpu (f0-f31,
// fflags, frm, fcsr), org.gnu.gdb.riscv.csr (the CSRs this hart has, so $satp, $sstatus,
// $mstatus... exist in gdb) and org.gnu.gdb.riscv.virtual ($priv). Each register carries its gdb
// number (registers.ts), which p and P packets use. A 64-bit FP register holds a double or a
// NaN-boxed single, so gdb shows it as a union of both, as gdb's own descriptions do.
import type { Feature, RegisterTable } from './registers.js';

const FEATURES: readonly [Feature, string][] = [
  ['cpu', 'org.gnu.gdb.riscv.cpu'],
  ['fpu', 'org.gnu.gdb.riscv.fpu'],
  ['csr', 'org.gnu.gdb.riscv.csr'],
  ['virtual', 'org.gnu.gdb.riscv.virtual'],
];

export function targetXml(registers: RegisterTable): string {
  const lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">', '<architecture>riscv:rv64</architecture>'];
  for (const [feature, name] of FEATURES) {
    const regs = registers.all.filter((r) => r.feature === feature);
    if (regs.length === 0) continue;
    lines.push(`<feature name="${name}">`);
    if (regs.some((r) => r.type === 'riscv_double')) {
      lines.push('  <union id="riscv_double">', '    <field name="float" type="ieee_single"/>', '    <field name="double" type="ieee_double"/>', '  </union>');
    }
    for (const r of regs) lines.push(`  <reg name="${r.name}" bitsize="${r.bits}" type="${r.type}" regnum="${r.regnum}"/>`);
    lines.push('</feature>');
  }
  lines.push('</target>');
  return `${lines.join('\n')}\n`;
}

/**
 * One piece of a qXfer object, as the reply wants it: 'm' and the bytes when more follow,
 * 'l' and the bytes (possibly none) when this is the end.
 */
export function xferChunk(text: string, offset: number, length: number): string {
  const part = text.slice(offset, offset + length);
  return (offset + length < text.length ? 'm' : 'l') + part;
}

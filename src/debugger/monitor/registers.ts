// `info registers`, laid out as QEMU 7.2 prints a RISC-V hart (riscv_cpu_dump_state): an empty
// line and "CPU#n", then the pc and the machine- and supervisor-level CSRs one a line, then
// the integer and the floating-point registers four a line, each as " name     0123456789abcdef"
// (the name padded to 8). QEMU adds the hypervisor CSRs when the hart has H (Chronos's has
// not), and prints the FP registers as their 64 bits (NaN-boxed singles included) whatever
// mstatus.FS says.
import { CSR } from '../../emulator/isa/csrs.js';
import { ABI_NAMES, FP_ABI_NAMES } from '../../emulator/isa/registers.js';
import type { Machine } from '../../emulator/machine.js';
import { hex16 } from '../../emulator/hex.js';

/** The CSRs QEMU lists, in its order, for a hart without H. */
const LISTED: [string, number][] = [
  ['mhartid', CSR.mhartid], ['mstatus', CSR.mstatus], ['mip', CSR.mip], ['mie', CSR.mie], ['mideleg', CSR.mideleg],
  ['medeleg', CSR.medeleg], ['mtvec', CSR.mtvec], ['stvec', CSR.stvec], ['mepc', CSR.mepc], ['sepc', CSR.sepc],
  ['mcause', CSR.mcause], ['scause', CSR.scause], ['mtval', CSR.mtval], ['stval', CSR.stval], ['mscratch', CSR.mscratch],
  ['sscratch', CSR.sscratch], ['satp', CSR.satp],
];

const field = (name: string, v: bigint): string => ` ${name.padEnd(8)} ${hex16(v)}`;

export function infoRegisters(m: Machine, hart: number): string {
  const h = m.harts[hart];
  let out = `\nCPU#${hart}\n${field('pc', h.pc)}\n`;
  for (const [name, num] of LISTED) out += `${field(name, m.debug.peekCsr(num, hart) ?? 0n)}\n`;
  for (let i = 0; i < 32; i++) {
    out += field(`x${i}/${ABI_NAMES[i]}`, h.x[i]);
    if (i % 4 === 3) out += '\n';
  }
  for (let i = 0; i < 32; i++) {
    out += field(`f${i}/${FP_ABI_NAMES[i]}`, h.fpu.bits(i));
    if (i % 4 === 3) out += '\n';
  }
  return out;
}

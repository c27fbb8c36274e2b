// CSR numbers and names (ISA manual vol. II, tables 2.2-2.5). The disassembler prints these
// names, the hart implements a subset of them, and the language server offers them all.
export const CSR = {
  // Unprivileged counters
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  // Supervisor
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d,
  satp: 0x180,
  // Machine
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  mcycle: 0xb00, minstret: 0xb02,
} as const;

export type CsrName = keyof typeof CSR;

const NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(CSR)) NAMES.set(num, name);
// The long tails objdump also names: PMP, hardware performance counters and their events.
for (let i = 0; i < 16; i++) NAMES.set(0x3a0 + i, `pmpcfg${i}`);
for (let i = 0; i < 64; i++) NAMES.set(0x3b0 + i, `pmpaddr${i}`);
for (let i = 3; i < 32; i++) {
  NAMES.set(0xc00 + i, `hpmcounter${i}`);
  NAMES.set(0xb00 + i, `mhpmcounter${i}`);
  NAMES.set(0x320 + i, `mhpmevent${i}`);
}
// Floating-point CSRs, named for the disassembler even though this hart has no F extension.
NAMES.set(0x001, 'fflags'); NAMES.set(0x002, 'frm'); NAMES.set(0x003, 'fcsr');

export const csrName = (num: number): string | undefined => NAMES.get(num);
export const csrByName = (name: string): number | undefined => {
  for (const [num, n] of NAMES) if (n === name) return num;
  return undefined;
};

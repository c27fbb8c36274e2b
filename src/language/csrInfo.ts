// What a hover says about a CSR: its number, the lowest privilege that may access it and
// whether it is read-only (both encoded in the number, ISA manual vol. II, section 2.1), a
// one-line description, and the fields of the registers a kernel programmer reads most
// (vol. II: mstatus 3.1.6, mip/mie 3.1.9, mcause 3.1.15, satp 10.1.11).
import { csrByName } from '../emulator/isa/csrs.js';

export interface Field { bits: string; name: string; doc: string }

export interface CsrDoc {
  name: string;
  num: number;
  privilege: 'U' | 'S' | 'H' | 'M';
  readOnly: boolean;
  doc?: string;
  fields?: Field[];
  codes?: [number, string][];
}

const f = (bits: string, name: string, doc: string): Field => ({ bits, name, doc });

const STATUS_S: Field[] = [
  f('1', 'SIE', 'S-mode interrupts enabled'),
  f('5', 'SPIE', 'SIE before the trap into S-mode'),
  f('8', 'SPP', 'privilege before the trap into S-mode (0 U, 1 S)'),
  f('10:9', 'VS', 'vector state (Off, Initial, Clean, Dirty)'),
  f('14:13', 'FS', 'floating-point state (Off, Initial, Clean, Dirty)'),
  f('16:15', 'XS', 'other extensions\' state'),
  f('18', 'SUM', 'S-mode may access U-mode pages'),
  f('19', 'MXR', 'loads from executable pages succeed'),
  f('33:32', 'UXL', 'U-mode XLEN (2 = 64)'),
  f('63', 'SD', 'some state (FS/VS/XS) is dirty'),
];
const STATUS_M: Field[] = [
  ...STATUS_S.slice(0, 2),
  f('3', 'MIE', 'M-mode interrupts enabled'),
  f('7', 'MPIE', 'MIE before the trap into M-mode'),
  ...STATUS_S.slice(2, 3),
  f('12:11', 'MPP', 'privilege before the trap into M-mode (0 U, 1 S, 3 M)'),
  ...STATUS_S.slice(3, 6),
  f('17', 'MPRV', 'loads and stores use MPP\'s privilege'),
  ...STATUS_S.slice(6, 8),
  f('20', 'TVM', 'trap satp accesses and sfence.vma in S-mode'),
  f('21', 'TW', 'trap wfi in S-mode'),
  f('22', 'TSR', 'trap sret in S-mode'),
  ...STATUS_S.slice(8, 9),
  f('35:34', 'SXL', 'S-mode XLEN (2 = 64)'),
  ...STATUS_S.slice(9),
];
const INTERRUPT_BITS = (m: boolean, what: string): Field[] => [
  f('1', 'SSI', `supervisor software interrupt ${what}`),
  ...(m ? [f('3', 'MSI', `machine software interrupt ${what}`)] : []),
  f('5', 'STI', `supervisor timer interrupt ${what}`),
  ...(m ? [f('7', 'MTI', `machine timer interrupt ${what}`)] : []),
  f('9', 'SEI', `supervisor external interrupt ${what}`),
  ...(m ? [f('11', 'MEI', `machine external interrupt ${what}`)] : []),
  f('13', 'LCOFI', `counter-overflow interrupt ${what}`),
];
const CAUSES: [number, string][] = [
  [0, 'instruction address misaligned'], [1, 'instruction access fault'], [2, 'illegal instruction'],
  [3, 'breakpoint'], [4, 'load address misaligned'], [5, 'load access fault'],
  [6, 'store/AMO address misaligned'], [7, 'store/AMO access fault'], [8, 'environment call from U-mode'],
  [9, 'environment call from S-mode'], [11, 'environment call from M-mode'], [12, 'instruction page fault'],
  [13, 'load page fault'], [15, 'store/AMO page fault'],
];
const INTERRUPT_CAUSES: [number, string][] = [
  [1, 'supervisor software'], [3, 'machine software'], [5, 'supervisor timer'], [7, 'machine timer'],
  [9, 'supervisor external'], [11, 'machine external'], [13, 'counter overflow'],
];
const CAUSE_FIELDS = [f('63', 'Interrupt', '1 for an interrupt, 0 for an exception'), f('62:0', 'Code', 'the cause code below')];
const TVEC = [f('1:0', 'MODE', '0 direct: every trap to BASE; 1 vectored: interrupts to BASE + 4 * cause'), f('63:2', 'BASE', 'trap vector base address (4-byte aligned)')];
const COUNTEREN = [f('0', 'CY', 'cycle accessible from the less privileged mode'), f('1', 'TM', 'time accessible'), f('2', 'IR', 'instret accessible'), f('31:3', 'HPMn', 'hpmcounter3..31 accessible')];

const DOCS: Record<string, Pick<CsrDoc, 'doc' | 'fields' | 'codes'>> = {
  mstatus: { doc: 'machine status: interrupt enables, previous privilege, memory privilege', fields: STATUS_M },
  sstatus: { doc: 'supervisor status: a restricted view of mstatus', fields: STATUS_S },
  satp: {
    doc: 'supervisor address translation and protection',
    fields: [f('63:60', 'MODE', '0 Bare (no translation), 8 Sv39, 9 Sv48, 10 Sv57'), f('59:44', 'ASID', 'address-space identifier'),
      f('43:0', 'PPN', 'physical page number of the root page table')],
  },
  mie: { doc: 'machine interrupt enables', fields: INTERRUPT_BITS(true, 'enable') },
  mip: { doc: 'machine interrupts pending', fields: INTERRUPT_BITS(true, 'pending') },
  sie: { doc: 'supervisor interrupt enables', fields: INTERRUPT_BITS(false, 'enable') },
  sip: { doc: 'supervisor interrupts pending', fields: INTERRUPT_BITS(false, 'pending') },
  mcause: { doc: 'the cause of the last trap into M-mode', fields: CAUSE_FIELDS, codes: CAUSES },
  scause: { doc: 'the cause of the last trap into S-mode', fields: CAUSE_FIELDS, codes: CAUSES },
  mtvec: { doc: 'machine trap vector', fields: TVEC },
  stvec: { doc: 'supervisor trap vector', fields: TVEC },
  mepc: { doc: 'the pc of the instruction that trapped into M-mode (mret returns there)' },
  sepc: { doc: 'the pc of the instruction that trapped into S-mode (sret returns there)' },
  mtval: { doc: 'trap value: the faulting address or instruction bits' },
  stval: { doc: 'trap value: the faulting address or instruction bits' },
  mscratch: { doc: 'scratch register for M-mode trap handlers' },
  sscratch: { doc: 'scratch register for S-mode trap handlers (often the kernel stack or per-hart data)' },
  medeleg: { doc: 'exceptions delegated to S-mode (bit n = cause n)' },
  mideleg: { doc: 'interrupts delegated to S-mode (bit n = interrupt n)' },
  mhartid: { doc: 'the id of the hart running this code' },
  misa: { doc: 'ISA and extensions', fields: [f('63:62', 'MXL', '2 = 64-bit'), f('25:0', 'Extensions', 'bit n for letter \'A\' + n')] },
  mcounteren: { doc: 'counters S-mode may read', fields: COUNTEREN },
  scounteren: { doc: 'counters U-mode may read', fields: COUNTEREN },
  stimecmp: { doc: 'supervisor timer compare (Sstc): STIP is set while time >= stimecmp' },
  cycle: { doc: 'cycle counter (read-only shadow of mcycle)' },
  time: { doc: 'real-time counter (the CLINT\'s mtime)' },
  instret: { doc: 'instructions retired (read-only shadow of minstret)' },
  fcsr: { doc: 'floating-point control and status', fields: [f('7:5', 'frm', 'rounding mode'), f('4:0', 'fflags', 'NV DZ OF UF NX accrued exceptions')] },
  frm: { doc: 'floating-point rounding mode' },
  fflags: { doc: 'floating-point accrued exceptions: NV DZ OF UF NX' },
};

export function csrDoc(name: string): CsrDoc | undefined {
  const num = csrByName(name);
  if (num === undefined) return undefined;
  const privilege = (['U', 'S', 'H', 'M'] as const)[(num >> 8) & 3];
  return { name, num, privilege, readOnly: (num >> 10) === 3, ...DOCS[name] };
}

export { INTERRUPT_CAUSES };

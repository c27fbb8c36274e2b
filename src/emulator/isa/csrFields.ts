// The fields of the CSRs a kernel programmer reads most (ISA manual vol. II: mstatus and
// sstatus §3.1.6 and §4.1.1, mip/mie §3.1.9, mcause §3.1.15, mtvec §3.1.7, satp §4.1.11,
// m/scounteren §3.1.11, misa §3.1.1; vol. I: fcsr §11.2). Written once here: the hart takes
// its masks from this table, the debugger decodes register values with it, and the language
// server's hovers describe it.

export interface CsrField {
  name: string;
  /** Highest and lowest bit (inclusive). */
  hi: number;
  lo: number;
  doc: string;
  /** Names for the field's values, where numbers alone say little (MPP 3 = M). */
  values?: Record<number, string>;
}

const field = (name: string, bits: [number, number] | number, doc: string, values?: Record<number, string>): CsrField => {
  const [hi, lo] = typeof bits === 'number' ? [bits, bits] : bits;
  return { name, hi, lo, doc, values };
};

const CONTEXT_STATE = { 0: 'Off', 1: 'Initial', 2: 'Clean', 3: 'Dirty' };

/** mstatus, lowest bit first. The `s` flag marks the fields sstatus shows. */
const STATUS: (CsrField & { s: boolean })[] = [
  { ...field('SIE', 1, 'S-mode interrupts enabled'), s: true },
  { ...field('MIE', 3, 'M-mode interrupts enabled'), s: false },
  { ...field('SPIE', 5, 'SIE before the trap into S-mode'), s: true },
  { ...field('MPIE', 7, 'MIE before the trap into M-mode'), s: false },
  { ...field('SPP', 8, 'privilege before the trap into S-mode', { 0: 'U', 1: 'S' }), s: true },
  { ...field('VS', [10, 9], 'vector state', CONTEXT_STATE), s: true },
  { ...field('MPP', [12, 11], 'privilege before the trap into M-mode', { 0: 'U', 1: 'S', 3: 'M' }), s: false },
  { ...field('FS', [14, 13], 'floating-point state', CONTEXT_STATE), s: true },
  { ...field('XS', [16, 15], 'other extensions\' state', CONTEXT_STATE), s: true },
  { ...field('MPRV', 17, 'loads and stores use MPP\'s privilege'), s: false },
  { ...field('SUM', 18, 'S-mode may access U-mode pages'), s: true },
  { ...field('MXR', 19, 'loads from executable pages succeed'), s: true },
  { ...field('TVM', 20, 'trap satp accesses and sfence.vma in S-mode'), s: false },
  { ...field('TW', 21, 'trap wfi in S-mode'), s: false },
  { ...field('TSR', 22, 'trap sret in S-mode'), s: false },
  { ...field('UXL', [33, 32], 'U-mode XLEN', { 2: '64' }), s: true },
  { ...field('SXL', [35, 34], 'S-mode XLEN', { 2: '64' }), s: false },
  { ...field('SD', 63, 'some state (FS/VS/XS) is dirty'), s: true },
];

const INTERRUPTS = (m: boolean, what: string): CsrField[] => [
  field('SSI', 1, `supervisor software interrupt ${what}`),
  ...(m ? [field('MSI', 3, `machine software interrupt ${what}`)] : []),
  field('STI', 5, `supervisor timer interrupt ${what}`),
  ...(m ? [field('MTI', 7, `machine timer interrupt ${what}`)] : []),
  field('SEI', 9, `supervisor external interrupt ${what}`),
  ...(m ? [field('MEI', 11, `machine external interrupt ${what}`)] : []),
  field('LCOFI', 13, `counter-overflow interrupt ${what}`),
];

const CAUSE = [field('Code', [62, 0], 'the exception or interrupt code'), field('Interrupt', 63, '1 for an interrupt, 0 for an exception')];
const TVEC = [
  field('MODE', [1, 0], 'where traps go: BASE, or BASE + 4 * cause for interrupts', { 0: 'direct', 1: 'vectored' }),
  field('BASE', [63, 2], 'trap vector base address (4-byte aligned)'),
];
const COUNTEREN = [
  field('CY', 0, 'cycle accessible from the less privileged mode'), field('TM', 1, 'time accessible'),
  field('IR', 2, 'instret accessible'), field('HPM', [31, 3], 'hpmcounter3..31 accessible'),
];

/** The fields of each CSR described here, by CSR name, lowest bit first. */
export const CSR_FIELDS: Readonly<Record<string, readonly CsrField[]>> = {
  mstatus: STATUS,
  sstatus: STATUS.filter((f) => f.s),
  mie: INTERRUPTS(true, 'enable'), mip: INTERRUPTS(true, 'pending'),
  sie: INTERRUPTS(false, 'enable'), sip: INTERRUPTS(false, 'pending'),
  mideleg: INTERRUPTS(true, 'delegated'),
  mcause: CAUSE, scause: CAUSE,
  mtvec: TVEC, stvec: TVEC,
  mcounteren: COUNTEREN, scounteren: COUNTEREN,
  satp: [
    field('PPN', [43, 0], 'physical page number of the root page table'),
    field('ASID', [59, 44], 'address-space identifier'),
    field('MODE', [63, 60], 'translation scheme', { 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57' }),
  ],
  misa: [field('Extensions', [25, 0], 'bit n for the letter \'A\' + n'), field('MXL', [63, 62], 'XLEN', { 1: '32', 2: '64', 3: '128' })],
  fcsr: [field('fflags', [4, 0], 'accrued exceptions: NV DZ OF UF NX'), field('frm', [7, 5], 'dynamic rounding mode', { 0: 'RNE', 1: 'RTZ', 2: 'RDN', 3: 'RUP', 4: 'RMM' })],
};

/** A field's mask in place. */
export const fieldMask = (f: CsrField): bigint => ((1n << BigInt(f.hi - f.lo + 1)) - 1n) << BigInt(f.lo);

/** A field's value in a register value. */
export const fieldValue = (f: CsrField, v: bigint): bigint => (BigInt.asUintN(64, v) & fieldMask(f)) >> BigInt(f.lo);

function masks<N extends string>(fields: readonly CsrField[], names: readonly N[]): Readonly<Record<N, bigint>> {
  const out = {} as Record<N, bigint>;
  for (const n of names) {
    const f = fields.find((x) => x.name === n);
    if (!f) throw new Error(`csrFields: no field ${n}`);
    out[n] = fieldMask(f);
  }
  return out;
}

/** mstatus field masks, from the table above. */
export const MSTATUS = masks(STATUS, ['SIE', 'MIE', 'SPIE', 'MPIE', 'SPP', 'VS', 'MPP', 'FS', 'XS', 'MPRV', 'SUM', 'MXR', 'TVM', 'TW', 'TSR', 'UXL', 'SXL', 'SD'] as const);
/** The fields sstatus shows of mstatus. */
export const SSTATUS_MASK = STATUS.filter((f) => f.s).reduce((m, f) => m | fieldMask(f), 0n);
/** Shift of mstatus.MPP, for reading and writing the previous privilege. */
export const MPP_SHIFT = 11n;

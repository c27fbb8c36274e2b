// Random test programs for the differential test. A program is a series of cases; each case
// loads every register from a table of edge values, runs a seeded mix of instructions over a
// data area (traps, CSRs and all), and ends by printing x1..x31, the M-mode CSRs and a checksum
// of the data area (the dump format in harness.ts). The trap handler prints mcause, mtval and
// mepc and resumes after the trapping instruction, so both machines must report the same traps.
//
// Everything QEMU and Chronos must agree on is fair game. What is left out, and why:
//   - addresses of devices other than the UART (QEMU's virt has a ROM at 0x1000, an RTC, PCIe
//     and flash windows that Chronos does not model), and the device tree at the top of RAM;
//   - WARL corners where QEMU 7.2 departs from the specification: it keeps bit 0 of mepc/sepc,
//     lets software write the hypervisor bits of mie/mip/mideleg, medeleg[11], 64 bits of
//     mcounteren, mstatus.MPP = 2 and the UXL and VS fields (Chronos follows the spec there;
//     test/isa/csr.test.ts checks it);
//   - mstatus.MPRV and lower privileges (test/priv/smode.test.ts covers them, PMP included);
//   - counters (cycle, time, instret) and marchid/mimpid, which name the implementation.
import { ABI_NAMES } from '../../src/emulator/isa/registers.js';
import { Rng } from '../support/rng.js';

export { Rng };

const MIN64 = -(1n << 63n), MAX64 = (1n << 63n) - 1n;
/** Edge values for register contents and memory. */
export const EDGES: readonly bigint[] = [0n, 1n, 2n, -1n, -2n, MAX64, MIN64, MIN64 + 1n, 0x7fffffffn, -0x80000000n, 0x80000000n,
  0xffffffffn, 0x100000000n, 0x7fffn, 0x8000n, 0xffffn, -0x8000n, 0x7fn, 0x80n, 0xffn, 31n, 32n, 33n, 63n, 64n,
  0x123456789abcdef0n, -0x123456789abcdefn, 0x5555555555555555n, -0x5555555555555556n];

export const REG = ABI_NAMES;
/** sp, s0 and s1 point into the data area (s1 misaligned); random code writes the others. */
const RESERVED = new Set([2, 8, 9]);
const POOL = Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 0 && !RESERVED.has(i));
/** Registers the 3-bit fields of compressed instructions name, minus s0/s1: a0..a5. */
const POOL_C = [10, 11, 12, 13, 14, 15];

function value(r: Rng): bigint {
  if (r.chance(0.65)) return r.pick(EDGES);
  if (r.chance(0.3)) return BigInt.asIntN(64, BigInt(r.below(2 ** 16)) << BigInt(r.below(48)));
  return BigInt.asIntN(64, r.u64());
}

const R3 = ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw'];
const M3 = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
const RI = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SHIFTS = ['slli', 'srli', 'srai'];
const SHIFTSW = ['slliw', 'srliw', 'sraiw'];
const LOADS = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'];
const STORES = ['sb', 'sh', 'sw', 'sd'];
const AMOS = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
const ORDER = ['', '.aq', '.rl', '.aqrl'];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];

/** Every instruction the generator must emit over a run (the coverage the test asserts). */
export const REQUIRED = [
  'lui', 'auipc', 'jal', 'jalr', ...BRANCHES, ...LOADS, ...STORES, ...RI, ...SHIFTS, ...SHIFTSW, ...R3, ...M3,
  'lr.w', 'sc.w', 'lr.d', 'sc.d', ...AMOS.flatMap((a) => [`${a}.w`, `${a}.d`]),
  'fence', 'fence.i', 'ecall', 'ebreak', 'wfi', 'csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci',
  'c.addi4spn', 'c.lw', 'c.ld', 'c.sw', 'c.sd', 'c.nop', 'c.addi', 'c.addiw', 'c.li', 'c.addi16sp', 'c.lui', 'c.srli',
  'c.srai', 'c.andi', 'c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw', 'c.j', 'c.beqz', 'c.bnez', 'c.slli',
  'c.lwsp', 'c.ldsp', 'c.jr', 'c.mv', 'c.ebreak', 'c.jalr', 'c.add', 'c.swsp', 'c.sdsp',
  'raw16', 'illegal', 'smc', 'interrupt',
];

/**
 * CSRs that do not exist on either machine's hart, or (fflags 0x001, fcsr 0x003) not while
 * mstatus.FS is Off, as it stays in these programs: reading them is illegal.
 */
const MISSING_CSRS = [0x7c0, 0x7a0, 0x7b0, 0x001, 0x003, 0x015, 0x008, 0x310, 0x3a1, 0x600, 0x747, 0xc80, 0xda0, 0x34a, 0x30c, 0x5a8, 0x800, 0xfff];
/** Instruction words both decode as illegal (F/D with FS Off, custom, reserved encodings, dret, uret...). */
const ILLEGAL_WORDS = [0x0000000b, 0xffffffff, 0x00043507, 0x00b57553, 0x0005a027, 0x7b200073, 0x00200073, 0x0000007f,
  0x0000705b, 0x00007003, 0x00004023, 0x02002063, 0x00003067, 0x0000102f, 0x0800102f, 0x1000302f + (1 << 20),
  0x0200103b, 0x4000703b, 0x0400503b, 0x0400101b, 0x4000101b, 0x0200501b, 0x0000401b, 0x0000201b, 0x80001013,
  0x08005013, 0x00000057, 0x0000200f, 0x0000300f, 0x00004073];
/** Compressed words that are reserved, or F/D loads and stores (FS is Off), or c.unimp. */
const ILLEGAL_HALVES = [0x0000, 0x0004, 0x001c, 0x8000, 0x9000, 0x2000, 0xa000, 0x3000, 0x6101, 0x6001, 0x2001, 0x4002, 0x6002,
  0x8002, 0x2002, 0xa002, 0xb002, 0x9c41, 0x9c61, 0x9fe1];

const PSEUDO: Record<string, string> = {
  csrr: 'csrrs', csrw: 'csrrw', csrs: 'csrrs', csrc: 'csrrc', csrwi: 'csrrwi', csrsi: 'csrrsi', csrci: 'csrrci',
  bnez: 'bne', beqz: 'beq', bgtz: 'blt', pause: 'fence', 'fence.tso': 'fence',
};
/** The instruction a mnemonic assembles to, without .aq/.rl. */
function canonical(m: string): string {
  const base = m.replace(/\.(aqrl|aq|rl)$/, '');
  return PSEUDO[base] ?? base;
}

export interface Program {
  source: string;
  /** The instructions of each case, for failure messages. */
  cases: string[][];
  /** How often each instruction (or category) was emitted. */
  counts: Map<string, number>;
}

export interface Options { cases?: number; perCase?: number }

export function generate(seed: number, opts: Options = {}): Program {
  const r = new Rng(seed);
  const nCases = opts.cases ?? 8, perCase = opts.perCase ?? 28;
  const counts = new Map<string, number>();
  const count = (m: string): void => { counts.set(m, (counts.get(m) ?? 0) + 1); };
  let label = 0;
  const fresh = (): string => `L${label++}`;

  const cases: string[][] = [];
  const text: string[] = [];
  const inits: bigint[][] = [];

  for (let k = 0; k < nCases; k++) {
    const body: string[] = [];
    // Most cases are assembled with .option norvc, so each mnemonic is its 32-bit form; some
    // with .option rvc, where the assembler compresses what it can, as a compiler's code is.
    const rvcCase = r.chance(0.3);
    let rvc = false;
    const mode = (want: boolean): void => { if (rvc !== want) { body.push(want ? '.option rvc' : '.option norvc'); rvc = want; } };
    const emit = (line: string, name?: string): void => { body.push(line); count(canonical(name ?? line.trim().split(/\s+/)[0])); };
    const c = (line: string): void => { mode(true); emit(line); mode(rvcCase); };
    mode(rvcCase);

    const rd = (avoid: number[] = []): string => {
      if (r.chance(0.04)) return 'zero';
      const choices = POOL.filter((x) => !avoid.includes(x));
      return REG[r.pick(choices)];
    };
    const rs = (): string => REG[r.chance(0.1) ? 0 : r.pick(POOL)];
    const rdc = (): string => REG[r.pick(POOL_C)];
    const imm12 = (): number => (r.chance(0.35) ? r.pick([0, 1, -1, 2047, -2048, 31, 32, 63, 64, -64]) : r.below(4096) - 2048);
    const temp = (avoid: number[] = []): string => REG[r.pick(POOL.filter((x) => !avoid.includes(x)))];
    const regNum = (name: string): number => REG.indexOf(name);

    const alu = (avoid: number[] = []): void => {
      const t = r.below(10);
      const d = rd(avoid);
      // Aliasing: sometimes a source is the destination.
      const a = r.chance(0.15) && d !== 'zero' ? d : rs(), b = r.chance(0.1) ? a : rs();
      if (t < 3) emit(`${r.pick(R3)} ${d}, ${a}, ${b}`);
      else if (t < 5) emit(`${r.pick(M3)} ${d}, ${a}, ${b}`);
      else if (t < 7) emit(`${r.pick(RI)} ${d}, ${a}, ${imm12()}`);
      else if (t < 8) emit(`${r.pick(SHIFTS)} ${d}, ${a}, ${r.pick([0, 1, 31, 32, 33, 63, r.below(64)])}`);
      else if (t < 9) emit(`${r.pick(SHIFTSW)} ${d}, ${a}, ${r.pick([0, 1, 15, 16, 31, r.below(32)])}`);
      else emit(`${r.pick(['lui', 'auipc'])} ${d}, 0x${r.pick([0, 1, 0x7ffff, 0x80000, 0xfffff, r.below(1 << 20)]).toString(16)}`);
    };

    for (let i = 0; i < perCase; i++) {
      const kind = r.below(1000);
      if (kind < 250) alu();
      else if (kind < 360) {
        // Loads and stores of every width around s0 (aligned), s1 (s0 + 1) and sp.
        const base = r.pick(['s0', 's0', 's1', 'sp']);
        const off = base === 'sp' ? r.below(512) - 8 : r.chance(0.5) ? r.below(256) - 128 : r.pick([0, 8, -8, 4, 2, 1, 7, 3, 5, 6]);
        if (r.chance(0.5)) emit(`${r.pick(LOADS)} ${r.chance(0.05) ? 'zero' : rd()}, ${off}(${base})`);
        else emit(`${r.pick(STORES)} ${rs()}, ${off}(${base})`);
      } else if (kind < 430) {
        // AMOs at 32 and 64 bits on aligned words of the data area.
        const w = r.pick(['w', 'd']);
        const t = temp();
        const off = (w === 'w' ? 4 : 8) * (r.below(32) - 16);
        emit(`addi ${t}, s0, ${off}`);
        const d = r.chance(0.1) ? t : rd(), s = r.chance(0.1) ? t : rs();
        emit(`${r.pick(AMOS)}.${w}${r.pick(ORDER)} ${d}, ${s}, (${t})`);
      } else if (kind < 480) {
        // LR/SC: success; SC without LR; an intervening store; another address; a second SC;
        // a trap between them; a second LR elsewhere.
        const w = r.pick(['w', 'd']);
        const t = temp(), size = w === 'w' ? 4 : 8;
        emit(`addi ${t}, s0, ${size * (r.below(16) - 8)}`);
        const lr = (): void => emit(`lr.${w}${r.pick(ORDER)} ${rd([regNum(t)])}, (${t})`);
        const sc = (base = t): void => emit(`sc.${w}${r.pick(ORDER)} ${rd([regNum(t)])}, ${rs()}, (${base})`);
        switch (r.below(7)) {
          case 0: lr(); sc(); break;
          case 1: sc(); break;
          case 2: lr(); emit(`${r.pick(STORES)} ${rs()}, 0(${t})`); sc(); break;
          case 3: lr(); sc('s0'); sc(); break;
          case 4: lr(); sc(); sc(); break;
          case 5: lr(); emit(r.pick(['ecall', 'ebreak'])); sc(); break;
          default: lr(); emit(`lr.${w} ${rd([regNum(t)])}, (sp)`); sc(); break;
        }
      } else if (kind < 580) {
        // Control flow: forward branches taken or not, jumps that link, jalr with an odd
        // target (bit 0 is dropped), a counted loop backwards.
        const l = fresh();
        const j = r.below(12);
        if (j < 6) {
          const a = rs(), b = r.chance(0.2) ? a : rs();
          emit(`${r.pick(BRANCHES)} ${a}, ${b}, ${l}`);
        } else if (j < 7) emit(`jal ${rd()}, ${l}`);
        else if (j < 9) {
          const t = temp(), off = r.pick([0, 1, 3, -5, 2047, -2048, 11]);
          // t + off, with bit 0 dropped, is the label.
          const delta = off - (off & 1);
          emit(`la ${t}, ${l}${delta >= 0 ? '-' : '+'}${Math.abs(delta)}`, 'la');
          emit(`jalr ${r.chance(0.2) ? t : rd()}, ${off}(${t})`);
        } else if (j < 11) {
          // A loop: the counter is not written by the body.
          const t = temp(), top = fresh();
          emit(`li ${t}, ${1 + r.below(5)}`, 'li');
          body.push(`${top}:`);
          for (let n = 1 + r.below(3); n > 0; n--) alu([regNum(t)]);
          emit(`addi ${t}, ${t}, -1`);
          const back = r.pick(['bnez', 'bgtz']);
          emit(`${back} ${t}, ${top}`);
          continue;
        } else {
          // The compressed control transfers.
          const cj = r.below(5);
          if (cj === 0) c(`c.j ${l}`);
          else if (cj === 1) c(`c.beqz ${rdc()}, ${l}`);
          else if (cj === 2) c(`c.bnez ${rdc()}, ${l}`);
          else { const t = temp([1]); emit(`la ${t}, ${l}`, 'la'); c(`${cj === 3 ? 'c.jr' : 'c.jalr'} ${t}`); }
        }
        for (let n = 1 + r.below(2); n > 0; n--) alu();
        body.push(`${l}:`);
      } else if (kind < 700) {
        csrCase(r, emit, rd, rs, temp);
      } else if (kind < 760) {
        trapCase(r, emit, c, rd, rs, temp, mode, () => rvcCase);
      } else if (kind < 880) {
        compressedCase(r, c, emit, rd, rdc, temp);
      } else if (kind < 940) {
        rawCompressed(r, emit, mode, () => rvcCase);
      } else if (kind < 960) {
        const f = r.pick(['fence', 'fence rw, rw', 'fence.tso', 'fence i, o', 'fence.i', 'nop', '.word 0x0100000f']);
        emit(f, f.startsWith('.word') ? 'fence' : undefined); // 0x0100000f: pause
      } else if (kind < 975) {
        // Code that rewrites itself, made visible by fence.i.
        const t = temp(), v = temp([regNum(t)]), l = fresh();
        const word = r.chance(0.5)
          ? `${'0x'}${((0x13 | (regNum(rd()) << 7) | (regNum(rs()) << 15) | ((imm12() & 0xfff) << 20)) >>> 0).toString(16)}`
          : `${'0x'}${((0x33 | (regNum(rd()) << 7) | (r.pick([0, 4, 6, 7]) << 12) | (regNum(rs()) << 15) | (regNum(rs()) << 20)) >>> 0).toString(16)}`;
        if (r.chance(0.5)) { mode(true); body.push('.balign 4'); mode(rvcCase); }
        emit(`la ${t}, ${l}`, 'la');
        emit(`li ${v}, ${word}`, 'li');
        emit(`sw ${v}, 0(${t})`);
        emit('fence.i');
        body.push(`${l}: .word 0x00000013`);
        count('smc');
      } else {
        // Interrupts: software-pending S-level interrupts taken in M-mode once mstatus.MIE is
        // set, highest priority first; and wfi, which returns at once when one is pending.
        const t = temp(), u = temp([regNum(t)]);
        emit('csrci mstatus, 8');
        // One interrupt at a time: QEMU 7.2 without AIA takes the lowest-numbered pending
        // interrupt first (SSI before SEI), not the specification's order (SEI, SSI, STI).
        const enable = r.pick([0x2, 0x20, 0x200]);
        emit(`li ${t}, ${enable}`, 'li');
        emit(`csrw mie, ${t}`, 'csrrw');
        emit(`li ${u}, ${r.chance(0.7) ? enable : 0x222}`, 'li');
        emit(`csrs mip, ${u}`, 'csrrs');
        if (r.chance(0.4)) emit('wfi');
        else { emit('csrsi mstatus, 8', 'csrrsi'); count('interrupt'); }
        emit('csrci mstatus, 8', 'csrrci');
        emit(`csrc mip, ${u}`, 'csrrc');
      }
    }
    mode(false);
    cases.push(body.filter((l) => !l.startsWith('.option')));

    const init: bigint[] = Array.from({ length: 32 }, () => value(r));
    inits.push(init);
    text.push(`# ---- case ${k}`,
      `    la x31, init${k}`,
      ...Array.from({ length: 30 }, (_, i) => i + 1).filter((i) => !RESERVED.has(i)).map((i) => `    ld x${i}, ${8 * i}(x31)`),
      '    ld x31, 248(x31)',
      '    la s0, data_mid',
      '    addi s1, s0, 1',
      '    addi sp, s0, 512',
      ...body.map((l) => (l.endsWith(':') || l.includes(': ') ? l : `    ${l}`)),
      '    .option norvc',
      `    csrw sscratch, t0`,
      `    la t0, save`,
      ...Array.from({ length: 31 }, (_, i) => i + 1).filter((i) => i !== 5).map((i) => `    sd x${i}, ${8 * i}(t0)`),
      `    csrr t1, sscratch`,
      `    sd t1, 40(t0)`,
      `    li a0, ${k}`,
      `    jal ra, dump`);
  }

  const data: bigint[] = Array.from({ length: 256 }, () => value(r));
  const source = `# generated by test/diff/generate.ts, seed ${seed}
    .option norvc
    .option norelax        # keep .balign: mtvec needs a 4-byte aligned handler
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    # No timer interrupt: QEMU's CLINT resets mtimecmp to 0, which makes mip.MTIP pending.
    li t0, 0x2004000
    li t1, -1
    sd t1, 0(t0)
${text.join('\n')}
    .option norvc
    li a1, 0x10000000
8:  lbu t1, 5(a1)          # let the last byte leave before powering off
    andi t1, t1, 0x40
    beqz t1, 8b
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b

${DUMP_ROUTINES}

    .data
    .balign 4096
tsave: .zero 64
save: .zero 256
${inits.map((v, k) => `init${k}:\n${v.map((x) => `    .dword ${x}`).join('\n')}`).join('\n')}
    .balign 4096
data:
${data.slice(0, 64).map((x) => `    .dword ${x}`).join('\n')}
data_mid:
${data.slice(64).map((x) => `    .dword ${x}`).join('\n')}
data_end:
`;
  return { source, cases, counts };
}

/** CSR instructions on the M-mode CSRs, with values both machines treat alike (see above). */
function csrCase(r: Rng, emit: (l: string, n?: string) => void, rd: () => string, rs: () => string, temp: (avoid?: number[]) => string): void {
  // [csr, mask of the bits written, or undefined for "any value"]
  const targets: [string, bigint | undefined][] = [
    ['mscratch', undefined], ['mtval', undefined], ['mcause', undefined], ['stval', undefined], ['scause', undefined],
    ['mepc', -2n], ['sepc', -2n], ['mie', 0xaaan], ['mip', 0x222n], ['medeleg', 0xb3ffn], ['mideleg', 0x222n],
    ['mcounteren', 0xffffffffn], ['misa', undefined], ['stvec', undefined], ['sie', 0x222n], ['sip', 0x2n],
    // mstatus: SIE SPIE MPIE SPP, MPP as a whole (never 2), SUM MXR TVM TW TSR. MIE only in
    // the interrupt sequences, which take one interrupt at a time.
    ['mstatus', 0x7c19a2n], ['sstatus', 0xc0122n],
  ];
  const k = r.below(20);
  if (k < 2) {
    // mtvec: write a value, read it back (modes 2 and 3 are not taken), restore the handler.
    const t = temp(), d = rd();
    emit(`li ${t}, ${r.pick([0n, 1n, 2n, 3n, -1n, 0x80000000n, 0x80000001n, BigInt.asIntN(64, r.u64())])}`, 'li');
    emit(`csrrw ${d}, mtvec, ${t}`);
    emit(`csrr ${t}, mtvec`, 'csrrs');
    emit(`la ${d === 'zero' ? 'ra' : d}, trap`, 'la');
    emit(`csrw mtvec, ${d === 'zero' ? 'ra' : d}`, 'csrrw');
    return;
  }
  if (k < 4) {
    // Reads of CSRs whose values both define the same way.
    emit(`csrr ${rd()}, ${r.pick(['mhartid', 'mvendorid', 'misa', 'mtvec', 'mstatus', 'sstatus', 'mip', 'mie', 'sie', 'sip', 'mconfigptr', 'satp', 'pmpcfg0', 'mhpmcounter3', 'mhpmevent3', 'hpmcounter3'])}`, 'csrrs');
    return;
  }
  const [csr, mask] = r.pick(targets);
  const op = r.below(6);
  const d = r.chance(0.15) ? 'zero' : rd();
  if (op < 3) {
    const name = ['csrrw', 'csrrs', 'csrrc'][op];
    let src = rs();
    if (mask !== undefined) {
      // Limit the value to the bits both machines implement alike.
      const t = temp();
      let m = mask;
      if (csr === 'mstatus' && op === 0) {
        // A whole new mstatus: keep MPP legal.
        emit(`li ${t}, ${(r.u64() & 0x7c01a2n) | (BigInt(r.pick([0, 1, 3])) << 11n)}`, 'li');
        emit(`${name} ${d}, ${csr}, ${t}`);
        return;
      }
      if (csr === 'mstatus') m = r.chance(0.5) ? mask & ~0x1800n : mask;
      if (csr === 'mstatus' && (m & 0x1800n) !== 0n) {
        emit(`li ${t}, ${(r.u64() & m & ~0x1800n) | 0x1800n}`, 'li');
      } else if (src === 'zero' || r.chance(0.3)) {
        emit(`li ${t}, ${BigInt.asIntN(64, r.u64() & BigInt.asUintN(64, m))}`, 'li');
      } else {
        emit(`li ${t}, ${BigInt.asIntN(64, m)}`, 'li');
        emit(`and ${t}, ${t}, ${src}`);
      }
      src = t;
    }
    emit(`${name} ${d}, ${csr}, ${src}`);
  } else {
    const name = ['csrrwi', 'csrrsi', 'csrrci'][op - 3];
    let z = r.below(32);
    if (mask !== undefined) z &= Number(mask & 31n);
    if (csr === 'mstatus' || csr === 'sstatus') z &= 0b00010;
    if (csr === 'mip') z &= 0b00010;
    emit(`${name} ${d}, ${csr}, ${z}`);
  }
}

function trapCase(r: Rng, emit: (l: string, n?: string) => void, c: (l: string) => void, rd: () => string, rs: () => string,
  temp: (avoid?: number[]) => string, mode: (rvc: boolean) => void, caseMode: () => boolean): void {
  const k = r.below(16);
  switch (k) {
    case 0: emit('ecall'); break;
    case 1: emit('ebreak'); break;
    case 2: c('c.ebreak'); break;
    case 3: emit(`.word 0x${(r.pick(ILLEGAL_WORDS) >>> 0).toString(16)}`, 'illegal'); break;
    case 4: mode(true); emit(`.half 0x${r.pick(ILLEGAL_HALVES).toString(16)}`, 'illegal'); mode(caseMode()); break;
    case 5: emit(`csrr ${rd()}, 0x${r.pick(MISSING_CSRS).toString(16)}`, 'illegal'); break;
    case 6: {
      // Writes to read-only CSRs are illegal; reading them with csrrs/csrrc x0 is not. (The
      // source register is non-zero: QEMU 7.2 lets csrrs/csrrc with a zero value through.)
      const csr = r.pick(['mhartid', 'mvendorid', 'marchid', 'mimpid', 'mconfigptr', 'cycle', 'instret', 'time']);
      const t = temp();
      emit(`li ${t}, ${r.pick([1, -1, 0x80])}`, 'li');
      emit(r.pick([`csrw ${csr}, ${rs()}`, `csrrsi ${rd()}, ${csr}, 1`, `csrrc ${rd()}, ${csr}, ${t}`, `csrrs ${rd()}, ${csr}, ${t}`]), 'illegal');
      emit(`csrrs ${rd()}, mhartid, zero`, 'csrrs');
      break;
    }
    case 7: case 8: {
      // Loads and stores where nothing answers: access faults with the address in mtval.
      const t = temp();
      const addr = r.pick([0n, 0x100000000000n, 0x88000000n, -8n, 0x1000000000n, 0x200n]);
      emit(`li ${t}, ${addr}`, 'li');
      // Aligned: for a misaligned load that faults, QEMU 7.2 reports the address rounded down
      // to the access size, which is not part of the access (test/isa checks the spec's rule).
      const insn = k === 7 ? r.pick(LOADS) : r.pick(STORES);
      const size = { b: 1, h: 2, w: 4, d: 8 }[insn[1] as 'b' | 'h' | 'w' | 'd'];
      const off = (addr === 0x88000000n ? r.below(2048) : r.below(4096) - 2048) & -size;
      if (k === 7) emit(`${insn} ${rd()}, ${off}(${t})`);
      else emit(`${insn} ${rs()}, ${off}(${t})`);
      break;
    }
    case 9: {
      // AMOs and LR where nothing answers, or misaligned ones (QEMU 7.2: load-misaligned).
      const t = temp();
      const misaligned = r.chance(0.5);
      if (misaligned) emit(`addi ${t}, s0, ${r.pick([1, 2, 3, 4, 6, 7])}`);
      else emit(`li ${t}, ${r.pick([0n, 0x100000000000n, 0x88000000n])}`, 'li');
      const w = r.pick(['w', 'd']);
      if (r.chance(0.25)) emit(`lr.${w} ${rd()}, (${t})`);
      else if (r.chance(0.2)) emit(`sc.${w} ${rd()}, ${rs()}, (${t})`);
      else emit(`${r.pick(AMOS)}.${w} ${rd()}, ${rs()}, (${t})`);
      break;
    }
    case 10: {
      // A jump to where nothing answers: an instruction access fault at the target; the
      // handler resumes at the link address.
      const t = temp([1]);
      emit(`li ${t}, ${r.pick([0n, 0x100000000000n, 0x88000000n, -2n, 0x200n])}`, 'li');
      emit(`jalr ra, ${r.pick([0, 4, -4, 1])}(${t})`);
      break;
    }
    case 11: emit(`.word 0x${((r.next() | 0x7f) >>> 0).toString(16)}`, 'illegal'); break; // opcode 1111111: reserved
    default: {
      // A random word with a major opcode that has no instruction here, or F/D ones (FS is Off).
      const opcode = r.pick([0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x57, 0x5b, 0x0b, 0x2b, 0x6b, 0x7b, 0x77]);
      emit(`.word 0x${(((r.next() & ~0x7f) | opcode) >>> 0).toString(16)}`, 'illegal');
    }
  }
}

/** The compressed instructions, spelled out so the assembler must use them. */
function compressedCase(r: Rng, c: (l: string) => void, emit: (l: string, n?: string) => void, rd: () => string, rdc: () => string, temp: (avoid?: number[]) => string): void {
  const nz6 = (): number => { const v = r.below(64) - 32; return v === 0 ? 1 : v; };
  const sh = (): number => r.pick([1, 31, 32, 33, 63, 1 + r.below(63)]);
  const k = r.below(27);
  const d = (): string => { const x = rd(); return x === 'zero' ? 'a0' : x; };
  switch (k) {
    case 0: c(`c.addi4spn ${rdc()}, sp, ${4 * (1 + r.below(255))}`); break;
    case 1: c(`c.lw ${rdc()}, ${4 * r.below(32)}(${r.pick(['s0', 's1'])})`); break;
    case 2: c(`c.ld ${rdc()}, ${8 * r.below(32)}(${r.pick(['s0', 's1'])})`); break;
    case 3: c(`c.sw ${r.pick(['a0', 'a1', 'a5', 's0', 's1'])}, ${4 * r.below(32)}(${r.pick(['s0', 's1'])})`); break;
    case 4: c(`c.sd ${r.pick(['a0', 'a1', 'a5', 's0', 's1'])}, ${8 * r.below(32)}(${r.pick(['s0', 's1'])})`); break;
    case 5: c('c.nop'); break;
    case 6: c(`c.addi ${d()}, ${nz6()}`); break;
    case 7: c(`c.addiw ${d()}, ${r.below(64) - 32}`); break;
    case 8: c(`c.li ${d()}, ${r.below(64) - 32}`); break;
    case 9: {
      // c.addi16sp moves sp: use it, then put sp back.
      const v = 16 * (r.below(64) - 32 || 1);
      c(`c.addi16sp sp, ${v}`);
      emit(`${r.pick(['ld', 'lw', 'lbu'])} ${d()}, ${r.pick([0, 8, 16])}(sp)`);
      emit('addi sp, s0, 512');
      break;
    }
    case 10: { let v = r.below(64) - 32; if (v === 0) v = 1; c(`c.lui ${d()}, 0x${(v & 0xfffff).toString(16)}`); break; }
    case 11: c(`c.srli ${rdc()}, ${sh()}`); break;
    case 12: c(`c.srai ${rdc()}, ${sh()}`); break;
    case 13: c(`c.andi ${rdc()}, ${r.below(64) - 32}`); break;
    case 14: c(`c.sub ${rdc()}, ${rdc()}`); break;
    case 15: c(`c.xor ${rdc()}, ${rdc()}`); break;
    case 16: c(`c.or ${rdc()}, ${rdc()}`); break;
    case 17: c(`c.and ${rdc()}, ${rdc()}`); break;
    case 18: c(`c.subw ${rdc()}, ${rdc()}`); break;
    case 19: c(`c.addw ${rdc()}, ${rdc()}`); break;
    case 20: c(`c.slli ${d()}, ${sh()}`); break;
    case 21: c(`c.lwsp ${d()}, ${4 * r.below(64)}(sp)`); break;
    case 22: c(`c.ldsp ${d()}, ${8 * r.below(64)}(sp)`); break;
    case 23: c(`c.swsp ${REG[r.below(32)]}, ${4 * r.below(64)}(sp)`); break;
    case 24: c(`c.sdsp ${REG[r.below(32)]}, ${8 * r.below(64)}(sp)`); break;
    case 25: c(`c.mv ${d()}, ${REG[1 + r.below(31)]}`); break;
    default: c(`c.add ${d()}, ${REG[1 + r.below(31)]}`); break;
  }
  void temp;
}

/**
 * Raw 16-bit words with random fields in every quadrant and funct3 (reserved encodings and
 * hints included), except control transfers and writes to sp, s0 and s1; base registers of
 * loads and stores are s0/s1 (or sp).
 */
function rawCompressed(r: Rng, emit: (l: string, n?: string) => void, mode: (rvc: boolean) => void, caseMode: () => boolean): void {
  let w = 0;
  for (;;) {
    const q = r.below(3), f3 = r.below(8);
    w = (f3 << 13) | ((r.below(1 << 11)) << 2) | q;
    const rdFull = (w >>> 7) & 31, rs2Full = (w >>> 2) & 31;
    const setRdFull = (v: number): void => { w = (w & ~(31 << 7)) | (v << 7); };
    const safeFull = (): number => r.pick(POOL.concat([0]));
    const setRdC = (v: number): void => { w = (w & ~(7 << 2)) | ((v - 8) << 2); };     // bits 4:2
    const setRs1C = (v: number): void => { w = (w & ~(7 << 7)) | ((v - 8) << 7); };    // bits 9:7
    if (q === 0) {
      if (f3 === 0) setRdC(r.pick(POOL_C));
      else if (f3 === 2 || f3 === 3) { setRs1C(r.pick([8, 9])); setRdC(r.pick(POOL_C)); }
      else if (f3 === 6 || f3 === 7) setRs1C(r.pick([8, 9]));
    } else if (q === 1) {
      if (f3 >= 5) continue;                                   // c.j, c.beqz, c.bnez
      if (f3 <= 2 && RESERVED.has(rdFull)) setRdFull(safeFull());
      if (f3 === 3 && rdFull === 2) w &= ~((1 << 12) | (31 << 2)); // c.addi16sp with 0: reserved
      else if (f3 === 3 && RESERVED.has(rdFull)) setRdFull(safeFull());
      if (f3 === 4 && ((w >>> 7) & 7) <= 1) setRs1C(r.pick(POOL_C));
    } else {
      if (f3 === 4) {
        const b12 = (w >>> 12) & 1;
        if (rs2Full === 0 && rdFull !== 0 && r.chance(0.7)) continue; // c.jr, c.jalr
        if (rs2Full === 0 && rdFull !== 0) { setRdFull(0); }             // c.jr x0: reserved; c.ebreak
        else if (RESERVED.has(rdFull)) setRdFull(safeFull());
        void b12;
      } else if (f3 === 0 || f3 === 2 || f3 === 3) {
        if (RESERVED.has((w >>> 7) & 31)) setRdFull(safeFull());
      }
    }
    break;
  }
  mode(true);
  emit(`.half 0x${w.toString(16)}`, 'raw16');
  mode(caseMode());
}

/** puthex and putc over the 16550, shared with the fuzzer's sandbox (fuzz.ts). */
export const UART_PRINT = `# Print a0 as 16 hex digits and a newline; uses t1, t2, a1.
puthex:
    li a1, 0x10000000
    li t1, 60
3:  lbu t2, 5(a1)          # wait for the transmitter: QEMU drops bytes written while busy
    andi t2, t2, 0x20
    beqz t2, 3b
    srl t2, a0, t1
    andi t2, t2, 15
    addi t2, t2, -10
    bltz t2, 4f
    addi t2, t2, 39
4:  addi t2, t2, 58
    sb t2, 0(a1)
    addi t1, t1, -4
    bgez t1, 3b
    li a0, 10
# Print the byte in a0; uses t2, a1.
putc:
    li a1, 0x10000000
7:  lbu t2, 5(a1)
    andi t2, t2, 0x20
    beqz t2, 7b
    sb a0, 0(a1)
    ret
`;

/**
 * The M-mode trap handler of the generated programs, shared with floatGen.ts: it prints "T",
 * mcause, mtval and mepc, saving what it touches first. It keeps t0 in sscratch, not mscratch,
 * because the generated cases write mscratch and compare it.
 */
export const PRINTING_TRAP = `# Print "T", mcause, mtval and mepc. An exception resumes after the trapping instruction (a
# fetch fault at the link address in ra); an interrupt clears its pending bit and resumes.
    .option rvc            # (with norvc, GAS cannot pad from a 2-byte boundary)
    .balign 4
    .option norvc
trap:
    csrw sscratch, t0
    la t0, tsave
    sd t1, 0(t0)
    sd t2, 8(t0)
    sd a0, 16(t0)
    sd a1, 24(t0)
    sd ra, 32(t0)
    li a0, 'T'
    jal ra, putc
    csrr a0, mcause
    jal ra, puthex
    csrr a0, mtval
    jal ra, puthex
    csrr a0, mepc
    jal ra, puthex
    csrr t1, mcause
    bgez t1, 6f
    li t2, 1
    sll t2, t2, t1
    csrc mip, t2
    j 9f
6:  li t2, 1
    bne t1, t2, 8f
    ld t1, 32(t0)          # instruction access fault: back to the link address
    j 5f
8:  csrr t1, mepc
    lhu t2, 0(t1)
    andi t2, t2, 3
    li a1, 3
    addi t1, t1, 2
    bne t2, a1, 5f
    addi t1, t1, 2
5:  csrw mepc, t1
9:  ld t1, 0(t0)
    ld t2, 8(t0)
    ld a0, 16(t0)
    ld a1, 24(t0)
    ld ra, 32(t0)
    csrr t0, sscratch
    mret`;

/** The dump routine, then puthex/putc and the trap handler. */
const DUMP_ROUTINES = `    .option norvc
# Print case a0: "C" and its number, x1..x31 from save, the CSRs, the data checksum.
dump:
    mv s2, ra
    mv s3, a0
    li a0, 'C'
    jal ra, putc
    mv a0, s3
    jal ra, puthex
    la s4, save + 8
    li s5, 31
1:  ld a0, 0(s4)
    jal ra, puthex
    addi s4, s4, 8
    addi s5, s5, -1
    bnez s5, 1b
${['mstatus', 'mie', 'mip', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval', 'medeleg', 'mideleg', 'mcounteren', 'misa',
    'mhartid', 'sstatus', 'sie', 'sip', 'stvec', 'sepc', 'scause', 'stval'].map((c) => `    csrr a0, ${c}\n    jal ra, puthex`).join('\n')}
    la s4, data
    la s5, data_end
    li a0, 0
2:  ld t1, 0(s4)
    slli t2, a0, 5
    srli a0, a0, 59
    or a0, a0, t2
    xor a0, a0, t1
    addi s4, s4, 8
    bltu s4, s5, 2b
    jal ra, puthex
    jr s2

${UART_PRINT}
${PRINTING_TRAP}`;

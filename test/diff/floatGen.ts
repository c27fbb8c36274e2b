// Random F/D test programs for the differential test. Each case loads f0-f31 and integer
// registers from a table of edge and random operands (doubles mostly in f0-f15, NaN-boxed
// singles mostly in f16-f31, now and then a single that is not boxed), sets frm, then runs a
// seeded mix of every F/D instruction in every rounding mode, static and dynamic. After each
// instruction it logs the result (an FP register's raw bits, an integer register, or the
// memory a store wrote) and fflags, and clears fflags; at the end of the case it logs mstatus
// and fcsr and prints the log. Probes turn FS to Clean before an instruction and log mstatus
// after it (which instructions make FS Dirty), or turn FS Off (every F/D instruction and FP CSR
// is then illegal); reserved rounding modes, static and in frm, must be illegal too. The trap
// handler (generate.ts's) prints mcause, mtval and mepc and resumes after the instruction.
import { Rng, D, S, bitsOfD, bitsOfS, edges, operand, valueOfD, valueOfS } from '../support/floats.js';
import { PRINTING_TRAP, UART_PRINT } from './generate.js';

/** Every operation the generator must emit over a run, with each rounding mode where it has one. */
export const ROUNDING_SUFFIXES = ['', 'rne', 'rtz', 'rdn', 'rup', 'rmm'] as const;
const ARITH = ['fadd', 'fsub', 'fmul', 'fdiv'];
const FMA = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'];
const SGNJ_MINMAX = ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'];
const COMPARES = ['feq', 'flt', 'fle'];
const INTS = ['w', 'wu', 'l', 'lu'];

/** Mnemonics that take a rounding mode, for both precisions. */
export const ROUNDED = ['s', 'd'].flatMap((p) => [
  ...ARITH.map((o) => `${o}.${p}`), ...FMA.map((o) => `${o}.${p}`), `fsqrt.${p}`,
  ...INTS.map((t) => `fcvt.${t}.${p}`), ...INTS.map((t) => `fcvt.${p}.${t}`),
]).concat(['fcvt.s.d', 'fcvt.d.s']);
/** The rest. */
export const UNROUNDED = ['s', 'd'].flatMap((p) => [
  ...SGNJ_MINMAX.map((o) => `${o}.${p}`), ...COMPARES.map((o) => `${o}.${p}`), `fclass.${p}`,
]).concat(['flw', 'fld', 'fsw', 'fsd', 'c.fld', 'c.fsd', 'c.fldsp', 'c.fsdsp', 'fmv.x.w', 'fmv.w.x', 'fmv.x.d', 'fmv.d.x',
  'fscsr', 'frcsr', 'fsrm', 'frrm', 'fsflags', 'frflags', 'fsrmi', 'fsflagsi']);
/** Situations the run must reach, besides every (mnemonic, rounding mode) pair. */
export const SITUATIONS = ['reserved-rm', 'reserved-frm', 'fs-off', 'fs-clean', 'unboxed'];

const FREG = (n: number): string => `f${n}`;
const X = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const XNUM: Record<string, number> = { a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, a6: 16, a7: 17, s2: 18, s3: 19, s4: 20, s5: 21,
  s6: 22, s7: 23, s8: 24, s9: 25, s10: 26, s11: 27, t3: 28, t4: 29, t5: 30, t6: 31 };

/** Integer operands for the conversions from integers: the boundaries of each type, and random values. */
const INT_EDGES: bigint[] = [0n, 1n, -1n, 2n, 3n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 53n) + 1n,
  (1n << 24n) + 1n, (1n << 63n) - 1n, -(1n << 63n), (1n << 62n) + 1n, 0x123456789abcdefn, -0x0fedcba987654321n, 16777217n, -16777217n];

// Encodings for what GNU as 2.40 will not write: static reserved modes, and a rounding mode on
// the exact conversions fcvt.d.s, fcvt.d.w and fcvt.d.wu (only rm = 0 assembles).
const OP_FP = 0x53;
const rType = (funct7: number, rs2: number, rd: number, rs1: number, rm: number): number =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | OP_FP) >>> 0;
const word = (w: number): string => `.word 0x${w.toString(16)}`;

export interface FloatProgram {
  source: string;
  /** Per case, the text of each logged entry, for failure messages. */
  entries: string[][];
  counts: Map<string, number>;
}

export function generateFloat(seed: number, opts: { cases?: number; perCase?: number } = {}): FloatProgram {
  const r = new Rng(seed);
  const nCases = opts.cases ?? 6, perCase = opts.perCase ?? 40;
  const counts = new Map<string, number>();
  const count = (k: string): void => { counts.set(k, (counts.get(k) ?? 0) + 1); };
  const dEdges = edges(D), sEdges = edges(S);
  const text: string[] = [];
  const tables: string[] = [];
  const entries: string[][] = [];

  for (let k = 0; k < nCases; k++) {
    const body: string[] = [];
    const logged: string[] = [];
    // The operand table: 32 FP registers' raw bits, then the integer pool.
    const fvals: bigint[] = [];
    for (let i = 0; i < 32; i++) {
      if (i < 16) fvals.push(operand(r, D, dEdges));
      else if (r.chance(0.06)) { fvals.push(BigInt.asUintN(64, r.u64()) & ~(0xffffffffn << 32n) | (BigInt(r.below(0xfffffffe)) << 32n)); count('unboxed'); }
      else fvals.push(0xffffffff00000000n | operand(r, S, sEdges));
    }
    // Pairs of registers whose sum or product lands on a hard spot: ties and cancellation for
    // the sums; just either side of the smallest normal number (where tininess after rounding
    // decides underflow), of the largest finite one, and of half the smallest subnormal.
    const pairs: Record<'s' | 'd', [number, number][]> = { s: [], d: [] };
    for (let i = 0; i < 10; i++) {
      const prec = i % 2 === 0 ? 'd' : 's';
      const lo = prec === 'd' ? 0 : 16, a = lo + r.below(16);
      let b = lo + r.below(16);
      if (b === a) b = lo + ((b - lo + 1) % 16);
      const bits = prec === 'd' ? 53 : 24;
      const value = (v: bigint): number => (prec === 'd' ? valueOfD(v) : valueOfS(v & 0xffffffffn));
      const put = (v: number): bigint => (prec === 'd' ? bitsOfD(v) : 0xffffffff00000000n | bitsOfS(v));
      let x = value(fvals[a]);
      if (!Number.isFinite(x) || x === 0) { x = 1.5 + r.below(1000) / 997; fvals[a] = put(x); }
      const minNormal = 2 ** (prec === 'd' ? -1022 : -126), max = prec === 'd' ? Number.MAX_VALUE : 3.4028234663852886e38;
      const eps = 2 ** -bits;
      const target = r.pick([minNormal * (1 - eps / 2), minNormal * (1 - eps), minNormal * (1 - 2 * eps), minNormal * (1 + eps),
        max * (1 + eps / 2), max * (1 - eps / 4), minNormal * 2 ** -(bits - 1) * r.pick([0.5, 0.75, 1.5])]);
      const k = r.below(3);
      // k = 0: y with x * y near the target; 1: y = target / x * a tiny nudge; 2: a sum's tie or cancellation.
      const y = k === 2 ? r.pick([Math.abs(x) * eps / 2, -x, -x * (1 + 4 * eps), Math.abs(x) * eps * 0.75]) : (target / x) * (k === 0 ? 1 : 1 + r.pick([-1, 1]) * eps);
      if (!Number.isFinite(y)) continue;
      fvals[b] = put(prec === 'd' ? y : Math.fround(y));
      pairs[prec].push(r.chance(0.5) ? [a, b] : [b, a]);
    }
    const ivals = X.map(() => (r.chance(0.5) ? r.pick(INT_EDGES) : r.chance(0.5) ? BigInt.asIntN(64, r.u64()) : BigInt(r.next() - 2 ** 31) << BigInt(r.below(33))));
    tables.push(`fops${k}:\n${[...fvals, ...ivals].map((v) => `    .dword ${BigInt.asIntN(64, v)}`).join('\n')}`);

    const frm = r.chance(0.12) ? 5 + r.below(3) : r.below(5);
    if (frm > 4) count('reserved-frm');

    const fd = (p: string): number => (r.chance(0.85) ? (p === 'd' ? 0 : 16) + r.below(16) : r.below(32));
    /** Two sources: a hard pair 40% of the time. */
    const two = (p: 's' | 'd'): [number, number] => (pairs[p].length && r.chance(0.4) ? r.pick(pairs[p]) : [fd(p), fd(p)]);
    const xr = (): string => r.pick(X);
    const rmOf = (): string => {
      const s = r.chance(0.45) ? '' : r.pick(ROUNDING_SUFFIXES.slice(1));
      return s;
    };
    const withRm = (ops: string, rm: string): string => (rm ? `${ops}, ${rm}` : ops);
    /** Log an FP register, an integer register, or two doublewords of the data area. */
    const logF = (n: number): string[] => [`fsd f${n}, 0(s1)`];
    const logX = (x: string): string[] => [`sd ${x}, 0(s1)`];
    const logFlags = ['frflags t0', 'sd t0, 8(s1)', 'fsflags zero', 'addi s1, s1, 16'];
    const emit = (insn: string[], log: string[], what: string, key: string): void => {
      body.push(...insn, ...log, ...logFlags);
      logged.push(what);
      count(key);
    };
    /** The rounding-mode number of a suffix ('' is dynamic). */
    const rmNumber = (s: string): number => (s === '' ? 7 : ROUNDING_SUFFIXES.indexOf(s as never) - 1);

    for (let i = 0; i < perCase; i++) {
      const p = r.pick(['s', 'd'] as const);
      const kind = r.below(100);
      const rm = rmOf();
      const key = (name: string, withMode = true): string => (withMode ? `${name}/${rm || 'dyn'}` : name);
      if (kind < 18) {
        const op = r.pick(ARITH), d = fd(p), [a, b] = two(p);
        const t = withRm(`${op}.${p} f${d}, f${a}, f${b}`, rm);
        emit([t], logF(d), t, key(`${op}.${p}`));
      } else if (kind < 30) {
        const op = r.pick(FMA), d = fd(p), [a, b] = two(p), c = fd(p);
        const t = withRm(`${op}.${p} f${d}, f${a}, f${b}, f${c}`, rm);
        emit([t], logF(d), t, key(`${op}.${p}`));
      } else if (kind < 34) {
        const d = fd(p), a = fd(p);
        const t = withRm(`fsqrt.${p} f${d}, f${a}`, rm);
        emit([t], logF(d), t, key(`fsqrt.${p}`));
      } else if (kind < 42) {
        const op = r.pick(SGNJ_MINMAX), d = fd(p), a = fd(p), b = r.chance(0.15) ? a : fd(p);
        const t = `${op}.${p} f${d}, f${a}, f${b}`;
        emit([t], logF(d), t, key(`${op}.${p}`, false));
      } else if (kind < 48) {
        const op = r.pick(COMPARES), x = xr(), a = fd(p), b = r.chance(0.1) ? a : fd(p);
        const t = `${op}.${p} ${x}, f${a}, f${b}`;
        emit([t], logX(x), t, key(`${op}.${p}`, false));
      } else if (kind < 50) {
        const x = xr(), a = fd(p);
        const t = `fclass.${p} ${x}, f${a}`;
        emit([t], logX(x), t, key(`fclass.${p}`, false));
      } else if (kind < 58) {
        const to = r.pick(INTS), x = xr(), a = fd(p);
        const t = withRm(`fcvt.${to}.${p} ${x}, f${a}`, rm);
        emit([t], logX(x), t, key(`fcvt.${to}.${p}`));
      } else if (kind < 65) {
        const from = r.pick(INTS), d = fd(p), x = xr();
        let insn = withRm(`fcvt.${p}.${from} f${d}, ${x}`, rm);
        if (p === 'd' && (from === 'w' || from === 'wu')) {
          // GNU as writes these exact conversions only with rm = 0, which it spells without a mode.
          insn = rm === 'rne' ? `fcvt.d.${from} f${d}, ${x}`
            : `${word(rType(0x69, from === 'w' ? 0 : 1, d, XNUM[x], rmNumber(rm)))} # fcvt.d.${from} f${d}, ${x}, ${rm || 'dyn'}`;
        }
        emit([insn], logF(d), insn, key(`fcvt.${p}.${from}`));
      } else if (kind < 70) {
        const d = fd(p === 's' ? 's' : 'd'), a = fd(p === 's' ? 'd' : 's');
        let insn: string;
        if (p === 's') insn = withRm(`fcvt.s.d f${d}, f${a}`, rm);
        else insn = rm !== 'rne' ? `${word(rType(0x21, 0, d, a, rmNumber(rm)))} # fcvt.d.s f${d}, f${a}, ${rm || 'dyn'}` : `fcvt.d.s f${d}, f${a}`;
        emit([insn], logF(d), insn, key(p === 's' ? 'fcvt.s.d' : 'fcvt.d.s'));
      } else if (kind < 75) {
        const d = fd(p), x = xr(), a = fd(p);
        if (r.chance(0.5)) { const t = `fmv.x.${p === 's' ? 'w' : 'd'} ${x}, f${a}`; emit([t], logX(x), t, key(`fmv.x.${p === 's' ? 'w' : 'd'}`, false)); }
        else { const t = `fmv.${p === 's' ? 'w' : 'd'}.x f${d}, ${x}`; emit([t], logF(d), t, key(`fmv.${p === 's' ? 'w' : 'd'}.x`, false)); }
      } else if (kind < 83) {
        // Loads and stores on the data area (s0; sp = s0 + 256), aligned or not, and the compressed forms.
        const size = p === 's' ? 4 : 8;
        const off = r.chance(0.85) ? size * r.below(64) : r.below(500);
        const name = p === 's' ? 'w' : 'd';
        const c = p === 'd' && r.chance(0.35);
        if (r.chance(0.5)) {
          const d = c ? 8 + r.below(8) : fd(p);
          const sp = c && r.chance(0.5);
          const t = !c ? `fl${name} f${d}, ${off}(s0)` : sp ? `c.fldsp f${d}, ${8 * r.below(64)}(sp)` : `c.fld f${d}, ${8 * r.below(32)}(s0)`;
          emit(c ? ['.option rvc', t, '.option norvc'] : [t], logF(d), t, c ? (sp ? 'c.fldsp' : 'c.fld') : `fl${name}`);
        } else {
          const s = c ? 8 + r.below(8) : fd(p);
          const sp = c && r.chance(0.5);
          const at = !c ? off : sp ? 256 + 8 * r.below(64) : 8 * r.below(32);
          const t = !c ? `fs${name} f${s}, ${off}(s0)` : sp ? `c.fsdsp f${s}, ${at - 256}(sp)` : `c.fsd f${s}, ${at}(s0)`;
          const base = at & ~7;
          emit(c ? ['.option rvc', t, '.option norvc'] : [t], [`ld t1, ${base}(s0)`, 'sd t1, 0(s1)'],
            `${t} (the doubleword at ${base})`, c ? (sp ? 'c.fsdsp' : 'c.fsd') : `fs${name}`);
          // A misaligned store may reach the next doubleword.
          body.push(`ld t1, ${base + 8}(s0)`, 'sd t1, 0(s1)', 'sd zero, 8(s1)', 'addi s1, s1, 16');
          logged.push(`${t} (the doubleword at ${base + 8})`);
        }
      } else if (kind < 88) {
        // The FP CSRs: any value written (frm may become reserved), the old value logged.
        const x = xr(), y = xr();
        const which = r.below(8);
        // Mostly a valid rounding mode in frm's bits; now and then a reserved one.
        const v = r.chance(0.85) ? (r.below(5) << 5) | r.below(32) : r.below(256);
        const imm = r.below(32);
        const forms: [string, string][] = [[`fscsr ${x}, ${y}`, 'fscsr'], [`frcsr ${x}`, 'frcsr'], [`fsrm ${x}, ${y}`, 'fsrm'], [`frrm ${x}`, 'frrm'],
          [`fsflags ${x}, ${y}`, 'fsflags'], [`frflags ${x}`, 'frflags'], [`fsrmi ${x}, ${imm & 7}`, 'fsrmi'], [`fsflagsi ${x}, ${imm}`, 'fsflagsi']];
        const [t, name] = forms[which];
        if (frm > 4 && (name === 'fsrm' || name === 'fsrmi' || name === 'fscsr')) { i--; continue; } // keep the case's reserved frm
        emit([`li ${y}, ${v}`, t], logX(x), t, name);
      } else if (kind < 91) {
        // Static reserved rounding modes 5 and 6: illegal.
        const d = fd(p), a = fd(p), b = fd(p);
        const funct7 = r.pick([0x00, 0x04, 0x08, 0x0c]) | (p === 'd' ? 1 : 0);
        const t = `${word(rType(funct7, b, d, a, 5 + r.below(2)))} # ${p} arithmetic with a reserved rounding mode`;
        emit([t], logF(d), t, 'reserved-rm');
      } else if (kind < 96) {
        // FS Clean before an instruction, mstatus after it: does it make FS Dirty?
        const choices = [`fadd.${p} f${fd(p)}, f${fd(p)}, f${fd(p)}`, `feq.${p} ${xr()}, f${fd(p)}, f${fd(p)}`, `fs${p === 's' ? 'w' : 'd'} f${fd(p)}, 0(s0)`,
          `fmv.x.${p === 's' ? 'w' : 'd'} ${xr()}, f${fd(p)}`, `fcvt.w.${p} ${xr()}, f${fd(p)}`, `fl${p === 's' ? 'w' : 'd'} f${fd(p)}, 8(s0)`,
          `fsgnj.${p} f${fd(p)}, f${fd(p)}, f${fd(p)}`, `fclass.${p} ${xr()}, f${fd(p)}`, 'frflags t2', 'fsflags t2, zero', 'csrrs t2, fcsr, zero'];
        const t = r.pick(choices);
        emit(['li t0, 0x6000', 'csrc mstatus, t0', 'li t0, 0x4000', 'csrs mstatus, t0', t, 'csrr t1, mstatus', 'sd t1, 0(s1)'], [],
          `mstatus after "${t}" with FS Clean`, 'fs-clean');
      } else {
        // FS Off: F/D instructions and FP CSRs are illegal; then FS Initial again.
        const t = r.pick([`fadd.${p} f${fd(p)}, f${fd(p)}, f${fd(p)}`, `fl${p === 's' ? 'w' : 'd'} f${fd(p)}, 0(s0)`, `fs${p === 's' ? 'w' : 'd'} f1, 0(s0)`,
          `fmv.x.d ${xr()}, f3`, 'frcsr t2', 'fsflagsi t2, 1', 'fsrm t2, zero', '.option rvc\nc.fld f8, 0(s0)\n.option norvc']);
        emit(['li t0, 0x6000', 'csrc mstatus, t0', t, 'li t0, 0x2000', 'csrs mstatus, t0', 'csrr t1, mstatus', 'sd t1, 0(s1)'], [],
          `"${t.replace(/\n/g, ' ')}" with FS Off (illegal), then mstatus`, 'fs-off');
      }
    }
    logged.push('mstatus and fcsr at the end of the case');
    entries.push(logged);

    text.push(`# ---- case ${k}`,
      `    la t0, fops${k}`,
      ...Array.from({ length: 32 }, (_, i) => `    fld ${FREG(i)}, ${8 * i}(t0)`),
      ...X.map((x, i) => `    ld ${x}, ${256 + 8 * i}(t0)`),
      '    la s0, fdata',
      '    addi sp, s0, 256',
      '    la s1, log',
      `    li t0, ${frm}`,
      '    fsrm t0',
      '    fsflags zero',
      ...body.map((l) => (l.startsWith('.') || l.includes('\n') ? l : `    ${l}`)),
      '    csrr t0, mstatus',
      '    sd t0, 0(s1)',
      '    frcsr t0',
      '    sd t0, 8(s1)',
      '    addi s1, s1, 16',
      `    li a0, ${k}`,
      '    jal ra, dumplog');
  }

  const data = Array.from({ length: 128 }, () => (r.chance(0.5) ? operand(r, D, dEdges) : 0xffffffff00000000n | operand(r, S, sEdges)));
  const source = `# generated by test/diff/floatGen.ts, seed ${seed}
    .option norvc
    .option norelax
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    li t0, 0x2000           # mstatus.FS = Initial
    csrs mstatus, t0
    li t0, 0x2004000        # no timer interrupt (QEMU resets mtimecmp to 0)
    li t1, -1
    sd t1, 0(t0)
${text.join('\n')}
    li a1, 0x10000000
8:  lbu t1, 5(a1)
    andi t1, t1, 0x40
    beqz t1, 8b
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b

# Print "C" and the case number in a0, then every doubleword logged from log to s1.
dumplog:
    mv s2, ra
    mv s3, a0
    li a0, 'C'
    jal ra, putc
    mv a0, s3
    jal ra, puthex
    la s4, log
1:  bgeu s4, s1, 2f
    ld a0, 0(s4)
    jal ra, puthex
    addi s4, s4, 8
    j 1b
2:  jr s2

${UART_PRINT}
${PRINTING_TRAP}

    .data
    .balign 4096
tsave: .zero 64
${tables.join('\n')}
    .balign 64
fdata:
${data.map((v) => `    .dword ${BigInt.asIntN(64, v)}`).join('\n')}
    .balign 64
log: .zero ${16 * (perCase * 2 + 8)}
`;
  return { source, entries, counts };
}

/** Which case and logged entry the first differing output line belongs to, for a failure message. */
export function locateDifference(qemu: string, chronos: string, prog: FloatProgram): string {
  const q = qemu.split('\n'), c = chronos.split('\n');
  const i = q.findIndex((l, k) => l !== c[k]);
  if (i < 0) return q.length === c.length ? 'no difference' : `chronos printed ${c.length - q.length} more lines`;
  // Walk back to the case header ("C" and the case number); each entry is two lines (a value, then fflags).
  let header = i;
  while (header >= 0 && !/^C[0-9a-f]{16}$/.test(q[header])) header--;
  const detail = `line ${i + 1}: qemu ${JSON.stringify(q[i])} chronos ${JSON.stringify(c[i])}`;
  if (header < 0 || /^T/.test(q[i]) || /^T/.test(c[i])) return `${detail} (a trap report)`;
  const caseIndex = Number.parseInt(q[header].slice(1), 16);
  const n = i - header - 1;
  if (n < 0) return detail;
  const entry = prog.entries[caseIndex]?.[Math.floor(n / 2)] ?? '?';
  return `${detail}: case ${caseIndex}, ${n % 2 === 0 ? 'the result' : 'fflags'} of ${entry}`;
}

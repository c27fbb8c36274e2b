// Assembly sources for the disassembler's fixtures: instruction words that cover every table
// entry and every 16-bit encoding, CSRs under each privileged spec, ISA switches, and the
// listing's layout rules (symbols, data in code, zero runs, objects, out-of-bounds reads).
import { INSTRUCTIONS } from '../../src/emulator/isa/table.js';

/** A reproducible stream of 32-bit values. */
export function* xorshift(seed: number): Generator<number, never> {
  let x = seed >>> 0 || 1;
  for (;;) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; yield x; }
}

const insn = (len: 2 | 4, w: number): string => ` .insn ${len}, 0x${(w >>> 0).toString(16)}`;
const lines = (xs: string[]): string => `${xs.join('\n')}\n`;

/** Every 16-bit encoding (quadrants 0-2) as an instruction. */
export function all16(): string {
  const out = ['.globl _start', '_start:'];
  for (let w = 0; w < 0x10000; w++) if ((w & 3) !== 3) out.push(insn(2, w));
  return lines(out);
}

/**
 * Every halfword in order as a `.half` stream: with the mapping symbols stripped objdump reads
 * it as code, so this covers the quadrant-3 prefixes of 32-bit and longer encodings too.
 */
export function halfStream(): string {
  const out = ['.globl _start', '_start:'];
  for (let w = 0; w < 0x10000; w += 16) out.push(` .half ${Array.from({ length: 16 }, (_, i) => w + i).join(', ')}`);
  // Half of a 32-bit instruction at the very end: a read past the section.
  out.push(' .half 0x0013');
  return lines(out);
}

/** 32-bit words whose low bits announce a 32-bit instruction (others need not be one `.insn 4`). */
const is32 = (w: number): boolean => (w & 3) === 3 && (w & 0x1f) !== 0x1f;

/**
 * For every table entry: each free bit alone and each free bit clear (so every register field
 * and immediate bit moves), all 32 values of each register field, and random fillings; then
 * random words of any kind. CSR entries get their own sweep (csrSweep).
 */
export function entryWords(seed = 0xc0ffee, randomPerEntry = 300, randomWords = 40000): number[] {
  const rnd = xorshift(seed);
  const words = new Set<number>();
  const fields = [7, 15, 20]; // rd, rs1, rs2
  for (const d of INSTRUCTIONS) {
    const free = ~d.mask >>> 0;
    const put = (fill: number): void => { words.add((d.match | (fill & free)) >>> 0); };
    put(0); put(free);
    for (let b = 0; b < 32; b++) {
      if (!((free >>> b) & 1)) continue;
      put(1 << b); put(free & ~(1 << b));
    }
    for (const at of fields) {
      if (((free >>> at) & 31) !== 31) continue;
      for (let v = 0; v < 32; v++) put((rnd.next().value & ~(31 << at)) | (v << at));
    }
    for (let i = 0; i < randomPerEntry; i++) put(rnd.next().value);
  }
  // Every fence: all modes, predecessor and successor sets, and stray rd/rs1.
  for (let f = 0; f < 0x1000; f++) words.add(((f << 20) | 0x0f) >>> 0);
  for (let i = 0; i < 256; i++) words.add(((rnd.next().value & 0xfff0_0f80) | 0x0f | ((i & 31) << 15)) >>> 0);
  for (let i = 0; i < randomWords; i++) words.add((rnd.next().value | 3) >>> 0);
  return [...words].filter(is32);
}

/**
 * The SYSTEM and MISC-MEM spaces, where binutils names exact encodings: every value of bits
 * 31:20 with a few rd/rs1, under each funct3 that has no CSR (so uret, dret, sfence.vm...).
 */
export function systemWords(): number[] {
  const out: number[] = [];
  for (let hi = 0; hi < 0x1000; hi++) {
    for (const [rd, rs1] of [[0, 0], [1, 0], [0, 5], [3, 7]]) {
      out.push(((hi << 20) | (rs1 << 15) | (rd << 7) | 0x73) >>> 0, ((hi << 20) | (4 << 12) | (rs1 << 15) | (rd << 7) | 0x73) >>> 0);
      for (let f3 = 0; f3 < 8; f3++) if (rd === rs1 || f3 < 2) out.push(((hi << 20) | (f3 << 12) | (rs1 << 15) | (rd << 7) | 0x0f) >>> 0);
    }
  }
  return out;
}

export const wordsSource = (words: number[]): string => lines(['.globl _start', '_start:', ...words.map((w) => insn(4, w))]);

const CSR_OPS = [1, 2, 3, 5, 6, 7]; // csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci

/** Every CSR number under every CSR instruction, with zero and non-zero rd and rs1/zimm. */
export function csrSweep(): number[] {
  const out: number[] = [];
  for (const f3 of CSR_OPS) {
    for (let csr = 0; csr < 0x1000; csr++) {
      for (const [rd, rs1] of [[0, 0], [0, 11], [10, 0], [10, 11]]) out.push(((csr << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x73) >>> 0);
    }
  }
  return out;
}

/** `csrr a0, N` for every CSR, in a file that records privileged spec `spec` (or none). */
export function csrNamesUnder(spec: [number, number, number] | undefined): string {
  const attrs = spec ? [`.attribute priv_spec, ${spec[0]}`, `.attribute priv_spec_minor, ${spec[1]}`, `.attribute priv_spec_revision, ${spec[2]}`] : [];
  const words = Array.from({ length: 0x1000 }, (_, csr) => ((csr << 20) | (2 << 12) | (10 << 7) | 0x73) >>> 0);
  return lines([...attrs, '.globl _start', '_start:', ...words.map((w) => insn(4, w))]);
}

/**
 * The same sample of words under several ISAs, switched with `.option arch` (which leaves
 * `$x<isa>` mapping symbols): what objdump prints depends on which extensions are there.
 */
export function isaSwitches(): string {
  const rnd = xorshift(7);
  const sample: string[] = [];
  for (const d of INSTRUCTIONS) {
    const free = ~d.mask >>> 0;
    for (let i = 0; i < 4; i++) sample.push(insn(4, (d.match | (rnd.next().value & free)) >>> 0));
  }
  for (const w of [0x0000, 0x0001, 0x0505, 0x6101, 0x8082, 0x4501, 0x0015, 0x2001, 0x1000, 0x8a2a, 0x9002]) sample.push(insn(2, w));
  // A counter read and unimp stay base-ISA aliases without Zicsr; pause needs Zihintpause.
  for (const w of [0xc0002573, 0xc0001073, 0x0100000f, 0x34102573]) sample.push(insn(4, w));
  const isas = ['rv64i', 'rv64i_zicsr', 'rv64i_zmmul', 'rv64ic_zifencei', 'rv64ima', 'rv64i2p0', 'rv64gc',
    'rv64imac_zicsr_zifencei_zihintpause', 'rv64imac_zicsr_zifencei'];
  const out = ['.globl _start', '_start:'];
  for (const isa of isas) out.push(`.option arch, ${isa}`, ...sample);
  // A plain $x after data keeps the ISA of the last $x<isa>.
  out.push('.option arch, rv64i', ' .insn 2, 0x0001', ' .word 0x12345678', ' .insn 2, 0x0001');
  return lines(out);
}

/** Symbols, sections, data in code, zero runs, objects and reads past a label. */
export function layout(): string {
  return `
.section .text.init, "ax"
.globl _start
_start:
  auipc t0, 0
  j 1f
  nop
1: beqz a0, _start
  bnez a1, later
  call later
  tail far
  ret
  # Symbols at one address: objdump labels it by one of them.
  nop
local_a:
local_b:
  nop
.globl g1
.weak w1
g1:
w1:
  nop
.type f1, @function
f1:
.globl g2
g2:
  nop
.type o1, @object
o1:
lab:
  .insn 2, 0x0001
  .insn 2, 0x0001
  .insn 2, 0x0001
  .size o1, 6
bb:
cc:
aa:
  nop
.globl zz
.globl yy
zz:
yy:
  nop
.type f3, @function
.type f2, @function
f3:
f2:
  nop
small:
big:
  .size big, 4
  .size small, 2
  nop
  nop
.Ldot:
dotless:
  nop
file.o:
zfile:
  nop
  .set abs1, 0x80000004
  .globl abs1
  # Data in code: words, halves, bytes, and runs of each length before code.
table:
  .word 0x12345678, 0x9abcdef0
  .half 0x1234
  nop
  .byte 1
  nop
  .byte 1, 2
  nop
  .byte 1, 2, 3
  nop
  .byte 1, 2, 3, 4, 5
  nop
  .byte 1, 2, 3, 4, 5, 6, 7
  .balign 4
  addi a0, a0, 1
  .option push
  .option norvc
  addi a0, a0, 1
  .insn 2, 0x0001
  .option pop
  .insn 2, 0x0001
  # Zero runs of each length, in code and in data.
z1: .insn 2, 0
  nop
z2: .insn 2, 0
  .insn 2, 0
  nop
z3: .insn 2, 0
  .insn 2, 0
  .insn 2, 0
  .insn 2, 0
  nop
z4: .insn 2, 0
  .insn 2, 0
  .insn 2, 0
  .insn 2, 0
  .insn 2, 0
  nop
z5: .skip 9
  nop
z6: .skip 16
  nop
z7: .skip 2
z8: .skip 1
z9: .word 0
  .word 0
  .word 0
  nop
  # Objects: the bytes are dumped, 16 a line, with their text.
.type msg, @object
msg:
  .ascii "Hello, objdump! <#> and more text here"
  .size msg, .-msg
.balign 2
.type zeros, @object
zeros:
  .skip 24
  .byte 1
  .size zeros, .-zeros
.balign 2
after_objects:
  nop
  # Reads past the next label: a 32-bit instruction and data that cross it.
cross1:
  .insn 4, 0x00150513
  .set cross2, . - 2
  nop
cross3:
  .word 0x11223344
cross4:
  nop
  # Data reads stop at mapping symbols, not labels: the first word here runs past dcross2.
dcross:
  .byte 1, 2, 3
dcross2:
  .byte 4, 5, 6, 7, 8
  nop
  # Long encodings.
long:
  .option push
  .option norvc
  .insn 4, 0x12345677
  .option pop
  nop

.section .nosym, "ax"
  nop
  nop
  .insn 4, 0x00150513

.section .late, "ax"
  nop
  nop
late_sym:
  nop

.text
later:
  ret
far:
  j later
.type trailing_obj, @object
trailing_obj:
  .insn 2, 0x4141
  .size trailing_obj, 2
end_code:
  nop
  .insn 4, 0x00150513
  .set end_mid, . - 2
`;
}

/** objdump's ISA when a file has no attributes: rv64gc, so float CSR shorthands print. */
export const noAttributes = (): string => lines(['.globl _start', '_start:', ' frflags a0', ' fsrm a1', ' csrr a0, fcsr', ' fence', ' nop', ' ret']);

/**
 * F and D as an assembler writes them: every mnemonic with each rounding mode spelled out and
 * with none (dyn), the pseudo-instructions objdump prints back (fmv, fneg, fabs, the CSR
 * shorthands), and the compressed loads and stores.
 */
export function floatCode(): string {
  const out = ['.globl _start', '_start:'];
  const rms = ['', ', rne', ', rtz', ', rdn', ', rup', ', rmm', ', dyn'];
  for (const p of ['s', 'd']) {
    for (const rm of rms) {
      for (const op of ['fadd', 'fsub', 'fmul', 'fdiv']) out.push(` ${op}.${p} fa0, fa1, ft11${rm}`);
      for (const op of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) out.push(` ${op}.${p} fs11, ft0, fa7, ft8${rm}`);
      out.push(` fsqrt.${p} fa0, fs2${rm}`);
      for (const t of ['w', 'wu', 'l', 'lu']) out.push(` fcvt.${t}.${p} a0, fa1${rm}`);
      for (const t of ['l', 'lu']) out.push(` fcvt.${p}.${t} fa0, t6${rm}`);
      // binutils 2.40 takes no rounding mode for the exact fcvt.d.w and fcvt.d.wu.
      out.push(` fcvt.${p}.w fa0, a1${p === 's' ? rm : ''}`, ` fcvt.${p}.wu fa0, a1${p === 's' ? rm : ''}`);
    }
    for (const op of ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax']) out.push(` ${op}.${p} ft1, ft2, ft3`, ` ${op}.${p} ft1, ft2, ft2`);
    for (const op of ['feq', 'flt', 'fle', 'fgt', 'fge']) out.push(` ${op}.${p} a0, fa0, fa1`);
    out.push(` fclass.${p} t0, fs1`, ` fmv.${p} fa0, fa1`, ` fneg.${p} fa0, fa1`, ` fabs.${p} fa0, fa1`);
  }
  out.push(' fmv.x.w a0, fa0', ' fmv.w.x fa0, a0', ' fmv.x.d a0, fa0', ' fmv.d.x fa0, a0', ' fcvt.d.s fa0, fa1', ' fcvt.s.d fa0, fa1',
    ' fcvt.s.d fa0, fa1, rtz', ' flw fa0, -4(sp)', ' fsw fa0, 2044(a0)', ' fld fs0, -2048(s0)', ' fsd ft0, 8(a1)',
    ' fld fa0, 8(a1)', ' fsd fa5, 248(a5)', ' fld ft0, 504(sp)', ' fsd fs11, 0(sp)', // compressed where the assembler can
    ' frcsr a0', ' fscsr a1', ' fscsr a0, a1', ' frrm a0', ' fsrm a1', ' fsrmi 3', ' frflags a2', ' fsflags a3', ' fsflagsi a0, 31');
  return lines(out);
}

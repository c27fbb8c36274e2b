// Random instruction words, and a sandbox program that runs each one in isolation on QEMU or
// Chronos: restore every register and the data area, execute the word, then print what
// changed. Output per word:
//   W<index>                      the word's number (16 hex digits)
//   T<mcause> / <mtval>           if it trapped
//   R<register> / <value>         each register that differs from its initial value
//   M<offset> / <value>           each changed doubleword of the data area
// With the FPU on (mstatus.FS Initial), f0-f31 and fcsr are restored too, and reported:
//   F<register> / <bits>          each FP register that differs from its initial value
//   X<0> / <fcsr>                 fcsr after the word
import { Rng, UART_PRINT } from './generate.js';

/** Major opcodes that have instructions on an RV64IMAC hart (except control transfers and SYSTEM). */
const OPCODES = [0x03, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x2f, 0x33, 0x37, 0x3b];
const CONTROL = new Set([0x63, 0x67, 0x6f]);

/** True for words that transfer control or are SYSTEM instructions (the sandbox cannot follow those). */
export function isControlOrSystem(w: number): boolean {
  if ((w & 3) === 3) {
    const op = w & 0x7f;
    return CONTROL.has(op) || op === 0x73;
  }
  const q = w & 3, f3 = (w >>> 13) & 7;
  if (q === 1 && f3 >= 5) return true;                                       // c.j, c.beqz, c.bnez
  if (q === 2 && f3 === 4 && ((w >>> 2) & 31) === 0 && ((w >>> 7) & 31) !== 0) return true; // c.jr, c.jalr
  return false;
}

/**
 * A random instruction word: half 32-bit (mostly with a real major opcode, funct fields and
 * registers random), half 16-bit. A 16-bit word is returned in the low half.
 */
export function randomWord(r: Rng): number {
  if (r.chance(0.5)) {
    let w = r.next();
    if (r.chance(0.75)) w = (w & ~0x7f) | r.pick(OPCODES);
    else w |= 3;
    // Often make the funct7 field one that exists (0, 0x20, 1), so R-type words decode.
    if (r.chance(0.4)) w = (w & 0x01ffffff) | (r.pick([0, 0x20, 1, 0x10, 0x08]) << 25);
    return w >>> 0;
  }
  let h = r.next() & 0xffff;
  if ((h & 3) === 3) h &= ~1;
  return h;
}

/** The F/D major opcodes: LOAD-FP, STORE-FP, the four FMAs, OP-FP. */
const FP_OPCODES = [0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53];
/** OP-FP funct5 values that have instructions (add, sub, mul, div, sgnj, min/max, fcvt.s.d, sqrt, compares, fcvt, fmv/fclass). */
const FP_FUNCT5 = [0, 1, 2, 3, 4, 5, 8, 11, 20, 24, 26, 28, 30];

/**
 * A random F/D word: any rounding mode (reserved ones too), mostly the S and D formats (H and Q
 * are not here), OP-FP mostly with a funct5 that exists and a small rs2 (the conversions'
 * type), and the compressed FP loads and stores now and then.
 */
export function randomFpWord(r: Rng): number {
  if (r.chance(0.1)) {
    const q = r.pick([0, 2]), f3 = r.pick([1, 5]);
    return ((f3 << 13) | (r.below(1 << 11) << 2) | q) & 0xffff;
  }
  let w = (r.next() & ~0x7f) | r.pick(FP_OPCODES);
  const op = w & 0x7f;
  if (r.chance(0.9)) w = (w & ~(3 << 25)) | (r.below(2) << 25);         // fmt S or D
  if (op === 0x53 && r.chance(0.85)) w = (w & 0x07ffffff) | (r.pick(FP_FUNCT5) << 27);
  if (op === 0x53 && r.chance(0.6)) w = (w & ~(31 << 20)) | (r.below(4) << 20);
  if ((op === 0x07 || op === 0x27) && r.chance(0.85)) w = (w & ~(7 << 12)) | (r.pick([2, 3]) << 12);
  return w >>> 0;
}

/** The sandbox words: 32-bit as they are, 16-bit followed by c.nop. */
export function slotWord(w: number): number {
  return ((w & 3) === 3 ? w : (0x0001 << 16) | (w & 0xffff)) >>> 0;
}

const MIN64 = -(1n << 63n);
/**
 * Register values: edge values chosen so that, used as a base address, each lands in the data
 * area, in the first 8 KiB of RAM (padding), or where nothing answers on either machine (never on a
 * QEMU-only device such as the ROM at 0x1000 or the PCIe window below 0x80000000).
 */
export const SAFE_VALUES: readonly bigint[] = [0n, 1n, -1n, 2n, -2n, MIN64, -MIN64 - 1n, -0x80000000n, 0xffffffffn, 0x80000800n,
  31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x100000000n, 0x100000000000n, 0x5555555555555555n, 0x123456789abcdef0n,
  -0x123456789abcdefn];

export interface Sandbox { source: string; words: number[] }

/**
 * Assembly that prints `tag`, the index and the new value of each doubleword i in
 * [first, end) where s5[i] differs from s4[i]; uses t1–t3, s6, a0, a1 and local labels
 * `label` and `label + 1`.
 */
function reportChanged(tag: string, first: number, end: number, label: number): string {
  return `    li s6, ${first}
${label}:  slli t1, s6, 3
    add t2, s4, t1
    add t3, s5, t1
    ld t2, 0(t2)
    ld t3, 0(t3)
    beq t2, t3, ${label + 1}f
    li a0, '${tag}'
    jal ra, putc
    mv a0, s6
    jal ra, puthex
    slli t1, s6, 3
    add t3, s5, t1
    ld a0, 0(t3)
    jal ra, puthex
${label + 1}:  addi s6, s6, 1
    li t1, ${end}
    bne s6, t1, ${label}b
`;
}

/** Raw bits for FP registers: NaN-boxed singles, doubles of every kind, and patterns that are neither. */
function fpTableValue(r: Rng): bigint {
  const k = r.below(10);
  const specials = [0n, 1n << 63n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0x0000000000000001n,
    0x3ff0000000000000n, 0xbff8000000000000n, 0x41e0000000000000n, 0x43e0000000000000n, 0x7fefffffffffffffn, 0x0010000000000000n];
  const singles = [0x00000000n, 0x80000000n, 0x7f800000n, 0x7fc00000n, 0x7f800001n, 0x00000001n, 0x3f800000n, 0xbfc00000n, 0x4f000000n,
    0x5f000000n, 0x7f7fffffn, 0x00800000n, 0x3effffffn];
  if (k < 3) return r.pick(specials);
  if (k < 6) return 0xffffffff00000000n | (r.chance(0.5) ? r.pick(singles) : BigInt(r.next()));
  if (k < 8) return BigInt.asUintN(64, r.u64());
  return BigInt.asUintN(64, (BigInt(0x3f0 + r.below(32)) << 52n) | (r.u64() & 0xfffffffffffffn));
}

export function sandbox(words: number[], seed: number, opts: { fpu?: boolean } = {}): Sandbox {
  const r = new Rng(seed ^ 0x5a5a5a5a);
  const fpu = opts.fpu === true;
  const fpTables = [0, 1].map(() => Array.from({ length: 32 }, () => BigInt.asIntN(64, fpTableValue(r))));
  // fcsr per table: a valid rounding mode mostly, now and then a reserved one; fflags clear or set.
  const fcsrs = [0, 1].map(() => ((r.chance(0.85) ? r.below(5) : 5 + r.below(3)) << 5) | (r.chance(0.5) ? 0 : r.below(32)));
  // Two register tables; word i uses table i % 2. "ptr+k" is the data pointer plus k.
  const tables: string[][] = [0, 1].map(() => {
    const vals: string[] = ['0'];
    for (let i = 1; i < 32; i++) {
            const k = r.pick([0, 0, 1, 2, 3, 4, 6, 7, 8, -8, -1]);
      vals.push(r.chance(0.3) ? `ptr${k < 0 ? '-' : '+'}${Math.abs(k)}` : String(r.pick(SAFE_VALUES)));
    }
    return vals;
  });
  const data = Array.from({ length: 516 }, () => BigInt.asIntN(64, r.u64()));
  const source = `# generated by test/diff/fuzz.ts, seed ${seed}
    .option norvc
    .option norelax
    .section .text.init
    .globl _start
_start:
    j begin
    .space 8188             # stores near 0x80000000 land here
begin:
    la t0, trap
    csrw mtvec, t0
${fpu ? '    li t0, 0x2000           # mstatus.FS = Initial\n    csrs mstatus, t0\n' : ''}    li t0, 0x2004000        # no timer interrupt (QEMU resets mtimecmp to 0)
    li t1, -1
    sd t1, 0(t0)
next:
    la t0, idx
    ld t1, 0(t0)
    li t2, ${words.length}
    bgeu t1, t2, finish
    la t2, words
    slli t3, t1, 2
    add t2, t2, t3
    lwu t4, 0(t2)
    la t2, slot
    sw t4, 0(t2)
    fence.i
    # Restore the data area and clear the trap flag.
    la t2, data_init
    la t3, data
    li t4, ${data.length}
1:  ld t5, 0(t2)
    sd t5, 0(t3)
    addi t2, t2, 8
    addi t3, t3, 8
    addi t4, t4, -1
    bnez t4, 1b
    la t2, tflag
    sd zero, 0(t2)
    # Registers from table idx % 2.
    andi t1, t1, 1
${fpu ? `    slli t2, t1, 3
    la t3, fcsr_init
    add t3, t3, t2
    ld t3, 0(t3)
    fscsr t3
    slli t2, t1, 8
    la t3, finit
    add t3, t3, t2
${Array.from({ length: 32 }, (_, i) => `    fld f${i}, ${8 * i}(t3)`).join('\n')}
` : ''}    slli t1, t1, 8
    la x31, init
    add x31, x31, t1
${Array.from({ length: 30 }, (_, i) => `    ld x${i + 1}, ${8 * (i + 1)}(x31)`).join('\n')}
    ld x31, 248(x31)
slot:
    .word 0x00000013
after:
    csrw sscratch, x31
    la x31, save
${Array.from({ length: 30 }, (_, i) => `    sd x${i + 1}, ${8 * (i + 1)}(x31)`).join('\n')}
    csrr x30, sscratch
    sd x30, 248(x31)
${fpu ? `    la x31, fsave
${Array.from({ length: 32 }, (_, i) => `    fsd f${i}, ${8 * i}(x31)`).join('\n')}
    frcsr x30
    sd x30, 256(x31)
` : ''}    # Report.
    la s0, idx
    ld s1, 0(s0)
    li a0, 'W'
    jal ra, putc
    mv a0, s1
    jal ra, puthex
    la s2, tflag
    ld t1, 0(s2)
    beqz t1, 2f
    li a0, 'T'
    jal ra, putc
    ld a0, 8(s2)
    jal ra, puthex
    ld a0, 16(s2)
    jal ra, puthex
2:  andi s3, s1, 1
    slli s3, s3, 8
    la s4, init
    add s4, s4, s3
    la s5, save
${reportChanged('R', 1, 32, 3)}    la s4, data_init
    la s5, data
${reportChanged('M', 0, data.length, 5)}${fpu ? `    andi s3, s1, 1
    slli s3, s3, 8
    la s4, finit
    add s4, s4, s3
    la s5, fsave
${reportChanged('F', 0, 32, 11)}    li a0, 'X'
    jal ra, putc
    li a0, 0
    jal ra, puthex
    la s5, fsave
    ld a0, 256(s5)
    jal ra, puthex
` : ''}    addi s1, s1, 1
    sd s1, 0(s0)
    j next
finish:
    li a1, 0x10000000
7:  lbu t1, 5(a1)
    andi t1, t1, 0x40
    beqz t1, 7b
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
8:  j 8b

${UART_PRINT}
# Record mcause and mtval, resume after the slot.
    .balign 4
trap:
    csrw sscratch, t0
    la t0, tsave
    sd t1, 0(t0)
    la t0, tflag
    li t1, 1
    sd t1, 0(t0)
    csrr t1, mcause
    sd t1, 8(t0)
    csrr t1, mtval
    sd t1, 16(t0)
    la t1, after
    csrw mepc, t1
    la t0, tsave
    ld t1, 0(t0)
    csrr t0, sscratch
    mret

    .data
    .balign 4096
idx: .dword 0
tflag: .dword 0, 0, 0
tsave: .dword 0
    .balign 256
init:
${tables.map((t) => t.map((v) => `    .dword ${v}`).join('\n')).join('\n')}
save: .zero 256
${fpu ? `finit:
${fpTables.map((t) => t.map((v) => `    .dword ${v}`).join('\n')).join('\n')}
fsave: .zero 264
fcsr_init: .dword ${fcsrs.join(', ')}
` : ''}words:
${words.map((w) => `    .word 0x${slotWord(w).toString(16)}`).join('\n')}
    .balign 4096
data_init:
${data.map((v) => `    .dword ${v}`).join('\n')}
    .balign 4096
data:
    .zero ${8 * 257}
ptr:
    .zero ${8 * 259}
`;
  return { source, words };
}

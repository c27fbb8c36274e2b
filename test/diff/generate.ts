// Random test programs for the differential test. Each program starts in M-mode, fills every
// register with an edge value, runs a seeded mix of instructions over a data area, traps and
// all, and ends by printing every register in hex over the UART. A trap handler prints the
// cause and mtval of each trap and resumes after the trapping instruction, so a program goes
// on through faults and both machines must report the same ones.

/** Deterministic 32-bit PRNG (xorshift32). */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = (seed >>> 0) || 0x9e3779b9; }
  next(): number { let x = this.x; x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; this.x = x >>> 0; return this.x; }
  below(n: number): number { return this.next() % n; }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
  chance(p: number): boolean { return this.next() / 2 ** 32 < p; }
}

const EDGES = [0n, 1n, 2n, -1n, -2n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x7fffffffn, -0x80000000n, 0x80000000n,
  0xffffffffn, 0xffffn, 0x8000n, 31n, 32n, 63n, 64n, 0x123456789abcdef0n, -0x123456789abcdefn];

/** Registers random code may write: everything but s0/s1 (data pointers) and zero. */
const POOL = [1, 2, 3, 4, 5, 6, 7, ...Array.from({ length: 22 }, (_, i) => i + 10)];
const REG = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

function value(r: Rng): bigint {
  if (r.chance(0.6)) return r.pick(EDGES);
  return BigInt.asIntN(64, (BigInt(r.next()) << 32n) | BigInt(r.next()));
}

const R3 = ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
const RI = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SHIFTS = ['slli', 'srli', 'srai'];
const SHIFTSW = ['slliw', 'srliw', 'sraiw'];
const LOADS = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'];
const STORES = ['sb', 'sh', 'sw', 'sd'];
const AMOS = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
/**
 * CSRs random code may write without derailing the program (not mtvec, mepc, mstatus). Left
 * out on purpose: QEMU's default CPU has the H and F extensions, so the writable bits of
 * mie, mip, medeleg and mideleg, and the fields of mstatus and misa, differ from this hart's
 * (RV64IMAC with S and U); QEMU also keeps bit 0 of sepc, which the spec makes zero.
 */
const SAFE_CSRS = ['mscratch', 'mtval', 'mcause', 'sscratch', 'stval', 'scause', 'stvec'];
// (marchid and mimpid name the implementation: QEMU reports its own version there.)
const READ_CSRS = ['mhartid', 'mvendorid', 'mtvec'];

function rd(r: Rng): string { return REG[r.pick(POOL)]; }
function rs(r: Rng): string { return REG[r.below(32)]; }
const imm12 = (r: Rng): number => r.chance(0.3) ? r.pick([0, 1, -1, 2047, -2048, 31, 32]) : (r.below(4096) - 2048);

export interface Program { source: string; instructions: number }

export function generate(seed: number, count = 120): Program {
  const r = new Rng(seed);
  const body: string[] = [];
  let label = 0;
  for (let i = 0; i < count; i++) {
    const kind = r.below(100);
    if (kind < 30) body.push(`${r.pick(R3)} ${rd(r)}, ${rs(r)}, ${rs(r)}`);
    else if (kind < 42) body.push(`${r.pick(RI)} ${rd(r)}, ${rs(r)}, ${imm12(r)}`);
    else if (kind < 48) body.push(`${r.pick(SHIFTS)} ${rd(r)}, ${rs(r)}, ${r.pick([0, 1, 31, 32, 33, 63, r.below(64)])}`);
    else if (kind < 52) body.push(`${r.pick(SHIFTSW)} ${rd(r)}, ${rs(r)}, ${r.pick([0, 1, 15, 31, r.below(32)])}`);
    else if (kind < 54) body.push(`${r.pick(['lui', 'auipc'])} ${rd(r)}, ${r.below(1 << 20)}`);
    else if (kind < 64) {
      // Loads and stores around s0 (aligned data) and s1 (s0 + 1: misaligned).
      const base = r.chance(0.8) ? 's0' : 's1';
      const off = r.chance(0.5) ? r.below(256) - 128 : r.pick([0, 8, -8, 4, 2, 1, 7]);
      body.push(r.chance(0.5) ? `${r.pick(LOADS)} ${rd(r)}, ${off}(${base})` : `${r.pick(STORES)} ${rs(r)}, ${off}(${base})`);
    } else if (kind < 70) {
      const w = r.pick(['w', 'd']), order = r.pick(['', '.aq', '.rl', '.aqrl']);
      const base = r.chance(0.9) ? 's0' : 's1';
      body.push(`${r.pick(AMOS)}.${w}${order} ${rd(r)}, ${rs(r)}, (${base})`);
    } else if (kind < 75) {
      // LR/SC: success, failure without a reservation, failure after an intervening store.
      const w = r.pick(['w', 'd']);
      const variant = r.below(4);
      if (variant === 0) body.push(`lr.${w} ${rd(r)}, (s0)`, `sc.${w} ${rd(r)}, ${rs(r)}, (s0)`);
      else if (variant === 1) body.push(`sc.${w} ${rd(r)}, ${rs(r)}, (s0)`);
      else if (variant === 2) body.push(`lr.${w} ${rd(r)}, (s0)`, `sd ${rs(r)}, 0(s0)`, `sc.${w} ${rd(r)}, ${rs(r)}, (s0)`);
      else body.push(`lr.${w} ${rd(r)}, (s0)`, `sc.${w} ${rd(r)}, ${rs(r)}, (s1)`);
    } else if (kind < 83) {
      // A forward branch or jump over one or two instructions.
      const l = `L${label++}`;
      const skip = [`addi ${rd(r)}, ${rs(r)}, ${imm12(r)}`, `xor ${rd(r)}, ${rs(r)}, ${rs(r)}`].slice(0, 1 + r.below(2));
      const j = r.below(10);
      if (j < 7) body.push(`${r.pick(BRANCHES)} ${rs(r)}, ${rs(r)}, ${l}`);
      else if (j < 9) body.push(`jal ${rd(r)}, ${l}`);
      else { const t = rd(r); body.push(`la ${t}, ${l}`, `jalr ${rd(r)}, 0(${t})`); }
      body.push(...skip, `${l}:`);
    } else if (kind < 90) {
      const c = r.pick(SAFE_CSRS);
      const op = r.below(6);
      body.push(op < 3 ? `${['csrrw', 'csrrs', 'csrrc'][op]} ${rd(r)}, ${c}, ${rs(r)}` : `${['csrrwi', 'csrrsi', 'csrrci'][op - 3]} ${rd(r)}, ${c}, ${r.below(32)}`);
    } else if (kind < 92) body.push(`csrr ${rd(r)}, ${r.pick(READ_CSRS)}`);
    else if (kind < 95) {
      // Traps: ecall, ebreak, an illegal word, a CSR that does not exist, a load from nowhere.
      body.push(r.pick(['ecall', 'ebreak', '.insn 4, 0x0000000b', 'csrr a0, 0x7c0', '.insn 2, 0x0000', 'ld a0, 0(zero)', 'sd a0, 8(zero)', 'amoadd.w a0, a1, (s1)', 'lr.d a0, (s1)']));
    } else if (kind < 97) body.push(r.pick(['fence', 'fence.i', 'fence rw, rw', 'nop']));
    else {
      // Raw compressed arithmetic: quadrant 1 funct3 100 (c.srli..c.and, c.subw, c.addw) with random fields.
      // rd' (bits 9:7) avoids x8/x9, which hold the data pointers.
      const w = (0x8001 | ((2 + r.below(6)) << 7) | (r.below(1 << 3) << 10) | (r.below(1 << 5) << 2)) & 0xffff;
      body.push(`.insn 2, 0x${w.toString(16)}`);
    }
  }

  const init: string[] = [];
  for (const reg of POOL) init.push(`li ${REG[reg]}, ${value(r)}`);
  const data: string[] = [];
  for (let i = 0; i < 64; i++) data.push(`.dword ${value(r)}`);

  const source = `# generated by test/diff/generate.ts, seed ${seed}
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    la s0, data_mid
    addi s1, s0, 1
${init.map((l) => `    ${l}`).join('\n')}
${body.map((l) => (l.endsWith(':') ? l : `    ${l}`)).join('\n')}
    # Dump x1..x31 (s0/s1 included) and finish.
    csrw mscratch, t0
    la t0, dump
${Array.from({ length: 31 }, (_, i) => i + 1).filter((i) => i !== 5).map((i) => `    sd ${REG[i]}, ${8 * i}(t0)`).join('\n')}
    csrr t1, mscratch
    sd t1, 40(t0)
    mv s2, t0
    li s3, 1
1:  slli t1, s3, 3
    add t1, t1, s2
    ld a0, 0(t1)
    jal ra, puthex
    addi s3, s3, 1
    li t1, 32
    bne s3, t1, 1b
    li a1, 0x10000000
8:  lbu t1, 5(a1)          # let the last byte leave before powering off
    andi t1, t1, 0x40
    beqz t1, 8b
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b

# Print a0 as 16 hex digits and a newline; uses t1, t2, a1.
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
7:  lbu t2, 5(a1)
    andi t2, t2, 0x20
    beqz t2, 7b
    li t2, 10
    sb t2, 0(a1)
    ret

# Print "T", mcause and mtval, then resume after the trapping instruction.
    .balign 4
trap:
    csrw mscratch, t0
    la t0, tsave
    sd t1, 0(t0)
    sd t2, 8(t0)
    sd a0, 16(t0)
    sd a1, 24(t0)
    sd ra, 32(t0)
    li a1, 0x10000000
6:  lbu t1, 5(a1)
    andi t1, t1, 0x20
    beqz t1, 6b
    li t1, 84
    sb t1, 0(a1)
    csrr a0, mcause
    jal ra, puthex
    csrr a0, mtval
    jal ra, puthex
    csrr t1, mepc
    lhu t2, 0(t1)
    andi t2, t2, 3
    li a1, 3
    addi t1, t1, 2
    bne t2, a1, 5f
    addi t1, t1, 2
5:  csrw mepc, t1
    la t0, tsave
    ld t1, 0(t0)
    ld t2, 8(t0)
    ld a0, 16(t0)
    ld a1, 24(t0)
    ld ra, 32(t0)
    csrr t0, mscratch
    mret

    .data
    .balign 4096
tsave: .zero 64
dump: .zero 256
    .balign 8
data:
${data.map((l) => `    ${l}`).join('\n')}
data_mid:
${data.map((l) => `    ${l}`).join('\n')}
`;
  return { source, instructions: count };
}

// Random instances of every RV64IMA instruction (and ecall, ebreak, fence, fence.i, and the F/D
// loads and stores with the FPU on), encoded
// from the manual's tables, run one at a time from random registers holding edge values and
// addresses in and out of RAM: registers, pc, memory and traps must match the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, OPS, type Op } from './encode.js';
import { execute, type Outcome } from './model.js';
import { bytesWritten, DATA, fregValue, registerValue, SLOT, Stepper } from './step.js';

const PER_OP = Number(process.env.CHRONOS_MODEL_PER_OP ?? 250);
const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

function describe(o: Outcome & { mepc?: bigint }): string {
  return o.kind === 'trap' ? `trap mcause ${o.cause} mtval ${hex(o.tval)}` : `pc ${hex(o.pc)}`;
}

/** Random operands for an instruction; AMO and SC addresses are aligned data (their faults are tested in traps.test.ts). */
function instance(op: Op, rnd: () => number, regs: bigint[]): number {
  const r = (): number => rnd() % 32;
  const imm12 = (): number => [0, 1, -1, 2047, -2048, 8, -8, 3][rnd() % 8] ?? 0;
  const anyImm12 = (): number => (rnd() % 4 === 0 ? imm12() : (rnd() % 4096) - 2048);
  switch (op.fmt) {
    case 'R': return encode(op.name, { rd: r(), rs1: r(), rs2: r() });
    case 'I': return encode(op.name, { rd: r(), rs1: r(), imm: anyImm12() });
    case 'SH6': return encode(op.name, { rd: r(), rs1: r(), imm: [0, 1, 31, 32, 33, 63][rnd() % 6] ?? rnd() % 64 });
    case 'SH5': return encode(op.name, { rd: r(), rs1: r(), imm: [0, 1, 15, 16, 31][rnd() % 5] ?? rnd() % 32 });
    case 'S': return encode(op.name, { rs1: r(), rs2: r(), imm: anyImm12() });
    case 'B': return encode(op.name, { rs1: r(), rs2: r(), imm: 2 * ((rnd() % 4096) - 2048) });
    case 'U': return encode(op.name, { rd: r(), imm: rnd() % (1 << 20) });
    case 'J': return encode(op.name, { rd: r(), imm: 2 * ((rnd() % (1 << 20)) - (1 << 19)) });
    case 'AMO': case 'LR': {
      const base = 1 + (rnd() % 31), size = op.name.endsWith('.d') ? 8 : 4;
      regs[base] = DATA + BigInt(size * ((rnd() % 512) - 256));
      return encode(op.name, { rd: r(), rs1: base, rs2: r(), aq: rnd() % 2 === 0, rl: rnd() % 2 === 0 });
    }
    case 'FENCE': return encode(op.name, { rd: r(), rs1: r(), imm: rnd() % 4096 });
    case 'SYS': return encode(op.name);
    default: throw new Error(`no instances for ${op.name}`);
  }
}

test(`${PER_OP} random instances of every RV64IMA instruction and F/D load and store match the model`, () => {
  let seed = 424242;
  const rnd = (): number => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
  const st = new Stepper(7);
  const wrong: string[] = [];
  const traps = new Map<string, number>();
  for (const op of OPS.filter((o) => o.fmt !== 'CSR' && o.fmt !== 'CSRI')) {
    for (let n = 0; n < PER_OP && wrong.length < 20; n++) {
      const regs = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : registerValue(rnd)));
      const fregs = Array.from({ length: 32 }, () => fregValue(rnd));
      const word = instance(op, rnd, regs);
      const mem = st.memory();
      const want = execute(word, 4, regs, SLOT, mem, fregs);
      const got = st.run(word, regs, fregs);
      if (want.kind === 'trap') traps.set(`${op.name} ${want.cause}`, (traps.get(`${op.name} ${want.cause}`) ?? 0) + 1);
      const where = `${op.name} ${hex(word)} with ${[...new Set([(word >>> 15) & 31, (word >>> 20) & 31])].map((i) => `x${i}=${hex(regs[i])}`).join(' ')}`;
      if (want.kind !== got.kind) { wrong.push(`${where}: model ${describe(want)}, emulator ${describe(got)}`); continue; }
      if (want.kind === 'trap' && got.kind === 'trap') {
        if (want.cause !== got.cause || want.tval !== got.tval || got.mepc !== SLOT) wrong.push(`${where}: model ${describe(want)}, emulator ${describe(got)} mepc ${hex(got.mepc ?? 0n)}`);
        continue;
      }
      if (want.kind === 'ok' && got.kind === 'ok') {
        const diffs: string[] = [];
        if (want.pc !== got.pc) diffs.push(`pc model ${hex(want.pc)} emulator ${hex(got.pc)}`);
        for (let r = 1; r < 32; r++) if (BigInt.asIntN(64, want.x[r]) !== got.x[r]) diffs.push(`x${r} model ${hex(want.x[r])} emulator ${hex(got.x[r])}`);
        if (got.x[0] !== 0n) diffs.push('x0 is not zero');
        for (let r = 0; r < 32; r++) if (want.f?.[r] !== got.f?.[r]) diffs.push(`f${r} model ${hex(want.f?.[r] ?? 0n)} emulator ${hex(got.f?.[r] ?? 0n)}`);
        const mw = bytesWritten(want.writes, mem).map((w) => `${hex(w.addr)}=${w.value}`).join(','), ew = got.writes.map((w) => `${hex(w.addr)}=${w.value}`).join(',');
        if (mw !== ew) diffs.push(`memory model [${mw}] emulator [${ew}]`);
        if (diffs.length) wrong.push(`${where}: ${diffs.join('; ')}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  // The random operands reach the traps: misaligned nothing, access faults on loads and stores.
  for (const k of ['ld 5', 'sd 7', 'ecall 11', 'ebreak 3', 'lb 5', 'sb 7']) assert.ok(traps.has(k), `no ${k} trap in ${JSON.stringify([...traps.keys()])}`);
});

test('reserved 32-bit encodings in every major opcode, and F/D with the FPU off, are illegal instructions with the word in mtval', () => {
  let seed = 99;
  const rnd = (): number => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
  const st = new Stepper(3);
  const wrong: string[] = [];
  let illegal = 0;
  for (let n = 0; n < 20000 && wrong.length < 20; n++) {
    let word = (rnd() | 3) >>> 0;
    if ((word & 0x7f) === 0x73) continue; // SYSTEM: csr.test.ts and traps.test.ts
    const regs = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : registerValue(rnd)));
    const mem = st.memory();
    const want = execute(word, 4, regs, SLOT, mem);
    if (want.kind !== 'trap' || want.cause !== 2n) continue; // only the words the model calls illegal
    illegal++;
    const got = st.run(word, regs);
    if (got.kind !== 'trap' || got.cause !== 2n || got.tval !== BigInt(word)) wrong.push(`${hex(word)}: emulator ${describe(got)}`);
    word = 0;
  }
  assert.deepEqual(wrong, []);
  assert.ok(illegal > 5000, `only ${illegal} illegal words`);
});

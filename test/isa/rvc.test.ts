// Every 16-bit word, exhaustively: the emulator decodes it as the instruction the ISA manual's
// expansion table says (rvcReference.ts), reserved words are illegal instructions, and
// executing each one does what the model (model.ts) says its expansion does from the same
// random registers (the FP ones too, for c.fld, c.fsd, c.fldsp, c.fsdsp), with the pc
// advancing by 2 and links of pc + 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../src/emulator/isa/decode.js';
import type { Decoded } from '../../src/emulator/isa/types.js';
import { execute, type Outcome } from './model.js';
import { expandReference } from './rvcReference.js';
import { bytesWritten, fregValue, registerValue, SLOT, Stepper } from './step.js';

const HALVES = Array.from({ length: 0x10000 }, (_, h) => h).filter((h) => (h & 3) !== 3);
const hex = (v: bigint | number, n = 0): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(n, '0')}`;

function operands(d: Decoded): string {
  switch (d.def.format) {
    case 'R': return `rd=${d.rd} rs1=${d.rs1} rs2=${d.rs2}`;
    case 'I': case 'SH6': return `rd=${d.rd} rs1=${d.rs1} imm=${d.imm}`;
    case 'S': case 'B': return `rs1=${d.rs1} rs2=${d.rs2} imm=${d.imm}`;
    case 'U': case 'J': return `rd=${d.rd} imm=${d.imm}`;
    default: return '';
  }
}

test('every compressed word decodes to its expansion in the ISA manual, or is illegal', () => {
  const wrong: string[] = [];
  let legal = 0;
  for (const h of HALVES) {
    const ref = expandReference(h), emu = decode(h);
    if (!ref) {
      if (emu) wrong.push(`${hex(h, 4)} is reserved but decodes as ${emu.cname ?? emu.def.name}`);
      continue;
    }
    legal++;
    const base = decode(ref.word);
    if (!base) { wrong.push(`${hex(h, 4)}: the reference expansion ${hex(ref.word, 8)} does not decode`); continue; }
    if (!emu) { wrong.push(`${hex(h, 4)} (${ref.name}) is illegal to the emulator`); continue; }
    const got = `${emu.def.name} ${operands(emu)}`, want = `${base.def.name} ${operands(base)}`;
    if (got !== want || emu.len !== 2 || emu.cname !== ref.name) wrong.push(`${hex(h, 4)}: ${ref.name} is ${want}; the emulator has ${emu.cname} = ${got} (len ${emu.len})`);
    if (wrong.length > 20) break;
  }
  assert.deepEqual(wrong, []);
  assert.ok(legal > 38000, `only ${legal} legal compressed words`);
});

function describe(o: Outcome & { mepc?: bigint }): string {
  if (o.kind === 'trap') return `trap mcause ${o.cause} mtval ${hex(o.tval)}${o.mepc !== undefined ? ` mepc ${hex(o.mepc)}` : ''}`;
  return `pc ${hex(o.pc)}`;
}

test('every compressed word executes as its expansion (model) from random registers', () => {
  let seed = 12345;
  const rnd = (): number => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
  const st = new Stepper(99);
  const wrong: string[] = [];
  const stats = { ok: 0, trap: 0, illegal: 0 };
  for (const h of HALVES) {
    const regs = Array.from({ length: 32 }, (_, i) => (i === 0 ? 0n : registerValue(rnd)));
    const fregs = Array.from({ length: 32 }, () => fregValue(rnd));
    const ref = expandReference(h);
    const mem = st.memory();
    const got = st.run(h, regs, fregs);
    if (!ref) {
      stats.illegal++;
      if (got.kind !== 'trap' || got.cause !== 2n || got.tval !== BigInt(h) || got.mepc !== SLOT) wrong.push(`${hex(h, 4)} (reserved): ${describe(got)}, want an illegal-instruction trap with mtval ${hex(h)}`);
      continue;
    }
    const want = execute(ref.word, 2, regs, SLOT, mem, fregs);
    stats[want.kind]++;
    const where = `${hex(h, 4)} ${ref.name} (= ${hex(ref.word, 8)})`;
    if (want.kind !== got.kind) { wrong.push(`${where}: model ${describe(want)}, emulator ${describe(got)}`); continue; }
    if (want.kind === 'trap' && got.kind === 'trap') {
      if (want.cause !== got.cause || want.tval !== got.tval || got.mepc !== SLOT) wrong.push(`${where}: model ${describe(want)}, emulator ${describe(got)}`);
      continue;
    }
    if (want.kind === 'ok' && got.kind === 'ok') {
      const diffs: string[] = [];
      if (want.pc !== got.pc) diffs.push(`pc model ${hex(want.pc)} emulator ${hex(got.pc)}`);
      for (let r = 0; r < 32; r++) if (BigInt.asIntN(64, want.x[r]) !== got.x[r]) diffs.push(`x${r} model ${hex(want.x[r])} emulator ${hex(got.x[r])} (was ${hex(regs[r])})`);
      for (let r = 0; r < 32; r++) if (want.f?.[r] !== got.f?.[r]) diffs.push(`f${r} model ${hex(want.f?.[r] ?? 0n)} emulator ${hex(got.f?.[r] ?? 0n)}`);
      const mw = bytesWritten(want.writes, mem).map((w) => `${hex(w.addr)}=${w.value}`).join(','), ew = got.writes.map((w) => `${hex(w.addr)}=${w.value}`).join(',');
      if (mw !== ew) diffs.push(`memory model [${mw}] emulator [${ew}]`);
      if (diffs.length) wrong.push(`${where}: ${diffs.join('; ')}`);
    }
    if (wrong.length > 20) break;
  }
  assert.deepEqual(wrong, []);
  assert.ok(stats.ok > 20000 && stats.trap > 1000, JSON.stringify(stats));
});

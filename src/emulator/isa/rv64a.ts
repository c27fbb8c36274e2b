// RV64A atomics (ISA manual vol. I, ch. 14). Harts take turns and never reorder, so aq/rl need
// no action; the reservation for LR/SC lives in the hart. On several harts, an SC that fails
// or an AMO that finds a lock taken ends the hart's turn (Hart.handOff). The translated forms
// run AMOs through the hart's slow path, which also checks alignment (a misaligned AMO takes
// the load address-misaligned trap, as on QEMU); the wasm forms run those that cannot be a
// lock on RAM the TLB has for stores, and leave the rest to it.
import type { InsnDef, WasmEmit } from './types.js';
import { Op } from '../jit/wasm/encoder.js';
import type { WasmGen } from '../jit/wasm/wasmGen.js';

export type AmoOp = 'swap' | 'add' | 'xor' | 'and' | 'or' | 'min' | 'max' | 'minu' | 'maxu';
const AMO_F5: Record<AmoOp, number> = { add: 0, swap: 1, xor: 4, or: 8, and: 12, min: 16, max: 20, minu: 24, maxu: 28 };
const MASK = 0xf800707f;

const docs: Record<AmoOp, string> = {
  swap: 'swap', add: 'add', xor: 'xor', and: 'and', or: 'or',
  min: 'signed minimum', max: 'signed maximum', minu: 'unsigned minimum', maxu: 'unsigned maximum',
};

const widths = [['w', 2, 4], ['d', 3, 8]] as const;

/**
 * The WebAssembly form of the AMOs that need nothing of the hart (jit/wasm/wasmGen.ts's amo):
 * the new value from the old and rs2, both sign-extended, so that signed and unsigned
 * comparisons of 32-bit words are those of their 64-bit extensions. Swap and or keep to
 * Hart.amo, which watches them for locks.
 */
type Combine = (w: WasmGen, old: number, src: number) => void;
const arith = (op: Op): Combine => (w, a, b) => { w.code.get(a).get(b).op(op); };
/** The old value where `cmp` holds of (old, src), else src. */
const pick = (cmp: Op): Combine => (w, a, b) => { w.code.get(a).get(b).get(a).get(b).op(cmp).op(Op.select); };
const WASM_AMO: Partial<Record<AmoOp, Combine>> = {
  add: arith(Op.i64_add), xor: arith(Op.i64_xor), and: arith(Op.i64_and),
  min: pick(Op.i64_lt_s), max: pick(Op.i64_gt_s), minu: pick(Op.i64_lt_u), maxu: pick(Op.i64_gt_u),
};
const wasmAmo = (o: AmoOp, size: 4 | 8): WasmEmit | undefined => {
  const combine = WASM_AMO[o];
  return combine && ((d, w) => w.amo(d.rd, d.rs1, d.rs2, size, (a, b) => combine(w, a, b)));
};

export const RV64A: InsnDef[] = widths.flatMap(([sfx, f3, size]) => [
  {
    name: `lr.${sfx}`, ext: 'A' as const, format: 'AMO' as const, match: 0x2f | (f3 << 12) | (2 << 27), mask: MASK | (31 << 20),
    syntax: 'rd,(rs1)' as const, flow: 'next' as const, doc: `load-reserved ${size * 8}-bit word`,
    emit: (d, g) => g.guard(`h.lr(${size}, ${d.rd}, ${d.rs1})`) + g.retiredCheck(),
  },
  {
    name: `sc.${sfx}`, ext: 'A' as const, format: 'AMO' as const, match: 0x2f | (f3 << 12) | (3 << 27), mask: MASK,
    syntax: 'rd,rs2,(rs1)' as const, flow: 'next' as const, doc: `store-conditional ${size * 8}-bit word; rd = 0 on success`,
    emit: (d, g) => g.guard(`h.sc(${size}, ${d.rd}, ${d.rs1}, ${d.rs2})`) + g.retiredCheck(),
  },
  ...(Object.keys(AMO_F5) as AmoOp[]).map((o): InsnDef => ({
    name: `amo${o}.${sfx}`, ext: 'A', format: 'AMO', match: 0x2f | (f3 << 12) | (AMO_F5[o] << 27), mask: MASK,
    syntax: 'rd,rs2,(rs1)', flow: 'next', doc: `atomic ${docs[o]} on a ${size * 8}-bit word; rd = old value`,
    // A hand-off (a swap or an or finding its lock taken, Hart.amo) or an AMO on a device that
    // changed an interrupt line leaves after it.
    emit: (d, g) => g.guard(`h.amo('${o}', ${size}, ${d.rd}, ${d.rs1}, ${d.rs2})`) + g.retiredCheck(),
    wasm: wasmAmo(o, size),
  })),
]);

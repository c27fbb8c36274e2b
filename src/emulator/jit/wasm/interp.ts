// The wasm interpreter: one WebAssembly function per hart and privilege that runs an
// interpreted block's records (interpreter.ts's Decoding, in the arena's records area) as
// far as it can, in front of the JavaScript interpreter's loop. The JavaScript one keeps
// BigInt registers and pays some 25 ns an instruction on cold code; this one reads the same
// register file, TLB and code marks in the arena with 64-bit integers.
//
// It is made from the same InsnDef.wasm emitters as the wasm regions, in WasmGen's
// interpreter mode: each kind with a wasm form is a case of a br_table on the record's kind,
// its operands read from the record's fields. Everything the emitters would leave a region
// for (a TLB miss, MMIO, a misaligned access, a store into code, `pause`), and every kind
// without a wasm form (CSRs, LR/SC, swap and or, floating point, traps), stops the function
// before the instruction; the JavaScript interpreter then runs the block on from there. A
// block that leaves by its end, a taken branch or a jump goes on into the block its links, or
// else the front table, lead to, as the JavaScript interpreter's chain and the dispatcher's
// lookup would (emitInterpreter), for as long as the budget lasts. Its result is, for the
// last block, the instructions retired in it (at a stop, the
// index of the one it stopped before), shifted left 3, or'd with how it left (WasmExit); the
// chain's steps are in the CHAIN_* words of the register file (jit/codegen.ts).
import { INSTRUCTIONS } from '../../isa/table.js';
import type { Decoded, InsnDef } from '../../isa/types.js';
import type { Hart } from '../../cpu/hart.js';
import { L, WasmExit, WasmGen, type WasmLayout } from './wasmGen.js';
import { encodeModule, Op, ValType } from './encoder.js';
import { wasmApi, type WasmApi, type WasmMemory } from './api.js';
import { F_KIND, F_WAIT, H_CHAIN, H_COUNT, H_LINK, H_PROMOTE, H_WORK, LINK_WORDS, OPS_WIDTH, RECORD_HEADER } from '../records.js';
import { CHAIN_BUDGET, CHAIN_FRONT, CHAIN_GEN, CHAIN_PATH, CHAIN_PRIOR, CHAIN_STEPS, PC_SLOT } from '../codegen.js';
import { E_GEN, E_LO, E_RECORDS, ENTRY_WORDS, FRONT } from '../frontTable.js';

/** Runs the block whose records start at byte `at`, and the blocks it goes on to; returns (retired << 3) | WasmExit. */
export type WasmInterpret = (at: number) => number;

/** An instruction whose operands are the names of the record fields they are read from. */
function symbolic(def: InsnDef): Decoded {
  const names = { rd: 'rd', rs1: 'rs1', rs2: 'rs2', imm: 'imm' };
  return { def, len: 4, aq: false, rl: false, pred: 0, succ: 0, fm: 0, rs3: 0, csr: 0, rm: 0, raw: 0, ...names } as unknown as Decoded;
}

/** The kinds it runs (by their index in the table, the records' kind field). */
const KINDS: readonly number[] = INSTRUCTIONS.flatMap((def, kind) => (def.wasm ? [kind] : []));

/** The most a chain's budget is given as (CHAIN_BUDGET): far above any run's slice, within an i32. */
export const CHAIN_LIMIT = 0x3fffffff;
/**
 * Links one call follows at most after the block it last went into through the front table,
 * so that which it took at each fits the bits of CHAIN_PATH (the budget bounds the rest).
 */
export const MAX_STEPS = 31;

/**
 * The function's bytes for one layout and privilege. Around everything, the loop $chain over
 * blocks; in it, the block $ended the exits of a block go to, around the loop $records over
 * the block's records, around a block $stop and one block per kind, the innermost first in the
 * br_table; case j's code follows the end of its block, so it is nested in the K-1-j blocks of
 * the cases after it.
 *
 * After a block's exit the pc is stored, and the function goes on into the block its links
 * name for that pc, or else the front table's entry for it (at byte `front`, jit/frontTable.ts),
 * under the rules the JavaScript interpreter's chain follows (interpreter.ts): the link or
 * entry is of the caller's generation, the block it leads to is interpreted at this privilege
 * (its header's H_CHAIN), fits the budget, and the block left has not done the work that
 * promotes it. It counts that work in the header of each block it goes on from; the last
 * block's, and the instructions retired in it, are the caller's to count.
 */
export function emitInterpreter(layout: WasmLayout, priv: number, front: number): Uint8Array {
  const w = new WasmGen(1, true), c = w.code, k = KINDS.length, regs = layout.regs;
  const interp = { pcs: w.take(ValType.I32), temp: w.take(ValType.I64), exit: w.take(ValType.I32), endedLevel: 2 };
  const start = w.take(ValType.I32), budget = w.take(ValType.I32), gen = w.take(ValType.I32);
  const prior = w.take(ValType.I32), path = w.take(ValType.I32), steps = w.take(ValType.I32);
  const next = w.take(ValType.I32), which = w.take(ValType.I32), work = w.take(ValType.I32);
  // The front entry, plus one, of the block the chain last went into through the table, and
  // the one the step being taken goes through (or 0), and that entry's byte in the table.
  const base = w.take(ValType.I32), entry = w.take(ValType.I32), entryAt = w.take(ValType.I32);
  const word = (i: number): number => regs + 4 * i;
  w.region = { layout, members: new Map(), loopLevel: 3, exitLevel: 4 };
  w.interp = interp;
  /** Push header field f of the block whose records start at local `at`. */
  const head = (at: number, f: number, op: Op.i32_load | Op.i64_load = Op.i32_load): void => {
    c.get(at).i32(RECORD_HEADER).op(Op.i32_sub).mem(op, op === Op.i32_load ? 2 : 3, 4 * f);
  };
  /** Hand the chain's result over (CHAIN_PRIOR, CHAIN_PATH, CHAIN_STEPS) and return `exit`. */
  const finish = (exit: () => void): void => {
    c.i32(0).get(prior).mem(Op.i32_store, 2, word(CHAIN_PRIOR));
    c.i32(0).get(path).mem(Op.i32_store, 2, word(CHAIN_PATH));
    c.i32(0).get(steps).mem(Op.i32_store, 2, word(CHAIN_STEPS));
    c.i32(0).get(base).mem(Op.i32_store, 2, word(CHAIN_FRONT));
    c.get(L.Retired).i32(3).op(Op.i32_shl);
    exit();
    c.op(Op.i32_or).op(Op.return);
  };
  c.i32(0).mem(Op.i32_load, 2, word(CHAIN_BUDGET)).set(budget);
  c.i32(0).mem(Op.i32_load, 2, word(CHAIN_GEN)).set(gen);
  c.get(L.Budget).set(start);
  c.block(Op.loop); // $chain, depth 1
  // The record count in the header, the pcs after the records.
  c.i32(0).set(L.Retired);
  head(start, H_COUNT); c.tee(L.At).i32(OPS_WIDTH * 4).op(Op.i32_mul).get(start).op(Op.i32_add).set(interp.pcs);
  c.block(Op.block); // $ended, depth 2
  c.block(Op.loop); // $records, depth 3
  c.block(Op.block); // $stop, depth 4
  // Off the end: the pc after the block.
  c.get(L.Retired).get(L.At).op(Op.i32_ge_u).block(Op.if);
  w.pcAt(0); c.set(L.PcOut);
  c.i32(WasmExit.End).set(interp.exit).br(Op.br, 3);
  c.end();
  for (let j = 0; j < k; j++) c.block(Op.block);
  const table = new Array<number>(INSTRUCTIONS.length + 1).fill(k);
  KINDS.forEach((kind, j) => { table[kind] = j; });
  c.get(L.Budget).mem(Op.i32_load, 2, 4 * F_KIND).brTable(table, k);
  KINDS.forEach((kind, j) => {
    c.end();
    w.nest = 4 + (k - 1 - j);
    const def = INSTRUCTIONS[kind];
    def.wasm!(symbolic(def), w);
    // x0 stays zero whatever the instruction wrote into its slot.
    c.i32(0).i64(0n).mem(Op.i64_store, 3, regs);
    c.get(L.Retired).i32(1).op(Op.i32_add).set(L.Retired);
    c.get(L.Budget).i32(OPS_WIDTH * 4).op(Op.i32_add).set(L.Budget);
    c.br(Op.br, w.nest - 3);
  });
  c.end(); // $stop
  finish(() => c.i32(WasmExit.Stop));
  c.end(); // $records
  c.op(Op.unreachable);
  c.end(); // $ended
  // The block has left (L.Retired instructions retired, the pc in PcOut); a jump's link
  // register may have been x0.
  c.i32(0).get(L.PcOut).mem(Op.i64_store, 3, regs + 8 * PC_SLOT);
  c.i32(0).i64(0n).mem(Op.i64_store, 3, regs);
  c.block(Op.block); // $return, depth 2
  // A taken exit that closes a wait loop hands the turn over: the caller's to do.
  c.get(interp.exit).i32(WasmExit.Taken).op(Op.i32_eq).get(L.Budget).mem(Op.i32_load, 2, 4 * F_WAIT).op(Op.i32_and)
    .get(steps).i32(MAX_STEPS).op(Op.i32_ge_u).op(Op.i32_or).br(Op.br_if, 0);
  head(start, H_WORK); c.get(L.Retired).op(Op.i32_add).tee(work);
  head(start, H_PROMOTE); c.op(Op.i32_ge_s).br(Op.br_if, 0);
  // The link for PcOut in this generation, as the JavaScript chain picks it.
  const linkMatches = (n: 0 | 1): void => {
    const f = H_LINK + LINK_WORDS * n;
    head(start, f); c.op(Op.i32_eqz).op(Op.i32_eqz);
    head(start, f + 1); c.get(gen).op(Op.i32_eq).op(Op.i32_and);
    head(start, f + 2, Op.i64_load); c.get(L.PcOut).op(Op.i64_eq).op(Op.i32_and);
  };
  c.i32(0).set(entry);
  c.block(Op.block); // $found, depth 3
  c.block(Op.block); // depth 4
  c.block(Op.block); // depth 5
  linkMatches(0); c.op(Op.i32_eqz).br(Op.br_if, 0);
  head(start, H_LINK); c.set(next).i32(0).set(which).br(Op.br, 2);
  c.end();
  linkMatches(1); c.op(Op.i32_eqz).br(Op.br_if, 0);
  head(start, H_LINK + LINK_WORDS); c.set(next).i32(1).set(which).br(Op.br, 1);
  c.end();
  // Neither link: the front table's entry for PcOut, as the dispatcher's lookup would find it.
  c.get(L.PcOut).op(Op.i32_wrap_i64).i32(1).op(Op.i32_shr_u).i32(FRONT - 1).op(Op.i32_and).tee(entry)
    .i32(4 * ENTRY_WORDS).op(Op.i32_mul).tee(entryAt);
  c.mem(Op.i64_load, 3, front + 4 * E_LO).get(L.PcOut).op(Op.i64_ne);
  c.get(entryAt).mem(Op.i32_load, 2, front + 4 * E_GEN).get(gen).op(Op.i32_ne).op(Op.i32_or).br(Op.br_if, 1);
  c.get(entryAt).mem(Op.i32_load, 2, front + 4 * E_RECORDS).tee(next).op(Op.i32_eqz).br(Op.br_if, 1);
  c.get(entry).i32(1).op(Op.i32_add).set(entry);
  c.end(); // $found
  head(next, H_CHAIN); c.i32(priv + 1).op(Op.i32_ne).br(Op.br_if, 0);
  c.get(prior).get(L.Retired).op(Op.i32_add).tee(prior);
  head(next, H_COUNT); c.op(Op.i32_add).get(budget).op(Op.i32_gt_s);
  c.block(Op.if);
  // Over the budget: this block is the last (prior back to the blocks before it).
  c.get(prior).get(L.Retired).op(Op.i32_sub).set(prior).br(Op.br, 1);
  c.end();
  c.get(start).i32(RECORD_HEADER).op(Op.i32_sub).get(work).mem(Op.i32_store, 2, 4 * H_WORK);
  c.get(entry).block(Op.if);
  // Through the table: the caller finds this block by the entry, and the links from it.
  c.get(entry).set(base).i32(0).set(path).i32(0).set(steps);
  c.op(Op.else);
  c.get(path).get(which).get(steps).op(Op.i32_shl).op(Op.i32_or).set(path);
  c.get(steps).i32(1).op(Op.i32_add).set(steps);
  c.end();
  c.get(next).tee(start).set(L.Budget);
  c.br(Op.br, 1); // round $chain
  c.end(); // $return
  finish(() => c.get(interp.exit));
  c.end(); // $chain
  c.op(Op.unreachable);
  // A region's prologue: the last pages start empty; no register is in a local here.
  const body = w.prologue().bytes(c.view());
  return encodeModule({
    memory: { module: 'm', name: 'mem', minPages: 0 },
    funcs: [{ type: { params: [ValType.I32], results: [ValType.I32] }, locals: w.locals, body, export: 'run' }],
  });
}

/** Compiled modules by layout: the harts of one machine differ only in their slots. */
const modules = new Map<string, object>();

/**
 * Hart h's wasm interpreter for privilege priv, or undefined where there is none: no arena,
 * no WebAssembly, or a host that will not compile the module (a browser's main thread takes
 * only small modules synchronously).
 */
export function wasmInterpreterFor(h: Hart, priv: number): WasmInterpret | undefined {
  const memory = h.slot.memory, api = wasmApi(), ram = h.bus.ram;
  if (!memory || !api || ram.buffer !== memory.buffer || h.codeChunks.buffer !== memory.buffer) return undefined;
  const layout: WasmLayout = { regs: h.x.byteOffset, tlb: h.tlbs[priv].r.byteOffset, codeChunks: h.codeChunks.byteOffset, ram: ram.byteOffset };
  return instantiate(api, memory, layout, priv, h.front.byteOffset);
}

function instantiate(api: WasmApi, memory: WasmMemory, layout: WasmLayout, priv: number, front: number): WasmInterpret | undefined {
  const key = `${layout.regs}:${layout.tlb}:${layout.codeChunks}:${layout.ram}:${priv}:${front}`;
  try {
    let module = modules.get(key);
    if (!module) { module = new api.Module(emitInterpreter(layout, priv, front)); modules.set(key, module); }
    return new api.Instance(module, { m: { mem: memory } }).exports.run as WasmInterpret;
  } catch (err) {
    // A module we made that does not validate is our bug (a CompileError): let tests see it.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

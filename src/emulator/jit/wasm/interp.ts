// The wasm interpreter: one WebAssembly function per hart and privilege that runs an
// interpreted block's records (interpreter.ts's Decoding, in the arena's records area) as
// far as it can, in front of the JavaScript interpreter's loop. The JavaScript one keeps
// BigInt registers and pays some 25 ns an instruction on cold code; this one reads the same
// register file, TLB and code marks in the arena with 64-bit integers.
//
// It is made from the same InsnDef.wasm emitters as the wasm regions, in WasmGen's
// interpreter mode: each kind with a wasm form is a case of a br_table on the record's kind,
// its operands read from the record's fields. Everything the emitters would leave a region
// for (a TLB miss, MMIO, a misaligned access, a store into code), and every kind without a
// wasm form (CSRs, AMOs, floating point, traps), stops the function before the instruction;
// the JavaScript interpreter then runs the block on from there. Its result is the index of
// the instruction it ended at, shifted left 3, or'd with how (WasmExit).
import { INSTRUCTIONS } from '../../isa/table.js';
import type { Decoded, InsnDef } from '../../isa/types.js';
import type { Hart } from '../../cpu/hart.js';
import { L, WasmExit, WasmGen, type WasmLayout } from './wasmGen.js';
import { encodeModule, Op, ValType } from './encoder.js';
import { wasmApi, type WasmApi, type WasmMemory } from './api.js';
import { F_KIND, OPS_WIDTH, RECORD_HEADER } from '../records.js';

/** Runs the block whose records start at byte `at`; returns (index << 3) | WasmExit. */
export type WasmInterpret = (at: number) => number;

/** An instruction whose operands are the names of the record fields they are read from. */
function symbolic(def: InsnDef): Decoded {
  const names = { rd: 'rd', rs1: 'rs1', rs2: 'rs2', imm: 'imm' };
  return { def, len: 4, aq: false, rl: false, pred: 0, succ: 0, fm: 0, rs3: 0, csr: 0, rm: 0, raw: 0, ...names } as unknown as Decoded;
}

/** The kinds it runs (by their index in the table, the records' kind field). */
const KINDS: readonly number[] = INSTRUCTIONS.flatMap((def, kind) => (def.wasm ? [kind] : []));

/**
 * The function's bytes for one layout: a loop over the block's records, around a block $stop
 * and one block per kind, the innermost first in the br_table; case j's code follows the end
 * of its block, so it is nested in the K-1-j blocks of the cases after it.
 */
export function emitInterpreter(layout: WasmLayout): Uint8Array {
  const w = new WasmGen(1, true), c = w.code, k = KINDS.length;
  const interp = { pcs: w.take(ValType.I32), temp: w.take(ValType.I64) };
  w.region = { layout, members: new Map(), loopLevel: 1, exitLevel: 2 };
  w.interp = interp;
  // The record count before the records, the pcs after them.
  c.get(L.Budget).i32(RECORD_HEADER).op(Op.i32_sub).mem(Op.i32_load, 2, 0).tee(L.At)
    .i32(OPS_WIDTH * 4).op(Op.i32_mul).get(L.Budget).op(Op.i32_add).set(interp.pcs);
  c.block(Op.loop).block(Op.block);
  c.get(L.Retired).get(L.At).op(Op.i32_ge_u).block(Op.if);
  c.get(L.Retired).i32(3).op(Op.i32_shl).op(Op.return);
  c.end();
  for (let j = 0; j < k; j++) c.block(Op.block);
  const table = new Array<number>(INSTRUCTIONS.length + 1).fill(k);
  KINDS.forEach((kind, j) => { table[kind] = j; });
  c.get(L.Budget).mem(Op.i32_load, 2, 4 * F_KIND).brTable(table, k);
  KINDS.forEach((kind, j) => {
    c.end();
    w.nest = 2 + (k - 1 - j);
    const def = INSTRUCTIONS[kind];
    def.wasm!(symbolic(def), w);
    // x0 stays zero whatever the instruction wrote into its slot.
    c.i32(0).i64(0n).mem(Op.i64_store, 3, layout.regs);
    c.get(L.Retired).i32(1).op(Op.i32_add).set(L.Retired);
    c.get(L.Budget).i32(OPS_WIDTH * 4).op(Op.i32_add).set(L.Budget);
    c.br(Op.br, w.nest - 1);
  });
  c.end(); // $stop
  c.get(L.Retired).i32(3).op(Op.i32_shl).i32(WasmExit.Stop).op(Op.i32_or).op(Op.return);
  c.end(); // the loop
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
  return instantiate(api, memory, layout);
}

function instantiate(api: WasmApi, memory: WasmMemory, layout: WasmLayout): WasmInterpret | undefined {
  const key = `${layout.regs}:${layout.tlb}:${layout.codeChunks}:${layout.ram}`;
  try {
    let module = modules.get(key);
    if (!module) { module = new api.Module(emitInterpreter(layout)); modules.set(key, module); }
    return new api.Instance(module, { m: { mem: memory } }).exports.run as WasmInterpret;
  } catch (err) {
    // A module we made that does not validate is our bug (a CompileError): let tests see it.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

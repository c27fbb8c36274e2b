// A hot region (the blocks jit/region.ts chooses) as one WebAssembly function over the arena
// (memory/arena.ts): the registers it uses as i64 locals, loaded at entry and stored at exit, a
// loop over a br_table on the block being run, and each instruction through its InsnDef.wasm.
// It counts what it retires and returns that; its JavaScript wrapper adds it to h.instret. So
// a region retires exactly what the dispatcher would have run those blocks to, as the
// JavaScript region does: a jump goes on to another block only while the whole of that block
// fits the budget (h.loopLimit, read once at entry: nothing inside the function can lower it,
// since nothing inside calls out).
//
// Whatever needs the hart leaves before the instruction, unretired, with the pc at it (a TLB
// miss, MMIO, a misaligned access, a store into translated code), and the dispatcher runs it
// in JavaScript. A block with a kind that has no wasm form is left out; jumps to it leave.
import type { Hart } from '../../cpu/hart.js';
import type { Block, BlockCode, RegionHost } from '../compiler.js';
import { planRegion, regionRange, type Region, type RegionBlocks } from '../region.js';
import { L, WasmGen, type WasmLayout, type WasmMember } from './wasmGen.js';
import { encodeModule, Op, ValType } from './encoder.js';
import { wasmApi, type WasmApi, type WasmMemory } from './api.js';

/** The budget passed in is a 32-bit count; a larger one is cut to this (a region leaves long before). */
const MAX_BUDGET = 0x7fffffff;

const inWasm = (code: BlockCode): boolean => code.illegal < 0 && code.decoded.every((d) => d.def.wasm !== undefined);

/**
 * The region that starts at block b as a WebAssembly function, or undefined where it cannot
 * be one (no arena, no WebAssembly, the entry block has a kind without a wasm form, or there
 * would be one block that does not loop to itself). `entryInJs` makes b's own inline
 * JavaScript form: the region runs it when its function left before b's first instruction (a
 * TLB miss there, say), since the dispatcher would otherwise come straight back to the same
 * region at the same pc.
 */
export function emitWasmRegion(h: Hart, b: Block, host: RegionHost, entryInJs: () => () => void): Region | undefined {
  const memory = h.slot.memory, api = wasmApi(), ram = h.bus.ram;
  if (!memory || !api || ram.buffer !== memory.buffer || h.codeChunks.buffer !== memory.buffer) return undefined;
  // A block that loops to itself is worth a function alone: its registers stay in locals.
  const least = b.loops && !b.stopsAtStart ? 1 : 2;
  const planned = planRegion(h, b, host, least);
  if (!planned) return undefined;
  const kept = [...planned.blocks].filter(([, code]) => inWasm(code));
  if (kept.length < least || kept[0][0] !== planned.pc) return undefined;
  const plan: RegionBlocks = { ...planned, blocks: new Map(kept) };
  const members = new Map<bigint, WasmMember>();
  kept.forEach(([at], index) => {
    const len = planned.members.get(at);
    if (len !== undefined) members.set(at, { pc: at, index, len });
  });
  const layout: WasmLayout = { regs: h.x.byteOffset, tlb: h.tlbs[b.priv].r.byteOffset, codeChunks: h.codeChunks.byteOffset, ram: ram.byteOffset };
  // A host may refuse (a browser's main thread compiles only small modules synchronously):
  // the region is then JavaScript, as without WebAssembly.
  const run = instantiate(api, memory, emitFunction(kept, members, layout));
  if (!run) return undefined;
  let js: (() => void) | undefined;
  const fn = (): void => {
    const left = h.loopLimit - h.instret;
    const n = run(left > MAX_BUDGET ? MAX_BUDGET : left < 0 ? 0 : left);
    if (n !== 0) h.instret += n;
    else (js ??= entryInJs())();
  };
  // Named as the JavaScript forms are (block_*, region_*), for profiles and tests.
  Object.defineProperty(fn, 'name', { value: `wasm_region_${BigInt.asUintN(64, planned.pc).toString(16)}` });
  return { fn, ...regionRange(plan, b) };
}

/** The function's bytes: blocks[0] is the entry; each block's case is its index. */
function emitFunction(blocks: readonly (readonly [bigint, BlockCode])[], members: ReadonlyMap<bigint, WasmMember>, layout: WasmLayout): Uint8Array {
  const w = new WasmGen(1, true), c = w.code, k = blocks.length;
  // block $exit (1), loop (2), block $default (3), then one block per case: the br_table's
  // depth i ends case i's block, after which case i's code lies, in a loop of its own.
  w.region = { layout, members, loopLevel: 2, exitLevel: 1 };
  c.block(Op.block).block(Op.loop).block(Op.block);
  for (let i = 0; i < k; i++) c.block(Op.block);
  c.get(L.At).brTable(Array.from({ length: k }, (_, i) => i), k);
  blocks.forEach(([pc, code], i) => {
    c.end();
    c.block(Op.loop);
    w.nest = 3 + k - i;
    w.member = i; w.memberLoop = w.nest;
    let at = pc;
    code.decoded.forEach((d, j) => {
      w.index = j; w.pc = at; w.len = d.len;
      d.def.wasm!(d, w);
      at = BigInt.asIntN(64, at + BigInt(d.len));
    });
    if (!code.ended) {
      const last = code.decoded[code.decoded.length - 1];
      w.index = code.decoded.length - 1; w.pc = BigInt.asIntN(64, at - BigInt(last.len)); w.len = last.len;
      w.jumpTo(at);
    }
    c.end();
  });
  c.end(); // $default: At is always a case
  c.op(Op.unreachable).end().end();
  w.nest = 0;
  w.epilogue();
  const body = w.prologue().bytes(c.view());
  return encodeModule({
    memory: { module: 'm', name: 'mem', minPages: 0 },
    funcs: [{ type: { params: [ValType.I32], results: [ValType.I32] }, locals: w.locals, body, export: 'run' }],
  });
}

function instantiate(api: WasmApi, memory: WasmMemory, bytes: Uint8Array): ((budget: number) => number) | undefined {
  try {
    const instance = new api.Instance(new api.Module(bytes), { m: { mem: memory } });
    return instance.exports.run as (budget: number) => number;
  } catch (err) {
    // A module we made that does not validate is our bug (a CompileError): let tests see it.
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

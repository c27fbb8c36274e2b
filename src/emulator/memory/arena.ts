// One WebAssembly.Memory per machine, holding everything translated code reads and writes on
// its fast paths: each hart's integer registers and software TLBs, the code-chunk marks and
// RAM. A function of the wasm tier (jit/wasm/region.ts) addresses them all in that one memory,
// as its linear memory; the JavaScript tiers keep their typed arrays, which are now views into
// it, so nothing else changes.
//
// Layout, each part 64-byte aligned: the harts' slots (HART_SLOT_BYTES each, MAX_SLOTS of
// them), then the marks (2 bytes per 64 bytes of RAM), then the interpreter's records
// (RECORD_CHUNKS chunks, jit/records.ts), then RAM from a 64 KiB boundary. The
// memory has a fixed size (maximum = initial): it never grows, so its buffer never detaches
// and the views stay valid for the machine's life.
import { wasmApi, MAX_PAGES, WASM_PAGE, type WasmMemory } from '../jit/wasm/api.js';
import { REG_SLOTS } from '../jit/codegen.js';
import { codeChunkCount } from '../jit/codeMap.js';
import { TLB_BYTES } from '../cpu/tlb.js';
import { RECORD_CHUNK, RecordPool } from '../jit/records.js';
import { FRONT_BYTES } from '../jit/frontTable.js';

/** Where one thing lives: a buffer and a byte offset into it. */
export interface Slot {
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  /** The memory the buffer is, when it is the arena's (the wasm tier imports it). */
  readonly memory?: WasmMemory;
}

/**
 * Registers, then one TLB per privilege (four: index 2 unused, as Hart.tlbs), then the block
 * cache's front table (jit/frontTable.ts, which the wasm interpreter reads).
 */
export const REGS_BYTES = REG_SLOTS * 8;
export const FRONT_AT = REGS_BYTES + 4 * TLB_BYTES;
export const HART_SLOT_BYTES = align(FRONT_AT + FRONT_BYTES, 64);
/** Slots laid out whatever the machine's harts (machine.ts's MAX_HARTS is 8). */
export const MAX_SLOTS = 8;

/**
 * Chunks of interpreter records (16 MiB): a boot of Linux or Chronos OS keeps a few
 * thousand blocks, some 350 bytes of records each; blocks past them are only the
 * JavaScript interpreter's.
 */
export const RECORD_CHUNKS = 64;

function align(n: number, to: number): number { return Math.ceil(n / to) * to; }

/** A slot of its own, outside any arena: a hart made without a machine (unit tests), or no WebAssembly. */
export const ownSlot = (bytes: number): Slot => ({ buffer: new ArrayBuffer(bytes), offset: 0 });

export class Arena {
  readonly buffer: ArrayBuffer;

  /** The machine's interpreter records, from the arena's records area. */
  readonly records: RecordPool;

  /** `codeChunksAt`, `recordsAt` and `ramAt`: where the marks, records and RAM start, byte offsets in the memory. */
  private constructor(readonly memory: WasmMemory, private readonly codeChunksAt: number, recordsAt: number, private readonly ramAt: number) {
    this.buffer = memory.buffer;
    this.records = new RecordPool(this.at(recordsAt), RECORD_CHUNKS);
  }

  /**
   * The arena for a machine with this much RAM, or undefined where the host has no
   * WebAssembly or the whole would not fit a 32-bit memory (then every part keeps a buffer of
   * its own, and the wasm tier is off).
   */
  static make(ramBytes: number): Arena | undefined {
    const api = wasmApi();
    if (!api) return undefined;
    const codeChunksAt = MAX_SLOTS * HART_SLOT_BYTES;
    const recordsAt = align(codeChunksAt + 2 * codeChunkCount(ramBytes), 64);
    const ramAt = align(recordsAt + RECORD_CHUNKS * RECORD_CHUNK, WASM_PAGE);
    const pages = (ramAt + align(ramBytes, WASM_PAGE)) / WASM_PAGE;
    if (pages > MAX_PAGES) return undefined;
    let memory: WasmMemory;
    try { memory = new api.Memory({ initial: pages, maximum: pages }); } catch { return undefined; }
    return new Arena(memory, codeChunksAt, recordsAt, ramAt);
  }

  hart(id: number): Slot | undefined { return id < MAX_SLOTS ? this.at(id * HART_SLOT_BYTES) : undefined; }
  get codeChunks(): Slot { return this.at(this.codeChunksAt); }
  get ram(): Slot { return this.at(this.ramAt); }

  private at(offset: number): Slot { return { buffer: this.buffer, offset, memory: this.memory }; }
}

// A small WebAssembly binary encoder: just what the wasm tier's functions need (i32/i64
// integer code over one imported memory), written here rather than taken from a package,
// so that the emulator stays free of dependencies and browser-safe. The numbers are the
// WebAssembly core specification's (binary format, §5): opcodes, section ids, value types.

export const enum ValType { I32 = 0x7f, I64 = 0x7e }

/** Opcodes the tier emits, by the specification's names. */
export const enum Op {
  unreachable = 0x00, block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b,
  br = 0x0c, br_if = 0x0d, br_table = 0x0e, return = 0x0f, call = 0x10, drop = 0x1a, select = 0x1b,
  local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23, global_set = 0x24,
  i32_load = 0x28, i64_load = 0x29,
  i32_load8_s = 0x2c, i32_load8_u = 0x2d, i32_load16_s = 0x2e, i32_load16_u = 0x2f,
  i64_load8_s = 0x30, i64_load8_u = 0x31, i64_load16_s = 0x32, i64_load16_u = 0x33,
  i64_load32_s = 0x34, i64_load32_u = 0x35,
  i32_store = 0x36, i64_store = 0x37, i32_store8 = 0x3a, i32_store16 = 0x3b,
  i64_store8 = 0x3c, i64_store16 = 0x3d, i64_store32 = 0x3e,
  i32_const = 0x41, i64_const = 0x42,
  i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49, i32_gt_s = 0x4a,
  i32_gt_u = 0x4b, i32_le_s = 0x4c, i32_le_u = 0x4d, i32_ge_s = 0x4e, i32_ge_u = 0x4f,
  i64_eqz = 0x50, i64_eq = 0x51, i64_ne = 0x52, i64_lt_s = 0x53, i64_lt_u = 0x54, i64_gt_s = 0x55,
  i64_gt_u = 0x56, i64_le_s = 0x57, i64_le_u = 0x58, i64_ge_s = 0x59, i64_ge_u = 0x5a,
  i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73,
  i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76,
  i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_div_s = 0x7f, i64_div_u = 0x80,
  i64_rem_s = 0x81, i64_rem_u = 0x82, i64_and = 0x83, i64_or = 0x84, i64_xor = 0x85,
  i64_shl = 0x86, i64_shr_s = 0x87, i64_shr_u = 0x88,
  i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac, i64_extend_i32_u = 0xad,
  i64_extend32_s = 0xc4,
}

/** Block types: none, or one result. */
export const VOID = 0x40;

/** Appends bytes, and knows LEB128 (§5.2.2), the format's variable-length integers. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.length++] = b;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
    return this;
  }

  u32(n: number): this {
    n >>>= 0;
    do {
      const b = n & 0x7f;
      n >>>= 7;
      this.byte(n === 0 ? b : b | 0x80);
    } while (n !== 0);
    return this;
  }

  s32(n: number): this {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  s64(v: bigint): this {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return this.u32(utf8.length).bytes(utf8);
  }

  /** A vector of bytes with its length before it (sections, function bodies). */
  sized(inner: Bytes): this { return this.u32(inner.length).bytes(inner.view()); }

  view(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** One function's body: its extra locals and its instructions. */
export class Code extends Bytes {
  op(o: Op): this { return this.byte(o); }
  get(local: number): this { return this.byte(Op.local_get).u32(local); }
  set(local: number): this { return this.byte(Op.local_set).u32(local); }
  tee(local: number): this { return this.byte(Op.local_tee).u32(local); }
  i32(n: number): this { return this.byte(Op.i32_const).s32(n); }
  i64(v: bigint): this { return this.byte(Op.i64_const).s64(v); }
  /** A load or store with its alignment (log2 of the width: the specification's hint) and offset. */
  mem(o: Op, align: number, offset = 0): this { return this.byte(o).u32(align).u32(offset); }
  block(o: Op.block | Op.loop | Op.if, type: number = VOID): this { return this.byte(o).byte(type); }
  br(o: Op.br | Op.br_if, depth: number): this { return this.byte(o).u32(depth); }
  /** br_table: to depth targets[i] for i in range, else to `otherwise`. */
  brTable(targets: readonly number[], otherwise: number): this {
    this.byte(Op.br_table).u32(targets.length);
    for (const t of targets) this.u32(t);
    return this.u32(otherwise);
  }
  end(): this { return this.byte(Op.end); }
}

export interface FuncType { params: readonly ValType[]; results: readonly ValType[] }

export interface Func {
  type: FuncType;
  /** The locals after the parameters, by type, in order. */
  locals: readonly ValType[];
  /** The instructions, without the final `end` (added here). */
  body: Code;
  /** The name it is exported under, if any. */
  export?: string;
}

export interface ImportedFunc { module: string; name: string; type: FuncType }

export interface ModuleSpec {
  /** The memory, imported as (module, name), with its minimum size in 64 KiB pages. */
  memory: { module: string; name: string; minPages: number; shared?: boolean; maxPages?: number };
  imports?: readonly ImportedFunc[];
  funcs: readonly Func[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const enum Section { Type = 1, Import = 2, Function = 3, Export = 7, Code = 10 }

function typeKey(t: FuncType): string { return `${t.params.join(',')}>${t.results.join(',')}`; }

/** The binary of a module: its imports (the memory, functions), functions and exports. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const imports = spec.imports ?? [];
  const types: FuncType[] = [], typeIndex = new Map<string, number>();
  const typeOf = (t: FuncType): number => {
    const k = typeKey(t);
    let i = typeIndex.get(k);
    if (i === undefined) { i = types.length; types.push(t); typeIndex.set(k, i); }
    return i;
  };
  const importTypes = imports.map((f) => typeOf(f.type)), funcTypes = spec.funcs.map((f) => typeOf(f.type));

  const out = new Bytes().bytes(MAGIC);
  const section = (id: Section, fill: (s: Bytes) => void): void => {
    const s = new Bytes();
    fill(s);
    out.byte(id).sized(s);
  };
  section(Section.Type, (s) => {
    s.u32(types.length);
    for (const t of types) s.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
  });
  section(Section.Import, (s) => {
    s.u32(imports.length + 1);
    imports.forEach((f, i) => s.name(f.module).name(f.name).byte(0x00).u32(importTypes[i]));
    const m = spec.memory;
    s.name(m.module).name(m.name).byte(0x02);
    if (m.maxPages === undefined) s.byte(0x00).u32(m.minPages);
    else s.byte(m.shared ? 0x03 : 0x01).u32(m.minPages).u32(m.maxPages);
  });
  section(Section.Function, (s) => { s.u32(funcTypes.length); for (const t of funcTypes) s.u32(t); });
  const exported = spec.funcs.map((f, i) => [f.export, imports.length + i] as const).filter(([name]) => name !== undefined);
  section(Section.Export, (s) => {
    s.u32(exported.length);
    for (const [name, index] of exported) s.name(name!).byte(0x00).u32(index);
  });
  section(Section.Code, (s) => {
    s.u32(spec.funcs.length);
    for (const f of spec.funcs) {
      const body = new Bytes();
      // Locals as runs of one type (§5.5.13).
      const runs: [number, ValType][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      body.u32(runs.length);
      for (const [n, t] of runs) body.u32(n).byte(t);
      body.bytes(f.body.view()).byte(Op.end);
      s.sized(body);
    }
  });
  return out.view().slice();
}

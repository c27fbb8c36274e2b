// Source-level values: the locals and parameters live at a pc, and static variables, read from
// wherever the DWARF says they are (memory, registers, pieces of both, values the compiler
// computed, entry values) and shown by their DWARF types, with the Rust shapes a learner meets
// first (&str, slices, String, Vec, Option and other enums) shown as values rather than as their
// raw fields. Knows nothing of DAP: the session turns ValueNodes into Variables.
import { AT, DebugInfo, TAG, type Die } from './dwarf/info.js';
import { ExprError, regName, runLocation, runValue, type ExprContext, type Location, type Place } from './dwarf/expr.js';
import { hex } from '../emulator/hex.js';

export interface ValueNode {
  name: string;
  value: string;
  type: string;
  /** Where the value lives in memory, for memory views and data breakpoints (none for a register or a computed value). */
  address?: bigint;
  /** The value as a number, for expressions (integers, bools, chars, C enums, pointers). */
  scalar?: bigint;
  /** Its size in bytes, when the type says. */
  size?: number;
  /** Children, computed when the user expands the node. */
  children?: () => ValueNode[];
  /** The DWARF type and where the bytes are (possibly a synthetic address), for paths through the value. */
  typeDie?: Die;
  at?: bigint;
}

/** What a frame's variables need from the unwinder. */
export interface FrameRegs {
  /** A register of the frame by DWARF number (x0-x31 = 0-31, f0-f31 = 32-63), when known. */
  reg(n: number): bigint | undefined;
  /** The frame's canonical frame address, for DW_OP_call_frame_cfa. */
  cfa?: bigint;
  /** The pc whose variables are meant (for a caller: inside its call instruction). */
  pc: bigint;
  /** For a caller's frame: the return address of its call (where the call site's DWARF is). */
  returnAddress?: bigint;
  /** The frame that called this one, for entry values. */
  caller?(): FrameRegs | undefined;
  /** For an inlined call's frame: its DW_TAG_inlined_subroutine (the frame's variables are its own). */
  inlined?: Die;
}

type Memory = (address: bigint, size: number) => Uint8Array | undefined;

const MAX_ELEMENTS = 100;
const MAX_STRING = 200;
/** Values not in memory (registers, pieces, computed values) get addresses above 2^64 here. */
const SYNTHETIC = 1n << 64n;
const SYNTHETIC_STRIDE = 1n << 32n;
const MAX_SYNTHETIC = 4096;
/** Registers the psABI says a call preserves: a callee's entry value of one is its caller's value. */
const CALLEE_SAVED = new Set([2, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 32 + 8, 32 + 9, ...Array.from({ length: 10 }, (_, i) => 32 + 18 + i)]);

function leU(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

function leBytes(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < n && i < 8; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

export class Locals {
  private readonly synthetic = new Map<bigint, Uint8Array>();
  private nextSynthetic = SYNTHETIC;

  constructor(readonly info: DebugInfo, private readonly memory: Memory,
    private readonly symbolAt: (address: bigint) => string | undefined = () => undefined) {}

  /** Memory, or the bytes of a value that lives elsewhere. */
  private read(address: bigint, size: number): Uint8Array | undefined {
    if (address < SYNTHETIC) return this.memory(address, size);
    const base = address - ((address - SYNTHETIC) % SYNTHETIC_STRIDE);
    const bytes = this.synthetic.get(base);
    const off = Number(address - base);
    return bytes && off + size <= bytes.length ? bytes.subarray(off, off + size) : undefined;
  }

  private materialize(bytes: Uint8Array): bigint {
    const at = this.nextSynthetic;
    this.nextSynthetic += SYNTHETIC_STRIDE;
    this.synthetic.set(at, bytes);
    if (this.synthetic.size > MAX_SYNTHETIC) this.synthetic.delete(this.synthetic.keys().next().value!);
    return at;
  }

  /** The variables in scope in a frame, innermost scope first. */
  at(frame: FrameRegs): ValueNode[] {
    const out: ValueNode[] = [];
    const seen = new Set<string>();
    for (const { die, fn } of this.info.variablesAt(frame.pc, frame.inlined)) {
      const name = this.info.name(die) ?? '?';
      const type = this.info.typeOf(die);
      // An inner variable shadows an outer one of the same name, as in the source.
      const shown = seen.has(name) ? `${name} (outer)` : name;
      seen.add(name);
      out.push(this.variable(shown, die, type, fn, frame));
    }
    return out;
  }

  /** A variable (local, parameter or static) by its DIE, in a frame (static ones need none). */
  variable(name: string, die: Die, type: Die | undefined, fn: Die | undefined, frame: FrameRegs | undefined): ValueNode {
    const constant = die.attrs.get(AT.constValue);
    if (constant !== undefined) return this.constant(name, type, constant);
    const expr = this.info.locationAt(die, AT.location, frame?.pc ?? 0n);
    if (expr === null) return { name, value: '<optimized out>', type: this.typeName(type) };
    if (expr === undefined) return { name, value: '<optimized out here>', type: this.typeName(type) };
    let loc: Location;
    try {
      loc = runLocation(expr, this.context(frame, fn, die));
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      return { name, value: `<${e.message}>`, type: this.typeName(type) };
    }
    return this.at_(name, type, loc, frame);
  }

  /** A value at a location, as a node. */
  private at_(name: string, type: Die | undefined, loc: Location, frame: FrameRegs | undefined): ValueNode {
    const size = this.size(type) ?? 8;
    if (loc.place?.kind === 'memory') return this.describe(name, type, loc.place.address);
    if (loc.place?.kind === 'optimized') return { name, value: '<optimized out>', type: this.typeName(type) };
    const parts = loc.pieces ?? [{ place: loc.place!, bytes: size }];
    const bytes = new Uint8Array(Math.max(size, parts.reduce((n, p) => n + p.bytes, 0)));
    let off = 0;
    for (const p of parts) {
      const b = this.placeBytes(p.place, p.bytes, frame);
      if (typeof b === 'string') return { name, value: `<${b}>`, type: this.typeName(type) };
      bytes.set(b.subarray(0, p.bytes), off);
      off += p.bytes;
    }
    return this.describe(name, type, this.materialize(bytes));
  }

  private placeBytes(place: Place, n: number, frame: FrameRegs | undefined): Uint8Array | string {
    switch (place.kind) {
      case 'memory': return this.memory(place.address, n) ?? `memory at ${hex(place.address)} is not readable`;
      case 'register': {
        const v = frame?.reg(place.reg);
        return v === undefined ? `in ${regName(place.reg)}, which is not known in this frame` : leBytes(v, n);
      }
      case 'value': return leBytes(place.value, n);
      case 'bytes': { const b = new Uint8Array(n); b.set(place.bytes.subarray(0, n)); return b; }
      default: return 'optimized out';
    }
  }

  private constant(name: string, type: Die | undefined, v: unknown): ValueNode {
    const size = this.size(type) ?? 8;
    const bytes = v instanceof Uint8Array ? v : leBytes(typeof v === 'bigint' ? v : BigInt(Number(v)), size);
    const padded = new Uint8Array(Math.max(size, bytes.length));
    padded.set(bytes);
    return this.describe(name, type, this.materialize(padded));
  }

  /** How a frame's location expressions reach registers, memory, the frame base and entry values. */
  private context(frame: FrameRegs | undefined, fn: Die | undefined, die: Die, depth = 0): ExprContext {
    return {
      reg: (n) => frame?.reg(n),
      read: (a, n) => { const b = this.memory(a, n); return b ? leU(b) : undefined; },
      cfa: frame?.cfa,
      frameBase: () => {
        if (!fn || !frame) return 'the variable has no frame';
        const e = this.info.locationAt(fn, AT.frameBase, frame.pc);
        if (!e) return 'the function has no frame base here';
        try { return runValue(e, this.context(frame, undefined, fn, depth)); } catch (err) {
          if (err instanceof ExprError) return `frame base: ${err.message}`;
          throw err;
        }
      },
      entryValue: (inner) => (frame ? this.entryValue(inner, frame, depth) : 'entry values need a frame'),
      addrx: (i) => this.info.addrx(die, i),
    };
  }

  /**
   * DW_OP_entry_value: what a register held when the function was entered. A register calls
   * preserve is the caller's own; for an argument register, the caller's call site may say how
   * it computed the argument (DW_AT_call_value, GCC's DW_AT_GNU_call_site_value), evaluated in
   * the caller's frame. Otherwise it cannot be known.
   */
  private entryValue(inner: Uint8Array, frame: FrameRegs, depth: number): bigint | string {
    const reg = inner.length === 1 && inner[0] >= 0x50 && inner[0] <= 0x6f ? inner[0] - 0x50
      : inner.length > 1 && inner[0] === 0x90 ? inner[1] : undefined;
    if (reg === undefined || depth > 4) return 'optimized out';
    const caller = frame.caller?.();
    if (!caller) return 'optimized out (no caller frame)';
    if (CALLEE_SAVED.has(reg)) return caller.reg(reg) ?? 'optimized out';
    const callerFn = this.info.functionAt(caller.pc);
    const site = callerFn && caller.returnAddress !== undefined ? this.info.callSiteAt(callerFn, caller.returnAddress) : undefined;
    const param = site?.children.find((c) => {
      if (c.tag !== TAG.callSiteParameter && c.tag !== TAG.gnuCallSiteParameter) return false;
      const l = c.attrs.get(AT.location);
      return l instanceof Uint8Array && l.length === 1 && l[0] === 0x50 + reg;
    });
    const value = param && (param.attrs.get(AT.callValue) ?? param.attrs.get(AT.gnuCallSiteValue));
    if (!(value instanceof Uint8Array)) return 'optimized out';
    try { return runValue(value, this.context(caller, callerFn, param!, depth + 1)); } catch (e) {
      if (e instanceof ExprError) return 'optimized out';
      throw e;
    }
  }

  /** A static variable by path (`kmem`, `kernel::mm::FRAMES`), as a node. */
  global(path: string): ValueNode | undefined {
    const die = this.info.findGlobal(path);
    if (!die) return undefined;
    return this.variable(path, die, this.info.typeOf(die), undefined, undefined);
  }

  // ---- paths through values: .member, ->member, [index], *pointer ---------------------------

  /** A member of a struct (through a pointer or reference, as C's -> and Rust's auto-deref). */
  member(node: ValueNode, name: string): ValueNode {
    let d = this.resolve(node.typeDie);
    let base = node.at;
    if (d && (d.tag === TAG.pointerType || d.tag === TAG.referenceType)) {
      if (node.scalar === undefined || node.scalar === 0n) throw new ExprError(`${node.name} is a null pointer`);
      base = node.scalar;
      d = this.resolve(this.info.typeOf(d));
    }
    if (!d || base === undefined || (d.tag !== TAG.structureType && d.tag !== TAG.unionType && d.tag !== TAG.classType)) {
      throw new ExprError(`${node.name} (${node.type}) has no members`);
    }
    const m = this.members(d).find((x) => x.name === name);
    if (!m) throw new ExprError(`${this.typeName(d)} has no member '${name}' (it has ${this.members(d).map((x) => x.name).join(', ')})`);
    return this.describe(`${node.name}.${name}`, m.type, base + BigInt(m.offset));
  }

  /** Element i of an array, or of the memory a pointer points at. */
  index(node: ValueNode, i: bigint): ValueNode {
    const d = this.resolve(node.typeDie);
    if (d?.tag === TAG.arrayType && node.at !== undefined) {
      const et = this.info.typeOf(d), es = BigInt(this.size(et) ?? 0);
      const n = this.count(d);
      if (n !== undefined && n > 0 && (i < 0n || i >= BigInt(n))) throw new ExprError(`index ${i} is outside ${node.name} (${n} elements)`);
      return this.describe(`${node.name}[${i}]`, et, node.at + i * es);
    }
    if (d && (d.tag === TAG.pointerType) && node.scalar !== undefined) {
      const et = this.info.typeOf(d), es = BigInt(this.size(et) ?? 1);
      return this.describe(`${node.name}[${i}]`, et, BigInt.asUintN(64, node.scalar + i * es));
    }
    throw new ExprError(`${node.name} (${node.type}) is neither an array nor a pointer`);
  }

  /** How many elements an array value has, when its type says. */
  elementCount(node: ValueNode): number | undefined {
    const d = this.resolve(node.typeDie);
    return d?.tag === TAG.arrayType ? this.count(d) : undefined;
  }

  /** What a pointer points at. */
  deref(node: ValueNode): ValueNode {
    const d = this.resolve(node.typeDie);
    if (!d || (d.tag !== TAG.pointerType && d.tag !== TAG.referenceType) || node.scalar === undefined) throw new ExprError(`${node.name} (${node.type}) is not a pointer`);
    if (node.scalar === 0n) throw new ExprError(`${node.name} is a null pointer`);
    return this.describe(`*${node.name}`, this.info.typeOf(d), node.scalar);
  }

  /** The address of a value that is in memory. */
  addressOf(node: ValueNode): bigint {
    if (node.address === undefined) throw new ExprError(`${node.name} is not in memory (a register or a computed value)`);
    return node.address;
  }

  /** A value of type t at `address` (a memory address, or a synthetic one for values held elsewhere). */
  describe(name: string, t: Die | undefined, address: bigint, depth = 0): ValueNode {
    const n = this.value(name, t, address, depth);
    return { size: this.size(t), ...n, address: address < SYNTHETIC ? address : undefined, typeDie: t, at: address };
  }

  // ---- types ---------------------------------------------------------------------------------

  /** Strip typedefs and qualifiers. */
  resolve(t: Die | undefined): Die | undefined {
    let d = t;
    for (let n = 0; d && n < 16 && (d.tag === TAG.typedef || d.tag === TAG.constType || d.tag === TAG.volatileType || d.tag === TAG.restrictType); n++) d = this.info.typeOf(d);
    return d;
  }

  typeName(t: Die | undefined): string {
    if (!t) return 'void';
    const n = this.info.name(t);
    if (n) return n;
    if (t.tag === TAG.pointerType || t.tag === TAG.referenceType) return `*${this.typeName(this.info.typeOf(t))}`;
    if (t.tag === TAG.arrayType) return `[${this.typeName(this.info.typeOf(t))}; ${this.count(t) ?? '?'}]`;
    if (t.tag === TAG.constType || t.tag === TAG.volatileType) return this.typeName(this.info.typeOf(t));
    if (t.tag === TAG.structureType) return 'struct {…}';
    if (t.tag === TAG.unionType) return 'union {…}';
    return '?';
  }

  size(t: Die | undefined): number | undefined {
    const d = this.resolve(t);
    if (!d) return undefined;
    const s = this.info.num(d, AT.byteSize);
    if (s !== undefined) return s;
    if (d.tag === TAG.pointerType || d.tag === TAG.referenceType) return 8;
    if (d.tag === TAG.arrayType) {
      const n = this.count(d), e = this.size(this.info.typeOf(d));
      return n !== undefined && e !== undefined ? n * e : undefined;
    }
    return undefined;
  }

  private count(arr: Die): number | undefined {
    const sub = arr.children.find((c) => c.tag === TAG.subrangeType);
    if (!sub) return undefined;
    const c = this.info.num(sub, AT.count);
    if (c !== undefined) return c;
    const ub = this.info.num(sub, AT.upperBound);
    return ub !== undefined ? ub + 1 : undefined;
  }

  /** A member's offset: a constant, or (DWARF 2 and 3) an expression run on the struct's address 0. */
  private memberOffset(m: Die): number {
    const v = m.attrs.get(AT.dataMemberLocation);
    if (v instanceof Uint8Array) {
      try {
        const loc = runLocation(v, { reg: () => undefined, read: () => undefined }, 0n);
        return loc.place?.kind === 'memory' ? Number(loc.place.address) : 0;
      } catch { return 0; }
    }
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
  }

  /** A struct's members, worked out once per type (DWARF 2 gives each offset as an expression). */
  members(s: Die): { name: string; type?: Die; offset: number }[] {
    let list = this.memberCache.get(s);
    if (!list) {
      list = s.children.filter((c) => c.tag === TAG.member).map((m) => ({
        name: this.info.name(m) ?? '?', type: this.info.typeOf(m), offset: this.memberOffset(m),
      }));
      this.memberCache.set(s, list);
    }
    return list;
  }

  private readonly memberCache = new Map<Die, { name: string; type?: Die; offset: number }[]>();

  private scalar(address: bigint, size: number): bigint | undefined {
    const b = this.read(address, size);
    return b ? leU(b) : undefined;
  }

  private value(name: string, t: Die | undefined, address: bigint, depth: number): ValueNode {
    const d = this.resolve(t);
    const type = this.typeName(t);
    const shown = address < SYNTHETIC ? hex(address) : 'a register';
    const node = (value: string, children?: () => ValueNode[]): ValueNode => ({ name, value, type, children });
    if (!d) return node('(no type)');
    const size = this.size(d);
    switch (d.tag) {
      case TAG.baseType: {
        if (!size) return node('()');
        const raw = this.scalar(address, size);
        if (raw === undefined) return node(`<unreadable at ${shown}>`);
        const enc = this.info.num(d, AT.encoding);
        const signed = enc === 0x05 || enc === 0x06;
        return { ...node(this.formatBase(d, raw, size)), scalar: enc === 0x04 ? undefined : signed ? BigInt.asIntN(size * 8, raw) : raw };
      }
      case TAG.pointerType: case TAG.referenceType: {
        const p = this.scalar(address, 8);
        if (p === undefined) return node(`<unreadable at ${shown}>`);
        return { ...this.pointer(name, d, type, p, depth), scalar: p };
      }
      case TAG.enumerationType: {
        const raw = size ? this.scalar(address, size) : undefined;
        if (raw === undefined) return node(`<unreadable at ${shown}>`);
        const e = d.children.find((c) => c.tag === TAG.enumerator && BigInt.asUintN(size! * 8, BigInt(this.info.num(c, AT.constValue) ?? -1)) === raw);
        return { ...node(e ? (this.info.name(e) ?? String(raw)) : `${raw}`), scalar: raw };
      }
      case TAG.arrayType: {
        const n = this.count(d) ?? 0, et = this.info.typeOf(d), es = this.size(et) ?? 0;
        const rt = this.resolve(et);
        const enc = rt?.tag === TAG.baseType ? this.info.num(rt, AT.encoding) : undefined;
        if (es === 1 && (enc === 0x06 || enc === 0x08) && n > 0) {
          // char name[16]: the text up to the NUL, as gdb shows it.
          const bytes = this.read(address, Math.min(n, MAX_STRING));
          if (bytes) {
            const end = bytes.indexOf(0);
            return node(JSON.stringify(new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end))), () => this.elements(et, address, n, es, depth));
          }
        }
        return node(`[${this.typeName(et)}; ${n}]`, n && es ? () => this.elements(et, address, n, es, depth) : undefined);
      }
      case TAG.structureType: case TAG.unionType: case TAG.classType:
        return this.aggregate(name, d, type, address, depth);
      default:
        return node(`<${type}>`);
    }
  }

  private pointer(name: string, d: Die, type: string, p: bigint, depth: number): ValueNode {
    const node = (value: string, children?: () => ValueNode[]): ValueNode => ({ name, value, type, children });
    const target = this.info.typeOf(d);
    if (this.resolve(target)?.tag === TAG.subroutineType) {
      const fn = this.symbolAt(p);
      return node(fn ? `${hex(p)} <${fn}>` : hex(p));
    }
    const tsize = this.size(target);
    if (!target || !tsize || p === 0n) return node(hex(p));
    const rt = this.resolve(target);
    const enc = rt?.tag === TAG.baseType ? this.info.num(rt, AT.encoding) : undefined;
    if (tsize === 1 && (enc === 0x06 || enc === 0x08)) {
      // A C string, as gdb shows one: up to the NUL, or MAX_STRING bytes.
      const bytes = this.read(p, MAX_STRING) ?? this.read(p, Math.min(MAX_STRING, 4096 - Number(p & 0xfffn)));
      if (bytes) {
        const end = bytes.indexOf(0);
        const text = new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
        return node(`${hex(p)} ${JSON.stringify(text)}${end < 0 ? '…' : ''}`, () => [this.describe(`*${name}`, target, p, depth + 1)]);
      }
    }
    return node(hex(p), () => [this.describe(`*${name}`, target, p, depth + 1)]);
  }

  private elements(et: Die | undefined, base: bigint, n: number, es: number, depth: number): ValueNode[] {
    const out: ValueNode[] = [];
    for (let i = 0; i < Math.min(n, MAX_ELEMENTS); i++) out.push(this.describe(`[${i}]`, et, base + BigInt(i * es), depth + 1));
    if (n > MAX_ELEMENTS) out.push({ name: '…', value: `${n - MAX_ELEMENTS} more`, type: '' });
    return out;
  }

  private formatBase(d: Die, raw: bigint, size: number): string {
    const enc = this.info.num(d, AT.encoding);
    const bits = BigInt(size * 8);
    switch (enc) {
      case 0x02: return raw ? 'true' : 'false';
      case 0x04: {
        const b = new DataView(new ArrayBuffer(8));
        if (size === 4) { b.setUint32(0, Number(raw), true); return String(b.getFloat32(0, true)); }
        b.setBigUint64(0, raw, true); return String(b.getFloat64(0, true));
      }
      case 0x05: case 0x06: return String(BigInt.asIntN(Number(bits), raw));
      case 0x10: return raw < 0x110000n ? `'${String.fromCodePoint(Number(raw))}'` : String(raw); // Rust char
      default: return String(raw);
    }
  }

  private str(ptr: bigint, len: bigint): string {
    const n = Number(len < BigInt(MAX_STRING) ? len : BigInt(MAX_STRING));
    const b = n ? this.read(ptr, n) : new Uint8Array();
    if (!b) return `<unreadable at ${hex(ptr)}>`;
    return JSON.stringify(new TextDecoder().decode(b)) + (len > BigInt(MAX_STRING) ? '…' : '');
  }

  /** The first data pointer inside a value (Vec's buf.ptr.pointer.pointer, say). */
  private innerPointer(t: Die | undefined, address: bigint, depth = 0): bigint | undefined {
    const d = this.resolve(t);
    if (!d || depth > 6) return undefined;
    if (d.tag === TAG.pointerType || d.tag === TAG.referenceType) return this.scalar(address, 8);
    if (d.tag !== TAG.structureType) return undefined;
    for (const m of this.members(d)) {
      const p = this.innerPointer(m.type, address + BigInt(m.offset), depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  private aggregate(name: string, d: Die, type: string, address: bigint, depth: number): ValueNode {
    const members = this.members(d);
    const field = (n: string) => members.find((m) => m.name === n);
    const base: Omit<ValueNode, 'value'> = { name, type };
    const shown = address < SYNTHETIC ? hex(address) : 'a register';
    // &str and &[T]: a data pointer and a length.
    const dataPtr = field('data_ptr'), length = field('length');
    if (dataPtr && length) {
      const p = this.scalar(address + BigInt(dataPtr.offset), 8), n = this.scalar(address + BigInt(length.offset), 8);
      if (p === undefined || n === undefined) return { ...base, value: `<unreadable at ${shown}>` };
      if (type === '&str' || type === '&mut str') return { ...base, value: this.str(p, n) };
      const et = this.info.typeOf(this.resolve(dataPtr.type) ?? d), es = this.size(et) ?? 0;
      return { ...base, value: `len ${n}`, children: es ? () => this.elements(et, p, Number(n), es, depth) : undefined };
    }
    // Vec<T> and String: buf (RawVec) holds the pointer, len the count.
    if (/^(alloc::vec::)?Vec<.*>$/.test(type) && field('buf') && field('len')) {
      const n = this.scalar(address + BigInt(field('len')!.offset), 8) ?? 0n;
      const p = this.innerPointer(field('buf')!.type, address + BigInt(field('buf')!.offset));
      const params = d.children.find((c) => c.tag === TAG.templateTypeParameter);
      const et = params ? this.info.typeOf(params) : undefined, es = this.size(et) ?? 0;
      return { ...base, value: `len ${n}`, children: p !== undefined && es ? () => this.elements(et, p, Number(n), es, depth) : undefined };
    }
    if (/^(alloc::string::)?String$/.test(type) && field('vec')) {
      const v = address + BigInt(field('vec')!.offset), vt = this.resolve(field('vec')!.type);
      const vm = vt ? this.members(vt) : [];
      const len = vm.find((m) => m.name === 'len'), buf = vm.find((m) => m.name === 'buf');
      if (len && buf) {
        const p = this.innerPointer(buf.type, v + BigInt(buf.offset)), n = this.scalar(v + BigInt(len.offset), 8);
        if (p !== undefined && n !== undefined) return { ...base, value: this.str(p, n) };
      }
    }
    // Rust enums: a variant part chooses the member by the discriminant.
    const part = d.children.find((c) => c.tag === TAG.variantPart);
    if (part) return this.enumValue(base, part, address, depth);
    const children = (): ValueNode[] => members.map((m) => this.describe(m.name, m.type, address + BigInt(m.offset), depth + 1));
    if (members.length === 0) return { ...base, value: type };
    const summary = depth > 1 ? `{…}` : `{ ${members.slice(0, 4).map((m) => `${m.name}: ${this.describe(m.name, m.type, address + BigInt(m.offset), depth + 1).value}`).join(', ')}${members.length > 4 ? ', …' : ''} }`;
    return { ...base, value: summary, children };
  }

  private enumValue(base: Omit<ValueNode, 'value'>, part: Die, address: bigint, depth: number): ValueNode {
    const discrRef = part.attrs.get(AT.discr);
    const discrDie = typeof discrRef === 'number' ? this.info.at(discrRef) : undefined;
    let chosen: Die | undefined;
    if (discrDie) {
      const size = this.size(this.info.typeOf(discrDie)) ?? 8;
      const v = this.scalar(address + BigInt(this.memberOffset(discrDie)), size);
      const variants = part.children.filter((c) => c.tag === TAG.variant);
      chosen = variants.find((c) => { const dv = c.attrs.get(AT.discrValue); return dv !== undefined && v !== undefined && BigInt.asUintN(size * 8, BigInt(dv as number)) === v; })
        ?? variants.find((c) => !c.attrs.has(AT.discrValue));
    } else chosen = part.children.find((c) => c.tag === TAG.variant);
    const member = chosen?.children.find((c) => c.tag === TAG.member);
    if (!member) return { ...base, value: `<${base.type}>` };
    const vname = this.info.name(member) ?? '?';
    const vtype = this.resolve(this.info.typeOf(member));
    const at = address + BigInt(this.memberOffset(member));
    const fields = vtype ? this.members(vtype) : [];
    if (fields.length === 0) return { ...base, value: vname };
    const children = (): ValueNode[] => fields.map((f) => this.describe(f.name, f.type, at + BigInt(f.offset), depth + 1));
    const inner = depth > 0 ? '…' : fields.map((f) => this.describe(f.name, f.type, at + BigInt(f.offset), depth + 1).value).join(', ');
    return { ...base, value: `${vname}(${inner})`, children };
  }
}

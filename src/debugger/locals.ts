// Source-level variables: the locals and parameters live at a pc, read from guest memory and
// shown by their DWARF types, with the Rust shapes a learner meets first (&str, slices, String,
// Vec, Option and other enums) shown as values rather than as their raw fields. Knows nothing
// of DAP: the session turns ValueNodes into Variables.
import { AT, DebugInfo, TAG, type Die } from './dwarf/info.js';
import { Reader } from './dwarf/reader.js';
import { hex } from '../emulator/hex.js';

export interface ValueNode {
  name: string;
  value: string;
  type: string;
  /** Where the value lives, for memory views and data breakpoints. */
  address?: bigint;
  /** The value as a number, for expressions (integers, bools, chars, C enums, pointers). */
  scalar?: bigint;
  /** Its size in bytes, when the type says. */
  size?: number;
  /** Children, computed when the user expands the node. */
  children?: () => ValueNode[];
}

export interface FrameRegs {
  /** A register of the frame (x0–x31), when known. */
  reg(n: number): bigint | undefined;
  /** The frame's canonical frame address, for DW_OP_call_frame_cfa. */
  cfa?: bigint;
}

type Memory = (address: bigint, size: number) => Uint8Array | undefined;

const MAX_ELEMENTS = 100;
const MAX_STRING = 200;

function leU(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export class Locals {
  constructor(private readonly info: DebugInfo, private readonly read: Memory,
    private readonly symbolAt: (address: bigint) => string | undefined = () => undefined) {}

  /** The variables in scope at pc in a frame, innermost scope first. */
  at(pc: bigint, frame: FrameRegs): ValueNode[] {
    const out: ValueNode[] = [];
    const seen = new Set<string>();
    for (const { die, frameBase } of this.info.variablesAt(pc)) {
      const name = this.info.name(die) ?? '?';
      const type = this.info.typeOf(die);
      // An inner variable shadows an outer one of the same name, as in the source.
      const shown = seen.has(name) ? `${name} (outer)` : name;
      seen.add(name);
      const where = die.attrs.get(AT.location);
      // An optimised build gives a location list (an offset into .debug_loclists) instead of one
      // expression.
      const loc = where instanceof Uint8Array ? this.locate(where, frame, frameBase)
        : 'kept in a location list, which Chronos does not read yet';
      if (typeof loc === 'string') out.push({ name: shown, value: `<${loc}>`, type: this.typeName(type) });
      else out.push(this.describe(shown, type, loc));
    }
    return out;
  }

  /** Run a DWARF location expression: the address of the value, or why not. */
  locate(expr: Uint8Array, frame: FrameRegs, frameBase?: Uint8Array): bigint | string {
    const stack: bigint[] = [];
    const r = new Reader(expr);
    while (!r.done) {
      const op = r.u8();
      if (op === 0x03) stack.push(r.u64());                                                  // addr
      else if (op === 0x91) {                                                                // fbreg
        const off = BigInt(r.sleb());
        if (!frameBase) return 'no frame base';
        const base = this.frameBase(frameBase, frame);
        if (typeof base === 'string') return base;
        stack.push(BigInt.asUintN(64, base + off));
      } else if (op >= 0x70 && op <= 0x8f) {                                                 // breg0..31
        const reg = frame.reg(op - 0x70), off = BigInt(r.sleb());
        if (reg === undefined) return `x${op - 0x70} is not known in this frame`;
        stack.push(BigInt.asUintN(64, reg + off));
      } else if (op >= 0x50 && op <= 0x6f) return `in register x${op - 0x50}`;              // reg0..31
      else if (op === 0x9c) { if (frame.cfa === undefined) return 'no call-frame address'; stack.push(frame.cfa); }
      else if (op === 0x23) stack.push(BigInt.asUintN(64, (stack.pop() ?? 0n) + BigInt(r.uleb()))); // plus_uconst
      else if (op === 0x06) {                                                                // deref
        const v = this.scalar(stack.pop() ?? 0n, 8);
        if (v === undefined) return 'unreadable';
        stack.push(v);
      } else if (op === 0x93) return 'split across places';                                  // piece
      else return `location operation 0x${op.toString(16)}`;
    }
    return stack.length ? stack[stack.length - 1] : 'empty location';
  }

  private frameBase(expr: Uint8Array, frame: FrameRegs): bigint | string {
    const op = expr[0];
    if (expr.length === 1 && op >= 0x50 && op <= 0x6f) return frame.reg(op - 0x50) ?? `x${op - 0x50} is not known in this frame`;
    if (expr.length === 1 && op === 0x9c) return frame.cfa ?? 'no call-frame address';
    return this.locate(expr, frame);
  }

  /** Strip typedefs and qualifiers. */
  private resolve(t: Die | undefined): Die | undefined {
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
    return '?';
  }

  private size(t: Die | undefined): number | undefined {
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

  private members(s: Die): { name: string; type?: Die; offset: number }[] {
    return s.children.filter((c) => c.tag === TAG.member).map((m) => ({
      name: this.info.name(m) ?? '?', type: this.info.typeOf(m), offset: this.info.num(m, AT.dataMemberLocation) ?? 0,
    }));
  }

  private scalar(address: bigint, size: number): bigint | undefined {
    const b = this.read(address, size);
    return b ? leU(b) : undefined;
  }

  /** A value of type t at address, as a node with a one-line summary and lazy children. */
  describe(name: string, t: Die | undefined, address: bigint, depth = 0): ValueNode {
    return { size: this.size(t), ...this.value(name, t, address, depth) };
  }

  private value(name: string, t: Die | undefined, address: bigint, depth: number): ValueNode {
    const d = this.resolve(t);
    const type = this.typeName(t);
    const node = (value: string, children?: () => ValueNode[]): ValueNode => ({ name, value, type, address, children });
    if (!d) return node('(no type)');
    const size = this.size(d);
    switch (d.tag) {
      case TAG.baseType: {
        if (!size) return node('()');
        const raw = this.scalar(address, size);
        if (raw === undefined) return node(`<unreadable at ${hex(address)}>`);
        const enc = this.info.num(d, AT.encoding);
        const signed = enc === 0x05 || enc === 0x06;
        return { ...node(this.formatBase(d, raw, size)), scalar: enc === 0x04 ? undefined : signed ? BigInt.asIntN(size * 8, raw) : raw };
      }
      case TAG.pointerType: case TAG.referenceType: {
        const p = this.scalar(address, 8);
        if (p === undefined) return node(`<unreadable at ${hex(address)}>`);
        return { ...this.pointer(name, d, type, address, p, depth), scalar: p };
      }
      case TAG.enumerationType: {
        const raw = size ? this.scalar(address, size) : undefined;
        if (raw === undefined) return node(`<unreadable at ${hex(address)}>`);
        const e = d.children.find((c) => c.tag === TAG.enumerator && BigInt(this.info.num(c, AT.constValue) ?? -1) === raw);
        return { ...node(e ? (this.info.name(e) ?? String(raw)) : `${raw}`), scalar: raw };
      }
      case TAG.arrayType: {
        const n = this.count(d) ?? 0, et = this.info.typeOf(d), es = this.size(et) ?? 0;
        return node(`[${this.typeName(et)}; ${n}]`, n && es ? () => this.elements(et, address, n, es, depth) : undefined);
      }
      case TAG.structureType: case TAG.unionType:
        return this.aggregate(name, d, type, address, depth);
      default:
        return node(`<${type}>`);
    }
  }

  private pointer(name: string, d: Die, type: string, address: bigint, p: bigint, depth: number): ValueNode {
    const node = (value: string, children?: () => ValueNode[]): ValueNode => ({ name, value, type, address, children });
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
    const base: Omit<ValueNode, 'value'> = { name, type, address };
    // &str and &[T]: a data pointer and a length.
    const dataPtr = field('data_ptr'), length = field('length');
    if (dataPtr && length) {
      const p = this.scalar(address + BigInt(dataPtr.offset), 8), n = this.scalar(address + BigInt(length.offset), 8);
      if (p === undefined || n === undefined) return { ...base, value: `<unreadable at ${hex(address)}>` };
      if (type === '&str' || type === '&mut str') return { ...base, value: this.str(p, n) };
      const et = this.info.typeOf(this.resolve(dataPtr.type) ?? d), es = this.size(et) ?? 0;
      return { ...base, value: `len ${n}`, children: es ? () => this.elements(et, p, Number(n), es, depth) : undefined };
    }
    // Vec<T> and String: buf (RawVec) holds the pointer, len the count.
    if (/^(alloc::vec::)?Vec<.*>$/.test(type) && field('buf') && field('len')) {
      const n = this.scalar(address + BigInt(field('len')!.offset), 8) ?? 0n;
      const p = this.innerPointer(field('buf')!.type, address + BigInt(field('buf')!.offset));
      const params = d.children.find((c) => c.tag === 0x2f); // template_type_parameter T
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
    const summary = depth > 0 ? `{…}` : `{ ${members.slice(0, 4).map((m) => `${m.name}: ${this.describe(m.name, m.type, address + BigInt(m.offset), depth + 1).value}`).join(', ')}${members.length > 4 ? ', …' : ''} }`;
    return { ...base, value: summary, children };
  }

  private enumValue(base: Omit<ValueNode, 'value'>, part: Die, address: bigint, depth: number): ValueNode {
    const discrRef = part.attrs.get(AT.discr);
    const discrDie = typeof discrRef === 'number' ? this.info.at(discrRef) : undefined;
    let chosen: Die | undefined;
    if (discrDie) {
      const size = this.size(this.info.typeOf(discrDie)) ?? 8;
      const v = this.scalar(address + BigInt(this.info.num(discrDie, AT.dataMemberLocation) ?? 0), size);
      const variants = part.children.filter((c) => c.tag === TAG.variant);
      chosen = variants.find((c) => { const dv = c.attrs.get(AT.discrValue); return dv !== undefined && v !== undefined && BigInt.asUintN(size * 8, BigInt(dv as number)) === v; })
        ?? variants.find((c) => !c.attrs.has(AT.discrValue));
    } else chosen = part.children.find((c) => c.tag === TAG.variant);
    const member = chosen?.children.find((c) => c.tag === TAG.member);
    if (!member) return { ...base, value: `<${base.type}>` };
    const vname = this.info.name(member) ?? '?';
    const vtype = this.resolve(this.info.typeOf(member));
    const at = address + BigInt(this.info.num(member, AT.dataMemberLocation) ?? 0);
    const fields = vtype ? this.members(vtype) : [];
    if (fields.length === 0) return { ...base, value: vname };
    const children = (): ValueNode[] => fields.map((f) => this.describe(f.name, f.type, at + BigInt(f.offset), depth + 1));
    const inner = depth > 0 ? '…' : fields.map((f) => this.describe(f.name, f.type, at + BigInt(f.offset), depth + 1).value).join(', ');
    return { ...base, value: `${vname}(${inner})`, children };
  }
}

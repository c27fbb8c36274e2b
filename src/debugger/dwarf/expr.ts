// DWARF location expressions (DWARF 2-5 §2.5-2.6, and the GNU extensions GCC emits before
// DWARF 5): a stack machine whose result is where a value lives (memory, a register, several
// pieces of either), or the value itself (DW_OP_stack_value, DW_OP_implicit_value), or nothing
// (an empty expression: the value was optimised away). Register numbers are DWARF's for RISC-V:
// 0-31 the integer registers, 32-63 the FP registers.
import { Reader } from './reader.js';

export type Place =
  | { kind: 'memory'; address: bigint }
  | { kind: 'register'; reg: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'optimized' };

export interface Piece { place: Place; bytes: number }

/** Where a value is: one place, or a composite of pieces (DW_OP_piece), in order. */
export type Location = { place: Place; pieces?: undefined } | { place?: undefined; pieces: Piece[] };

export interface ExprContext {
  /** A register of the frame (DWARF number), when the unwinder knows it. */
  reg(n: number): bigint | undefined;
  /** `size` bytes of memory, little-endian, or undefined. */
  read(address: bigint, size: number): bigint | undefined;
  /** The frame's canonical frame address (DW_OP_call_frame_cfa). */
  cfa?: bigint;
  /** The function's frame base (DW_OP_fbreg), or why it is not known. */
  frameBase?(): bigint | string;
  /** DW_OP_entry_value: the value an expression had on entry to the function, or why not. */
  entryValue?(expr: Uint8Array): bigint | string;
  /** An entry of .debug_addr (DW_OP_addrx, DW_OP_constx). */
  addrx?(index: number): bigint | undefined;
}

export class ExprError extends Error {}

export const regName = (n: number): string => (n < 32 ? `x${n}` : n < 64 ? `f${n - 32}` : `DWARF register ${n}`);

const u = (v: bigint): bigint => BigInt.asUintN(64, v);
const s = (v: bigint): bigint => BigInt.asIntN(64, v);

/**
 * Run a location expression. Throws ExprError with the reason when it cannot be run here
 * (a register the frame does not know, unreadable memory, an operation Chronos does not model).
 * `initial` is pushed first (a member's address for DW_AT_data_member_location).
 */
export function runLocation(expr: Uint8Array, ctx: ExprContext, initial?: bigint): Location {
  if (expr.length === 0) return { place: { kind: 'optimized' } };
  const stack: bigint[] = initial === undefined ? [] : [initial];
  const pieces: Piece[] = [];
  /** What the operations since the last piece describe, when it is not an address on the stack. */
  let pending: Place | undefined;
  const r = new Reader(expr);
  const pop = (): bigint => {
    const v = stack.pop();
    if (v === undefined) throw new ExprError('the location expression pops an empty stack');
    return v;
  };
  const reg = (n: number): bigint => {
    const v = ctx.reg(n);
    if (v === undefined) throw new ExprError(`${regName(n)} is not known in this frame`);
    return v;
  };
  const read = (addr: bigint, size: number): bigint => {
    const v = ctx.read(u(addr), size);
    if (v === undefined) throw new ExprError(`memory at 0x${u(addr).toString(16)} is not readable`);
    return v;
  };
  const current = (): Place => pending ?? (stack.length ? { kind: 'memory', address: u(stack[stack.length - 1]) } : { kind: 'optimized' });
  const bin = (f: (a: bigint, b: bigint) => bigint): void => { const b = pop(), a = pop(); stack.push(u(f(a, b))); };
  while (!r.done) {
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) { stack.push(BigInt(op - 0x30)); continue; }            // lit0..31
    if (op >= 0x50 && op <= 0x6f) { pending = { kind: 'register', reg: op - 0x50 }; continue; } // reg0..31
    if (op >= 0x70 && op <= 0x8f) { const off = BigInt(r.sleb()); stack.push(u(reg(op - 0x70) + off)); continue; } // breg0..31
    switch (op) {
      case 0x03: stack.push(r.u64()); break;                                                // addr
      case 0x06: stack.push(read(pop(), 8)); break;                                         // deref
      case 0x08: stack.push(BigInt(r.u8())); break;                                         // const1u
      case 0x09: stack.push(u(BigInt(r.i8()))); break;                                      // const1s
      case 0x0a: stack.push(BigInt(r.u16())); break;
      case 0x0b: stack.push(u(BigInt.asIntN(16, BigInt(r.u16())))); break;
      case 0x0c: stack.push(BigInt(r.u32())); break;
      case 0x0d: stack.push(u(BigInt.asIntN(32, BigInt(r.u32())))); break;
      case 0x0e: case 0x0f: stack.push(r.u64()); break;                                     // const8u/s
      case 0x10: stack.push(BigInt(r.uleb())); break;                                       // constu
      case 0x11: stack.push(u(BigInt(r.sleb()))); break;                                    // consts
      case 0x12: { const v = pop(); stack.push(v, v); break; }                              // dup
      case 0x13: pop(); break;                                                              // drop
      case 0x14: { if (stack.length < 2) throw new ExprError('over on a short stack'); stack.push(stack[stack.length - 2]); break; }
      case 0x15: { const i = r.u8(); if (i >= stack.length) throw new ExprError('pick beyond the stack'); stack.push(stack[stack.length - 1 - i]); break; }
      case 0x16: { const b = pop(), a = pop(); stack.push(b, a); break; }                   // swap
      case 0x17: { const c = pop(), b = pop(), a = pop(); stack.push(c, a, b); break; }     // rot
      case 0x19: { const v = s(pop()); stack.push(u(v < 0n ? -v : v)); break; }            // abs
      case 0x1a: bin((a, b) => a & b); break;
      case 0x1b: bin((a, b) => { if (b === 0n) throw new ExprError('division by zero'); return s(a) / s(b); }); break;
      case 0x1c: bin((a, b) => a - b); break;
      case 0x1d: bin((a, b) => { if (b === 0n) throw new ExprError('division by zero'); return a % b; }); break;
      case 0x1e: bin((a, b) => a * b); break;
      case 0x1f: stack.push(u(-pop())); break;                                              // neg
      case 0x20: stack.push(u(~pop())); break;                                              // not
      case 0x21: bin((a, b) => a | b); break;
      case 0x22: bin((a, b) => a + b); break;
      case 0x23: stack.push(u(pop() + BigInt(r.uleb()))); break;                            // plus_uconst
      case 0x24: bin((a, b) => (b >= 64n ? 0n : a << b)); break;
      case 0x25: bin((a, b) => (b >= 64n ? 0n : a >> b)); break;
      case 0x26: bin((a, b) => s(a) >> (b >= 64n ? 63n : b)); break;                        // shra
      case 0x27: bin((a, b) => a ^ b); break;
      case 0x28: { const off = BigInt.asIntN(16, BigInt(r.u16())); if (pop() !== 0n) r.pos += Number(off); break; } // bra
      case 0x29: bin((a, b) => (a === b ? 1n : 0n)); break;
      case 0x2a: bin((a, b) => (s(a) >= s(b) ? 1n : 0n)); break;
      case 0x2b: bin((a, b) => (s(a) > s(b) ? 1n : 0n)); break;
      case 0x2c: bin((a, b) => (s(a) <= s(b) ? 1n : 0n)); break;
      case 0x2d: bin((a, b) => (s(a) < s(b) ? 1n : 0n)); break;
      case 0x2e: bin((a, b) => (a !== b ? 1n : 0n)); break;
      case 0x2f: { const off = BigInt.asIntN(16, BigInt(r.u16())); r.pos += Number(off); break; } // skip
      case 0x90: pending = { kind: 'register', reg: r.uleb() }; break;                      // regx
      case 0x91: {                                                                          // fbreg
        const off = BigInt(r.sleb());
        const base = ctx.frameBase ? ctx.frameBase() : 'the function has no frame base';
        if (typeof base === 'string') throw new ExprError(base);
        stack.push(u(base + off));
        break;
      }
      case 0x92: { const n = r.uleb(), off = BigInt(r.sleb()); stack.push(u(reg(n) + off)); break; } // bregx
      case 0x93: {                                                                          // piece
        pieces.push({ place: current(), bytes: r.uleb() });
        pending = undefined;
        stack.length = 0;
        break;
      }
      case 0x94: { const n = r.u8(); stack.push(read(pop(), n)); break; }                   // deref_size
      case 0x96: break;                                                                     // nop
      case 0x9c:                                                                            // call_frame_cfa
        if (ctx.cfa === undefined) throw new ExprError('the call-frame address is not known here');
        stack.push(ctx.cfa);
        break;
      case 0x9d: {                                                                          // bit_piece
        const bits = r.uleb(); r.uleb();
        if (bits % 8) throw new ExprError('a bit piece that is not whole bytes');
        pieces.push({ place: current(), bytes: bits / 8 });
        pending = undefined;
        stack.length = 0;
        break;
      }
      case 0x9e: { const n = r.uleb(); pending = { kind: 'bytes', bytes: expr.slice(r.pos, r.pos + n) }; r.pos += n; break; } // implicit_value
      case 0x9f: pending = { kind: 'value', value: pop() }; break;                          // stack_value
      case 0xa0: case 0xf2: return { place: { kind: 'optimized' } };                        // implicit_pointer: the pointee has no address
      case 0xa1: case 0xa2: case 0xfb: case 0xfc: {                                         // addrx, constx (and GNU's)
        const v = ctx.addrx?.(r.uleb());
        if (v === undefined) throw new ExprError('an address index without .debug_addr');
        stack.push(v);
        break;
      }
      case 0xa3: case 0xf3: {                                                               // entry_value
        const n = r.uleb();
        const inner = expr.subarray(r.pos, r.pos + n);
        r.pos += n;
        const v = ctx.entryValue ? ctx.entryValue(inner) : 'entry values are not known here';
        if (typeof v === 'string') throw new ExprError(v);
        stack.push(v);
        break;
      }
      case 0xa4: case 0xf4: {                                                               // const_type
        r.uleb();
        const n = r.u8();
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(expr[r.pos + i]);
        r.pos += n;
        stack.push(u(v));
        break;
      }
      case 0xa5: case 0xf5: { const n = r.uleb(); r.uleb(); stack.push(reg(n)); break; }   // regval_type
      case 0xa6: case 0xf6: { const n = r.u8(); r.uleb(); stack.push(read(pop(), n)); break; } // deref_type
      case 0xa9: case 0xf7: case 0xaa: case 0xf9: r.uleb(); break;                          // convert, reinterpret
      case 0xf0: break;                                                                     // GNU_uninit
      default:
        throw new ExprError(`DWARF location operation 0x${op.toString(16)} is not supported`);
    }
  }
  if (pieces.length) return { pieces };
  return { place: current() };
}

/**
 * The value of an expression that computes a number (DW_AT_frame_base, a call site's
 * DW_AT_call_value, an entry value's inner expression): a register's content for DW_OP_regN.
 */
export function runValue(expr: Uint8Array, ctx: ExprContext): bigint {
  const loc = runLocation(expr, ctx);
  const place = loc.place;
  if (!place) throw new ExprError('a value in pieces where a number is expected');
  switch (place.kind) {
    case 'memory': return place.address;
    case 'value': return place.value;
    case 'register': { const v = ctx.reg(place.reg); if (v === undefined) throw new ExprError(`${regName(place.reg)} is not known in this frame`); return v; }
    case 'bytes': { let v = 0n; for (let i = Math.min(8, place.bytes.length) - 1; i >= 0; i--) v = (v << 8n) | BigInt(place.bytes[i]); return v; }
    default: throw new ExprError('optimised out');
  }
}

// Integer loads and stores as calls, for translated blocks: the same TLB check and RAM access
// the inline form (codegen.ts, Gen.loadVia/storeVia) spells out, written once here. Most
// blocks of a kernel run a few hundred to a few thousand times, below what V8 optimizes, and
// there the inline check costs some twenty bytecodes per access; a call to these methods is a
// few, and the methods themselves are hot (every block calls them) so they are optimized early,
// and V8 inlines them into the blocks that get hot. See docs/performance.md.
//
// One instance per hart and privilege (each privilege has its own TLB set). The address is in
// the ADDR scratch slot, as for the slow paths; false means the block must leave: the access
// trapped (or a watchpoint stopped it), or it retired and the block must leave (EXC_LEAVE).
import type { Hart } from '../cpu/hart.js';
import { EXC_LEAVE, EXC_NONE } from '../cpu/exits.js';
import type { Tlb } from '../cpu/tlb.js';
import { ADDR_SLOT, CODE_CHUNK_SHIFT, DATA_SLOT, TLB_SIZE } from './codegen.js';

const LO = 2 * ADDR_SLOT, HI = 2 * ADDR_SLOT + 1;

export class MemAccess {
  private readonly x: BigInt64Array;
  private readonly u: Uint32Array;
  private readonly i32: Int32Array;
  private readonly r8: Int8Array; private readonly ru8: Uint8Array;
  private readonly r16: Int16Array; private readonly ru16: Uint16Array;
  private readonly r32: Int32Array; private readonly ru32: Uint32Array;
  private readonly r64: BigInt64Array;
  private readonly tr: Int32Array; private readonly trh: Uint32Array; private readonly tro: Int32Array;
  private readonly tw: Int32Array; private readonly twh: Uint32Array; private readonly two: Int32Array;

  constructor(private readonly h: Hart, t: Tlb, private readonly cc: Uint16Array) {
    const ram = h.bus.ram;
    this.x = h.x; this.u = h.u; this.i32 = h.i32;
    this.r8 = ram.r8; this.ru8 = ram.ru8; this.r16 = ram.r16; this.ru16 = ram.ru16;
    this.r32 = ram.r32; this.ru32 = ram.ru32; this.r64 = ram.r64;
    this.tr = t.r; this.trh = t.rh; this.tro = t.ro;
    this.tw = t.w; this.twh = t.wh; this.two = t.wo;
  }

  /** Whether this was made for that code-chunk map (a hart gets one when its cache attaches). */
  uses(cc: Uint16Array): boolean { return this.cc === cc; }

  /**
   * The address slot = rs1 + imm, in 32-bit halves: in the cold form the block passes
   * registers and offset instead of computing a BigInt address itself.
   */
  private address(rs1: number, imm: number): number {
    const u = this.u, base = u[2 * rs1], lo = (base + imm) >>> 0;
    // A carry out of the low half when adding a non-negative offset, a borrow for a negative one.
    u[HI] = u[2 * rs1 + 1] + (imm < 0 ? (lo > base ? -1 : 0) : (lo < base ? 1 : 0));
    u[LO] = lo;
    return lo;
  }

  /** The RAM byte offset of a load of `size` at the address slot, or -1 (a miss or misaligned). */
  private readHit(size: number): number {
    const lo = this.u[LO], e = (lo >>> 12) & (TLB_SIZE - 1);
    return this.tr[e] === (lo & -4096) && this.trh[e] === this.u[HI] && (lo & (size - 1)) === 0 ? this.tro[e] + (lo & 4095) : -1;
  }

  /**
   * The slow path's value into rd; false when it trapped (the load did not retire) or when the
   * block must leave after it (EXC_LEAVE, with rd written: Hart.loadSlow).
   */
  private readSlow(rd: number, size: 1 | 2 | 4 | 8, signed: boolean): boolean {
    const v = this.h.loadSlow(size, signed), exc = this.h.exc;
    if (exc !== EXC_NONE && exc !== EXC_LEAVE) return false;
    if (rd !== 0) this.x[rd] = v;
    return exc === EXC_NONE;
  }

  ld(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(8);
    if (o < 0) return this.readSlow(rd, 8, true);
    const v = this.r64[o >>> 3];
    if (rd !== 0) this.x[rd] = v;
    return true;
  }

  lw(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(4);
    if (o < 0) return this.readSlow(rd, 4, true);
    const v = this.r32[o >>> 2];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  lwu(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(4);
    if (o < 0) return this.readSlow(rd, 4, false);
    const v = this.ru32[o >>> 2];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  lh(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(2);
    if (o < 0) return this.readSlow(rd, 2, true);
    const v = this.r16[o >>> 1];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  lhu(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(2);
    if (o < 0) return this.readSlow(rd, 2, false);
    const v = this.ru16[o >>> 1];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  lb(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(1);
    if (o < 0) return this.readSlow(rd, 1, true);
    const v = this.r8[o];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  lbu(rd: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.readHit(1);
    if (o < 0) return this.readSlow(rd, 1, false);
    const v = this.ru8[o];
    if (rd !== 0) this.x[rd] = BigInt(v);
    return true;
  }

  /**
   * The RAM byte offset of a store of `size` at the address slot, or -1: a miss, misaligned,
   * or into translated code (which the slow path drops first).
   */
  private writeHit(size: number): number {
    const lo = this.u[LO], e = (lo >>> 12) & (TLB_SIZE - 1);
    if (this.tw[e] !== (lo & -4096) || this.twh[e] !== this.u[HI] || (lo & (size - 1)) !== 0) return -1;
    const o = this.two[e] + (lo & 4095);
    return this.cc[o >>> CODE_CHUNK_SHIFT] === 0 ? o : -1;
  }

  sd(rs2: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.writeHit(8);
    if (o < 0) { this.x[DATA_SLOT] = this.x[rs2]; return this.h.storeSlow(8); }
    this.r64[o >>> 3] = this.x[rs2];
    return true;
  }

  sw(rs2: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.writeHit(4);
    if (o < 0) { this.x[DATA_SLOT] = this.x[rs2]; return this.h.storeSlow(4); }
    this.r32[o >>> 2] = this.i32[2 * rs2];
    return true;
  }

  sh(rs2: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.writeHit(2);
    if (o < 0) { this.x[DATA_SLOT] = this.x[rs2]; return this.h.storeSlow(2); }
    this.ru16[o >>> 1] = this.u[2 * rs2];
    return true;
  }

  sb(rs2: number, rs1: number, imm: number): boolean {
    this.address(rs1, imm);
    const o = this.writeHit(1);
    if (o < 0) { this.x[DATA_SLOT] = this.x[rs2]; return this.h.storeSlow(1); }
    this.ru8[o] = this.u[2 * rs2];
    return true;
  }
}

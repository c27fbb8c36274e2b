// A reference model of the RV64IM arithmetic, written from the ISA manual's definitions with
// plain BigInt arithmetic, independent of the emulator's code generators.
const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const MIN64 = -(1n << 63n), MIN32 = -(1n << 31n);

/** Division rounding toward zero on unbounded integers. */
const tdiv = (a: bigint, b: bigint): bigint => a / b;

export const REFERENCE: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => s64(a + b), sub: (a, b) => s64(a - b),
  sll: (a, b) => s64(a << (u64(b) & 63n)), srl: (a, b) => s64(u64(a) >> (u64(b) & 63n)), sra: (a, b) => s64(a >> (u64(b) & 63n)),
  slt: (a, b) => (a < b ? 1n : 0n), sltu: (a, b) => (u64(a) < u64(b) ? 1n : 0n),
  xor: (a, b) => s64(a ^ b), or: (a, b) => s64(a | b), and: (a, b) => s64(a & b),
  addw: (a, b) => s32(a + b), subw: (a, b) => s32(a - b),
  sllw: (a, b) => s32(a << (u64(b) & 31n)), srlw: (a, b) => s32(u32(a) >> (u64(b) & 31n)), sraw: (a, b) => s32(s32(a) >> (u64(b) & 31n)),
  mul: (a, b) => s64(a * b),
  mulh: (a, b) => s64((a * b) >> 64n),
  mulhsu: (a, b) => s64((a * u64(b)) >> 64n),
  mulhu: (a, b) => s64((u64(a) * u64(b)) >> 64n),
  div: (a, b) => (b === 0n ? -1n : a === MIN64 && b === -1n ? MIN64 : tdiv(a, b)),
  divu: (a, b) => (b === 0n ? -1n : s64(u64(a) / u64(b))),
  rem: (a, b) => (b === 0n ? a : a === MIN64 && b === -1n ? 0n : a - tdiv(a, b) * b),
  remu: (a, b) => (b === 0n ? a : s64(u64(a) % u64(b))),
  mulw: (a, b) => s32(a * b),
  divw: (a, b) => { const x = s32(a), y = s32(b); return y === 0n ? -1n : x === MIN32 && y === -1n ? MIN32 : s32(tdiv(x, y)); },
  divuw: (a, b) => { const x = u32(a), y = u32(b); return y === 0n ? -1n : s32(x / y); },
  remw: (a, b) => { const x = s32(a), y = s32(b); return y === 0n ? x : x === MIN32 && y === -1n ? 0n : s32(x - tdiv(x, y) * y); },
  remuw: (a, b) => { const x = u32(a), y = u32(b); return y === 0n ? s32(x) : s32(x % y); },
};

export const EDGE_VALUES: bigint[] = [0n, 1n, -1n, 2n, 7n, -7n, 31n, 32n, 33n, 63n, 64n, 0x7fffffffn, -0x80000000n, 0x80000000n,
  0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, MIN64, 0x5555555555555555n, -0x123456789abcdefn];

export { M64 };

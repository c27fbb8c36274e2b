// The tests' one seeded PRNG: a seed replays a generated program or operand list exactly.

/** Deterministic 32-bit PRNG (xorshift32). */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = (seed >>> 0) || 0x9e3779b9; for (let i = 0; i < 4; i++) this.next(); }
  next(): number { let x = this.x; x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; this.x = x >>> 0; return this.x; }
  below(n: number): number { return this.next() % n; }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
  chance(p: number): boolean { return this.next() / 2 ** 32 < p; }
  u64(): bigint { return (BigInt(this.next()) << 32n) | BigInt(this.next()); }
}

// The pcs the machine stops at, kept so that the dispatcher's question "is there a breakpoint
// here?" costs one Map lookup on the pc's low half and nothing at all while the set is empty.

export class BreakpointSet {
  /** pc low 32 bits → the high halves of the breakpoints that share them. */
  private readonly byLow = new Map<number, bigint[]>();
  private count = 0;

  get size(): number { return this.count; }

  /** Replace the set; returns the pcs that were not in it before. */
  replace(pcs: Iterable<bigint>): bigint[] {
    const wanted = [...new Set([...pcs].map((pc) => BigInt.asUintN(64, pc)))];
    const added = wanted.filter((pc) => !this.has(pc));
    this.byLow.clear();
    this.count = 0;
    for (const pc of wanted) {
      const lo = Number(pc & 0xffffffffn);
      const list = this.byLow.get(lo) ?? [];
      list.push(pc >> 32n);
      this.byLow.set(lo, list);
      this.count++;
    }
    return added;
  }

  /** Whether some breakpoint's low 32 bits are these (a pc's low half, as the register file's Uint32Array holds it). */
  hasLow(lo: number): boolean { return this.byLow.has(lo); }

  has(pc: bigint): boolean {
    const v = BigInt.asUintN(64, pc);
    return this.byLow.get(Number(v & 0xffffffffn))?.includes(v >> 32n) ?? false;
  }
}

// A debugging-information entry's attributes, answering as a Map<attribute, value> would, but
// made of the attribute codes of the entry's abbreviation (one array shared by every entry of
// that abbreviation) and an array of this entry's values. A unit of a Rust kernel has tens of
// thousands of entries: a Map each was most of the memory, and of the collector's work, that
// reading one cost (docs/performance.md).

/** V: the values' type, which must not include undefined (it stands for "absent" here). */
export class Attrs<V> {
  /**
   * `keys` may be shared with other entries and is never changed in place: an entry that gains
   * or loses an attribute gets its own copy. Values are in the order of `keys`.
   */
  constructor(private keys: readonly number[], private readonly vals: V[]) {}

  get size(): number { return this.keys.length; }

  get(at: number): V | undefined {
    const k = this.keys;
    for (let i = 0; i < k.length; i++) if (k[i] === at) return this.vals[i];
    return undefined;
  }

  has(at: number): boolean { return this.keys.includes(at); }

  /** As Map.set: a new attribute goes last. */
  set(at: number, v: V): this {
    const i = this.keys.indexOf(at);
    if (i >= 0) this.vals[i] = v;
    else { this.keys = [...this.keys, at]; this.vals.push(v); }
    return this;
  }

  delete(at: number): boolean {
    const i = this.keys.indexOf(at);
    if (i < 0) return false;
    this.keys = this.keys.filter((_, j) => j !== i);
    this.vals.splice(i, 1);
    return true;
  }

  values(): IterableIterator<V> { return Array.from(this, ([, v]) => v).values(); }

  /** [attribute, value] pairs in order; as a Map's iterator, it sees what is set or deleted while it runs. */
  *[Symbol.iterator](): IterableIterator<[number, V]> {
    let i = 0;
    while (i < this.keys.length) {
      const k = this.keys[i];
      yield [k, this.vals[i]];
      const j = this.keys.indexOf(k);
      i = j >= 0 ? j + 1 : i; // deleted: the ones after it moved down by one
    }
  }
}

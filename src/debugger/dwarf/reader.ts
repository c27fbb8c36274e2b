// A cursor over little-endian DWARF data: fixed-size integers, LEB128 and strings.

export class Reader {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array, public pos = 0) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get done(): boolean { return this.pos >= this.bytes.length; }
  u8(): number { return this.dv.getUint8(this.pos++); }
  i8(): number { return this.dv.getInt8(this.pos++); }
  u16(): number { const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(): number { const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  u64(): bigint { const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }
  /** An offset or length of the unit's format: 4 bytes, or 8 in 64-bit DWARF. */
  offset(is64: boolean): number { return is64 ? Number(this.u64()) : this.u32(); }
  uleb(): number {
    let result = 0, shift = 0, b;
    do { b = this.u8(); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  }
  sleb(): number {
    let result = 0, shift = 0, b;
    do { b = this.u8(); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    if (b & 0x40) result -= 2 ** shift;
    return result;
  }
  cstr(): string {
    const start = this.pos;
    while (this.bytes[this.pos] !== 0) this.pos++;
    const s = new TextDecoder().decode(this.bytes.subarray(start, this.pos));
    this.pos++;
    return s;
  }
  skip(n: number): void { this.pos += n; }
  /**
   * A unit's initial length: 32-bit, or 0xffffffff then 64-bit (64-bit DWARF). Returns where
   * the unit ends and whether its offsets are 8 bytes.
   */
  unitLength(): { end: number; is64: boolean } {
    let length = this.u32();
    const is64 = length === 0xffffffff;
    if (is64) length = Number(this.u64());
    return { end: this.pos + length, is64 };
  }
}

/** A NUL-terminated string at an offset of a string section. */
export function stringAt(section: Uint8Array | undefined, off: number): string {
  if (!section || off >= section.length) return '';
  let end = off;
  while (end < section.length && section[end] !== 0) end++;
  return new TextDecoder().decode(section.subarray(off, end));
}

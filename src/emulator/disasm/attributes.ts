// The .riscv.attributes section (RISC-V ELF psABI, "Attributes"): the ISA string and the
// privileged-spec version the file was built for. objdump takes its default ISA and its CSR
// names from these, so the listing must too. A malformed section reads as absent: a listing
// never fails because of it.
import type { ElfFile } from '../loader/elf.js';

const SHT_RISCV_ATTRIBUTES = 0x70000003;
const TAG_FILE = 1, TAG_ARCH = 5, TAG_PRIV_SPEC = 8, TAG_PRIV_SPEC_MINOR = 10, TAG_PRIV_SPEC_REVISION = 12;

export interface RiscvAttributes {
  arch?: string;
  /** [major, minor, revision], zeros when not given. */
  privSpec: [number, number, number];
}

export function readAttributes(elf: ElfFile): RiscvAttributes | undefined {
  const sec = elf.sections.find((s) => s.type === SHT_RISCV_ATTRIBUTES);
  if (!sec) return undefined;
  const b = elf.bytes.subarray(sec.offset, Math.min(sec.offset + sec.size, elf.bytes.length));
  const out: RiscvAttributes = { privSpec: [0, 0, 0] };
  let p = 0;
  const u32 = (o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const uleb = (end: number): number => {
    let v = 0, shift = 0;
    while (p < end) {
      const byte = b[p++];
      if (shift < 32) v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    return v;
  };
  const ntbs = (end: number): string => {
    const start = p;
    while (p < end && b[p] !== 0) p++;
    return new TextDecoder().decode(b.subarray(start, p++));
  };
  if (b[p++] !== 0x41 /* 'A': format version */) return out;
  while (p + 4 <= b.length) {
    const subEnd = Math.min(p + u32(p), b.length);
    if (subEnd <= p + 4) break;
    p += 4;
    const vendor = ntbs(subEnd);
    if (vendor !== 'riscv') { p = subEnd; continue; }
    while (p + 5 <= subEnd) {
      const tag = b[p], end = Math.min(p + u32(p + 1), subEnd);
      if (end <= p + 5) return out;
      p += 5;
      if (tag !== TAG_FILE) { p = end; continue; }
      while (p < end) {
        // The psABI's rule: odd tags hold strings, even tags numbers.
        const t = uleb(end);
        if (t & 1) {
          const s = ntbs(end);
          if (t === TAG_ARCH) out.arch = s;
        } else {
          const v = uleb(end);
          if (t === TAG_PRIV_SPEC) out.privSpec[0] = v;
          else if (t === TAG_PRIV_SPEC_MINOR) out.privSpec[1] = v;
          else if (t === TAG_PRIV_SPEC_REVISION) out.privSpec[2] = v;
        }
      }
    }
    p = subEnd;
  }
  return out;
}

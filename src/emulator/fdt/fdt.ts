// Flattened device tree writer (Devicetree Specification v0.4, ch. 5): a header, an empty
// memory-reservation map, the structure block and the strings block, all big-endian.

export type PropValue = string | string[] | number | number[] | bigint | Uint8Array | null;

export interface FdtNode {
  name: string;
  props: [string, PropValue][];
  children: FdtNode[];
}

export const node = (name: string, props: [string, PropValue][] = [], children: FdtNode[] = []): FdtNode => ({ name, props, children });

/** Cells for a 64-bit address or size: two 32-bit cells. */
export const u64Cells = (v: bigint | number): number[] => {
  const b = BigInt(v);
  return [Number(b >> 32n), Number(b & 0xffffffffn)];
};

export const FDT_MAGIC = 0xd00dfeed;
const BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

function encodeValue(v: PropValue): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(`${v}\0`);
  if (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string')) return new TextEncoder().encode((v as string[]).map((s) => `${s}\0`).join(''));
  if (typeof v === 'bigint') return cells(u64Cells(v));
  return cells(typeof v === 'number' ? [v] : (v as number[]));
}

function cells(cs: number[]): Uint8Array {
  const out = new Uint8Array(4 * cs.length);
  const dv = new DataView(out.buffer);
  cs.forEach((c, i) => dv.setUint32(4 * i, c >>> 0));
  return out;
}

/**
 * The blob of a tree, packed: the header's totalsize is exactly the header, the empty
 * reservation map and the two blocks. `reserve` makes the returned buffer that long (zeros
 * after the tree), as QEMU reserves 1 MiB for the tree it packs: room a firmware or kernel may
 * use to grow the tree in place.
 */
export function buildFdt(root: FdtNode, reserve = 0, bootCpu = 0): Uint8Array {
  const struct: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const u32 = (v: number): void => { struct.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); };
  const bytes = (b: Uint8Array): void => { struct.push(...b); while (struct.length % 4) struct.push(0); };
  const stringOffset = (s: string): number => {
    let off = stringOffsets.get(s);
    if (off === undefined) {
      off = strings.length;
      strings.push(...new TextEncoder().encode(s), 0);
      stringOffsets.set(s, off);
    }
    return off;
  };
  const emit = (n: FdtNode): void => {
    u32(BEGIN_NODE);
    bytes(new TextEncoder().encode(`${n.name}\0`));
    for (const [name, value] of n.props) {
      const data = encodeValue(value);
      u32(PROP); u32(data.length); u32(stringOffset(name));
      bytes(data);
    }
    n.children.forEach(emit);
    u32(END_NODE);
  };
  emit(root);
  u32(END);

  const HEADER = 40, RSVMAP = 16;
  const offStruct = HEADER + RSVMAP, offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  const out = new Uint8Array(Math.max(total, reserve));
  const dv = new DataView(out.buffer);
  [FDT_MAGIC, total, offStruct, offStrings, HEADER, 17, 16, bootCpu, strings.length, struct.length]
    .forEach((v, i) => dv.setUint32(4 * i, v >>> 0));
  out.set(struct, offStruct);
  out.set(strings, offStrings);
  return out;
}

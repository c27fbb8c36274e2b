// Flattened device tree reader (Devicetree Specification v0.4, ch. 5), for a tree the user
// boots with (`--dtb`): the blob becomes the node tree fdt.ts writes, property values kept as
// raw bytes, so that the board can set /chosen's properties and write it back. A malformed
// blob is an FdtError naming what is wrong; nothing is read outside the buffer.
import { FDT_MAGIC, type FdtNode } from './fdt.js';

export class FdtError extends Error {
  override name = 'FdtError';
}

const BEGIN_NODE = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9;
/** Deeper than any real tree; a bound on what a hostile blob can make us build. */
const MAX_DEPTH = 64;

/** The tree of a device tree blob. */
export function parseFdt(blob: Uint8Array): FdtNode {
  if (blob.length < 40) throw new FdtError(`too short for a device tree header (${blob.length} bytes, need 40)`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== FDT_MAGIC) throw new FdtError(`not a device tree blob (magic 0x${magic.toString(16)}, expected 0x${FDT_MAGIC.toString(16)})`);
  const total = dv.getUint32(4), offStruct = dv.getUint32(8), offStrings = dv.getUint32(12);
  const version = dv.getUint32(20), sizeStrings = dv.getUint32(32), sizeStruct = version >= 17 ? dv.getUint32(36) : total - offStruct;
  if (version < 16) throw new FdtError(`device tree version ${version} is too old (16 or later is needed)`);
  if (total > blob.length) throw new FdtError(`truncated: the header says ${total} bytes, the file has ${blob.length}`);
  if (offStruct + sizeStruct > total || offStrings + sizeStrings > total) throw new FdtError('the structure or strings block lies outside the blob');

  const end = offStruct + sizeStruct;
  let p = offStruct;
  const word = (): number => {
    if (p + 4 > end) throw new FdtError('the structure block ends in the middle of a token');
    const v = dv.getUint32(p);
    p += 4;
    return v;
  };
  const cString = (from: number, limit: number, what: string): { s: string; next: number } => {
    let q = from;
    while (q < limit && blob[q] !== 0) q++;
    if (q >= limit) throw new FdtError(`${what} is not terminated`);
    return { s: new TextDecoder().decode(blob.subarray(from, q)), next: q + 1 };
  };
  const propName = (off: number): string => {
    if (off >= sizeStrings) throw new FdtError(`a property name at offset ${off} lies outside the strings block`);
    return cString(offStrings + off, offStrings + sizeStrings, 'a property name').s;
  };

  const readNode = (depth: number): FdtNode => {
    if (depth > MAX_DEPTH) throw new FdtError(`nodes nested deeper than ${MAX_DEPTH}`);
    const { s: name, next } = cString(p, end, 'a node name');
    p = (next + 3) & ~3;
    const n: FdtNode = { name, props: [], children: [] };
    for (;;) {
      const token = word();
      if (token === NOP) continue;
      if (token === PROP) {
        const len = word(), nameOff = word();
        if (p + len > end) throw new FdtError(`property ${propName(nameOff)} of ${n.name || '/'} runs past the structure block`);
        n.props.push([propName(nameOff), blob.slice(p, p + len)]);
        p = (p + len + 3) & ~3;
      } else if (token === BEGIN_NODE) {
        n.children.push(readNode(depth + 1));
      } else if (token === END_NODE) {
        return n;
      } else {
        throw new FdtError(`unexpected token ${token} in node ${n.name || '/'}`);
      }
    }
  };

  let token = word();
  while (token === NOP) token = word();
  if (token !== BEGIN_NODE) throw new FdtError('the structure block does not start with the root node');
  const root = readNode(0);
  token = word();
  while (token === NOP) token = word();
  if (token !== END) throw new FdtError('the root node is followed by something other than the end token');
  return root;
}

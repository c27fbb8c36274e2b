// The cylinder/head/sector geometry a virtio-blk device reports (VIRTIO_BLK_F_GEOMETRY), guessed
// from the image as QEMU 7.2 guesses it (hw/block/hd-geometry.c) so that guests read the same
// numbers: from the first partition entry of an MS-DOS partition table that gives a usable
// shape, else 16 heads of 63 sectors over as many cylinders as fit (2 to 16383).

export interface Geometry { cylinders: number; heads: number; sectors: number }

const MAX_CYLINDERS = 16383;

/** `sector0` is the image's first 512 bytes; `totalSectors` its size in 512-byte sectors. */
export function guessGeometry(sector0: Uint8Array, totalSectors: number): Geometry {
  const fromTable = partitionGeometry(sector0, totalSectors);
  // A table shape with more than 16 heads is translated: QEMU reports the size guess then.
  if (fromTable && fromTable.heads <= 16) return fromTable;
  const cylinders = Math.min(MAX_CYLINDERS, Math.max(2, Math.floor(totalSectors / (16 * 63))));
  return { cylinders, heads: 16, sectors: 63 };
}

/** The shape the partition table implies, assuming its first usable partition ends on a cylinder boundary. */
function partitionGeometry(b: Uint8Array, totalSectors: number): Geometry | undefined {
  if (b.length < 512 || b[510] !== 0x55 || b[511] !== 0xaa) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < 4; i++) {
    const entry = 0x1be + 16 * i;
    const endHead = b[entry + 5], endSector = b[entry + 6] & 63, count = v.getUint32(entry + 12, true);
    if (count === 0 || endHead === 0 || endSector === 0) continue;
    const heads = endHead + 1;
    const cylinders = Math.floor(totalSectors / (heads * endSector));
    if (cylinders < 1 || cylinders > MAX_CYLINDERS) continue;
    return { cylinders, heads, sectors: endSector };
  }
  return undefined;
}

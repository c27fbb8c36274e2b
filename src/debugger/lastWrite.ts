// "Run back to the last write": which stops of a backward search are writes of some bytes, and,
// for one bit of them (a frame's bit in a bitmap word that other frames share), which of those
// writes changed it. The search itself is History.searchBack with a watchpoint on the bytes.
import type { Machine, StopReason } from '../emulator/machine.js';
import type { Settle } from '../emulator/history/history.js';

/** The bytes to find the writer of. */
export interface WriteTarget {
  address: bigint;
  size: number;
  /** A physical address (the views' page-table entries, frames and heap nodes) or a virtual one (a variable). */
  physical: boolean;
  /** Only writes that change this bit of the bytes count (bit 0 is the first byte's lowest). */
  bit?: number;
  /** What the user asked about, for the stop's description ("FRAME_STATS", "heap block 0x…"). */
  label: string;
}

/** Whether a machine stop is a write touching the target's bytes. */
function writes(t: WriteTarget, r: StopReason): boolean {
  return r.kind === 'watchpoint' && r.access === 'write'
    && r.address < t.address + BigInt(t.size) && t.address < r.address + BigInt(r.size);
}

/**
 * The accept and settle a search for the target's last write gives searchBack. Without a bit,
 * every write counts. With one, the bit's value before each write in an interval is noted; the
 * value after a write is the one before the next, or, for the last, the one at the interval's
 * end (where settle is called), and the latest write whose two differ is the one to land on.
 */
export function lastWriteSearch(m: Machine, t: WriteTarget): { accept: (r: StopReason) => boolean; settle?: Settle } {
  if (t.bit === undefined) return { accept: (r) => writes(t, r) };
  if (!t.physical) throw new RangeError('a bit is only followed in physical memory');
  const bit = t.bit;
  const read = (): number | undefined => {
    const b = m.debug.readPhys(t.address + BigInt(bit >> 3), 1);
    return b ? (b[0] >> (bit & 7)) & 1 : undefined;
  };
  let stops = 0;
  let seen: { stop: number; before: number | undefined }[] = [];
  return {
    accept: (r) => {
      stops++;
      if (writes(t, r)) seen.push({ stop: stops, before: read() });
      return false;
    },
    settle: () => {
      let chosen = 0;
      let after = read();
      for (let i = seen.length - 1; i >= 0; i--) {
        if (seen[i].before !== after) { chosen = seen[i].stop; break; }
        after = seen[i].before;
      }
      stops = 0;
      seen = [];
      return chosen;
    },
  };
}

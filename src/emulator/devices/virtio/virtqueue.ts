// A split virtqueue (virtio 1.2 §2.7), from the device's side: it takes descriptor chains the
// driver made available, direct or through an indirect table, and returns them through the
// used ring, deciding whether the driver wants an interrupt for it (the available ring's
// NO_INTERRUPT flag, or the used_event index when VIRTIO_RING_F_EVENT_IDX is negotiated).
// Every access to the rings goes through the DmaPort. Where the specification leaves the
// device's behaviour open, this follows QEMU 7.2 (hw/virtio/virtio.c), the differential oracle.
import type { DmaPort } from '../../memory/dma.js';
import { AVAIL_F_NO_INTERRUPT, DescFlag } from './spec.js';

/** The largest queue a driver may configure (QEMU's VIRTQUEUE_MAX_SIZE): QueueNumMax reads this. */
export const QUEUE_MAX = 1024;
/** Bytes in one descriptor: addr (8), len (4), flags (2), next (2). */
const DESC_SIZE = 16;

/**
 * Something the driver did that the device cannot go on from (QEMU's virtio_error): the device
 * stops and, under VIRTIO_F_VERSION_1, sets DEVICE_NEEDS_RESET.
 */
export class VirtioError extends Error {}

/** A guest buffer: one descriptor's address and length. */
export interface Segment { addr: bigint; len: number }

/** One available descriptor chain: the buffers the device reads, then those it writes. */
export class Chain {
  constructor(readonly head: number, readonly readable: Segment[], readonly writable: Segment[]) {}

  get readableLength(): number { return this.readable.reduce((n, s) => n + s.len, 0); }
  get writableLength(): number { return this.writable.reduce((n, s) => n + s.len, 0); }

  /** `len` bytes of the device-readable buffers from `offset` (fewer if they end first). */
  read(dma: DmaPort, offset: number, len: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(len, this.readableLength - offset)));
    let skip = offset, done = 0;
    for (const s of this.readable) {
      if (done === out.length) break;
      if (skip >= s.len) { skip -= s.len; continue; }
      const n = Math.min(s.len - skip, out.length - done);
      const bytes = dma.read(s.addr + BigInt(skip), n);
      if (!bytes) throw new VirtioError(`a descriptor points outside memory (0x${s.addr.toString(16)}, ${s.len} bytes)`);
      out.set(bytes, done);
      done += n;
      skip = 0;
    }
    return out;
  }

  /** Write `bytes` into the device-writable buffers from `offset`. */
  write(dma: DmaPort, offset: number, bytes: Uint8Array): void {
    let skip = offset, done = 0;
    for (const s of this.writable) {
      if (done === bytes.length) break;
      if (skip >= s.len) { skip -= s.len; continue; }
      const n = Math.min(s.len - skip, bytes.length - done);
      if (!dma.write(s.addr + BigInt(skip), bytes.subarray(done, done + n))) {
        throw new VirtioError(`a descriptor points outside RAM (0x${s.addr.toString(16)}, ${s.len} bytes)`);
      }
      done += n;
      skip = 0;
    }
  }
}

export interface VirtqueueState {
  num: number; align: number; desc: bigint; avail: bigint; used: bigint;
  lastAvail: number; usedIdx: number; signalledUsed: number; signalledValid: boolean;
}

/** vring_need_event (§2.7.10): has the used index passed `event` in the step from old to new? */
const needEvent = (event: number, now: number, old: number): boolean => ((now - event - 1) & 0xffff) < ((now - old) & 0xffff);

export class Virtqueue {
  /** Queue size; 0 means the device has no such queue. */
  num: number;
  /** Legacy layout: the used ring starts at the next multiple of this. */
  align = 4096;
  desc = 0n;
  avail = 0n;
  used = 0n;
  /** The next available-ring entry to take, and the used ring's index, both modulo 2^16. */
  lastAvail = 0;
  usedIdx = 0;
  /** The used index at the last interrupt decision under EVENT_IDX, once there has been one. */
  signalledUsed = 0;
  signalledValid = false;

  constructor(readonly numDefault: number) { this.num = numDefault; }

  /** The queue's part of a device reset: rings forgotten, indexes at zero, the default size. */
  reset(): void {
    this.desc = 0n; this.avail = 0n; this.used = 0n;
    this.lastAvail = 0; this.usedIdx = 0; this.signalledUsed = 0; this.signalledValid = false;
    this.num = this.numDefault;
  }

  /** A size the driver asks for; ignored when out of range or when it would create or remove the queue. */
  setNum(n: number): void {
    if (n < 0 || n > QUEUE_MAX || (n === 0) !== (this.num === 0)) return;
    this.num = n;
  }

  /**
   * The legacy layout (§2.7 "Legacy Interfaces"): the available ring right after the
   * descriptor table, the used ring aligned after it. QEMU (virtio_queue_update_rings) aligns
   * from the end of the ring array without the used_event field that follows it, and so do we.
   */
  updateLegacyRings(): void {
    if (this.num === 0 || this.desc === 0n || this.align === 0) return;
    this.avail = this.desc + BigInt(this.num * DESC_SIZE);
    const end = this.avail + BigInt(4 + 2 * this.num), a = BigInt(this.align);
    this.used = (end + a - 1n) / a * a;
  }

  /** Whether the driver has set the queue up, so that a notification has something to act on. */
  get live(): boolean { return this.desc !== 0n; }

  private u16(dma: DmaPort, pa: bigint): number {
    const b = dma.read(pa, 2);
    if (!b) throw new VirtioError(`the queue's rings are outside memory (0x${pa.toString(16)})`);
    return b[0] | (b[1] << 8);
  }

  private put16(dma: DmaPort, pa: bigint, v: number): void {
    if (!dma.write(pa, Uint8Array.of(v & 0xff, (v >> 8) & 0xff))) throw new VirtioError(`the used ring is outside RAM (0x${pa.toString(16)})`);
  }

  private readDesc(dma: DmaPort, table: bigint, i: number): { addr: bigint; len: number; flags: number; next: number } {
    const b = dma.read(table + BigInt(i * DESC_SIZE), DESC_SIZE);
    if (!b) throw new VirtioError(`descriptor ${i} is outside memory (table at 0x${table.toString(16)})`);
    const v = new DataView(b.buffer);
    return { addr: v.getBigUint64(0, true), len: v.getUint32(8, true), flags: v.getUint16(12, true), next: v.getUint16(14, true) };
  }

  /** Whether the driver has made nothing available that the device has not taken. */
  empty(dma: DmaPort): boolean {
    if (this.avail === 0n) return true;
    return this.u16(dma, this.avail + 2n) === this.lastAvail;
  }

  /**
   * Take the next available chain, or undefined when there is none. Under EVENT_IDX the device
   * tells the driver how far it has read (avail_event, after the used ring) as it goes.
   */
  pop(dma: DmaPort, eventIdx: boolean): Chain | undefined {
    if (this.empty(dma)) return undefined;
    const head = this.u16(dma, this.avail + 4n + BigInt(2 * (this.lastAvail % this.num)));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (eventIdx) this.setAvailEvent(dma, this.lastAvail);
    if (head >= this.num) throw new VirtioError(`the driver made descriptor ${head} available in a queue of ${this.num}`);

    let table = this.desc, max = this.num, i = head;
    let d = this.readDesc(dma, table, i);
    if (d.flags & DescFlag.Indirect) {
      if (d.len === 0 || d.len % DESC_SIZE !== 0) throw new VirtioError(`an indirect table of ${d.len} bytes is not a whole number of descriptors`);
      table = d.addr; max = d.len / DESC_SIZE; i = 0;
      d = this.readDesc(dma, table, 0);
    }
    const readable: Segment[] = [], writable: Segment[] = [];
    for (let entries = 1; ; entries++) {
      if (d.len === 0) throw new VirtioError(`descriptor ${i} has length zero`);
      if (d.flags & DescFlag.Write) writable.push({ addr: d.addr, len: d.len });
      else if (writable.length) throw new VirtioError(`descriptor ${i} is device-readable after a device-writable one`);
      else readable.push({ addr: d.addr, len: d.len });
      if (entries > max) throw new VirtioError('the descriptor chain loops');
      if (!(d.flags & DescFlag.Next)) break;
      i = d.next;
      if (i >= max) throw new VirtioError(`a descriptor's next is ${i}, past the table of ${max}`);
      d = this.readDesc(dma, table, i);
    }
    return new Chain(head, readable, writable);
  }

  /** Return a chain through the used ring, `len` bytes written into its buffers. */
  push(dma: DmaPort, head: number, len: number): void {
    const elem = new Uint8Array(8), v = new DataView(elem.buffer);
    v.setUint32(0, head, true);
    v.setUint32(4, len, true);
    if (!dma.write(this.used + 4n + BigInt(8 * (this.usedIdx % this.num)), elem)) throw new VirtioError('the used ring is outside RAM');
    const old = this.usedIdx;
    this.usedIdx = (old + 1) & 0xffff;
    this.put16(dma, this.used + 2n, this.usedIdx);
    // The index last signalled is stale once the used index has run a whole lap past it.
    if (((this.usedIdx - this.signalledUsed) << 16 >> 16) < ((this.usedIdx - old) & 0xffff)) this.signalledValid = false;
  }

  /** Under EVENT_IDX: where the driver should next notify (the word after the used ring). */
  setAvailEvent(dma: DmaPort, idx: number): void {
    this.put16(dma, this.used + 4n + BigInt(8 * this.num), idx);
  }

  /** Whether the driver wants an interrupt now for what was just pushed (QEMU's virtio_should_notify). */
  wantsInterrupt(dma: DmaPort, f: { notifyOnEmpty: boolean; eventIdx: boolean }): boolean {
    if (f.notifyOnEmpty && this.empty(dma)) return true;
    if (!f.eventIdx) return (this.u16(dma, this.avail) & AVAIL_F_NO_INTERRUPT) === 0;
    const valid = this.signalledValid, old = this.signalledUsed;
    this.signalledValid = true;
    this.signalledUsed = this.usedIdx;
    const usedEvent = this.u16(dma, this.avail + 4n + BigInt(2 * this.num));
    return !valid || needEvent(usedEvent, this.usedIdx, old);
  }

  save(): VirtqueueState {
    return {
      num: this.num, align: this.align, desc: this.desc, avail: this.avail, used: this.used,
      lastAvail: this.lastAvail, usedIdx: this.usedIdx, signalledUsed: this.signalledUsed, signalledValid: this.signalledValid,
    };
  }

  restore(s: VirtqueueState): void { Object.assign(this, s); }
}

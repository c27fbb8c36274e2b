// The board's eight virtio-mmio slots, as on QEMU's `virt`: every slot answers (an empty one
// reads device id 0), and drive n sits in slot n, as QEMU puts it with
// `-device virtio-blk-device,drive=…,bus=virtio-mmio-bus.n`. Each slot drives its PLIC source.
import type { Bus } from '../memory/bus.js';
import type { DmaPort } from '../memory/dma.js';
import type { Plic } from '../devices/plic.js';
import type { BlockBackend } from '../devices/blockBackend.js';
import { VirtioMmio } from '../devices/virtio/mmio.js';
import { VirtioBlk } from '../devices/virtio/blk.js';
import { VIRTIO_SLOTS, virtioSlot } from './virtMap.js';

/** A disk for the machine: its bytes and how the guest may use them. */
export interface Drive {
  backend: BlockBackend;
  /** The guest may only read (VIRTIO_BLK_F_RO; writes fail). */
  readOnly?: boolean;
  /** What the device's get-id request answers. */
  serial?: string;
}

export interface VirtioBoardOptions {
  drives: readonly Drive[];
  /** The legacy transport (version 1, QEMU 7.2's default) instead of the modern one (version 2). */
  legacy: boolean;
}

/** What the slots need from the machine: where they attach, their interrupts, physical memory. */
export interface VirtioBoardHost {
  bus: Bus;
  plic: Plic;
  memory: { readPhys(paddr: bigint, len: number): Uint8Array | undefined; writePhys(paddr: bigint, bytes: Uint8Array): boolean };
}

/** Attach the eight slots, the drives in the first of them; returns the slots in address order. */
export function attachVirtio(host: VirtioBoardHost, o: VirtioBoardOptions): VirtioMmio[] {
  if (o.drives.length > VIRTIO_SLOTS) throw new RangeError(`at most ${VIRTIO_SLOTS} drives, not ${o.drives.length}`);
  // Device writes go where the debugger's go: into RAM, dropping translated code they overwrite.
  const dma: DmaPort = { read: (pa, len) => host.memory.readPhys(pa, len), write: (pa, bytes) => host.memory.writePhys(pa, bytes) };
  const slots: VirtioMmio[] = [];
  for (let n = 0; n < VIRTIO_SLOTS; n++) {
    const region = virtioSlot(n), drive = o.drives[n];
    const slot = new VirtioMmio(region, o.legacy, dma, drive && new VirtioBlk(drive.backend, drive));
    slot.onInterrupt = (level) => host.plic.setLine(region.irq!, level);
    host.bus.attach(slot);
    slots.push(slot);
  }
  return slots;
}

// How a bus-mastering device (a virtio queue, a disk's data) reaches guest memory. The machine
// implements it over its physical memory; a write lands in RAM the way a store does as far as
// translated code is concerned: blocks translated from the bytes it overwrites are dropped, so
// a disk read over code runs the new code (after the guest's fence.i, as the ISA requires).

export interface DmaPort {
  /** A copy of `len` bytes at `paddr`; undefined when any of them is not memory. */
  read(paddr: bigint, len: number): Uint8Array | undefined;
  /** Write `bytes` at `paddr`; false, with nothing written, when any of them is not RAM. */
  write(paddr: bigint, bytes: Uint8Array): boolean;
}

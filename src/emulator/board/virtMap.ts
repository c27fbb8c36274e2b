// The physical address map of QEMU 7.2's `virt` board, for the devices this machine has
// (QEMU's hw/riscv/virt.c, `virt_memmap`; the device tree QEMU hands its guests is in
// shared/research/qemu-virt-7.2.dts). Written once here: the machine attaches its devices at
// these addresses, the device tree describes them from here, and docs/architecture.md's table
// is checked against this list by test/unit/layers.test.ts.

export interface Region {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** The PLIC interrupt source the device drives, if any. */
  readonly irq?: number;
}

export const MROM: Region = { name: 'mrom', base: 0x1000, size: 0xf000 };
export const TEST: Region = { name: 'test', base: 0x100000, size: 0x1000 };
export const CLINT: Region = { name: 'clint', base: 0x2000000, size: 0x10000 };
export const PLIC: Region = { name: 'plic', base: 0xc000000, size: 0x600000 };
export const UART0: Region = { name: 'uart0', base: 0x10000000, size: 0x100, irq: 10 };
/** The first of the eight virtio-mmio slots; slot n is at VIRTIO.base + n * VIRTIO.size, PLIC source 1 + n. */
export const VIRTIO: Region = { name: 'virtio_mmio', base: 0x10001000, size: 0x1000, irq: 1 };
export const VIRTIO_SLOTS = 8;
export const DRAM: Region = { name: 'dram', base: 0x80000000, size: 0 };

/** The virtio-mmio slot n (0-7): its window and PLIC source. */
export function virtioSlot(n: number): Region {
  return { name: `virtio_mmio@${(VIRTIO.base + n * VIRTIO.size).toString(16)}`, base: VIRTIO.base + n * VIRTIO.size, size: VIRTIO.size, irq: VIRTIO.irq! + n };
}

/** Every fixed region, in address order, as docs/architecture.md lists them. */
export const VIRT_MAP: readonly Region[] = [MROM, TEST, CLINT, PLIC, UART0, VIRTIO, DRAM];

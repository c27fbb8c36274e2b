// The device tree of our `virt` board: the same nodes, compatibles and interrupt wiring QEMU 7.2
// hands its guests (shared/research/qemu-virt-7.2.dts), for the devices this machine has.
import { buildFdt, node, u64Cells, type FdtNode, type PropValue } from './fdt.js';
import { TIMEBASE_HZ } from '../devices/clint.js';
import { CLINT, PLIC, TEST, UART0, VIRTIO_SLOTS, virtioSlot, type Region } from '../board/virtMap.js';

export const ISA_STRING = 'rv64imafdc_zicsr_zifencei_sstc';

// Phandles as QEMU 7.2 numbers them: the last cpu first (cpu@k is 2(n-1-k)+1, its interrupt
// controller the next), then the PLIC and the test device.
const cpuPhandle = (k: number, n: number): number => 2 * (n - 1 - k) + 1;
const intcPhandle = (k: number, n: number): number => cpuPhandle(k, n) + 1;
/** `reg` of a device node: its base and size as two-cell numbers. */
const reg = (r: Region): number[] => [...u64Cells(r.base), ...u64Cells(r.size)];
/** A node named as QEMU names it, `name@base`. */
const at = (name: string, r: Region, props: [string, PropValue][]): FdtNode => node(`${name}@${r.base.toString(16)}`, props);

export interface VirtTreeOptions { ramBase: number; ramSize: number; harts: number }

/** The space QEMU 7.2 reserves for its tree (it writes the packed tree and zeros up to it, and places it by it): 1 MiB. */
export const VIRT_FDT_SIZE = 0x100000;

/**
 * The board's tree, /chosen holding only stdout-path: the boot adds bootargs and the initrd
 * (board/deviceTree.ts), as QEMU adds them to its tree.
 */
export function virtTree(o: VirtTreeOptions): FdtNode {
  const n = o.harts;
  const PHANDLE_PLIC = 2 * n + 1, PHANDLE_TEST = 2 * n + 2;
  const harts = Array.from({ length: n }, (_, k) => k);
  const cpus = harts.map((k) => node(`cpu@${k}`, [
    ['phandle', cpuPhandle(k, n)], ['device_type', 'cpu'], ['reg', k], ['status', 'okay'], ['compatible', 'riscv'],
    ['riscv,isa', ISA_STRING], ['mmu-type', 'riscv,sv39'],
  ], [node('interrupt-controller', [
    ['#interrupt-cells', 1], ['interrupt-controller', null], ['compatible', 'riscv,cpu-intc'], ['phandle', intcPhandle(k, n)],
  ])]));
  // Per hart: the PLIC's M then S external interrupt, the CLINT's software then timer interrupt.
  const plicIrqs = harts.flatMap((k) => [intcPhandle(k, n), 11, intcPhandle(k, n), 9]);
  const clintIrqs = harts.flatMap((k) => [intcPhandle(k, n), 3, intcPhandle(k, n), 7]);
  const soc = node('soc', [['#address-cells', 2], ['#size-cells', 2], ['compatible', 'simple-bus'], ['ranges', null]], [
    at('test', TEST, [['phandle', PHANDLE_TEST], ['reg', reg(TEST)], ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']]]),
    at('serial', UART0, [
      ['interrupts', UART0.irq!], ['interrupt-parent', PHANDLE_PLIC], ['clock-frequency', 0x384000],
      ['reg', reg(UART0)], ['compatible', 'ns16550a'],
    ]),
    // Every slot is described, filled or not (a driver finds the empty ones by device id 0),
    // highest address first, as QEMU 7.2 lists them.
    ...Array.from({ length: VIRTIO_SLOTS }, (_, i) => virtioSlot(VIRTIO_SLOTS - 1 - i)).map((slot) => at('virtio_mmio', slot, [
      ['interrupts', slot.irq!], ['interrupt-parent', PHANDLE_PLIC], ['reg', reg(slot)], ['compatible', 'virtio,mmio'],
    ])),
    at('plic', PLIC, [
      ['phandle', PHANDLE_PLIC], ['riscv,ndev', 0x60], ['reg', reg(PLIC)],
      ['interrupts-extended', plicIrqs], ['interrupt-controller', null],
      ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']], ['#address-cells', 0], ['#interrupt-cells', 1],
    ]),
    at('clint', CLINT, [
      ['interrupts-extended', clintIrqs], ['reg', reg(CLINT)],
      ['compatible', ['sifive,clint0', 'riscv,clint0']],
    ]),
  ]);
  return node('', [['#address-cells', 2], ['#size-cells', 2], ['compatible', 'riscv-virtio'], ['model', 'riscv-virtio,qemu']], [
    node('poweroff', [['value', 0x5555], ['offset', 0], ['regmap', PHANDLE_TEST], ['compatible', 'syscon-poweroff']]),
    node('reboot', [['value', 0x7777], ['offset', 0], ['regmap', PHANDLE_TEST], ['compatible', 'syscon-reboot']]),
    node('chosen', [['stdout-path', `/soc/serial@${UART0.base.toString(16)}`]]),
    node(`memory@${o.ramBase.toString(16)}`, [['device_type', 'memory'], ['reg', [...u64Cells(o.ramBase), ...u64Cells(o.ramSize)]]]),
    node('cpus', [['#address-cells', 1], ['#size-cells', 0], ['timebase-frequency', TIMEBASE_HZ]], [
      ...cpus, node('cpu-map', [], [node('cluster0', [], harts.map((k) => node(`core${k}`, [['cpu', cpuPhandle(k, n)]])))]),
    ]),
    soc,
  ]);
}

/** The board's tree as a blob in the space QEMU reserves for it. */
export function virtDeviceTree(o: VirtTreeOptions): Uint8Array {
  return buildFdt(virtTree(o), VIRT_FDT_SIZE);
}

/** Where QEMU 7.2 puts the tree: the top of RAM (below 3 GiB), aligned down to 2 MiB. */
export function fdtAddress(ramBase: number, ramSize: number, fdtSize: number): number {
  const top = Math.min(ramBase + ramSize, 3 * 1024 * 1024 * 1024);
  return Math.floor((top - fdtSize) / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
}

// The device tree of our `virt` board: the same nodes, compatibles and interrupt wiring QEMU 7.2
// hands its guests (shared/research/qemu-virt-7.2.dts), for the devices this machine has.
import { buildFdt, node, u64Cells } from './fdt.js';
import { TIMEBASE_HZ } from '../devices/clint.js';

export const ISA_STRING = 'rv64imafdc_zicsr_zifencei_sstc';

const PHANDLE_CPU_INTC = 1, PHANDLE_PLIC = 2, PHANDLE_TEST = 3;
export const UART_IRQ = 10;

export interface VirtTreeOptions { ramBase: number; ramSize: number; bootargs: string }

export function virtDeviceTree(o: VirtTreeOptions): Uint8Array {
  const cpu = node('cpu@0', [
    ['phandle', 4], ['device_type', 'cpu'], ['reg', 0], ['status', 'okay'], ['compatible', 'riscv'],
    ['riscv,isa', ISA_STRING], ['mmu-type', 'riscv,sv39'],
  ], [node('interrupt-controller', [
    ['#interrupt-cells', 1], ['interrupt-controller', null], ['compatible', 'riscv,cpu-intc'], ['phandle', PHANDLE_CPU_INTC],
  ])]);
  const soc = node('soc', [['#address-cells', 2], ['#size-cells', 2], ['compatible', 'simple-bus'], ['ranges', null]], [
    node('test@100000', [['phandle', PHANDLE_TEST], ['reg', [...u64Cells(0x100000), ...u64Cells(0x1000)]], ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']]]),
    node('serial@10000000', [
      ['interrupts', UART_IRQ], ['interrupt-parent', PHANDLE_PLIC], ['clock-frequency', 0x384000],
      ['reg', [...u64Cells(0x10000000), ...u64Cells(0x100)]], ['compatible', 'ns16550a'],
    ]),
    node('plic@c000000', [
      ['phandle', PHANDLE_PLIC], ['riscv,ndev', 95], ['reg', [...u64Cells(0xc000000), ...u64Cells(0x600000)]],
      ['interrupts-extended', [PHANDLE_CPU_INTC, 11, PHANDLE_CPU_INTC, 9]], ['interrupt-controller', null],
      ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']], ['#address-cells', 0], ['#interrupt-cells', 1],
    ]),
    node('clint@2000000', [
      ['interrupts-extended', [PHANDLE_CPU_INTC, 3, PHANDLE_CPU_INTC, 7]], ['reg', [...u64Cells(0x2000000), ...u64Cells(0x10000)]],
      ['compatible', ['sifive,clint0', 'riscv,clint0']],
    ]),
  ]);
  const root = node('', [['#address-cells', 2], ['#size-cells', 2], ['compatible', 'riscv-virtio'], ['model', 'riscv-virtio,qemu']], [
    node('poweroff', [['value', 0x5555], ['offset', 0], ['regmap', PHANDLE_TEST], ['compatible', 'syscon-poweroff']]),
    node('reboot', [['value', 0x7777], ['offset', 0], ['regmap', PHANDLE_TEST], ['compatible', 'syscon-reboot']]),
    node('chosen', [['bootargs', o.bootargs], ['stdout-path', '/soc/serial@10000000']]),
    node(`memory@${o.ramBase.toString(16)}`, [['device_type', 'memory'], ['reg', [...u64Cells(o.ramBase), ...u64Cells(o.ramSize)]]]),
    node('cpus', [['#address-cells', 1], ['#size-cells', 0], ['timebase-frequency', TIMEBASE_HZ]], [cpu, node('cpu-map', [], [node('cluster0', [], [node('core0', [['cpu', 4]])])])]),
    soc,
  ]);
  return buildFdt(root);
}

/** Where QEMU 7.2 puts the tree: the top of RAM (below 3 GiB), aligned down to 2 MiB. */
export function fdtAddress(ramBase: number, ramSize: number, fdtSize: number): number {
  const top = Math.min(ramBase + ramSize, 3 * 1024 * 1024 * 1024);
  return Math.floor((top - fdtSize) / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
}

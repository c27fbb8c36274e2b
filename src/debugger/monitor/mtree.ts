// `info mtree`: the physical address map in QEMU's layout ("address-space: memory", then one
// line per region, `start-end (prio 0, kind): name`), from the devices the machine has, named
// as QEMU names them where QEMU has the same region.
import type { Machine } from '../../emulator/machine.js';
import { hex16 } from '../../emulator/hex.js';

const QEMU_NAMES: Record<string, [string, string]> = {
  mrom: ['rom', 'riscv_virt_board.mrom'], test: ['i/o', 'riscv.sifive.test'], clint: ['i/o', 'riscv.sifive.clint'],
  plic: ['i/o', 'riscv.sifive.plic'], uart0: ['i/o', 'serial'],
};

const range = (base: number, size: number): string => `${hex16(base)}-${hex16(BigInt(base) + BigInt(size) - 1n)}`;

export function infoMtree(m: Machine): string {
  const regions = m.bus.list().map((d) => {
    const [kind, name] = QEMU_NAMES[d.name] ?? (d.name.startsWith('virtio_mmio') ? ['i/o', 'virtio-mmio'] : ['i/o', d.name]);
    return { base: d.base, size: d.size, kind, name };
  });
  regions.push({ base: m.ram.base, size: m.ram.size, kind: 'ram', name: 'riscv_virt_board.ram' });
  regions.sort((a, b) => a.base - b.base);
  let out = 'address-space: cpu-memory-0\naddress-space: memory\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n';
  for (const r of regions) out += `    ${range(r.base, r.size)} (prio 0, ${r.kind}): ${r.name}\n`;
  return `${out}\n`;
}

// The kernel profile for the monitor's `info processes` (chronos qemu, chronos run): the same
// profiles the Processes view reads, chosen from the booted ELF alone (its descriptor, or its
// DWARF for xv6), answering in the monitor's terms.
import type { ElfFile } from '../../emulator/loader/elf.js';
import type { PhysMemory } from '../inspectors/memory.js';
import { locateDescriptor } from '../inspectors/descriptor.js';
import { DebugInfo } from '../dwarf/info.js';
import { Locals } from '../locals.js';
import { infoSections } from '../program.js';
import { Symbols } from '../symbols.js';
import type { KernelProfile as MonitorProfile } from '../monitor/kernelProfile.js';
import { selectProfile } from './select.js';

/** SATP.MODE for Sv39, to give a process's root table as the satp that selects it. */
const SV39 = 8n << 60n;

/** A profile for `elf`, reading through `mem` (the current machine's, after any reboot); undefined when none fits. */
export function monitorProfile(elf: ElfFile, mem: PhysMemory, memoryMiB: number, harts: number): MonitorProfile | undefined {
  const symbols = new Symbols(elf);
  const values = (): Locals | undefined => {
    try {
      const s = infoSections(elf);
      return s ? new Locals(new DebugInfo(s), (a, n) => mem.readPhys(BigInt.asUintN(64, a), n)) : undefined;
    } catch {
      return undefined; // unreadable DWARF: a kernel with a descriptor still has its profile
    }
  };
  const profile = selectProfile({
    mem, descriptor: locateDescriptor(elf, symbols), values, harts,
    ramEnd: 0x8000_0000n + BigInt(memoryMiB) * 1024n * 1024n,
    symbol: (name) => symbols.find(name)?.address,
  });
  const kernel = profile.kernel;
  if (kernel === undefined) return undefined;
  return {
    name: kernel,
    processes: () => {
      const v = profile.processes();
      if (typeof v === 'string') return v;
      return v.processes.map((p) => ({
        pid: p.pid, name: p.name, state: p.state, hart: p.hart,
        satp: p.root ? SV39 | (BigInt(p.root) >> 12n) : undefined,
      }));
    },
  };
}

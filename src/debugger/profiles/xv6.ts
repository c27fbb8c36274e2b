// xv6-riscv, recognised by its globals (`kmem` with a free list, the `proc` table, `cpus`) and
// described to the typed profile (typed.ts) as any kernel could be in launch.json: free frames
// are the pages on kmem.freelist from `end` to the end of RAM, the process table is `proc`,
// the process on each hart is cpus[i].proc, kernel stacks are mapped in kernel_pagetable.
import type { Locals } from '../locals.js';
import type { ProfileSpec } from './typed.js';

export const XV6: ProfileSpec = {
  name: 'xv6-riscv',
  processes: 'proc', pid: 'pid', procName: 'name', state: 'state', unused: 'UNUSED',
  root: 'pagetable', parent: 'parent', kstack: 'kstack',
  contextPc: 'context.ra', contextSp: 'context.sp', contextFp: 'context.s0',
  trapPc: 'trapframe->epc', trapSp: 'trapframe->sp', trapFp: 'trapframe->s0', trapRa: 'trapframe->ra', trapRegs: 'trapframe',
  current: 'cpus[$hart].proc',
  freePages: 'kmem.freelist', freePageNext: 'next', pagesStart: '&end',
  kernelSatp: '(8 << 60) | (kernel_pagetable >> 12)',
};

/** Whether the kernel's debugging information has xv6's globals. */
export function looksLikeXv6(values: Locals): boolean {
  const has = (n: string): boolean => values.info.findGlobal(n) !== undefined;
  return has('kmem') && has('proc') && has('cpus');
}

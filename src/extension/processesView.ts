// The Processes view in the Run and Debug sidebar: the kernel's processes as its profile reads
// them (chronos/processes: Chronos OS's descriptor, xv6's proc table), with the hart each one
// runs on, and a process that is not running with its kernel call stack from its saved context.
// Selecting a process shows its address space in the Page Tables view.
import type * as vscode from 'vscode';
import { InspectorTree, type Item } from './memoryViews.js';
import type { ProcessInfo } from '../debugger/profiles/profile.js';

export class ProcessesView extends InspectorTree {
  protected async load(s: vscode.DebugSession): Promise<Item[]> {
    const r = await s.customRequest('chronos/processes');
    if (!r.available) return [{ label: r.message }];
    const procs = r.processes as ProcessInfo[];
    if (procs.length === 0) return [{ label: `${r.kernel}: no processes yet` }];
    // A process that is not running: its kernel call stack from its saved context.
    const stacks = new Map<number, Item>();
    for (const p of procs.filter((x) => x.context)) {
      const st = await s.customRequest('chronos/processStack', { pid: p.pid });
      stacks.set(p.pid, st.available
        ? { label: 'call stack', description: `${st.frames.length} frames`, children: (st.frames as { name: string; file?: string; line?: number }[]).map((f) => ({ label: f.name, description: f.file ? `${f.file.replace(/^.*\//, '')}:${f.line}` : '' })) }
        : { label: 'call stack', description: st.message });
    }
    return procs.map((p) => {
      const details: Item[] = [];
      if (p.root) details.push({ label: 'page table', description: p.root, root: p.root });
      if (p.parent !== undefined) details.push({ label: 'parent', description: String(p.parent) });
      if (p.kstack) details.push({ label: 'kernel stack', description: p.kstackTop ? `${p.kstack}–${p.kstackTop}` : p.kstack, memory: p.kstack });
      if (p.context) details.push({ label: 'saved context', description: `pc ${p.context.pc} sp ${p.context.sp} fp ${p.context.fp}` });
      if (p.context) details.push(stacks.get(p.pid)!);
      return {
        label: `${p.pid} ${p.name}`,
        description: p.hart !== undefined ? `${p.state} on hart ${p.hart}` : p.state,
        tooltip: `pid ${p.pid}, ${p.name}: ${p.state}${p.root ? `, root table ${p.root}` : ''}`,
        root: p.root,
        pid: p.pid,
        children: details,
      };
    });
  }
}

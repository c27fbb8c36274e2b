// Runs one bare ELF on QEMU (`-machine virt -bios none`) and on Chronos, and reports what each
// printed on the UART and the status it ended with.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../../src/emulator/machine.js';
import { QEMU } from '../support/toolchain.js';

export interface Outcome { output: string; status: number | string }

export function runQemu(elf: string, timeoutMs = 20_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(QEMU, ['-machine', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-kernel', elf],
      { timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'latin1' },
      (err, stdout) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        const status = e ? (e.killed ? 'timeout' : typeof e.code === 'number' ? e.code : String(e.code)) : 0;
        resolve({ output: stdout, status });
      });
  });
}

export function runChronos(elf: string, budget = 200_000_000): Outcome {
  const m = new Machine();
  m.bootBare(m.loadElf(readFileSync(elf)).entry);
  const out: number[] = [];
  m.onUartOutput.event((b) => out.push(b));
  const r = m.run(budget);
  const status = r.kind === 'exit' ? r.status : r.kind === 'budget' ? 'timeout' : r.kind;
  return { output: Buffer.from(out).toString('latin1'), status };
}

/** The first line where two outputs differ, with context, for a failure message. */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: qemu ${JSON.stringify(la[i])} chronos ${JSON.stringify(lb[i])}`;
  }
  return 'no difference';
}

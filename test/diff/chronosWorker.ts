// A worker thread that runs ELF files on Chronos for ChronosPool (harness.ts).
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { Machine } from '../../src/emulator/machine.js';

parentPort!.on('message', ({ id, elf, budget }: { id: number; elf: string; budget: number }) => {
  try {
    const m = new Machine();
    m.bootBare(m.loadElf(readFileSync(elf)).entry);
    const out: number[] = [];
    m.onUartOutput.event((b) => out.push(b));
    const r = m.run(budget);
    const status = r.kind === 'exit' ? r.status : r.kind === 'budget' ? 'timeout' : r.kind;
    parentPort!.postMessage({ id, output: Buffer.from(out).toString('latin1'), status });
  } catch (e) {
    parentPort!.postMessage({ id, output: '', status: `exception: ${(e as Error).stack ?? e}` });
  }
});

// A worker thread that runs ELF files on Chronos for ChronosPool (harness.ts).
import { parentPort } from 'node:worker_threads';
import { runChronos } from './harness.js';

parentPort!.on('message', ({ id, elf, budget }: { id: number; elf: string; budget: number }) => {
  try {
    parentPort!.postMessage({ id, ...runChronos(elf, budget) });
  } catch (e) {
    parentPort!.postMessage({ id, output: '', status: `exception: ${(e as Error).stack ?? e}` });
  }
});

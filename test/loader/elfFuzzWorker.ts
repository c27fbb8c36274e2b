// A worker of the ELF fuzzer: runs cases [from, to) and reports each as it ends, so that the
// main thread can tell a case that hangs (no report) from one that is merely slow.
import { parentPort, workerData } from 'node:worker_threads';
import { caseRng, mutate, runCase, type SeedFile } from './elfFuzz.js';

const { seeds, seed, from, to } = workerData as { seeds: SeedFile[]; seed: number; from: number; to: number };
for (let index = from; index < to; index++) {
  const rng = caseRng(seed, index);
  const s = seeds[rng.int(seeds.length)];
  const m = mutate(s, rng);
  const t0 = performance.now();
  const result = runCase(m.bytes, s.bios);
  parentPort!.postMessage({ index, seed: s.name, what: m.what, size: m.bytes.length, result, ms: performance.now() - t0 });
}

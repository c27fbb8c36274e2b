// Runs the ELF fuzzer (elfFuzz.ts) in a worker thread, with a watchdog: a case that reports
// nothing for `hangMs` is a hang, recorded with what it was, and the run goes on from the next
// case in a new worker. Returns the figures a report needs.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { caseRng, messageKind, mutate, type CaseResult, type SeedFile, type Stage } from './elfFuzz.js';

export interface FuzzOptions { seeds: SeedFile[]; cases: number; seed: number; hangMs: number; onProgress?(done: number): void }

export interface CaseReport { index: number; seed: string; what: string; size: number; result: CaseResult; ms: number }

export interface FuzzReport {
  cases: number;
  seed: number;
  seconds: number;
  rejected: number;
  ran: number;
  /** Exceptions other than a clear ElfError or LoadError. */
  failures: CaseReport[];
  /** Cases that never reported back within hangMs. */
  hangs: { index: number; seed: string; what: string }[];
  /** Where the rejected cases were rejected. */
  rejectedAt: Partial<Record<Stage, number>>;
  /** How the short runs of the loaded mutants ended. */
  stops: Record<string, number>;
  /** Rejections by message, numbers masked, most frequent first. */
  messages: [string, number][];
  perSeed: Record<string, number>;
  ms: { median: number; p99: number; max: number; slowest: CaseReport | undefined };
}

const WORKER = fileURLToPath(new URL('./elfFuzzWorker.ts', import.meta.url));

/** Which seed and mutation a case was, derived again from its number (as the worker derives it). */
export function describeCase(seeds: SeedFile[], seed: number, index: number): { seed: SeedFile; bytes: Uint8Array; what: string } {
  const rng = caseRng(seed, index);
  const s = seeds[rng.int(seeds.length)];
  const m = mutate(s, rng);
  return { seed: s, bytes: m.bytes, what: m.what };
}

export async function fuzzElf(o: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const times: number[] = [];
  const r: FuzzReport = {
    cases: o.cases, seed: o.seed, seconds: 0, rejected: 0, ran: 0, failures: [], hangs: [], rejectedAt: {}, stops: {}, messages: [], perSeed: {},
    ms: { median: 0, p99: 0, max: 0, slowest: undefined },
  };
  const messages = new Map<string, number>();
  let next = 0;
  while (next < o.cases) {
    next = await new Promise<number>((resolve) => {
      const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true, workerData: { seeds: o.seeds, seed: o.seed, from: next, to: o.cases } });
      let expected = next, done = false;
      const finish = (at: number): void => { if (!done) { done = true; clearTimeout(timer); void w.terminate(); resolve(at); } };
      let timer = setTimeout(() => hang(), o.hangMs);
      const hang = (): void => {
        const d = describeCase(o.seeds, o.seed, expected);
        r.hangs.push({ index: expected, seed: d.seed.name, what: d.what });
        finish(expected + 1);
      };
      w.on('message', (c: CaseReport) => {
        clearTimeout(timer);
        timer = setTimeout(() => hang(), o.hangMs);
        expected = c.index + 1;
        times.push(c.ms);
        r.perSeed[c.seed] = (r.perSeed[c.seed] ?? 0) + 1;
        if (c.ms > r.ms.max) { r.ms.max = c.ms; r.ms.slowest = c; }
        if (c.result.outcome === 'rejected') {
          r.rejected++;
          r.rejectedAt[c.result.stage] = (r.rejectedAt[c.result.stage] ?? 0) + 1;
          const k = messageKind(c.result.message!);
          messages.set(k, (messages.get(k) ?? 0) + 1);
        } else if (c.result.outcome === 'ran') {
          r.ran++;
          r.stops[c.result.stop!] = (r.stops[c.result.stop!] ?? 0) + 1;
        } else r.failures.push(c);
        o.onProgress?.(expected);
        if (expected >= o.cases) finish(expected);
      });
      const died = (why: string): void => {
        if (done) return;
        // The worker itself died (out of memory, say): the case it was on failed.
        const d = describeCase(o.seeds, o.seed, expected);
        r.failures.push({ index: expected, seed: d.seed.name, what: d.what, size: d.bytes.length, result: { outcome: 'failed', stage: 'parse', message: why }, ms: 0 });
        finish(expected + 1);
      };
      w.on('error', (e) => died(`the worker died: ${e.message}`));
      w.on('exit', (code) => { if (expected < o.cases) died(`the worker exited (${code})`); else finish(expected); });
    });
  }
  times.sort((a, b) => a - b);
  r.ms.median = times[Math.floor(times.length / 2)] ?? 0;
  r.ms.p99 = times[Math.floor(times.length * 0.99)] ?? 0;
  r.messages = [...messages].sort((a, b) => b[1] - a[1]);
  r.seconds = (Date.now() - started) / 1000;
  return r;
}

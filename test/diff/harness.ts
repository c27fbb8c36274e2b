// The differential harness: one bare ELF runs on QEMU (`-machine virt -bios none`) and on
// Chronos in-process; the test compares what each printed on the UART and the status each
// ended with. Test programs print their state in the dump format below, so a difference can be
// named precisely: which case, which register or CSR, QEMU's value and ours.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Machine } from '../../src/emulator/machine.js';
import { ABI_NAMES } from '../../src/emulator/isa/registers.js';
import { GCC, QEMU } from '../support/toolchain.js';

/**
 * QEMU's CPU, configured as Chronos's hart: RV64IMAFDC with S and U, Zicsr, Zifencei, Sstc and
 * the debug triggers. QEMU 7.2's default `rv64` also has H and the Zb* extensions; with them,
 * encodings that are illegal here would execute there.
 */
export const QEMU_CPU = 'rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false';

/** Where test programs are built (gitignored). */
export const BUILD = join('test', 'programs', 'build');

export function buildDir(name: string): string {
  const dir = join(BUILD, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Outcome { output: string; status: number | string }

/** Run a command; resolves with stdout, rejects with the command line and its stderr. */
export function sh(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 256 << 20, encoding: 'latin1' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}\n${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Assemble and link a bare program (no C runtime) at 0x80000000. */
export function assemble(src: string, elf: string, march = 'rv64imac_zicsr_zifencei'): Promise<string> {
  return sh(GCC, [`-march=${march}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments',
    '-T', join('test', 'programs', 'link.ld'), src, '-o', elf]);
}

/** Run a bare ELF on QEMU's virt board; `extraArgs` add devices or options (drives, -global). */
export function runQemu(elf: string, timeoutMs = 30_000, extraArgs: string[] = []): Promise<Outcome> {
  return new Promise((resolve) => {
    // Our own timer: QEMU exits with status 0 on SIGTERM, which execFile's timeout would hide.
    let timedOut = false;
    const child = execFile(QEMU, ['-machine', 'virt', '-cpu', QEMU_CPU, '-bios', 'none', '-nographic', '-monitor', 'none',
      '-serial', 'stdio', ...extraArgs, '-kernel', elf],
    { maxBuffer: 256 << 20, encoding: 'latin1' },
    (err, stdout) => {
      clearTimeout(timer);
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
      const status = timedOut ? 'timeout' : e ? (typeof e.code === 'number' ? e.code : String(e.signal ?? e.code)) : 0;
      resolve({ output: stdout, status });
    });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  });
}

export function runChronos(elf: string, budget = 500_000_000): Outcome {
  const m = new Machine();
  m.bootBare(m.loadElf(readFileSync(elf)).entry);
  const out: number[] = [];
  m.onUartOutput.event((b) => out.push(b));
  const r = m.run(budget);
  const status = r.kind === 'exit' ? r.status : r.kind === 'budget' ? 'timeout' : r.kind;
  return { output: Buffer.from(out).toString('latin1'), status };
}

/**
 * Chronos in worker threads of this process: a run that never returns (an emulator bug) is
 * cut off after a timeout instead of hanging the test, and runs overlap with QEMU's.
 */
export class ChronosPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private live = 0;
  private nextId = 0;

  constructor(private readonly size = 2) {}

  private spawn(): Worker {
    // The worker loads TypeScript through tsx, as the test runner's --import tsx does here.
    const file = fileURLToPath(new URL('./chronosWorker.ts', import.meta.url));
    const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true });
    w.unref();
    this.live++;
    return w;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.live < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w); else this.idle.push(w);
  }

  run(elf: string, budget = 500_000_000, timeoutMs = 120_000): Promise<Outcome> {
    return this.acquire().then((w) => new Promise<Outcome>((resolve) => {
      const id = this.nextId++;
      const done = (o: Outcome, reuse: boolean): void => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        if (reuse) this.release(w);
        else {
          this.live--;
          void w.terminate();
          const next = this.waiting.shift();
          if (next) next(this.spawn());
        }
        resolve(o);
      };
      const onMessage = (m: { id: number } & Outcome): void => { if (m.id === id) done({ output: m.output, status: m.status }, true); };
      const onError = (e: Error): void => done({ output: '', status: `worker error: ${e.message}` }, false);
      const timer = setTimeout(() => done({ output: '', status: `hang: no result after ${timeoutMs / 1000} s` }, false), timeoutMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, elf, budget });
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/** The first line where two outputs differ, with context, for a failure message. */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: qemu ${JSON.stringify(la[i])} chronos ${JSON.stringify(lb[i])}`;
  }
  return 'no difference';
}

/** Run `fn` over `items`, at most `n` at a time. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

// ---- the dump format -------------------------------------------------------------------------
//
// A generated program prints, per test case, `C` and the case number, then x1..x31, then the
// CSRs in DUMP_CSRS, then a checksum of its data area, one 16-digit hex number a line. Its trap
// handler prints `T` and mcause, then mtval and mepc. QEMU and Chronos must print the same.

export const REG_NAMES = ABI_NAMES;

/** CSRs every case dump shows, in order (sscratch is the trap handler's scratch register). */
export const DUMP_CSRS = ['mstatus', 'mie', 'mip', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval', 'medeleg', 'mideleg',
  'mcounteren', 'misa', 'mhartid', 'sstatus', 'sie', 'sip', 'stvec', 'sepc', 'scause', 'stval'];

export type DumpEvent =
  | { kind: 'trap'; inCase: number; cause: string; tval: string; epc: string }
  | { kind: 'case'; index: number; fields: [string, string][] }
  | { kind: 'text'; inCase: number; line: string };

/** Split a program's output into trap reports and case dumps. */
export function parseDump(output: string): DumpEvent[] {
  const lines = output.split('\n');
  const events: DumpEvent[] = [];
  let cases = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^T[0-9a-f]{16}$/.test(l)) {
      events.push({ kind: 'trap', inCase: cases, cause: l.slice(1), tval: lines[i + 1] ?? '<missing>', epc: lines[i + 2] ?? '<missing>' });
      i += 2;
    } else if (/^C[0-9a-f]{16}$/.test(l)) {
      const names = [...REG_NAMES.slice(1).map((r, k) => `x${k + 1} (${r})`), ...DUMP_CSRS, 'data checksum'];
      const fields: [string, string][] = names.map((n, k) => [n, lines[i + 1 + k] ?? '<missing>']);
      events.push({ kind: 'case', index: Number.parseInt(l.slice(1), 16), fields });
      i += names.length;
      cases++;
    } else if (l !== '') {
      events.push({ kind: 'text', inCase: cases, line: l });
    }
  }
  return events;
}

const show = (e: DumpEvent | undefined): string => {
  if (!e) return 'nothing (the output ends)';
  if (e.kind === 'trap') return `a trap: mcause ${e.cause} mtval ${e.tval} mepc ${e.epc}`;
  if (e.kind === 'case') return `the end-of-case dump of case ${e.index}`;
  return JSON.stringify(e.line);
};

/**
 * Compare two outputs in the dump format. Returns undefined when they agree, else a report:
 * the case, and for a case dump every field that differs.
 */
export function compareDumps(qemu: string, chronos: string): { caseIndex: number; report: string } | undefined {
  if (qemu === chronos) return undefined;
  const q = parseDump(qemu), c = parseDump(chronos);
  for (let i = 0; i < Math.max(q.length, c.length); i++) {
    const a = q[i], b = c[i];
    if (a && b && JSON.stringify(a) === JSON.stringify(b)) continue;
    const caseIndex = a ? (a.kind === 'case' ? a.index : a.inCase) : b ? (b.kind === 'case' ? b.index : b.inCase) : -1;
    if (a?.kind === 'case' && b?.kind === 'case') {
      const diffs = a.fields.filter(([, v], k) => v !== b.fields[k][1])
        .map(([n, v]) => `    ${n.padEnd(16)} qemu 0x${v}  chronos 0x${b.fields.find(([m]) => m === n)![1]}`);
      return { caseIndex, report: `case ${a.index}: the end-of-case state differs:\n${diffs.join('\n')}` };
    }
    if (a?.kind === 'trap' && b?.kind === 'trap') {
      return { caseIndex, report: `case ${caseIndex}: a trap differs:\n    qemu    mcause ${a.cause} mtval ${a.tval} mepc ${a.epc}\n    chronos mcause ${b.cause} mtval ${b.tval} mepc ${b.epc}` };
    }
    return { caseIndex, report: `case ${caseIndex}: qemu printed ${show(a)}, chronos ${show(b)}` };
  }
  return { caseIndex: -1, report: firstDifference(qemu, chronos) };
}

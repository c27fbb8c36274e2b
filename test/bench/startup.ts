// F5 to the first breakpoint, for `npm run bench`: a debug adapter process (dist/debugAdapter.js)
// spawned and driven over stdio as VS Code drives it (initialize, launch, the initialized
// event, setBreakpoints on a line of Chronos OS's boot.rs, setExceptionBreakpoints,
// configurationDone) until its `stopped` event. Each phase is timed from the client side
// (when its response or event arrives); the adapter's CPU time is read from /proc when the
// stop arrives, since wall time on a shared machine says as much about the neighbours.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

export const ADAPTER = resolve('dist/debugAdapter.js');
export const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
export const BOOT_RS = resolve('kernel/src/boot.rs');
/** The breakpoint's line: the first statement of the first self-test. */
const BREAK_AT = 'let before = FRAME_STATS.allocated.load(Ordering::Relaxed);';

export interface StartupRun {
  /** Milliseconds from spawn to each response or event. */
  initialized: number; launched: number; breakpointsSet: number; configured: number; stopped: number;
  /** The stack trace of the stop answered (what VS Code asks for at once, to show the line). */
  shown: number;
  /** The adapter's user + system CPU milliseconds at the stop and when the stack was answered (undefined without /proc). */
  cpuMs: number | undefined; shownCpuMs: number | undefined;
  /** The adapter's CPU milliseconds when initialize, launch (its initialized event) and the breakpoints were answered: where the CPU went, phase by phase, when wall time is the neighbours'. */
  initializedCpuMs: number | undefined; launchedCpuMs: number | undefined; breakpointsSetCpuMs: number | undefined;
  line: number;
}

const CLK_TCK = 100;

function cpuMsOf(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th field.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch { return undefined; }
}

/** The line of boot.rs that holds `text`, 1-based. */
export function lineOf(text: string, file = BOOT_RS): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line with ${text}`);
  return i + 1;
}

/** One launch to the first stop; rejects when the adapter errs or takes over `timeoutMs`. */
export function startupOnce(nodeArgs: string[] = [], timeoutMs = 60_000, adapter = ADAPTER): Promise<StartupRun> {
  const line = lineOf(BREAK_AT);
  const t0 = process.hrtime.bigint();
  const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
  const child = spawn(process.execPath, [...nodeArgs, adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
  let seq = 1;
  const send = (command: string, args: unknown): number => {
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return seq++;
  };
  return new Promise<StartupRun>((done, fail) => {
    const marks: Partial<StartupRun> = { line };
    const timer = setTimeout(() => { child.kill(); fail(new Error(`no stop within ${timeoutMs} ms`)); }, timeoutMs);
    const pending = new Map<number, (msg: { success: boolean; message?: string; body?: unknown }) => void>();
    const request = (command: string, args: unknown): Promise<{ body?: unknown }> => new Promise((ok, err) => {
      pending.set(send(command, args), (m) => (m.success ? ok(m) : err(new Error(`${command}: ${m.message}`))));
    });
    let buffer = Buffer.alloc(0);
    let onInitialized = (): void => {};
    let onStopped = (_reason: string): void => {};
    child.stdout.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const head = buffer.indexOf('\r\n\r\n');
        if (head < 0) return;
        const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, head).toString())?.[1]);
        if (buffer.length < head + 4 + length) return;
        const msg = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString());
        buffer = buffer.subarray(head + 4 + length);
        if (msg.type === 'response') { pending.get(msg.request_seq)?.(msg); pending.delete(msg.request_seq); }
        else if (msg.type === 'event' && msg.event === 'initialized') onInitialized();
        else if (msg.type === 'event' && msg.event === 'stopped') {
          marks.stopped = ms();
          marks.cpuMs = cpuMsOf(child.pid!);
          onStopped(msg.body.reason);
        } else if (msg.type === 'event' && msg.event === 'terminated') fail(new Error('the guest ended before the breakpoint'));
      }
    });
    child.on('error', fail);
    (async () => {
      const initialized = new Promise<void>((r) => { onInitialized = r; });
      const stopped = new Promise<string>((r) => { onStopped = r; });
      await request('initialize', { adapterID: 'chronos', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      marks.initialized = ms();
      marks.initializedCpuMs = cpuMsOf(child.pid!);
      await request('launch', { program: KERNEL });
      await initialized;
      marks.launched = ms();
      marks.launchedCpuMs = cpuMsOf(child.pid!);
      const set = await request('setBreakpoints', { source: { path: BOOT_RS }, breakpoints: [{ line }] }) as { body: { breakpoints: { verified: boolean }[] } };
      if (!set.body.breakpoints[0]?.verified) throw new Error(`boot.rs:${line}: the breakpoint was not verified`);
      await request('setExceptionBreakpoints', { filters: ['panic'] });
      marks.breakpointsSet = ms();
      marks.breakpointsSetCpuMs = cpuMsOf(child.pid!);
      await request('configurationDone', {});
      marks.configured = ms();
      const reason = await stopped;
      if (reason !== 'breakpoint') throw new Error(`stopped for ${reason}, not at the breakpoint`);
      // What the user waits for: the stop shown with its frame and source line.
      const trace = await request('stackTrace', { threadId: 1, levels: 20 }) as { body: { stackFrames: { line: number; source?: { path?: string } }[] } };
      marks.shown = ms();
      marks.shownCpuMs = cpuMsOf(child.pid!);
      const top = trace.body.stackFrames[0];
      if (top?.line !== line || top.source?.path !== BOOT_RS) throw new Error(`stopped at ${top?.source?.path}:${top?.line}, not at boot.rs:${line}`);
      clearTimeout(timer);
      // A profiled adapter (--cpu-prof) writes its profile only when it exits of itself.
      if (nodeArgs.length) { await request('disconnect', {}); child.stdin.end(); } else child.kill();
      done(marks as StartupRun);
    })().catch((e) => { clearTimeout(timer); child.kill(); fail(e); });
  });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Several launches; the median of each phase, printed. */
export async function measureStartup(repeat = 7): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(KERNEL) || !existsSync(ADAPTER)) {
    console.log('F5 to the first breakpoint: the kernel or the adapter is not built (npm run build:kernel, npm run build), not measured');
    return undefined;
  }
  const load0 = loadavg()[0];
  const runs: StartupRun[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await startupOnce());
  const load1 = loadavg()[0];
  const m = (k: keyof StartupRun): number => median(runs.map((r) => r[k] as number));
  const cpu = runs.every((r) => r.cpuMs !== undefined) ? m('cpuMs') : undefined;
  const shownCpu = runs.every((r) => r.shownCpuMs !== undefined) ? m('shownCpuMs') : undefined;
  const phaseCpu = runs.every((r) => r.initializedCpuMs !== undefined && r.launchedCpuMs !== undefined && r.breakpointsSetCpuMs !== undefined)
    ? { initialized: m('initializedCpuMs'), launched: m('launchedCpuMs'), breakpointsSet: m('breakpointsSetCpuMs'), stopped: cpu!, shown: shownCpu! } : undefined;
  console.log(`F5 to the first breakpoint (boot.rs:${runs[0].line}), adapter process spawned to its stopped event, median of ${repeat}, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  console.log(`  total:   ${(m('stopped') / 1000).toFixed(3)} s wall${cpu === undefined ? '' : `, ${(cpu / 1000).toFixed(3)} s CPU (the adapter's)`}; its stack trace answered at ${(m('shown') / 1000).toFixed(3)} s wall${shownCpu === undefined ? '' : `, ${(shownCpu / 1000).toFixed(3)} s CPU`}`);
  console.log(`  phases:  initialize answered ${m('initialized').toFixed(0)} ms, launch ${m('launched').toFixed(0)} ms, breakpoints set ${m('breakpointsSet').toFixed(0)} ms, `
    + `configurationDone ${m('configured').toFixed(0)} ms, stopped ${m('stopped').toFixed(0)} ms (from spawn)`);
  if (phaseCpu) console.log(`  CPU:     ${phaseCpu.initialized.toFixed(0)} ms at initialize, ${phaseCpu.launched.toFixed(0)} at launch, ${phaseCpu.breakpointsSet.toFixed(0)} with the breakpoints, `
    + `${phaseCpu.stopped.toFixed(0)} at the stop, ${phaseCpu.shown.toFixed(0)} with the stack (the adapter's, from /proc in 10 ms ticks)`);
  return { line: runs[0].line, repeat, wallSeconds: m('stopped') / 1000, cpuSeconds: cpu === undefined ? undefined : cpu / 1000,
    phasesMs: { initialized: m('initialized'), launched: m('launched'), breakpointsSet: m('breakpointsSet'), configured: m('configured'), stopped: m('stopped'), shown: m('shown') }, shownCpuSeconds: shownCpu === undefined ? undefined : shownCpu / 1000,
    phasesCpuMs: phaseCpu,
    loadAverage: [load0, load1] };
}

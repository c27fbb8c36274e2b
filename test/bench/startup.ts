// F5 to the first breakpoint, for `npm run bench`, measured two ways, each launch in a fresh
// process:
// - inline, as the extension runs the adapter (DebugAdapterInlineImplementation): a process
//   that has loaded the bundle already (VS Code pays node's start and the bundle's load when the
//   extension activates, not at F5) creates the session and exchanges DAP messages with it in
//   memory (handleMessage / onDidSendMessage). This is the F5 a user of the extension waits for.
// - spawned, as external mode and other DAP clients run it: a process of dist/debugAdapter.js
//   driven over stdio, node's start and the bundle's load included.
// Both send what VS Code sends (initialize, launch, the initialized event, setBreakpoints on a
// line of Chronos OS's boot.rs, setExceptionBreakpoints, configurationDone) up to the `stopped`
// event, then ask for the stack trace (what VS Code does at once, to show the line). Each
// phase is timed when its response or event arrives, with the adapter's CPU time beside it,
// since wall time on a shared machine says as much about the neighbours.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

export const ADAPTER = resolve('dist/debugAdapter.js');
/** inlineStartup.ts bundled alone, run in a process of its own per launch. */
export const INLINE = resolve('dist/benchInline.js');
/** What that process runs: the bundle's require timed, then the launches, their marks printed as JSON. */
const INLINE_MAIN = `const t = performance.now(); const m = require(process.argv[1]); const loadMs = performance.now() - t;
setTimeout(() => m.inlineStartup(loadMs).then((r) => { console.log(JSON.stringify(r)); process.exit(0); }, (e) => { console.error(e); process.exit(1); }), 100);`;
export const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
export const BOOT_RS = resolve('kernel/src/boot.rs');
/** The breakpoint's line: the first statement of the first self-test. */
const BREAK_AT = 'let before = FRAME_STATS.allocated.load(Ordering::Relaxed);';

export interface StartupRun {
  /** Milliseconds from the start (the spawn, or the session's creation inline) to each response or event. */
  initialized: number; launched: number; breakpointsSet: number; configured: number; stopped: number;
  /** The stack trace of the stop answered (what VS Code asks for at once, to show the line). */
  shown: number;
  /** The adapter's user + system CPU milliseconds at the stop and when the stack was answered (undefined without /proc). */
  cpuMs: number | undefined; shownCpuMs: number | undefined;
  /** The adapter's CPU milliseconds when initialize, launch (its initialized event) and the breakpoints were answered: where the CPU went, phase by phase, when wall time is the neighbours'. */
  initializedCpuMs: number | undefined; launchedCpuMs: number | undefined; breakpointsSetCpuMs: number | undefined;
  line: number;
}

/** A DAP message as it travels either way. */
export interface DapMessage { type: string; seq?: number; command?: string; request_seq?: number; success?: boolean; message?: string; event?: string; body?: any }

/** Where the driver sends requests, and the clocks it reads at each mark. */
export interface Transport {
  send(msg: DapMessage): void;
  /** Milliseconds since the start. */
  ms(): number;
  /** The adapter's CPU milliseconds since the start, when it can be read. */
  cpuMs(): number | undefined;
}

/** The line of boot.rs that holds `text`, 1-based. */
export function lineOf(text: string, file = BOOT_RS): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no line with ${text}`);
  return i + 1;
}

/**
 * The client's side of one launch to the first stop: `receive` takes each message the adapter
 * sends; `run` sends the requests in VS Code's order and resolves with the marks (rejects when
 * the adapter errs, ends the guest first or stops elsewhere). `finish` ends the session.
 */
export function startupClient(t: Transport, finish: (request: (command: string, args: unknown) => Promise<unknown>) => Promise<void>): { receive(msg: DapMessage): void; run(): Promise<StartupRun> } {
  const line = lineOf(BREAK_AT);
  const marks: Partial<StartupRun> = { line };
  let seq = 1;
  const pending = new Map<number, (msg: DapMessage) => void>();
  const request = (command: string, args: unknown): Promise<DapMessage> => new Promise((ok, err) => {
    pending.set(seq, (m) => (m.success ? ok(m) : err(new Error(`${command}: ${m.message}`))));
    t.send({ seq: seq++, type: 'request', command, arguments: args } as DapMessage);
  });
  let onInitialized = (): void => {};
  let onStopped = (_reason: string): void => {};
  let onFailure = (_e: Error): void => {};
  const receive = (msg: DapMessage): void => {
    if (msg.type === 'response') { pending.get(msg.request_seq!)?.(msg); pending.delete(msg.request_seq!); }
    else if (msg.type === 'event' && msg.event === 'initialized') onInitialized();
    else if (msg.type === 'event' && msg.event === 'stopped') {
      marks.stopped = t.ms();
      marks.cpuMs = t.cpuMs();
      onStopped(msg.body.reason);
    } else if (msg.type === 'event' && msg.event === 'terminated') onFailure(new Error('the guest ended before the breakpoint'));
  };
  const run = async (): Promise<StartupRun> => {
    const failed = new Promise<never>((_, fail) => { onFailure = fail; });
    const initialized = new Promise<void>((r) => { onInitialized = r; });
    const stopped = new Promise<string>((r) => { onStopped = r; });
    const steps = (async () => {
      await request('initialize', { adapterID: 'chronos', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      marks.initialized = t.ms();
      marks.initializedCpuMs = t.cpuMs();
      await request('launch', { program: KERNEL });
      await initialized;
      marks.launched = t.ms();
      marks.launchedCpuMs = t.cpuMs();
      const set = await request('setBreakpoints', { source: { path: BOOT_RS }, breakpoints: [{ line }] });
      if (!set.body.breakpoints[0]?.verified) throw new Error(`boot.rs:${line}: the breakpoint was not verified`);
      await request('setExceptionBreakpoints', { filters: ['panic'] });
      marks.breakpointsSet = t.ms();
      marks.breakpointsSetCpuMs = t.cpuMs();
      await request('configurationDone', {});
      marks.configured = t.ms();
      const reason = await stopped;
      if (reason !== 'breakpoint') throw new Error(`stopped for ${reason}, not at the breakpoint`);
      // What the user waits for: the stop shown with its frame and source line.
      const trace = await request('stackTrace', { threadId: 1, levels: 20 });
      marks.shown = t.ms();
      marks.shownCpuMs = t.cpuMs();
      const top = trace.body.stackFrames[0] as { line: number; source?: { path?: string } } | undefined;
      if (top?.line !== line || top.source?.path !== BOOT_RS) throw new Error(`stopped at ${top?.source?.path}:${top?.line}, not at boot.rs:${line}`);
      await finish(request);
      return marks as StartupRun;
    })();
    return Promise.race([steps, failed]);
  };
  return { receive, run };
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

/** One launch of a spawned adapter to the first stop; rejects when the adapter errs or takes over `timeoutMs`. */
export function startupOnce(nodeArgs: string[] = [], timeoutMs = 60_000, adapter = ADAPTER): Promise<StartupRun> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, adapter], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = startupClient({
    send: (msg) => {
      const body = JSON.stringify(msg);
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    ms: () => Number(process.hrtime.bigint() - t0) / 1e6,
    cpuMs: () => cpuMsOf(child.pid!),
  }, async (request) => {
    // A profiled adapter (--cpu-prof) writes its profile only when it exits of itself.
    if (nodeArgs.length) { await request('disconnect', {}); child.stdin.end(); } else child.kill();
  });
  let buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(buffer.subarray(0, head).toString())?.[1]);
      if (buffer.length < head + 4 + length) return;
      const msg = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString()) as DapMessage;
      buffer = buffer.subarray(head + 4 + length);
      client.receive(msg);
    }
  });
  return withTimeout(Promise.race([client.run(), new Promise<never>((_, fail) => child.on('error', fail))]), timeoutMs, () => child.kill());
}

/**
 * One inline launch in a fresh process (inlineStartup.ts): the first F5 after activation, then a
 * second in the same process. The launch starts 100 ms after the load, as an F5 comes after
 * the activation it triggered (VS Code resolves the configuration in between).
 */
export function inlineStartupOnce(nodeArgs: string[] = [], timeoutMs = 60_000): Promise<{ first: StartupRun; again: StartupRun; loadMs: number }> {
  const child = spawn(process.execPath, [...nodeArgs, '-e', INLINE_MAIN, INLINE], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  return withTimeout(new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) fail(new Error(`the inline launch ended with status ${code}: ${out.slice(-500)}`));
      else done(JSON.parse(last));
    });
  }), timeoutMs, () => child.kill());
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, fail) => { timer = setTimeout(() => { onTimeout(); fail(new Error(`no stop within ${ms} ms`)); }, ms); }),
  ]).catch((e) => { onTimeout(); throw e; });
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** The medians of several runs, printed under `title`, and returned for result.json. */
function report(title: string, runs: StartupRun[], cpuFrom: string): Record<string, unknown> {
  const m = (k: keyof StartupRun): number => median(runs.map((r) => r[k] as number));
  const cpu = runs.every((r) => r.cpuMs !== undefined) ? m('cpuMs') : undefined;
  const shownCpu = runs.every((r) => r.shownCpuMs !== undefined) ? m('shownCpuMs') : undefined;
  const phaseCpu = runs.every((r) => r.initializedCpuMs !== undefined && r.launchedCpuMs !== undefined && r.breakpointsSetCpuMs !== undefined)
    ? { initialized: m('initializedCpuMs'), launched: m('launchedCpuMs'), breakpointsSet: m('breakpointsSetCpuMs'), stopped: cpu!, shown: shownCpu! } : undefined;
  console.log(title);
  console.log(`  total:   ${(m('stopped') / 1000).toFixed(3)} s wall${cpu === undefined ? '' : `, ${(cpu / 1000).toFixed(3)} s CPU`}; its stack trace answered at ${(m('shown') / 1000).toFixed(3)} s wall${shownCpu === undefined ? '' : `, ${(shownCpu / 1000).toFixed(3)} s CPU`}`);
  console.log(`  phases:  initialize answered ${m('initialized').toFixed(0)} ms, launch ${m('launched').toFixed(0)} ms, breakpoints set ${m('breakpointsSet').toFixed(0)} ms, `
    + `configurationDone ${m('configured').toFixed(0)} ms, stopped ${m('stopped').toFixed(0)} ms`);
  if (phaseCpu) console.log(`  CPU:     ${phaseCpu.initialized.toFixed(0)} ms at initialize, ${phaseCpu.launched.toFixed(0)} at launch, ${phaseCpu.breakpointsSet.toFixed(0)} with the breakpoints, `
    + `${phaseCpu.stopped.toFixed(0)} at the stop, ${phaseCpu.shown.toFixed(0)} with the stack (${cpuFrom})`);
  return { wallSeconds: m('stopped') / 1000, cpuSeconds: cpu === undefined ? undefined : cpu / 1000,
    phasesMs: { initialized: m('initialized'), launched: m('launched'), breakpointsSet: m('breakpointsSet'), configured: m('configured'), stopped: m('stopped'), shown: m('shown') },
    shownCpuSeconds: shownCpu === undefined ? undefined : shownCpu / 1000, phasesCpuMs: phaseCpu };
}

/** Several launches of each kind, alternated; the median of each phase, printed. */
export async function measureStartup(repeat = 7): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(KERNEL) || !existsSync(ADAPTER) || !existsSync(INLINE)) {
    console.log('F5 to the first breakpoint: the kernel or the bundles are not built (npm run build:kernel, npm run build), not measured');
    return undefined;
  }
  const load0 = loadavg()[0];
  const spawned: StartupRun[] = [], inline: StartupRun[] = [], again: StartupRun[] = [], loads: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = await inlineStartupOnce();
    inline.push(r.first); again.push(r.again); loads.push(r.loadMs);
    spawned.push(await startupOnce());
  }
  const load1 = loadavg()[0];
  const line = spawned[0].line;
  console.log(`F5 to the first breakpoint (boot.rs:${line}), median of ${repeat} launches of each kind, alternated, each in a fresh process, load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`);
  const first = report(`- in the extension host (the adapter inline, as VS Code runs it: issue 19's F5 to the first breakpoint), from the session's creation; `
    + `the bundle's require before it ${median(loads).toFixed(0)} ms (a window's first F5 pays that too, as it activates the extension):`, inline, 'CPU of the whole process, all its threads, from the session\'s creation');
  const second = report('- the second F5 in the same extension host (V8\'s code for the adapter made by the first):', again, 'the same');
  const external = report('- a spawned adapter process (external mode, other DAP clients), from spawn, node\'s start and the bundle\'s load included:', spawned, 'the adapter process\'s, from /proc in 10 ms ticks');
  return { line, repeat, inline: first, inlineAgain: second, inlineBundleLoadMs: median(loads), spawned: external, loadAverage: [load0, load1] };
}

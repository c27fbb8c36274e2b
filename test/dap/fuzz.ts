// The DAP fuzzer (used by test/dap/fuzz.test.ts and, for long runs, scripts/fuzz-dap.ts): a
// seeded stream of frames for the adapter over stdio, valid requests with random arguments,
// wrong types, absurd values and broken frames, while the guest runs and while it is stopped.
// It checks that the adapter lives, answers every request it can make out, never sends a stack
// trace or an internal error, and still debugs afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { MessageReader } from '../../src/debugger/protocol/framing.js';
import { Rng } from '../diff/generate.js';

export interface FuzzTarget { adapter: string; program: string; source: string; lines: number[] }

export interface FuzzReport {
  sent: number;
  requests: number;
  answered: number;
  errors: number;
  byCommand: Record<string, number>;
  problems: string[];
  seconds: number;
}

type Json = unknown;

const COMMANDS = ['setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'setExceptionBreakpoints', 'dataBreakpointInfo',
  'setDataBreakpoints', 'threads', 'continue', 'pause', 'next', 'stepIn', 'stepOut', 'exceptionInfo', 'stackTrace', 'scopes', 'variables',
  'setVariable', 'evaluate', 'readMemory', 'writeMemory', 'disassemble', 'restart', 'configurationDone', 'initialize',
  'chronos/uartInput', 'chronos/pageTables', 'chronos/translate', 'chronos/frames', 'chronos/heap', 'chronos/processes', 'chronos/stats',
  'chronos/timeline', 'source', 'loadedSources', 'modules', 'completions', 'gotoTargets', 'cancel', 'noSuchCommand', 'chronos/nope'];

const EXPRESSIONS = ['1+1', 'counter', 'table[3]', 'state', 'i', 'pc', '$a0', 'sp + 8', '*(u64*)sp', '*(u32*)0', 'x/4xw pc', 'x/2i pc',
  'mix', '&counter', '0b', '0x', '1/0', '(((', ')', '~~~~', '-', 'a0 ==', '"str"', 'x/99999xw 0', 'x/4s sp', '> hello', 'p->x', 'table[99999999]',
  '\u0000', '\ud800', '9'.repeat(400), 'counter.missing', '*(u8*)(0xffffffffffffffff)', 'x/1xg 0xffffffffffffffff'];

/** A value of any JSON type, often an edge (as a wrong-typed argument). */
function anyValue(r: Rng, depth = 0): Json {
  switch (r.below(depth > 2 ? 9 : 12)) {
    case 0: return null;
    case 1: return r.below(2) === 0;
    case 2: return r.pick([0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e300, -1e300, 0.5, 4096, 65536]);
    case 3: return r.pick(['', 'x', '0x80000000', '-1', 'NaN', 'a'.repeat(r.below(3) === 0 ? 200_000 : 30), '{x}', '\n', '0xffffffffffffffffff']);
    case 4: return r.next();
    case 5: return -r.next();
    case 6: return String(r.next());
    case 7: return `0x${r.next().toString(16)}`;
    case 8: return r.below(1 << 20) - (1 << 19);
    case 9: return Array.from({ length: r.below(4) }, () => anyValue(r, depth + 1));
    case 10: return Object.fromEntries(Array.from({ length: r.below(4) }, (_, i) => [`k${i}`, anyValue(r, depth + 1)]));
    default: return { source: anyValue(r, depth + 1), breakpoints: anyValue(r, depth + 1) };
  }
}

const addr = (r: Rng): string => r.pick(['0x80000000', '0x80001000', '0x0', '0x10000000', `0x${(0x80000000 + r.below(0x20000)).toString(16)}`, '0xffffffffffffffff',
  String(0x80000000 + r.below(4096)), `0x${r.next().toString(16)}${r.next().toString(16)}`]);

/** Plausible arguments for a command (right names, sometimes wrong values). */
function argumentsFor(command: string, r: Rng, t: FuzzTarget): Json {
  const thread = r.pick([1, 1, 1, 2, 0, -1, 99]);
  const line = r.below(10) ? r.pick(t.lines) : r.pick([0, -5, 1e9, 1.5]);
  switch (command) {
    case 'setBreakpoints': return { source: r.below(8) ? { path: t.source } : { path: r.pick(['/nope.c', '', 'relative.c']) },
      breakpoints: Array.from({ length: r.below(4) }, () => ({ line, condition: r.below(4) ? undefined : r.pick(EXPRESSIONS), hitCondition: r.below(5) ? undefined : r.pick(['3', '>2', '%2', 'x']), logMessage: r.below(6) ? undefined : `hit {${r.pick(EXPRESSIONS)}}` })) };
    case 'setFunctionBreakpoints': return { breakpoints: Array.from({ length: r.below(3) }, () => ({ name: r.pick(['main', 'mix', 'nope', '', 'puts_', 'x'.repeat(300)]), condition: r.below(4) ? undefined : r.pick(EXPRESSIONS) })) };
    case 'setInstructionBreakpoints': return { breakpoints: Array.from({ length: r.below(3) }, () => ({ instructionReference: addr(r), offset: r.below(4) ? 0 : r.pick([2, -2, 1e12]) })) };
    case 'setExceptionBreakpoints': return { filters: r.below(2) ? [] : [r.pick(['panic', 'interrupt', 'illegal-instruction', 'nope', 'load-page-fault'])] };
    case 'dataBreakpointInfo': return { name: r.pick(['counter', 'table', '0x80001000', 'phys:0x80000000', 'nope', '']), bytes: r.pick([undefined, 1, 8, 0, 1 << 21]) };
    case 'setDataBreakpoints': return { breakpoints: r.below(2) ? [] : [{ dataId: r.pick(['v:80001000:8', 'p:80000000:4', 'v:zz:8', 'v:1:0']), accessType: r.pick(['write', 'read', 'readWrite', 'both']) }] };
    case 'continue': case 'pause': case 'next': case 'stepIn': case 'stepOut': case 'exceptionInfo':
      return { threadId: thread, granularity: r.below(3) ? undefined : r.pick(['instruction', 'line', 'statement', 'word']) };
    case 'stackTrace': return { threadId: thread, startFrame: r.pick([undefined, 0, 1, 100, -1]), levels: r.pick([undefined, 0, 20, 1e6]) };
    case 'scopes': return { frameId: r.pick([0, 1, 2, 1000, 999999, -1]) };
    case 'variables': return { variablesReference: r.pick([0, 1, 2, 3, 4, 5, 10, 1000, -3]), start: r.pick([undefined, 0, 5]), count: r.pick([undefined, 0, 3]) };
    case 'setVariable': return { variablesReference: r.pick([1, 2, 3, 4, 99]), name: r.pick(['a0', 'pc', 'sp', 'counter', 'zero', 'satp', 'nope', 'i']), value: r.pick(EXPRESSIONS) };
    case 'evaluate': return { expression: r.pick(EXPRESSIONS), context: r.pick(['watch', 'repl', 'hover', 'clipboard', undefined]), frameId: r.pick([undefined, 0, 1, 5000]) };
    case 'readMemory': return { memoryReference: addr(r), offset: r.pick([undefined, 0, -8, 4096, 2 ** 40]), count: r.pick([0, 1, 16, 4096, 65536, 1 << 24]) };
    case 'writeMemory': return { memoryReference: addr(r), offset: r.pick([undefined, 0]), data: r.pick(['', 'AAAA', 'AAECAwQF', '!!!', 'A'.repeat(4096)]) };
    case 'disassemble': return { memoryReference: addr(r), offset: r.pick([undefined, 0, 2, -2]), instructionOffset: r.pick([undefined, 0, -10, 10, -1000]), instructionCount: r.pick([0, 1, 20, 200, 10_000]) };
    case 'restart': return {};
    case 'initialize': return { adapterID: 'chronos', linesStartAt1: r.below(2) === 0 };
    case 'chronos/uartInput': return { text: r.pick(['x', '\r', '', 'hello\n']) };
    case 'chronos/pageTables': return r.pick([{}, { satp: addr(r) }, { root: '0x80001000' }]);
    case 'chronos/timeline': return r.pick([{}, { points: 2 }, { from: 0, to: 10 }, { from: 1000 }, { points: 10_000 }]);
    case 'chronos/translate': return { address: r.pick(EXPRESSIONS.concat(['0x80000000', '0x4000000000'])), satp: r.below(3) ? undefined : '0x8000000000080000' };
    default: return {};
  }
}

/** A frame: most are well formed; some are broken in the ways clients and wires break them. */
export function nextFrame(r: Rng, seq: number, t: FuzzTarget): { bytes: Buffer; expectsResponse: boolean; command: string } {
  const command = r.pick(COMMANDS);
  let args = argumentsFor(command, r, t);
  const roll = r.below(100);
  if (roll < 8) args = anyValue(r);                                                                  // wrong shape
  else if (roll < 16 && typeof args === 'object' && args !== null && !Array.isArray(args)) {          // one wrong-typed field
    const keys = Object.keys(args as object);
    if (keys.length) (args as Record<string, Json>)[r.pick(keys)] = anyValue(r);
  }
  const message: Record<string, Json> = { seq, type: 'request', command, arguments: args };
  let body = JSON.stringify(message);
  let expectsResponse = true;
  if (roll >= 90) {
    // Broken frames: the adapter answers those it can make out and must survive all of them.
    expectsResponse = false;
    switch (r.below(8)) {
      case 0: body = body.replace(/"arguments":/, '"arguments": {"x": NaN}, "y":'); break;        // invalid JSON (NaN)
      case 1: body = r.pick(['[1,2,3]', '42', '"text"', 'null', 'true']); break;                    // not an object
      case 2: body = JSON.stringify({ seq, type: 'request', arguments: args }); break;             // no command
      case 3: body = JSON.stringify({ type: 'request', command }); break;                          // no seq
      case 4: body = JSON.stringify({ seq, type: r.pick(['event', 'nonsense', 7]), command }); break;
      case 5: return { bytes: Buffer.from(`Content-Type: application/json\r\n\r\n${body}`), expectsResponse: false, command };
      case 6: return { bytes: Buffer.from(`Content-Length: ${Buffer.byteLength(body) + r.below(40) + 1}\r\n\r\n${body}`), expectsResponse: false, command };
      default: return { bytes: Buffer.from(`Content-Length: ${Math.max(1, Buffer.byteLength(body) - r.below(10) - 1)}\r\n\r\n${body}`), expectsResponse: false, command };
    }
  }
  return { bytes: Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`), expectsResponse, command };
}

/** A response that gives away a stack trace, or says Chronos failed rather than the request. */
export function badResponse(m: Record<string, Json>): string | undefined {
  const text = JSON.stringify(m);
  if (/\\n\s+at\s|\bat [\w.<>]+ \(.*:\d+:\d+\)|node:internal|\.js:\d+:\d+/.test(text)) return 'a stack trace';
  if (/internal error/i.test(String(m.message ?? ''))) return `an internal error: ${String(m.message)}`;
  if (/TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert/.test(String(m.message ?? ''))) return `a raw JavaScript error: ${String(m.message)}`;
  return undefined;
}

class RawClient {
  readonly child: ChildProcess;
  private readonly reader = new MessageReader();
  private readonly waiting = new Map<number, (m: Record<string, Json>) => void>();
  readonly responses = new Map<number, Record<string, Json>>();
  readonly events: Record<string, Json>[] = [];
  private eventWaiters: { event: string; resolve: (m: Record<string, Json>) => void }[] = [];
  exited = false;
  /** What the adapter logged (internal errors with their stacks land here). */
  stderr = '';

  constructor(adapter: string) {
    this.child = spawn(process.execPath, [adapter], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('exit', () => { this.exited = true; });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.child.stdout!.on('data', (d: Buffer) => {
      for (const item of this.reader.feed(d)) {
        if (item.kind !== 'message') continue;
        const m = item.message;
        if (m.type === 'response') {
          const seq = Number(m.request_seq);
          this.responses.set(seq, m);
          this.waiting.get(seq)?.(m);
          this.waiting.delete(seq);
        } else if (m.type === 'event') {
          this.events.push(m);
          for (const w of this.eventWaiters.filter((x) => x.event === m.event)) w.resolve(m);
          this.eventWaiters = this.eventWaiters.filter((x) => x.event !== m.event);
        }
      }
    });
  }

  write(bytes: Buffer): void { this.child.stdin!.write(bytes); }

  request(seq: number, command: string, args: Json = {}, timeoutMs = 20_000): Promise<Record<string, Json>> {
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${command} (seq ${seq}) in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(seq, (m) => { clearTimeout(timer); resolve(m); });
      this.write(Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    });
  }

  event(name: string, timeoutMs = 20_000): Promise<Record<string, Json>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${name} event in ${timeoutMs} ms`)), timeoutMs);
      this.eventWaiters.push({ event: name, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  /** Resolves when every seq has its response, or after the timeout (those missing are reported). */
  async settle(seqs: number[], timeoutMs: number): Promise<number[]> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && seqs.some((s) => !this.responses.has(s)) && !this.exited) await new Promise((r) => setTimeout(r, 50));
    return seqs.filter((s) => !this.responses.has(s));
  }

  stop(): void { if (!this.exited) this.child.kill('SIGKILL'); }
}

/** Run `count` fuzz frames against a fresh adapter; the report says what went wrong, if anything. */
export async function fuzzAdapter(t: FuzzTarget, seed: number, count: number): Promise<FuzzReport> {
  const started = Date.now();
  const r = new Rng(seed);
  const c = new RawClient(t.adapter);
  const problems: string[] = [];
  const byCommand: Record<string, number> = {};
  let seq = 1;
  try {
    await c.request(seq++, 'initialize', { adapterID: 'chronos', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = c.request(seq++, 'launch', { program: t.program, bios: 'none' });
    await Promise.all([launched, c.event('initialized')]);
    await c.request(seq++, 'configurationDone');
    const expected: number[] = [];
    for (let i = 0; i < count; i++) {
      const f = nextFrame(r, seq, t);
      byCommand[f.command] = (byCommand[f.command] ?? 0) + 1;
      if (f.expectsResponse) expected.push(seq);
      seq++;
      c.write(f.bytes);
      // Let the adapter work now and then (the guest runs between requests), and keep the
      // pipe from filling.
      if (i % 25 === 24) await new Promise((res) => setTimeout(res, r.below(3) === 0 ? 20 : 1));
      if (c.exited) { problems.push(`the adapter exited after frame ${i}`); break; }
    }
    const missing = await c.settle(expected, 60_000);
    if (missing.length) problems.push(`${missing.length} requests got no response (first seqs ${missing.slice(0, 5).join(', ')})`);
    for (const [s, m] of c.responses) {
      const bad = badResponse(m);
      if (bad) problems.push(`response to seq ${s} (${String(m.command)}) is ${bad}: ${String(m.message).slice(0, 300)}`);
    }
    for (const e of c.events) {
      const bad = e.event === 'output' ? badResponse({ message: (e.body as Record<string, Json>)?.output }) : undefined;
      if (bad) problems.push(`an output event is ${bad}`);
    }
    if (c.exited) problems.push('the adapter is not running after the fuzz frames');
    else {
      // It still debugs: pause, a stack, an expression, a breakpoint that is hit.
      const paused = c.event('stopped', 5_000).catch(() => undefined);
      await c.request(seq++, 'pause', { threadId: 1 });
      await paused;
      await c.request(seq++, 'setDataBreakpoints', { breakpoints: [] });
      await c.request(seq++, 'setInstructionBreakpoints', { breakpoints: [] });
      await c.request(seq++, 'setFunctionBreakpoints', { breakpoints: [] });
      await c.request(seq++, 'setExceptionBreakpoints', { filters: [] });
      const bp = await c.request(seq++, 'setBreakpoints', { source: { path: t.source }, breakpoints: [{ line: t.lines[0] }] });
      if (!(bp.body as { breakpoints: { verified: boolean }[] })?.breakpoints?.[0]?.verified) problems.push(`afterwards, setBreakpoints answers ${JSON.stringify(bp)}`);
      const stop = c.event('stopped', 30_000);
      const cont = await c.request(seq++, 'continue', { threadId: 1 });
      if (!cont.success) {
        // Still stopped from the pause, or the fuzz ended the guest (restart would bring it back).
        await c.request(seq++, 'restart', {});
      }
      const ev = await stop.catch((e: Error) => { problems.push(`afterwards: ${e.message}`); return undefined; });
      if (ev) {
        const st = await c.request(seq++, 'stackTrace', { threadId: 1 });
        const frames = (st.body as { stackFrames?: { name: string }[] })?.stackFrames ?? [];
        if (!st.success || frames.length === 0) problems.push(`afterwards, stackTrace answers ${JSON.stringify(st).slice(0, 300)}`);
        const ev2 = await c.request(seq++, 'evaluate', { expression: '1+1', context: 'repl' });
        if ((ev2.body as { result?: string })?.result !== '0x2 (2)') problems.push(`afterwards, evaluate 1+1 answers ${JSON.stringify(ev2)}`);
      }
    }
    if (problems.length && c.stderr) problems.push(`the adapter logged: ${c.stderr.slice(0, 2000)}`);
    const errors = [...c.responses.values()].filter((m) => m.success === false).length;
    return { sent: count, requests: expected.length, answered: c.responses.size, errors, byCommand, problems, seconds: (Date.now() - started) / 1000 };
  } finally {
    c.stop();
  }
}

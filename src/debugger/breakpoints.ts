// The user's breakpoints (source lines, functions, instructions) with their conditions, hit
// counts and log messages, the temporary one `runTo` sets, and the decision, when the machine
// stops at one of their addresses, whether the user sees that stop.
import type { Program } from './program.js';
import type { UserProgram } from './userPrograms.js';

export type StopKind = 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception';
export interface RuntimeStop {
  kind: StopKind; description?: string; text?: string; breakpointIds?: number[];
  /** The hart that stopped (the thread to show). */
  hart?: number;
  /** For an exception stop: what exceptionInfo reports (the trap the hart was about to take, or a panic). */
  exception?: { id: string; description: string };
  /** The functions whose breakpoints (or runTo) stopped here: at an inlined copy's first instruction, its frame is shown. */
  functions?: string[];
  /** The lines of the source breakpoints that stopped here: at one of them, the frame of the inlined call whose line it is is shown. */
  lines?: number[];
  /** Every inlined call at the stop's pc is shown, even at its first instruction (a step into it, an instruction step). */
  allInlined?: boolean;
}

export interface BreakpointOptions { condition?: string; hitCondition?: string; logMessage?: string }

export interface BreakpointSpec extends BreakpointOptions {
  id: number;
  kind: 'source' | 'function' | 'instruction';
  addresses: bigint[];
  /** The local file a source breakpoint was set in. */
  path?: string;
  hits: number;
  /** Set by launch's runTo: removed when hit, and left alone when the client replaces its own. */
  temporary?: string;
  /**
   * A source or function breakpoint in user programs: its addresses in each program, which stop
   * only while a hart runs that program in user mode (every program is linked at the same addresses).
   */
  user?: { process: string; addresses: bigint[] }[];
  /** A function breakpoint's function (without a `PROGRAM!`). */
  name?: string;
  /** A source breakpoint's line (where it was moved to). */
  line?: number;
}

export interface SetResult { id: number; verified: boolean; line?: number; message?: string; address?: bigint }

/** What deciding a stop needs from the runtime. */
export interface StopContext {
  /** Evaluate a condition or a logpoint's {expression}; throws with a message. */
  evaluate(expr: string): bigint;
  /** Print a logpoint's message. */
  log(text: string): void;
  /** The process whose user program the hart runs, when it is in user mode (and the kernel's profile says which). */
  userProcess?(): string | undefined;
}

export class Breakpoints {
  private readonly table = new Map<number, BreakpointSpec>();
  private nextId = 1;

  /**
   * `inlinedCopies`: where each inlined copy of a function begins in a program (from its
   * debugging information), so that a function breakpoint stops in those too.
   */
  constructor(private readonly program: Program, private readonly users: readonly UserProgram[] = [],
    private readonly inlinedCopies: (program: Program, name: string) => bigint[] = () => []) {}

  /** A function's addresses in a program: its symbol's, and its inlined copies' (a static inline function may have no symbol). */
  private functionAddresses(program: Program, name: string): bigint[] {
    const sym = program.symbols.find(name);
    return [...new Set([...(sym ? [sym.address] : []), ...this.inlinedCopies(program, name)])];
  }

  /** Every address a breakpoint is set at, for the machine. */
  addresses(): bigint[] {
    return [...this.table.values()].flatMap((b) => b.addresses);
  }

  /** runTo: a function breakpoint that removes itself when hit. Throws for an unknown name. */
  addTemporary(name: string): void {
    const sym = this.program.symbols.find(name);
    if (!sym) throw new Error(`runTo: no function '${name}' in the kernel's symbols`);
    const id = this.nextId++;
    this.table.set(id, { id, kind: 'function', addresses: [sym.address], hits: 0, temporary: name, name });
  }

  setSource(path: string, specs: ({ line: number } & BreakpointOptions)[]): SetResult[] {
    this.drop((b) => b.kind === 'source' && b.path === path);
    const file = this.program.tableFile(path);
    if (!file && this.users.length) return this.setUserSource(path, specs);
    return specs.map((s) => {
      const id = this.nextId++;
      if (!file) return { id, verified: false, line: s.line, message: 'no code from this file is in the kernel ELF (no DWARF line information for it)' };
      const found = this.program.lines.addressesFor(file, s.line);
      if (!found) return { id, verified: false, line: s.line, message: `no code at or after line ${s.line}` };
      this.table.set(id, { id, kind: 'source', addresses: found.addresses, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage, hits: 0, path, line: found.line });
      return { id, verified: true, line: found.line };
    });
  }

  /** Source breakpoints in a file of the user programs (each program that has code from it). */
  private setUserSource(path: string, specs: ({ line: number } & BreakpointOptions)[]): SetResult[] {
    const having = this.users.map((u) => ({ u, file: u.program.tableFile(path) })).filter((x) => x.file !== undefined);
    return specs.map((s) => {
      const id = this.nextId++;
      if (!having.length) return { id, verified: false, line: s.line, message: 'no code from this file is in the kernel ELF or in the user programs of symbols (no DWARF line information for it)' };
      const found = having.map(({ u, file }) => ({ u, at: u.program.lines.addressesFor(file!, s.line) })).filter((x) => x.at !== undefined);
      if (!found.length) return { id, verified: false, line: s.line, message: `no code at or after line ${s.line}` };
      const user = found.map(({ u, at }) => ({ process: u.process, addresses: at!.addresses }));
      this.table.set(id, { id, kind: 'source', addresses: [...new Set(user.flatMap((x) => x.addresses))], user, condition: s.condition, hitCondition: s.hitCondition, logMessage: s.logMessage, hits: 0, path, line: found[0].at!.line });
      const processes = [...new Set(user.map((x) => x.process))].join(', ');
      return { id, verified: true, line: found[0].at!.line, message: `stops only in ${processes}`, address: user[0].addresses[0] };
    });
  }

  /**
   * Function breakpoints by symbol. A name is the kernel's when the kernel has it; one only user
   * programs (launch.json `symbols`) have is set in each of them; `ls!main` names the program
   * (by its process name) when several have the function, or the kernel has one of that name.
   * A function the compiler inlined stops at each inlined copy as well.
   */
  setFunctions(specs: ({ name: string } & BreakpointOptions)[]): SetResult[] {
    this.drop((b) => b.kind === 'function' && !b.temporary);
    return specs.map((s) => {
      const id = this.nextId++;
      const bang = s.name.indexOf('!');
      const kernel = bang < 0 ? this.functionAddresses(this.program, s.name) : [];
      if (kernel.length) {
        this.table.set(id, { id, kind: 'function', addresses: kernel, condition: s.condition, hitCondition: s.hitCondition, hits: 0, name: s.name });
        const symbol = this.program.symbols.find(s.name) !== undefined;
        const places = kernel.length < 2 ? undefined : symbol ? `${kernel.length} places: the function and ${kernel.length - 1} inlined cop${kernel.length > 2 ? 'ies' : 'y'}` : `${kernel.length} places (inlined copies)`;
        return { id, verified: true, address: kernel[0], ...(places ? { message: places } : {}) };
      }
      const name = bang < 0 ? s.name : s.name.slice(bang + 1);
      const wanted = bang < 0 ? undefined : s.name.slice(0, bang);
      const programs = wanted === undefined ? this.users : this.users.filter((u) => u.process === wanted);
      if (wanted !== undefined && !programs.length) {
        const known = [...new Set(this.users.map((u) => u.process))];
        return { id, verified: false, message: `no user program '${wanted}' in symbols${known.length ? ` (the programs are ${known.join(', ')})` : ''}` };
      }
      const user = programs.flatMap((u) => { const at = this.functionAddresses(u.program, name); return at.length ? [{ process: u.process, addresses: at }] : []; });
      if (!user.length) {
        return { id, verified: false, message: wanted !== undefined ? `no function '${name}' in ${wanted}'s symbols` : `no function '${name}' in the kernel's symbols${this.users.length ? ' or the user programs\'' : ''}` };
      }
      this.table.set(id, { id, kind: 'function', addresses: [...new Set(user.flatMap((x) => x.addresses))], user, condition: s.condition, hitCondition: s.hitCondition, hits: 0, name });
      const processes = [...new Set(user.map((x) => x.process))];
      const which = processes.length > 1 ? ` (${processes[0]}!${name} names one)` : '';
      return { id, verified: true, message: `stops only in ${processes.join(', ')}${which}`, address: user[0].addresses[0] };
    });
  }

  setInstructions(specs: ({ address: bigint } & BreakpointOptions)[]): SetResult[] {
    this.drop((b) => b.kind === 'instruction');
    return specs.map((s) => {
      const id = this.nextId++;
      this.table.set(id, { id, kind: 'instruction', addresses: [BigInt.asUintN(64, s.address)], condition: s.condition, hitCondition: s.hitCondition, hits: 0 });
      return { id, verified: true, address: BigInt.asUintN(64, s.address) };
    });
  }

  private drop(which: (b: BreakpointSpec) => boolean): void {
    for (const [id, b] of this.table) if (which(b)) this.table.delete(id);
  }

  /**
   * The machine stopped at pc: the stop the user sees, or undefined when every breakpoint there
   * declines (a false condition, a hit count not reached, a logpoint). Counts hits and removes
   * a temporary breakpoint it passes; `changed` says the address set changed.
   */
  hit(pc: bigint, ctx: StopContext): { stop: RuntimeStop | undefined; changed: boolean } {
    let stop: RuntimeStop | undefined;
    let changed = false;
    for (const b of this.table.values()) {
      if (!b.addresses.includes(pc)) continue;
      if (b.user) {
        const running = ctx.userProcess?.();
        if (running === undefined || !b.user.some((u) => u.process === running && u.addresses.includes(pc))) continue;
      }
      if (b.condition) {
        try { if (ctx.evaluate(b.condition) === 0n) continue; } catch { /* a broken condition stops, so the user sees it */ }
      }
      b.hits++;
      if (b.hitCondition && !hitCountReached(b.hitCondition, b.hits)) continue;
      if (b.temporary) {
        this.table.delete(b.id);
        changed = true;
        stop = { kind: 'entry', description: `Stopped at ${b.temporary}`, breakpointIds: stop?.breakpointIds, functions: [...(stop?.functions ?? []), b.temporary] };
        continue;
      }
      if (b.logMessage) {
        ctx.log(`${interpolate(b.logMessage, ctx)}\n`);
        continue;
      }
      const kind: StopKind = b.kind === 'function' ? 'function breakpoint' : b.kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
      stop = { kind, breakpointIds: [...(stop?.breakpointIds ?? []), b.id], functions: [...(stop?.functions ?? []), ...(b.name ? [b.name] : [])], lines: [...(stop?.lines ?? []), ...(b.line ? [b.line] : [])] };
    }
    return { stop, changed };
  }

  /**
   * Whether a breakpoint at pc stops a run going backwards (reverse continue), without
   * counting hits or printing: conditions decide; logpoints and the temporary runTo breakpoint
   * never stop it, and hit counts are not kept going back (a breakpoint with one stops at each
   * earlier hit).
   */
  wouldStop(pc: bigint, evaluate: (e: string) => bigint): RuntimeStop | undefined {
    let stop: RuntimeStop | undefined;
    for (const b of this.table.values()) {
      if (!b.addresses.includes(pc) || b.temporary || b.logMessage) continue;
      if (b.condition) {
        try { if (evaluate(b.condition) === 0n) continue; } catch { /* a broken condition stops, as going forward */ }
      }
      const kind: StopKind = b.kind === 'function' ? 'function breakpoint' : b.kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
      stop = { kind, breakpointIds: [...(stop?.breakpointIds ?? []), b.id], functions: [...(stop?.functions ?? []), ...(b.name ? [b.name] : [])], lines: [...(stop?.lines ?? []), ...(b.line ? [b.line] : [])] };
    }
    return stop;
  }
}

/** VS Code's hit conditions: `N` or `>= N`, `> N`, `== N`, `% N`. Anything else always stops. */
function hitCountReached(condition: string, hits: number): boolean {
  const m = /^\s*(>=|>|==|%)?\s*(\d+)\s*$/.exec(condition);
  if (!m) return true;
  const n = Number(m[2]), op = m[1] ?? '>=';
  return op === '>=' ? hits >= n : op === '>' ? hits > n : op === '==' ? hits === n : hits % n === 0;
}

/** A logpoint's text with each {expression} replaced by its value. */
function interpolate(msg: string, ctx: StopContext): string {
  return msg.replace(/\{([^}]+)\}/g, (_m, e: string) => {
    try { return `0x${BigInt.asUintN(64, ctx.evaluate(e)).toString(16)}`; } catch (err) { return `<${(err as Error).message}>`; }
  });
}

// The Debug Adapter Protocol session: it only translates between DAP requests and the runtime
// (runtime.ts), in the manner of vscode-mock-debug. Line and column bases, memory references
// (hex virtual addresses) and variable handles are converted here, at the boundary; what the
// guest is and does is the runtime's business.
import { InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, ExitedEvent, Thread, StackFrame, Source, Scope, Handles, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/isa/registers.js';
import { describeFcsr, floatRegisterIndex, formatFloatRegister, parseFloatRegister } from './floatRegisters.js';
import { ChronosRuntime, type HostFiles } from './runtime.js';
import type { LaunchOptions } from './launchConfig.js';
import { TRAP_FILTERS, PANIC_FILTER } from './trapFilters.js';
import { CSR_VIEWS } from './registers.js';
import { hex } from '../emulator/hex.js';
import { examine, isExamine } from './examine.js';
import { ExpressionError } from './expression.js';
import type { ValueNode } from './locals.js';
import { disassembleAround } from './disassembly.js';
import type { WriteTarget } from './lastWrite.js';
import { warmUpOnce } from './warmUp.js';
import { GuardedSession, RequestError, type Log } from './protocol/guardedSession.js';

/** DAP threads are harts: thread 1 is hart 0. */
const threadOf = (hart: number): number => hart + 1;
const hartOf = (threadId: number | undefined, fallback: number): number => (threadId === undefined || threadId < 1 ? fallback : threadId - 1);
/** A frame id names a hart and a frame of its stack. */
const FRAMES_PER_HART = 1000;
const frameId = (hart: number, index: number): number => hart * FRAMES_PER_HART + index;
const frameOf = (id: number | undefined): { hart: number; index: number } | undefined =>
  id === undefined ? undefined : { hart: Math.floor(id / FRAMES_PER_HART), index: id % FRAMES_PER_HART };

type VarRef = { kind: 'registers'; hart: number } | { kind: 'float'; hart: number } | { kind: 'csrs'; hart: number } | { kind: 'csr'; index: number; hart: number }
  | { kind: 'locals'; frame: number; hart: number } | { kind: 'value'; node: ValueNode };

/** chronos/lastWrite's arguments (schemas.ts checks their types). */
interface LastWriteArgs {
  address?: string; size?: number; physical?: boolean; bit?: number;
  expression?: string; frameId?: number;
  variablesReference?: number; name?: string;
  label?: string;
}

export type ChronosLaunchArguments = DebugProtocol.LaunchRequestArguments & LaunchOptions;

const sourceOf = (file: string): Source => new Source(file.split('/').pop()!, file);

export class ChronosDebugSession extends GuardedSession {
  private runtime: ChronosRuntime;
  private readonly vars = new Handles<VarRef>();
  private launchArgs: ChronosLaunchArguments | undefined;

  constructor(private readonly files: HostFiles, log?: Log) {
    super(log);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.runtime = this.newRuntime();
  }

  private newRuntime(): ChronosRuntime {
    const rt = new ChronosRuntime(this.files);
    rt.onStop.event((s) => {
      this.vars.reset(); // references handed out at the previous stop name values that have moved on
      const e = new StoppedEvent(s.kind, threadOf(s.hart ?? 0), s.text) as DebugProtocol.StoppedEvent;
      if (s.description) e.body.description = s.description;
      if (s.breakpointIds) e.body.hitBreakpointIds = s.breakpointIds;
      e.body.allThreadsStopped = true;
      this.sendEvent(e);
    });
    rt.onOutput.event((text) => {
      if (this.launchArgs?.uartOutput !== 'none') this.sendEvent(new OutputEvent(text, 'stdout'));
    });
    rt.onExit.event((status) => {
      this.sendEvent(new OutputEvent(`\n[chronos] the guest ended with status ${status}\n`, 'console'));
      this.sendEvent(new ExitedEvent(status));
      this.sendEvent(new TerminatedEvent());
    });
    return rt;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,          // breakpoints are set before the kernel runs
      supportsFunctionBreakpoints: true,               // by ELF symbol, demangled Rust paths
      supportsConditionalBreakpoints: true,            // expressions over registers, memory, symbols
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,            // from the Disassembly view
      supportsDataBreakpoints: true,                   // watch memory ranges for reads/writes
      supportsReadMemoryRequest: true,                 // memory view and Hex Editor
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,                // the Disassembly view
      supportsSteppingGranularity: true,               // line or instruction stepping
      supportsSetVariable: true,                       // edit registers and CSRs
      supportsEvaluateForHovers: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportsExceptionInfoRequest: true,
      supportsStepBack: true,                          // time travel (launch.json history)
      exceptionBreakpointFilters: [...TRAP_FILTERS.map((f) => ({ filter: f.id, label: f.label, default: false })), { filter: PANIC_FILTER.id, label: PANIC_FILTER.label, default: true }],
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: ChronosLaunchArguments): void {
    this.launchArgs = args;
    try {
      this.runtime.launch(args);
    } catch (e) {
      this.sendErrorResponse(response, 1001, `Chronos cannot launch: ${(e as Error).message}`);
      return;
    }
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
    // While the client sends its breakpoints: the kernel's first run then costs less (warmUp.ts).
    warmUpOnce();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.startRuntime();
  }

  /** Start the guest after configuration; a failure while it runs is reported and leaves it stopped. */
  private startRuntime(): void {
    try { this.runtime.start(); } catch (e) { this.fail(new Response({ seq: 0, type: 'request', command: 'configurationDone' }), 'configurationDone', e); }
  }

  /** Run the guest in the background for a request that has been answered. */
  private go(command: string, work: Promise<void>): void {
    this.background(command, work, () => this.runtime.stopAfterFailure(`internal error in ${command}`));
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.runtime.terminate();
    this.runtime = this.newRuntime();
    try {
      this.runtime.launch(this.launchArgs!);
    } catch (e) {
      this.sendErrorResponse(response, 1002, `restart failed: ${(e as Error).message}`);
      return;
    }
    this.sendResponse(response);
    this.startRuntime();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.runtime.terminate();
    this.sendResponse(response);
  }

  private ready(response: DebugProtocol.Response, needStopped = false): boolean {
    if (!this.runtime.machine) { this.sendErrorResponse(response, 2001, 'no program is loaded yet (launch first)'); return false; }
    if (needStopped && this.runtime.isRunning) { this.sendErrorResponse(response, 2002, 'the guest is running: pause it first'); return false; }
    if (needStopped && this.runtime.exited) { this.sendErrorResponse(response, 2003, 'the guest has ended'); return false; }
    return true;
  }

  // ---- breakpoints -------------------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    if (!this.ready(response)) return;
    const path = args.source.path ?? '';
    const bps = this.runtime.setSourceBreakpoints(path, (args.breakpoints ?? []).map((b) => ({ line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage })));
    response.body = { breakpoints: bps.map((b) => ({ id: b.id, verified: b.verified, line: b.line === undefined ? undefined : this.convertDebuggerLineToClient(b.line), message: b.message, source: args.source,
      instructionReference: b.address !== undefined ? hex(b.address) : undefined })) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    if (!this.ready(response)) return;
    const bps = this.runtime.setFunctionBreakpoints(args.breakpoints);
    response.body = { breakpoints: bps.map((b) => ({ id: b.id, verified: b.verified, message: b.message, instructionReference: b.address !== undefined ? hex(b.address) : undefined })) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    if (!this.ready(response)) return;
    const bps = this.runtime.setInstructionBreakpoints(args.breakpoints.map((b) => ({ address: BigInt(b.instructionReference) + BigInt(b.offset ?? 0), condition: b.condition, hitCondition: b.hitCondition })));
    response.body = { breakpoints: bps.map((b) => ({ id: b.id, verified: b.verified })) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    if (!this.ready(response)) return;
    this.runtime.setExceptionFilters(args.filters);
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    if (!this.ready(response)) return;
    // A variable from the Variables view: its own bytes.
    const ref = args.variablesReference ? this.vars.get(args.variablesReference) : undefined;
    if (ref?.kind === 'locals' || ref?.kind === 'value') {
      const n = this.sourceVariable(ref, args.name);
      if (n?.address !== undefined && n.size) {
        response.body = { dataId: `v:${n.address.toString(16)}:${n.size}`, description: `${args.name} (${n.size} bytes at ${hex(n.address)})`, accessTypes: ['read', 'write', 'readWrite'], canPersist: false };
      } else response.body = { dataId: null, description: `${args.name} has no address to watch` };
      this.sendResponse(response);
      return;
    }
    // A name (or expression) evaluates to an address; `phys:` before it watches physical memory.
    const text = ((args as { expression?: string }).expression ?? args.name).trim();
    const physical = text.startsWith('phys:');
    const size = Number((args as { bytes?: number }).bytes ?? 8);
    try {
      const addr = BigInt.asUintN(64, this.runtime.evaluate(physical ? text.slice(5) : text));
      response.body = { dataId: `${physical ? 'p' : 'v'}:${addr.toString(16)}:${size}`, description: `${size} bytes at ${hex(addr)}${physical ? ' (physical)' : ''}`, accessTypes: ['read', 'write', 'readWrite'], canPersist: false };
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      response.body = { dataId: null, description: e.message };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    if (!this.ready(response)) return;
    const list = args.breakpoints.map((b) => {
      const [kind, addr, size] = b.dataId.split(':');
      return { address: BigInt(`0x${addr}`), size: Number(size), access: b.accessType ?? 'write', physical: kind === 'p' };
    });
    this.runtime.setWatchpoints(list);
    response.body = { breakpoints: list.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  // ---- execution ------------------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.runtime.machine ? this.runtime.threads().map((t) => new Thread(threadOf(t.hart), t.name)) : [new Thread(1, 'hart 0')] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.ready(response, true)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.go('continue', this.runtime.continue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (!this.ready(response)) return;
    this.runtime.pause();
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    if (!this.ready(response, true)) return;
    const hart = this.hartArg(args.threadId);
    this.sendResponse(response);
    // An instruction step over a user program's ecall runs the system call to its return.
    if (args.granularity === 'instruction') this.go('next', this.runtime.nextInstruction(hart)); else this.go('next', this.runtime.stepLine(true, hart));
  }

  /** The hart a request's thread names (the focus hart for thread 0, which some clients send). */
  private hartArg(threadId: number | undefined): number {
    const h = hartOf(threadId, this.runtime.focus);
    if (h >= this.runtime.harts) throw new RequestError(`there is no thread ${threadId} (threads 1 to ${this.runtime.harts}, one per hart)`);
    return h;
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    if (!this.ready(response, true)) return;
    const hart = this.hartArg(args.threadId);
    this.sendResponse(response);
    if (args.granularity === 'instruction') this.runtime.stepInstruction(hart); else this.go('stepIn', this.runtime.stepLine(false, hart));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    if (!this.ready(response, true)) return;
    const hart = this.hartArg(args.threadId);
    this.sendResponse(response);
    this.go('stepOut', this.runtime.stepOut(hart));
  }

  // ---- time travel ------------------------------------------------------------------------------------

  /** Whether the machine can go back; if not, the request is answered with why. */
  private canGoBack(response: DebugProtocol.Response): boolean {
    if (!this.ready(response, true)) return false;
    const why = this.runtime.cannotGoBack;
    if (why) { this.sendErrorResponse(response, 7001, why); return false; }
    return true;
  }

  /** A change to the machine (registers, memory, UART input) is refused in the past; true when it was. */
  private refusedInPast(response: DebugProtocol.Response, what: string): boolean {
    const why = this.runtime.refusal(what);
    if (why) this.sendErrorResponse(response, 7002, why);
    return why !== undefined;
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    if (!this.canGoBack(response)) return;
    const hart = this.hartArg(args.threadId);
    this.sendResponse(response);
    this.go('stepBack', this.runtime.stepBack(args.granularity === 'instruction' ? 'instruction' : 'line', hart));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (!this.canGoBack(response)) return;
    this.sendResponse(response);
    this.go('reverseContinue', this.runtime.reverseContinue());
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    if (!this.ready(response)) return;
    const info = this.runtime.exceptionInfo();
    response.body = { exceptionId: info.id, description: info.description, breakMode: 'always' };
    this.sendResponse(response);
  }

  // ---- state -----------------------------------------------------------------------------------------

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    if (!this.ready(response, true)) return;
    const hart = this.hartArg(args.threadId);
    // Inlined calls add frames to the 64 the registers make; frame ids have room for FRAMES_PER_HART.
    const frames = this.runtime.stack(64, hart).slice(0, FRAMES_PER_HART);
    const start = args.startFrame ?? 0, count = args.levels || frames.length;
    response.body = {
      stackFrames: frames.slice(start, start + count).map((f) => {
        const sf = new StackFrame(frameId(hart, f.index), f.name, f.location ? sourceOf(f.location.file) : undefined,
          this.convertDebuggerLineToClient(f.location?.line ?? 0), this.convertDebuggerColumnToClient(f.location?.column || 1)) as DebugProtocol.StackFrame;
        sf.instructionPointerReference = hex(f.pc);
        if (!f.location) sf.presentationHint = 'subtle';
        return sf;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const scopes: DebugProtocol.Scope[] = [];
    const f = this.frameArg(args?.frameId);
    if (this.runtime.machine && this.runtime.hasLocals(f.index, f.hart)) {
      scopes.push({ ...new Scope('Locals', this.vars.create({ kind: 'locals', frame: f.index, hart: f.hart }), false), presentationHint: 'locals' });
    }
    scopes.push({ ...new Scope('Registers', this.vars.create({ kind: 'registers', hart: f.hart }), false), presentationHint: 'registers' });
    scopes.push(new Scope('Floating point', this.vars.create({ kind: 'float', hart: f.hart }), true));
    scopes.push(new Scope('CSRs', this.vars.create({ kind: 'csrs', hart: f.hart }), true));
    response.body = { scopes };
    this.sendResponse(response);
  }

  /** The hart and frame a frame id names (the focus hart's innermost frame when none). */
  private frameArg(id: number | undefined): { hart: number; index: number } {
    const f = frameOf(id);
    if (!f) return { hart: this.runtime.machine ? this.runtime.focus : 0, index: 0 };
    if (this.runtime.machine && f.hart >= this.runtime.harts) throw new RequestError(`there is no frame ${id}`);
    return f;
  }

  /** A source variable by its path (`v`, `dt.bootargs`, `v[3]`), for hovers and watches. */
  private findLocal(path: string, frame: { hart: number; index: number }): ValueNode | undefined {
    const parts = path.match(/^[A-Za-z_][A-Za-z0-9_]*|(?:\.|->)[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g);
    if (!parts || parts.join('') !== path) return undefined;
    let node = this.runtime.locals(frame.index, frame.hart)?.find((n) => n.name === parts[0]);
    for (const part of parts.slice(1)) {
      const want = part.replace(/^(\.|->)/, '');
      const child = (n: ValueNode | undefined): ValueNode | undefined => n?.children?.().find((c) => c.name === want);
      // Through a pointer as C and Rust do (p->x, or p.x on a reference): its one child is *p.
      const pointee = (n: ValueNode | undefined): ValueNode | undefined => n?.children?.().find((c) => c.name.startsWith('*'));
      node = child(node) ?? child(pointee(node));
    }
    return node;
  }

  /** The source variable `name` under a Locals scope or an expanded value, read afresh. */
  private sourceVariable(ref: VarRef & { kind: 'locals' | 'value' }, name: string): ValueNode | undefined {
    const siblings = ref.kind === 'locals' ? this.runtime.locals(ref.frame, ref.hart) ?? [] : ref.node.children?.() ?? [];
    return siblings.find((x) => x.name === name);
  }

  private valueVariable(n: ValueNode): DebugProtocol.Variable {
    return {
      name: n.name, value: n.value, type: n.type,
      variablesReference: n.children ? this.vars.create({ kind: 'value', node: n }) : 0,
      memoryReference: n.address !== undefined ? hex(n.address) : undefined,
    };
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    if (!this.ready(response)) return;
    const ref = this.vars.get(args.variablesReference);
    let variables: DebugProtocol.Variable[] = [];
    if (ref?.kind === 'registers') {
      const r = this.runtime.registers(ref.hart);
      variables = [
        { name: 'pc', value: hex(r.pc), variablesReference: 0, memoryReference: hex(r.pc) },
        { name: 'privilege', value: r.priv, variablesReference: 0 },
        ...ABI_NAMES.map((n, i) => ({ name: n, value: hex(r.x[i]), variablesReference: 0, memoryReference: hex(r.x[i]), evaluateName: n })),
      ];
    } else if (ref?.kind === 'float') {
      const r = this.runtime.floatRegisters(ref.hart);
      const fcsr = describeFcsr(r.fcsr);
      variables = [
        ...FP_ABI_NAMES.map((n, i) => ({ name: n, value: formatFloatRegister(r.f[i]), variablesReference: 0, evaluateName: n })),
        { name: 'frm', value: fcsr.frm, variablesReference: 0 },
        { name: 'fflags', value: fcsr.fflags, variablesReference: 0 },
        { name: 'mstatus.FS', value: r.on ? 'on' : 'Off: FP instructions are illegal', variablesReference: 0 },
      ];
    } else if (ref?.kind === 'csrs') {
      variables = CSR_VIEWS.map((c, index) => {
        const v = this.runtime.csr(c.num, ref.hart) ?? 0n;
        const fields = c.fields(v);
        return { name: c.name, value: hex(v) + (c.name.endsWith('cause') ? ` (${this.runtime.describeCause(v)})` : ''), variablesReference: fields.length ? this.vars.create({ kind: 'csr', index, hart: ref.hart }) : 0 };
      });
    } else if (ref?.kind === 'locals') {
      variables = (this.runtime.locals(ref.frame, ref.hart) ?? []).map((n) => this.valueVariable(n));
    } else if (ref?.kind === 'value') {
      try {
        variables = (ref.node.children?.() ?? []).map((n) => this.valueVariable(n));
      } catch (e) {
        variables = [{ name: 'error', value: (e as Error).message, variablesReference: 0 }];
      }
    } else if (ref?.kind === 'csr') {
      const c = CSR_VIEWS[ref.index];
      variables = c.fields(this.runtime.csr(c.num, ref.hart) ?? 0n).map((f) => ({ name: f.name, value: f.value, variablesReference: 0 }));
    }
    response.body = { variables };
    this.sendResponse(response);
  }

  /** f0-f31 take a decimal (stored in the precision the register holds) or raw bits in hex. */
  private setFloatRegister(response: DebugProtocol.SetVariableResponse, hart: number, args: DebugProtocol.SetVariableArguments): void {
    const index = floatRegisterIndex(args.name);
    if (index === undefined) { this.sendErrorResponse(response, 3004, `${args.name} cannot be changed`); return; }
    const bits = parseFloatRegister(args.value, this.runtime.floatRegisters(hart).f[index]);
    if (bits === undefined) { this.sendErrorResponse(response, 3001, `'${args.value}' is neither a decimal number nor raw bits in hex (0x…)`); return; }
    this.runtime.setFloatRegister(index, bits, hart);
    response.body = { value: formatFloatRegister(bits) };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    if (!this.ready(response, true) || this.refusedInPast(response, `setting ${args.name}`)) return;
    const ref = this.vars.get(args.variablesReference);
    if (ref?.kind === 'float') { this.setFloatRegister(response, ref.hart, args); return; }
    let value: bigint;
    try { value = this.runtime.evaluate(args.value); } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.sendErrorResponse(response, 3001, e.message);
      return;
    }
    if (ref?.kind === 'registers') {
      const problem = this.runtime.setRegister(args.name, value, ref.hart);
      if (problem) { this.sendErrorResponse(response, 3002, problem); return; }
    } else if (ref?.kind === 'csrs') {
      const c = CSR_VIEWS.find((v) => v.name === args.name);
      if (!c || !this.runtime.setCsr(c.num, value, ref.hart)) { this.sendErrorResponse(response, 3003, `${args.name} cannot be written`); return; }
      value = this.runtime.csr(c.num, ref.hart) ?? value;
    } else if (ref?.kind === 'locals' || ref?.kind === 'value') {
      // A source variable of scalar type: its bytes in guest memory, little-endian.
      const n = this.sourceVariable(ref, args.name);
      if (!n || n.scalar === undefined || n.address === undefined || !n.size || n.size > 8) {
        this.sendErrorResponse(response, 3005, `${args.name} is not a number, a bool, a char or a pointer that can be changed`);
        return;
      }
      const bytes = new Uint8Array(n.size);
      for (let i = 0; i < n.size; i++) bytes[i] = Number((BigInt.asUintN(64, value) >> BigInt(8 * i)) & 0xffn);
      if (!this.runtime.writeMemory(n.address, bytes)) { this.sendErrorResponse(response, 3006, `${args.name} is not in writable memory`); return; }
      response.body = { value: this.sourceVariable(ref, args.name)?.value ?? String(value) };
      this.sendResponse(response);
      return;
    } else { this.sendErrorResponse(response, 3004, 'that variable cannot be changed'); return; }
    response.body = { value: hex(value) };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.ready(response)) return;
    const text = args.expression.trim();
    try {
      if (args.context === 'repl' && text.startsWith('>')) {
        // `> text` in the debug console types text into the guest's UART.
        if (this.refusedInPast(response, 'typing into the UART')) return;
        this.runtime.sendInput(`${text.slice(1).trimStart()}\r`);
        response.body = { result: '', variablesReference: 0 };
      } else if (isExamine(text)) {
        response.body = { result: examine(text, this.runtime.evalContext(this.frameArg(args.frameId).hart)), variablesReference: 0 };
      } else {
        // A variable's path shows the value as its type reads; anything else is an expression.
        const frame = this.frameArg(args.frameId);
        const local = this.findLocal(text, frame) ?? this.runtime.evaluateValue(text, frame.hart, frame.index);
        if (local) {
          const v = this.valueVariable(local);
          response.body = { result: local.value, type: local.type, variablesReference: v.variablesReference, memoryReference: v.memoryReference };
        } else if (floatRegisterIndex(text.replace(/^\$/, '')) !== undefined) {
          // An FP register alone reads as the number it holds; in a larger expression, as its bits.
          response.body = { result: formatFloatRegister(this.runtime.evaluate(text, frame.hart)), variablesReference: 0 };
        } else {
          const v = this.runtime.evaluate(text, frame.hart, frame.index);
          response.body = { result: `${hex(v)} (${v})`, variablesReference: 0, memoryReference: hex(v) };
        }
      }
      this.sendResponse(response);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e; // ours: reported as an internal error
      this.sendErrorResponse(response, 4001, e.message);
    }
  }

  // ---- memory and code -----------------------------------------------------------------------------------

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    if (!this.ready(response)) return;
    const base = BigInt.asUintN(64, BigInt(args.memoryReference) + BigInt(args.offset ?? 0));
    const { bytes, unreadable } = this.runtime.readMemory(base, Math.min(args.count, 1 << 20));
    if (bytes.length === 0 && unreadable) { this.sendErrorResponse(response, 5001, `memory at ${hex(base)} is not mapped`); return; }
    response.body = { address: hex(base), data: Buffer.from(bytes).toString('base64'), unreadableBytes: unreadable };
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    if (!this.ready(response) || this.refusedInPast(response, 'writing memory')) return;
    const base = BigInt.asUintN(64, BigInt(args.memoryReference) + BigInt(args.offset ?? 0));
    const data = Buffer.from(args.data, 'base64');
    if (!this.runtime.writeMemory(base, data)) { this.sendErrorResponse(response, 5002, `memory at ${hex(base)} is not writable RAM`); return; }
    response.body = { bytesWritten: data.length };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    if (!this.ready(response)) return;
    const reference = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
    const lines = disassembleAround(this.runtime.programOn(this.runtime.focus), this.runtime.evalContext(), reference, args.instructionOffset ?? 0, args.instructionCount);
    response.body = {
      instructions: lines.map((l): DebugProtocol.DisassembledInstruction => ({
        address: hex(l.address), instruction: l.text, instructionBytes: l.bytes, symbol: l.symbol,
        presentationHint: l.bytes === undefined ? 'invalid' : undefined,
        location: l.location ? sourceOf(l.location.file) : undefined, line: l.location ? this.convertDebuggerLineToClient(l.location.line) : undefined,
      })),
    };
    this.sendResponse(response);
  }

  /**
   * The bytes chronos/lastWrite follows: a variable's own (from the Variables view by its
   * container, or a Watch expression by its path), or an address the views give (a page-table
   * entry, a heap node, a frame's bit in the bitmap). A string says why there are none.
   */
  private writeTarget(a: LastWriteArgs): WriteTarget | string {
    const ownBytes = (n: ValueNode | undefined, name: string): WriteTarget | string => {
      if (!n) return `there is no variable ${name} here`;
      if (n.address === undefined || !n.size || n.address >= 1n << 64n) return `${name} is not in memory (it lives in registers, or was optimized out): nothing writes it with a store`;
      return { address: n.address, size: Math.min(n.size, 1 << 16), physical: false, label: a.label ?? name };
    };
    if (a.variablesReference !== undefined) {
      const ref = this.vars.get(a.variablesReference);
      if (ref?.kind !== 'locals' && ref?.kind !== 'value') return 'that container holds registers, not variables in memory (a register is written by every instruction that names it)';
      return ownBytes(this.sourceVariable(ref, a.name ?? ''), a.name ?? '');
    }
    if (a.expression !== undefined) {
      const text = a.expression.trim();
      const frame = this.frameArg(a.frameId);
      return ownBytes(this.findLocal(text, frame) ?? this.runtime.evaluateValue(text, frame.hart, frame.index), text);
    }
    if (a.address === undefined) return 'give an address (with size), an expression, or a variablesReference and name';
    if (a.bit !== undefined && !a.physical) return 'bit is only followed in physical memory (give physical: true)';
    const size = a.size ?? 8;
    if (a.bit !== undefined && a.bit >= size * 8) return `bit ${a.bit} is outside the ${size} bytes`;
    const address = BigInt.asUintN(64, BigInt(a.address.trim()));
    return { address, size, physical: a.physical ?? false, bit: a.bit, label: a.label ?? `0x${address.toString(16)}` };
  }

  // ---- custom requests: UART input and the memory inspectors ------------------------------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: Record<string, unknown>): void {
    if (!this.ready(response)) return;
    const rt = this.runtime;
    const bigintArg = (v: unknown): bigint | undefined => (v === undefined ? undefined : BigInt(String(v)));
    try {
      switch (command) {
        case 'chronos/uartInput':
          if (this.refusedInPast(response, 'typing into the UART')) return;
          rt.sendInput(String(args?.text ?? ''));
          break;
        case 'chronos/goto': {
          if (!this.canGoBack(response)) return;
          const w = rt.historyInfo(), at = Number(args.instruction);
          if (at < w.first! || at > w.last!) { this.sendErrorResponse(response, 7003, `instruction ${at} is outside the recorded history (${w.first} to ${w.last})`); return; }
          this.sendResponse(response);
          rt.goto(at);
          return;
        }
        case 'chronos/lastWrite': {
          if (!this.canGoBack(response)) return;
          const target = this.writeTarget((args ?? {}) as LastWriteArgs);
          if (typeof target === 'string') { this.sendErrorResponse(response, 7004, `chronos/lastWrite: ${target}`); return; }
          const work = rt.runBackToWrite(target).then((r) => {
            response.body = r;
            this.sendResponse(response);
          }, (e: unknown) => {
            this.sendErrorResponse(response, 7005, `internal error in chronos/lastWrite: ${(e as Error)?.message ?? String(e)}`);
            throw e;
          });
          this.background('chronos/lastWrite', work, () => rt.stopAfterFailure('internal error in chronos/lastWrite'));
          return;
        }
        case 'chronos/pageTables': {
          const v = rt.pageTables(bigintArg(args?.satp), bigintArg(args?.root));
          response.body = v.mode === 'Bare'
            ? { satp: hex(v.satp), mode: 'Bare', tree: [], flat: [], message: 'satp is in Bare mode: no translation (paging is off)' }
            : { satp: hex(v.satp), mode: v.mode, root: hex(v.root!), tree: v.tree, flat: v.flat, truncated: v.truncated };
          break;
        }
        case 'chronos/translate': {
          const v = rt.translate(String(args?.address ?? ''), bigintArg(args?.satp));
          response.body = v.steps.length === 0 && !v.fault ? { ...v, note: 'Bare mode: the address is physical' } : v;
          break;
        }
        case 'chronos/frames': {
          const v = rt.frameBitmap();
          response.body = typeof v === 'string' ? { available: false, message: v } : { available: true, ...v };
          break;
        }
        case 'chronos/heap': {
          const v = rt.heap();
          response.body = typeof v === 'string' ? { available: false, message: v } : { available: true, ...v };
          break;
        }
        case 'chronos/processes': {
          const v = rt.processes();
          response.body = typeof v === 'string' ? { available: false, message: v } : { available: true, ...v };
          break;
        }
        case 'chronos/processStack': {
          const v = rt.processStack(Number(args?.pid));
          response.body = typeof v === 'string' ? { available: false, message: v } : {
            available: true,
            frames: v.map((f) => ({ name: f.name, pc: hex(f.pc), file: f.location?.file, line: f.location?.line })),
          };
          break;
        }
        case 'chronos/timeline': {
          const a = (args ?? {}) as { from?: number; to?: number; points?: number };
          if (a.from !== undefined && a.to !== undefined && a.from > a.to) { this.sendErrorResponse(response, 6003, `chronos/timeline: from (${a.from}) is after to (${a.to})`); return; }
          response.body = rt.timelineView(a.from, a.to, a.points);
          break;
        }
        case 'chronos/stats':
          response.body = rt.stats();
          break;
        default:
          this.sendErrorResponse(response, 6001, `unknown request ${command}`);
          return;
      }
      this.sendResponse(response);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.sendErrorResponse(response, 6002, `${command}: ${e.message}`);
    }
  }
}

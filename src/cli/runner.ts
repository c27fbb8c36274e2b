// Runs a machine for the command line: in slices, so that keyboard input, signals and the
// tools attached to a run (the gdb stub, the monitor) are served between them; waiting for
// input when every hart idles in wfi; with the guest's UART on stdout. A tool attached as the
// controller may take a stop (a breakpoint, a watchpoint, a pause) and hold the machine until
// it lets it go on, or let one hart take a single step.
import type { Machine, StopReason } from '../emulator/machine.js';
import { HartStatus } from '../emulator/sbi/sbi.js';

/**
 * Instructions per slice. Input, signals, a gdb connecting and the monitor are only heard
 * between slices, so a slice must stay short on slow code too: 20 M instructions took over 2 s
 * on xv6's three harts, past gdb's timeout for its first packet. 2 M is some tens of ms.
 */
const SLICE = 2_000_000;

/** A step asked for with step() is done: the hart ran one instruction or entered one trap. */
export interface StepDone { kind: 'step'; hart: number }

export type RunnerStop = StopReason | StepDone;

export interface Controller {
  /** The machine stopped for `reason`: return true to hold it (the runner waits for release()). */
  onStop(reason: RunnerStop): boolean;
}

/** A step under way: the hart, and where it was when the step began. */
interface Step { hart: number; instret: number; pc: bigint; traps: number }

export class Runner {
  controller: Controller | undefined;
  /** Where keyboard input goes instead of the UART (the serial console's Ctrl-A escapes, a monitor on stdio). */
  onInput: ((chunk: Buffer) => void) | undefined;
  /** Where the guest's UART output goes instead of stdout (nowhere for -serial none). */
  onOutput: ((bytes: Buffer) => void) | undefined;
  /** A reset the guest asks for: the machine to go on with (QEMU reboots), or undefined to end the run. */
  onReset: (() => Machine | undefined) | undefined;
  private held = false;
  /** Set by finish(): run() returns it at the next slice boundary. */
  private finished: StopReason | undefined;
  private wake: (() => void) | undefined;
  private stdinOpen = true;
  private readonly out: number[] = [];
  /** Resume the next run from a stop (the hart there passes its breakpoint once). */
  private resume = true;
  private stepping: Step | undefined;
  /** Harts that stay where they are while the others run (see release). */
  private keep: readonly number[] = [];

  constructor(public machine: Machine, private readonly maxInstructions = Infinity) {
    this.attachOutput();
  }

  /** The guest's UART output goes to stdout, in chunks. */
  private attachOutput(): void {
    this.machine.onUartOutput.event((b) => { this.out.push(b); if (this.out.length >= 4096) this.flush(); });
  }

  flush(): void {
    if (!this.out.length) return;
    const bytes = Buffer.from(this.out);
    this.out.length = 0;
    if (this.onOutput) this.onOutput(bytes);
    else process.stdout.write(bytes);
  }

  /** Bytes typed into the guest's UART; a guest idling in wfi wakes up. */
  typeIntoGuest(bytes: Uint8Array): void {
    this.machine.uart.receive(bytes);
    this.wakeUp();
  }

  /** End the run (the monitor's quit, Ctrl-A x): run() returns `reason` at the next slice boundary. */
  finish(reason: StopReason): void {
    this.finished = reason;
    this.machine.pause();
    this.wakeUp();
  }

  /** Swap in a new machine (the monitor's system_reset); the run goes on with it. */
  replace(machine: Machine): void {
    this.machine.pause();
    this.machine = machine;
    this.attachOutput();
    this.resume = true;
    this.stepping = undefined;
    this.keep = [];
    this.wakeUp();
  }

  get isHeld(): boolean { return this.held; }

  /** Stop the guest at the next block boundary and hold it there (Ctrl-C in gdb, the monitor's stop). */
  hold(): void {
    this.held = true;
    this.stepping = undefined;
    this.keep = [];
    this.machine.pause();
  }

  /** Let the guest run on; the harts in `keep` stay where they are (gdb resuming some threads only). */
  release(keep: readonly number[] = []): void {
    this.held = false;
    this.resume = true;
    this.keep = keep;
    this.wakeUp();
  }

  /**
   * Let one hart execute one instruction or enter one trap handler, then hold the machine and
   * tell the controller ({kind: 'step'}). The other harts take their turns meanwhile, as they
   * would have anyway (unless they are in `keep`); a stop of theirs first ends the step with
   * that stop instead.
   */
  step(hart: number, keep: readonly number[] = []): void {
    const h = this.machine.harts[hart];
    this.stepping = { hart, instret: h.instret, pc: h.pc, traps: this.machine.trapsTaken };
    this.release(keep);
  }

  /** Whether the step under way is done: its hart retired an instruction or entered a trap. */
  private stepDone(step: Step): boolean {
    const m = this.machine, h = m.harts[step.hart];
    return h.instret !== step.instret || h.pc !== step.pc || m.trapsTaken !== step.traps;
  }

  private wakeUp(): void { const w = this.wake; this.wake = undefined; w?.(); }

  private wait(): Promise<void> { return new Promise<void>((r) => { this.wake = r; }); }

  /** Keyboard input goes to the UART; a guest idling in wfi waits for it. */
  private attachInput(): () => void {
    const onData = (chunk: Buffer): void => {
      if (this.onInput) this.onInput(chunk);
      else this.typeIntoGuest(chunk);
    };
    const onEnd = (): void => { this.stdinOpen = false; this.wakeUp(); };
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
    process.stdin.on('error', onEnd);
    // A second run (after a reboot) finds stdin paused by the first: a listener alone would not resume it.
    process.stdin.resume();
    return () => {
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.off('error', onEnd);
      process.stdin.pause();
    };
  }

  /** Run until the guest ends, the instruction limit runs out, or nothing could ever wake it. */
  async run(): Promise<StopReason> {
    const detach = this.attachInput();
    try {
      for (;;) {
        if (this.finished) { this.flush(); return this.finished; }
        if (this.held) { this.flush(); await this.wait(); continue; }
        const m = this.machine;
        const left = this.maxInstructions - m.progress;
        if (left <= 0) return { kind: 'budget' };
        const step = this.stepping;
        if (step && m.runners[step.hart].status !== HartStatus.Started) {
          // A hart the SBI keeps stopped has no instruction to step: the step ends where it began.
          this.stepping = undefined;
          if (this.controller?.onStop({ kind: 'step', hart: step.hart })) this.held = true;
          continue;
        }
        const reason = m.run(Math.min(SLICE, left), { resume: this.resume, stepHart: step?.hart, hold: this.keep });
        this.resume = reason.kind !== 'budget';
        this.flush();
        if (this.finished) return this.finished;
        if (this.machine !== m) continue; // reset while it ran
        if (reason.kind === 'reset' && this.onReset) {
          const next = this.onReset();
          if (next) {
            this.replace(next);
            this.stepping = undefined;
            // A guest that resets at once would otherwise never let the keyboard through.
            await new Promise((r) => setImmediate(r));
            continue;
          }
        }
        if (step && this.stepping === step) {
          const own = reason.kind === 'budget' || (reason.kind === 'breakpoint' && reason.hart === step.hart);
          if (own && this.stepDone(step)) {
            this.stepping = undefined;
            if (this.controller?.onStop({ kind: 'step', hart: step.hart })) this.held = true;
            continue;
          }
          // The stepping hart at a breakpoint where its step began passes it on the next run;
          // an idle machine waits with the step still to do; any other stop ends the step.
          if (own && reason.kind === 'breakpoint') continue;
          if (!own && reason.kind !== 'idle') this.stepping = undefined;
        }
        if (reason.kind === 'idle' && (this.stdinOpen || this.controller)) { await this.wait(); continue; }
        if (reason.kind !== 'budget' && reason.kind !== 'exit' && reason.kind !== 'reset' && this.controller?.onStop(reason)) {
          this.held = true;
          continue;
        }
        if (reason.kind === 'paused' && this.held) continue;
        if (reason.kind !== 'budget') return reason;
        // Let stdin, signals and attached tools through between slices.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      detach();
    }
  }
}

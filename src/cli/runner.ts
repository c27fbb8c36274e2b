// Runs a machine for the command line: in slices, so that keyboard input, signals and the
// tools attached to a run (the gdb stub, the monitor) are served between them; waiting for
// input when every hart idles in wfi; with the guest's UART on stdout. A tool attached as the
// controller may take a stop (a breakpoint, a watchpoint, a pause) and hold the machine until
// it lets it go on.
import type { Machine, StopReason } from '../emulator/machine.js';

/** Instructions per slice: about a tenth of a second of guest time on a fast hart. */
const SLICE = 20_000_000;

export interface Controller {
  /** The machine stopped for `reason`: return true to hold it (the runner waits for release()). */
  onStop(reason: StopReason): boolean;
}

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
    this.wakeUp();
  }

  get isHeld(): boolean { return this.held; }

  /** Stop the guest at the next block boundary and hold it there (Ctrl-C in gdb, the monitor's stop). */
  hold(): void {
    this.held = true;
    this.machine.pause();
  }

  release(): void {
    this.held = false;
    this.resume = true;
    this.wakeUp();
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
        const reason = m.run(Math.min(SLICE, left), { resume: this.resume });
        this.resume = reason.kind !== 'budget';
        this.flush();
        if (this.finished) return this.finished;
        if (this.machine !== m) continue; // reset while it ran
        if (reason.kind === 'reset' && this.onReset) {
          const next = this.onReset();
          if (next) {
            this.replace(next);
            // A guest that resets at once would otherwise never let the keyboard through.
            await new Promise((r) => setImmediate(r));
            continue;
          }
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

// Time travel: a record of a machine's run from which any earlier point can be rebuilt exactly.
//
// Positions are the machine's progress (instructions retired plus traps taken, over every hart),
// which only running advances. The record is:
// - checkpoints at positions: the machine's whole state but RAM (Machine.saveState), plus a copy
//   of each page written since the checkpoint before (memory/dirtyPages.ts, pageVersions.ts);
// - every input from outside with the position it arrived at (UART bytes);
// - edits the debugger made at the present (registers, memory), kept as checkpoints that
//   replay puts back when it reaches them.
// The machine is deterministic (runLoop.ts, clock.ts), so restoring the latest checkpoint at or
// before a position and running to it with the same inputs rebuilds that position, on every
// hart. Disk writes are the guest's own and replay makes them again; the disk's contents come
// back with the device state (an overlay disk saves its written sectors).
//
// Callers run the machine through run() instead of Machine.run: it ends runs where an input
// arrives, at checkpoints, and at the frontier (the furthest position reached), so that replay
// delivers inputs where they came and output already seen is known as such (`replaying`).
import type { Machine, MachineState, RunOptions, StopReason } from '../machine.js';
import { PAGE_SHIFT } from '../memory/dirtyPages.js';
import { PageVersions, PAGE_SIZE, pageIsZero } from './pageVersions.js';

/**
 * How far apart checkpoints are, unless the caller fixes it: as much progress as the machine
 * makes in CHECKPOINT_MS of host time, between the bounds. A step back replays at most that
 * far, so it takes about CHECKPOINT_MS however fast the guest runs (a kernel that switches
 * address spaces often runs far slower than a loop).
 */
const CHECKPOINT_MS = 40;
const MIN_INTERVAL = 10_000, MAX_INTERVAL = 1_000_000;
/** What a checkpoint costs beside its pages and TLB entries (registers, CSRs, devices), estimated. */
const STATE_BYTES_PER_HART = 4096;
const STATE_BYTES = 8192;
/** The closest together the checkpoints a step back leaves behind are. */
const REFINE_MIN = 2000;

interface Checkpoint {
  /** Its position; page copies name their checkpoint by it (no two checkpoints share one). */
  at: number;
  state: MachineState;
  /** The pages whose copies this checkpoint holds. */
  pages: Int32Array;
  /** How many inputs had arrived when it was taken: later ones at `at` are delivered after restoring it. */
  inputs: number;
  /** The debugger changed the machine here: replay reaching `at` puts this state back. */
  edit: boolean;
}

interface Input { at: number; bytes: Uint8Array }

export interface HistoryWindow { first: number; last: number; checkpoints: number; bytes: number }

export class HistoryError extends Error {}

/** The bytes a saved state's TLB entries take (Tlb.save: a few hundred entries a hart at most). */
function tlbBytes(s: MachineState): number {
  let n = 0;
  for (const h of s.harts) for (const t of h.tlb) n += t.byteLength;
  return n;
}

/**
 * searchBack's second look at an interval: called with the machine at the interval's end and
 * the number of the last stop `accept` took there (0: none), it returns the stop to land on (0:
 * none). A caller that judges a stop by what happened after it (did that write change the
 * bytes?) counts the stops `accept` saw and decides here, when the interval's end is known.
 */
export type Settle = (lastAccepted: number) => number;

export class History {
  private readonly checkpoints: Checkpoint[] = [];
  private readonly inputs: Input[] = [];
  private readonly pages = new PageVersions();
  /** What the checkpoints' TLB entries take. */
  private tlbBytes = 0;
  /** The first input the current timeline has not delivered yet. */
  private nextInput = 0;
  /** The furthest position reached: from there on the machine runs for the first time. */
  frontier: number;
  /** True while the machine runs through positions it ran before (their output was seen then). */
  replaying = false;

  /** Progress between checkpoints (see CHECKPOINT_MS). */
  interval: number;
  private readonly adaptive: boolean;
  /** Progress per host millisecond, as the last runs went (for the adaptive interval). */
  private rate = 0;

  constructor(readonly m: Machine, readonly budgetBytes: number, interval?: number) {
    this.adaptive = interval === undefined;
    this.interval = interval ?? 100_000;
    if (m.options.realtime) throw new HistoryError('time travel needs deterministic time: it cannot record a machine whose time follows the host clock');
    if (!(budgetBytes > 0)) throw new RangeError(`history budget must be positive, not ${budgetBytes}`);
    this.frontier = m.progress;
    // The first checkpoint holds every page that is not zero, whoever wrote it (the loader, the
    // device tree, firmware): later ones rely on the dirty record, which starts here. While that
    // record still covers all of RAM's life, only its pages can be other than zeros: reading
    // just them spares a scan of all of RAM (128 MiB: 0.1-0.3 s at launch).
    const sinceCreation = m.ram.dirty.sinceCreation;
    const written = m.ram.dirty.take();
    const words = m.ram.ru32, pages: number[] = [];
    if (sinceCreation) {
      for (const p of written.sort()) if (!pageIsZero(words, p)) pages.push(p);
    } else {
      for (let p = 0; p < m.ram.size >>> PAGE_SHIFT; p++) if (!pageIsZero(words, p)) pages.push(p);
    }
    this.checkpoint(Int32Array.from(pages), false);
  }

  get position(): number { return this.m.progress; }
  /** Whether the machine is at an earlier point than the furthest one reached. */
  get inPast(): boolean { return this.m.progress < this.frontier; }

  /** The positions that can be rebuilt, and what the record costs. */
  get window(): HistoryWindow {
    return { first: this.checkpoints[0].at, last: this.frontier, checkpoints: this.checkpoints.length, bytes: this.bytes };
  }

  get bytes(): number {
    return this.pages.bytes + this.tlbBytes + this.checkpoints.length * (STATE_BYTES + STATE_BYTES_PER_HART * this.m.harts.length);
  }

  // ---- running ------------------------------------------------------------------------------

  /** Machine.run, recording: the run may end early (a 'budget' stop) where the record needs it to. */
  run(budget: number, opts: RunOptions = {}): StopReason {
    const m = this.m, start = m.progress;
    const allowed = Math.min(budget, this.nextBoundary(start) - start);
    this.replaying = start < this.frontier;
    const t0 = Date.now();
    let r: StopReason;
    try {
      r = m.run(allowed, opts);
    } finally {
      this.replaying = false;
    }
    if (this.adaptive) this.pace(m.progress - start, Date.now() - t0);
    this.arrived(start);
    return r;
  }

  /** The next position after `pos` where a run must end: an input, a checkpoint, the frontier, the next checkpoint due. */
  private nextBoundary(pos: number): number {
    let next = this.last.at + this.interval;
    if (pos < this.frontier) next = Math.min(next, this.frontier);
    const input = this.inputs[this.nextInput];
    if (input && input.at > pos) next = Math.min(next, input.at);
    const k = this.firstAfter(pos);
    if (k < this.checkpoints.length) next = Math.min(next, this.checkpoints[k].at);
    return next > pos ? next : pos + this.interval;
  }

  /** Follow the machine's speed: the interval is what it runs in CHECKPOINT_MS. */
  private pace(progress: number, ms: number): void {
    if (progress < 1000) return;
    const rate = progress / Math.max(ms, 1);
    this.rate = this.rate === 0 ? rate : 0.7 * this.rate + 0.3 * rate;
    this.interval = Math.round(Math.min(MAX_INTERVAL, Math.max(MIN_INTERVAL, this.rate * CHECKPOINT_MS)));
  }

  /** After a run from `start`: put back an edit, deliver inputs, take a checkpoint, keep the budget. */
  private arrived(start: number): void {
    const m = this.m, pos = m.progress;
    if (pos > this.frontier) this.frontier = pos;
    if (pos !== start) {
      const k = this.indexAt(pos);
      if (k >= 0) {
        const c = this.checkpoints[k];
        // RAM here is the checkpoint's (the same run, the same inputs): the dirty record starts
        // afresh, or, where the debugger edited the machine, its edit is put back.
        if (c.edit) this.restoreTo(k);
        else { m.ram.dirty.take(); this.recordWritablePages(); }
      }
    }
    this.deliverInputs();
    if (pos >= this.last.at + this.interval) this.checkpoint(m.ram.dirty.take(), false);
  }

  private deliverInputs(): void {
    const pos = this.m.progress;
    while (this.nextInput < this.inputs.length && this.inputs[this.nextInput].at <= pos) {
      this.m.uart.receive(this.inputs[this.nextInput++].bytes);
    }
  }

  // ---- what comes from outside ------------------------------------------------------------------

  /** Bytes typed into the UART now. Refused in the past, where they would change what was recorded. */
  uartInput(bytes: Uint8Array): void {
    if (this.inPast) throw new HistoryError(this.pastMessage('typing into the UART'));
    this.inputs.push({ at: this.m.progress, bytes: Uint8Array.from(bytes) });
    this.nextInput = this.inputs.length;
    this.m.uart.receive(bytes);
  }

  /**
   * The debugger changed the machine at the present (a register, a CSR, memory): record the
   * state here, so that replay reaching this position puts the change back.
   */
  edited(): void {
    if (this.inPast) throw new HistoryError(this.pastMessage('changing the machine'));
    const last = this.last;
    if (last.at !== this.m.progress) { this.checkpoint(this.m.ram.dirty.take(), true); return; }
    // A checkpoint here already (taken on arrival, or by an edit before): it takes this edit in.
    const fresh = this.m.ram.dirty.take();
    for (const p of fresh) this.pages.add(p, last.at, this.copyPage(p));
    last.pages = Int32Array.from(new Set([...last.pages, ...fresh]));
    this.tlbBytes -= tlbBytes(last.state);
    last.state = this.m.saveState();
    this.tlbBytes += tlbBytes(last.state);
    last.inputs = this.inputs.length;
    last.edit = true;
    this.recordWritablePages();
  }

  /** Why something is refused in the past, and what to do instead. */
  pastMessage(what: string): string {
    return `the machine is in the past (instruction ${this.m.progress} of ${this.frontier} recorded): ${what} would change a recorded future. Run forward to the present first`;
  }

  // ---- going back --------------------------------------------------------------------------------

  /** Rebuild position `target` (within the window). */
  seek(target: number): void {
    const first = this.checkpoints[0].at;
    if (!Number.isInteger(target) || target < first || target > this.frontier) {
      throw new HistoryError(`instruction ${target} is outside the recorded history (${first} to ${this.frontier})`);
    }
    const m = this.m, j = this.lastAtOrBefore(target);
    if (m.progress >= this.checkpoints[j].at && m.progress <= target) { this.replayTo(target, false); return; }
    this.restoreTo(j);
    this.replayTo(target, true);
  }

  /**
   * Go to just before hart `hart`'s last instruction or trap entry: the latest position before
   * this one at which the hart's own progress (HartRunner.progress) was lower than it is here,
   * when several harts share the machine's. Returns false, with the machine where it was, when
   * the hart made no step in the window. The checkpoints' states say between which two the step
   * is; a search by halves finds it there, each seek replaying from a nearer checkpoint than
   * the one before (seek leaves checkpoints behind).
   */
  backOn(hart: number): boolean {
    const m = this.m, start = m.progress;
    const own = (): number => m.runners[hart].progress;
    const ownAt = (c: Checkpoint): number => c.state.harts[hart].instret + c.state.runners[hart].traps;
    const now = own();
    let j = this.lastBefore(start);
    while (j >= 0 && ownAt(this.checkpoints[j]) >= now) j--;
    if (j < 0) return false;
    // The hart is behind at lo and where it is now at hi.
    let lo = this.checkpoints[j].at, hi = Math.min(start, this.checkpoints[j + 1]?.at ?? start);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      this.seek(mid);
      if (own() < now) lo = mid; else hi = mid;
    }
    this.seek(lo);
    return true;
  }

  /**
   * Go to the latest stop before position `before` that `accept` takes (breakpoints,
   * watchpoints, trap filters as the machine has them now), searching back one checkpoint
   * interval at a time. Returns that stop with the machine in it, or undefined (the machine is
   * then where it was).
   */
  findLast(before: number, accept: (r: StopReason) => boolean): StopReason | undefined {
    const search = this.searchBack(before, accept);
    for (;;) { const n = search.next(); if (n.done) return n.value; }
  }

  /**
   * findLast in steps: the generator yields after each interval it searched, so that a caller
   * can answer requests between them; ending it early (return()) puts the machine back where it was.
   * With `settle`, each interval's choice is settle's (see Settle).
   */
  *searchBack(before: number, accept: (r: StopReason) => boolean, settle?: Settle): Generator<void, StopReason | undefined> {
    const start = this.m.progress;
    let landed = false;
    try {
      for (let j = this.lastBefore(before); j >= 0; j--) {
        const end = Math.min(before, this.checkpoints[j + 1]?.at ?? before);
        let found = this.scan(j, end, accept);
        if (settle) found = settle(found);
        if (found > 0) {
          let hit: StopReason | undefined;
          this.scan(j, end, (r) => { hit = r; return true; }, found);
          landed = true;
          return hit;
        }
        yield;
      }
      return undefined;
    } finally {
      if (!landed) this.seek(start);
    }
  }

  /**
   * Run from checkpoint j to `end`, counting stops; returns the number of the last one `accept`
   * took (0: none). With `until`, the run ends in the until-th stop.
   */
  private scan(j: number, end: number, accept: (r: StopReason) => boolean, until = Infinity): number {
    const m = this.m;
    this.restoreTo(j);
    let stops = 0, last = 0, resume = false;
    while (m.progress < end) {
      const r = this.run(end - m.progress, { resume });
      resume = r.kind !== 'budget';
      if (r.kind === 'budget') continue;
      if (r.kind === 'exit' || r.kind === 'reset' || r.kind === 'idle') break;
      stops++;
      if (accept(r)) last = stops;
      if (stops >= until) break;
    }
    return last;
  }

  /**
   * Run from here to `target`, through any stops (a run stopped and resumed is the run
   * unstopped). With `refine`, leave checkpoints on the way, an eighth of the distance apart
   * (at least REFINE_MIN): the next step back, a little before `target`, then replays an eighth
   * as far, and a run of step backs soon replays at most REFINE_MIN each.
   */
  private replayTo(target: number, refine: boolean): void {
    const m = this.m, distance = target - m.progress;
    const step = refine && distance > REFINE_MIN ? Math.max(REFINE_MIN, Math.floor(distance / 8)) : Infinity;
    let mark = m.progress + step, resume = true;
    while (m.progress < target) {
      const r = this.run(Math.min(target, mark) - m.progress, { resume });
      if (r.kind === 'exit' || r.kind === 'reset' || r.kind === 'idle') break;
      resume = r.kind !== 'budget';
      if (m.progress >= mark) {
        if (m.progress < target && this.indexAt(m.progress) < 0) this.checkpoint(m.ram.dirty.take(), false);
        mark = m.progress + step;
      }
    }
  }

  /** Put the machine in checkpoint j's state: its registers and devices, and RAM as it was then. */
  private restoreTo(j: number): void {
    const m = this.m, c = this.checkpoints[j], ram = m.ram;
    // Pages that may differ from checkpoint j: those written since the latest checkpoint before
    // the machine's position (the dirty record), and those held by the checkpoints between that
    // one and j, either way (written between them).
    const pages = new Set<number>(ram.dirty.take());
    const from = Math.min(j, this.lastAtOrBefore(m.progress));
    for (let k = from + 1; k < this.checkpoints.length; k++) for (const p of this.checkpoints[k].pages) pages.add(p);
    for (const p of pages) {
      const off = p << PAGE_SHIFT, data = this.pages.at(p, c.at);
      if (data) ram.ru8.set(data, off);
      else ram.ru8.fill(0, off, off + PAGE_SIZE);
      m.code.invalidateRange(off, PAGE_SIZE);
    }
    m.restoreState(c.state); // the harts' store entries come back with their pages marked
    this.nextInput = c.inputs;
    this.deliverInputs();
  }

  // ---- the record -------------------------------------------------------------------------------

  /** A checkpoint here (where there is none yet), holding `pages`: those written since the checkpoint before. */
  private checkpoint(pages: Int32Array, edit: boolean): void {
    const at = this.m.progress;
    // Every page the record holds is copied, also one that came back to its content at the
    // checkpoint before: a step back may later put a checkpoint between the two holding the
    // page's other content, and this one must then still hold its own.
    for (const p of pages) this.pages.add(p, at, this.copyPage(p));
    const state = this.m.saveState();
    this.tlbBytes += tlbBytes(state);
    this.checkpoints.splice(this.firstAfter(at), 0, { at, state, pages, inputs: this.inputs.length, edit });
    this.recordWritablePages();
    while (this.bytes > this.budgetBytes && this.checkpoints.length > 1) this.dropOldest();
  }

  private dropOldest(): void {
    const [old, next] = this.checkpoints;
    const moved = this.pages.dropOldest(old.at, old.pages, next.at);
    if (moved.length) next.pages = Int32Array.from(new Set([...next.pages, ...moved]));
    this.tlbBytes -= tlbBytes(old.state);
    this.checkpoints.shift();
  }

  private copyPage(p: number): Uint8Array {
    return this.m.ram.ru8.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
  }

  /** After the dirty record was taken: the pages stores can reach without a slow path are in the new one. */
  private recordWritablePages(): void {
    for (const h of this.m.harts) h.recordWritablePages();
  }

  private get last(): Checkpoint { return this.checkpoints[this.checkpoints.length - 1]; }

  /** Index of the checkpoint at exactly `pos`, or -1. */
  private indexAt(pos: number): number {
    const k = this.firstAfter(pos - 1);
    return k < this.checkpoints.length && this.checkpoints[k].at === pos ? k : -1;
  }

  /** Index of the first checkpoint after `pos` (checkpoints.length for none). */
  private firstAfter(pos: number): number {
    let lo = 0, hi = this.checkpoints.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.checkpoints[mid].at > pos) hi = mid; else lo = mid + 1; }
    return lo;
  }

  private lastAtOrBefore(pos: number): number { return this.firstAfter(pos) - 1; }
  private lastBefore(pos: number): number { return this.firstAfter(pos - 1) - 1; }
}

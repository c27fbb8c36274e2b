// The run loop: the harts interleaved in a fixed order with a fixed quantum, each running its
// translated blocks until its slice, the budget or a stop ends it. A hart that spins (an AMO
// finding its lock taken, a failed SC, `pause`, a wait loop: see Hart.handOff) hands the rest
// of its turn over, which passes as idle time, as a waiting hart's does; when it knows which
// hart holds the lock, that hart runs the next turn. Nothing here depends on the host's
// timing, so two runs of a guest are the same instruction for instruction, on every hart, and
// a run the debugger stops and resumes is the same as one it never stopped (the schedule's
// position is kept across run() calls).
import { describeCause } from './cpu/causes.js';
import { Exception } from './cpu/causes.js';
import { EXC_HAND_OFF, EXC_LEAVE, EXC_NONE, EXC_STOP, type Hart } from './cpu/hart.js';
import { CAUSE_INTERRUPT, enterTrap, pendingInterrupt } from './cpu/trap.js';
import { compileBlock, interpreterFor, MAX_BLOCK, promote, type Block } from './jit/compiler.js';
import { Tier } from './jit/tiers.js';
import { interpretedWork, setLink } from './jit/records.js';
import type { BlockCache } from './jit/blockCache.js';
import type { HartRunner } from './hartRunner.js';
import type { Machine, StopReason } from './machine.js';
import { HartStatus } from './sbi/sbi.js';

/**
 * Instructions a hart runs before the next one's turn. Small enough that a hart spinning on a
 * lock another holds wastes little, large enough that switching costs nothing measurable.
 */
export const QUANTUM = 10_000;

export interface RunOptions {
  /** Return after one instruction or one trap entry (on the hart whose turn it is). */
  stepping?: boolean;
  /**
   * Return after this hart has executed one instruction or entered one trap; the others run
   * their turns meanwhile, as they would have anyway (the schedule is the same).
   */
  stepHart?: number;
  /**
   * The debugger resumes from a stop: the hart whose turn it is passes a breakpoint at its pc
   * once, a hart stopped by a watchpoint makes the access that stopped it, and one stopped
   * before a trap's handler enters it (true by default). A caller running on in slices passes
   * false, so that a slice ending just before a breakpoint does not skip it; so does one that
   * starts from a restored state, where no stop was seen yet (a checkpoint may have been taken
   * while a watchpoint or an exception filter held the machine).
   */
  resume?: boolean;
  /**
   * Harts that stay where they are during this run, as a debugger holds some threads while it
   * lets others go: their turns pass as idle time, as a stopped hart's do, and they neither
   * run nor take interrupts.
   */
  hold?: readonly number[];
}

export class RunLoop {
  /** The hart whose turn it is, and how much of its turn is left (instructions or idle cycles). */
  current = 0;
  sliceLeft: number;
  /** A lone hart's turn never ends: there is nobody to hand over to. */
  private readonly quantum: number;
  /** Per hart: whether it may run in the current run() (not stopped by the SBI, not held). */
  private readonly runnable: boolean[];
  /** Set by dispatch when the hart's translated code asked to hand its turn over. */
  private handedOff = false;
  /**
   * A turn given away: `donee` (a hart, or -1) runs the next turn in place of the order, and
   * the order goes on from `resumeAt` after it. A hart that finds a lock taken gives its turn
   * to the lock's holder, when the holder would not run next anyway.
   */
  donee = -1;
  resumeAt = -1;

  constructor(private readonly m: Machine) {
    this.quantum = m.harts.length === 1 ? Number.MAX_SAFE_INTEGER : QUANTUM;
    this.sliceLeft = this.quantum;
    this.runnable = m.harts.map(() => true);
  }

  /**
   * Run at most `budget` units of progress (instructions retired plus traps taken, over all
   * harts). Returns why it stopped.
   */
  run(budget: number, opts: RunOptions = {}): StopReason {
    const m = this.m, runners = m.runners;
    const limit = m.progress + budget;
    m.stopReason = undefined;
    for (const r of runners) r.irqDirty = true;
    this.runnable.fill(true);
    for (const h of opts.hold ?? []) this.runnable[h] = false;
    const first = runners[this.current];
    if (opts.resume !== false && this.canRun(first)) first.passBreakpoint = BigInt.asUintN(64, first.hart.pc);
    else if (opts.resume === false) for (const r of runners) { r.watchSkip = false; r.trapAcknowledged = false; }
    for (;;) {
      if (m.stopReason) return m.stopReason;
      const left = limit - m.progress;
      if (left <= 0) return { kind: 'budget' };
      if (this.sliceLeft <= 0) { this.next(); continue; }
      const r = runners[this.current];
      if (!this.canRun(r)) {
        // A stopped hart's turn passes as idle time (time is the same for every hart).
        if (this.allIdle()) { const idle = this.fastForward(); if (idle) return idle; continue; }
        m.clock.idleCycles += this.sliceLeft;
        this.sliceLeft = 0;
        continue;
      }
      const stepping = opts.stepHart === undefined ? opts.stepping ?? false : opts.stepHart === this.current;
      const stop = this.runHart(r, stepping ? 1 : Math.min(left, this.sliceLeft), stepping);
      if (stop) return stop;
    }
  }

  /** Started by the SBI (or never stopped) and not held by the caller of run(). */
  private canRun(r: HartRunner): boolean {
    return r.status === HartStatus.Started && this.runnable[r.hart.hartId];
  }

  private next(): void {
    if (this.donee >= 0) { this.current = this.donee; this.donee = -1; }
    else if (this.resumeAt >= 0) { this.current = this.resumeAt; this.resumeAt = -1; }
    else this.current = (this.current + 1) % this.m.runners.length;
    this.sliceLeft = this.quantum;
  }

  /** The hart that found a lock taken gives its next turn to the lock's holder, if it knows it. */
  private giveTurn(r: HartRunner): void {
    const h = r.hart, lock = h.spinLock, n = this.m.runners.length;
    h.spinLock = -1n;
    if (lock < 0n || this.donee >= 0) return;
    const following = this.resumeAt >= 0 ? this.resumeAt : (this.current + 1) % n;
    for (const o of this.m.runners) {
      if (o === r || !o.hart.heldLocks.includes(lock)) continue;
      if (o.hart.hartId !== following && this.canRun(o)) { this.donee = o.hart.hartId; if (this.resumeAt < 0) this.resumeAt = following; }
      return;
    }
  }

  /**
   * Run one hart for at most `allowance` units of progress (within its slice). Returns a stop,
   * or undefined when the allowance or the slice is used up, or the hart went idle.
   */
  private runHart(r: HartRunner, allowance: number, stepping: boolean): StopReason | undefined {
    const startInstret = r.hart.instret, startTraps = this.m.trapsTaken;
    const stop = this.dispatch(r, allowance, stepping);
    this.sliceLeft -= (r.hart.instret - startInstret) + (this.m.trapsTaken - startTraps);
    if (this.handedOff) {
      // The rest of the turn would have gone on spinning: it passes as idle time, so the
      // machine's time runs as if it had (and the timers fire when they would have).
      this.handedOff = false;
      if (this.sliceLeft > 0) { this.m.clock.idleCycles += this.sliceLeft; this.sliceLeft = 0; }
      // Time moved on without this hart retiring anything: its timer deadline, counted in its
      // instructions, must be worked out again before it next runs.
      r.irqDirty = true;
      this.giveTurn(r);
    }
    return stop;
  }

  /** The dispatcher: runHart's loop over translated blocks. */
  private dispatch(r: HartRunner, allowance: number, stepping: boolean): StopReason | undefined {
    const m = this.m, h = r.hart, u = h.u, blocks = r.blocks, bps = m.breakpoints, trig = h.csr.triggers;
    const interpreters: (((b: Block) => Block) | undefined)[] = [];
    // In units of h.instret, which the translated code advances. A trap retires nothing, so
    // taking one lowers the limit instead: a guest whose every instruction faults still uses up
    // its budget, and the caller gets control back.
    let limit = h.instret + allowance;
    if (r.watchSkip) {
      // Let the access that stopped us go through: one instruction with watchpoints off.
      r.watchSkip = false;
      const s = this.runUnwatched(r);
      if (s || stepping) return s ?? { kind: 'budget' };
    }
    // The block run last, when nothing happened between its end and the next block's start (no
    // trap, interrupt, breakpoint pass or trigger): the dispatcher links it to the block it finds
    // next, so that the next time it ends at that pc the chain below skips the lookup.
    let prev: Block | undefined;
    for (;;) {
      if (h.exc !== EXC_NONE) {
        prev = undefined;
        // A trap left pending by a block, a fetch, or a previous run stopped before its handler.
        if (h.exc === EXC_STOP) { h.exc = EXC_NONE; r.watchSkip = m.stopReason?.kind === 'watchpoint'; }
        else if (h.exc === EXC_HAND_OFF) {
          // The instruction that found the lock taken has retired: the turn ends here.
          h.exc = EXC_NONE;
          this.handedOff = true;
          return stepping ? m.stopReason ?? { kind: 'budget' } : m.stopReason;
        }
        else if (h.exc === EXC_LEAVE) {
          // An access changed an interrupt line, asked for a stop or rewrote code, and retired:
          // the checks below see it before the next instruction, as after that one alone.
          h.exc = EXC_NONE;
          if (stepping) return m.stopReason ?? { kind: 'budget' };
        }
        else if (this.enterException(r)) return m.stopReason;
        else {
          limit--;
          if (stepping) return { kind: 'budget' };
        }
      }
      if (m.stopReason) return m.stopReason;
      const left = limit - h.instret;
      if (left <= 0) return undefined;
      if (h.instret >= r.deadlineInstret) r.irqDirty = true;
      if (r.irqDirty || h.waiting) {
        r.irqDirty = false;
        prev = undefined;
        m.updateInterruptLines(r);
        r.deadlineInstret = m.options.realtime ? h.instret + 10_000 : h.instret + m.cyclesToDeadline(r);
        const cause = pendingInterrupt(h);
        if (cause >= 0) {
          h.waiting = false;
          if (this.enterInterrupt(r, cause)) return m.stopReason;
          limit--;
          if (stepping) return { kind: 'budget' };
          continue;
        }
        if (h.waiting) {
          // wfi: wake on any pending-and-enabled interrupt, even one globally disabled.
          if ((h.csr.mip & h.csr.mie) !== 0n) { h.waiting = false; continue; }
          if (this.allIdle()) return this.fastForward();
          // Others have work: this hart's turn passes idle, up to its own next deadline.
          const idle = Math.min(this.sliceLeft, Math.max(1, r.deadlineInstret - h.instret));
          m.clock.idleCycles += idle;
          this.sliceLeft -= idle;
          r.irqDirty = true;
          return undefined;
        }
      }
      h.loopLimit = Math.min(limit, r.deadlineInstret);
      const lo = u[64], hi = u[65];
      // The pc's low half (a number) rules out nearly every block before any BigInt is made:
      // with a breakpoint set, that is most of what a run to it costs per block.
      if (bps.size !== 0 && (r.passBreakpoint !== undefined || bps.hasLow(lo))) {
        const pc = BigInt.asUintN(64, h.pc);
        if (r.passBreakpoint === pc) { r.passBreakpoint = undefined; prev = undefined; }
        else if (bps.has(pc)) { m.stop({ kind: 'breakpoint', pc: h.pc, hart: h.hartId }); return m.stopReason; }
        else r.passBreakpoint = undefined;
      }
      if (trig.execArmed) {
        prev = undefined;
        if (trig.execHit(h.pc, h.priv)) {
          // A debug trigger on this instruction: a breakpoint exception before it runs.
          h.exception(Exception.Breakpoint, 0n);
          continue;
        }
      }
      // The front table first, inline: it answers almost every dispatch.
      let found = blocks.front(lo, hi, h.translationGeneration);
      if (found === undefined || found.priv !== h.priv) {
        found = this.lookup(r, blocks, lo, hi, MAX_BLOCK);
        if (found === undefined) continue; // the fetch fault is pending
      }
      // A block that would run past the timer's deadline is run an instruction at a time up to
      // it, so the interrupt is taken at the same instruction however the run is sliced (time
      // travel replays a recording in slices other than the ones it was made in).
      if (found.len > left || h.instret + found.len > r.deadlineInstret) {
        found = this.lookup(r, r.singles, lo, hi, 1);
        if (found === undefined) continue;
      } else if (prev !== undefined && !stepping) link(prev, found, h.translationGeneration);
      let b: Block = found;
      // The chain: from one block to the next through its links while nothing asks for the
      // dispatcher. A link is the lookup's answer for its pc in its generation, and everything
      // the checks above look at either ends the chain by itself (a pending trap or hand-off,
      // waiting in wfi, an armed trigger) or lowers h.loopLimit (a stop, a change of interrupt
      // state, the run's budget, the timer deadline); breakpoints change the generation
      // (Machine.setBreakpoints) and no link leads to a pc that has one.
      for (;;) {
        if (b.tier === Tier.Inline) b.fn();
        else if (b.tier === Tier.Interpreted) {
          // The interpreter is called here rather than through the block's fn, so that this
          // call site sees one function per privilege (V8 can inline it) rather than thousands.
          // It goes on through the links into interpreted blocks by the rules below, counts
          // each block's work, and returns the block it ran last.
          b = (interpreters[b.priv] ??= interpreterFor(h, b.priv, m.tiering))(b);
          if (interpretedWork(b) >= b.promoteAt) promote(h, b, m.tiering, blocks);
        } else {
          // Cold until the block has done enough work to be worth its inline form.
          const before = h.instret;
          b.fn();
          if ((b.work += h.instret - before) >= b.promoteAt) promote(h, b, m.tiering, blocks);
        }
        if (stepping) { if (h.exc === EXC_NONE) return m.stopReason ?? { kind: 'budget' }; break; }
        if (h.exc !== EXC_NONE) break;
        const gen = h.translationGeneration, nlo = u[64], nhi = u[65];
        let n = b.next0;
        if (n === undefined || n.lo !== nlo || n.hi !== nhi || b.gen0 !== gen) {
          n = b.next1;
          if (n === undefined || n.lo !== nlo || n.hi !== nhi || b.gen1 !== gen) break;
        }
        if (n.dropped || n.priv !== h.priv || h.instret + n.len > h.loopLimit || h.waiting || r.irqDirty || trig.execArmed) break;
        b = n;
      }
      prev = b;
    }
  }

  /**
   * The block for the hart's pc: from the front table while the hart's translations are the
   * ones it was found under, else through the fetch TLB by the physical address of its code,
   * else newly translated. Undefined when the fetch faults (the fault is then pending).
   */
  private lookup(r: HartRunner, cache: BlockCache, lo: number, hi: number, maxLen: number): Block | undefined {
    const h = r.hart;
    let b = cache.front(lo, hi, h.translationGeneration);
    if (b !== undefined && b.priv === h.priv) return b;
    const page = h.fetchPageOffset(lo, hi);
    if (page < 0) return undefined;
    b = cache.find(page + (lo & 4095), lo, hi, h.priv);
    if (b !== undefined && b.page2 >= 0 && h.fetchPageOffset((lo | 4095) + 1, hi + ((lo | 4095) === -1 ? 1 : 0)) !== b.page2) b = undefined;
    if (b === undefined) {
      b = compileBlock(h, h.pc, maxLen, this.blockEnds(h), this.m.tiering);
      if (b === undefined) return undefined;
      cache.put(b);
    }
    // No chain may go into a block at a breakpoint, which the dispatcher alone stops at (the
    // wasm interpreter goes on through the front table as through links).
    const bps = this.m.breakpoints;
    cache.setFront(b, h.translationGeneration, bps.size === 0 || !bps.hasLow(lo) || !bps.has(h.pc));
    return b;
  }

  /** The pcs a new block must not contain past its start: breakpoints and execute triggers. */
  private blockEnds(h: Hart): ((pc: bigint) => boolean) | undefined {
    const bps = this.m.breakpoints, trig = h.csr.triggers;
    if (trig.execArmed) {
      const at = new Set(trig.execAddresses());
      return (p) => bps.has(p) || at.has(BigInt.asUintN(64, p));
    }
    return bps.size ? (p) => bps.has(p) : undefined;
  }

  /** Execute one instruction of this hart with watchpoints off; a stop reason if it ended the run. */
  private runUnwatched(r: HartRunner): StopReason | undefined {
    const h = r.hart, watch = h.watch;
    h.watch = undefined;
    try {
      const s = this.runHart(r, 1, true);
      return s?.kind === 'budget' ? undefined : s;
    } finally {
      h.watch = watch;
      h.flushDataTranslations();
    }
  }

  /** Whether every hart is stopped or waits in wfi with nothing to wake it now. */
  private allIdle(): boolean {
    const m = this.m;
    for (const r of m.runners) {
      if (!this.canRun(r)) continue;
      const h = r.hart;
      if (!h.waiting) return false;
      m.updateInterruptLines(r);
      if ((h.csr.mip & h.csr.mie) !== 0n) return false;
    }
    return true;
  }

  /**
   * Every hart idles: jump time to the earliest timer deadline instead of spinning. An `idle`
   * stop when nothing could ever wake a hart (no deadline, no UART input on its way).
   */
  private fastForward(): StopReason | undefined {
    const m = this.m;
    let soonest = Number.MAX_SAFE_INTEGER;
    for (const r of m.runners) if (this.canRun(r)) soonest = Math.min(soonest, m.cyclesToDeadline(r));
    if (soonest === Number.MAX_SAFE_INTEGER) {
      // Input on its way wakes a hart, unless the one it would wake is held.
      if (m.uart.rxPending > 0 && this.runnable.every(Boolean)) return undefined;
      const r = m.runners.find((x) => this.canRun(x)) ?? m.runners[0];
      return { kind: 'idle', pc: r.hart.pc, hart: r.hart.hartId };
    }
    m.clock.skip(soonest);
    for (const r of m.runners) r.irqDirty = true;
    return undefined;
  }

  /** Whether the debugger asks to stop before the handler of this trap; it asks once per trap. */
  private stopsBefore(r: HartRunner, cause: bigint, tval: bigint): boolean {
    const m = this.m;
    if (m.trapFilter && !r.trapAcknowledged && m.trapFilter(cause)) {
      r.trapAcknowledged = true;
      m.stop({ kind: 'trap', pc: r.hart.pc, cause, tval, description: describeCause(cause), hart: r.hart.hartId });
      return true;
    }
    r.trapAcknowledged = false;
    m.trapsTaken++;
    r.traps++;
    if (m.onTrapTaken) m.onTrapTaken(r.hart.hartId, cause);
    return false;
  }

  /** Take the pending exception, unless the debugger wants to stop first; true means stop. */
  private enterException(r: HartRunner): boolean {
    const h = r.hart;
    if (this.stopsBefore(r, BigInt(h.excCause), h.excTval)) return true;
    h.takeException();
    return false;
  }

  private enterInterrupt(r: HartRunner, cause: number): boolean {
    if (this.stopsBefore(r, BigInt.asIntN(64, BigInt(cause) | CAUSE_INTERRUPT), 0n)) return true;
    enterTrap(r.hart, BigInt(cause), 0n, true);
    return false;
  }
}

/**
 * Remember that block `to` followed block `from` in generation `gen`: a stale link (of another
 * generation, or to a dropped block) gives way first, else the second one is replaced.
 */
function link(from: Block, to: Block, gen: number): void {
  if (from.next0 === to && from.gen0 === gen) return;
  if (from.next1 === to && from.gen1 === gen) return;
  // The records' header holds the same links, for the wasm interpreter (jit/records.ts).
  if (from.next0 === undefined || from.gen0 !== gen || from.next0.dropped) { from.next0 = to; from.gen0 = gen; setLink(from, 0, to, gen); }
  else { from.next1 = to; from.gen1 = gen; setLink(from, 1, to, gen); }
}

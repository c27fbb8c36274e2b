// The timeline: what the memory system looked like over a run (free frames, heap in use) and
// where things happened (traps, system calls, context switches, panics, breakpoint hits), by
// position (instructions retired plus traps taken), for the Timeline view (chronos/timeline).
//
// It is collected while the machine runs for the first time, never while it replays recorded
// positions (those were collected then). Cost is kept small by construction:
// - samples read the kernel profile's totals, at most one every SAMPLE_MS of host time, and
//   further apart when a sample itself is slow (a kernel read through DWARF), so that sampling
//   takes at most 1/SAMPLE_SHARE of the run;
// - traps arrive through Machine.onTrapTaken, a call per trap (rare next to instructions),
//   recorded into typed arrays; which process a hart runs is asked of the profile only when
//   the hart's satp changed since its last trap, and not at all while those asks have taken
//   more than 1/SAMPLE_SHARE of the run;
// - every record is bounded: a full one drops every other entry (its resolution halves, its
//   span is kept), so memory stays under a few MiB however long the run.
import type { Machine } from '../emulator/machine.js';
import { Exception, describeCause } from '../emulator/cpu/causes.js';
import type { KernelProfile, Usage } from './profiles/profile.js';

const SAMPLE_MS = 25;
/** Sampling and process checks may take at most 1/SAMPLE_SHARE of the host time. */
const SAMPLE_SHARE = 50;
const MAX_SAMPLES = 8192;
const MAX_EVENTS = 32768;

/** Traps split four ways: interrupts, system calls (ecall from U), SBI calls (ecall from S: a console byte each, often), other exceptions. */
export type TrapKind = 'interrupt' | 'exception' | 'syscall' | 'sbi';
export type MarkerKind = TrapKind | 'switch' | 'panic' | 'breakpoint';

export interface Marker { at: number; kind: MarkerKind; hart: number; text: string }

export interface TimelineSample { at: number; freeFrames?: number; heapUsed?: number }

export interface TimelineView {
  /** The positions asked about (the whole run when none were given). */
  from: number; to: number;
  samples: TimelineSample[];
  markers: Marker[];
  /** How many markers of each kind fall in [from, to], including those left out to keep the answer short. */
  counts: Record<MarkerKind, number>;
  totalFrames?: number; heapSize?: number;
  /** Why a series is missing (the kernel profile cannot say). */
  framesNote?: string; heapNote?: string;
  /** What collecting cost: host milliseconds spent in samples and process checks, of the milliseconds since recording began. */
  cost: { samples: number; sampleMs: number; processMs: number; sinceMs: number; bytes: number };
}

/** A growing record of numbers by position, thinned by half when full. */
class Series {
  at = new Float64Array(256);
  a = new Float64Array(256);
  b = new Float64Array(256);
  n = 0;

  constructor(private readonly max: number) {}

  push(at: number, a: number, b: number): void {
    if (this.n === this.at.length) {
      if (this.n >= this.max) this.thin();
      else for (const k of ['at', 'a', 'b'] as const) { const grown = new Float64Array(this.n * 2); grown.set(this[k]); this[k] = grown; }
    }
    this.at[this.n] = at; this.a[this.n] = a; this.b[this.n] = b; this.n++;
  }

  /** Keep every other entry (the last one stays: it is the latest). */
  private thin(): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (r % 2 === 1 && r !== this.n - 1) continue;
      this.at[w] = this.at[r]; this.a[w] = this.a[r]; this.b[w] = this.b[r]; w++;
    }
    this.n = w;
  }

  get lastAt(): number { return this.n ? this.at[this.n - 1] : -1; }

  /** Index of the first entry at or after `pos`. */
  lowerBound(pos: number): number {
    let lo = 0, hi = this.n;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.at[mid] < pos) lo = mid + 1; else hi = mid; }
    return lo;
  }
}

const NONE = -1;

export class Timeline {
  /** a: free frames, b: heap bytes in use (NONE where the profile could not say). */
  private readonly samples = new Series(MAX_SAMPLES);
  /** a: cause code, b: hart; one series per kind of trap. */
  private readonly traps: Record<TrapKind, Series> = {
    interrupt: new Series(MAX_EVENTS), exception: new Series(MAX_EVENTS), syscall: new Series(MAX_EVENTS), sbi: new Series(MAX_EVENTS),
  };
  /** Rare and worth their words: context switches, panics, breakpoint hits. */
  private readonly notes: Marker[] = [];
  private readonly seenNotes = new Set<string>();
  private lastSampleTime = -Infinity;
  private sampleGap = SAMPLE_MS;
  private readonly satps: bigint[];
  private readonly pids: (number | undefined)[];
  /** Host time spent on the profile's process checks, and when recording began. */
  private pidCost = 0;
  /** Host time spent sampling (the profile's reads). */
  private cost = 0;
  private readonly began = performance.now();
  totalFrames: number | undefined;
  heapSize: number | undefined;
  framesNote: string | undefined;
  heapNote: string | undefined;

  constructor(private readonly m: Machine, private readonly profile: () => KernelProfile, private readonly replaying: () => boolean) {
    this.satps = m.harts.map((h) => h.csr.satp);
    this.pids = m.harts.map(() => undefined);
    m.onTrapTaken = (hart, cause) => this.trap(hart, cause);
  }

  dispose(): void { if (this.m.onTrapTaken) this.m.onTrapTaken = undefined; }

  private trap(hart: number, cause: bigint): void {
    if (this.replaying()) return;
    const at = this.m.progress, code = Number(BigInt.asUintN(63, cause));
    const kind: TrapKind = cause < 0n ? 'interrupt' : code === Exception.EcallFromU ? 'syscall' : code === Exception.EcallFromS ? 'sbi' : 'exception';
    // A call's number is in a7 (the RISC-V convention Chronos OS, xv6 and the SBI follow).
    this.traps[kind].push(at, kind === 'syscall' || kind === 'sbi' ? Number(this.m.harts[hart].x[17]) : code, hart);
    const satp = this.m.harts[hart].csr.satp;
    if (satp !== this.satps[hart]) {
      this.satps[hart] = satp;
      if ((this.pidCost + this.cost) * SAMPLE_SHARE < performance.now() - this.began) this.checkProcess(hart, at);
    }
  }

  /** A context switch when the process the profile puts on the hart is not the one last seen there. */
  private checkProcess(hart: number, at: number): void {
    const p = this.profile();
    if (!p.currentPid) return;
    const t0 = performance.now();
    const pid = p.currentPid(hart);
    this.pidCost += performance.now() - t0;
    if (typeof pid !== 'number' || pid === this.pids[hart]) return;
    const before = this.pids[hart];
    this.pids[hart] = pid;
    if (before === undefined) return;
    this.note({ at, kind: 'switch', hart, text: `hart ${hart}: ${before ? `pid ${before}` : 'the scheduler'} → ${pid ? `pid ${pid}` : 'the scheduler'}` });
  }

  /** After a run: a sample, when the machine is past the last one and that is old enough (or `force`). */
  sample(force = false): void {
    // Positions only grow here; one replayed past the last sample reads as it did the first time.
    const at = this.m.progress;
    if (at <= this.samples.lastAt) return;
    if (!force && performance.now() - this.lastSampleTime < this.sampleGap) return;
    // Choosing the profile (once: it may read DWARF) is not the sample's cost.
    const p = this.profile();
    const now = performance.now();
    const u = p.usage ? p.usage() : usageOf(p);
    this.framesNote = u.framesNote; this.heapNote = u.heapNote;
    if (u.totalFrames !== undefined) this.totalFrames = u.totalFrames;
    if (u.heapSize !== undefined) this.heapSize = u.heapSize;
    this.samples.push(at, u.freeFrames ?? NONE, u.heapUsed ?? NONE);
    for (let h = 0; h < this.m.harts.length; h++) if (this.satps[h] !== this.m.harts[h].csr.satp) { this.satps[h] = this.m.harts[h].csr.satp; this.checkProcess(h, at); }
    const end = performance.now();
    this.cost += end - now;
    this.lastSampleTime = end;
    this.sampleGap = Math.max(SAMPLE_MS, (end - now) * SAMPLE_SHARE);
  }

  /** A stop the user saw (a breakpoint hit, a panic), once per position. */
  note(m: Marker): void {
    const key = `${m.at}:${m.kind}:${m.hart}`;
    if (this.seenNotes.has(key)) return;
    this.seenNotes.add(key);
    this.notes.push(m);
    if (this.notes.length > MAX_EVENTS) this.notes.splice(0, this.notes.length - MAX_EVENTS);
  }

  /** The record between two positions: at most `points` samples and `perKind` markers of each kind, evenly spread. */
  view(from = 0, to = Number.MAX_SAFE_INTEGER, points = 1000, perKind = 500): TimelineView {
    const s = this.samples;
    const samples: TimelineSample[] = [];
    const i0 = s.lowerBound(from), i1 = s.lowerBound(to + 1);
    // The sample before the range too, so that a line can be drawn from the range's start.
    const first = Math.max(0, i0 - 1), count = i1 - first;
    const stride = Math.max(1, Math.ceil(count / points));
    for (let i = first; i < i1; i += stride) samples.push(this.sampleAt(i));
    if (count > 0 && (i1 - 1 - first) % stride !== 0) samples.push(this.sampleAt(i1 - 1));
    const markers: Marker[] = [];
    const counts: Record<MarkerKind, number> = { interrupt: 0, exception: 0, syscall: 0, sbi: 0, switch: 0, panic: 0, breakpoint: 0 };
    for (const kind of ['interrupt', 'exception', 'syscall', 'sbi'] as const) {
      const t = this.traps[kind], j0 = t.lowerBound(from), j1 = t.lowerBound(to + 1);
      counts[kind] = j1 - j0;
      const step = Math.max(1, Math.ceil((j1 - j0) / perKind));
      for (let j = j0; j < j1; j += step) markers.push({ at: t.at[j], kind, hart: t.b[j], text: this.trapText(kind, t.a[j], t.b[j]) });
    }
    for (const n of this.notes) if (n.at >= from && n.at <= to) { counts[n.kind]++; markers.push(n); }
    markers.sort((a, b) => a.at - b.at);
    const lastAt = Math.max(s.lastAt, ...Object.values(this.traps).map((t) => t.lastAt), ...this.notes.map((n) => n.at));
    return {
      from: Math.max(from, 0), to: Math.min(to, Math.max(lastAt, this.m.progress)), samples, markers, counts,
      totalFrames: this.totalFrames, heapSize: this.heapSize, framesNote: this.framesNote, heapNote: this.heapNote,
      cost: { samples: s.n, sampleMs: round(this.cost), processMs: round(this.pidCost), sinceMs: round(performance.now() - this.began), bytes: this.bytes },
    };
  }

  private sampleAt(i: number): TimelineSample {
    const s = this.samples, free = s.a[i], used = s.b[i];
    return { at: s.at[i], freeFrames: free === NONE ? undefined : free, heapUsed: used === NONE ? undefined : used };
  }

  private trapText(kind: TrapKind, code: number, hart: number): string {
    if (kind === 'syscall') return `hart ${hart}: system call ${code}`;
    if (kind === 'sbi') return `hart ${hart}: SBI call (extension 0x${code.toString(16)})`;
    return `hart ${hart}: ${kind === 'interrupt' ? describeInterrupt(code) : describeException(code)}`;
  }

  /** The bytes the record holds (for the budget note in docs/performance.md). */
  get bytes(): number {
    return [this.samples, ...Object.values(this.traps)].reduce((n, s) => n + s.at.byteLength * 3, 0) + this.notes.length * 100;
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** A profile without usage(): the totals from its full views. */
function usageOf(p: KernelProfile): Usage {
  const frames = p.frames(), heap = p.heap();
  return {
    ...(typeof frames === 'string' ? { framesNote: frames } : { freeFrames: frames.free, totalFrames: frames.total }),
    ...(typeof heap === 'string' ? { heapNote: heap } : { heapUsed: heap.used, heapSize: heap.heapSize }),
  };
}

const describeInterrupt = (code: number): string => describeCause(BigInt.asIntN(64, BigInt(code) | (1n << 63n)));
const describeException = (code: number): string => describeCause(BigInt(code));

// The PLIC on QEMU `virt`: interrupt sources 1-95, priorities at +4*id, pending bits at
// +0x1000, per-context enables at +0x2000 + 0x80*ctx, and threshold/claim at
// +0x200000 + 0x1000*ctx. Each hart has two contexts: 2h its M-mode (MEIP), 2h+1 its S-mode (SEIP).
//
// Pending follows QEMU 7.2.22's sifive_plic (the stable series took the fix that stopped a
// lowered line from clearing pending) rather than a gateway that re-arms on completion: each
// time a device signals its line high, the source becomes pending, claimed or not; a low
// signal changes nothing; a claim clears pending and marks the source claimed; completion only
// clears the claim. So a source whose line stays high interrupts again only when its device
// signals again (xv6's UART keeps its transmit-empty line high, never reading IIR, and relies
// on that), a request stays pending after the device drops its line, and a claimed source is
// passed over until it completes.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

const SOURCES = 96, WORDS = SOURCES / 32;

export interface PlicState { priority: number[]; pending: number[]; enable: number[][]; threshold: number[]; claimed: number[] }

export class Plic implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  private priority = new Array<number>(SOURCES).fill(0);
  private pending = new Array<number>(WORDS).fill(0);
  private enable: number[][];
  private threshold: number[];
  /** Two contexts per hart. */
  private readonly contexts: number;
  /** Sources claimed and not yet completed: passed over until completed. */
  private claimed = new Array<number>(WORDS).fill(0);
  /** Told the new interrupt-pending state of each context (2h: hart h's M-mode, 2h+1: its S-mode). */
  onOutput: (context: number, pending: boolean) => void = () => {};

  constructor(region: Region, harts: number) {
    this.name = region.name; this.base = region.base; this.size = region.size;
    this.contexts = 2 * harts;
    this.enable = Array.from({ length: this.contexts }, () => new Array<number>(WORDS).fill(0));
    this.threshold = new Array<number>(this.contexts).fill(0);
  }

  /** A device signals its interrupt line's level (after any access that may change it, as QEMU's devices do). */
  setLine(source: number, high: boolean): void {
    if (!high) return;
    this.pending[source >> 5] |= 1 << (source & 31);
    this.update();
  }

  private best(ctx: number): number {
    let id = 0, prio = this.threshold[ctx];
    for (let s = 1; s < SOURCES; s++) {
      const w = s >> 5, b = 1 << (s & 31);
      if ((this.pending[w] & ~this.claimed[w] & this.enable[ctx][w] & b) && this.priority[s] > prio) { prio = this.priority[s]; id = s; }
    }
    return id;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) this.onOutput(ctx, this.best(ctx) !== 0);
  }

  read(offset: number): bigint {
    if (offset < 4 * SOURCES) return BigInt(this.priority[offset >> 2]);
    if (offset >= 0x1000 && offset < 0x1000 + 4 * WORDS) return BigInt(this.pending[(offset - 0x1000) >> 2] >>> 0);
    if (offset >= 0x2000 && offset < 0x2000 + 0x80 * this.contexts) {
      const ctx = (offset - 0x2000) >> 7, w = ((offset - 0x2000) & 0x7f) >> 2;
      return w < WORDS ? BigInt(this.enable[ctx][w] >>> 0) : 0n;
    }
    if (offset >= 0x200000 && offset < 0x200000 + 0x1000 * this.contexts) {
      const ctx = (offset - 0x200000) >> 12, reg = offset & 0xfff;
      if (reg === 0) return BigInt(this.threshold[ctx]);
      if (reg === 4) {
        const id = this.best(ctx);
        if (id) {
          const w = id >> 5, b = 1 << (id & 31);
          this.pending[w] &= ~b;
          this.claimed[w] |= b;
          this.update();
        }
        return BigInt(id);
      }
    }
    return 0n;
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffffffffn);
    if (offset < 4 * SOURCES) { if (offset >= 4) this.priority[offset >> 2] = v & 7; this.update(); return; }
    if (offset >= 0x2000 && offset < 0x2000 + 0x80 * this.contexts) {
      const ctx = (offset - 0x2000) >> 7, w = ((offset - 0x2000) & 0x7f) >> 2;
      if (w < WORDS) this.enable[ctx][w] = w === 0 ? v & ~1 : v;
      this.update();
      return;
    }
    if (offset >= 0x200000 && offset < 0x200000 + 0x1000 * this.contexts) {
      const ctx = (offset - 0x200000) >> 12, reg = offset & 0xfff;
      if (reg === 0) this.threshold[ctx] = v & 7;
      if (reg === 4 && v > 0 && v < SOURCES) {
        // Completion: the source may be claimed again once it is pending (its device signals).
        this.claimed[v >> 5] &= ~(1 << (v & 31));
      }
      this.update();
    }
  }

  save(): PlicState {
    return { priority: [...this.priority], pending: [...this.pending], enable: this.enable.map((e) => [...e]), threshold: [...this.threshold], claimed: [...this.claimed] };
  }

  restore(s: unknown): void {
    const st = s as PlicState;
    this.priority = [...st.priority]; this.pending = [...st.pending]; this.enable = st.enable.map((e) => [...e]);
    this.threshold = [...st.threshold]; this.claimed = [...st.claimed];
    this.update();
  }
}

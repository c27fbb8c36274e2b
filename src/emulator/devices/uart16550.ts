// An NS16550A UART, as on QEMU `virt`. Registers per the National
// Semiconductor PC16550D datasheet: THR/RBR at 0, IER 1, IIR/FCR 2, LCR 3, MCR 4, LSR 5,
// MSR 6, SCR 7; with LCR.DLAB set, 0 and 1 are the divisor latch. Transmission is instant.
import type { Region } from '../board/virtMap.js';
import type { Device } from '../memory/bus.js';

const LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const IER_RDI = 0x01, IER_THRI = 0x02;
const IIR_NONE = 0x01, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_FIFO = 0xc0;

export interface UartState { ier: number; lcr: number; mcr: number; scr: number; fcr: number; dll: number; dlm: number; rx: number[]; thrPending: boolean }

export class Uart16550 implements Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  private ier = 0; private lcr = 0; private mcr = 0; private scr = 0; private fcr = 0;
  private dll = 0; private dlm = 0;
  private rx: number[] = [];
  /** The transmit-empty interrupt condition: set by a write to THR finishing, cleared by reading IIR or writing THR. */
  private thrPending = false;

  /** Bytes the guest transmits. */
  onTransmit: (byte: number) => void = () => {};
  /** The interrupt line's level, signalled after each access that may change it (as QEMU's serial does). */
  onInterrupt: (level: boolean) => void = () => {};

  constructor(region: Region) {
    this.name = region.name; this.base = region.base; this.size = region.size;
  }

  /** Bytes for the guest to receive (keyboard input). */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.rx.push(b & 0xff);
    this.update();
  }

  get rxPending(): number { return this.rx.length; }

  /** A received byte for the firmware's console (SBI getchar), or -1 when there is none. */
  takeInput(): number {
    const b = this.rx.shift();
    this.update();
    return b ?? -1;
  }

  get irqLevel(): boolean {
    return ((this.ier & IER_RDI) !== 0 && this.rx.length > 0) || ((this.ier & IER_THRI) !== 0 && this.thrPending);
  }

  private update(): void { this.onInterrupt(this.irqLevel); }

  read(offset: number): bigint {
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0: {
        if (dlab) return BigInt(this.dll);
        const b = this.rx.shift();
        this.update();
        return BigInt(b ?? 0);
      }
      case 1: return BigInt(dlab ? this.dlm : this.ier);
      case 2: {
        const fifo = (this.fcr & 1) ? IIR_FIFO : 0;
        let id = IIR_NONE;
        if ((this.ier & IER_RDI) && this.rx.length > 0) id = IIR_RDI;
        else if ((this.ier & IER_THRI) && this.thrPending) { id = IIR_THRI; this.thrPending = false; this.update(); }
        return BigInt(id | fifo);
      }
      case 3: return BigInt(this.lcr);
      case 4: return BigInt(this.mcr);
      case 5: return BigInt((this.rx.length > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT);
      case 6: return 0xb0n; // CTS, DSR and DCD asserted: a terminal is always there
      case 7: return BigInt(this.scr);
      default: return 0n;
    }
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffn);
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0:
        if (dlab) { this.dll = v; return; }
        this.onTransmit(v);
        this.thrPending = true;
        this.update();
        return;
      case 1:
        if (dlab) { this.dlm = v; return; }
        const changed = (this.ier ^ v) & 0x0f;
        this.ier = v & 0x0f;
        // Turning THRI on while the holding register is empty raises the interrupt at once
        // (as QEMU does, for the drivers that toggle IER to re-arm it); turning it off forgets it.
        if (changed & IER_THRI) this.thrPending = (this.ier & IER_THRI) !== 0;
        // The line is signalled only when something changed, as on QEMU: the PLIC takes each
        // signal as a new request (plic.ts).
        if (changed) this.update();
        return;
      case 2:
        if (v === this.fcr) return;
        if (v & 2) this.rx = [];
        this.fcr = v & 0xc9;
        this.update();
        return;
      case 3: this.lcr = v; return;
      case 4: this.mcr = v; return;
      case 7: this.scr = v; return;
      default: return;
    }
  }

  save(): UartState {
    return { ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr, fcr: this.fcr, dll: this.dll, dlm: this.dlm, rx: [...this.rx], thrPending: this.thrPending };
  }

  restore(s: unknown): void {
    const st = s as UartState;
    Object.assign(this, { ...st, rx: [...st.rx] });
    this.update();
  }
}

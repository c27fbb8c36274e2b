// The built-in SBI firmware: S-mode `ecall`s answered by the emulator itself, as SBI v2.0
// firmware (OpenSBI) would answer them (RISC-V SBI specification v2.0). The call is in a7
// (extension) and a6 (function), arguments in a0-a5; the answer is an error in a0 and a value
// in a1. Legacy calls (extensions 0x00-0x08) return only a0.
import type { Hart } from '../cpu/hart.js';

export const EXT = {
  LEGACY_SET_TIMER: 0x00, LEGACY_PUTCHAR: 0x01, LEGACY_GETCHAR: 0x02, LEGACY_CLEAR_IPI: 0x03, LEGACY_SEND_IPI: 0x04,
  LEGACY_REMOTE_FENCE_I: 0x05, LEGACY_REMOTE_SFENCE_VMA: 0x06, LEGACY_REMOTE_SFENCE_VMA_ASID: 0x07, LEGACY_SHUTDOWN: 0x08,
  BASE: 0x10, TIME: 0x54494d45, IPI: 0x735049, RFENCE: 0x52464e43, HSM: 0x48534d, SRST: 0x53525354, DBCN: 0x4442434e,
} as const;

export const SBI_SUCCESS = 0n, SBI_ERR_FAILED = -1n, SBI_ERR_NOT_SUPPORTED = -2n, SBI_ERR_INVALID_PARAM = -3n,
  SBI_ERR_INVALID_ADDRESS = -5n, SBI_ERR_ALREADY_AVAILABLE = -6n;

/** HSM hart states (SBI v2.0 §9, table 27). */
export enum HartStatus { Started = 0, Stopped = 1, StartPending = 2, StopPending = 3, Suspended = 4 }
/** hart_suspend's types: retentive (state kept, like wfi) and the default non-retentive one. */
const SUSPEND_RETENTIVE = 0, SUSPEND_NON_RETENTIVE = 0x80000000;
/** Version 2.0: major in bits 30:24. */
const SPEC_VERSION = 2n << 24n;
/** An implementation ID outside the ones the SBI spec assigns, for "Chronos built-in". */
export const IMPL_ID = 0x43484en;

const SUPPORTED = new Set<number>([EXT.BASE, EXT.TIME, EXT.IPI, EXT.RFENCE, EXT.HSM, EXT.SRST, EXT.DBCN,
  EXT.LEGACY_SET_TIMER, EXT.LEGACY_PUTCHAR, EXT.LEGACY_GETCHAR, EXT.LEGACY_CLEAR_IPI, EXT.LEGACY_SEND_IPI,
  EXT.LEGACY_REMOTE_FENCE_I, EXT.LEGACY_REMOTE_SFENCE_VMA, EXT.LEGACY_REMOTE_SFENCE_VMA_ASID, EXT.LEGACY_SHUTDOWN]);

/** What the firmware needs from the machine. */
export interface SbiHost {
  readonly harts: number;
  putChar(byte: number): void;
  /** A byte of console input, or -1 when there is none. */
  getChar(): number;
  setTimer(hart: number, deadline: bigint): void;
  sendSoftwareInterrupt(hart: number): void;
  /** Drop a hart's cached translations (remote sfence.vma): all, or one range. */
  flushTranslations(hart: number, start?: bigint, size?: bigint): void;
  hartStatus(hart: number): HartStatus;
  /** Start a stopped hart in S-mode at `start` with a0 = its id, a1 = opaque. */
  hartStart(hart: number, start: bigint, opaque: bigint): void;
  /** Stop the calling hart (it leaves the schedule until started again). */
  hartStop(hart: number): void;
  /** Whether an address can hold code a hart starts at (RAM). */
  isExecutable(addr: bigint): boolean;
  /** Clear the calling hart's supervisor software interrupt (legacy clear_ipi). */
  clearSoftwareInterrupt(hart: number): void;
  /** A word of S-mode memory as `hart` sees it (the legacy calls pass hart masks by address). */
  readHartWord(hart: number, vaddr: bigint): bigint | undefined;
  /** End the run: shutdown (status 0 or 1 for a failure reason) or reset. */
  reset(kind: 'shutdown' | 'reboot', failure: boolean): void;
  readPhys(paddr: bigint, len: number): Uint8Array | undefined;
  writePhys(paddr: bigint, bytes: Uint8Array): boolean;
}

export class BuiltinSbi {
  constructor(private readonly host: SbiHost) {}

  /** Serve the S-mode ecall on `h`; always handled (unknown calls answer NOT_SUPPORTED). */
  handle(h: Hart): boolean {
    const x = h.x;
    const eid = Number(BigInt.asUintN(32, x[17])), fid = Number(BigInt.asUintN(32, x[16]));
    const a = (i: number): bigint => x[10 + i];
    const ret = (error: bigint, value = 0n): true => { x[10] = error; x[11] = value; return true; };
    const legacy = (v: bigint): true => { x[10] = v; return true; };
    const host = this.host;
    switch (eid) {
      case EXT.LEGACY_SET_TIMER: host.setTimer(h.hartId, BigInt.asUintN(64, a(0))); return legacy(0n);
      case EXT.LEGACY_PUTCHAR: host.putChar(Number(a(0) & 0xffn)); return legacy(0n);
      case EXT.LEGACY_GETCHAR: return legacy(BigInt(host.getChar()));
      case EXT.LEGACY_SHUTDOWN: host.reset('shutdown', false); return legacy(0n);
      case EXT.LEGACY_CLEAR_IPI: host.clearSoftwareInterrupt(h.hartId); return legacy(0n);
      case EXT.LEGACY_SEND_IPI: case EXT.LEGACY_REMOTE_FENCE_I: case EXT.LEGACY_REMOTE_SFENCE_VMA: case EXT.LEGACY_REMOTE_SFENCE_VMA_ASID: {
        // The hart mask is a pointer to a word in memory (0: every hart).
        const mask = a(0) === 0n ? undefined : host.readHartWord(h.hartId, a(0));
        if (a(0) !== 0n && mask === undefined) return legacy(SBI_ERR_INVALID_ADDRESS);
        const each = eid === EXT.LEGACY_SEND_IPI ? (t: number) => host.sendSoftwareInterrupt(t)
          : eid === EXT.LEGACY_REMOTE_FENCE_I ? () => {} : (t: number) => host.flushTranslations(t);
        return legacy(this.forHarts(mask ?? 0n, mask === undefined ? -1n : 0n, each));
      }
      case EXT.BASE:
        switch (fid) {
          case 0: return ret(SBI_SUCCESS, SPEC_VERSION);
          case 1: return ret(SBI_SUCCESS, IMPL_ID);
          case 2: return ret(SBI_SUCCESS, 1n);
          case 3: return ret(SBI_SUCCESS, SUPPORTED.has(Number(BigInt.asUintN(32, a(0)))) ? 1n : 0n);
          case 4: case 5: case 6: return ret(SBI_SUCCESS, 0n);
          default: return ret(SBI_ERR_NOT_SUPPORTED);
        }
      case EXT.TIME:
        if (fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
        host.setTimer(h.hartId, BigInt.asUintN(64, a(0)));
        return ret(SBI_SUCCESS);
      case EXT.IPI:
        if (fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
        return ret(this.forHarts(a(0), a(1), (t) => host.sendSoftwareInterrupt(t)));
      case EXT.RFENCE: {
        if (fid > 6) return ret(SBI_ERR_NOT_SUPPORTED);
        // fence.i needs nothing (translated code follows every store); the sfence.vma kinds
        // name a range (a2, a3), all addresses when the size is all ones or the range is empty.
        const start = a(2), size = BigInt.asUintN(64, a(3));
        const all = fid === 0 || size === 0n || size === (1n << 64n) - 1n;
        return ret(this.forHarts(a(0), a(1), (t) => { if (fid !== 0) host.flushTranslations(t, all ? undefined : start, all ? undefined : size); }));
      }
      case EXT.HSM: {
        const target = Number(BigInt.asUintN(32, a(0)));
        switch (fid) {
          case 0: {
            if (a(0) < 0n || target >= host.harts) return ret(SBI_ERR_INVALID_PARAM);
            if (host.hartStatus(target) !== HartStatus.Stopped) return ret(SBI_ERR_ALREADY_AVAILABLE);
            if (!host.isExecutable(a(1))) return ret(SBI_ERR_INVALID_ADDRESS);
            host.hartStart(target, a(1), a(2));
            return ret(SBI_SUCCESS);
          }
          case 1: host.hartStop(h.hartId); return ret(SBI_SUCCESS);
          case 2:
            if (a(0) < 0n || target >= host.harts) return ret(SBI_ERR_INVALID_PARAM);
            return ret(SBI_SUCCESS, BigInt(host.hartStatus(target)));
          case 3: {
            const type = Number(BigInt.asUintN(32, a(0)));
            if (type === SUSPEND_RETENTIVE) { h.waiting = true; return ret(SBI_SUCCESS); }
            if (type !== SUSPEND_NON_RETENTIVE) return ret(SBI_ERR_INVALID_PARAM);
            if (!host.isExecutable(a(1))) return ret(SBI_ERR_INVALID_ADDRESS);
            // Resumes at resume_addr like a fresh start (a0 = hart id, a1 = opaque) once woken.
            h.waiting = true;
            x[10] = BigInt(h.hartId); x[11] = a(2);
            h.pc = a(1) - 4n; // takeException adds 4 after an answered ecall
            return true;
          }
          default: return ret(SBI_ERR_NOT_SUPPORTED);
        }
      }
      case EXT.SRST: {
        if (fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
        const type = Number(BigInt.asUintN(32, a(0))), reason = Number(BigInt.asUintN(32, a(1)));
        if (type > 2) return ret(SBI_ERR_INVALID_PARAM);
        host.reset(type === 0 ? 'shutdown' : 'reboot', reason === 1);
        return ret(SBI_SUCCESS);
      }
      case EXT.DBCN: {
        if (fid === 2) { host.putChar(Number(a(0) & 0xffn)); return ret(SBI_SUCCESS); }
        if (fid > 1) return ret(SBI_ERR_NOT_SUPPORTED);
        const len = Number(BigInt.asUintN(32, a(0) > 0x100000n ? 0x100000n : a(0)));
        const addr = (BigInt.asUintN(64, a(2)) << 32n) | BigInt.asUintN(32, a(1)) | (BigInt.asUintN(64, a(1)) & ~0xffffffffn);
        if (fid === 0) {
          const bytes = host.readPhys(addr, len);
          if (!bytes) return ret(SBI_ERR_INVALID_PARAM);
          for (const b of bytes) host.putChar(b);
          return ret(SBI_SUCCESS, BigInt(len));
        }
        const input: number[] = [];
        while (input.length < len) {
          const c = host.getChar();
          if (c < 0) break;
          input.push(c);
        }
        if (!host.writePhys(addr, Uint8Array.from(input))) return ret(SBI_ERR_INVALID_PARAM);
        return ret(SBI_SUCCESS, BigInt(input.length));
      }
      default: return ret(SBI_ERR_NOT_SUPPORTED);
    }
  }

  /**
   * Apply to the harts a hart mask names: bit i is hart base + i; base -1 means every hart.
   * An id past the last hart is an invalid parameter (nothing is done then).
   */
  private forHarts(mask: bigint, base: bigint, each: (hart: number) => void): bigint {
    const n = this.host.harts;
    if (base === -1n) { for (let t = 0; t < n; t++) each(t); return SBI_SUCCESS; }
    const targets: number[] = [];
    for (let i = 0n, m = BigInt.asUintN(64, mask); m !== 0n; i++, m >>= 1n) {
      if ((m & 1n) === 0n) continue;
      const t = BigInt.asUintN(64, base) + i;
      if (t >= BigInt(n)) return SBI_ERR_INVALID_PARAM;
      targets.push(Number(t));
    }
    targets.forEach(each);
    return SBI_SUCCESS;
  }
}

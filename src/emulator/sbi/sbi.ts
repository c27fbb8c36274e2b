// The built-in SBI firmware: S-mode `ecall`s answered by the emulator itself, as SBI v2.0
// firmware (OpenSBI) would answer them (RISC-V SBI specification v2.0). The call is in a7
// (extension) and a6 (function), arguments in a0-a5; the answer is an error in a0 and a value
// in a1. Legacy calls (extensions 0x00-0x08) return only a0.
import type { Hart } from '../cpu/hart.js';

export const EXT = {
  LEGACY_SET_TIMER: 0x00, LEGACY_PUTCHAR: 0x01, LEGACY_GETCHAR: 0x02, LEGACY_SHUTDOWN: 0x08,
  BASE: 0x10, TIME: 0x54494d45, IPI: 0x735049, RFENCE: 0x52464e43, HSM: 0x48534d, SRST: 0x53525354, DBCN: 0x4442434e,
} as const;

export const SBI_SUCCESS = 0n, SBI_ERR_FAILED = -1n, SBI_ERR_NOT_SUPPORTED = -2n, SBI_ERR_INVALID_PARAM = -3n, SBI_ERR_ALREADY_AVAILABLE = -6n;
/** Version 2.0: major in bits 30:24. */
const SPEC_VERSION = 2n << 24n;
/** An implementation ID outside the ones the SBI spec assigns, for "Chronos built-in". */
export const IMPL_ID = 0x43484en;

const SUPPORTED = new Set<number>([EXT.BASE, EXT.TIME, EXT.IPI, EXT.RFENCE, EXT.HSM, EXT.SRST, EXT.DBCN,
  EXT.LEGACY_SET_TIMER, EXT.LEGACY_PUTCHAR, EXT.LEGACY_GETCHAR, EXT.LEGACY_SHUTDOWN]);

/** What the firmware needs from the machine. */
export interface SbiHost {
  putChar(byte: number): void;
  /** A byte of console input, or -1 when there is none. */
  getChar(): number;
  setTimer(deadline: bigint): void;
  sendSoftwareInterrupt(): void;
  flushTranslations(): void;
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
      case EXT.LEGACY_SET_TIMER: host.setTimer(BigInt.asUintN(64, a(0))); return legacy(0n);
      case EXT.LEGACY_PUTCHAR: host.putChar(Number(a(0) & 0xffn)); return legacy(0n);
      case EXT.LEGACY_GETCHAR: return legacy(BigInt(host.getChar()));
      case EXT.LEGACY_SHUTDOWN: host.reset('shutdown', false); return legacy(0n);
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
        host.setTimer(BigInt.asUintN(64, a(0)));
        return ret(SBI_SUCCESS);
      case EXT.IPI:
        if (fid !== 0) return ret(SBI_ERR_NOT_SUPPORTED);
        // hart_mask a0 relative to hart_mask_base a1 (-1: all harts); there is only hart 0.
        if (a(1) === -1n || (a(1) === 0n && (a(0) & 1n))) host.sendSoftwareInterrupt();
        return ret(SBI_SUCCESS);
      case EXT.RFENCE:
        if (fid > 6) return ret(SBI_ERR_NOT_SUPPORTED);
        host.flushTranslations();
        return ret(SBI_SUCCESS);
      case EXT.HSM:
        switch (fid) {
          case 0: return ret(a(0) === 0n ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM);
          case 1: return ret(SBI_ERR_FAILED); // the only hart cannot stop
          case 2: return ret(a(0) === 0n ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM, 0n); // STARTED
          case 3: h.waiting = true; return ret(SBI_SUCCESS); // retentive suspend: like wfi
          default: return ret(SBI_ERR_NOT_SUPPORTED);
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
}

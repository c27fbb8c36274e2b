// The floating-point registers as the Variables view shows them and the user edits them. A
// register holds 64 bits with no type: a single lives NaN-boxed (high half all ones), so a boxed
// value is shown as the single it is and anything else as a double, each with its raw bits,
// since a NaN's payload or a denormal is easier read in hex.
import { FFlag, ROUNDING_NAMES } from '../emulator/fpu/format.js';
import { hex } from '../emulator/hex.js';
import { FP_ABI_NAMES } from '../emulator/isa/registers.js';

const BOX = 0xffffffff00000000n;
const scratch = new DataView(new ArrayBuffer(8));

export const isBoxedSingle = (bits: bigint): boolean => (BigInt.asUintN(64, bits) & BOX) === BOX;

/** JavaScript's shortest round-trip decimal, but with the sign of a negative zero. */
const doubleText = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** The shortest decimal that reads back as the same single (JavaScript's own is for doubles). */
function singleText(v: number): string {
  if (!Number.isFinite(v) || v === 0) return doubleText(v);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** f0-f31 by ABI name (`fa0`) or number (`f10`); expressions read them as their 64 bits. */
export function floatRegisterIndex(name: string): number | undefined {
  const i = FP_ABI_NAMES.indexOf(name);
  if (i >= 0) return i;
  const m = /^f(\d+)$/.exec(name);
  return m && Number(m[1]) < 32 ? Number(m[1]) : undefined;
}

/** A register's value: `1.5 (single, 0xffffffff3fc00000)` or `3.14 (0x400921fb54442d18)`. */
export function formatFloatRegister(bits: bigint): string {
  const u = BigInt.asUintN(64, bits);
  if (isBoxedSingle(u)) {
    scratch.setUint32(0, Number(u & 0xffffffffn), true);
    return `${singleText(scratch.getFloat32(0, true))} (single, ${hex(u)})`;
  }
  scratch.setBigUint64(0, u, true);
  return `${doubleText(scratch.getFloat64(0, true))} (${hex(u)})`;
}

const DECIMAL = /^[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf(?:inity)?|nan)$/i;

/**
 * A value the user typed for a register holding `current`: `0x…` is raw bits; a decimal is
 * stored as a single when the register holds one (NaN-boxed), otherwise as a double. Undefined
 * when the text is neither.
 */
export function parseFloatRegister(text: string, current: bigint): bigint | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f_]+$/i.test(t)) {
    const v = BigInt(t.replace(/_/g, ''));
    return v < 1n << 64n ? v : undefined;
  }
  if (!DECIMAL.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/^\+/, '');
  const v = lower.endsWith('nan') ? NaN : lower.includes('inf') ? (lower.startsWith('-') ? -Infinity : Infinity) : Number(t);
  if (isBoxedSingle(current)) {
    scratch.setFloat32(0, v, true);
    return BOX | BigInt(scratch.getUint32(0, true));
  }
  scratch.setFloat64(0, v, true);
  return scratch.getBigUint64(0, true);
}

const FLAG_NAMES: [FFlag, string][] = [[FFlag.NV, 'NV'], [FFlag.DZ, 'DZ'], [FFlag.OF, 'OF'], [FFlag.UF, 'UF'], [FFlag.NX, 'NX']];

/** fcsr in words: the rounding mode by name and the raised flags by their specification letters. */
export function describeFcsr(fcsr: number): { frm: string; fflags: string } {
  const frm = fcsr >> 5 & 7, flags = fcsr & 0x1f;
  const raised = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);
  return { frm: `${frm} (${frm <= 4 ? ROUNDING_NAMES[frm] : 'reserved'})`, fflags: `${hex(flags)}${raised.length ? ` (${raised.join(' ')})` : ''}` };
}

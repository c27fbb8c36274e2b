// The monitor's `x/FMT ADDR` and `xp/FMT ADDR`, printed as QEMU 7.2's monitor prints them
// (memory_dump in monitor/misc.c): the address as 16 hex digits and a colon, then up to 16
// bytes a line (8 when the unit is a byte), each value after one space: `0x` and zero-padded
// hex (x), right-aligned decimal (d signed as a 64-bit number, u unsigned) or octal with a leading 0 (o), each
// as wide as the unit's largest value, or a quoted character (c). A line that cannot be read
// whole says "Cannot access memory" and ends the dump. The count, format and unit follow gdb's
// /NFU, and a format or unit left out is the one used last (x and 4 bytes at first).

import { hex16 } from '../../emulator/hex.js';

export type DumpFormat = 'x' | 'd' | 'u' | 'o' | 'c' | 'i';

/** What the last /FMT left behind, as QEMU keeps it between commands. */
export interface FormatDefaults { format: DumpFormat; size: 1 | 2 | 4 | 8 }

export interface DumpRequest { count: number; format: DumpFormat; size: number }

export class FormatError extends Error {
  override name = 'FormatError';
}

const UNITS: Record<string, 1 | 2 | 4 | 8> = { b: 1, h: 2, w: 4, g: 8, L: 8 };

/**
 * Read `/NFU` from the start of `text` (after the command's name); the rest is the address.
 * Updates `defaults` as QEMU does.
 */
export function parseFormat(text: string, defaults: FormatDefaults): { request: DumpRequest; rest: string } {
  let p = 0;
  while (/\s/.test(text[p] ?? '')) p++;
  if (text[p] !== '/') {
    return { request: { count: 1, format: defaults.format, size: defaults.format === 'i' ? -1 : defaults.size }, rest: text.slice(p) };
  }
  p++;
  let count = 1;
  if (/\d/.test(text[p] ?? '')) {
    count = 0;
    while (/\d/.test(text[p] ?? '')) count = count * 10 + Number(text[p++]);
  }
  let format: DumpFormat | undefined;
  let size: 1 | 2 | 4 | 8 | undefined;
  for (;;) {
    const c = text[p];
    if (c !== undefined && 'oduxic'.includes(c)) { format = c as DumpFormat; p++; } else if (c !== undefined && c in UNITS) { size = UNITS[c]; p++; } else break;
  }
  if (p < text.length && !/\s/.test(text[p])) throw new FormatError(`invalid char in format: '${text[p]}'`);
  const f = format ?? defaults.format;
  let s: number = -1;
  if (f !== 'i') {
    s = size ?? defaults.size;
    defaults.size = s as 1 | 2 | 4 | 8;
  }
  defaults.format = f;
  return { request: { count, format: f, size: s }, rest: text.slice(p) };
}

/** A quoted character as QEMU's monitor_printc writes it. */
function printc(c: number): string {
  switch (c) {
    case 0x27: return "'\\''";
    case 0x5c: return "'\\\\'";
    case 0x0a: return "'\\n'";
    case 0x0d: return "'\\r'";
    default: return c >= 32 && c <= 126 ? `'${String.fromCharCode(c)}'` : `'\\x${c.toString(16).padStart(2, '0')}'`;
  }
}

/**
 * The dump's lines (each ending in \n). `read` returns `len` bytes at an address, or
 * undefined when they cannot all be read.
 */
export function memoryDump(req: DumpRequest, addr: bigint, read: (addr: bigint, len: number) => Uint8Array | undefined): string {
  let wsize = req.size;
  let len = wsize * req.count;
  const lineSize = wsize === 1 ? 8 : 16;
  let digits = 0;
  switch (req.format) {
    case 'o': digits = Math.ceil(wsize * 8 / 3); break;
    case 'u': case 'd': digits = Math.ceil(wsize * 8 * 10 / 33); break;
    case 'c': wsize = 1; break;
    default: digits = wsize * 8 / 4;
  }
  let out = '';
  let a = BigInt.asUintN(64, addr);
  while (len > 0) {
    out += `${hex16(a)}:`;
    const l = Math.min(len, lineSize);
    const buf = read(a, l);
    if (!buf) return `${out} Cannot access memory\n`;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < l; i += wsize) {
      // A unit that runs past the line reads zeros there, as QEMU's buffer holds them.
      const unit = (o: number): bigint => {
        let v = 0n;
        for (let k = wsize - 1; k >= 0; k--) v = (v << 8n) | BigInt(o + k < l ? dv.getUint8(o + k) : 0);
        return v;
      };
      const v = unit(i);
      out += ' ';
      switch (req.format) {
        case 'o': out += (v === 0n ? '0' : `0${v.toString(8)}`).padStart(digits); break;
        case 'x': out += `0x${v.toString(16).padStart(digits, '0')}`; break;
        case 'u': out += v.toString().padStart(digits); break;
        // QEMU prints the unit's value as a 64-bit signed number: only 8-byte units come out negative.
        case 'd': out += BigInt.asIntN(64, v).toString().padStart(digits); break;
        case 'c': out += printc(Number(v)); break;
      }
    }
    out += '\n';
    a = BigInt.asUintN(64, a + BigInt(l));
    len -= l;
  }
  return out;
}

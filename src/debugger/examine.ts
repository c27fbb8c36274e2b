// gdb's and the QEMU monitor's memory examine, `x/NFU ADDRESS`: N units of size U (b, h, w, g)
// shown as F (x hex, d signed, u unsigned, c char, s string, i instruction).
import { instructionAt } from './fetch.js';
import { disassemble } from '../emulator/disasm/disasm.js';
import { evaluate, ExpressionError, type EvalContext } from './expression.js';

const SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };

export function isExamine(text: string): boolean {
  return /^x(\/\S*)?\s+\S/.test(text.trim());
}

export function examine(text: string, ctx: EvalContext): string {
  const m = /^x(?:\/(\d*)([xduocsi]?)([bhwg]?)([xduocsi]?))?\s+(.+)$/.exec(text.trim());
  if (!m) throw new ExpressionError("usage: x/NFU ADDRESS, e.g. x/10xw 0x80200000");
  const count = m[1] ? Number(m[1]) : 1;
  const format = m[2] || m[4] || 'x';
  const size = format === 'c' ? 1 : SIZES[m[3] || 'w'];
  if (count < 1 || count > 4096) throw new ExpressionError('x: count must be 1 to 4096');
  let addr = BigInt.asUintN(64, evaluate(m[5], ctx));
  const lines: string[] = [];
  if (format === 'i') {
    for (let n = 0; n < count; n++) {
      const insn = instructionAt(ctx, addr);
      if (!insn) throw new ExpressionError(`cannot read at 0x${addr.toString(16)}`);
      const d = disassemble(insn.word, addr);
      lines.push(`0x${addr.toString(16)}:\t${d.mnemonic}\t${d.operands}`);
      addr += BigInt(insn.len);
    }
    return lines.join('\n');
  }
  if (format === 's') {
    let s = '';
    for (let n = 0; n < 4096; n++) {
      const b = ctx.read(addr + BigInt(n), 1);
      if (b === undefined || b === 0n) break;
      s += String.fromCharCode(Number(b));
    }
    return `0x${addr.toString(16)}:\t${JSON.stringify(s)}`;
  }
  const perLine = Math.max(1, 16 / size);
  for (let n = 0; n < count; n += perLine) {
    const cells: string[] = [];
    for (let k = n; k < Math.min(count, n + perLine); k++) {
      const a = addr + BigInt(k * size);
      const v = ctx.read(a, size);
      if (v === undefined) throw new ExpressionError(`cannot read ${size} bytes at 0x${a.toString(16)}: not mapped`);
      cells.push(format === 'x' ? `0x${v.toString(16).padStart(size * 2, '0')}`
        : format === 'd' ? BigInt.asIntN(size * 8, v).toString()
        : format === 'o' ? `0${v.toString(8)}`
        : format === 'c' ? JSON.stringify(String.fromCharCode(Number(v)))
        : v.toString());
    }
    lines.push(`0x${(addr + BigInt(n * size)).toString(16)}:\t${cells.join('\t')}`);
  }
  return lines.join('\n');
}

// Instructions around an address for the Disassembly view: forward is plain decoding; backward
// needs an instruction boundary to start from, since RVC mixes 2- and 4-byte instructions and
// a guess lands inside one. The start of the enclosing function is such a boundary.
import { disassemble } from '../emulator/disasm/disasm.js';
import type { SourceLocation } from './dwarf/lineIndex.js';
import { instructionAt, type MemoryReader } from './fetch.js';
import type { Program } from './program.js';

export interface DisassembledLine {
  address: bigint;
  /** The encoding as hex digits, or undefined where memory cannot be read. */
  bytes?: string;
  text: string;
  symbol?: string;
  /** The source line, on the first instruction of each line only. */
  location?: SourceLocation;
}

/** How far back a function start may be before the view gives up resynchronising on it. */
const MAX_SYNC = 64 * 1024;

/** `count` instructions starting `offset` instructions (negative: before) from `reference`. */
export function disassembleAround(program: Program, mem: MemoryReader, reference: bigint, offset: number, count: number): DisassembledLine[] {
  const ref = BigInt.asUintN(64, reference);
  let start = ref;
  let lead: bigint[] = [];
  if (offset < 0) {
    const back = -offset;
    lead = boundariesBefore(program, mem, ref, back);
    start = lead.length ? lead[0] : ref;
    // Where nothing readable comes before, fill the front with placeholders two bytes apart.
    const missing = back - lead.length;
    start -= BigInt(2 * missing);
  } else {
    for (let n = 0; n < offset; n++) start += BigInt(instructionAt(mem, start)?.len ?? 2);
  }
  const out: DisassembledLine[] = [];
  let addr = BigInt.asUintN(64, start);
  let lastLine = '';
  const firstReal = lead[0] ?? ref;
  while (out.length < count) {
    if (offset < 0 && addr < firstReal) { out.push({ address: addr, text: '??' }); addr += 2n; continue; }
    const insn = instructionAt(mem, addr);
    if (!insn) { out.push({ address: addr, text: '??' }); addr += 2n; continue; }
    const d = disassemble(insn.word, addr);
    const sym = program.symbols.at(addr);
    const loc = program.location(addr);
    const line: DisassembledLine = {
      address: addr, bytes: insn.word.toString(16).padStart(insn.len * 2, '0'),
      text: `${d.mnemonic} ${d.operands}`.trim(), symbol: sym ? `${sym.sym.name}+${sym.offset}` : undefined,
    };
    if (loc && `${loc.file}:${loc.line}` !== lastLine) { line.location = loc; lastLine = `${loc.file}:${loc.line}`; }
    out.push(line);
    addr += BigInt(insn.len);
  }
  return out;
}

/** The addresses of up to `n` instructions that end exactly at `ref`, oldest first. */
function boundariesBefore(program: Program, mem: MemoryReader, ref: bigint, n: number): bigint[] {
  const guess = ref - BigInt(4 * n);
  const fn = program.symbols.at(guess > 0n ? guess : 0n);
  let a = fn && ref - fn.sym.address <= BigInt(MAX_SYNC) ? fn.sym.address : guess;
  const seen: bigint[] = [];
  while (a < ref) {
    const insn = instructionAt(mem, a);
    if (!insn) { seen.length = 0; a += 2n; continue; }
    seen.push(a);
    a += BigInt(insn.len);
  }
  // A walk that overshoots the reference started inside an instruction: keep what ended before.
  return seen.slice(-n);
}

// Disassembly in the notation of `riscv64-unknown-elf-objdump -d` (binutils 2.40), derived from
// the instruction table: each operand syntax has one printer (operands.ts), aliases.ts holds the
// pseudo-instruction rules, and words the table does not know print as objdump prints them.
import { decode } from '../isa/decode.js';
import type { Decoded, InsnDef } from '../isa/types.js';
import { HART_ARCH, supports, type Arch, type InsnClass } from './arch.js';
import { HINTS, IMMEDIATE_NAMES, RULES, type Alias, type Printed } from './aliases.js';
import { csrNameFor, LATEST_PRIV_SPEC, type PrivSpec } from './csrNames.js';
import { ABI_NAMES, FP_ABI_NAMES, hex, printOperands, type OperandContext } from './operands.js';
import { unknownWord } from './unknown.js';

export { ABI_NAMES };

export interface Disassembly {
  mnemonic: string;
  operands: string;
  /** The absolute address a branch or jump goes to, for symbol annotation. */
  target?: bigint;
}

/** What objdump would know from the ELF: the ISA in force and the privileged spec's CSR names. */
export interface DisasmOptions {
  arch?: Arch;
  privSpec?: PrivSpec;
  /** objdump writes targets as `0x80000000` in a file with no symbols at all, else as `80000000 <sym>`. */
  hexTargets?: boolean;
}

const reg = (n: number): string => ABI_NAMES[n];
const freg = (n: number): string => FP_ABI_NAMES[n];

/**
 * Encodings the hart executes but binutils insists have zero reserved fields: objdump shows
 * them as raw words, and so do we, so that listings agree.
 */
function strictlyInvalid(d: Decoded): boolean {
  switch (d.def.name) {
    case 'fence.i': return (d.raw & ~0x707f) !== 0;
    case 'sfence.vma': return d.rd !== 0;
    case 'fence': return d.rd !== 0 || d.rs1 !== 0 || (d.fm !== 0 && !(d.fm === 8 && d.pred === 3 && d.succ === 3));
    // Exact conversions: binutils 2.40 knows them only with rm = 0 (the hart takes any valid mode).
    case 'fcvt.d.s': case 'fcvt.d.w': case 'fcvt.d.wu': return d.rm !== 0;
    default: return false;
  }
}

/** objdump files multiplication alone under Zmmul (M without division). */
const ZMMUL = new Set(['mul', 'mulh', 'mulhsu', 'mulhu', 'mulw']);

/** The binutils class of a table entry: what the ISA must have for objdump to print it. */
function classOf(def: InsnDef): InsnClass {
  switch (def.ext) {
    case 'M': return ZMMUL.has(def.name) ? 'zmmul' : 'm';
    case 'A': return 'a';
    case 'F': return 'f';
    case 'D': return 'd';
    case 'C': return 'c';
    case 'Zicsr': return 'zicsr';
    case 'Zifencei': return 'zifencei';
    default: return 'i'; // I and the privileged instructions
  }
}

/** The first rule that accepts `d` and whose class the ISA has (a rule's class defaults to its base's). */
function findAlias(rules: readonly Alias[] | undefined, d: Decoded, arch: Arch, base: InsnClass): Alias | undefined {
  for (const a of rules ?? []) if (supports(arch, a.cls ?? base) && a.when(d)) return a;
  return undefined;
}

/** CSR operand printers, one per privileged spec (made once: the listing calls them per line). */
const CSR_PRINTERS = new Map<PrivSpec, (n: number) => string>();
function csrPrinter(spec: PrivSpec): (n: number) => string {
  let f = CSR_PRINTERS.get(spec);
  if (!f) CSR_PRINTERS.set(spec, f = (n) => csrNameFor(n, spec) ?? hex(n));
  return f;
}

function mnemonicOf(d: Decoded): string {
  const n = d.def.name;
  if (d.def.ext === 'A') return `${n}${d.aq && d.rl ? '.aqrl' : d.aq ? '.aq' : d.rl ? '.rl' : ''}`;
  return IMMEDIATE_NAMES[n] ?? n;
}

/** Print a decoded instruction at `pc`, or return undefined when the ISA lacks it (objdump prints it raw). */
function print(d: Decoded, pc: bigint, { arch = HART_ARCH, privSpec = LATEST_PRIV_SPEC, hexTargets = false }: DisasmOptions):
  { printed: Printed; target?: bigint } | undefined {
  if (strictlyInvalid(d)) return undefined;
  // Every compressed encoding is in binutils' C class, whatever it expands to, and the
  // compressed F/D loads and stores need D as well.
  const cls = d.len === 2 ? (d.def.ext === 'D' ? 'dc' : 'c') : classOf(d.def);
  // An alias may be in another class than its base: rdcycle and unimp print even without Zicsr.
  const alias = (d.cname ? findAlias(HINTS[d.cname], d, arch, cls) : undefined) ?? findAlias(RULES[d.def.name], d, arch, cls);
  if (!alias && !supports(arch, cls)) return undefined;
  const flow = d.def.syntax === 'rs1,rs2,target' || d.def.syntax === 'rd,target';
  const target = flow ? BigInt.asUintN(64, pc + BigInt(d.imm)) : undefined;
  const ctx: OperandContext = {
    reg,
    freg,
    csr: csrPrinter(privSpec),
    target: target === undefined ? '' : hexTargets ? hex(target) : target.toString(16),
  };
  return { printed: alias ? alias.print(d, ctx) : { mnemonic: mnemonicOf(d), operands: printOperands(d, ctx) }, target };
}

export function formatDecoded(d: Decoded, pc: bigint, opts: DisasmOptions = {}): Disassembly {
  const r = print(d, pc, opts);
  if (!r) return unknownWord(d.raw, d.len, opts.arch ?? HART_ARCH);
  return { mnemonic: r.printed.mnemonic, operands: r.printed.operands.join(','), target: r.target };
}

/** Disassemble the instruction at the start of `word` (16 bits if compressed). */
export function disassemble(word: number, pc: bigint, opts: DisasmOptions = {}): Disassembly {
  const len = instructionLength(word & 0xffff) === 2 ? 2 : 4;
  const d = decode(word);
  return d ? formatDecoded(d, pc, opts) : unknownWord(word, len, opts.arch ?? HART_ARCH);
}

/**
 * Length in bytes of the instruction whose first halfword is `half` (ISA manual vol. I, 1.5
 * "Base Instruction-Length Encoding"), as binutils reckons it: lengths past 176 bits, and the
 * reserved 192-bit prefix, count as 2.
 */
export function instructionLength(half: number): number {
  if ((half & 3) !== 3) return 2;
  if ((half & 0x1f) !== 0x1f) return 4;
  if ((half & 0x3f) === 0x1f) return 6;
  if ((half & 0x7f) === 0x3f) return 8;
  if ((half & 0x7f) === 0x7f && (half & 0x7000) !== 0x7000) return 10 + ((half >> 11) & 0xe);
  return 2;
}

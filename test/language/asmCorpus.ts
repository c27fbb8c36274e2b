// The assembly corpus for the diagnostics test: files written by people (the kernel's entry
// code, the test programs), a generated file with random valid operands for every form of
// every mnemonic the language server knows, and textual mutations of their lines that GNU as
// may reject. `as` is the oracle: a file it accepts must get no error, and a mutated line it
// rejects must get one.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MNEMONICS } from '../../src/language/instructions.js';
import type { ImmKind, OperandKind } from '../../src/language/operands.js';
import { parse } from '../../src/language/parser.js';
import { allCsrNames } from '../../src/emulator/isa/csrs.js';
import { registerByName, registerNames } from '../../src/language/registers.js';

export const MARCH = 'rv64gc_zicsr_zifencei';

/** Every .S/.s file under the given roots (skipping the Rust target directories). */
export function findAssembly(roots: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      // Build folders hold whatever earlier tests generated: not a fixed corpus.
      if (/(^|\/)(target|node_modules|fixtures|build)$/.test(p)) return;
      for (const n of readdirSync(p).sort()) walk(join(p, n));
    } else if (/\.(S|s)$/.test(p)) out.push(p);
  };
  roots.forEach(walk);
  return out;
}

/** Assemble a file; returns the 1-based lines as reports errors on, and whether it failed at all. */
export function assemble(file: string, dir: string): { ok: boolean; errorLines: Set<number>; stderr: string } {
  const obj = join(dir, 'out.o');
  const r = /\.S$/.test(file)
    ? spawnSync('riscv64-unknown-elf-gcc', ['-x', 'assembler-with-cpp', `-march=${MARCH}`, '-mabi=lp64d', '-c', file, '-o', obj], { encoding: 'utf8' })
    : spawnSync('riscv64-unknown-elf-as', [`-march=${MARCH}`, file, '-o', obj], { encoding: 'utf8' });
  const errorLines = new Set<number>();
  for (const m of r.stderr.matchAll(/^[^:\n]+:(\d+): Error:/gm)) errorLines.add(Number(m[1]));
  return { ok: r.status === 0, errorLines, stderr: r.stderr };
}

/** A reproducible random stream. */
export class Random {
  constructor(private x = 0x2545f491) {}
  next(): number { this.x ^= this.x << 13; this.x >>>= 0; this.x ^= this.x >>> 17; this.x ^= this.x << 5; this.x >>>= 0; return this.x; }
  int(n: number): number { return this.next() % n; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  big(min: bigint, max: bigint): bigint {
    const span = max - min + 1n;
    const r = (BigInt(this.next()) << 32n | BigInt(this.next())) % span;
    return min + r;
  }
}

const X = registerNames('x');
const F = registerNames('f');
const CX = ['s0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'x8', 'x15', 'fp'];
const CF = ['fs0', 'fs1', 'fa0', 'fa5', 'f8', 'f15'];
const CSRS = allCsrNames().map(([, n]) => n);

function regText(k: OperandKind & { kind: 'reg' }, r: Random): string {
  if (k.only === 2) return 'sp';
  const pool = k.compressed ? (k.file === 'x' ? CX : CF) : k.file === 'x' ? X : F;
  for (;;) {
    const name = r.pick(pool);
    if (!(k.nonzero && (name === 'zero' || name === 'x0')) && !(k.notSp && (name === 'sp' || name === 'x2'))) return name;
  }
}

function immValue(k: ImmKind, r: Random): bigint {
  for (;;) {
    let v = r.int(4) === 0 ? r.pick([k.min, k.max, 0n, 1n, -1n]) : r.big(k.min, k.max);
    if (k.alsoRange && r.int(3) === 0) v = r.big(k.alsoRange[0], k.alsoRange[1]);
    if (v < k.min && !(k.alsoRange && v >= k.alsoRange[0])) continue;
    if (v > k.max && !(k.alsoRange && v <= k.alsoRange[1])) continue;
    if (k.align && v % k.align !== 0n) continue;
    if (k.nonzero && v === 0n) continue;
    return v;
  }
}

function immText(k: ImmKind, r: Random): string {
  if (k.relocs && r.int(5) === 0) return k.relocs === 'lo' ? '%lo(gen_data)' : r.pick(['%hi(gen_data)', '%pcrel_hi(gen_data)']);
  const v = immValue(k, r);
  if (v === 12n && r.int(2) === 0) return 'GEN_K';
  switch (r.int(4)) {
    case 0: return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
    case 1: return `(${v - 3n})+3`;
    default: return String(v);
  }
}

function operandText(k: OperandKind, r: Random, name: string): string {
  switch (k.kind) {
    case 'reg': return regText(k, r);
    case 'imm': return immText(k, r);
    case 'mem': {
      const off = k.offset.max === 0n && k.offset.min === 0n ? r.pick(['', '0']) : r.int(6) === 0 ? '' : immText({ ...k.offset, relocs: k.offset.relocs }, r);
      return `${off}(${regText(k.base, r)})`;
    }
    case 'csr': return r.int(5) === 0 ? `0x${r.int(4096).toString(16)}` : r.pick(CSRS);
    case 'target':
      if (['j', 'jal', 'call', 'tail', 'jump', 'la', 'lla'].includes(name) && r.int(2) === 0) return r.pick(['gen_L0', 'gen_L1', 'ext_func']);
      return r.pick(['1b', '1f']);
    case 'symbol': return name.startsWith('la.tls') ? 'ext_tls' : r.pick(['gen_data', 'ext_sym']);
    case 'fence': for (;;) { const s = ['i', 'o', 'r', 'w'].filter(() => r.int(2) === 0).join(''); if (s) return s; }
    case 'rm': return r.pick(['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn']);
    case 'tprelAdd': return '%tprel_add(ext_tls)';
    case 'any': return '0';
  }
}

/** A file using every form of every mnemonic `perForm` times, with random operands. */
export function generateValid(perForm: number, seed = 1): string {
  const r = new Random(seed);
  const lines = ['# Generated by test/language/asmCorpus.ts: every form of every mnemonic, random operands.',
    '    .equ GEN_K, 12', '    .text', 'gen_L0:', '1:'];
  let n = 0;
  for (const m of MNEMONICS.values()) {
    for (const f of m.forms) {
      for (let i = 0; i < perForm; i++) {
        const ops = f.operands.map((k) => operandText(k, r, m.name));
        lines.push(`    ${m.name}${ops.length ? ` ${ops.join(', ')}` : ''}`);
        if (++n % 4 === 0) lines.push('1:');
      }
    }
  }
  lines.push('1:', 'gen_L1:', '    .data', 'gen_data: .dword 0', '');
  return lines.join('\n');
}

export type Mutation = 'mnemonic' | 'register' | 'register-file' | 'missing' | 'extra' | 'immediate' | 'immediate-edge' | 'undefined-name';
export const MUTATIONS: Mutation[] = ['mnemonic', 'register', 'register-file', 'missing', 'extra', 'immediate', 'immediate-edge', 'undefined-name'];

/**
 * Mutate the instruction statements of a file, each line on its own, in one of the ways a
 * person gets a line wrong. Returns the new text and the 0-based lines that changed.
 */
export function mutate(text: string, how: Mutation, preprocessed: boolean): { text: string; lines: number[] } {
  const doc = parse(text, preprocessed);
  const lines = text.split('\n');
  const changed: number[] = [];
  const perLine = new Map<number, number>();
  for (const st of doc.statements) perLine.set(st.line, (perLine.get(st.line) ?? 0) + 1);
  let macroDepth = 0;
  for (const st of doc.statements) {
    const op = st.op?.text.toLowerCase();
    if (op === '.macro' || op === '.irp' || op === '.irpc' || op === '.rept') macroDepth++;
    if (op === '.endm' || op === '.endr') macroDepth--;
    if (st.kind !== 'instruction' || !st.op || st.hasMacroArg || macroDepth > 0 || perLine.get(st.line) !== 1) continue;
    if (!MNEMONICS.has(op!)) continue;
    const src = lines[st.line];
    const opsEnd = st.operands.at(-1)?.end ?? st.op.end;
    const operands = st.operands.map((o) => o.text);
    let next: string[] | undefined;
    let mnemonic = st.op.text;
    switch (how) {
      case 'mnemonic': mnemonic = `${st.op.text}q`; next = operands; break;
      case 'register': {
        const i = operands.findIndex((o) => /^(x\d+|zero|ra|sp|gp|tp|fp|[ast]\d+|f\w+)$/.test(o) || /\((\w+)\)$/.test(o));
        if (i < 0) break;
        next = [...operands];
        next[i] = /\(\w+\)$/.test(operands[i]) ? operands[i].replace(/\(\w+\)$/, '(x32)') : 'x32';
        break;
      }
      case 'register-file': {
        // An integer register where a float one belongs, or the other way round.
        const i = operands.findIndex((o) => registerByName(o) !== undefined);
        if (i < 0) break;
        next = [...operands];
        next[i] = registerByName(operands[i])!.file === 'x' ? 'fa0' : 'a0';
        break;
      }
      case 'missing': if (operands.length) next = operands.slice(0, -1); break;
      case 'extra': next = [...operands, 'a0']; break;
      case 'immediate': case 'immediate-edge': {
        const i = operands.map((o) => /(^|[^\w.%])-?(0x[0-9a-f]+|\d+)(?![\w.])/i.test(o)).lastIndexOf(true);
        if (i < 0 || /^\d+[bf]$/.test(operands[i])) break;
        next = [...operands];
        next[i] = operands[i].replace(/(^|[^\w.%])-?(0x[0-9a-f]+|\d+)(?![\w.])/i, `$1${how === 'immediate' ? '5000' : '2048'}`);
        break;
      }
      case 'undefined-name': {
        const i = operands.findIndex((o) => /^[A-Za-z_][\w]*$/.test(o) && /^(gen_L|ext_|park|_start|main|kmain|ktrap|rust_main|trap)/.test(o));
        if (i < 0) break;
        next = [...operands];
        next[i] = 'no_such_label';
        break;
      }
    }
    if (!next) continue;
    lines[st.line] = `${src.slice(0, st.op.start)}${mnemonic}${next.length ? ` ${next.join(', ')}` : ''}${src.slice(st.operands.length ? opsEnd : st.op.end)}`;
    changed.push(st.line);
  }
  return { text: lines.join('\n'), lines: changed };
}

/** Each local label reference in turn made to point nowhere (`7b`): as fails the whole file. */
export function undefinedLocalMutants(text: string, preprocessed: boolean, limit: number): { text: string; line: number }[] {
  const doc = parse(text, preprocessed);
  const lines = text.split('\n');
  const out: { text: string; line: number }[] = [];
  // The reference is renamed to a number the file never defines as a label.
  const defined = new Set([...text.matchAll(/(?:^|[\s;])(\d+):/gm)].map((m) => m[1]));
  const unused = ['7', '9', '8', '6', '5', '42', '77', '99'].find((n) => !defined.has(n));
  if (unused === undefined) return out;
  for (const st of doc.statements) {
    for (const t of st.operands.flatMap((o) => o.tokens)) {
      if (t.kind !== 'localRef' || out.length >= limit || out.some((o) => o.line === st.line)) continue;
      const copy = [...lines];
      copy[st.line] = `${copy[st.line].slice(0, t.start)}${unused}${t.text.slice(-1)}${copy[st.line].slice(t.end)}`;
      out.push({ text: copy.join('\n'), line: st.line });
    }
  }
  return out;
}

export function writeTemp(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

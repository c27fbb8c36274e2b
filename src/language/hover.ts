// Hovers, in Markdown: for a mnemonic its operands, what it does, its extension and encoding
// format (or what a pseudo-instruction expands to); for a CSR its number, privilege and
// fields; for a register its ABI name and role in the calling convention; for a symbol where
// it is defined and, for a constant, its value.
import type { Analysis } from './analysis.js';
import { csrDoc, INTERRUPT_CAUSES } from './csrInfo.js';
import { DIRECTIVE_BY_NAME } from './directives.js';
import { parseNumber } from './expression.js';
import { MNEMONICS, type Mnemonic } from './instructions.js';
import type { Token } from './lexer.js';
import { RELOCATIONS, ROUNDING_MODES } from './operands.js';
import type { Span } from './parser.js';
import { targetAt } from './position.js';
import { registerByName } from './registers.js';
import { symbolAt } from './symbols.js';

export interface HoverResult { markdown: string; range: Span }

const EXTENSIONS: Record<string, string> = {
  I: 'RV64I base', M: 'M (multiply/divide)', A: 'A (atomics)', C: 'C (compressed)', F: 'F (single-precision float)',
  D: 'D (double-precision float)', Zicsr: 'Zicsr (CSR access)', Zifencei: 'Zifencei (instruction fence)', Priv: 'privileged architecture',
};

export function hover(a: Analysis, line: number, col: number): HoverResult | undefined {
  const t = targetAt(a, line, col);
  if (!t) return undefined;
  if (t.role === 'label') return symbolHover(a, line, col, t.label);
  const token = t.token;
  const range = { line, start: token.start, end: token.end };
  const say = (markdown: string | undefined): HoverResult | undefined => markdown ? { markdown, range } : undefined;
  if (t.role === 'op') {
    const m = MNEMONICS.get(token.text.toLowerCase());
    if (m) return say(mnemonicHover(m));
    const dir = DIRECTIVE_BY_NAME.get(token.text.toLowerCase());
    if (dir) return say(`**${dir.name}** ${dir.args}\n\n${dir.doc}`);
    return symbolHover(a, line, col, range);
  }
  switch (token.kind) {
    case 'ident': return say(identHover(token)) ?? symbolHover(a, line, col, range);
    case 'localRef': return symbolHover(a, line, col, range);
    case 'reloc': {
      const r = RELOCATIONS[token.text.slice(1)];
      return say(r && `**${token.text}**(symbol): ${r.doc}`);
    }
    case 'number': return say(numberHover(token.text));
    default: return undefined;
  }
}

export function mnemonicHover(m: Mnemonic): string {
  const forms = m.forms.map((f) => `    ${m.name}${f.text ? ` ${f.text}` : ''}`).join('\n');
  const kind = m.pseudo ? 'pseudo-instruction' : `${m.format ? `${m.format}-type ` : ''}instruction`;
  const lines = [`**${m.name}**: ${m.doc}`, '', forms, '', `${kind}, ${EXTENSIONS[m.ext] ?? m.ext}`];
  if (m.expansion) lines.push('', `${m.format === 'C' ? 'compressed form of' : 'expands to'} \`${m.expansion}\``);
  return lines.join('\n');
}

function identHover(t: Token): string | undefined {
  const r = registerByName(t.text);
  if (r) {
    const saver = r.saver ? `, ${r.saver}-saved` : '';
    return `**${t.text}**: ${r.file}${r.num} (ABI name \`${r.abi}\`): ${r.role}${saver}`;
  }
  const csr = csrDoc(t.text);
  if (csr) {
    const lines = [`**${csr.name}**: CSR 0x${csr.num.toString(16).padStart(3, '0')}, ${csr.privilege}-mode, ${csr.readOnly ? 'read-only' : 'read/write'}`];
    if (csr.doc) lines.push('', csr.doc);
    if (csr.fields) lines.push('', '| bits | field | meaning |', '|---|---|---|', ...csr.fields.map((f) => `| ${f.bits} | ${f.name} | ${f.doc} |`));
    if (csr.codes) {
      lines.push('', 'Exception codes (Interrupt = 0): ' + csr.codes.map(([c, s]) => `${c} ${s}`).join('; '));
      lines.push('', 'Interrupt codes (Interrupt = 1): ' + INTERRUPT_CAUSES.map(([c, s]) => `${c} ${s}`).join('; '));
    }
    return lines.join('\n');
  }
  const rm = ROUNDING_MODES[t.text];
  return rm && `**${t.text}**: rounding mode: ${rm}`;
}

function numberHover(text: string): string | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)$/.test(text)) return undefined;
  const v = parseNumber(text);
  return `${v} = 0x${v.toString(16)}${v < 1n << 32n ? ` = 0b${v.toString(2)}` : ''}`;
}

function symbolHover(a: Analysis, line: number, col: number, range: Span): HoverResult | undefined {
  const s = symbolAt(a.symbols, line, col);
  if (!s || s.definitions.length === 0) return undefined;
  const d = s.definitions[0];
  const where = s.definitions.map((x) => `line ${x.line + 1}`).join(', ');
  const global = a.symbols.globals.has(d.name) ? 'global ' : '';
  const value = d.value?.length ? `: \`${d.value.map((t) => t.text).join(' ')}\`` : '';
  const kind = { label: `${global}label`, local: 'local label', constant: 'constant', macro: 'macro', define: '#define', common: 'common symbol' }[d.kind];
  return { markdown: `**${d.kind === 'local' ? `${d.name}:` : d.name}**: ${kind}${value} (defined on ${where}; ${s.references.length} reference${s.references.length === 1 ? '' : 's'})`, range };
}

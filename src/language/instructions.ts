// Every mnemonic the language server knows, in one map: the emulator's instruction table (so
// the editor and the hart agree on what exists, F and D included), the AMO ordering suffixes,
// the compressed mnemonics, and the assembler's pseudo-instructions. Each comes with the operand
// lists GNU as accepts for it, the first one being the usual spelling.
import { BY_NAME, INSTRUCTIONS } from '../emulator/isa/table.js';
import type { InsnDef } from '../emulator/isa/types.js';
import { COMPRESSED } from './compressed.js';
import { signature, type OperandKind } from './operands.js';
import { PSEUDO } from './pseudo.js';

export interface Form { text: string; operands: OperandKind[] }

export interface Mnemonic {
  name: string;
  /** I, M, A, C, F, D, Zicsr, Zifencei, Priv; pseudo-instructions name the extension they need. */
  ext: string;
  /** The encoding format of a real instruction (R, I, S, B, U, J...). */
  format?: string;
  forms: Form[];
  doc: string;
  /** What a pseudo-instruction (or compressed one) stands for. */
  expansion?: string;
  pseudo: boolean;
}

const form = (text: string): Form => ({ text, operands: signature(text) });
/** The form without a rounding mode, then with one. */
const rounded = (ops: string): Form[] => [form(ops), form(`${ops}, rm`)];

/** The register-register ALU instructions GNU as also accepts with an immediate (`add a0, a0, 5`). */
function immediateForm(def: InsnDef): Form | undefined {
  if (def.syntax !== 'rd,rs1,rs2' || def.ext !== 'I') return undefined;
  for (const name of [`${def.name}i`, def.name.replace(/w$/, 'iw'), def.name.replace(/u$/, 'iu')]) {
    const imm = BY_NAME.get(name);
    if (imm && imm.syntax === 'rd,rs1,imm') return formsOfTable(imm)[0];
  }
  return undefined;
}

/** The operand lists for a table entry's operand syntax. */
function formsOfTable(def: InsnDef): Form[] {
  switch (def.syntax) {
    case 'rd,rs1,rs2': {
      const imm = immediateForm(def);
      return [form('rd, rs1, rs2'), ...(imm ? [imm] : []), ...(def.name === 'add' ? [form('rd, rs1, rs2, %tprel_add(symbol)')] : [])];
    }
    case 'rd,rs1,imm':
      return [form(def.format === 'SH6' ? 'rd, rs1, shamt' : def.format === 'SH5' ? 'rd, rs1, shamtw' : 'rd, rs1, imm')];
    case 'rd,imm(rs1)': return [form('rd, offset(rs1)'), form('rd, symbol')];
    case 'rs2,imm(rs1)': return [form('rs2, offset(rs1)'), form('rs2, symbol, rt')];
    case 'rs1,rs2,target': return [form('rs1, rs2, offset')];
    case 'rd,uimm20': return [form('rd, hi20')];
    case 'rd,target': return [form('rd, offset'), form('offset')];
    case 'rd,imm(rs1)jalr':
      return ['rd, offset(rs1)', 'rs1', 'rd, rs1', 'rd, rs1, imm', 'offset(rs1)', 'rs1, imm'].map(form);
    case 'rd,csr,rs1': return [form('rd, csr, rs1'), form('rd, csr, zimm')];
    case 'rd,csr,zimm': return [form('rd, csr, zimm')];
    case 'rd,rs2,(rs1)': return [form('rd, rs2, (rs1)')];
    case 'rd,(rs1)': return [form('rd, (rs1)')];
    case 'fence': return [form('pred, succ'), form('')];
    case 'rs1,rs2': return [form('rs1, rs2'), form('rs1'), form('')];
    case '': return [form('')];
    case 'frd,imm(rs1)': return [form('frd, offset(rs1)'), form('frd, symbol, rt')];
    case 'frs2,imm(rs1)': return [form('frs2, offset(rs1)'), form('frs2, symbol, rt')];
    // A rounding mode is optional: without one, the instruction uses frm (dyn).
    case 'frd,frs1,frs2,rm': return rounded('frd, frs1, frs2');
    case 'frd,frs1,frs2,frs3,rm': return rounded('frd, frs1, frs2, frs3');
    case 'frd,frs1,rm': return rounded('frd, frs1');
    case 'rd,frs1,rm': return rounded('rd, frs1');
    case 'frd,rs1,rm': return rounded('frd, rs1');
    case 'frd,frs1,frs2': return [form('frd, frs1, frs2')];
    case 'rd,frs1,frs2': return [form('rd, frs1, frs2')];
    case 'rd,frs1': return [form('rd, frs1')];
    case 'frd,rs1': return [form('frd, rs1')];
    case 'frd,frs1': return [form('frd, frs1')];
  }
}

const ORDERINGS: [string, string][] = [['.aq', 'acquire'], ['.rl', 'release'], ['.aqrl', 'acquire and release']];

function build(): Map<string, Mnemonic> {
  const all = new Map<string, Mnemonic>();
  const add = (m: Mnemonic): void => {
    const had = all.get(m.name);
    if (had) had.forms.push(...m.forms);
    else all.set(m.name, m);
  };
  for (const def of INSTRUCTIONS) {
    const m: Mnemonic = { name: def.name, ext: def.ext, format: def.format, forms: formsOfTable(def), doc: def.doc, pseudo: false };
    add(m);
    if (def.ext === 'A') for (const [sfx, what] of ORDERINGS) add({ ...m, name: `${def.name}${sfx}`, doc: `${def.doc} (${what} ordering)` });
  }
  for (const c of COMPRESSED) {
    const base = BY_NAME.get(c.base);
    const forms = c.forms.map((ops) => ({ text: ops.map((o) => o.name).join(', '), operands: ops }));
    add({ name: c.name, ext: c.ext, format: 'C', forms, doc: `compressed ${c.base}${base ? `: ${base.doc}` : ''}`,
      expansion: c.base, pseudo: false });
  }
  for (const p of PSEUDO) add({ name: p.name, ext: p.ext ?? 'I', forms: p.forms.map(form), doc: p.doc, expansion: p.expansion, pseudo: true });
  return all;
}

export const MNEMONICS: ReadonlyMap<string, Mnemonic> = build();

// Disassembly in objdump's notation, derived from the instruction table.
import { decode } from '../isa/decode.js';
import type { Decoded } from '../isa/types.js';

export const ABI_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

export interface Disassembly { mnemonic: string; operands: string; target?: bigint }

export function formatDecoded(d: Decoded, pc: bigint): Disassembly {
  void pc;
  return { mnemonic: d.def.name, operands: '' };
}

export function disassemble(word: number, pc: bigint): Disassembly {
  const d = decode(word);
  if (!d) return { mnemonic: '.insn', operands: `0x${(word >>> 0).toString(16)}` };
  return formatDecoded(d, pc);
}

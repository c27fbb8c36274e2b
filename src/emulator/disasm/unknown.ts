// Words the instruction table does not decode, as objdump shows them: mostly as raw `.4byte`/
// `.2byte` values, but binutils still names a few that are no instructions of this hart.
import { supports, type Arch } from './arch.js';
import { ABI_NAMES, hex } from './operands.js';

export interface Named { mnemonic: string; operands: string }

/**
 * Those few: c.unimp (all zeros, the canonical illegal instruction), c.addi16sp with a zero
 * immediate (which binutils reads as an addi), and privileged instructions of other or older
 * specs: uret (N extension), hret and sfence.vm (priv 1.9.1), dret (debug mode).
 */
const NAMED: readonly { len: 2 | 4; match: number; mask: number; name: (w: number) => Named }[] = [
  { len: 2, match: 0x0000, mask: 0xffff, name: () => ({ mnemonic: 'unimp', operands: '' }) },
  { len: 2, match: 0x6101, mask: 0xffff, name: () => ({ mnemonic: 'add', operands: 'sp,sp,0' }) },
  { len: 4, match: 0x00200073, mask: 0xffffffff, name: () => ({ mnemonic: 'uret', operands: '' }) },
  { len: 4, match: 0x20200073, mask: 0xffffffff, name: () => ({ mnemonic: 'hret', operands: '' }) },
  { len: 4, match: 0x7b200073, mask: 0xffffffff, name: () => ({ mnemonic: 'dret', operands: '' }) },
  { len: 4, match: 0x10400073, mask: 0xfff07fff, name: (w) => ({ mnemonic: 'sfence.vm', operands: (w >>> 15) & 31 ? ABI_NAMES[(w >>> 15) & 31] : '' }) },
];

/** How objdump prints an undecodable word of `len` bytes when the ISA is `arch`. */
export function unknownWord(word: number, len: 2 | 4, arch: Arch): Named {
  const w = len === 4 ? word >>> 0 : word & 0xffff;
  for (const n of NAMED) {
    // The 16-bit ones are in binutils' C class, the others in the base ISA.
    if (n.len === len && ((w & n.mask) >>> 0) === n.match && (len === 4 || supports(arch, 'c'))) return n.name(w);
  }
  return { mnemonic: len === 4 ? '.4byte' : '.2byte', operands: hex(w) };
}

// The machine-mode trap handler several emulator tests share: count the trap in a register
// (when one is named), step mepc past the instruction that trapped (4 bytes: the tests' guests
// use no compressed instructions) and return.
import { encode as e } from '../isa/encode.js';

const MEPC = 0x341, MRET = 0x30200073;

export function skipTrappingInstruction(scratch: number, counter?: number): number[] {
  return [
    ...(counter === undefined ? [] : [e('addi', { rd: counter, rs1: counter, imm: 1 })]),
    e('csrrs', { rd: scratch, rs1: 0, csr: MEPC }),
    e('addi', { rd: scratch, rs1: scratch, imm: 4 }),
    e('csrrw', { rd: 0, rs1: scratch, csr: MEPC }),
    MRET,
  ];
}

// Register names as the assembler accepts them: x0..x31 and f0..f31 by number, their ABI names
// (the integer ones from the disassembler, so both agree), fp for s0, and each register's role
// in the calling convention (RISC-V psABI, "Integer/Floating-point Register Convention").
import { ABI_NAMES } from '../emulator/isa/registers.js';

export type RegisterFile = 'x' | 'f';

export interface Register {
  file: RegisterFile;
  num: number;
  /** The ABI name (a0, fs1...). */
  abi: string;
  role: string;
  saver: 'caller' | 'callee' | '';
}

const X_ROLES: [string, Register['saver']][] = [
  ['hard-wired zero', ''], ['return address', 'caller'], ['stack pointer', 'callee'], ['global pointer', ''],
  ['thread pointer', ''], ['temporary / alternate link register', 'caller'], ['temporary', 'caller'], ['temporary', 'caller'],
  ['saved register / frame pointer', 'callee'], ['saved register', 'callee'],
  ['function argument / return value', 'caller'], ['function argument / return value', 'caller'],
];
const xRole = (n: number): [string, Register['saver']] =>
  n < X_ROLES.length ? X_ROLES[n]
    : n <= 17 ? ['function argument', 'caller']
      : n <= 27 ? ['saved register', 'callee'] : ['temporary', 'caller'];

/** ft0-7 f0-7, fs0-1 f8-9, fa0-7 f10-17, fs2-11 f18-27, ft8-11 f28-31. */
const fAbi = (n: number): string =>
  n < 8 ? `ft${n}` : n < 10 ? `fs${n - 8}` : n < 18 ? `fa${n - 10}` : n < 28 ? `fs${n - 16}` : `ft${n - 20}`;
const fRole = (n: number): [string, Register['saver']] =>
  n < 8 || n >= 28 ? ['FP temporary', 'caller']
    : n < 10 || n >= 18 ? ['FP saved register', 'callee']
      : n < 12 ? ['FP argument / return value', 'caller'] : ['FP argument', 'caller'];

export const X_REGISTERS: readonly Register[] = ABI_NAMES.map((abi, num) => {
  const [role, saver] = xRole(num);
  return { file: 'x', num, abi, role, saver };
});
export const F_REGISTERS: readonly Register[] = Array.from({ length: 32 }, (_, num) => {
  const [role, saver] = fRole(num);
  return { file: 'f' as const, num, abi: fAbi(num), role, saver };
});

const BY_NAME = new Map<string, Register>();
for (const r of [...X_REGISTERS, ...F_REGISTERS]) {
  BY_NAME.set(r.abi, r);
  BY_NAME.set(`${r.file}${r.num}`, r);
}
BY_NAME.set('fp', X_REGISTERS[8]);

/** Every name a register answers to, in each file (for completion and the grammar). */
export const registerNames = (file: RegisterFile): string[] =>
  [...BY_NAME].filter(([, r]) => r.file === file).map(([name]) => name);

export const registerByName = (name: string): Register | undefined => BY_NAME.get(name);

// `chronos disasm`: every executable section of an ELF, laid out as `objdump -d` lays it out.
import type { ElfFile } from '../loader/elf.js';

export function disassembleElf(elf: ElfFile, fileName: string): string {
  return `\n${fileName}:     file format elf64-littleriscv\n`;
}

// User programs (launch.json `symbols`): each one's ELF read as a Program of its own, and the
// processes it runs in. xv6 links every user program at virtual address 0, so an address alone
// says nothing: which program a hart runs is which process it runs (the kernel's profile says),
// and a program is matched to its processes by name (user/_ls runs as `ls`) or by a rule.
import { ElfError, parseElf } from '../emulator/loader/elf.js';
import type { UserSymbols } from './launchConfig.js';
import { Program, type HostFiles } from './program.js';

export interface UserProgram {
  program: Program;
  /** The name of the processes that run it, as the kernel's profile names them. */
  process: string;
}

/** The process name a user program's file implies: its base name without a leading `_` (xv6's user/_ls) or an extension. */
export function processNameOf(path: string): string {
  return path.replace(/^.*\//, '').replace(/^_/, '').replace(/\.(elf|out)$/, '');
}

/** Read every entry of `symbols`; throws a message naming the entry that is wrong. */
export function loadUserPrograms(entries: unknown, files: HostFiles, resolvePath: (p: string) => string,
  sourceMap: Record<string, string>): UserProgram[] {
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) throw new Error('symbols must be a list of user programs\' ELF files (e.g. ["user/_ls"])');
  return entries.map((entry: unknown, i) => {
    let file: unknown, process: unknown;
    if (typeof entry === 'string') file = entry;
    else if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      ({ file, process } = entry as { file?: unknown; process?: unknown });
      const extra = Object.keys(entry).filter((k) => k !== 'file' && k !== 'process');
      if (extra.length) throw new Error(`symbols[${i}]: ${extra[0]} is not a field of a user program (the fields are file and process)`);
    }
    if (typeof file !== 'string' || file === '') throw new Error(`symbols[${i}]: give the ELF file, as a string or as {"file": ..., "process": ...}`);
    if (process !== undefined && (typeof process !== 'string' || process === '')) throw new Error(`symbols[${i}]: process must be a process name, e.g. "ls"`);
    const path = resolvePath(file);
    if (!files.exists(path)) throw new Error(`symbols[${i}]: ${path} does not exist`);
    let elf;
    try { elf = parseElf(files.readFile(path)); } catch (e) {
      if (e instanceof ElfError) throw new Error(`symbols[${i}]: ${path}: ${e.message}`);
      throw e;
    }
    return { program: new Program(elf, path, files, sourceMap), process: (process as string | undefined) ?? processNameOf(path) };
  });
}

// The GNU RISC-V toolchain as a test oracle: assemble text, and read objdump's listing back.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AS = 'riscv64-unknown-elf-as';
export const GCC = 'riscv64-unknown-elf-gcc';
export const OBJDUMP = 'riscv64-unknown-elf-objdump';
export const OBJCOPY = 'riscv64-unknown-elf-objcopy';
export const QEMU = 'qemu-system-riscv64';
export const MARCH = 'rv64imac_zicsr_zifencei';
/** With F and D, for tests that need the assembler to accept float instructions. */
export const MARCH_FD = 'rv64imafdc_zicsr_zifencei';

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * The oracles a suite needs: commands on PATH, or files (absolute paths). CI installs every one
 * of them (scripts/setup.sh), so a missing one fails the suite, with what to install, rather
 * than skipping it.
 */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((t) => (t.startsWith('/') ? !existsSync(t) : !have(t)));
  if (missing.length) throw new Error(`missing: ${missing.join(', ')}; install them with scripts/setup.sh (as root)`);
}

export function scratchDir(name: string): string {
  const root = join(process.cwd(), 'build', 'test');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `${name}-`));
}

/** Assemble `source` into an object file; returns its path. */
export function assemble(dir: string, name: string, source: string, march = MARCH): string {
  const src = join(dir, `${name}.S`), obj = join(dir, `${name}.o`);
  writeFileSync(src, source);
  execFileSync(AS, [`-march=${march}`, src, '-o', obj]);
  return obj;
}

export interface ObjdumpLine { address: bigint; encoding: string; mnemonic: string; operands: string }

/** objdump -d, parsed into instruction lines (symbol annotations and comments removed). */
export function objdump(file: string, extra: string[] = []): ObjdumpLine[] {
  const text = execFileSync(OBJDUMP, ['-d', ...extra, file], { maxBuffer: 1 << 30 }).toString();
  return parseListing(text);
}

export function parseListing(text: string): ObjdumpLine[] {
  const out: ObjdumpLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)(?:\t(.*))?$/.exec(line);
    if (!m) continue;
    out.push({ address: BigInt(`0x${m[1]}`), encoding: m[2].trim(), mnemonic: m[3], operands: normalizeOperands(m[4] ?? '') });
  }
  return out;
}

/** Drop objdump's `<symbol>` annotations and `#` comments, and white space. */
export function normalizeOperands(s: string): string {
  return s.replace(/\s*#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, '');
}

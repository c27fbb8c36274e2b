// `chronos`: run a RISC-V ELF on the emulator, or disassemble one, from a terminal.
//   chronos run [options] FILE.elf      (see runArgs.ts)
//   chronos qemu QEMU-OPTIONS...        (qemu-system-riscv64's options, see qemu.ts)
//   chronos disasm FILE.elf
import { ElfError, parseElf } from '../emulator/loader/elf.js';
import { disassembleElf } from '../emulator/disasm/listing.js';
import { EXIT_INTERNAL, EXIT_USAGE, UsageError } from './errors.js';
import { exitDrained, guardPipes } from './output.js';
import { RUN_USAGE } from './runArgs.js';
import { readFile, run } from './run.js';
import { qemu } from './qemu.js';

export { EXIT_BUDGET, EXIT_USAGE } from './errors.js';

const USAGE = `usage:
  ${RUN_USAGE}
  chronos qemu QEMU-OPTIONS...     (qemu-system-riscv64's options: chronos qemu -help)
  chronos disasm FILE.elf`;

function disasm(argv: string[]): number {
  if (argv.length !== 1 || argv[0].startsWith('-')) throw new UsageError('disasm takes exactly one ELF file');
  const bytes = readFile(argv[0]);
  let elf;
  try { elf = parseElf(bytes); } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`${argv[0]}: ${e.message}`);
    throw e;
  }
  process.stdout.write(disassembleElf(elf, argv[0]));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run': return await run(rest);
      case 'qemu': return await qemu(rest);
      case 'disasm': return disasm(rest);
      case '-h': case '--help': case 'help': process.stdout.write(`${USAGE}\n`); return 0;
      default: throw new UsageError(cmd ? `unknown command '${cmd}'` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.command}: ${e.message}\n${e.usage && e.command === 'chronos' ? `${USAGE}\n` : ''}`);
      return EXIT_USAGE;
    }
    // A bug of ours: one line for the user; the stack only when asked for (CHRONOS_DEBUG=1).
    process.stderr.write(`chronos: internal error: ${(e as Error).message} (please report it with the command line)\n`);
    if (process.env.CHRONOS_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return EXIT_INTERNAL;
  }
}

guardPipes();
main(process.argv.slice(2)).then(exitDrained, () => exitDrained(EXIT_INTERNAL));

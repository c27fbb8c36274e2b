// The launch configuration's attributes, written once: the runtime's LaunchOptions type is
// derived from this table, package.json's launch schema is generated from it
// (scripts/gen-contributions.ts; test/unit/launchConfig.test.ts fails when package.json
// drifts), and the README's attribute table is checked against it.

type JsonType = 'string' | 'integer' | 'boolean' | 'object' | 'array';

interface AttributeSpec {
  /** One type, or several (a value of any of them). */
  type: JsonType | readonly JsonType[];
  /** For arrays: the schema of every element. */
  items?: object;
  description: string;
  default?: unknown;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** For strings: what they must look like. */
  pattern?: string;
  /** For objects: the type of every value. */
  additionalProperties?: { type: 'string' };
  required?: boolean;
}

/** A history budget: a number of KiB, MiB or GiB. */
const HISTORY_PATTERN = '^\\s*[0-9]+(\\.[0-9]+)?\\s*(KiB|MiB|GiB)\\s*$';

/** The bytes a history budget ("512MiB") names; false for no history. */
export function historyBudget(value: string | boolean | undefined): number | false {
  if (value === false) return false;
  if (value === undefined || value === true) return 512 * 2 ** 20;
  const m = new RegExp(HISTORY_PATTERN).exec(value);
  if (!m) throw new Error(`history "${value}": give a size such as "512MiB" or "2GiB", or false`);
  const bytes = Math.floor(parseFloat(value) * { KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 }[m[2] as 'KiB' | 'MiB' | 'GiB']);
  if (bytes < 2 ** 20) throw new Error(`history "${value}": at least 1MiB, or false`);
  return bytes;
}

export const LAUNCH_ATTRIBUTES = {
  program: {
    type: 'string',
    description: 'The kernel ELF to boot (built with DWARF), e.g. ${workspaceFolder}/target/riscv64gc-unknown-none-elf/release/kernel. With qemuArgs it may be left out when -kernel names the ELF; given, it supplies the symbols.',
  },
  qemuArgs: {
    type: 'string',
    description: 'qemu-system-riscv64\'s options as the Makefile has them, e.g. "-machine virt -bios none -kernel kernel/kernel -m 128M -smp 3 -nographic": the machine boots as `chronos qemu` boots it (quotes as in a shell; the other attributes, when given, take precedence).',
  },
  cwd: {
    type: 'string',
    description: 'The directory relative paths are read from: those in qemuArgs, program, bios and drive (make runs QEMU in the Makefile\'s directory, so a pasted line\'s kernel/kernel and fs.img name files there). In VS Code the workspace folder unless given.',
  },
  bios: {
    type: 'string', default: 'builtin',
    description: 'Firmware: \'builtin\' (Chronos\'s SBI; the kernel starts in S-mode), \'none\' (the ELF starts in M-mode), or the path of a firmware image such as OpenSBI\'s fw_jump.bin.',
  },
  memory: { type: 'integer', minimum: 1, maximum: 4096, default: 128, description: 'RAM in MiB.' },
  smp: { type: 'integer', minimum: 1, maximum: 8, default: 1, description: 'Harts (1 to 8), as QEMU\'s -smp; each is a thread in the Call Stack view.' },
  bootargs: { type: 'string', default: '', description: 'The kernel command line (/chosen/bootargs in the device tree).' },
  stopOnEntry: { type: 'boolean', default: false, description: 'Stop at the kernel\'s first instruction.' },
  runTo: {
    type: 'string',
    description: 'Run to this function and stop there once, e.g. "rust_main" or "chronos_kernel::boot::run_self_tests" (a temporary breakpoint).',
  },
  sourceMap: {
    type: 'object', default: {}, additionalProperties: { type: 'string' },
    description: 'Rewrite source paths from the DWARF info: {"/build/path": "${workspaceFolder}"}.',
  },
  drive: {
    type: 'string',
    description: 'A raw disk image for the first virtio-mmio slot (0x10001000, PLIC source 1), as `chronos run --drive` takes it: "fs.img" (the guest\'s writes go to the file), "fs.img,snapshot=on" (they are kept in memory), "fs.img,readonly=on".',
  },
  virtioLegacy: {
    type: 'boolean', default: false,
    description: 'Give the virtio-mmio slots the legacy interface (version 1, QEMU\'s default, which rCore-style kernels expect) instead of version 2 (which xv6 needs).',
  },
  kernel: {
    type: 'object', default: {}, additionalProperties: { type: 'string' },
    description: 'A kernel Chronos does not know, described for the Processes and Physical Frames views by expressions over its own globals: {"processes": "proc", "pid": "pid", "procName": "name", "state": "state", "current": "cpus[$hart].proc", "freePages": "kmem.freelist", "freePageNext": "next", "pagesStart": "&end"}. See docs/kernel-profiles.md.',
  },
  history: {
    type: ['string', 'boolean'], default: '512MiB', pattern: HISTORY_PATTERN,
    description: 'Time travel: record the run so that Step Back and Reverse Continue can go back, keeping at most this much memory ("512MiB", "2GiB"; the oldest history is dropped first), or false to record nothing.',
  },
  symbols: {
    type: 'array', default: [],
    items: {
      anyOf: [
        { type: 'string', description: 'A user program\'s ELF file, matched to the processes of that name (user/_ls runs as ls).' },
        {
          type: 'object', required: ['file'], additionalProperties: false,
          properties: {
            file: { type: 'string', description: 'The user program\'s ELF file.' },
            process: { type: 'string', description: 'The name of the processes it runs in (as the Processes view shows them).' },
          },
        },
      ],
    },
    description: 'User programs\' ELF files, e.g. ["${workspaceFolder}/user/_ls", {"file": "${workspaceFolder}/user/_sh", "process": "sh"}]: a breakpoint in their sources stops only in the processes that run them, and a stop in user mode shows their lines. A file is matched to the processes named as the file is (without a leading _), or as "process" says.',
  },
  uartOutput: {
    type: 'string', enum: ['console', 'none'], default: 'console',
    description: 'Where the guest\'s UART output goes: the Chronos UART terminal and debug console, or nowhere.',
  },
} as const satisfies Record<string, AttributeSpec>;

/** One entry of `symbols`: a user program's ELF file, or the file with the process it runs in. */
export type UserSymbols = string | { file: string; process?: string };

type Attributes = typeof LAUNCH_ATTRIBUTES;
type ValueOf<A> =
  A extends { enum: readonly (infer E)[] } ? E
    : A extends { type: readonly (infer T)[] } ? ValueOfType<T>
    : A extends { type: 'string' } ? string
      : A extends { type: 'integer' } ? number
        : A extends { type: 'boolean' } ? boolean
          : A extends { type: 'object' } ? Record<string, string>
            : A extends { type: 'array' } ? UserSymbols[] : never;
type ValueOfType<T> = T extends 'string' ? string : T extends 'integer' ? number : T extends 'boolean' ? boolean : T extends 'object' ? Record<string, string> : never;
type RequiredNames = { [K in keyof Attributes]: Attributes[K] extends { required: true } ? K : never }[keyof Attributes];

/** A launch configuration's Chronos attributes, as the runtime receives them. */
export type LaunchOptions =
  { [K in RequiredNames]: ValueOf<Attributes[K]> } &
  { [K in Exclude<keyof Attributes, RequiredNames>]?: ValueOf<Attributes[K]> };

/** A configuration names its kernel one way or the other: the ELF, or the QEMU line that boots it. */
const ONE_OF_REQUIRED: (keyof Attributes)[] = ['program', 'qemuArgs'];

/** package.json's `configurationAttributes.launch`: the JSON schema VS Code checks launch.json with. */
export function launchSchema(): { required: string[]; anyOf: { required: string[] }[]; properties: Record<string, object> } {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(LAUNCH_ATTRIBUTES) as [string, AttributeSpec][]) {
    if (spec.required) required.push(name);
    const { required: _r, ...schema } = spec;
    properties[name] = schema;
  }
  return { required, anyOf: ONE_OF_REQUIRED.map((name) => ({ required: [name] })), properties };
}

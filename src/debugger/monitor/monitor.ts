// The monitor: QEMU's human monitor commands over a Chronos machine, one line in, text out
// (lines ending in \n; the console turns them into \r\n, as QEMU's monitor writes them). It
// knows nothing of terminals: src/cli/ connects it to stdio (-monitor stdio) or to the
// serial console's Ctrl-A c, and could connect it to anything else that has lines.
//   x/FMT ADDR, xp/FMT ADDR      memory as the hart sees it / physical, QEMU's format
//   info registers|mem|tlb|mtree|status|cpus, and Chronos's info frames|heap|processes
//   stop, cont (c), system_reset, cpu N, print (p) EXPR, help (?), quit (q)
import { Priv } from '../../emulator/cpu/causes.js';
import { MSTATUS } from '../../emulator/cpu/csrFile.js';
import { MPP_SHIFT } from '../../emulator/isa/csrFields.js';
import { ABI_NAMES } from '../../emulator/isa/registers.js';
import { disassemble } from '../../emulator/disasm/disasm.js';
import type { Machine } from '../../emulator/machine.js';
import type { ElfFile } from '../../emulator/loader/elf.js';
import { hex16 } from '../../emulator/hex.js';
import { NO_DESCRIPTOR, locateDescriptor, readDescriptor } from '../inspectors/descriptor.js';
import { readFrames } from '../inspectors/frames.js';
import { readHeap } from '../inspectors/heap.js';
import { Symbols } from '../symbols.js';
import { evaluateMonitorExpression, MonitorExpressionError, type MonitorValues } from './expression.js';
import { formatProcesses, type KernelProfile } from './kernelProfile.js';
import { infoMem, infoTlb } from './memInfo.js';
import { FormatError, memoryDump, parseFormat, type DumpRequest, type FormatDefaults } from './memoryDump.js';
import { infoMtree } from './mtree.js';
import { infoRegisters } from './registers.js';

/** What the monitor acts on: the run it belongs to. */
export interface MonitorHost {
  /** The machine now (system_reset replaces it). */
  readonly machine: Machine;
  /** Whether the harts run, were stopped (stop), or have not started yet (-S, before the first cont). */
  readonly status: 'running' | 'paused' | 'prelaunch';
  /** The kernel's ELF, when it was given as one (symbols, the debug descriptor). */
  readonly elf?: ElfFile;
  /** The kernel profile that reads this kernel's processes, when one matches it. */
  readonly profile?: KernelProfile;
  stop(): void;
  cont(): void;
  /** Restart the machine as it was booted (system_reset). */
  reset(): void;
  /** End the run (q). */
  quit(): void;
}

export const MONITOR_BANNER = "Chronos monitor (QEMU's commands) - type 'help' for more information\n";
export const MONITOR_PROMPT = '(qemu) ';

const HELP: [string, string][] = [
  ['cont|c', 'resume emulation'],
  ['cpu index', 'set the default CPU'],
  ['help|? [cmd]', 'show the help'],
  ['info subcommand', 'show various information about the system state (info with no subcommand lists them)'],
  ['print|p /fmt expr', 'print expression value (use $reg for CPU register access)'],
  ['quit|q', 'quit the emulator'],
  ['stop', 'stop emulation'],
  ['system_reset', 'reset the system'],
  ['x /fmt addr', 'virtual memory dump starting at \'addr\''],
  ['xp /fmt addr', 'physical memory dump starting at \'addr\''],
];

const INFO: [string, string][] = [
  ['info cpus', 'show infos for each CPU'],
  ['info frames', 'show the kernel\'s physical frame allocator (Chronos: needs the debug descriptor)'],
  ['info heap', 'show the kernel heap\'s free list (Chronos: needs the debug descriptor)'],
  ['info mem', 'show the active virtual memory mappings'],
  ['info mtree', 'show memory tree'],
  ['info processes', 'show the kernel\'s processes (Chronos: needs a kernel profile)'],
  ['info registers [-a]', 'show the cpu registers (-a: all CPUs)'],
  ['info status', 'show the current VM status (running|paused)'],
  ['info tlb', 'show every translation of the page tables (Chronos\'s own)'],
];

const helpLines = (rows: [string, string][]): string => rows.map(([c, d]) => `${c} -- ${d}\n`).join('');

export class Monitor {
  /** The hart that commands mean (cpu N). */
  private cpu = 0;
  private readonly defaults: FormatDefaults = { format: 'x', size: 4 };
  private symbols: Symbols | undefined | null;
  /** Set by quit: nothing more is to be read or shown. */
  quitting = false;

  constructor(private readonly host: MonitorHost) {}

  /** Run one command line; its output. */
  execute(line: string): string {
    const text = line.trim();
    if (!text) return '';
    const m = /^(\S+?)(?=\/|\s|$)(.*)$/.exec(text)!;
    const [, name, rest] = m;
    try {
      switch (name) {
        case 'x': return this.dump(rest, false);
        case 'xp': return this.dump(rest, true);
        case 'info': return this.info(rest.trim());
        case 'stop': this.host.stop(); return '';
        case 'cont': case 'c': this.host.cont(); return '';
        case 'system_reset': this.host.reset(); return '';
        case 'quit': case 'q': this.quitting = true; this.host.quit(); return '';
        case 'cpu': return this.selectCpu(rest.trim());
        case 'print': case 'p': return this.print(rest);
        case 'help': case '?': return this.help(rest.trim());
        default: return `unknown command: '${name}'\n`;
      }
    } catch (e) {
      if (e instanceof MonitorExpressionError || e instanceof FormatError) return `${e.message}\nTry "help ${name}" for more information\n`;
      throw e;
    }
  }

  private get machine(): Machine { return this.host.machine; }

  private values(): MonitorValues {
    const h = this.machine.harts[this.cpu];
    return {
      register: (n) => {
        if (n === 'pc') return h.pc;
        const i = ABI_NAMES.indexOf(n === 'fp' ? 's0' : n);
        if (i >= 0) return h.x[i];
        const x = /^x(\d+)$/.exec(n);
        return x && Number(x[1]) < 32 ? h.x[Number(x[1])] : undefined;
      },
      symbol: (n) => this.symbolTable()?.find(n)?.address,
    };
  }

  private symbolTable(): Symbols | undefined {
    if (this.symbols === undefined) this.symbols = this.host.elf ? new Symbols(this.host.elf) : null;
    return this.symbols ?? undefined;
  }

  /** Memory as the selected hart's loads see it: physical in M-mode (unless MPRV), else through satp. */
  private readVirtual(addr: bigint, len: number): Uint8Array | undefined {
    const h = this.machine.harts[this.cpu];
    const mprv = (h.csr.mstatus & MSTATUS.MPRV) !== 0n;
    const priv = h.priv === Priv.M && mprv ? Number((h.csr.mstatus & MSTATUS.MPP) >> MPP_SHIFT) : h.priv;
    return priv === Priv.M ? this.machine.debug.readPhys(addr, len) : this.machine.debug.readVirt(addr, len, h.csr.satp);
  }

  private dump(args: string, physical: boolean): string {
    const { request, rest } = parseFormat(args, this.defaults);
    const addr = evaluateMonitorExpression(rest, this.values());
    if (request.count * Math.max(request.size, 1) > 16 * 1024 * 1024) return 'Chronos dumps at most 16 MiB at a time\n';
    const read = (a: bigint, l: number): Uint8Array | undefined => (physical ? this.machine.debug.readPhys(a, l) : this.readVirtual(a, l));
    return request.format === 'i' ? this.disassembly(request, addr, read) : memoryDump(request, addr, read);
  }

  /** x/Ni: Chronos's disassembler (binutils' syntax) in a layout like QEMU's. */
  private disassembly(req: DumpRequest, addr: bigint, read: (a: bigint, l: number) => Uint8Array | undefined): string {
    let out = '';
    let a = BigInt.asUintN(64, addr);
    for (let n = 0; n < req.count; n++) {
      const half = read(a, 2);
      if (!half) return `${out}0x${hex16(a)}: Cannot access memory\n`;
      const len = (half[0] & 3) === 3 ? 4 : 2;
      const bytes = len === 4 ? read(a, 4) : half;
      if (!bytes) return `${out}0x${hex16(a)}: Cannot access memory\n`;
      const word = new DataView(bytes.buffer, bytes.byteOffset, len)[len === 4 ? 'getUint32' : 'getUint16'](0, true);
      const d = disassemble(word, a);
      const hexWord = word.toString(16).padStart(len * 2, '0');
      out += `0x${hex16(a)}:  ${hexWord.padEnd(18)}${d.operands ? `${d.mnemonic.padEnd(24)}${d.operands}` : d.mnemonic}\n`;
      a = BigInt.asUintN(64, a + BigInt(len));
    }
    return out;
  }

  private print(args: string): string {
    const { rest } = parseFormat(args, { ...this.defaults });
    const v = evaluateMonitorExpression(rest, this.values());
    return `0x${v.toString(16)}\n`;
  }

  private selectCpu(arg: string): string {
    const n = Number(arg);
    if (!/^\d+$/.test(arg) || n >= this.machine.harts.length) return 'invalid CPU index\n';
    this.cpu = n;
    return '';
  }

  private help(arg: string): string {
    if (!arg) return helpLines(HELP);
    if (arg === 'info') return helpLines(INFO);
    const rows = HELP.filter(([c]) => c.split(' ')[0].split('|').includes(arg));
    return rows.length ? helpLines(rows) : `unknown command: '${arg}'\n`;
  }

  private info(arg: string): string {
    const [sub, ...opts] = arg.split(/\s+/);
    const m = this.machine;
    const h = m.harts[this.cpu];
    switch (sub) {
      case '': return helpLines(INFO);
      case 'registers':
        if (opts[0] === '-a') return m.harts.map((_, i) => infoRegisters(m, i)).join('');
        return infoRegisters(m, this.cpu);
      case 'mem': return infoMem(m.debug, h.csr.satp);
      case 'tlb': return infoTlb(m.debug, h.csr.satp);
      case 'mtree': return infoMtree(m);
      case 'status': return `VM status: ${this.host.status === 'prelaunch' ? 'paused (prelaunch)' : this.host.status}\n`;
      case 'cpus': return m.harts.map((x, i) => `${i === this.cpu ? '*' : ' '} CPU #${i}: pc=0x${hex16(x.pc)} (${'USHM'[x.priv]}-mode)\n`).join('');
      case 'frames': return this.frames();
      case 'heap': return this.heap();
      case 'processes': return formatProcesses(this.host.profile, m.debug);
      default: return `unknown command: 'info ${sub}'\n`;
    }
  }

  private descriptor(): ReturnType<typeof readDescriptor> {
    if (!this.host.elf) return 'the kernel was not given as an ELF file, so its debug descriptor cannot be found';
    const symbols = this.symbolTable()!;
    return readDescriptor(this.machine.debug, locateDescriptor(this.host.elf, symbols));
  }

  private frames(): string {
    const d = this.descriptor();
    const f = typeof d === 'string' ? d : readFrames(this.machine.debug, d);
    if (typeof f === 'string') return `${f === NO_DESCRIPTOR ? f : `info frames: ${f}`}\n`;
    const used = [...f.bitmap].filter((c) => c === '1').length;
    return `frames: ${f.frameCount} from ppn ${f.basePpn}: total ${f.total} free ${f.free} allocated ${f.allocated} peak ${f.peak} (bitmap: ${used} set)\n`;
  }

  private heap(): string {
    const d = this.descriptor();
    const v = typeof d === 'string' ? d : readHeap(this.machine.debug, d);
    if (typeof v === 'string') return `${v === NO_DESCRIPTOR ? v : `info heap: ${v}`}\n`;
    let out = `heap ${v.heapStart} size ${v.heapSize}: used ${v.used} free ${v.totalFree} in ${v.blocks.length} block${v.blocks.length === 1 ? '' : 's'}, largest ${v.largestFree}\n`;
    for (const b of v.blocks) out += `  ${b.address} ${b.size}\n`;
    if (v.damage) out += `the free list is damaged: ${v.damage}\n`;
    return out;
  }
}

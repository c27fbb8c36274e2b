// The three ways the machine starts, as qemu-system-riscv64 -machine virt starts them: bare
// (-bios none: every hart runs from the start of RAM in M-mode), through a firmware image at
// the start of RAM (-bios FILE), or under the built-in SBI (the kernel runs in S-mode on the
// boot hart, as if OpenSBI had booted it: `-bios default`). QEMU's reset ROM starts every hart
// in M-mode with a0 = its hart id, a1 = the device tree and a2 = fw_dynamic_info, whose next
// address is the kernel's entry (0 without a kernel); the ROM is there in every case (its
// bytes can be read), and its effect is applied directly. Images go where placement.ts says,
// the device tree where deviceTree.ts says, and the generic loader's files (-device loader)
// last, over whatever is there.
import { Priv } from '../cpu/causes.js';
import { MIP, MSTATUS } from '../cpu/csrFile.js';
import { MPP_SHIFT } from '../isa/csrFields.js';
import type { Hart } from '../cpu/hart.js';
import { PMPADDR_MASK } from '../cpu/pmp.js';
import { Rom } from '../devices/rom.js';
import { classifyImage, LoadError, type KernelImage } from '../loader/image.js';
import type { Bus } from '../memory/bus.js';
import type { Ram } from '../memory/ram.js';
import { bootDeviceTree, deviceTreeAddress } from './deviceTree.js';
import { RamPlacer, placeFirmware, placeInitrd, placeKernel, sbiKernelStart, type PlacedKernel, type Span } from './placement.js';
import { MROM } from './virtMap.js';
import { hex } from '../hex.js';

/** What booting touches. */
export interface BootTarget {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: readonly Hart[];
}

/** Firmware: none (the program starts in M-mode), the built-in SBI (the kernel starts in S-mode), or an image. */
export type Bios = 'none' | 'builtin' | Uint8Array;

/** What QEMU's generic loader (-device loader) does: a file, a value, or a hart's start address. */
export type GenericLoad =
  /** A file: an ELF at its physical addresses (unless raw), anything else raw at `addr`; `cpu` starts that hart at its entry. */
  | { kind: 'file'; name: string; bytes: Uint8Array; addr?: bigint; cpu?: number; raw?: boolean }
  /** Bytes written at `addr` (a value of data-len bytes); `cpu` starts that hart there. */
  | { kind: 'data'; addr: bigint; bytes: Uint8Array; cpu?: number }
  /** Only `cpu`'s start address. */
  | { kind: 'pc'; addr: bigint; cpu: number };

export interface BootImages {
  /** The kernel (-kernel): an ELF, a Linux Image or a flat binary. */
  kernel?: KernelImage;
  /** The initial RAM disk (-initrd), which needs a kernel. */
  initrd?: Uint8Array;
  /** A device tree to boot with instead of the board's (-dtb). */
  dtb?: Uint8Array;
  /** The kernel command line (-append), in /chosen/bootargs. */
  bootargs?: string;
  /** The generic loader's items (-device loader), in order. */
  loads?: GenericLoad[];
}

/** What a boot put where, and where the harts start. */
export interface BootReport {
  firmware?: Span;
  kernel?: PlacedKernel;
  initrd?: Span;
  fdt: Span;
  loads: Span[];
  /** Where the boot hart starts: the start of RAM in M-mode, or the kernel's entry in S-mode under the built-in SBI. */
  start: bigint;
  /** Harts the generic loader started at an address of its own (hart id → pc). */
  loaderStarts: Map<number, bigint>;
  /** Things that differ from what the user may expect (a kernel entered elsewhere than its entry point). */
  notes: string[];
}

/** Where the reset ROM keeps fw_dynamic_info, which a2 points to. */
export const FW_DYNAMIC_INFO = MROM.base + 0x28;

/**
 * Place every image, the device tree and the reset ROM, and set every hart as QEMU's reset
 * leaves it. Throws LoadError (or ElfError, FdtError) for images that cannot be placed.
 */
export function bootBoard(t: BootTarget, bios: Bios, images: BootImages): BootReport {
  const p = new RamPlacer(t.ram);
  const notes: string[] = [];
  if (images.initrd && !images.kernel) throw new LoadError('an initrd needs a kernel (QEMU: -initrd only allowed with -kernel option)');
  let firmware: Span | undefined;
  if (bios instanceof Uint8Array) firmware = placeFirmware(p, classifyImage(bios));
  const firmwareEnd = firmware ? firmware.end : p.base;
  const kernel = images.kernel && placeKernel(p, images.kernel, bios === 'builtin' ? sbiKernelStart(p) : firmwareEnd, bios === 'none');
  if (kernel?.note) notes.push(kernel.note);
  if (bios !== 'none' && kernel && images.kernel?.format === 'elf' && images.kernel.elf.entry !== kernel.entry) {
    notes.push(`the kernel's entry point is ${hex(images.kernel.elf.entry)}, but QEMU enters an ELF kernel at its lowest address, ${hex(kernel.entry)}, and so does Chronos`);
  }
  const initrd = images.initrd && kernel ? placeInitrd(p, images.initrd, kernel.entry) : undefined;
  const blob = bootDeviceTree({ ramBase: t.ram.base, ramSize: t.ram.size, harts: t.harts.length, dtb: images.dtb },
    { bootargs: images.bootargs ?? '', initrd: initrd && { start: initrd.start, end: initrd.end } });
  const fdtAt = deviceTreeAddress(t.ram.base, t.ram.size, blob);
  const fdt = p.place('the device tree', fdtAt, blob);

  const loads: Span[] = [];
  const loaderStarts = new Map<number, bigint>();
  for (const l of images.loads ?? []) {
    if (l.cpu !== undefined && (l.cpu < 0 || l.cpu >= t.harts.length)) throw new LoadError(`-device loader: cpu-num=${l.cpu}, but the machine has ${t.harts.length} hart${t.harts.length > 1 ? 's' : ''}`);
    let pc = l.addr;
    if (l.kind === 'file') {
      const image = l.raw ? { format: 'flat' as const, bytes: l.bytes } : classifyImage(l.bytes);
      if (image.format === 'elf') {
        for (const s of image.elf.segments.filter((x) => x.memsz > 0)) {
          const bytes = new Uint8Array(s.memsz);
          bytes.set(image.elf.bytes.subarray(s.offset, s.offset + s.filesz));
          loads.push(p.overwrite(`${l.name} segment ${s.index}`, s.paddr, bytes));
        }
        pc = image.elf.entry;
      } else {
        if (l.addr === undefined) throw new LoadError(`-device loader: ${l.name} is not an ELF file, so it needs addr=`);
        loads.push(p.overwrite(l.name, l.addr, l.bytes));
      }
    } else if (l.kind === 'data') {
      loads.push(p.overwrite(`data at ${hex(l.addr)}`, l.addr, l.bytes));
    }
    if (l.cpu !== undefined && pc !== undefined) loaderStarts.set(l.cpu, pc);
  }

  const next = kernel?.entry ?? 0n;
  let start = p.base;
  if (bios === 'builtin') {
    start = kernel?.entry ?? sbiKernelStart(p);
    attachResetRom(t, p.base, fdt.start, start);
    for (const h of t.harts) enterUnderSbi(h, start, fdt.start);
  } else {
    attachResetRom(t, p.base, fdt.start, next);
    for (const h of t.harts) resetHart(h, p.base, fdt.start);
    if (bios === 'none' && images.kernel?.format === 'elf' && images.kernel.elf.entry !== p.base && !loaderStarts.has(0)) {
      notes.push(`the kernel's entry point is ${hex(images.kernel.elf.entry)}, but with -bios none QEMU's reset code jumps to the start of RAM, ${hex(p.base)}, and so does Chronos`);
    }
  }
  // The loader sets the pc after the reset: the ROM's code never runs on that hart.
  for (const [cpu, pc] of loaderStarts) {
    const h = t.harts[cpu];
    h.x.fill(0n);
    h.priv = Priv.M;
    h.pc = pc;
  }
  return { firmware, kernel, initrd, fdt, loads, start, loaderStarts, notes };
}

/** The registers QEMU's reset code leaves: t0 = where it jumps, a0 = hart id, a1 = FDT, a2 = fw_dynamic_info. */
function resetHart(h: Hart, start: bigint, fdt: bigint): void {
  h.priv = Priv.M;
  h.pc = start;
  h.x[5] = start;
  h.x[10] = BigInt(h.hartId);
  h.x[11] = fdt;
  h.x[12] = BigInt(FW_DYNAMIC_INFO);
}

function attachResetRom(t: BootTarget, start: bigint, fdt: bigint, next: bigint): void {
  const bytes = resetRom(start, fdt, next);
  const rom = t.bus.list().find((d) => d.name === MROM.name);
  if (rom instanceof Rom) rom.bytes.set(bytes);
  else t.bus.attach(new Rom(MROM, bytes));
}

/**
 * A program started at `entry` on every hart in M-mode, the device tree already placed at
 * `fdt`: the reset code's registers, for programs that are not booted from files (tests).
 */
export function bootBare(t: BootTarget, entry: bigint, fdt: bigint): void {
  attachResetRom(t, entry, fdt, 0n);
  for (const h of t.harts) resetHart(h, entry, fdt);
}

/** Write the board's device tree to the top of RAM as QEMU does, over whatever is there; its address. */
export function placeDeviceTree(t: BootTarget, bootargs: string): bigint {
  const blob = bootDeviceTree({ ramBase: t.ram.base, ramSize: t.ram.size, harts: t.harts.length }, { bootargs });
  const at = deviceTreeAddress(t.ram.base, t.ram.size, blob);
  const off = Number(at) - t.ram.base;
  const bytes = blob.subarray(0, Math.min(blob.length, t.ram.size - off));
  t.ram.ru8.set(bytes, off);
  t.ram.dirty.mark(off, bytes.length);
  return at;
}

/**
 * The kernel in S-mode, with M-mode state as OpenSBI leaves it for a kernel: the exceptions the
 * kernel handles itself and the S-mode interrupts delegated, counters and Sstc open to S-mode,
 * PMP allowing everything, the FPU on (FS Dirty, fcsr 0: kernels built for rv64gc use it without
 * asking); a0 = hart id, a1 = the device tree.
 */
function enterUnderSbi(h: Hart, entry: bigint, fdt: bigint): void {
  const csr = h.csr;
  csr.medeleg = 0xb1ffn; // all but ecalls from S and M (the firmware answers those)
  csr.mideleg = MIP.SSIP | MIP.STIP | MIP.SEIP;
  csr.mcounteren = 7n;
  csr.menvcfg = (1n << 63n) | (1n << 62n);
  csr.pmpcfg[0] = 0x1fn; csr.pmpaddr[0] = PMPADDR_MASK; csr.pmpChanged();
  csr.mstatus = (csr.mstatus & ~MSTATUS.MPP) | (BigInt(Priv.S) << MPP_SHIFT) | MSTATUS.FS;
  csr.syncFs();
  h.priv = Priv.S;
  h.pc = entry;
  h.x[10] = BigInt(h.hartId);
  h.x[11] = fdt;
}

/**
 * QEMU's reset ROM: the reset code (auipc t0; addi a2, t0, 40; csrr a0, mhartid; ld a1, 32(t0);
 * ld t0, 24(t0); jr t0), the start and device-tree addresses it loads, and fw_dynamic_info
 * (magic "OSBI", version 2, next address, next mode S, options, boot hart) for the firmware.
 */
function resetRom(start: bigint, fdt: bigint, next: bigint): Uint8Array {
  const rom = new Uint8Array(MROM.size);
  const dv = new DataView(rom.buffer);
  const code = [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067];
  code.forEach((w, i) => dv.setUint32(4 * i, w, true));
  dv.setBigUint64(0x18, BigInt.asUintN(64, start), true);
  dv.setBigUint64(0x20, fdt, true);
  const info = FW_DYNAMIC_INFO - MROM.base;
  dv.setBigUint64(info, 0x4942534fn, true);
  dv.setBigUint64(info + 0x08, 2n, true);
  dv.setBigUint64(info + 0x10, BigInt.asUintN(64, next), true);
  dv.setBigUint64(info + 0x18, BigInt(Priv.S), true);
  dv.setBigUint64(info + 0x20, 0n, true);
  dv.setBigUint64(info + 0x28, 0n, true);
  return rom;
}

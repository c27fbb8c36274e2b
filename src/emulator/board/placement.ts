// Where QEMU 7.2's `virt` board puts each image in RAM (hw/riscv/boot.c and virt.c), for each
// boot path:
// - a firmware image (-bios FILE) at the start of RAM; it ends where its bytes end (an ELF: its
//   highest segment's end);
// - the kernel: an ELF at its physical addresses, entered at its lowest one (QEMU hands the
//   firmware that address, not the ELF's entry point, so that a kernel may keep its SBI and ELF
//   entries apart); a flat binary at the first 2 MiB boundary at or after the firmware's end
//   (the start of RAM with -bios none, 0x80200000 behind OpenSBI); a Linux Image behind a
//   firmware `text_offset` above the start of RAM, or above the first 2 MiB boundary past the
//   firmware when that is taken (QEMU loads an Image as a flat binary; Linux asks for this),
//   and with -bios none at the start of RAM, where the reset code jumps (as QEMU puts it);
// - the initrd min(RAM / 2, 128 MiB) above the kernel's entry;
// - the device tree at the top of RAM (board/deviceTree.ts).
// Placing checks what QEMU's ROM loader refuses, and more: everything in RAM, nothing over
// anything else.
import { LoadError, type KernelImage } from '../loader/image.js';
import type { Ram } from '../memory/ram.js';
import { hex } from '../hex.js';

const MiB = 1024n * 1024n;
/** RV64 kernels start on a 2 MiB boundary (riscv_calc_kernel_start_addr). */
const KERNEL_ALIGN = 2n * MiB;

export interface Span { what: string; start: bigint; end: bigint }

const alignUp = (v: bigint, a: bigint): bigint => (v + a - 1n) / a * a;
export const describeSpan = (s: Span): string => `${s.what} [${hex(s.start)}, ${hex(s.end)})`;

/** Copies images into RAM, refusing any that leaves RAM or overlaps one placed before. */
export class RamPlacer {
  readonly spans: Span[] = [];
  readonly base: bigint;
  readonly top: bigint;

  constructor(private readonly ram: Ram) {
    this.base = BigInt(ram.base);
    this.top = this.base + BigInt(ram.size);
  }

  /** Check [start, start + size) is RAM and free; returns the span, not yet recorded. */
  claim(what: string, start: bigint, size: bigint): Span {
    const span = { what, start, end: start + size };
    if (start < this.base || span.end > this.top) {
      throw new LoadError(`${describeSpan(span)} lies outside RAM [${hex(this.base)}, ${hex(this.top)}) (a larger -m/--memory may help)`);
    }
    const other = this.spans.find((s) => s.start < span.end && start < s.end);
    if (other) throw new LoadError(`${describeSpan(span)} overlaps ${describeSpan(other)}`);
    return span;
  }

  /** Copy `bytes` to `start`, zero-filling up to `memSize`; the span is recorded. */
  place(what: string, start: bigint, bytes: Uint8Array, memSize = bytes.length): Span {
    const span = this.claim(what, start, BigInt(Math.max(memSize, bytes.length)));
    const off = Number(start - this.base);
    this.ram.ru8.set(bytes, off);
    this.ram.ru8.fill(0, off + bytes.length, off + memSize);
    this.ram.dirty.mark(off, Math.max(memSize, bytes.length));
    this.spans.push(span);
    return span;
  }

  /** Write bytes over whatever is there (the generic loader may patch a kernel), inside RAM only. */
  overwrite(what: string, start: bigint, bytes: Uint8Array): Span {
    const span = { what, start, end: start + BigInt(bytes.length) };
    if (start < this.base || span.end > this.top) throw new LoadError(`${describeSpan(span)} lies outside RAM [${hex(this.base)}, ${hex(this.top)})`);
    this.ram.ru8.set(bytes, Number(start - this.base));
    this.ram.dirty.mark(Number(start - this.base), bytes.length);
    return span;
  }
}

/** An ELF's loadable segments, each at its physical address; their lowest address. */
function placeElf(p: RamPlacer, what: string, image: Extract<KernelImage, { format: 'elf' }>): { span: Span; entry: bigint } {
  const segs = image.elf.segments.filter((s) => s.memsz > 0);
  if (segs.length === 0) throw new LoadError('the ELF file has no loadable segments');
  let lo = segs[0].paddr, hi = segs[0].paddr;
  for (const s of segs) {
    p.place(`${what} segment ${s.index}`, s.paddr, image.elf.bytes.subarray(s.offset, s.offset + s.filesz), s.memsz);
    if (s.paddr < lo) lo = s.paddr;
    if (s.paddr + BigInt(s.memsz) > hi) hi = s.paddr + BigInt(s.memsz);
  }
  return { span: { what, start: lo, end: hi }, entry: lo };
}

/** The firmware image at the start of RAM; where it ends. */
export function placeFirmware(p: RamPlacer, image: KernelImage): Span {
  if (image.format === 'elf') return placeElf(p, 'the firmware', image).span;
  return p.place('the firmware', p.base, image.bytes);
}

export interface PlacedKernel { format: KernelImage['format']; span: Span; entry: bigint; note?: string }

/**
 * The kernel, behind a firmware that ends at `firmwareEnd`, or with none (`bare`, -bios none).
 * `entry` is where QEMU's firmware (and the built-in SBI) enters it.
 */
export function placeKernel(p: RamPlacer, image: KernelImage, firmwareEnd: bigint, bare = false): PlacedKernel {
  const start = alignUp(firmwareEnd, KERNEL_ALIGN);
  switch (image.format) {
    case 'elf': {
      const { span, entry } = placeElf(p, 'the kernel', image);
      return { format: 'elf', span, entry };
    }
    case 'flat': {
      const span = p.place('the kernel', start, image.bytes);
      return { format: 'flat', span, entry: start };
    }
    case 'linux-image': {
      const { textOffset, imageSize } = image.header;
      const size = imageSize > BigInt(image.bytes.length) ? imageSize : BigInt(image.bytes.length);
      if (textOffset > p.top - p.base) throw new LoadError(`the Linux Image's text_offset 0x${textOffset.toString(16)} is beyond the end of RAM`);
      const at = bare ? p.base : p.base + textOffset >= firmwareEnd ? p.base + textOffset : start + textOffset;
      const span = p.place('the kernel', at, image.bytes, Number(size));
      const note = bare && textOffset !== 0n
        ? `with -bios none the Image goes at the start of RAM, where the reset code jumps, as QEMU puts it (its text_offset 0x${textOffset.toString(16)} is for booting behind a firmware)`
        : undefined;
      return { format: 'linux-image', span, entry: at, note };
    }
  }
}

/** The initrd, as QEMU places it: min(RAM / 2, 128 MiB) above the kernel's entry. */
export function placeInitrd(p: RamPlacer, bytes: Uint8Array, kernelEntry: bigint): Span {
  const ramSize = p.top - p.base;
  const gap = ramSize / 2n < 128n * MiB ? ramSize / 2n : 128n * MiB;
  return p.place('the initrd', kernelEntry + gap, bytes);
}

/** Where the built-in SBI puts a flat kernel and enters when there is none: where OpenSBI's kernel goes. */
export const sbiKernelStart = (p: RamPlacer): bigint => p.base + KERNEL_ALIGN;

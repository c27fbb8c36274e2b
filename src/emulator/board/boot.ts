// The three ways the machine starts, as qemu-system-riscv64 -machine virt starts them:
// bare (-bios none: the program runs in M-mode from its entry on every hart), under the
// built-in SBI (the kernel runs in S-mode on the boot hart, as if OpenSBI had booted it), or
// through a firmware image at the start of RAM. QEMU's reset ROM starts every hart in M-mode
// with a0 = its hart id, a1 = the device tree and a2 = fw_dynamic_info; the ROM is there in
// every case (its bytes can be read), and its effect is applied directly. The device tree goes
// where QEMU 7.2 puts it.
import { Priv } from '../cpu/causes.js';
import { MIP, MSTATUS } from '../cpu/csrFile.js';
import { MPP_SHIFT } from '../isa/csrFields.js';
import type { Hart } from '../cpu/hart.js';
import { PMPADDR_MASK } from '../cpu/pmp.js';
import { Rom } from '../devices/rom.js';
import { fdtAddress, virtDeviceTree } from '../fdt/virt.js';
import { checkSegments, parseElf } from '../loader/elf.js';
import type { Bus } from '../memory/bus.js';
import type { Ram } from '../memory/ram.js';
import { MROM } from './virtMap.js';

/** What booting touches. */
export interface BootTarget {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: readonly Hart[];
  readonly bootargs: string;
}

/** Where the reset ROM keeps fw_dynamic_info, which a2 points to. */
export const FW_DYNAMIC_INFO = MROM.base + 0x28;
/** Firmware images must fit below the kernel, which sits 2 MiB into RAM. */
const MAX_FIRMWARE = 0x200000;

/** Write the device tree to the top of RAM as QEMU does; its address, or 0 when RAM is too small. */
export function placeDeviceTree(t: BootTarget): bigint {
  const dtb = virtDeviceTree({ ramBase: t.ram.base, ramSize: t.ram.size, bootargs: t.bootargs, harts: t.harts.length });
  const at = fdtAddress(t.ram.base, t.ram.size, dtb.length);
  if (at < t.ram.base) return 0n;
  t.ram.ru8.set(dtb, at - t.ram.base);
  return BigInt(at);
}

/** -bios none: every hart in M-mode at the program's entry, as the reset code leaves it. */
export function bootBare(t: BootTarget, entry: bigint, fdt: bigint): void {
  attachResetRom(t, entry, fdt, entry);
  for (const h of t.harts) resetHart(h, entry, fdt);
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
  if (!t.bus.list().some((d) => d.name === MROM.name)) t.bus.attach(new Rom(MROM, resetRom(start, fdt, next)));
}

/**
 * The kernel in S-mode, with M-mode state as OpenSBI leaves it for a kernel: the exceptions the
 * kernel handles itself and the S-mode interrupts delegated, counters and Sstc open to S-mode,
 * PMP allowing everything, the FPU on (FS Dirty, fcsr 0: kernels built for rv64gc use it without
 * asking); a0 = hart id, a1 = the device tree.
 */
export function bootUnderSbi(t: BootTarget, entry: bigint, fdt: bigint): void {
  attachResetRom(t, BigInt(t.ram.base), fdt, entry);
  for (const h of t.harts) {
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
}

/**
 * A firmware image (raw, or an ELF) at the start of RAM, entered from the reset ROM in M-mode
 * with a0 = hart id, a1 = the device tree and a2 = fw_dynamic_info, whose next address is the
 * kernel's entry. Throws RangeError or ElfError for an image that cannot be placed.
 */
export function bootFirmware(t: BootTarget, image: Uint8Array, kernelEntry: bigint | undefined, fdt: bigint): void {
  const ram = t.ram;
  if (image.length >= 4 && image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46) {
    const fw = parseElf(image);
    checkSegments(fw, BigInt(ram.base), BigInt(ram.size));
    for (const s of fw.segments) ram.ru8.set(fw.bytes.subarray(s.offset, s.offset + s.filesz), Number(s.paddr - BigInt(ram.base)));
  } else {
    if (image.length > MAX_FIRMWARE) throw new RangeError('firmware image larger than the 2 MiB before the kernel');
    ram.ru8.set(image, 0);
  }
  attachResetRom(t, BigInt(ram.base), fdt, kernelEntry ?? BigInt(ram.base + MAX_FIRMWARE));
  for (const h of t.harts) resetHart(h, BigInt(ram.base), fdt);
}

/**
 * QEMU's reset ROM: the reset code (auipc t0; addi a2, t0, 40; csrr a0, mhartid; ld a1, 32(t0);
 * ld t0, 24(t0); jr t0), the firmware and device-tree addresses it loads, and fw_dynamic_info
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

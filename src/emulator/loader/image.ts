// What kind of file a kernel or firmware image is: an ELF (segments at their physical
// addresses), a Linux `Image` (its header says where it goes), or a flat binary (raw bytes,
// placed where QEMU places them for the boot path). A file that cannot be booted is a
// LoadError (or an ElfError from the ELF reader) naming what is wrong.
import { parseElf, type ElfFile } from './elf.js';
import { readLinuxImageHeader, type LinuxImageHeader } from './linuxImage.js';

export class LoadError extends Error {
  override name = 'LoadError';
}

export type KernelImage =
  | { format: 'elf'; elf: ElfFile }
  | { format: 'linux-image'; bytes: Uint8Array; header: LinuxImageHeader }
  | { format: 'flat'; bytes: Uint8Array };

/** The legacy U-Boot image header's magic (big-endian), which QEMU's -kernel also takes. */
const UIMAGE_MAGIC = 0x27051956;

export const isElf = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

/** Classify an image; an ELF is parsed (and may throw ElfError). */
export function classifyImage(bytes: Uint8Array): KernelImage {
  if (isElf(bytes)) return { format: 'elf', elf: parseElf(bytes) };
  if (bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) === UIMAGE_MAGIC) {
    throw new LoadError('a U-Boot legacy image (uImage): Chronos boots ELF files, Linux Image files and flat binaries (mkimage -l shows what it holds; take the ELF or the raw image it was made from)');
  }
  const header = readLinuxImageHeader(bytes);
  if (header) {
    if (header.flags & 1n) throw new LoadError('a big-endian Linux Image (flags bit 0): RISC-V kernels are little-endian');
    return { format: 'linux-image', bytes, header };
  }
  if (bytes.length === 0) throw new LoadError('the file is empty');
  return { format: 'flat', bytes };
}

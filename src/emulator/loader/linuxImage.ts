// The header of a RISC-V Linux `Image` (the kernel's Documentation/arch/riscv/boot-image-header.rst):
// 64 bytes at the start of the file, little-endian, recognised by its magic numbers. The boot
// loader places the image `text_offset` bytes above a 2 MiB-aligned base in RAM and jumps to
// its first byte; `image_size` is how much memory it then occupies (its .bss included).

/** "RSC\x05" at offset 56, the current magic. */
const MAGIC2 = 0x05435352;
/** "RISCV\0\0\0" at offset 48, the first (deprecated, still written) magic. */
const MAGIC = 0x5643534952n;
export const LINUX_IMAGE_HEADER_SIZE = 64;

export interface LinuxImageHeader {
  /** Where the image goes, relative to a 2 MiB-aligned base in RAM. */
  textOffset: bigint;
  /** The memory the kernel occupies once running; 0 in old headers (then the file's length counts). */
  imageSize: bigint;
  /** Bit 0: the kernel's byte order (0 = little-endian). */
  flags: bigint;
  /** major << 16 | minor. */
  version: number;
}

/** The header if `bytes` starts with one, else undefined. */
export function readLinuxImageHeader(bytes: Uint8Array): LinuxImageHeader | undefined {
  if (bytes.length < LINUX_IMAGE_HEADER_SIZE) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, LINUX_IMAGE_HEADER_SIZE);
  if (dv.getUint32(56, true) !== MAGIC2 && dv.getBigUint64(48, true) !== MAGIC) return undefined;
  return { textOffset: dv.getBigUint64(8, true), imageSize: dv.getBigUint64(16, true), flags: dv.getBigUint64(24, true), version: dv.getUint32(32, true) };
}

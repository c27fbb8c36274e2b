// Where a disk's bytes live. The emulator runs in browsers too, so it never opens files: a
// backend is handed to it. Here are the two that need no host: an image held in memory, and
// an overlay that keeps every write in memory over a base it never changes (QEMU's
// snapshot=on). The command line and the debugger add one over a host file (src/debugger/fileDisk.ts).

export const SECTOR = 512;

export interface BlockBackend {
  /** The image's size in bytes. */
  readonly size: number;
  /** `length` bytes from `offset`; bytes past the end of the image read as zero. */
  read(offset: number, length: number): Uint8Array;
  /** Write at `offset` (the image grows if the write runs past its end). Throws on a host I/O error. */
  write(offset: number, bytes: Uint8Array): void;
  /** Make the writes so far durable. Throws on a host I/O error. */
  flush(): void;
  /** The written contents for a machine snapshot, when this backend can give them cheaply. */
  save?(): unknown;
  restore?(state: unknown): void;
}

/** An image in memory; writes change it in place. */
export class MemoryDisk implements BlockBackend {
  private bytes: Uint8Array;

  constructor(image: Uint8Array) { this.bytes = image; }

  get size(): number { return this.bytes.length; }
  /** The image as it is now. */
  get contents(): Uint8Array { return this.bytes; }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (offset < this.bytes.length) out.set(this.bytes.subarray(offset, Math.min(offset + length, this.bytes.length)));
    return out;
  }

  write(offset: number, bytes: Uint8Array): void {
    if (offset + bytes.length > this.bytes.length) {
      const grown = new Uint8Array(offset + bytes.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(bytes, offset);
  }

  flush(): void {}
}

/**
 * Writes kept in memory, sector by sector, over a base image that is only ever read. A written
 * sector is replaced, never changed in place, so a snapshot is a copy of the sector map that
 * shares the sectors themselves: cheap enough to take at every machine snapshot, which makes
 * the guest's disk writes reversible.
 */
export class OverlayDisk implements BlockBackend {
  private sectors = new Map<number, Uint8Array>();
  private length: number;

  constructor(readonly base: BlockBackend) { this.length = base.size; }

  get size(): number { return this.length; }
  /** How many sectors have been written. */
  get written(): number { return this.sectors.size; }

  private sector(n: number): Uint8Array {
    return this.sectors.get(n) ?? this.base.read(n * SECTOR, SECTOR);
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done, n = Math.floor(at / SECTOR), within = at % SECTOR;
      const chunk = Math.min(SECTOR - within, length - done);
      const own = this.sectors.get(n);
      if (own) out.set(own.subarray(within, within + chunk), done);
      else if (at < this.base.size) out.set(this.base.read(at, chunk), done);
      done += chunk;
    }
    // Bytes past the end of the image read as zero, even where a sector straddles it.
    if (offset + length > this.length) out.fill(0, Math.max(0, this.length - offset));
    return out;
  }

  write(offset: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = offset + done, n = Math.floor(at / SECTOR), within = at % SECTOR;
      const chunk = Math.min(SECTOR - within, bytes.length - done);
      const s = chunk === SECTOR ? new Uint8Array(SECTOR) : this.sector(n).slice();
      s.set(bytes.subarray(done, done + chunk), within);
      this.sectors.set(n, s);
      done += chunk;
    }
    this.length = Math.max(this.length, offset + bytes.length);
  }

  flush(): void {}

  save(): { sectors: Map<number, Uint8Array>; length: number } {
    return { sectors: new Map(this.sectors), length: this.length };
  }

  restore(state: unknown): void {
    const s = state as { sectors: Map<number, Uint8Array>; length: number };
    this.sectors = new Map(s.sectors);
    this.length = s.length;
  }
}

// A disk image in a host file, for the command line and the debug adapter (the emulator itself
// never touches files). Writes go straight to the file, as QEMU's raw driver does; with
// snapshot=on they are kept in memory over the untouched file (OverlayDisk).
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { OverlayDisk, type BlockBackend } from '../emulator/devices/blockBackend.js';
import type { Drive } from '../emulator/board/virtio.js';
import type { DriveSpec } from './driveSpec.js';

export class FileDisk implements BlockBackend {
  private length: number;

  private constructor(readonly path: string, private fd: number) {
    this.length = fstatSync(fd).size;
  }

  /** Open an image; throws an Error whose message names the file and the problem. */
  static open(path: string, writable: boolean): FileDisk {
    let fd: number;
    try {
      fd = openSync(path, writable ? 'r+' : 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory', EROFS: 'on a read-only file system (use snapshot=on or readonly=on)' };
      throw new Error(`${path}: ${why[code ?? ''] ?? (e as Error).message}`);
    }
    const st = fstatSync(fd);
    if (!st.isFile()) { closeSync(fd); throw new Error(`${path}: not a regular file`); }
    return new FileDisk(path, fd);
  }

  get size(): number { return this.length; }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length && offset + done < this.length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out;
  }

  write(offset: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done);
    this.length = Math.max(this.length, offset + bytes.length);
  }

  flush(): void { fsyncSync(this.fd); }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** A drive for the machine from its spec, and how to let go of the file. */
export function openDrive(spec: DriveSpec): { drive: Drive; close: () => void } {
  const file = FileDisk.open(spec.path, !spec.snapshot && !spec.readOnly);
  const backend = spec.snapshot ? new OverlayDisk(file) : file;
  return { drive: { backend, readOnly: spec.readOnly, serial: spec.serial }, close: () => file.close() };
}

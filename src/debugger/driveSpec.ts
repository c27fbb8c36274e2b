// A disk as the user names it: `chronos run --drive SPEC` and launch.json's `drive` take the
// same text, in the spirit of QEMU's -drive: the image's path, then options separated by
// commas (a comma inside the path is written twice, as QEMU has it).
//   fs.img                      writes go to the file
//   fs.img,snapshot=on          writes are kept in memory; the file is never changed
//   fs.img,readonly=on          the guest may only read (the device says so; writes fail)
//   fs.img,serial=disk0         what the device's get-id request answers
// Only raw images exist here: format=raw is accepted, any other format is refused.

import { splitCommas } from './qemu/keyval.js';

export interface DriveSpec {
  path: string;
  snapshot: boolean;
  readOnly: boolean;
  serial?: string;
}

export class DriveSpecError extends Error {}

const ON_OFF: Record<string, boolean> = { on: true, off: false, yes: true, no: false, true: true, false: false };

export function parseDriveSpec(text: string): DriveSpec {
  const [first, ...rest] = splitCommas(text);
  const spec: DriveSpec = { path: first.startsWith('file=') ? first.slice(5) : first, snapshot: false, readOnly: false };
  if (!spec.path) throw new DriveSpecError(`'${text}' names no image file`);
  for (const f of rest) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq), value = eq < 0 ? '' : f.slice(eq + 1);
    const flag = (): boolean => {
      const b = ON_OFF[value];
      if (b === undefined) throw new DriveSpecError(`${key} takes on or off, not '${value}'`);
      return b;
    };
    switch (key) {
      case 'snapshot': spec.snapshot = flag(); break;
      case 'readonly': spec.readOnly = flag(); break;
      case 'serial': spec.serial = value; break;
      case 'format':
        if (value !== 'raw') throw new DriveSpecError(`only raw images are supported, not format=${value}`);
        break;
      default: throw new DriveSpecError(`unknown drive option '${key}' (known: snapshot, readonly, serial, format)`);
    }
  }
  return spec;
}

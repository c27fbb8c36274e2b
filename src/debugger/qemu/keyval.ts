// QEMU's option values: `key=value,key=value`, where a comma inside a value is written `,,`
// and the first item may leave out its key (`-machine virt,dumpdtb=f` means type=virt,
// `-smp 3` means cpus=3), as qemu-options.hx documents them.

export interface KeyVal {
  /** The properties in order of appearance. */
  readonly entries: [string, string][];
  get(key: string): string | undefined;
  has(key: string): boolean;
}

export class KeyValError extends Error {
  override name = 'KeyValError';
}

/** Split at single commas; a doubled comma is a comma (QEMU's escape for one in a value). */
export function splitCommas(text: string): string[] {
  const items: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ',') { cur += text[i]; continue; }
    if (text[i + 1] === ',') { cur += ','; i++; continue; }
    items.push(cur);
    cur = '';
  }
  items.push(cur);
  return items;
}

/** Split `text` into properties; an item without `=` is `implied`'s value (first item only). */
export function parseKeyVal(text: string, implied?: string): KeyVal {
  const items = splitCommas(text);
  const entries: [string, string][] = [];
  items.forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (i === 0 && implied && item !== '') { entries.push([implied, item]); return; }
      if (item === '' && i === items.length - 1 && i > 0) return; // a trailing comma
      throw new KeyValError(item === '' ? 'an empty item' : `'${item}' needs a value (${item}=...)`);
    }
    const key = item.slice(0, eq);
    if (!key) throw new KeyValError(`'${item}' has no name before '='`);
    if (entries.some(([k]) => k === key)) throw new KeyValError(`${key} given twice`);
    entries.push([key, item.slice(eq + 1)]);
  });
  const map = new Map(entries);
  return { entries, get: (k) => map.get(k), has: (k) => map.has(k) };
}

/** QEMU's booleans: on/off, also yes/no and true/false. */
export function parseBool(key: string, value: string): boolean {
  if (['on', 'yes', 'true'].includes(value)) return true;
  if (['off', 'no', 'false'].includes(value)) return false;
  throw new KeyValError(`${key}=${value}: expected on or off`);
}

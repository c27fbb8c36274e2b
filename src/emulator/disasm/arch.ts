// Which extensions objdump may print instructions from. It reads an ISA string (the ELF's
// Tag_RISCV_arch attribute for the whole file, then each `$xrv64i2p1_m2p0...` mapping symbol
// from its address on) and shows an encoding only when the class binutils files it under is
// in that set; anything else prints as a raw `.4byte`/`.2byte`. So a `.option norvc` region
// shows `0001` as `.2byte 0x1`, not `nop`.

/** Lower-case extension names: 'i', 'm', 'c', 'zicsr', ... */
export type Arch = ReadonlySet<string>;

/** What each extension brings with it (the part of binutils' riscv_implicit_subsets that matters here). */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  g: ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei'],
  e: ['i'],
  m: ['zmmul'],
  d: ['f'],
  q: ['d'],
  f: ['zicsr'],
};

/** Parse an ISA string; extensions carry optional versions (`m2p0`), multi-letter ones are `_`-separated. */
export function parseArch(isa: string): Set<string> {
  const out = new Set<string>();
  const base = /^rv(32|64|128)/i.exec(isa);
  if (!base) return out;
  const s = isa.slice(base[0].length).toLowerCase();
  const add = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const n of IMPLIES[name] ?? []) add(n);
  };
  for (let i = 0; i < s.length;) {
    if (s[i] === '_') { i++; continue; }
    if (s[i] === 'z' || s[i] === 's' || s[i] === 'x') {
      // A multi-letter extension runs to the next underscore; a trailing `2p0` is its version.
      const end = s.indexOf('_', i) < 0 ? s.length : s.indexOf('_', i);
      add(s.slice(i, end).replace(/\d+(p\d+)?$/, ''));
      i = end;
      continue;
    }
    const v = /^(\d+)(?:p(\d+))?/.exec(s.slice(i + 1));
    // Before version 2.1, `i` still included Zicsr and Zifencei (split off in ISA spec 20190608);
    // without a version it is 2.1, as in the spec binutils defaults to.
    if (s[i] === 'i' && v && (Number(v[1]) < 2 || (Number(v[1]) === 2 && Number(v[2] ?? 0) < 1))) {
      add('zicsr'); add('zifencei');
    }
    add(s[i]);
    i += 1 + (v ? v[0].length : 0);
  }
  return out;
}

/** binutils' instruction classes, named by the extension that enables them ('i' is always there). */
export type InsnClass = 'i' | 'm' | 'zmmul' | 'a' | 'c' | 'f' | 'd' | 'dc' | 'zicsr' | 'zifencei' | 'zihintpause';

/** `dc` is binutils' D_AND_C: the compressed double loads and stores. */
export const supports = (arch: Arch, cls: InsnClass): boolean =>
  cls === 'i' || (cls === 'dc' ? arch.has('d') && arch.has('c') : arch.has(cls));

/** The hart's own ISA: what `disassemble` assumes when no ELF says otherwise. */
export const HART_ARCH: Arch = parseArch('rv64imafdc_zicsr_zifencei');

/** What objdump assumes for an ELF without a .riscv.attributes section. */
export const OBJDUMP_DEFAULT_ARCH = 'rv64gc';

// The debugging-information entries of .debug_info (DWARF 2–5): enough of them to answer
// "which variables are live at this pc, where are they, and what are their types". A unit's
// tree is read when first needed; a Rust teaching kernel has tens of thousands of entries.
import { Reader, stringAt } from './reader.js';
import { lineFileNames } from './lineFiles.js';
import { Attrs } from './attrs.js';

export const TAG = {
  arrayType: 0x01, enumerationType: 0x04, formalParameter: 0x05, lexicalBlock: 0x0b, member: 0x0d,
  pointerType: 0x0f, referenceType: 0x10, compileUnit: 0x11, structureType: 0x13, subroutineType: 0x15,
  typedef: 0x16, unionType: 0x17, inlinedSubroutine: 0x1d, subrangeType: 0x21, baseType: 0x24,
  constType: 0x26, enumerator: 0x28, subprogram: 0x2e, variable: 0x34, volatileType: 0x35,
  variantPart: 0x33, variant: 0x19, namespace: 0x39, restrictType: 0x37, classType: 0x02,
  callSite: 0x48, callSiteParameter: 0x49, gnuCallSite: 0x4109, gnuCallSiteParameter: 0x410a,
  templateTypeParameter: 0x2f,
} as const;

export const AT = {
  location: 0x02, name: 0x03, byteSize: 0x0b, lowPc: 0x11, highPc: 0x12, constValue: 0x1c,
  upperBound: 0x2f, count: 0x37, dataMemberLocation: 0x38, discr: 0x15, discrValue: 0x16, encoding: 0x3e,
  frameBase: 0x40, type: 0x49, ranges: 0x55, abstractOrigin: 0x31, specification: 0x47,
  declaration: 0x3c, external: 0x3f, linkageName: 0x6e, mipsLinkageName: 0x2007,
  callReturnPc: 0x7d, callValue: 0x7e, gnuCallSiteValue: 0x2111, callPc: 0x81,
  loclistsBase: 0x8c, addrBase: 0x73, stmtList: 0x10, entryPc: 0x52, callColumn: 0x57, callFile: 0x58,
  callLine: 0x59,
} as const;

export type AttrValue = number | bigint | string | Uint8Array | boolean | LocList;

export interface Die {
  offset: number;
  tag: number;
  attrs: Attrs<AttrValue>;
  children: Die[];
  parent?: Die;
}

/** The children of every entry whose abbreviation says it has none: one array, never added to. */
const NO_CHILDREN: Die[] = [];

/**
 * An entry below a unit's root, as parseUnit makes it: where its values lie, read into `attrs`
 * the first time they are asked for. The first stack trace reads the tree of the unit at its pc
 * (tens of thousands of entries in a Rust kernel's crate) and the attributes of a few hundred:
 * decoding every value (the strings, the 64-bit addresses) was most of the read.
 */
class LazyDie implements Die {
  private read: Attrs<AttrValue> | undefined;
  constructor(readonly offset: number, readonly tag: number, readonly children: Die[], readonly parent: Die | undefined,
    private readonly pos: number, readonly abbrev: Abbrev, private readonly unit: Unit) {}

  get attrs(): Attrs<AttrValue> {
    return this.read ??= this.unit.info.attrsOf(this.pos, this.abbrev, this.unit);
  }

  /** Its DW_AT_low_pc, DW_AT_high_pc and DW_AT_ranges (what "where is its code" needs), the others left unread. */
  codeAttrs(): Attrs<AttrValue> {
    return this.read ?? this.unit.info.codeAttrsOf(this.pos, this.abbrev, this.unit) ?? this.attrs;
  }
}

export interface InfoSections {
  debugInfo: Uint8Array;
  debugAbbrev: Uint8Array;
  debugStr?: Uint8Array;
  debugLineStr?: Uint8Array;
  debugRanges?: Uint8Array;
  debugRngLists?: Uint8Array;
  debugStrOffsets?: Uint8Array;
  debugAddr?: Uint8Array;
  debugLoc?: Uint8Array;
  debugLocLists?: Uint8Array;
  /** For the file names of inlined calls' DW_AT_call_file (the unit's line-program header). */
  debugLine?: Uint8Array;
}

/** A location that is a list (DW_AT_location or DW_AT_frame_base as a loclistptr): its offset in .debug_loc(lists). */
export class LocList { constructor(readonly offset: number) {} }

/** What a unit's location lists and address indexes need: its version, base address and bases. */
interface UnitInfo { version: number; base: bigint; addrBase?: number; is64: boolean }

/** An index form (strx, addrx, rnglistx) kept until the unit's bases are known. */
class Indexed { constructor(readonly kind: 'str' | 'addr' | 'rnglist' | 'loclist', readonly index: number) {} }

interface Abbrev {
  tag: number; children: boolean; specs: [number, number, number][];
  /** The attributes its entries have, each once, in the order first named (as a Map's keys would be). */
  keys: number[];
  /** Where each spec's value goes in `keys`' order, when an attribute is named twice (the later value wins, as Map.set's). */
  slots: number[] | undefined;
  /** How its entries' values are skipped, made when its unit is first read (most units never are). */
  layout?: AbbrevLayout;
}

interface AbbrevLayout {
  /** The bytes its entries' values take when every form is of fixed size in the unit (its offset size, its version), else -1. */
  fixedSize: number;
  /** Each value's size when fixed, else -1 (skipValue reads it), in `specs`' order. */
  sizes: number[];
  /** Whether its entries can say where their code is (DW_AT_low_pc or DW_AT_ranges): a subprogram without is a declaration. */
  mayHaveCode: boolean;
}

/** An abbreviation's layout in a unit of this offset size and version. */
function layoutOf(ab: Abbrev, is64: boolean, version: number): AbbrevLayout {
  const sizes = ab.specs.map(([, form]) => fixedFormSize(form, is64, version));
  const fixedSize = sizes.includes(-1) ? -1 : sizes.reduce((a, b) => a + b, 0);
  return { fixedSize, sizes, mayHaveCode: ab.keys.includes(AT.lowPc) || ab.keys.includes(AT.ranges) };
}

/** The bytes a value of `form` takes, when that does not depend on the value (addresses are 8 bytes); -1 when it does. */
function fixedFormSize(form: number, is64: boolean, version: number): number {
  switch (form) {
    case 0x19: case 0x21: return 0;                                   // flag_present, implicit_const
    case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: return 1;  // data1, flag, ref1, strx1, addrx1
    case 0x05: case 0x12: case 0x26: case 0x2a: return 2;             // data2, ref2, strx2, addrx2
    case 0x27: case 0x2b: return 3;                                   // strx3, addrx3
    case 0x06: case 0x13: case 0x28: case 0x2c: return 4;             // data4, ref4, strx4, addrx4
    case 0x01: case 0x07: case 0x14: case 0x20: return 8;             // addr, data8, ref8, ref_sig8
    case 0x1e: return 16;                                             // data16
    case 0x0e: case 0x17: case 0x1f: return is64 ? 8 : 4;             // strp, sec_offset, line_strp
    case 0x10: return version <= 2 ? 8 : is64 ? 8 : 4;                // ref_addr
    default: return -1;
  }
}

/** What a value read in `form` means for attribute `at`, where the form alone does not say. */
function meaning(at: number, form: number, version: number, v: AttrValue): AttrValue {
  // high_pc is an address only in DW_FORM_addr; in any constant form it is a length.
  if (at === AT.highPc && form !== 0x01) return Number(v);
  // A location as a section offset (sec_offset, or data4/data8 before DWARF 4) is a list.
  if ((at === AT.location || at === AT.frameBase) && (form === 0x17 || (version < 4 && (form === 0x06 || form === 0x07)))) {
    return new LocList(Number(v)) as unknown as AttrValue;
  }
  return v;
}

function readAbbrevs(data: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new Reader(data, offset);
  const out = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) return out;
    const tag = r.uleb(), children = r.u8() === 1;
    const specs: [number, number, number][] = [];
    for (;;) {
      const at = r.uleb(), form = r.uleb();
      if (at === 0 && form === 0) break;
      specs.push([at, form, form === 0x21 ? r.sleb() : 0]); // DW_FORM_implicit_const
    }
    const keys = [...new Set(specs.map(([at]) => at))];
    const slots = keys.length === specs.length ? undefined : specs.map(([at]) => keys.indexOf(at));
    out.set(code, { tag, children, specs, keys, slots });
  }
}

/** Where a unit lies in .debug_info and what reading its entries needs; `dies` once parsed. */
interface Unit {
  info: DebugInfo;
  start: number; end: number; is64: boolean; version: number;
  abbrevs: Map<number, Abbrev>;
  root: Die;
  /** Where the entries after the root begin (the unit's end when the root has no children). */
  next: number;
  /** The code the unit covers (its root's low_pc/high_pc or DW_AT_ranges); undefined when the root says nothing, so any pc may be in it. */
  ranges?: [bigint, bigint][];
  /** Its entries in offset order, root first, once read. */
  dies?: Die[];
  functions?: { low: bigint; high: bigint; die: Die }[];
}

/**
 * Every unit's entries, as trees; references (DW_FORM_ref*) are absolute .debug_info offsets.
 * Only the unit headers and root entries are read at construction: a unit's other entries are
 * read the first time a query needs them (a pc in its ranges, a reference into it, or a query
 * over the whole program), so the first stack trace reads the unit at its pc, not all of them.
 */
export class DebugInfo {
  private readonly unitList: Unit[] = [];
  /** Subprograms with code of the units read so far, in address order, for "which function holds this pc". */
  private functions: { low: bigint; high: bigint; die: Die }[] = [];
  private functionsStale = false;
  private parsedCount = 0;
  private allParsed = false;

  constructor(private readonly s: InfoSections) {
    this.valueReader = new Reader(s.debugInfo);
    const r = new Reader(s.debugInfo);
    while (r.pos + 11 <= s.debugInfo.length) {
      const start = r.pos;
      const { end, is64 } = r.unitLength();
      const version = r.u16();
      let abbrevOff: number, addrSize: number;
      if (version >= 5) { r.u8(); addrSize = r.u8(); abbrevOff = r.offset(is64); }
      else { abbrevOff = r.offset(is64); addrSize = r.u8(); }
      if (version < 2 || version > 5 || addrSize !== 8) { r.pos = end; continue; }
      const abbrevs = readAbbrevs(s.debugAbbrev, abbrevOff);
      const offset = r.pos;
      const code = offset < end ? r.uleb() : 0;
      const ab = abbrevs.get(code);
      if (code === 0 || !ab) { r.pos = end; continue; }
      const root = this.readDie(r, offset, ab, start, is64, version, undefined);
      const unit: Unit = { info: this, start, end, is64, version, abbrevs, root, next: ab.children ? r.pos : end };
      this.unitList.push(unit);
      this.resolveRoot(unit);
      unit.ranges = this.hasAddresses(root) ? this.ranges(root) : undefined;
      r.pos = end;
    }
  }

  /** Every unit's root entry (DW_TAG_compile_unit), with all entries read. */
  get units(): Die[] {
    this.parseAll();
    return this.unitList.map((u) => u.root);
  }

  /** How many units have had their entries read (for tests of the lazy reading). */
  get parsedUnits(): number { return this.parsedCount; }

  /** Whether the last readDie read an index form (strx, addrx, ...), which resolveIndexed then resolves. */
  private sawIndexed = false;

  private readDie(r: Reader, offset: number, ab: Abbrev, unit: number, is64: boolean, version: number, parent: Die | undefined): Die {
    const attrs = this.readAttrs(r, ab, unit, is64, version);
    return { offset, tag: ab.tag, attrs, children: ab.children ? [] : NO_CHILDREN, parent };
  }

  /** The attributes of an entry of `ab` whose values `r` is at; sawIndexed says whether resolveIndexed must see them. */
  private readAttrs(r: Reader, ab: Abbrev, unit: number, is64: boolean, version: number): Attrs<AttrValue> {
    const vals: AttrValue[] = [];
    const specs = ab.specs;
    let indexed = false;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i], at = spec[0], form = spec[1];
      const v = meaning(at, form, version, this.value(r, form, spec[2], unit, is64, version));
      if (v instanceof Indexed) indexed = true;
      if (ab.slots) vals[ab.slots[i]] = v;
      else vals.push(v);
    }
    this.sawIndexed = indexed;
    return new Attrs(ab.keys, vals);
  }

  /** Reads the values of an entry made by parseUnit, the first time they are asked for (LazyDie). */
  private readonly valueReader: Reader;

  /** How many entries below a root have had their attributes read (for tests of the lazy reading). */
  get attributesRead(): number { return this.readCount; }
  private readCount = 0;

  /** @internal LazyDie's attributes, read from where its values lie. */
  attrsOf(pos: number, ab: Abbrev, u: Unit): Attrs<AttrValue> {
    this.readCount++;
    const r = this.valueReader;
    r.pos = pos;
    const attrs = this.readAttrs(r, ab, u.start, u.is64, u.version);
    if (this.sawIndexed) this.resolveIndexed(attrs, u.root, u.is64);
    return attrs;
  }

  /** @internal LazyDie's attributes that say where its code is, alone; undefined when one is an index form (which needs them all read). */
  codeAttrsOf(pos: number, ab: Abbrev, u: Unit): Attrs<AttrValue> | undefined {
    const r = this.valueReader;
    r.pos = pos;
    const keys: number[] = [], vals: AttrValue[] = [];
    for (const [at, form, implicit] of ab.specs) {
      if (at !== AT.lowPc && at !== AT.highPc && at !== AT.ranges) { this.skipValue(r, form, u.is64, u.version); continue; }
      const raw = this.value(r, form, implicit, u.start, u.is64, u.version);
      if (raw instanceof Indexed) return undefined;
      const v = meaning(at, form, u.version, raw);
      const i = keys.indexOf(at);
      if (i >= 0) vals[i] = v; else { keys.push(at); vals.push(v); }
    }
    return new Attrs(keys, vals);
  }

  /** Past an entry's values, reading none (what a value is is read only if it is asked for). */
  private skipValues(r: Reader, ab: Abbrev, is64: boolean, version: number): void {
    const layout = ab.layout ??= layoutOf(ab, is64, version);
    if (layout.fixedSize >= 0) { r.pos += layout.fixedSize; return; }
    const sizes = layout.sizes, specs = ab.specs;
    for (let i = 0; i < sizes.length; i++) {
      if (sizes[i] >= 0) r.pos += sizes[i];
      else this.skipValue(r, specs[i][1], is64, version);
    }
  }

  private skipValue(r: Reader, form: number, is64: boolean, version: number): void {
    const n = fixedFormSize(form, is64, version);
    if (n >= 0) { r.pos += n; return; }
    switch (form) {
      case 0x03: r.skip(r.u16()); return;                                  // block2
      case 0x04: r.skip(r.u32()); return;                                  // block4
      case 0x08: while (r.bytes[r.pos] !== 0) r.pos++; r.pos++; return;     // string
      case 0x09: case 0x18: r.skip(r.uleb()); return;                      // block, exprloc
      case 0x0a: r.skip(r.u8()); return;                                   // block1
      case 0x0d: case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: r.uleb(); return; // sdata, udata, ref_udata, strx, addrx, loclistx, rnglistx
      case 0x16: this.skipValue(r, r.uleb(), is64, version); return;        // indirect
      default: throw new Error(`DWARF form 0x${form.toString(16)} is not supported`);
    }
  }

  /** Reads the entries of a unit after its root, once. */
  private parseUnit(u: Unit): void {
    if (u.dies) return;
    const { end, is64, version, abbrevs, root } = u;
    const dies: Die[] = [root];
    const r = new Reader(this.s.debugInfo, u.next);
    const stack: Die[] = [root];
    while (r.pos < end && stack.length) {
      const offset = r.pos;
      const code = r.uleb();
      if (code === 0) { stack.pop(); continue; }
      const ab = abbrevs.get(code);
      if (!ab) break; // damaged: stop reading this unit rather than guess
      const parent = stack[stack.length - 1];
      const die = new LazyDie(offset, ab.tag, ab.children ? [] : NO_CHILDREN, parent, r.pos, ab, u);
      this.skipValues(r, ab, is64, version);
      dies.push(die);
      parent.children.push(die);
      if (ab.children) stack.push(die);
    }
    u.dies = dies;
    this.parsedCount++;
    this.collectFunctions(u);
  }

  private collectFunctions(u: Unit): void {
    u.functions = [];
    for (const die of u.dies!) {
      if (die.tag !== TAG.subprogram) continue;
      if (die instanceof LazyDie && !die.abbrev.layout!.mayHaveCode) continue; // a declaration (parseUnit gave every abbreviation of its entries a layout)
      const attrs = die instanceof LazyDie ? die.codeAttrs() : die.attrs;
      for (const [low, high] of this.rangesOf(die, attrs)) u.functions.push({ low, high, die });
    }
    this.functionsStale = true;
  }

  private parseAll(): void {
    if (this.allParsed) return;
    for (const u of this.unitList) this.parseUnit(u);
    this.allParsed = true;
  }

  /** The units whose code may hold pc: those whose ranges cover it, and those that give no ranges. */
  private parseFor(pc: bigint): void {
    if (this.allParsed) return;
    for (const u of this.unitList) {
      if (!u.dies && (!u.ranges || u.ranges.some(([a, b]) => pc >= a && pc < b))) this.parseUnit(u);
    }
  }

  /** The unit whose bytes hold a .debug_info offset. */
  private unitAt(offset: number): Unit | undefined {
    let lo = 0, hi = this.unitList.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, u = this.unitList[mid];
      if (offset < u.start) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    return undefined;
  }

  /** Every entry of every unit, in .debug_info order. */
  private *allDies(): Iterable<Die> {
    this.parseAll();
    for (const u of this.unitList) yield* u.dies!;
  }

  /** The functions of the units read so far, sorted by address as one whole-program list would be (stable: unit order, then entry order). */
  private sortedFunctions(): { low: bigint; high: bigint; die: Die }[] {
    if (this.functionsStale) {
      this.functions = this.unitList.flatMap((u) => u.functions ?? []);
      this.functions.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
      this.functionsStale = false;
    }
    return this.functions;
  }

  private value(r: Reader, form: number, implicit: number, unit: number, is64: boolean, version: number): AttrValue {
    switch (form) {
      case 0x01: return r.u64();                          // addr
      case 0x03: { const n = r.u16(); return this.block(r, n); }
      case 0x04: { const n = r.u32(); return this.block(r, n); }
      case 0x05: return r.u16();                          // data2
      case 0x06: return r.u32();                          // data4
      case 0x07: return r.u64();                          // data8
      case 0x08: return r.cstr();                         // string
      case 0x09: case 0x18: { const n = r.uleb(); return this.block(r, n); } // block, exprloc
      case 0x0a: { const n = r.u8(); return this.block(r, n); }
      case 0x0b: return r.u8();                           // data1
      case 0x0c: return r.u8() !== 0;                     // flag
      case 0x0d: return r.sleb();                         // sdata
      case 0x0e: return stringAt(this.s.debugStr, r.offset(is64));
      case 0x0f: return r.uleb();                         // udata
      case 0x10: return version <= 2 ? Number(r.u64()) : r.offset(is64); // ref_addr
      case 0x11: return unit + r.u8();                    // ref1
      case 0x12: return unit + r.u16();
      case 0x13: return unit + r.u32();
      case 0x14: return unit + Number(r.u64());
      case 0x15: return unit + r.uleb();                  // ref_udata
      case 0x16: return this.value(r, r.uleb(), implicit, unit, is64, version); // indirect
      case 0x17: return r.offset(is64);                   // sec_offset
      case 0x19: return true;                             // flag_present
      case 0x1f: return stringAt(this.s.debugLineStr, r.offset(is64)); // line_strp
      case 0x20: return r.u64();                          // ref_sig8: type units are not read
      case 0x21: return implicit;                         // implicit_const
      case 0x1e: r.skip(16); return 0;                    // data16
      case 0x1a: return new Indexed('str', r.uleb()) as unknown as AttrValue;  // strx
      case 0x25: return new Indexed('str', r.u8()) as unknown as AttrValue;
      case 0x26: return new Indexed('str', r.u16()) as unknown as AttrValue;
      case 0x27: { const v = r.u16() | (r.u8() << 16); return new Indexed('str', v) as unknown as AttrValue; }
      case 0x28: return new Indexed('str', r.u32()) as unknown as AttrValue;
      case 0x1b: return new Indexed('addr', r.uleb()) as unknown as AttrValue; // addrx
      case 0x29: return new Indexed('addr', r.u8()) as unknown as AttrValue;
      case 0x2a: return new Indexed('addr', r.u16()) as unknown as AttrValue;
      case 0x2b: { const v = r.u16() | (r.u8() << 16); return new Indexed('addr', v) as unknown as AttrValue; }
      case 0x2c: return new Indexed('addr', r.u32()) as unknown as AttrValue;
      case 0x23: return new Indexed('rnglist', r.uleb()) as unknown as AttrValue; // rnglistx
      case 0x22: return new Indexed('loclist', r.uleb()) as unknown as AttrValue; // loclistx
      default: throw new Error(`DWARF form 0x${form.toString(16)} is not supported`);
    }
  }

  private block(r: Reader, n: number): Uint8Array {
    const b = r.bytes.subarray(r.pos, r.pos + n);
    r.skip(n);
    return b;
  }

  /** DWARF 5's indexed forms of one entry, through its unit's str_offsets, addr, rnglists and loclists bases (on the root). */
  private resolveIndexed(attrs: Attrs<AttrValue>, root: Die, is64: boolean): void {
    let indexed = false;
    for (const v of attrs.values()) if (v instanceof Indexed) { indexed = true; break; }
    if (!indexed) return;
    const strBase = root.attrs.get(0x72), addrBase = root.attrs.get(0x73), rngBase = root.attrs.get(0x74), locBase = root.attrs.get(AT.loclistsBase);
    const size = is64 ? 8 : 4;
    for (const [at, v] of attrs) {
      if (!(v instanceof Indexed)) continue;
      if (v.kind === 'str' && this.s.debugStrOffsets && typeof strBase === 'number') {
        const r = new Reader(this.s.debugStrOffsets, strBase + v.index * size);
        attrs.set(at, stringAt(this.s.debugStr, r.offset(is64)));
      } else if (v.kind === 'addr' && this.s.debugAddr && typeof addrBase === 'number') {
        attrs.set(at, new Reader(this.s.debugAddr, addrBase + v.index * 8).u64());
      } else if (v.kind === 'rnglist' && this.s.debugRngLists && typeof rngBase === 'number') {
        attrs.set(at, rngBase + new Reader(this.s.debugRngLists, rngBase + v.index * size).offset(is64));
      } else if (v.kind === 'loclist' && this.s.debugLocLists) {
        // Without DW_AT_loclists_base, the first unit's table follows its 12-byte header.
        const base = typeof locBase === 'number' ? locBase : 12;
        attrs.set(at, new LocList(base + new Reader(this.s.debugLocLists, base + v.index * size).offset(is64)) as unknown as AttrValue);
      } else attrs.delete(at);
    }
  }

  /** The root's own indexed forms, and what its unit's location lists and address indexes need. */
  private resolveRoot(u: Unit): void {
    const { root, is64, version } = u;
    this.resolveIndexed(root.attrs, root, is64);
    const low = root.attrs.get(AT.lowPc), addrBase = root.attrs.get(0x73);
    this.unitInfo.set(root, { version, base: typeof low === 'bigint' ? low : 0n, addrBase: typeof addrBase === 'number' ? addrBase : undefined, is64 });
    if (version >= 5) this.v5Units.add(root);
  }

  /** Units of DWARF 5, whose DW_AT_ranges point into .debug_rnglists. */
  private readonly v5Units = new Set<Die>();
  private readonly unitInfo = new Map<Die, UnitInfo>();

  /** The compile unit a DIE belongs to. */
  unitOf(die: Die): Die {
    let unit = die;
    while (unit.parent) unit = unit.parent;
    return unit;
  }

  /** An entry of .debug_addr for the unit of `die` (DW_OP_addrx). */
  addrx(die: Die, index: number): bigint | undefined {
    const info = this.unitInfo.get(this.unitOf(die));
    if (!this.s.debugAddr || info?.addrBase === undefined) return undefined;
    const off = info.addrBase + index * 8;
    return off + 8 <= this.s.debugAddr.length ? new Reader(this.s.debugAddr, off).u64() : undefined;
  }

  /**
   * The expression of a location attribute in force at pc: the attribute itself, or the entry
   * of its location list that covers pc. Undefined when the list has no entry for pc (the
   * value does not exist there: optimised out); null when the DIE has no such attribute.
   */
  locationAt(die: Die, at: number, pc: bigint): Uint8Array | undefined | null {
    const v = die.attrs.get(at);
    if (v instanceof Uint8Array) return v;
    if (!(v instanceof LocList)) return null;
    const unit = this.unitOf(die);
    const info = this.unitInfo.get(unit) ?? { version: 4, base: 0n, is64: false };
    return info.version >= 5 ? this.locListV5(v.offset, info.base, pc, unit) : this.locListV4(v.offset, info.base, pc);
  }

  /** .debug_loc (DWARF 2-4): (begin, end) pairs relative to the base, then a u16 length. */
  private locListV4(off: number, unitBase: bigint, pc: bigint): Uint8Array | undefined {
    const data = this.s.debugLoc;
    if (!data) return undefined;
    const r = new Reader(data, off);
    let base = unitBase;
    while (r.pos + 16 <= data.length) {
      const a = r.u64(), b = r.u64();
      if (a === 0n && b === 0n) return undefined;
      if (a === 0xffffffffffffffffn) { base = b; continue; }
      const n = r.u16();
      const expr = data.subarray(r.pos, r.pos + n);
      r.skip(n);
      if (pc >= base + a && pc < base + b) return expr;
    }
    return undefined;
  }

  /** .debug_loclists (DWARF 5): DW_LLE_* entries. */
  private locListV5(off: number, unitBase: bigint, pc: bigint, unit: Die): Uint8Array | undefined {
    const data = this.s.debugLocLists;
    if (!data) return undefined;
    const r = new Reader(data, off);
    let base = unitBase;
    let fallback: Uint8Array | undefined;
    const expr = (): Uint8Array => { const n = r.uleb(); const e = data.subarray(r.pos, r.pos + n); r.skip(n); return e; };
    const addr = (i: number): bigint => this.addrx(unit, i) ?? 0n;
    while (!r.done) {
      const kind = r.u8();
      let lo: bigint, hi: bigint;
      switch (kind) {
        case 0: return fallback;                                                   // end_of_list
        case 1: base = addr(r.uleb()); continue;                                   // base_addressx
        case 2: lo = addr(r.uleb()); hi = addr(r.uleb()); break;                   // startx_endx
        case 3: lo = addr(r.uleb()); hi = lo + BigInt(r.uleb()); break;            // startx_length
        case 4: lo = base + BigInt(r.uleb()); hi = base + BigInt(r.uleb()); break; // offset_pair
        case 5: fallback = expr(); continue;                                       // default_location
        case 6: base = r.u64(); continue;                                          // base_address
        case 7: lo = r.u64(); hi = r.u64(); break;                                 // start_end
        case 8: lo = r.u64(); hi = lo + BigInt(r.uleb()); break;                   // start_length
        default: return undefined;
      }
      const e = expr();
      if (pc >= lo && pc < hi) return e;
    }
    return fallback;
  }

  at(offset: number): Die | undefined {
    const u = this.unitAt(offset);
    if (!u) return undefined;
    if (offset === u.root.offset) return u.root;
    this.parseUnit(u);
    // A unit's entries are in offset order: a search rather than a map of every entry's offset.
    const dies = u.dies!;
    let lo = 0, hi = dies.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, o = dies[mid].offset;
      if (offset < o) hi = mid - 1;
      else if (offset > o) lo = mid + 1;
      else return dies[mid];
    }
    return undefined;
  }

  /** The address ranges a subprogram, block or inlined call covers. */
  ranges(die: Die): [bigint, bigint][] { return this.rangesOf(die, die.attrs); }

  /** The ranges of `die` whose attributes (or those of them that say where its code is) are `attrs`. */
  private rangesOf(die: Die, attrs: Attrs<AttrValue>): [bigint, bigint][] {
    const low = attrs.get(AT.lowPc), high = attrs.get(AT.highPc);
    if (typeof low === 'bigint' && high !== undefined) {
      const end = typeof high === 'bigint' ? high : low + BigInt(high as number);
      return end > low ? [[low, end]] : [];
    }
    const off = attrs.get(AT.ranges);
    if (typeof off !== 'number') return [];
    let unit: Die | undefined = die;
    while (unit.parent) unit = unit.parent;
    let base = (unit.attrs.get(AT.lowPc) as bigint | undefined) ?? 0n;
    if (this.v5Units.has(unit) && this.s.debugRngLists) return this.rngList(off, base);
    if (!this.s.debugRanges) return [];
    // DWARF 2–4 .debug_ranges: pairs relative to the unit's base address, ended by 0, 0.
    const r = new Reader(this.s.debugRanges, off);
    const out: [bigint, bigint][] = [];
    while (r.pos + 16 <= this.s.debugRanges.length) {
      const a = r.u64(), b = r.u64();
      if (a === 0n && b === 0n) break;
      if (a === 0xffffffffffffffffn) { base = b; continue; }
      if (b > a) out.push([base + a, base + b]);
    }
    return out;
  }

  /** A DWARF 5 range list in .debug_rnglists (the forms that need .debug_addr are skipped). */
  private rngList(off: number, base: bigint): [bigint, bigint][] {
    const r = new Reader(this.s.debugRngLists!, off);
    const out: [bigint, bigint][] = [];
    while (!r.done) {
      const kind = r.u8();
      if (kind === 0) break;                                                   // end_of_list
      if (kind === 1) { r.uleb(); continue; }                                  // base_addressx
      if (kind === 2) { r.uleb(); r.uleb(); continue; }                        // startx_endx
      if (kind === 3) { r.uleb(); r.uleb(); continue; }                        // startx_length
      if (kind === 4) { const a = BigInt(r.uleb()), b = BigInt(r.uleb()); if (b > a) out.push([base + a, base + b]); continue; }
      if (kind === 5) { base = r.u64(); continue; }
      if (kind === 6) { const a = r.u64(), b = r.u64(); if (b > a) out.push([a, b]); continue; }
      if (kind === 7) { const a = r.u64(), n = BigInt(r.uleb()); if (n > 0n) out.push([a, a + n]); continue; }
      break;
    }
    return out;
  }

  /** The subprogram whose code holds pc (the innermost, when ranges nest). */
  functionAt(pc: bigint): Die | undefined {
    this.parseFor(pc);
    const functions = this.sortedFunctions();
    let lo = 0, hi = functions.length - 1, found: Die | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, f = functions[mid];
      if (pc < f.low) hi = mid - 1;
      else { if (pc < f.high) found = f.die; lo = mid + 1; }
    }
    if (found) return found;
    return functions.find((f) => pc >= f.low && pc < f.high)?.die;
  }

  /** Whether a subprogram, block or inlined call has code at pc. */
  covers(die: Die, pc: bigint): boolean {
    return this.ranges(die).some(([a, b]) => pc >= a && pc < b);
  }

  /**
   * The inlined calls whose code holds pc, outermost first: the DW_TAG_inlined_subroutine
   * entries of the function at pc that cover it, nested through lexical blocks and one
   * another (an inlined function that itself had a call inlined into it).
   */
  inlinedAt(pc: bigint): Die[] {
    const out: Die[] = [];
    // A block without addresses covers nothing itself, but look inside it anyway: an inlined
    // call under it has its own ranges.
    const find = (d: Die): Die | undefined => {
      for (const c of d.children) {
        if (c.tag === TAG.inlinedSubroutine && this.covers(c, pc)) return c;
        if (c.tag === TAG.lexicalBlock && (this.covers(c, pc) || !this.hasAddresses(c))) {
          const inner = find(c);
          if (inner) return inner;
        }
      }
      return undefined;
    };
    for (let scope = this.functionAt(pc), depth = 0; scope && depth < 64; depth++) {
      const next = find(scope);
      if (next) out.push(next);
      scope = next;
    }
    return out;
  }

  private hasAddresses(die: Die): boolean {
    return die.attrs.has(AT.lowPc) || die.attrs.has(AT.ranges);
  }

  /**
   * The variables and parameters of one frame's scope at pc, innermost lexical block first,
   * with the function they belong to (whose DW_AT_frame_base their DW_OP_fbreg means: for an
   * inlined call, the function it was inlined into). `scope` is an inlined call (its frame's
   * variables), or undefined for the function's own. The inlined calls at pc are frames of
   * their own, so their variables are not the scope's. Variables the compiler optimised away
   * entirely (no location, no constant value) are included: they are in the source, and the
   * user should see that they are gone; so are an inlined function's parameters that its
   * inlined copy does not describe at all.
   */
  variablesAt(pc: bigint, scope?: Die): { die: Die; fn: Die }[] {
    const fn = this.functionAt(pc);
    if (!fn) return [];
    const scopes: Die[] = [];
    const visit = (d: Die): void => {
      scopes.push(d);
      for (const c of d.children) if (c.tag === TAG.lexicalBlock && this.covers(c, pc)) visit(c);
    };
    visit(scope ?? fn);
    const out: { die: Die; fn: Die }[] = [];
    for (const s of scopes.reverse()) {
      for (const c of s.children) {
        if (c.tag !== TAG.variable && c.tag !== TAG.formalParameter) continue;
        // A function's static variable is a global (shown through evaluate), not a frame's.
        const loc = c.attrs.get(AT.location);
        if (loc instanceof Uint8Array && loc[0] === 0x03 && loc.length === 9) continue;
        if (c.attrs.has(AT.declaration)) continue;
        out.push({ die: c, fn });
      }
    }
    const origin = scope && this.originOf(scope);
    if (origin) {
      const described = new Set(scopes.flatMap((s) => s.children.map((c) => c.attrs.get(AT.abstractOrigin))));
      for (const p of origin.children) if (p.tag === TAG.formalParameter && !described.has(p.offset)) out.push({ die: p, fn });
    }
    return out;
  }

  /** The abstract instance an inlined call (or a concrete out-of-line copy) was made from. */
  originOf(die: Die): Die | undefined {
    const o = die.attrs.get(AT.abstractOrigin);
    return typeof o === 'number' ? this.at(o) : undefined;
  }

  /**
   * A function's name with the namespaces (and types, for methods) it is declared in, as
   * Rust's paths read (`kernel::mm::alloc`); C's plain name. Through the abstract origin or
   * specification to the entry that has the name.
   */
  qualifiedName(die: Die): string | undefined {
    let d: Die | undefined = die;
    for (let i = 0; d && typeof d.attrs.get(AT.name) !== 'string' && i < 8; i++) {
      const o: AttrValue | undefined = d.attrs.get(AT.abstractOrigin) ?? d.attrs.get(AT.specification);
      d = typeof o === 'number' && o !== d.offset ? this.at(o) : undefined;
    }
    if (!d) return undefined;
    const parts = [d.attrs.get(AT.name) as string];
    for (let p = d.parent; p && p.tag !== TAG.compileUnit; p = p.parent) {
      const n = p.tag === TAG.namespace || p.tag === TAG.structureType || p.tag === TAG.unionType || p.tag === TAG.enumerationType || p.tag === TAG.classType
        ? this.name(p) : undefined;
      if (n) parts.unshift(n);
    }
    return parts.join('::');
  }

  private readonly unitFiles = new Map<Die, string[]>();

  /**
   * Where an inlined call was made: its DW_AT_call_file (through its unit's line-program
   * header, so named as the line table names files), DW_AT_call_line and DW_AT_call_column.
   */
  callSiteOf(inlined: Die): { file: string; line: number; column: number } | undefined {
    const file = this.num(inlined, AT.callFile), line = this.num(inlined, AT.callLine);
    if (file === undefined || line === undefined) return undefined;
    const unit = this.unitOf(inlined);
    let files = this.unitFiles.get(unit);
    if (!files) {
      const off = this.num(unit, AT.stmtList);
      files = off !== undefined && this.s.debugLine ? lineFileNames({ debugLine: this.s.debugLine, debugLineStr: this.s.debugLineStr, debugStr: this.s.debugStr }, off) : [];
      this.unitFiles.set(unit, files);
    }
    return { file: files[file] ?? `<file ${file}>`, line, column: this.num(inlined, AT.callColumn) ?? 0 };
  }

  /**
   * Where each inlined copy of the function `name` begins (DW_AT_entry_pc, else its lowest
   * address), for function breakpoints: the name as written in the source (`read_reg`), or a
   * path or a path's tail for Rust (`mm::alloc`).
   */
  inlinedEntries(name: string): bigint[] {
    const matches = new Map<number, boolean>();
    const named = (origin: number): boolean => {
      let m = matches.get(origin);
      if (m === undefined) {
        const d = this.at(origin);
        m = d !== undefined && this.isNamed(d, name);
        matches.set(origin, m);
      }
      return m;
    };
    const out = new Set<bigint>();
    for (const die of this.allDies()) {
      if (die.tag !== TAG.inlinedSubroutine) continue;
      const origin = die.attrs.get(AT.abstractOrigin);
      if (typeof origin !== 'number' || !named(origin)) continue;
      const entry = this.entryPc(die);
      if (entry !== undefined) out.add(entry);
    }
    return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Whether a function (or an inlined call of one) is the one `name` means, as a function breakpoint names it. */
  isNamed(die: Die, name: string): boolean {
    const q = this.qualifiedName(die);
    return !!q && (q === name || q.endsWith(`::${name}`) || this.name(die) === name);
  }

  /** An inlined call's (or a function's) first instruction: DW_AT_entry_pc (an address, or in DWARF 5 an offset from the lowest one), else the lowest address. */
  entryPc(die: Die): bigint | undefined {
    const ranges = this.ranges(die);
    const low = ranges.length ? ranges.reduce((m, [a]) => (a < m ? a : m), ranges[0][0]) : undefined;
    const e = die.attrs.get(AT.entryPc);
    if (typeof e === 'bigint') return e;
    if (typeof e === 'number' && low !== undefined) return low + BigInt(e);
    return low;
  }

  /** The call site in `caller` whose return address is `returnPc` (DW_TAG_call_site or GCC's DW_TAG_GNU_call_site). */
  callSiteAt(caller: Die, returnPc: bigint): Die | undefined {
    let found: Die | undefined;
    const visit = (d: Die): void => {
      for (const c of d.children) {
        if (found) return;
        if (c.tag === TAG.callSite || c.tag === TAG.gnuCallSite) {
          const pc = c.attrs.get(AT.callReturnPc) ?? c.attrs.get(AT.lowPc);
          if (pc === returnPc) { found = c; return; }
        } else if (c.tag === TAG.lexicalBlock || c.tag === TAG.inlinedSubroutine) visit(c);
      }
    };
    visit(caller);
    return found;
  }

  private globalIndex: { path: string; die: Die }[] | undefined;

  /**
   * Every variable with a static address (globals, statics, a function's statics), by its
   * qualified path: Rust's `crate::module::NAME` (namespaces), C's plain name.
   */
  globals(): { path: string; die: Die }[] {
    if (this.globalIndex) return this.globalIndex;
    const out: { path: string; die: Die }[] = [];
    const visit = (d: Die, prefix: string): void => {
      for (const c of d.children) {
        if (c.tag === TAG.variable) {
          const loc = c.attrs.get(AT.location);
          const isStatic = loc instanceof Uint8Array && loc.length >= 2 && (loc[0] === 0x03 || loc[0] === 0xa1 || loc[0] === 0xfb);
          // A static the compiler folded away (no location, not a declaration) is still
          // listed at file or module level, so that evaluating it says so.
          const folded = loc === undefined && !c.attrs.has(AT.declaration) && !c.attrs.has(AT.constValue) && d.tag !== TAG.subprogram && d.tag !== TAG.lexicalBlock;
          const name = this.name(c);
          if ((isStatic || folded || (c.attrs.has(AT.constValue) && d.tag !== TAG.subprogram && d.tag !== TAG.lexicalBlock)) && name) out.push({ path: prefix + name, die: c });
        } else if (c.tag === TAG.namespace || c.tag === TAG.structureType || c.tag === TAG.classType || c.tag === TAG.unionType) {
          const n = this.name(c);
          visit(c, n ? `${prefix}${n}::` : prefix);
        } else if (c.tag === TAG.subprogram || c.tag === TAG.lexicalBlock) visit(c, prefix);
      }
    };
    for (const u of this.units) visit(u, '');
    // Definitions outside their declaration's scope (C++-style DW_AT_specification) take the declaration's path.
    this.globalIndex = out;
    return out;
  }

  /** A static variable by path: exactly, else by a unique `::`-suffix (`FRAMES` for `kernel::mm::FRAMES`). */
  findGlobal(path: string): Die | undefined {
    const all = this.globals();
    const exact = all.filter((g) => g.path === path);
    // C: several units may each define their own `static` of one name; the first with an
    // external definition wins, then the first.
    const located = (list: typeof all) => list.filter((g) => this.staticAddress(g.die) !== undefined);
    if (exact.length) {
      const withAddress = located(exact);
      return (withAddress.find((g) => g.die.attrs.get(AT.external)) ?? withAddress[0] ?? exact[0]).die;
    }
    const suffix = all.filter((g) => g.path.endsWith(`::${path}`));
    if (suffix.length === 1) return suffix[0].die;
    const addresses = new Set(suffix.map((g) => this.staticAddress(g.die)));
    return addresses.size === 1 ? suffix[0].die : undefined;
  }

  /** The address of a static variable (its DW_OP_addr). */
  staticAddress(die: Die): bigint | undefined {
    const loc = die.attrs.get(AT.location);
    if (!(loc instanceof Uint8Array)) return undefined;
    if (loc[0] === 0x03 && loc.length >= 9) return new Reader(loc, 1).u64();
    if (loc[0] === 0xa1 || loc[0] === 0xfb) return this.addrx(die, new Reader(loc, 1).uleb());
    return undefined;
  }

  /** A struct, union or typedef by name (`struct proc`, `proc`, `cpu`), for profiles. */
  findType(name: string): Die | undefined {
    const bare = name.replace(/^(struct|union|enum)\s+/, '');
    let found: Die | undefined;
    for (const die of this.allDies()) {
      if (die.tag !== TAG.structureType && die.tag !== TAG.unionType && die.tag !== TAG.typedef && die.tag !== TAG.enumerationType && die.tag !== TAG.baseType) continue;
      if (this.name(die) !== bare || die.attrs.has(AT.declaration)) continue;
      if (die.tag !== TAG.typedef && die.children.length) return die;
      found ??= die;
    }
    return found;
  }

  name(die: Die): string | undefined {
    const n = die.attrs.get(AT.name);
    if (typeof n === 'string') return n;
    const origin = die.attrs.get(AT.abstractOrigin) ?? die.attrs.get(AT.specification);
    return typeof origin === 'number' ? this.name(this.at(origin) ?? die) ?? undefined : undefined;
  }

  typeOf(die: Die): Die | undefined {
    const t = die.attrs.get(AT.type);
    if (typeof t === 'number') return this.at(t);
    const origin = die.attrs.get(AT.abstractOrigin) ?? die.attrs.get(AT.specification);
    return typeof origin === 'number' && origin !== die.offset ? this.typeOf(this.at(origin) ?? die) : undefined;
  }

  num(die: Die, at: number): number | undefined {
    const v = die.attrs.get(at);
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
  }
}

// The shapes shared by the instruction table, the decoder, the block compiler and the
// disassembler. One InsnDef describes an instruction completely; everything else derives.

/** Which ISA extension an instruction belongs to (for the language server and misa). */
export type Ext = 'I' | 'M' | 'A' | 'F' | 'D' | 'C' | 'Zicsr' | 'Zifencei' | 'Priv';

/** Encoding formats: which fields the decoder extracts from the 32-bit word. */
export type Format =
  | 'R' | 'I' | 'S' | 'B' | 'U' | 'J'
  | 'SH6' /* I-type with a 6-bit shift amount (RV64 slli/srli/srai) */
  | 'SH5' /* I-type with a 5-bit shift amount (*w shifts) */
  | 'CSR' | 'CSRI' | 'AMO' | 'FENCE' | 'NONE'
  | 'R4' /* R with a third source register in bits 31:27 (fused multiply-add) */;

/**
 * Operand syntax, as objdump prints it. Each kind is printed by one small printer in the
 * disassembler and parsed by the language server.
 */
export type Syntax =
  | 'rd,rs1,rs2' | 'rd,rs1,imm' | 'rd,imm(rs1)' | 'rs2,imm(rs1)' | 'rs1,rs2,target'
  | 'rd,uimm20' | 'rd,target' | 'rd,imm(rs1)jalr' | 'rd,csr,rs1' | 'rd,csr,zimm'
  | 'rd,rs2,(rs1)' | 'rd,(rs1)' | 'fence' | 'rs1,rs2' | ''
  // F and D: an `f` names a floating-point register; `rm` is a rounding mode, left out when dynamic.
  | 'frd,imm(rs1)' | 'frs2,imm(rs1)' | 'frd,frs1,frs2,rm' | 'frd,frs1,frs2,frs3,rm' | 'frd,frs1,rm'
  | 'frd,frs1,frs2' | 'rd,frs1,frs2' | 'rd,frs1,rm' | 'frd,rs1,rm' | 'rd,frs1' | 'frd,rs1' | 'frd,frs1';

/** A decoded instruction. Compressed instructions decode into their base instruction's form. */
export interface Decoded {
  def: InsnDef;
  raw: number;       // the instruction word (16 or 32 bits, as fetched)
  len: 2 | 4;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;       // sign-extended immediate, shift amount, or zimm
  csr: number;
  aq: boolean;
  rl: boolean;
  pred: number;      // fence predecessor set
  succ: number;      // fence successor set
  fm: number;        // fence mode
  rs3: number;       // the fused multiply-adds' third source
  rm: number;        // funct3, a rounding mode in floating-point instructions
  /** The compressed encoding's name (c.addi...) when this came from a 16-bit word. */
  cname?: string;
}

/** What an instruction does to the rest of the block: most fall through. */
export type Flow = 'next' | 'branch' | 'jump' | 'end';

/** Code generator for an instruction's semantics, given the block compiler's context. */
export type Emit = (d: Decoded, g: import('../jit/codegen.js').Gen) => string;

/**
 * The same semantics as WebAssembly, for the kinds a wasm tier can run without the hart
 * (jit/wasm/wasmGen.ts), which knows the instruction's pc (a region's) or reads it (the wasm
 * interpreter's).
 */
export type WasmEmit = (d: Decoded, w: import('../jit/wasm/wasmGen.js').WasmGen) => void;

export interface InsnDef {
  name: string;
  ext: Ext;
  format: Format;
  match: number;
  mask: number;
  syntax: Syntax;
  /** How control continues after it: decides where a translated block ends. */
  flow: Flow;
  emit: Emit;
  /** Its WebAssembly form, where it has one (a block with a kind that has none stays JavaScript). */
  wasm?: WasmEmit;
  /** A one-line description for hovers. */
  doc: string;
}

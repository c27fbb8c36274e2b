// The call stack: call-frame information first (exact in prologues), frame pointers where the
// kernel has none, and, in front of both, a look at whether the pc sits in an epilogue (LLVM
// before 16 writes no CFI for RISC-V epilogues, so the prologue's rule, often CFA = s0, reads
// the wrong frame once s0 is restored, and frame pointers lose a frame there too).
import { decode } from '../emulator/isa/decode.js';
import type { SourceLocation } from './dwarf/lineIndex.js';
import type { Die } from './dwarf/info.js';
import { instructionAt } from './fetch.js';
import type { Program } from './program.js';

export interface Frame {
  index: number;
  pc: bigint;
  fp: bigint;
  name: string;
  location?: SourceLocation;
  /**
   * The frame's integer registers where the unwinder knows them: all of them in frame 0; in a
   * caller's frame sp, gp, tp and the registers calls preserve (from the CFI, or unchanged).
   */
  regs?: ReadonlyMap<number, bigint>;
  /**
   * A user program's frame under the kernel's (a stop in the kernel on that program's behalf):
   * the program whose symbols and DWARF describe it, the address space it runs in, and the
   * index of the program's innermost frame in the stack.
   */
  user?: { program: Program; satp: bigint; first: number };
  /**
   * The frame of the stack's registers this is (0 = the innermost): an inlined call is a frame
   * of its own in the call stack, sharing pc, registers and CFA with the frame of the function
   * it was inlined into. Undefined before inlined calls are added (then it is the index).
   */
  physical?: number;
  /** For an inlined call's frame: its DW_TAG_inlined_subroutine, whose variables the frame shows. */
  inlined?: Die;
  /** When the frame's line is the call site of an inlined call inside it: that line, with the file as the DWARF names it. */
  callSite?: SourceLocation;
}

/** The physical frame a frame belongs to (see Frame.physical). */
export const physicalOf = (f: Frame): number => f.physical ?? f.index;

/** Reads `size` bytes of guest memory at a virtual address, little-endian, or undefined. */
export type ReadWord = (address: bigint, size: number) => bigint | undefined;

const RA = 1, SP = 2, FP = 8;
/** Registers a call may change (ra, t0-t6, a0-a7): a caller's values of them are lost. */
const CALLER_SAVED = [1, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31];

/** A caller's registers as far as they can be known: the callee's, less those a call clobbers (unless the CFI restored them). */
function callerKnown(regs: Map<number, bigint>, restored: ReadonlySet<number> = new Set()): Map<number, bigint> {
  for (const r of CALLER_SAVED) if (!restored.has(r)) regs.delete(r);
  return regs;
}

export class Unwinder {
  constructor(private readonly program: Program, private readonly read: ReadWord) {}

  /** Frames from the innermost out, given the hart's x0-x31 (unsigned) and pc. */
  stack(regs: ReadonlyMap<number, bigint>, pc: bigint, max = 64): Frame[] {
    return this.fromCfi(regs, pc, max) ?? this.outOfStub(regs, pc, max) ?? this.fromFramePointers(regs, pc, max);
  }

  /**
   * An assembly stub without CFI (xv6's usys.S system calls) called from code that has it: a
   * leaf that has not touched sp or ra yet, so its caller is at ra with sp unchanged. One hop
   * out of it, then the CFI from the caller on (frame pointers alone would lose every register
   * past the first caller). Undefined when that is not the case.
   */
  private outOfStub(regs: ReadonlyMap<number, bigint>, pc: bigint, max: number): Frame[] | undefined {
    const ra = regs.get(RA);
    if (max < 2 || ra === undefined || ra === 0n || !this.program.frames.ruleAt(ra - 2n) || !this.leafSoFar(pc)) return undefined;
    const callers = this.fromCfi(callerKnown(new Map(regs)), ra, max - 1, true);
    if (!callers) return undefined;
    return [this.frame(0, pc, regs, pc), ...callers.map((f) => ({ ...f, index: f.index + 1 }))];
  }

  /** Whether the function at pc has written neither sp nor ra on its way to pc (a straight scan from its symbol). */
  private leafSoFar(pc: bigint): boolean {
    const f = this.program.symbols.at(pc);
    if (!f) return false;
    let a = f.sym.address;
    for (let n = 0; a < pc; n++) {
      const insn = instructionAt({ read: this.read }, a);
      const d = insn && decode(insn.word);
      // Stores and branches have no rd (their field holds immediate bits).
      const writes = d && d.def.format !== 'S' && d.def.format !== 'B';
      if (!insn || !d || n >= 64 || (writes && (d.rd === SP || d.rd === RA))) return false;
      a += BigInt(insn.len);
    }
    return a === pc;
  }

  private frame(index: number, pc: bigint, regs: ReadonlyMap<number, bigint>, at: bigint): Frame {
    return { index, pc, fp: regs.get(FP)!, name: this.program.functionName(at), location: this.program.location(at), regs: new Map(regs) };
  }

  /**
   * Undefined when the kernel has no .debug_frame for the current pc (then frame pointers serve).
   * `returned`: startPc is a return address (a caller's frame, after the call), not a stop's pc.
   */
  fromCfi(start: ReadonlyMap<number, bigint>, startPc: bigint, max: number, returned = false): Frame[] | undefined {
    const table = this.program.frames;
    if (table.size === 0 || !table.ruleAt(returned ? startPc - 2n : startPc)) return undefined;
    const regs = new Map(start);
    const out: Frame[] = [];
    let pc = startPc;
    for (let depth = 0; depth < max; depth++) {
      const inner = depth === 0 && !returned;
      // A return address points after the call: the call itself is the caller's line.
      const at = inner ? pc : pc - 2n;
      out.push(this.frame(depth, pc, regs, at));
      const exit = inner ? this.epilogueExit(pc, regs) : undefined;
      if (exit) {
        const ra = exit.get(RA)!;
        if (ra === 0n || ra === pc) break;
        pc = ra;
        regs.clear();
        for (const [k, v] of callerKnown(exit)) regs.set(k, v);
        continue;
      }
      const rule = table.ruleAt(at);
      if (!rule) break;
      const cfa = BigInt.asUintN(64, (regs.get(rule.cfaReg) ?? 0n) + BigInt(rule.cfaOffset));
      const next = new Map(regs);
      for (const [reg, off] of rule.saved) {
        const v = this.read(cfa + BigInt(off), 8);
        if (v === undefined) return out;
        next.set(reg, BigInt.asUintN(64, v));
      }
      next.set(SP, cfa);
      const ra = rule.saved.has(RA) ? next.get(RA) : regs.get(RA);
      if (ra === undefined || ra === 0n || (ra === pc && cfa === regs.get(SP))) break;
      pc = ra;
      regs.clear();
      for (const [k, v] of callerKnown(next, new Set(rule.saved.keys()))) regs.set(k, v);
    }
    return out;
  }

  /**
   * Each frame keeps its return address at fp-8 and the caller's fp at fp-16. A function whose
   * prologue has not yet set fp (or whose epilogue has restored the caller's) is detected from
   * its code, and its caller found through ra.
   */
  fromFramePointers(regs: ReadonlyMap<number, bigint>, startPc: bigint, max: number): Frame[] {
    const frames: Frame[] = [];
    let pc = startPc, fp = regs.get(FP)!;
    const sp = regs.get(SP)!;
    frames.push(this.frame(0, pc, regs, pc));
    const callerFrame = (next: bigint, nextFp: bigint, known?: Map<number, bigint>): Frame =>
      ({ index: frames.length, pc: next, fp: nextFp, name: this.program.functionName(next - 2n), location: this.program.location(next - 2n), regs: known });
    const exit = this.epilogueExit(pc, regs);
    if (exit) {
      pc = exit.get(RA)!;
      fp = exit.get(FP)!;
      if (pc === 0n) return frames;
      frames.push(callerFrame(pc, fp, callerKnown(exit)));
    } else if (!this.frameReady(pc)) {
      const ra = regs.get(RA)!;
      if (ra === 0n) return frames;
      pc = ra;
      // Before its frame is set up a function has changed none of the registers calls
      // preserve (saving them changes nothing): they are still the caller's. Not sp, which
      // the prologue may have moved already.
      const known = callerKnown(new Map(regs));
      known.delete(SP);
      frames.push(callerFrame(pc, fp, known));
    }
    while (frames.length < max) {
      if (fp === 0n || fp < sp || fp % 8n !== 0n) break;
      const ra = this.read(fp - 8n, 8), prev = this.read(fp - 16n, 8);
      if (ra === undefined || prev === undefined || ra === 0n) break;
      const retPc = BigInt.asUintN(64, ra);
      frames.push(callerFrame(retPc, BigInt.asUintN(64, prev)));
      if (BigInt.asUintN(64, prev) <= fp) break;
      fp = BigInt.asUintN(64, prev);
    }
    return frames;
  }

  /**
   * When the code from pc to the next `ret` only reloads registers from the stack and moves sp
   * (an epilogue), the registers as that `ret` will find them, from running those instructions
   * on a copy. Undefined otherwise. Exact, since the path is straight.
   */
  private epilogueExit(pc: bigint, regs: ReadonlyMap<number, bigint>): Map<number, bigint> | undefined {
    const r = new Map(regs);
    let a = pc;
    for (let n = 0; n < 16; n++) {
      const insn = instructionAt({ read: this.read }, a);
      const d = insn && decode(insn.word);
      if (!insn || !d) return undefined;
      const name = d.def.name, imm = BigInt(d.imm);
      if (name === 'jalr' && d.rd === 0 && d.rs1 === RA && d.imm === 0) return r;
      if (name === 'ld' && d.rs1 === SP && d.rd !== 0) {
        const v = this.read(BigInt.asUintN(64, r.get(SP)! + imm), 8);
        if (v === undefined) return undefined;
        r.set(d.rd, BigInt.asUintN(64, v));
      } else if (name === 'addi' && d.rd === SP && (d.rs1 === SP || d.rs1 === FP)) {
        r.set(SP, BigInt.asUintN(64, r.get(d.rs1)! + imm));
      } else return undefined;
      a += BigInt(insn.len);
    }
    return undefined;
  }

  /**
   * Whether the function at pc has set up its own frame pointer by now: whether pc is past the
   * prologue's `addi s0, sp, N`. (Epilogues, where s0 is the caller's again, are found first by
   * epilogueExit; a linear scan cannot tell them apart, since the compiler may lay one out
   * before code that still runs in the frame.)
   */
  private frameReady(pc: bigint): boolean {
    const f = this.program.symbols.at(pc);
    if (!f) return true;
    let a = f.sym.address;
    for (let n = 0; a < pc && n < 64; n++) {
      const insn = instructionAt({ read: this.read }, a);
      if (!insn) return true;
      const d = decode(insn.word);
      if (d && d.def.name === 'addi' && d.rd === FP && d.rs1 === SP) return true;
      a += BigInt(insn.len);
    }
    return a < pc;
  }

  /** Whether the instruction at pc is an ecall (a system call, from user code). */
  ecallAt(pc: bigint): boolean {
    const insn = instructionAt({ read: this.read }, pc);
    return insn !== undefined && decode(insn.word)?.def.name === 'ecall';
  }

  /** Whether the instruction at pc is a call (jal/jalr linking ra); its length if so. */
  callAt(pc: bigint): { len: number } | undefined {
    const insn = instructionAt({ read: this.read }, pc);
    const d = insn && decode(insn.word);
    return d && (d.def.name === 'jal' || d.def.name === 'jalr') && d.rd === RA ? { len: insn.len } : undefined;
  }
}

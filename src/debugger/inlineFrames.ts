// Inlined calls as frames of their own. The unwinder finds the frames the registers make (CFI,
// frame pointers); the debugging information says which inlined calls hold each frame's pc
// (DW_TAG_inlined_subroutine, nested). Each becomes a frame named after the inlined function,
// in front of the frame of the function it was inlined into, sharing its pc and registers:
// the innermost shows the line table's line, each outer one the line of the call inside it
// (DW_AT_call_file, DW_AT_call_line), as the source reads.
import type { DebugInfo, Die } from './dwarf/info.js';
import type { SourceLocation } from './dwarf/lineIndex.js';
import type { Frame } from './unwind.js';

/** What adding a frame's inlined calls needs: its program's debugging information and paths. */
export interface InlineSource {
  info: DebugInfo;
  localPath(dwarfPath: string): string;
}

/**
 * The frames with their inlined calls added, innermost first, renumbered; a user program's
 * frames keep pointing at their first frame. `source` gives a frame's program (undefined when it
 * has no debugging information: the frame stays as it is).
 *
 * At the first instruction of an inlined call (its entry pc) the call has not begun yet, as
 * with a call instruction not yet taken: the innermost frame is the caller at the call's line
 * (as gdb shows it), unless `entered` says the stop is for that function (a function
 * breakpoint on it). Stepping into the call then shows its frame at its next instruction.
 */
export function withInlinedFrames(frames: Frame[], source: (f: Frame) => InlineSource | undefined,
  entered: (info: DebugInfo, inlined: Die) => boolean = () => false): Frame[] {
  const out: Frame[] = [];
  const firstOf = new Map<number, number>();
  for (const [k, f] of frames.entries()) {
    firstOf.set(f.index, out.length);
    const src = source(f);
    // A caller's pc is its return address: the call before it is the code it is in.
    const inner = f.index === 0 || f.index === f.user?.first;
    const chain = src?.info.inlinedAt(inner ? f.pc : f.pc - 2n) ?? [];
    let pending = 0;
    if (k === 0) while (pending < chain.length && src!.info.entryPc(chain[chain.length - 1 - pending]) === f.pc && !entered(src!.info, chain[chain.length - 1 - pending])) pending++;
    let location = f.location, callSite: SourceLocation | undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      const inl = chain[i];
      if (i < chain.length - pending) out.push({ ...f, index: out.length, physical: k, name: src!.info.qualifiedName(inl) ?? '<inlined>', location, inlined: inl, callSite });
      callSite = src!.info.callSiteOf(inl);
      location = callSite ? { file: src!.localPath(callSite.file), line: callSite.line, column: callSite.column } : undefined;
    }
    out.push({ ...f, index: out.length, physical: k, location, callSite });
  }
  return out.map((f) => (f.user ? { ...f, user: { ...f.user, first: firstOf.get(f.user.first) ?? f.user.first } } : f));
}

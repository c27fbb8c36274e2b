// Unwinding: DWARF call-frame information and frame pointers give the same call stack, through
// a function's prologue too, and it reaches from the allocator down to rust_main.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ChronosRuntime, type Frame } from '../../src/debugger/runtime.js';
import { Unwinder } from '../../src/debugger/unwind.js';

/** The two unwinders side by side, from the hart's registers now. */
function unwinders(rt: ChronosRuntime): { stackFromCfi(n: number): Frame[] | undefined; stackFromFramePointers(n: number): Frame[] } {
  const u = new Unwinder(rt.program, (a, n) => rt.evalContext().read(a, n));
  const regs = (): Map<number, bigint> => new Map(Array.from({ length: 32 }, (_, i): [number, bigint] => [i, BigInt.asUintN(64, rt.reg(i))]));
  return { stackFromCfi: (n) => u.fromCfi(regs(), rt.pc, n), stackFromFramePointers: (n) => u.fromFramePointers(regs(), rt.pc, n) };
}

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
before(() => { execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] }); });

test('CFI and frame-pointer unwinding agree at every step through a prologue', async () => {
  const rt = new ChronosRuntime({ readFile: (p) => readFileSync(p), exists: (p) => existsSync(p) });
  rt.launch({ program: KERNEL });
  assert.ok(rt.program.frames.size > 100, 'the kernel has .debug_frame');
  rt.setFunctionBreakpoints([{ name: 'mm::frame_allocator::alloc_frames' }]);
  const stacks: [Frame[], Frame[]][] = [];
  const internals = unwinders(rt);
  rt.onStop.event(() => stacks.push([internals.stackFromCfi(16)!, internals.stackFromFramePointers(16)]));
  await rt.continue();
  for (let i = 0; i < 6; i++) rt.stepInstruction();
  assert.equal(stacks.length, 7);
  for (const [cfi, fp] of stacks) {
    const names = (s: Frame[]): string[] => s.map((f) => f.name);
    assert.deepEqual(names(cfi), names(fp));
    assert.match(cfi[0].name, /alloc_frames/);
    assert.ok(cfi.some((f) => f.name === 'rust_main'), names(cfi).join(' < '));
  }
});

test('through a function\'s epilogue to its return, both unwinders keep the caller', async () => {
  const rt = new ChronosRuntime({ readFile: (p) => readFileSync(p), exists: (p) => existsSync(p) });
  rt.launch({ program: KERNEL });
  rt.setFunctionBreakpoints([{ name: 'mm::frame_allocator::alloc_frames' }]);
  const internals = unwinders(rt);
  await rt.continue();
  const [, callerFrame] = rt.stack(16);
  const caller = callerFrame.name, back = callerFrame.pc;
  // Step every instruction (into callees too) until control is back in the caller.
  let steps = 0, rets = 0;
  const names = (s: Frame[]): string => s.map((f) => f.name).join(' < ');
  for (; rt.pc !== back && steps < 200_000; steps++) {
    const cfi = internals.stackFromCfi(16), fp = internals.stackFromFramePointers(16);
    if (cfi && cfi[0].name.endsWith('::alloc_frames')) {
      assert.equal(cfi[1]?.name, caller, `CFI at 0x${cfi[0].pc.toString(16)}: ${names(cfi)}`);
      assert.equal(fp[1]?.name, caller, `frame pointers at 0x${fp[0].pc.toString(16)}: ${names(fp)}`);
      assert.ok(cfi.some((f) => f.name === 'rust_main'), names(cfi));
      const half = rt.machine.debug.readVirt(rt.pc, 2)!;
      if (half[0] === 0x82 && half[1] === 0x80) rets++; // c.ret
    }
    rt.stepInstruction();
  }
  assert.equal(rt.pc, back, 'alloc_frames returned');
  assert.equal(rets, 1, 'the walk stopped at its ret');
});

// A kernel that remaps a page without sfence.vma keeps using the old translation here (as on
// QEMU); at the next stop the adapter says so in the console, once, naming the page, the frame
// the TLB still gives and the one the page table gives now. The guest (assembled here) builds
// Sv39 tables in M-mode, enters S-mode, loads from virtual page 0x40000000 (frame A holds 1),
// points the page's PTE at frame B (holding 1000) without a fence and loads again.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { client, launch } from './support.js';
import { GCC, MARCH, requireTools } from '../support/toolchain.js';

const OUT = resolve('test/programs/build');
const ELF = join(OUT, 'stale-tlb.elf');

const SOURCE = `
  .globl _start
_start:
  li t0, -1; srli t0, t0, 10; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0
  la t1, root
  la t0, l1; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, 1; sd t0, 8(t1)   # root[1]: 0x40000000's table
  li t0, (0x80000 << 10) | 0xcf; sd t0, 16(t1)                              # root[2]: RAM onto itself
  la t2, l1; la t0, l0; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, 1; sd t0, 0(t2)
  la t2, l0; la t0, frame_a; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, 0xc7; sd t0, 0(t2)
  srli t1, t1, 12; li t0, 8; slli t0, t0, 60; or t0, t0, t1; csrw satp, t0
  sfence.vma
  li t0, 1 << 11; csrw mstatus, t0
  la t0, smode; csrw mepc, t0
  mret
smode:
  li s1, 0x40000000
  ld a0, 0(s1)
  .globl before_remap
  .type before_remap, @function
before_remap:
  la s2, l0; la t0, frame_b; srli t0, t0, 12; slli t0, t0, 10; ori t0, t0, 0xc7; sd t0, 0(s2)
  ld a1, 0(s1)
  .globl after_remap
  .type after_remap, @function
after_remap:
  nop
  .globl again
  .type again, @function
again:
  nop
  j again

  .data
  .balign 4096
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
frame_a: .quad 1
  .balign 4096
frame_b: .quad 1000
  .balign 4096
`;

before(() => {
  execFileSync(process.execPath, ['esbuild.mjs']);
  requireTools(GCC);
  mkdirSync(OUT, { recursive: true });
  const src = join(OUT, 'stale-tlb.S');
  writeFileSync(src, SOURCE);
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', ELF]);
});

async function stopAt(c: DebugClient, name: string): Promise<void> {
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name }] });
  const stopped = c.waitForEvent('stopped');
  await c.continueRequest({ threadId: 1 });
  await stopped;
}

const register = async (c: DebugClient, name: string): Promise<string> => {
  const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  const regs = (await c.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Registers')!;
  return (await c.variablesRequest({ variablesReference: regs.variablesReference })).body.variables.find((v) => v.name === name)!.value;
};

test('a stop after a remap without sfence.vma names the stale translation in the console, once', async () => {
  const c = await client();
  const out = { text: '' };
  c.on('output', (e: DebugProtocol.OutputEvent) => { out.text += e.body.output; });
  await launch(c, { program: ELF, bios: 'none', stopOnEntry: true });
  await Promise.all([c.configurationDoneRequest(), c.waitForEvent('stopped')]);

  await stopAt(c, 'before_remap');
  assert.doesNotMatch(out.text, /still translates/, 'nothing is stale before the remap');

  await stopAt(c, 'after_remap');
  assert.match(await register(c, 'a1'), /^0x0*1\b/, 'the second load used the old translation: frame A');
  const lines = out.text.split('\n').filter((l) => /still translates/.test(l));
  assert.equal(lines.length, 1, out.text);
  assert.match(lines[0], /hart 0 still translates 0x40000000 for S-mode loads to 0x8000[0-9a-f]{4}, but the page table changed: it maps it to 0x8000[0-9a-f]{4}\. The kernel changed the PTE without sfence\.vma/);
  const [cached, now] = [...lines[0].matchAll(/0x8000[0-9a-f]{4}/g)].map((m) => BigInt(m[0]));
  assert.equal(now - cached, 0x1000n, 'frame B follows frame A');

  await stopAt(c, 'again');
  assert.equal(out.text.split('\n').filter((l) => /still translates/.test(l)).length, 1, 'named once, not at every stop');
  await c.stop();
});

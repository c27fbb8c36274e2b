// Source variables of a C program built by GCC (DWARF 5, frame base = the call-frame address),
// read at a breakpoint by the runtime: every kind of type the locals reader knows. The Rust side
// (DWARF 4 from rustc, &str, Vec, String) is in adapter.test.ts against Chronos OS.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChronosRuntime } from '../../src/debugger/runtime.js';
import type { ValueNode } from '../../src/debugger/locals.js';
import { DebugInfo } from '../../src/debugger/dwarf/info.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GCC, requireTools } from '../support/toolchain.js';

const SRC = resolve('test/programs/locals.c');
const ELF = resolve('test/programs/build/locals.elf');
requireTools(GCC);

before(() => {
  mkdirSync(join('test', 'programs', 'build'), { recursive: true });
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O0', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', SRC, '-o', ELF]);
});

test('locals of a C function: scalars, enum, union, struct, array, pointers, strings', async () => {
  const rt = new ChronosRuntime({ readFile: (p) => readFileSync(p), exists: (p) => existsSync(p) });
  rt.launch({ program: ELF, bios: 'none' });
  const line = readFileSync(SRC, 'utf8').split('\n').findIndex((l) => l.includes('the test stops here')) + 1;
  assert.ok(rt.setSourceBreakpoints(SRC, [{ line }])[0].verified);
  await rt.continue();
  const locals = rt.locals(0)!;
  const by = new Map(locals.map((n) => [n.name, n]));
  const value = (n: string): string => by.get(n)?.value ?? `<no ${n}>`;
  assert.equal(value('n'), '42');
  assert.equal(value('byte'), '200');
  assert.equal(value('small'), '-3');
  assert.equal(value('flag'), 'true');
  assert.equal(value('ratio'), '0.25');
  assert.equal(value('c'), 'BLUE');
  assert.equal(by.get('c')?.type, 'colour');
  const kids = (n: ValueNode | undefined): Map<string, string> => new Map((n?.children?.() ?? []).map((c) => [c.name, c.value]));
  assert.equal(kids(by.get('w')).get('f'), '1.5');
  assert.equal(kids(by.get('w')).get('u'), String(0x3fc00000));
  assert.deepEqual(Object.fromEntries(kids(by.get('copy'))), { x: '-7', y: String(2 ** 40), tag: '113' });
  assert.deepEqual([...kids(by.get('squares')).values()], ['0', '1', '4', '9', '16']);
  const p = by.get('p')!;
  assert.match(p.value, /^0x8[0-9a-f]+$/);
  assert.deepEqual(Object.fromEntries(kids(p.children!()[0])), { x: '-7', y: String(2 ** 40), tag: '113' });
  assert.match(value('greeting'), /^0x8[0-9a-f]+ "hi there"$/);
  assert.equal(p.children!()[0].name, '*p');
  // The caller's frame has its own locals.
  const main = new Map((rt.locals(1) ?? []).map((n) => [n.name, n]));
  assert.deepEqual(Object.fromEntries(kids(main.get('origin'))), { x: '-7', y: String(2 ** 40), tag: '113' });
});

test('DWARF 5 range lists: a unit split over sections covers each function', () => {
  const elfPath = resolve('test/programs/build/locals-sections.elf');
  execFileSync(GCC, ['-march=rv64imac_zicsr', '-mabi=lp64', '-mcmodel=medany', '-O0', '-g', '-ffunction-sections', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', SRC, '-o', elfPath]);
  const elf = parseElf(readFileSync(elfPath));
  const sec = (n: string): Uint8Array | undefined => {
    const s = elf.sections.find((x) => x.name === n);
    return s ? elf.bytes.subarray(s.offset, s.offset + s.size) : undefined;
  };
  const info = new DebugInfo({ debugInfo: sec('.debug_info')!, debugAbbrev: sec('.debug_abbrev')!, debugStr: sec('.debug_str'),
    debugLineStr: sec('.debug_line_str'), debugRngLists: sec('.debug_rnglists') });
  const unit = info.units.find((u) => info.name(u)?.endsWith('test/programs/locals.c'))!;
  const ranges = info.ranges(unit);
  assert.ok(ranges.length >= 2, `ranges ${ranges.map(([a, b]) => `${a.toString(16)}-${b.toString(16)}`).join(' ')}`);
  for (const fn of ['inspect', 'main']) {
    const sym = elf.symbols.find((s) => s.name === fn)!;
    assert.ok(ranges.some(([a, b]) => sym.value >= a && sym.value < b), `${fn} at ${sym.value.toString(16)}`);
    assert.equal(info.name(info.functionAt(sym.value)!), fn);
  }
});

test('over DAP: a Locals scope, and paths through structs, arrays and pointers in evaluate', async () => {
  const dc = new DebugClient('node', resolve('dist/debugAdapter.js'), 'chronos');
  dc.defaultTimeout = 20_000;
  await dc.start();
  try {
    await Promise.all([dc.initializeRequest(), dc.waitForEvent('initialized'), dc.launch({ program: ELF, bios: 'none' } as DebugProtocol.LaunchRequestArguments)]);
    const line = readFileSync(SRC, 'utf8').split('\n').findIndex((l) => l.includes('the test stops here')) + 1;
    await dc.setBreakpointsRequest({ source: { path: SRC }, breakpoints: [{ line }] });
    await Promise.all([dc.configurationDoneRequest(), dc.waitForEvent('stopped')]);
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    assert.deepEqual(scopes.map((x) => x.name), ['Locals', 'Registers', 'Floating point', 'CSRs']);
    const ev = async (expression: string): Promise<string> => (await dc.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
    assert.equal(await ev('p->x'), '-7');
    assert.equal(await ev('p.tag'), '113');
    assert.equal(await ev('copy.y'), String(2 ** 40));
    assert.equal(await ev('squares[3]'), '9');
    assert.equal(await ev('w.f'), '1.5');
    assert.equal(await ev('n'), '42');
    assert.match(await ev('n + 1'), /\(43\)$/);
  } finally {
    await dc.stop();
  }
});

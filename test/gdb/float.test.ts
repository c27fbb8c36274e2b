// The floating-point registers through gdb, on a bare program built for the double-float ABI
// (test/programs/fpregs.c: scale(1.5, 2.0f) takes a double in fa0 and a NaN-boxed single in
// fa1 and prints its product's bits): Debian's gdb-multiarch shows them with `info registers
// float` and `p $fa0`, and a value it sets at the breakpoint is the one the program then
// multiplies; over the raw protocol, p and g read the same bits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { runGdb } from './gdb.js';
import { buildPrograms, type Programs } from './programs.js';
import { RspClient, startChronos, type Chronos } from './rsp.js';

let p: Programs;
const live: Chronos[] = [];
before(() => { p = buildPrograms(); });
after(() => { for (const c of live) c.proc.kill(); });

const BARE = ['--bios', 'none'];

test('gdb-multiarch: info registers float, p $fa0, fcsr\'s fields; values set at a breakpoint are the ones computed with', async () => {
  const r = await runGdb(p.dir, p.fpregs, BARE, [
    'break scale', 'continue', 'info registers float', 'echo FA\\n', 'p $fa0', 'p $fa1', 'p $fa0.double', 'p $fa1.float',
    'info registers fcsr',
    'set var $fa0.double = 3.25', 'set var $fa1.float = 4', 'echo SET\\n', 'p $fa0', 'p/x $fa1',
    'set $frm = 3', 'set $fflags = 0x11', 'echo FCSR\\n', 'p/x $fcsr', 'p $frm', 'set $fcsr = 0', 'p/x $fcsr',
    'continue',
  ]);
  const t = r.transcript;
  assert.match(t, /Breakpoint 1, scale \(x=x@entry=1\.5, y=y@entry=2\) at test\/programs\/fpregs\.c:\d+/, t);
  // Every register of the fpu feature, each as the union of a single and a double with its raw bits.
  const shown = [...t.matchAll(/^(f[tsa]\d+) +\{float = [^,]+, double = [^}]+\}\t\(raw 0x([0-9a-f]{16})\)$/gm)];
  assert.equal(shown.length, 32, t);
  assert.equal(new Set(shown.map((m) => m[1])).size, 32);
  assert.match(t, /^fa0 +\{float = 0, double = 1\.5\}\t\(raw 0x3ff8000000000000\)$/m);
  assert.match(t, /^fa1 +\{float = 2, double = -nan\(0xfffff40000000\)\}\t\(raw 0xffffffff40000000\)$/m, 'a NaN-boxed single');
  assert.match(t, /^fflags +0x0\tNV:0 DZ:0 OF:0 UF:0 NX:0$/m);
  assert.match(t, /^frm +0x0\tFRM:0 \[RNE/m);
  assert.match(t, /FA\n\$1 = \{float = 0, double = 1\.5\}\n\$2 = \{float = 2, double = -nan\(0xfffff40000000\)\}\n\$3 = 1\.5\n\$4 = 2\n/);
  assert.match(t, /^fcsr +0x0\tNV:0 DZ:0 OF:0 UF:0 NX:0 FRM:0 \[RNE/m);
  // gdb writes a single into the low half; the box (the high half) stays as it was.
  assert.match(t, /SET\n\$5 = \{float = 0, double = 3\.25\}\n\$6 = \{float = 0x40800000, double = 0xffffffff40800000\}\n/);
  assert.match(t, /FCSR\n\$7 = 0x71\n\$8 = 3\n\$9 = 0x0\n/, 'frm 3 and NV|NX make fcsr 0x71');
  // 3.25 * 4 = 13: the program computed with what gdb set.
  assert.match(r.chronos.stdout(), /^product 402a000000000000$/m);
  assert.match(t, /\[Inferior 1 \(Remote target\) exited normally\]/);
  assert.doesNotMatch(t, /Remote failure|Protocol error|internal-error|bfd requires flen/);
  assert.equal(r.chronosStatus, 0);
});

const le64 = (v: bigint): string => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt.asUintN(64, v)); return b.toString('hex'); };
const hx = (v: bigint): string => v.toString(16);

test('the raw protocol at scale(): p and g read fa0 and fa1, P sets fa0, fcsr reads 32 bits', async () => {
  const c = await startChronos([...BARE, '--gdb', '0', '--gdb-wait', p.fpregs]);
  live.push(c);
  const g = await RspClient.connect(c.port);
  await g.request('qSupported:swbreak+');
  const scale = parseElf(readFileSync(p.fpregs)).symbols.find((s) => s.name === 'scale')!.value;
  assert.equal(await g.request(`Z0,${hx(scale)},2`), 'OK');
  assert.equal(await g.request('c'), 'T05swbreak:;thread:1;');
  // gdb numbers f0-f31 33-64: fa0 (f10) is 0x2b, fa1 0x2c; fcsr is 65 + 3.
  assert.equal(await g.request('p2b'), le64(0x3ff8000000000000n), 'fa0 = 1.5');
  assert.equal(await g.request('p2c'), le64(0xffffffff40000000n), 'fa1 = 2.0f, NaN-boxed');
  const all = (await g.request('g'))!;
  assert.equal(all.slice(43 * 16, 45 * 16), le64(0x3ff8000000000000n) + le64(0xffffffff40000000n));
  assert.equal(await g.request('p44'), '00000000', 'fcsr');
  assert.equal(await g.request(`P2b=${le64(0xc000000000000000n)}`), 'OK', 'fa0 = -2');
  assert.equal(await g.request(`z0,${hx(scale)},2`), 'OK');
  g.send('c');
  assert.equal(await g.packet(), 'W00');
  assert.equal(await c.exited, 0);
  // -2 * 2 = -4
  assert.match(c.stdout(), /^product c010000000000000$/m);
});

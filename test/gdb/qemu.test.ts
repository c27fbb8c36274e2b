// xv6's `make qemu-gdb` line on `chronos qemu`: -S holds the harts, -gdb opens the stub, and
// Debian's gdb-multiarch attaches as it would to QEMU, breaks in main on a hart and reads it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GDB, buildPrograms, type Programs } from './programs.js';
import { startChronos } from './rsp.js';

let p: Programs;
before(() => { p = buildPrograms(); });

test('chronos qemu -S -gdb tcp::0: gdb-multiarch breaks in main, reads registers, and kill ends chronos', async () => {
  const chronos = await startChronos(['-machine', 'virt', '-bios', 'none', '-kernel', p.locks3, '-m', '128M', '-smp', '3', '-nographic', '-S', '-gdb', 'tcp::0'], 'qemu');
  const script = join(p.dir, 'qemu-gdb.cmd');
  writeFileSync(script, [
    'set pagination off', 'set confirm off', `target remote 127.0.0.1:${chronos.port}`,
    'p/x $pc', 'break main', 'continue', 'echo HART\\n', 'p h', 'p/x $mhartid', 'kill', '',
  ].join('\n'));
  const r = spawnSync(GDB, ['-batch', '-nx', '-x', script, p.locks3], { encoding: 'utf8', timeout: 120_000 });
  const timer = setTimeout(() => chronos.proc.kill(), 60_000);
  const status = await chronos.exited;
  clearTimeout(timer);
  const t = `${r.stdout}${r.stderr}`;
  // -S holds every hart at the reset vector's first instruction, the ELF's entry under -bios none.
  assert.match(t, /\$1 = 0x80000000\n/, t);
  const hit = /Thread (\d) hit Breakpoint 1, main \(h=(\d)\)/.exec(t);
  assert.ok(hit, t);
  assert.equal(Number(hit[2]), Number(hit[1]) - 1, t);
  assert.match(t, new RegExp(`HART\\n\\$\\d+ = ${hit[2]}\\n\\$\\d+ = 0x${hit[2]}\\n`), t);
  assert.match(chronos.stderr(), /gdb stub listening on 127\.0\.0\.1:\d+ \(the harts wait for gdb to continue\)/);
  assert.equal(status, 0, chronos.stderr());
});

// The monitor answers as QEMU 7.2's monitor answers, byte for byte: x and xp in every format
// and unit on the same image (Chronos OS as a flat binary at 0x80200000), the reset ROM with
// its fw_dynamic_info for each boot path and RAM size, `info registers` on a program that
// spins in a known state, `info mem` under Chronos OS's page tables, and the messages for a
// bad format, an unreadable address and an unknown command.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, MARCH_FD, OBJCOPY, QEMU, requireTools, scratchDir } from '../support/toolchain.js';
import { ask, CHRONOS, monitorAnswers, Session } from './support.js';

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const QUIET = ['-machine', 'virt', '-display', 'none', '-monitor', 'stdio', '-serial', 'none'];
let dir = '';
let flat = '', spin = '';

before(() => {
  requireTools(QEMU, GCC, OBJCOPY);
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  dir = scratchDir('monitor');
  flat = join(dir, 'os.bin');
  execFileSync(OBJCOPY, ['-O', 'binary', KERNEL, flat]);
  // Every integer register and the scratch CSRs set to something recognisable, then a spin.
  // mtimecmp first: QEMU resets it to 0 (MTIP pending from power-on), Chronos to all ones.
  const src = join(dir, 'spin.S');
  spin = join(dir, 'spin.elf');
  const lines = ['.globl _start', '_start:', '  li t0, 0x2004000', '  li t1, -1', '  sd t1, 0(t0)'];
  for (let i = 1; i < 32; i++) lines.push(`  li x${i}, ${BigInt.asIntN(64, 0x1111111111111111n * BigInt(i % 15 + 1) + BigInt(i))}`);
  // The FPU on, a double, a NaN-boxed single and a converted integer in the FP registers.
  lines.push('  li t0, 0x6000', '  csrs mstatus, t0', '  fmv.d.x f1, x9', '  fmv.w.x f2, x10', '  fcvt.d.l f31, x11');
  lines.push('  csrw mscratch, x5', '  csrw sscratch, x6', '  csrw mtvec, x7', '1: j 1b', '');
  writeFileSync(src, lines.join('\n'));
  execFileSync(GCC, [`-march=${MARCH_FD}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', spin]);
});

/** The same commands on QEMU and Chronos; each answer must be the same bytes. */
async function same(args: string[], commands: string[], qemuOnly: string[] = []): Promise<void> {
  const [q, c] = await Promise.all([monitorAnswers('qemu', [...QUIET, ...qemuOnly, ...args], commands), monitorAnswers('chronos', [...QUIET, ...args], commands)]);
  commands.forEach((cmd, i) => assert.equal(JSON.stringify(c[i]), JSON.stringify(q[i]), `${cmd}\n  QEMU:    ${JSON.stringify(q[i])}\n  Chronos: ${JSON.stringify(c[i])}`));
}

test('x and xp in every format and unit, as QEMU prints them (a flat kernel at 0x80200000, harts stopped by -S)', async () => {
  await same(['-bios', 'default', '-kernel', flat, '-S'], [
    'x/4xw 0x80200000', 'xp/4xw 0x80200000', 'xp/8xb 0x80200000', 'xp/3xh 0x80200002', 'xp/2xg 0x80200000', 'xp/9xw 0x80200010',
    'xp/3dw 0x80200000', 'xp/5dh 0x80200000', 'xp/4db 0x80200000', 'xp/2dg 0x80200000',
    'xp/3uw 0x80200000', 'xp/5uh 0x80200000', 'xp/3og 0x80200000', 'xp/3ow 0x80200000', 'xp/2ob 0x80200000',
    'xp/20c 0x80200000', 'xp/6cb 0x80200040', 'xp 0x80200000', 'x/2x 0x80200000', 'xp/2xw 0x80200000+8', 'xp /2xw (0x80200000 | 0x10) - 4',
    'xp/0xw 0x80200000', 'xp/4xw 0x0', 'xp/4xw 0x10000000', 'xp/2zw 0x80200000', 'xp/-2xw 0x80200000', 'xp/4xw', 'frobnicate',
  ]);
});

test('the reset ROM and fw_dynamic_info for each boot path, and the device tree\'s address for each RAM size', async () => {
  const rom = ['xp/12xw 0x1000', 'xp/6xg 0x1028'];
  await same(['-bios', 'none', '-kernel', spin, '-S'], rom);
  await same(['-bios', 'default', '-kernel', KERNEL, '-S'], rom);
  await same(['-bios', 'default', '-kernel', flat, '-S'], rom);
  await same(['-bios', '/usr/lib/u-boot/qemu-riscv64/u-boot.bin', '-S'], rom);
  for (const m of ['3M', '16M', '129M', '1G', '2G']) await same(['-m', m, '-bios', 'none', '-kernel', spin, '-S'], ['xp/2xw 0x1020', 'xp/2xw 0x1038']);
});

test('info registers: a program spinning with known registers shows what QEMU shows', async () => {
  // QEMU's hart without the hypervisor extension (whose CSRs it prints) is Chronos's.
  await same(['-bios', 'none', '-kernel', spin, '-S'], ['info status', 'cont', 'info status', '@wait 500', 'stop', 'info status', 'info registers'],
    ['-cpu', 'rv64,h=false']);
});

test('info mem: Chronos OS\'s page tables listed as QEMU lists them, once its console monitor waits for input', async () => {
  const run = async (machine: 'qemu' | 'chronos'): Promise<string[]> => {
    const args = ['-machine', 'virt', '-nographic', '-bios', 'default', '-kernel', KERNEL, '-append', 'monitor'];
    const s = machine === 'qemu' ? new Session(QEMU, args) : new Session(process.execPath, [CHRONOS, 'qemu', ...args]);
    try {
      await s.waitFor('chronos> ', 60_000);
      s.send('\x01c');
      await s.waitFor('(qemu) ', 10_000);
      return [await ask(s, 'info mem', machine === 'qemu'), await ask(s, 'xp/4xw 0x80200000', machine === 'qemu')];
    } finally {
      s.send('\x01x');
      await s.end();
    }
  };
  const [q, c] = await Promise.all([run('qemu'), run('chronos')]);
  assert.match(q[0], /^vaddr {12}paddr {12}size {13}attr\r\n/);
  assert.ok(q[0].split('\r\n').length > 8, q[0]);
  assert.equal(c[0], q[0]);
  assert.equal(c[1], q[1]);
});

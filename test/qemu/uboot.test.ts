// Debian's U-Boot (u-boot-qemu), a program no one here wrote, through `chronos qemu` with the
// same command lines as QEMU: the M-mode build as the firmware alone (-bios u-boot.bin), the
// S-mode build under the built-in SBI and under Debian's OpenSBI. Each reaches its prompt after
// its autoboot countdown is interrupted, and answers `version` and `virtio scan`; its banner
// and answers are QEMU's, except for what must differ:
// - the CPU line: the hart's ISA string (QEMU 7.2's hart has more extensions);
// - the Core line's device and uclass counts: QEMU's board has devices Chronos lacks (PCI,
//   the flash, the RTC, fw_cfg);
// - the Flash line: the virt board's CFI flash is not emulated;
// - the S-mode build's "Working FDT" address: U-Boot copies the tree below itself, and Chronos's
//   tree is smaller (fewer devices), so the copy starts a little higher;
// - the firmware banner before U-Boot's (OpenSBI's on QEMU, Debian's OpenSBI or none on Chronos).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, requireTools, scratchDir } from '../support/toolchain.js';
import { CHRONOS, Session } from './support.js';

const UBOOT_M = '/usr/lib/u-boot/qemu-riscv64/u-boot.bin';
const UBOOT_S = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const PROMPT = '=> ';
let disk = '';

before(() => {
  requireTools(QEMU, UBOOT_M, UBOOT_S, OPENSBI);
  execFileSync(process.execPath, ['esbuild.mjs']);
  disk = join(scratchDir('uboot'), 'disk.img');
  writeFileSync(disk, new Uint8Array(3 * 1024 * 1024));
});

interface Transcript { banner: string; answers: string[] }

/** Boot, stop the countdown, type the commands; U-Boot's banner and its answers (echo included). */
async function session(command: string, args: string[], commands: string[]): Promise<Transcript> {
  const s = new Session(command, args);
  try {
    const countdown = await s.waitFor('Hit any key to stop autoboot:', 120_000);
    s.send(' ');
    let at = await s.waitFor(PROMPT, 30_000, countdown);
    const banner = s.out.slice(s.out.indexOf('U-Boot '), countdown);
    const answers: string[] = [];
    for (const c of commands) {
      s.send(`${c}\n`);
      const echoed = await s.waitFor(`${c}\r\n`, 30_000, at);
      const end = await s.waitFor(PROMPT, 30_000, echoed);
      answers.push(s.out.slice(at, end - PROMPT.length));
      at = end;
    }
    return { banner, answers };
  } finally {
    s.send('\x01x');
    await s.end(5000);
  }
}

/** What must differ, made the same (see the list above). */
const normalise = (banner: string): string => banner
  .replace(/^CPU: {3}\S+/m, 'CPU:   <isa>')
  .replace(/^Core: {2}\d+ devices, \d+ uclasses/m, 'Core:  <n> devices, <n> uclasses')
  .replace(/^Flash: .*\r\n/m, '')
  .replace(/^Working FDT set to [0-9a-f]+/m, 'Working FDT set to <addr>');

const COMMANDS = ['version', 'virtio scan'];

async function compare(qemuArgs: string[], chronosArgs: string[], commands = COMMANDS): Promise<Transcript> {
  const [q, c] = await Promise.all([
    session(QEMU, ['-machine', 'virt', '-nographic', ...qemuArgs], commands),
    session(process.execPath, [CHRONOS, 'qemu', '-machine', 'virt', '-nographic', ...chronosArgs], commands),
  ]);
  assert.match(q.banner, /^CPU: {3}rv64/m, 'QEMU printed the banner this test expects');
  assert.match(q.banner, /^Flash: /m);
  assert.equal(normalise(c.banner), normalise(q.banner));
  assert.deepEqual(c.answers, q.answers);
  if (commands === COMMANDS) assert.match(c.answers[0], /^version\r\nU-Boot 2023\.01/);
  return c;
}

test('M-mode U-Boot alone as the firmware (-bios u-boot.bin) reaches its prompt and answers as on QEMU', async () => {
  await compare(['-bios', UBOOT_M], ['-bios', UBOOT_M]);
});

test('S-mode U-Boot under the built-in SBI (-bios default) answers as under QEMU\'s OpenSBI', async () => {
  await compare(['-bios', 'default', '-kernel', UBOOT_S], ['-bios', 'default', '-kernel', UBOOT_S]);
});

test('S-mode U-Boot under Debian\'s OpenSBI running on Chronos answers as under QEMU\'s OpenSBI', async () => {
  await compare(['-bios', 'default', '-kernel', UBOOT_S], ['-bios', OPENSBI, '-kernel', UBOOT_S]);
});

test('M-mode U-Boot finds a disk on a virtio-mmio slot (legacy, QEMU\'s default, and modern) as on QEMU', async () => {
  const drive = ['-drive', `file=${disk},if=none,format=raw,id=d0,snapshot=on`, '-device', 'virtio-blk-device,drive=d0'];
  for (const legacy of [[], ['-global', 'virtio-mmio.force-legacy=false']]) {
    const args = ['-bios', UBOOT_M, ...legacy, ...drive];
    const c = await compare(args, args, ['virtio scan', 'virtio info']);
    assert.match(c.answers[1], /QEMU VirtIO Block Device[\s\S]*Capacity: 3\.0 MB = 0\.0 GB \(6144 x 512\)/);
  }
});

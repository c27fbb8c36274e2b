// Linux 6.1 (scripts/linux-image.sh: Debian's linux-source-6.1, tinyconfig plus virt, SBI, the
// SBI and 8250 consoles, SMP, printk, and our nolibc init in a built-in initramfs) boots to
// user space and powers off on Chronos, through `chronos run` as a user runs it, and its console
// is QEMU 7.2's line for line once timestamps are gone and the known differences (each with
// its reason, in test/support/linux.ts) are named: with the built-in SBI on two harts against
// QEMU's own OpenSBI, and with Debian's OpenSBI fw_jump on both (its banner compared too).
// QEMU, OpenSBI and the cross compiler are oracles: when one is missing the suite fails.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { requireTools } from '../support/toolchain.js';
import {
  CHRONOS, FW_JUMP, INIT_LINES, KNOWN_DIFFERENCES, bootOnChronos, bootOnQemu, differences, instructionsOf, linuxImage,
  normalise, type Boot,
} from '../support/linux.js';

/** Generous: a boot is about 6 CPU seconds on Chronos, but the machine may be shared. */
const TIMEOUT_MS = 600_000;
let image = '';

before(() => {
  requireTools('qemu-system-riscv64', 'riscv64-linux-gnu-gcc', FW_JUMP);
  assert.ok(existsSync(CHRONOS), `${CHRONOS} is missing: build it with npm run build`);
  image = linuxImage().image;
});

function checkReachedInit(boot: Boot, where: string, harts: number): void {
  const lines = boot.console.replace(/\r/g, '').split('\n').map((l) => l.replace(/^\[ *\d+\.\d+\] /, ''));
  for (const l of INIT_LINES) assert.ok(lines.includes(l), `${where}: no "${l}" line; the console ends:\n${boot.console.slice(-1500)}\n${boot.stderr.slice(-500)}`);
  assert.ok(lines.includes(`chronos-init: processors online: ${harts}`), `${where}: Linux did not bring up ${harts} harts:\n${boot.console.slice(-800)}`);
  assert.equal(boot.status, 0, `${where} ended with status ${boot.status}: ${boot.stderr.slice(-500)}`);
}

function compare(qemu: Boot, chronos: Boot, banner: boolean): void {
  const q = normalise(qemu.console, { banner }), c = normalise(chronos.console, { banner });
  const diff = differences(q, c, ['qemu', 'chronos']);
  assert.equal(diff, '', `the consoles differ beyond the known differences:\n${diff}`);
}

test('Linux boots to its init on two harts with the built-in SBI, and its console is QEMU\'s', { timeout: TIMEOUT_MS }, () => {
  const [chronos, qemu] = [bootOnChronos(image, { firmware: 'builtin', smp: 2, timeoutMs: TIMEOUT_MS }),
    bootOnQemu(image, { firmware: 'default', smp: 2, timeoutMs: TIMEOUT_MS })];
  checkReachedInit(qemu, 'QEMU', 2);
  checkReachedInit(chronos, 'Chronos', 2);
  assert.ok(instructionsOf(chronos) > 1_000_000, 'the boot ran a credible number of instructions');
  compare(qemu, chronos, false);
});

test('Linux boots under Debian\'s OpenSBI fw_jump on both machines, banner and all', { timeout: TIMEOUT_MS }, () => {
  const [chronos, qemu] = [bootOnChronos(image, { firmware: 'fw_jump', smp: 1, timeoutMs: TIMEOUT_MS }),
    bootOnQemu(image, { firmware: 'fw_jump', smp: 1, timeoutMs: TIMEOUT_MS })];
  checkReachedInit(qemu, 'QEMU', 1);
  checkReachedInit(chronos, 'Chronos', 1);
  assert.match(chronos.console, /OpenSBI v1\.\d/, 'OpenSBI printed its banner on Chronos');
  compare(qemu, chronos, true);
});

test('the comparison names every known difference, and catches any other', () => {
  const sample = '[    0.000000] SBI specification v2.0 detected\r\n[    0.000000] riscv: base ISA extensions acdfim\r\n[    1.5] Run /init as init process\r\n';
  assert.deepEqual(normalise(sample, { banner: true }), ['<SBI version>', '<ISA extensions>', 'Run /init as init process']);
  const changed = sample.replace('Run /init', 'Run /sbin/init');
  assert.notEqual(differences(normalise(sample, { banner: true }), normalise(changed, { banner: true }), ['a', 'b']), '');
  for (const d of KNOWN_DIFFERENCES) assert.ok(d.why.length > 20, `${d.name} says why`);
});

// Loading as QEMU 7.2 loads, checked against QEMU: a flat kernel (Chronos OS through objcopy
// -O binary) through the generic loader and as -kernel, under Debian's OpenSBI, QEMU's own and
// the built-in SBI; a Linux Image placed by its header; a device tree from -dtb; and the device
// tree Chronos writes (--dump-dtb, -machine virt,dumpdtb=) compiled back by dtc and compared,
// node by node and property by property, with QEMU's own dumpdtb.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AS, GCC, MARCH, OBJCOPY, QEMU, requireTools, scratchDir } from '../support/toolchain.js';
import { CHRONOS, Session } from './support.js';

const KERNEL = 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel';
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const DTC = 'dtc';
let dir = '', flat = '', bare = '', qemuTree = '', chronosTree = '';

before(() => {
  requireTools(QEMU, GCC, AS, OBJCOPY, DTC, FW_JUMP);
  execFileSync(process.execPath, ['esbuild.mjs']);
  execFileSync('bash', ['scripts/build-kernel.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  dir = scratchDir('loading');
  flat = join(dir, 'os.bin');
  execFileSync(OBJCOPY, ['-O', 'binary', KERNEL, flat]);
  const src = join(dir, 'bare.S');
  bare = join(dir, 'bare.elf');
  writeFileSync(src, '.globl _start\n_start:\n li t0, 0x100000\n li t1, 0x5555\n sw t1, 0(t0)\n1: j 1b\n');
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', bare]);
  // Each machine's own tree with `monitor` as the command line, for kernels booted without -kernel.
  qemuTree = join(dir, 'qemu-virt.dtb');
  chronosTree = join(dir, 'chronos-virt.dtb');
  execFileSync(QEMU, ['-machine', `virt,dumpdtb=${qemuTree}`, '-nographic', '-kernel', bare, '-append', 'monitor'], { stdio: 'ignore' });
  execFileSync(process.execPath, [CHRONOS, 'qemu', '-machine', `virt,dumpdtb=${chronosTree}`, '-nographic', '-kernel', bare, '-append', 'monitor'], { stdio: 'ignore' });
});

interface Run { status: number | null; stdout: string; stderr: string }
const qemu = (args: string[]): Run => spawnSync(QEMU, ['-machine', 'virt', '-nographic', ...args], { encoding: 'latin1', timeout: 60_000 });
const chronos = (args: string[]): Run => spawnSync(process.execPath, [CHRONOS, 'qemu', '-machine', 'virt', '-nographic', ...args], { encoding: 'latin1', timeout: 120_000, input: '' });
/**
 * Chronos OS up to its own console monitor (`monitor` on its command line: the self-tests, then
 * a prompt), on QEMU or Chronos; its lines from its banner on (firmware banners differ).
 */
async function toMonitor(machine: 'qemu' | 'chronos', args: string[]): Promise<string> {
  const all = ['-machine', 'virt', '-nographic', ...args];
  const s = machine === 'qemu' ? new Session(QEMU, all) : new Session(process.execPath, [CHRONOS, 'qemu', ...all]);
  try {
    await s.waitFor('chronos> ', 90_000);
  } finally {
    s.send('\x01x');
    await s.end();
  }
  const i = s.out.indexOf('Chronos OS v');
  assert.ok(i >= 0, `no kernel banner:\n${s.out.slice(-600)}`);
  return s.out.slice(i, s.out.indexOf('chronos> ') + 9).replace(/\r/g, '');
}
/**
 * Chronos OS keeps the frames its device tree occupies: QEMU's tree is larger than Chronos's
 * (more devices), so with each machine's own tree the frame counts differ by that, and only that.
 */
const withoutFrameCounts = (s: string): string => s.replace(/^ {2}frames: .*$/gm, '  frames: <counts>');

/** The same kernel output with QEMU's own tree (-dtb), and with Chronos's all but the frame counts. */
async function sameKernelOutput(qemuArgs: string[], chronosArgs: string[]): Promise<void> {
  const [q, withQemuTree, own] = await Promise.all([
    toMonitor('qemu', ['-dtb', qemuTree, ...qemuArgs]), toMonitor('chronos', ['-dtb', qemuTree, ...chronosArgs]),
    toMonitor('chronos', ['-dtb', chronosTree, ...chronosArgs]),
  ]);
  assert.match(q, /ktest: \d+ passed, 0 failed/);
  assert.equal(withQemuTree, q);
  assert.equal(withoutFrameCounts(own), withoutFrameCounts(q));
}

test('a flat kernel through -device loader,file=...,addr=0x80200000 under Debian\'s OpenSBI prints on Chronos what it prints on QEMU', async () => {
  const args = ['-bios', FW_JUMP, '-device', `loader,file=${flat},addr=0x80200000`];
  await sameKernelOutput(args, args);
});

test('a flat kernel as -kernel under QEMU\'s OpenSBI and under the built-in SBI, and through the loader under the built-in SBI', async () => {
  await sameKernelOutput(['-bios', 'default', '-kernel', flat], ['-bios', 'default', '-kernel', flat]);
  // QEMU's OpenSBI has no next address without -kernel; the built-in SBI enters 0x80200000, as fw_jump does.
  await sameKernelOutput(['-bios', 'default', '-kernel', flat], ['-device', `loader,file=${flat},addr=0x80200000`]);
});

/** A Linux Image that prints the address it runs at: the header, then position-independent code. */
function linuxImage(name: string, textOffset: number): string {
  const src = join(dir, `${name}.S`), obj = join(dir, `${name}.o`), elf = join(dir, `${name}.elf`), bin = join(dir, `${name}.bin`);
  writeFileSync(src, `
    .option norvc
    .globl _start
_start:
    j body                       # code0
    .word 0                      # code1
    .dword ${textOffset}         # text_offset
    .dword 0x2000                # image_size
    .dword 0                     # flags: little-endian
    .word 2                      # version 0.2
    .word 0
    .dword 0
    .ascii "RISCV\\0\\0\\0"      # magic
    .ascii "RSC\\x05"            # magic2
    .word 0
body:
    auipc s0, 0
    addi s0, s0, -64             # the image's first byte
    li t0, 0x10000000
    li t1, 60
1:  srl t2, s0, t1
    andi t2, t2, 15
    addi t2, t2, 48
    li t3, 58
    blt t2, t3, 2f
    addi t2, t2, 39
2:  sb t2, 0(t0)
    addi t1, t1, -4
    bgez t1, 1b
    li t2, 10
    sb t2, 0(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
3:  j 3b
`);
  execFileSync(AS, [`-march=${MARCH}`, src, '-o', obj]);
  execFileSync('riscv64-unknown-elf-ld', ['-Ttext=0', obj, '-o', elf]);
  execFileSync(OBJCOPY, ['-O', 'binary', elf, bin]);
  return bin;
}

test('a Linux Image: where QEMU puts it for -bios none and behind an SBI, and its text_offset honoured', () => {
  const image = linuxImage('image', 0x200000);
  for (const bios of ['none', 'default']) {
    const q = qemu(['-bios', bios, '-kernel', image]), c = chronos(['-bios', bios, '-kernel', image]);
    assert.equal(c.status, 0, c.stderr);
    const where = (r: Run): string => /^([0-9a-f]{16})$/m.exec(r.stdout.replace(/\r/g, ''))?.[1] ?? r.stdout;
    assert.equal(where(c), where(q), `-bios ${bios}`);
  }
  assert.match(chronos(['-bios', 'default', '-kernel', image]).stdout, /^0000000080200000$/m);
  // An offset QEMU ignores (it loads an Image as a flat binary): Chronos puts the kernel where Linux asks.
  assert.match(chronos(['-bios', 'default', '-kernel', linuxImage('image4m', 0x400000)]).stdout, /^0000000080400000$/m);
  const bare4 = chronos(['-bios', 'none', '-kernel', image]);
  assert.match(bare4.stdout, /^0000000080000000$/m);
  assert.match(bare4.stderr, /with -bios none the Image goes at the start of RAM/);
});

test('-dtb: Chronos OS boots with QEMU\'s own device tree for 256 MiB and reads its RAM and command line from it', async () => {
  const dtb = join(dir, 'qemu-256.dtb');
  execFileSync(QEMU, ['-machine', `virt,dumpdtb=${dtb}`, '-m', '256M', '-nographic'], { stdio: 'ignore' });
  // RAM from QEMU's tree; /chosen/bootargs set in it from -append.
  assert.match(await toMonitor('chronos', ['-m', '256M', '-dtb', dtb, '-kernel', KERNEL, '-append', 'monitor']), /memory 0x80000000\.\.0x90000000, kernel 0x80200000\.\.0x[0-9a-f]+, bootargs "monitor"/);
  const bad = chronos(['-dtb', bare, '-kernel', KERNEL]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bare\.elf: not a device tree blob \(magic 0x7f454c46/);
});

/** dtc's listing as nodes (paths) and their properties' text. */
function parseDts(text: string): Map<string, Map<string, string>> {
  const nodes = new Map<string, Map<string, string>>();
  const stack: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+) \{$/.exec(line))) {
      stack.push(m[1] === '/' ? '' : m[1]);
      nodes.set(stack.join('/') || '/', new Map());
    } else if (line === '};') {
      stack.pop();
    } else if ((m = /^([^=\s]+)(?: = (.*))?;$/.exec(line)) && stack.length) {
      nodes.get(stack.join('/') || '/')!.set(m[1], m[2] ?? '');
    }
  }
  return nodes;
}

const dts = (file: string): Map<string, Map<string, string>> => parseDts(execFileSync(DTC, ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));

/** Nodes of QEMU's tree that Chronos's has not, and why. */
const ABSENT: [RegExp, string][] = [
  [/^\/pmu$/, 'no PMU event counters (SBI PMU)'],
  [/^\/fw-cfg@10100000$/, 'no fw_cfg device'],
  [/^\/flash@20000000$/, 'no CFI flash'],
  [/^\/platform-bus@4000000$/, 'no dynamic sysbus devices'],
  [/^\/soc\/rtc@101000$/, 'no Goldfish RTC'],
  [/^\/soc\/pci@30000000$/, 'no PCIe host'],
];
/** Properties that must differ, and why. */
const DIFFERENT: [RegExp, string, string][] = [
  [/^\/cpus\/cpu@\d+$/, 'riscv,isa', 'the extensions each hart has'],
  [/^\/cpus\/cpu@\d+$/, 'mmu-type', 'Chronos translates Sv39 only (QEMU\'s hart has Sv48)'],
  [/^\/chosen$/, 'rng-seed', 'Chronos is deterministic: it has no random seed to give'],
];

test('--dump-dtb and -machine virt,dumpdtb= write QEMU\'s tree, except where the board differs', () => {
  const args = ['-smp', '2', '-m', '256M', '-bios', 'none', '-kernel', bare, '-append', 'console=ttyS0 quiet', '-initrd', flat];
  const qemuDtb = join(dir, 'qemu.dtb'), ours = join(dir, 'chronos.dtb'), run = join(dir, 'run.dtb');
  execFileSync(QEMU, ['-machine', `virt,dumpdtb=${qemuDtb}`, '-nographic', ...args], { stdio: 'ignore' });
  const c = chronos([...args, '-machine', `virt,dumpdtb=${ours}`]);
  assert.equal(c.status, 0, c.stderr);
  const r = spawnSync(process.execPath, [CHRONOS, 'run', '--smp', '2', '--memory', '256', '--bios', 'none', '--append', 'console=ttyS0 quiet',
    '--initrd', flat, '--dump-dtb', run, bare], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const q = dts(qemuDtb);
  for (const file of [ours, run]) {
    const t = dts(file);
    for (const path of q.keys()) {
      if (!t.has(path)) assert.ok(ABSENT.some(([re]) => re.test(path)), `${path} is in QEMU's tree, not in Chronos's`);
    }
    for (const [path, props] of t) {
      const want = q.get(path);
      assert.ok(want, `${path} is in Chronos's tree, not in QEMU's`);
      for (const name of new Set([...props.keys(), ...want.keys()])) {
        if (DIFFERENT.some(([re, p]) => re.test(path) && p === name)) continue;
        assert.equal(props.get(name), want.get(name), `${path} ${name}`);
      }
    }
    assert.equal(t.get('/chosen')!.get('linux,initrd-start'), q.get('/chosen')!.get('linux,initrd-start'));
    assert.equal(t.get('/chosen')!.get('bootargs'), '"console=ttyS0 quiet"');
  }
});

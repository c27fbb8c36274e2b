// The loader and the `chronos` command on malformed and hostile files: each ends with a
// message naming the problem and exit status 2, never a stack trace.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, parseElf, checkSegments } from '../../src/emulator/loader/elf.js';
import { GCC, MARCH, scratchDir, requireTools } from '../support/toolchain.js';

const CLI = join('dist', 'chronos.js');
let dir = '';
let good: Buffer;

before(() => {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.mjs']);
  dir = scratchDir('hostile');
  const elf = join(dir, 'hello.elf');
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-mcmodel=medany', '-O2', '-ffreestanding', '-nostdlib', '-static',
    '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', 'test/programs/crt0.S', 'test/programs/hello.c', '-o', elf]);
  good = readFileSync(elf);
});

/** File offset of the first PT_LOAD program header. */
function firstLoad(b: Buffer): number {
  const phoff = Number(b.readBigUInt64LE(32)), size = b.readUInt16LE(54), n = b.readUInt16LE(56);
  for (let i = 0; i < n; i++) if (b.readUInt32LE(phoff + i * size) === 1) return phoff + i * size;
  throw new Error('no PT_LOAD');
}

function chronos(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, input: '' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function expectRejected(name: string, bytes: Uint8Array, message: RegExp): void {
  const p = file(name, bytes);
  const r = chronos('run', '--bios', 'none', p);
  assert.equal(r.status, 2, `${name}: status ${r.status}, stderr ${r.stderr}`);
  assert.match(r.stderr, message, name);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${name}: a stack trace`);
  assert.throws(() => { const e = parseElf(bytes); checkSegments(e, 0x80000000n, 128n << 20n); }, ElfError);
}

requireTools(GCC);

test('a good program runs and its status is the guest\'s', () => {
  const r = chronos('run', '--bios', 'none', '--stats', join(dir, 'hello.elf'));
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'hello from chronos\n');
  assert.match(r.stderr, /^instructions=\d+ seconds=[\d.]+ mips=[\d.]+$/m);
});

test('empty, random and non-ELF files', () => {
  expectRejected('empty', new Uint8Array(0), /not an ELF file/);
  expectRejected('text', new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not an ELF file/);
  let x = 12345;
  const random = new Uint8Array(4096).map(() => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x & 0xff; });
  expectRejected('random', random, /not an ELF file/);
});

test('an ELF for another machine, 32-bit, or big-endian', () => {
  if (existsSync('/bin/true')) expectRejected('x86', readFileSync('/bin/true'), /built for x86-64, not RISC-V/);
  const rv32 = join(dir, 'rv32.elf');
  execFileSync(GCC, ['-march=rv32i', '-mabi=ilp32', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', '-x', 'assembler', '-', '-o', rv32], { input: '.globl _start\n_start: j _start\n' });
  expectRejected('rv32', readFileSync(rv32), /32-bit ELF/);
  const be = Buffer.from(good); be[5] = 2;
  expectRejected('bigendian', be, /big-endian/);
  const machine = Buffer.from(good); machine.writeUInt16LE(62, 18);
  expectRejected('machine', machine, /x86-64/);
});

test('truncated at every header boundary', () => {
  for (const n of [4, 15, 16, 63, 64, 65, 100]) expectRejected(`cut${n}`, good.subarray(0, n), /truncated|not an ELF/);
  // Cut inside the program headers and inside a segment's bytes.
  const phoff = Number(good.readBigUInt64LE(32));
  expectRejected('cut-ph', good.subarray(0, phoff + 20), /truncated/);
  const seg = Number(good.readBigUInt64LE(firstLoad(good) + 8)) + 16;
  expectRejected('cut-seg', good.subarray(0, seg), /truncated/);
});

test('absurd sizes and counts', () => {
  const phoff = firstLoad(good);
  const many = Buffer.from(good); many.writeUInt16LE(0xffff, 56);
  expectRejected('phnum', many, /truncated|absurd/);
  const far = Buffer.from(good); far.writeBigUInt64LE(0xffffffffffffff00n, 32);
  expectRejected('phoff', far, /absurd|truncated/);
  const huge = Buffer.from(good); huge.writeBigUInt64LE(1n << 40n, phoff + 40); huge.writeBigUInt64LE(1n << 40n, phoff + 32);
  expectRejected('filesz', huge, /truncated|absurd|outside RAM/);
  const memsz = Buffer.from(good); memsz.writeBigUInt64LE(1n << 33n, phoff + 40);
  expectRejected('memsz', memsz, /outside RAM/);
  const bigger = Buffer.from(good); bigger.writeBigUInt64LE(10n ** 18n, phoff + 32);
  expectRejected('file-over-mem', bigger, /exceeds its memory size|absurd/);
});

test('segments outside RAM, or overlapping', () => {
  const low = Buffer.from(good); low.writeBigUInt64LE(0x1000n, firstLoad(good) + 24);
  expectRejected('outside', low, /outside RAM/);
  // Turn another program header into a second copy of the first load segment.
  const phoff = Number(good.readBigUInt64LE(32));
  const phentsize = good.readUInt16LE(54), phnum = good.readUInt16LE(56);
  const load = firstLoad(good);
  const other = Array.from({ length: phnum }, (_, i) => phoff + i * phentsize).find((o) => o !== load)!;
  assert.ok(other !== undefined, 'the test program has a second program header');
  const two = Buffer.from(good);
  two.copy(two, other, load, load + phentsize);
  expectRejected('overlap', two, /overlap/);
});

test('the runner: a missing file, a directory, bad options, --max-instructions', () => {
  for (const [args, message] of [
    [['run', join(dir, 'nope.elf')], /no such file/],
    [['run', dir], /is a directory/],
    [['run', '--memory', 'lots', join(dir, 'hello.elf')], /--memory takes/],
    [['run', '--max-instructions', '-5', join(dir, 'hello.elf')], /--max-instructions takes/],
    [['run', '--frobnicate', join(dir, 'hello.elf')], /unknown option/],
    [['launch'], /unknown command/],
    [['disasm', file('notelf', new TextEncoder().encode('hello'))], /not an ELF file/],
  ] as [string[], RegExp][]) {
    const r = chronos(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  const spin = file('spin.elf', good);
  const r = chronos('run', '--bios', 'none', '--max-instructions', '10', spin);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /stopped after --max-instructions 10/);
});

test('the finisher\'s failure code becomes the exit status', () => {
  const src = join(dir, 'fail.S'), elf = join(dir, 'fail.elf');
  writeFileSync(src, '.globl _start\n_start:\n li t0, 0x100000\n li t1, (42 << 16) | 0x3333\n sw t1, 0(t0)\n1: j 1b\n');
  execFileSync(GCC, [`-march=${MARCH}`, '-mabi=lp64', '-nostdlib', '-static', '-Wl,--no-warn-rwx-segments', '-T', 'test/programs/link.ld', src, '-o', elf]);
  assert.equal(chronos('run', '--bios', 'none', elf).status, 42);
});

test('chronos disasm prints a listing', () => {
  const r = chronos('disasm', join(dir, 'hello.elf'));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Disassembly of section \.text:/);
  assert.match(r.stdout, /<_start>:\n\s+80000000:\tf14022f3\s+\tcsrr\tt0,mhartid/);
});

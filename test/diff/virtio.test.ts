// virtio-blk against QEMU: a bare C driver (test/programs/virtio_blk.c) reads, writes and
// re-reads sectors of a raw image through the first virtio-mmio slot, in the modern and the
// legacy transport, and prints everything the device answers. It runs on
// `qemu-system-riscv64 -bios none` with the image as a virtio-blk-device and on `chronos run
// --drive` (the command line, so the file backend and its options are what is tested); the
// output, the exit status and the image the run leaves behind must be the same. A second
// program reads a sector of new code over a function it has run (test/programs/virtio_code.c):
// the device's write must reach the code the machine runs, with and without fence.i.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, firstDifference, runQemu, sh, type Outcome } from './harness.js';
import { GCC, QEMU, have } from '../support/toolchain.js';

const P = (f: string): string => join('test', 'programs', f);
const DIR = buildDir('virtio');
const SECTOR = 512;

interface Config {
  name: string;
  program: 'blk' | 'code' | 'code-fence';
  legacy: boolean;
  image: () => Uint8Array;
  /** Drive options both sides take: QEMU's -drive, and the same words after chronos's --drive. */
  drive?: string[];
  serial?: string;
  /** The exit status the program must end with (on QEMU first). */
  status: number;
  /** Lines the output must hold, so that two equally broken runs cannot pass. */
  expect: RegExp[];
  /** The image must come out unchanged (snapshot=on, readonly=on). */
  untouched?: boolean;
}

/** A deterministic pseudo-random image (xorshift32), optionally with an MS-DOS partition table. */
function randomImage(bytes: number, seed: number, partitionTable: boolean): Uint8Array {
  const img = new Uint8Array(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; img[i] = x & 0xff; }
  if (partitionTable) {
    // One partition ending at head 3, sector 32: QEMU reports 4 heads of 32 sectors.
    img.set([0x80, 1, 1, 0, 0x83, 3, 32, 15], 0x1be);
    new DataView(img.buffer).setUint32(0x1be + 8, 2048, true);
    new DataView(img.buffer).setUint32(0x1be + 12, 1024, true);
    img[510] = 0x55; img[511] = 0xaa;
  }
  return img;
}

/** Sector 3 holds `li a0, 2; ret` for the code program. */
function codeImage(): Uint8Array {
  const img = new Uint8Array(64 * SECTOR), v = new DataView(img.buffer);
  v.setUint32(3 * SECTOR, 0x00200513, true);
  v.setUint32(3 * SECTOR + 4, 0x00008067, true);
  return img;
}

const BLK_OK = [/^slot 1 magic 0000000074726976 version [12] device 0 /m, /^read 8-9 through an indirect table: id 9 len 1025 status 0$/m,
  /^read with interrupts suppressed: id 0 len 513 status 0$/m, /^virtio-blk: all checks passed$/m];

const CONFIGS: Config[] = [
  { name: 'modern transport', program: 'blk', legacy: false, image: () => randomImage(1 << 20, 1, true), serial: 'chronos-disk-0', status: 0,
    expect: [...BLK_OK, /^features 1 0000000000000101$/m, /^status after a zero-length descriptor 000000000000004f$/m] },
  // An image that is not a whole number of sectors, with no partition table; a serial longer than get-id's 20 bytes.
  { name: 'legacy transport', program: 'blk', legacy: true, image: () => randomImage(768 * 1024 + 300, 2, false), serial: 'a-serial-longer-than-twenty', status: 0,
    expect: [...BLK_OK, /^capacity 0000000000000601$/m, /^scsi command: id 0 len 113 status 2$/m] },
  { name: 'snapshot=on: the image is left as it was', program: 'blk', legacy: false, image: () => randomImage(1 << 20, 3, false), drive: ['snapshot=on'], status: 0,
    expect: BLK_OK, untouched: true },
  // Writes fail with an I/O error, so four of the program's checks fail on both.
  { name: 'readonly=on', program: 'blk', legacy: false, image: () => randomImage(1 << 20, 4, false), drive: ['readonly=on'], status: 4,
    expect: [/^features 0 0000000030006e74$/m, /^write 8-9 in two pieces: id 4 len 1 status 1$/m], untouched: true },
  { name: 'a disk read over code, then fence.i', program: 'code-fence', legacy: false, image: codeImage, status: 0, expect: [/^status 0 before 1 1 after 2$/m] },
  // No fence.i: only the machine dropping the code the device overwrote makes the new code run.
  { name: 'a disk read over code, no fence.i', program: 'code', legacy: false, image: codeImage, status: 0, expect: [/^status 0 before 1 1 after 2$/m] },
];

const elves: Record<Config['program'], string> = { blk: join(DIR, 'virtio_blk.elf'), code: join(DIR, 'virtio_code.elf'), 'code-fence': join(DIR, 'virtio_code_fence.elf') };

function build(source: string, elf: string, defines: string[] = []): Promise<string> {
  return sh(GCC, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mcmodel=medany', '-O2', '-g', '-ffreestanding', '-nostdlib', '-static',
    '-fno-tree-loop-distribute-patterns', '-Wall', '-Werror', '-Wl,--no-warn-rwx-segments', '-T', P('link.ld'), ...defines,
    P('crt0.S'), P(source), P('libc.c'), '-lgcc', '-o', elf]);
}

before(async () => {
  // In CI every oracle is installed: a missing one fails the suite instead of skipping it.
  for (const tool of [QEMU, GCC]) assert.ok(have(tool), `${tool} is not installed; this suite compares against it`);
  await Promise.all([build('virtio_blk.c', elves.blk), build('virtio_code.c', elves.code), build('virtio_code.c', elves['code-fence'], ['-DFENCE_I'])]);
});

function qemuArgs(c: Config, img: string): string[] {
  const drive = ['file=' + img.replaceAll(',', ',,'), 'if=none', 'format=raw', 'id=x0', ...(c.drive ?? [])].join(',');
  const device = ['virtio-blk-device', 'drive=x0', 'bus=virtio-mmio-bus.0', ...(c.serial ? [`serial=${c.serial}`] : [])].join(',');
  return [...(c.legacy ? [] : ['-global', 'virtio-mmio.force-legacy=false']), '-drive', drive, '-device', device];
}

/** `chronos run` from the sources, as a user runs it; resolves with its output, status and stderr. */
function runChronosCli(c: Config, img: string): Promise<Outcome & { stderr: string }> {
  const drive = [img.replaceAll(',', ',,'), ...(c.drive ?? []), ...(c.serial ? [`serial=${c.serial}`] : [])].join(',');
  const args = ['--import', 'tsx', join('src', 'cli', 'chronos.ts'), 'run', '--bios', 'none', '--max-instructions', '200000000',
    '--drive', drive, ...(c.legacy ? ['--virtio-legacy'] : []), elves[c.program]];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 120_000, encoding: 'latin1', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : `killed (${err.message})`) : 0;
      resolve({ output: stdout, status: code, stderr });
    });
  });
}

for (const c of CONFIGS) {
  test(`virtio-blk, ${c.name}: the same output, status and final image on QEMU and Chronos`, { timeout: 180_000 }, async () => {
    const original = c.image();
    const tag = c.name.replace(/[^a-z0-9]+/gi, '-');
    const qImg = join(DIR, `${tag}.qemu.img`), cImg = join(DIR, `${tag}.chronos.img`);
    writeFileSync(qImg, original);
    copyFileSync(qImg, cImg);
    const [q, ch] = await Promise.all([runQemu(elves[c.program], 60_000, qemuArgs(c, qImg)), runChronosCli(c, cImg)]);
    assert.equal(q.status, c.status, `QEMU ended with ${q.status}:\n${q.output}`);
    for (const re of c.expect) assert.match(q.output, re, 'QEMU\'s output');
    assert.equal(ch.output, q.output, `the output differs at ${firstDifference(q.output, ch.output)}\nchronos stderr: ${ch.stderr}`);
    assert.equal(ch.status, q.status, `exit status: qemu ${q.status}, chronos ${ch.status}\n${ch.stderr}`);
    const qFinal = readFileSync(qImg), cFinal = readFileSync(cImg);
    assert.equal(cFinal.length, qFinal.length, 'the final image\'s size');
    assert.ok(cFinal.equals(qFinal), `the final images differ from byte ${cFinal.findIndex((b, i) => b !== qFinal[i])}`);
    if (c.untouched) assert.ok(Buffer.from(original).equals(cFinal), 'the image file was written');
    else if (c.program === 'blk') assert.ok(!Buffer.from(original).equals(cFinal), 'the run wrote nothing to the image file');
    // The broken-driver case is reported to the user, who has no other way to see it.
    if (c.program === 'blk') assert.match(ch.stderr, /virtio_mmio@10001000: .*length zero/);
  });
}

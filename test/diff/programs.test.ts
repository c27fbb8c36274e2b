// Hand-written C programs, built with riscv64-unknown-elf-gcc at several optimization levels,
// with and without the C extension, and for rv64gc with the lp64d ABI (floating point in
// registers), print the same and end with the same status on QEMU and on Chronos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildDir, ChronosPool, firstDifference, pool, runQemu, sh } from './harness.js';
import { GCC, QEMU, requireTools } from '../support/toolchain.js';

requireTools(QEMU, GCC);
const P = (f: string): string => join('test', 'programs', f);

interface Build { name: string; sources: string[]; opt: string; march: string; defines?: string[]; status?: number }

const MARCHES = { c: 'rv64imac_zicsr_zifencei', noc: 'rv64ima_zicsr_zifencei', gc: 'rv64gc' } as const;
const TAGS: Record<string, string> = { [MARCHES.c]: '', [MARCHES.noc]: '-noc', [MARCHES.gc]: '-gc' };

const BUILDS: Build[] = [
  { name: 'hello', sources: [P('hello.c')], opt: '-O2', march: MARCHES.c },
  { name: 'mix', sources: [P('mix.c')], opt: '-O0', march: MARCHES.c },
  { name: 'mix', sources: [P('mix.c')], opt: '-O1', march: MARCHES.c },
  { name: 'mix', sources: [P('mix.c')], opt: '-O2', march: MARCHES.c },
  { name: 'bench-guest', sources: [join('test', 'bench', 'cpu.c')], opt: '-O2', march: MARCHES.c, defines: ['-DROUNDS=3'] },
  { name: 'exitcode', sources: [P('exitcode.c')], opt: '-O2', march: MARCHES.c, status: 42 },
  { name: 'triggers', sources: [P('triggers.c')], opt: '-O1', march: MARCHES.c },
  { name: 'plic', sources: [P('plic.c')], opt: '-O1', march: MARCHES.c },
];
for (const name of ['strings', 'sort', 'format', 'checksum', 'recursion']) {
  for (const opt of ['-O0', '-O2', '-Os']) BUILDS.push({ name, sources: [P(`${name}.c`), P('libc.c')], opt, march: MARCHES.c });
  BUILDS.push({ name, sources: [P(`${name}.c`), P('libc.c')], opt: '-O2', march: MARCHES.noc });
}
for (const opt of ['-O0', '-O2', '-Os']) BUILDS.push({ name: 'float', sources: [P('float.c'), P('libc.c')], opt, march: MARCHES.gc });
BUILDS.push({ name: 'float', sources: [P('float.c'), P('libc.c')], opt: '-O2', march: 'rv64imafd_zicsr_zifencei' });
BUILDS.push({ name: 'mix', sources: [P('mix.c')], opt: '-O2', march: MARCHES.gc });
BUILDS.push({ name: 'bench-fp', sources: [join('test', 'bench', 'fp.c')], opt: '-O2', march: MARCHES.gc, defines: ['-DROUNDS=2'] });

async function build(b: Build): Promise<string> {
  const dir = buildDir('c');
  const tag = `${b.name}${b.opt}${TAGS[b.march] ?? `-${b.march}`}`;
  const elf = join(dir, `${tag}.elf`);
  // With F and D, the lp64d ABI: doubles and floats travel in FP registers.
  const abi = b.march.includes('fd') || b.march.includes('gc') ? 'lp64d' : 'lp64';
  await sh(GCC, [`-march=${b.march}`, `-mabi=${abi}`, '-mcmodel=medany', b.opt, '-g', '-ffreestanding', '-nostdlib', '-static',
    '-fno-math-errno', '-fno-tree-loop-distribute-patterns', '-Wall', '-Wl,--no-warn-rwx-segments', '-T', P('link.ld'), ...(b.defines ?? []),
    P('crt0.S'), ...b.sources, '-lgcc', '-o', elf]);
  return elf;
}

test(`${BUILDS.length} C programs print the same and end the same on QEMU and Chronos`, { timeout: 600_000 }, async (t) => {
  const chronos = new ChronosPool(2);
  t.after(() => chronos.close());
  const failures: string[] = [];
  await pool(BUILDS, 3, async (b) => {
    const label = `${b.name} ${b.opt} ${b.march}`;
    const elf = await build(b);
    const [q, c] = await Promise.all([runQemu(elf), chronos.run(elf)]);
    if (q.output.length === 0) failures.push(`${label}: QEMU printed nothing (status ${q.status})`);
    if (b.status !== undefined && q.status !== b.status) failures.push(`${label}: QEMU ended with ${q.status}, expected ${b.status}`);
    if (c.status !== q.status) failures.push(`${label}: exit status qemu ${q.status}, chronos ${c.status}`);
    if (c.output !== q.output) failures.push(`${label} (${elf}): ${firstDifference(q.output, c.output)}`);
  });
  assert.deepEqual(failures, []);
});

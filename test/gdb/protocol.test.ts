// The stub over TCP, packet by packet, against `chronos run --gdb 0`: the handshake and the
// target description, registers and memory (errors where nothing answers), breakpoints,
// steps and watchpoints with their stop replies, Ctrl-C, acks and retransmission, malformed
// and random packets (each answered, none fatal), the monitor, detach, disconnect, kill and
// the guest's exit; and the options' usage errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { frame } from '../../src/debugger/gdb/packets.js';
import { buildPrograms, type Programs } from './programs.js';
import { RspClient, startChronos, type Chronos } from './rsp.js';

let p: Programs;
const live: Chronos[] = [];

before(() => { p = buildPrograms(); });
after(() => { for (const c of live) c.proc.kill(); });

async function attach(file: string, args: string[] = ['--bios', 'none'], wait = true): Promise<{ c: Chronos; g: RspClient }> {
  const c = await startChronos([...args, '--gdb', '0', ...(wait ? ['--gdb-wait'] : []), file]);
  live.push(c);
  const g = await RspClient.connect(c.port);
  return { c, g };
}

const symbol = (file: string, name: string): bigint => {
  const s = parseElf(readFileSync(file)).symbols.find((x) => x.name === name);
  assert.ok(s, `${name} in ${file}`);
  return s.value;
};
const le64 = (v: bigint): string => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt.asUintN(64, v)); return b.toString('hex'); };
const fromLe = (h: string): bigint => Buffer.from(h, 'hex').readBigUInt64LE();
const hx = (v: bigint): string => v.toString(16);
const rcmd = (text: string): string => `qRcmd,${Buffer.from(text).toString('hex')}`;

test('the handshake: features, the stop, threads, and a target description with the CSRs', async () => {
  const { g } = await attach(p.spin);
  const features = await g.request('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+');
  for (const f of ['PacketSize=4000', 'qXfer:features:read+', 'QStartNoAckMode+', 'vContSupported+', 'swbreak+', 'hwbreak+']) {
    assert.ok(features!.split(';').includes(f), `${f} in ${features}`);
  }
  assert.equal(await g.request('vMustReplyEmpty'), '');
  assert.equal(await g.request('?'), 'T05thread:1;');
  assert.equal(await g.request('qfThreadInfo'), 'm1');
  assert.equal(await g.request('qsThreadInfo'), 'l');
  assert.equal(await g.request('qC'), 'QC1');
  assert.equal(await g.request('qAttached'), '1');
  assert.equal(await g.request('qOffsets'), 'Text=0;Data=0;Bss=0');
  assert.equal(await g.request('vCont?'), 'vCont;c;C;s;S');
  assert.equal(Buffer.from((await g.request('qThreadExtraInfo,1'))!, 'hex').toString(), 'hart 0 (M-mode)');
  // The description, read in small pieces: m while more follows, l at the end.
  let xml = '';
  for (let off = 0; ; off += 500) {
    const part = (await g.request(`qXfer:features:read:target.xml:${off.toString(16)},1f4`))!;
    assert.match(part, /^[ml]/);
    xml += part.slice(1);
    if (part[0] === 'l') break;
  }
  assert.match(xml, /^<\?xml version="1.0"\?>/);
  assert.match(xml, /<architecture>riscv:rv64<\/architecture>/);
  assert.match(xml, /<feature name="org.gnu.gdb.riscv.cpu">[^]*<reg name="pc" bitsize="64" type="code_ptr" regnum="32"\/>/);
  // A CSR is 65 + its number, as gdb numbers them.
  for (const [name, num] of [['satp', 0x180], ['sstatus', 0x100], ['mstatus', 0x300], ['scause', 0x142], ['mhartid', 0xf14]] as const) {
    assert.match(xml, new RegExp(`<reg name="${name}" bitsize="64" type="int" regnum="${65 + num}"/>`), name);
  }
  assert.match(xml, /<feature name="org.gnu.gdb.riscv.virtual">\s*<reg name="priv" bitsize="64" type="int" regnum="4161"\/>/);
  // F and D: f0-f31 as the union of a single and a double, then fcsr's fields (32 bits), once.
  assert.match(xml, /<feature name="org.gnu.gdb.riscv.fpu">\s*<union id="riscv_double">\s*<field name="float" type="ieee_single"\/>\s*<field name="double" type="ieee_double"\/>\s*<\/union>\s*<reg name="ft0" bitsize="64" type="riscv_double" regnum="33"\/>/);
  assert.match(xml, /<reg name="ft11" bitsize="64" type="riscv_double" regnum="64"\/>/);
  for (const [name, num] of [['fflags', 66], ['frm', 67], ['fcsr', 68]] as const) {
    assert.equal((xml.match(new RegExp(`name="${name}"`, 'g')) ?? []).length, 1, name);
    assert.match(xml, new RegExp(`<reg name="${name}" bitsize="32" type="int" regnum="${num}"/>`));
  }
  assert.equal((xml.match(/<feature /g) ?? []).length, (xml.match(/<\/feature>/g) ?? []).length);
  assert.equal(await g.request('qXfer:features:read:other.xml:0,100'), 'E00');
  g.send('k');
});

test('registers: g and G, p and P by gdb number, x0 stays zero, read-only CSRs refuse', async () => {
  const { g } = await attach(p.spin);
  const all = (await g.request('g'))!;
  assert.equal(all.length, 65 * 16, 'x0-x31, pc, f0-f31');
  assert.equal(fromLe(all.slice(32 * 16, 33 * 16)), 0x80000000n, 'pc at the entry');
  assert.equal(await g.request('p20'), le64(0x80000000n));
  assert.equal(await g.request(`P5=${le64(0x1234567890abcdefn)}`), 'OK');
  assert.equal(await g.request('p5'), le64(0x1234567890abcdefn));
  assert.equal(await g.request(`P0=${le64(7n)}`), 'OK');
  assert.equal(await g.request('p0'), le64(0n));
  // G writes them all back; a changed sp and fa0 (f10, gdb's 43) show.
  const fa0 = (33 + 10) * 16;
  const regs = all.slice(0, 2 * 16) + le64(0x80001000n) + all.slice(3 * 16, fa0) + le64(0x3ff8000000000000n) + all.slice(fa0 + 16);
  assert.equal(await g.request(`G${regs}`), 'OK');
  assert.equal(await g.request('p2'), le64(0x80001000n));
  assert.equal(await g.request('p2b'), le64(0x3ff8000000000000n), 'fa0 holds 1.5');
  assert.equal(fromLe((await g.request('g'))!.slice(fa0, fa0 + 16)), 0x3ff8000000000000n);
  assert.equal(await g.request(`p${hx(65n + 0xf14n)}`), le64(0n), 'mhartid');
  assert.equal(await g.request(`P${hx(65n + 0xf14n)}=${le64(3n)}`), 'E22', 'mhartid is read-only');
  assert.equal(await g.request(`P${hx(65n + 0x340n)}=${le64(0xfeedn)}`), 'OK', 'mscratch');
  assert.equal(await g.request(`p${hx(65n + 0x340n)}`), le64(0xfeedn));
  assert.equal(await g.request('p1041'), le64(3n), 'priv: M');
  assert.equal(await g.request(`P1041=${le64(2n)}`), 'E22', 'no privilege 2');
  // The FP registers and fcsr (32 bits wide, as gdb's descriptions have it).
  assert.equal(await g.request(`P21=${le64(0x400921fb54442d18n)}`), 'OK');
  assert.equal(await g.request('p21'), le64(0x400921fb54442d18n), 'ft0 holds pi');
  assert.equal(await g.request('p40'), le64(0n), 'ft11');
  assert.equal(await g.request('P44=61000000'), 'OK');
  assert.equal(await g.request('p44'), '61000000', 'fcsr: frm 3, NV|NX');
  assert.equal(await g.request('p43'), '03000000', 'frm');
  assert.equal(await g.request('p42'), '01000000', 'fflags');
  assert.equal(await g.request(`P44=${le64(1n)}`), 'E22', 'fcsr takes 32 bits');
  assert.equal(await g.request('P44=00010000'), 'E22', 'fcsr has 8 bits');
  for (const bad of ['p', 'pzz', 'p2000', 'P5', 'P5=12', `P5=${'g'.repeat(16)}`, 'G00', `G${'0'.repeat(33 * 16)}`, `G${'0'.repeat(65 * 16 - 1)}`]) {
    assert.equal(await g.request(bad), 'E22', bad);
  }
  g.send('k');
});

test('a debugger\'s FP write makes FS Dirty when the FPU is on, and leaves it Off when it is off', async () => {
  const { g } = await attach(p.spin);
  const MSTATUS = hx(65n + 0x300n), FS = 3n << 13n;
  const fs = async (): Promise<bigint> => (fromLe((await g.request(`p${MSTATUS}`))!) & FS) >> 13n;
  assert.equal(await fs(), 0n, 'a bare M-mode program starts with the FPU off');
  assert.equal(await g.request(`P22=${le64(7n)}`), 'OK');
  assert.equal(await g.request('p22'), le64(7n), 'the register keeps its value');
  assert.equal(await fs(), 0n, 'and the FPU stays off');
  const clean = (fromLe((await g.request(`p${MSTATUS}`))!) & ~FS) | (2n << 13n);
  assert.equal(await g.request(`P${MSTATUS}=${le64(clean)}`), 'OK');
  assert.equal(await fs(), 2n, 'Clean');
  // Writing back what a register holds (as G does for all of them) is no change.
  assert.equal(await g.request(`P22=${le64(7n)}`), 'OK');
  assert.equal(await g.request('P44=00000000'), 'OK');
  assert.equal(await fs(), 2n, 'still Clean');
  assert.equal(await g.request(`P22=${le64(8n)}`), 'OK');
  assert.equal(await fs(), 3n, 'Dirty after the write');
  g.send('k');
});

test('memory: m, M and X through the hart, errors where nothing answers', async () => {
  const { g } = await attach(p.spin);
  const elf = readFileSync(p.spin), parsed = parseElf(elf);
  const text = parsed.segments[0];
  assert.equal(await g.request('m80000000,10'), elf.subarray(text.offset, text.offset + 16).toString('hex'));
  const bytes = symbol(p.spin, 'bytes');
  assert.equal(Buffer.from((await g.request(`m${hx(bytes)},b`))!, 'hex').toString('latin1'), 'chronos}#*$');
  assert.equal(await g.request(`M${hx(bytes)},4:41424344`), 'OK');
  assert.equal(Buffer.from((await g.request(`m${hx(bytes)},4`))!, 'hex').toString(), 'ABCD');
  // X carries binary: the framing bytes escaped on the wire arrive as themselves.
  assert.equal(await g.request(`X${hx(bytes)},5:#}$*\x03`), 'OK');
  assert.equal(await g.request(`m${hx(bytes)},5`), Buffer.from('#}$*\x03', 'latin1').toString('hex'));
  assert.equal(await g.request(`X${hx(bytes)},0:`), 'OK', 'gdb probes X with length 0');
  // Nothing at 0 (below the ROM), device registers are never read, the end of RAM is partial.
  assert.equal(await g.request('m0,4'), 'E14');
  assert.equal(await g.request('m10000000,1'), 'E14', 'the UART');
  assert.equal(await g.request('M10000000,1:41'), 'E14');
  assert.equal(await g.request('mffffffffffffffff,8'), 'E14');
  assert.equal((await g.request('m87fffffc,8'))!.length, 8, 'the last 4 bytes of RAM, then nothing');
  for (const bad of ['m', 'm80000000', 'm80000000,', 'mxyz,4', `M${hx(bytes)},2:41`, `M${hx(bytes)},1:4`, `X${hx(bytes)},3:ab`, 'M80000000,1']) {
    assert.equal(await g.request(bad), 'E22', bad);
  }
  g.send('k');
});

test('breakpoints, steps and watchpoints, with the reasons in the stop replies', async () => {
  const { g } = await attach(p.spin);
  await g.request('qSupported:swbreak+;hwbreak+');
  const loop = symbol(p.spin, 'loop'), store = symbol(p.spin, 'store'), counter = symbol(p.spin, 'counter');
  assert.equal(await g.request(`Z0,${hx(store)},4`), 'OK');
  assert.equal(await g.request('vCont;c'), 'T05swbreak:;thread:1;');
  assert.equal(await g.request('p20'), le64(store));
  assert.equal(await g.request(`z0,${hx(store)},4`), 'OK');
  assert.equal(await g.request('vCont;s:1'), 'T05thread:1;');
  assert.equal(fromLe((await g.request('p20'))!), store + 4n);
  assert.equal(await g.request('s'), 'T05thread:1;');
  assert.equal(await g.request('p20'), le64(loop));
  assert.equal(await g.request(`Z1,${hx(store)},4`), 'OK');
  assert.equal(await g.request('c'), 'T05hwbreak:;thread:1;');
  assert.equal(await g.request(`z1,${hx(store)},4`), 'OK');
  // A write watchpoint stops before the store; gdb is told the watched address.
  assert.equal(await g.request(`Z2,${hx(counter + 4n)},4`), 'OK');
  assert.equal(await g.request('c'), `T05watch:${hx(counter + 4n)};thread:1;`);
  assert.equal(await g.request('p20'), le64(store));
  assert.equal(await g.request(`z2,${hx(counter + 4n)},4`), 'OK');
  assert.equal(await g.request(`Z3,${hx(counter)},8`), 'OK');
  assert.equal(await g.request('c'), `T05rwatch:${hx(counter)};thread:1;`);
  assert.equal(await g.request('p20'), le64(loop));
  assert.equal(await g.request(`z3,${hx(counter)},8`), 'OK');
  assert.equal(await g.request(`Z4,${hx(counter)},8`), 'OK');
  assert.equal(await g.request('c'), `T05awatch:${hx(counter)};thread:1;`);
  assert.equal(await g.request(`z4,${hx(counter)},8`), 'OK');
  for (const bad of ['Z0', 'Z0,zz,4', 'Z2,80000000,0', 'Z9,80000000,4', 'Z0,80000000']) {
    assert.ok(['E22', ''].includes((await g.request(bad))!), bad);
  }
  g.send('k');
});

test('Ctrl-C stops a running guest with SIGINT, again and again', async () => {
  const { g } = await attach(p.spin);
  const counter = symbol(p.spin, 'counter');
  let last = 0n;
  for (let i = 0; i < 3; i++) {
    g.send('vCont;c');
    await new Promise((r) => setTimeout(r, 300));
    g.write('\x03');
    assert.equal(await g.packet(), 'T02thread:1;');
    const n = fromLe((await g.request(`m${hx(counter)},8`))!);
    assert.ok(n > last, `the guest ran: counter ${n} after ${last}`);
    last = n;
  }
  // An interrupt while stopped is ignored.
  g.write('\x03');
  assert.equal(await g.request('?'), 'T02thread:1;');
  g.send('k');
});

test('acknowledgements: + for a good packet, - for a bad one, a reply sent again on -, none after QStartNoAckMode', async () => {
  const { g } = await attach(p.spin);
  g.write(frame('qC'));
  assert.deepEqual(await g.next(), { kind: 'ack' });
  assert.deepEqual(await g.next(), { kind: 'packet', data: 'QC1' });
  g.write('-');
  assert.deepEqual(await g.next(), { kind: 'packet', data: 'QC1' }, 'sent again');
  g.write('+$qC#00');
  assert.deepEqual(await g.next(), { kind: 'nak' }, 'a lying checksum');
  g.write('$qC#zz');
  assert.deepEqual(await g.next(), { kind: 'nak' }, 'a broken checksum');
  g.write(frame('QStartNoAckMode'));
  assert.deepEqual(await g.next(), { kind: 'ack' });
  assert.deepEqual(await g.next(), { kind: 'packet', data: 'OK' });
  g.write(frame('qC'));
  assert.deepEqual(await g.next(), { kind: 'packet', data: 'QC1' }, 'no ack any more');
  g.write('$qC#00');
  g.write(frame('?'));
  assert.deepEqual(await g.next(), { kind: 'packet', data: 'T05thread:1;' }, 'a bad packet is dropped silently');
  g.send('k');
});

test('malformed and random packets are each answered, and the session goes on', async () => {
  const { g, c } = await attach(p.spin);
  await g.request('QStartNoAckMode');
  const nasty = ['', 'H', 'Hg', 'Hgzz', 'Hg5', 'Hx1', 'T', 'T9', 'Tzz', 'qThreadExtraInfo,9', 'qRcmd,zz', 'qRcmd,4', 'qXfer:features:read:target.xml:zz,10',
    'qXfer:features:read:target.xml', 'vCont;', 'vCont;x', 'vCont;s:zz', 'vCont;c:9', 'vCont;t', 'z', 'Z', 'M', 'X', 'P', 'Hc-2', 'qSupported:' + 'x;'.repeat(3000)];
  for (const n of nasty) {
    const reply = await g.request(n);
    assert.ok(reply !== undefined && (/^E[0-9a-f]{2}$/.test(reply) || reply === '' || reply === 'OK' || reply.startsWith('PacketSize')), `${JSON.stringify(n.slice(0, 40))}: ${reply}`);
  }
  // Random packets, except the ones that resume or end the guest.
  let seed = 99;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const firsts = 'gGpPmMXZzHTqQ?!bBAiIrRtx';
  const body = '0123456789abcdef,:;=-xpqvZ\xff}#$*';
  for (let i = 0; i < 600; i++) {
    const len = rnd(40);
    const pkt = firsts[rnd(firsts.length)] + Array.from({ length: len }, () => body[rnd(body.length)]).join('');
    const reply = await g.request(pkt);
    assert.notEqual(reply, undefined, `no reply to ${JSON.stringify(pkt)}`);
  }
  assert.equal(await g.request('?'), 'T05thread:1;');
  assert.equal(await g.request('p20'), le64(0x80000000n), 'still debugging, the hart untouched by it all');
  assert.doesNotMatch(c.stderr(), /internal error|\n\s+at /);
  g.send('k');
});

test('monitor commands answer in gdb\'s console', async () => {
  const { g } = await attach(p.locks3, ['--bios', 'none', '--smp', '3']);
  assert.equal(await g.request(rcmd('help')), 'OK');
  assert.match(g.console, /pagetables \[tree\] \[SATP\]/);
  g.console = '';
  assert.equal(await g.request(rcmd('harts')), 'OK');
  assert.equal(g.console, [0, 1, 2].map((i) => `thread ${i + 1}: hart ${i} (M-mode)  pc 0x80000000  satp 0x0\n`).join(''));
  g.console = '';
  assert.equal(await g.request(rcmd('pagetables')), 'OK');
  assert.match(g.console, /satp 0x0: translation is off \(Bare mode\)/);
  g.console = '';
  assert.equal(await g.request(rcmd('frobnicate')), 'OK');
  assert.match(g.console, /unknown monitor command 'frobnicate'; "monitor help" lists them/);
  g.console = '';
  assert.equal(await g.request(rcmd('translate nowhere')), 'OK');
  assert.match(g.console, /'nowhere' is neither a number/);
  g.console = '';
  assert.equal(await g.request(rcmd('frames')), 'OK');
  assert.match(g.console, /no Chronos debug descriptor/);
  g.send('k');
});

test('the thread a stop reply names is the one g, p and m read next, as gdb assumes', async () => {
  const { g } = await attach(p.locks3, ['--bios', 'none', '--smp', '3']);
  await g.request('qSupported:swbreak+');
  assert.equal(await g.request(`Z0,${hx(symbol(p.locks3, 'main'))},2`), 'OK');
  // Hart 0 clears .bss first, the others wait for it: hart 0 reaches main(0) first.
  assert.equal(await g.request('vCont;c'), 'T05swbreak:;thread:1;');
  assert.equal(await g.request('pa'), le64(0n), 'a0 of hart 0');
  // Then only hart 1 runs, to main(1), while harts 0 and 2 stay where they are.
  const pc2 = await g.request('Hg3').then(() => g.request('p20'));
  assert.equal(await g.request('vCont;c:2'), 'T05swbreak:;thread:2;');
  assert.equal(await g.request('pa'), le64(1n), 'a0 of hart 1, with no Hg');
  assert.equal(await g.request('Hg1'), 'OK');
  assert.equal(await g.request('p20'), le64(symbol(p.locks3, 'main')), 'hart 0 is still at main');
  assert.equal(await g.request('?'), 'T05swbreak:;thread:2;');
  assert.equal(await g.request('pa'), le64(1n), 'after ?, hart 1 again');
  assert.equal(await g.request('Hg3'), 'OK');
  assert.equal(await g.request('p20'), pc2, 'hart 2 has not moved');
  g.send('k');
});

test('stepping a hart the SBI keeps stopped ends at once where it began, with a note', async () => {
  const { g } = await attach(p.hsm2, ['--smp', '2']);
  assert.equal(Buffer.from((await g.request('qThreadExtraInfo,2'))!, 'hex').toString(), 'hart 1 (S-mode, stopped (HSM))');
  const pc = await g.request('Hg2').then(() => g.request('p20'));
  assert.equal(await g.request('vCont;s:2'), 'T05thread:2;');
  assert.match(g.console, /hart 1 is stopped \(SBI HSM\): it has no instruction to step/);
  assert.equal(await g.request('p20'), pc);
  assert.equal(await g.request('Hg1'), 'OK');
  assert.equal(await g.request('p20'), le64(0x80200000n), 'hart 0 did not move either (held)');
  g.send('k');
});

test('detach: breakpoints go, the guest runs on to its end', async () => {
  const { g, c } = await attach(p.hello);
  assert.equal(await g.request(`Z0,${hx(symbol(p.hello, 'main'))},2`), 'OK');
  assert.equal(await g.request('D'), 'OK');
  assert.equal(await c.exited, 0);
  assert.equal(c.stdout(), 'hello from chronos\n');
  assert.match(c.stderr(), /gdb detached; the guest runs on/);
});

test('a dropped connection (no detach) also lets the guest run on', async () => {
  const { g, c } = await attach(p.hello);
  assert.equal(await g.request(`Z0,${hx(symbol(p.hello, 'main'))},2`), 'OK');
  g.close();
  assert.equal(await c.exited, 0);
  assert.equal(c.stdout(), 'hello from chronos\n');
});

test('the guest\'s exit is W and its status; kill ends chronos; one gdb at a time', async () => {
  const a = await attach(p.hello);
  const second = await RspClient.connect(a.c.port);
  assert.equal(await second.packet(), undefined, 'a second gdb is refused');
  assert.match(a.c.stderr(), /refused a second connection/);
  assert.equal(await a.g.request('c'), 'W00');
  assert.equal(await a.c.exited, 0);
  const b = await attach(p.spin);
  b.g.send('vKill;1');
  assert.equal(await b.g.packet(), 'OK');
  assert.equal(await b.c.exited, 0);
  assert.match(b.c.stderr(), /killed by gdb/);
});

test('without --gdb-wait the guest runs until gdb connects, which stops it', async () => {
  const { g, c } = await attach(p.spin, ['--bios', 'none'], false);
  const reply = (await g.request('?'))!;
  assert.match(reply, /^T05thread:1;$/);
  const counter = fromLe((await g.request(`m${hx(symbol(p.spin, 'counter'))},8`))!);
  assert.ok(counter > 0n, 'it ran before gdb came');
  assert.equal(await g.request(`m${hx(symbol(p.spin, 'counter'))},8`), le64(counter), 'and is stopped now');
  g.send('k');
  assert.equal(await c.exited, 0);
});

test('the options: --gdb-wait needs --gdb, a port is a number, a taken port is a clear error', async () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['dist/chronos.js', 'run', ...args], { encoding: 'utf8', timeout: 20_000 });
  let r = run('--gdb-wait', p.spin);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--gdb-wait holds the harts for gdb: it needs --gdb PORT/);
  r = run('--gdb', '70000', p.spin);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--gdb takes a TCP port from 0 to 65535, not '70000'/);
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as { port: number }).port;
  const taken = spawnSync(process.execPath, ['dist/chronos.js', 'run', '--bios', 'none', '--gdb', String(port), p.spin], { encoding: 'utf8', timeout: 20_000 });
  server.close();
  assert.equal(taken.status, 2);
  assert.match(taken.stderr, new RegExp(`gdb stub on 127.0.0.1:${port}: the port is in use`));
  assert.doesNotMatch(taken.stderr, /\n\s+at /);
});

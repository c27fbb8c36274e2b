// The virtio-mmio transport and virtio-blk without a guest: a test plays the driver, writing
// registers and building rings in a fake memory behind a DmaPort, and checks what the device
// answers (registers, the used ring, interrupts, the disk). The guest-level comparison with
// QEMU is test/diff/virtio.test.ts; this file pins down the rules one at a time, including
// the error paths a working driver never takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DmaPort } from '../../src/emulator/memory/dma.js';
import { VirtioMmio } from '../../src/emulator/devices/virtio/mmio.js';
import { VirtioBlk, BlkStatus, BlkType } from '../../src/emulator/devices/virtio/blk.js';
import { guessGeometry } from '../../src/emulator/devices/virtio/blkGeometry.js';
import { DescFlag, Feature, MmioReg, Status, bit } from '../../src/emulator/devices/virtio/spec.js';
import { MemoryDisk, OverlayDisk } from '../../src/emulator/devices/blockBackend.js';
import { virtioSlot } from '../../src/emulator/board/virtMap.js';
import { Machine } from '../../src/emulator/machine.js';
import { parseDriveSpec, DriveSpecError } from '../../src/debugger/driveSpec.js';

const BASE = 0x80000000n;

/** 64 KiB of guest memory at 0x80000000 that devices reach only through the DmaPort. */
class FakeMemory implements DmaPort {
  readonly bytes = new Uint8Array(0x10000);
  readonly view = new DataView(this.bytes.buffer);
  writes = 0;
  private off(pa: bigint, len: number): number {
    const o = pa - BASE;
    return o >= 0n && o + BigInt(len) <= BigInt(this.bytes.length) ? Number(o) : -1;
  }
  read(pa: bigint, len: number): Uint8Array | undefined {
    const o = this.off(pa, len);
    return o < 0 ? undefined : this.bytes.slice(o, o + len);
  }
  write(pa: bigint, b: Uint8Array): boolean {
    const o = this.off(pa, b.length);
    if (o < 0) return false;
    this.bytes.set(b, o);
    this.writes++;
    return true;
  }
  u16(pa: bigint): number { return this.view.getUint16(Number(pa - BASE), true); }
  u32(pa: bigint): number { return this.view.getUint32(Number(pa - BASE), true); }
  set16(pa: bigint, v: number): void { this.view.setUint16(Number(pa - BASE), v, true); }
  set32(pa: bigint, v: number): void { this.view.setUint32(Number(pa - BASE), v, true); }
  set64(pa: bigint, v: bigint): void { this.view.setBigUint64(Number(pa - BASE), v, true); }
}

const QSIZE = 8;
const DESC = BASE + 0x1000n, AVAIL = BASE + 0x2000n, USED = BASE + 0x3000n;
/** Where requests' headers, data and status bytes go. */
const HDR = BASE + 0x4000n, DATA = BASE + 0x5000n, STATUS = BASE + 0x8000n, TABLE = BASE + 0x9000n;

interface Rig { mem: FakeMemory; disk: MemoryDisk; dev: VirtioMmio; irq: boolean[]; errors: string[] }

function diskImage(sectors = 64): Uint8Array {
  const img = new Uint8Array(sectors * 512);
  for (let i = 0; i < img.length; i++) img[i] = (i * 31 + (i >> 9)) & 0xff;
  return img;
}

function rig(legacy = false, withDevice = true, opts: { readOnly?: boolean; serial?: string } = {}): Rig {
  const mem = new FakeMemory(), disk = new MemoryDisk(diskImage());
  const dev = new VirtioMmio(virtioSlot(0), legacy, mem, withDevice ? new VirtioBlk(disk, opts) : undefined);
  const r: Rig = { mem, disk, dev, irq: [], errors: [] };
  dev.onInterrupt = (l) => r.irq.push(l);
  dev.onGuestError = (m) => r.errors.push(m);
  return r;
}

const rd = (r: Rig, off: number, size: 1 | 2 | 4 | 8 = 4): bigint => r.dev.read(off, size);
const wr = (r: Rig, off: number, v: number | bigint, size: 1 | 2 | 4 | 8 = 4): void => r.dev.write(off, size, BigInt(v));

/** The driver's side of initialisation; returns the features it ended up with. */
function init(r: Rig, want: bigint): bigint {
  wr(r, MmioReg.Status, 0);
  wr(r, MmioReg.Status, Status.Acknowledge | Status.Driver);
  wr(r, MmioReg.DeviceFeaturesSel, 0);
  let offered = rd(r, MmioReg.DeviceFeatures);
  wr(r, MmioReg.DeviceFeaturesSel, 1);
  offered |= rd(r, MmioReg.DeviceFeatures) << 32n;
  const use = offered & want;
  wr(r, MmioReg.DriverFeaturesSel, 0); wr(r, MmioReg.DriverFeatures, use & 0xffffffffn);
  wr(r, MmioReg.DriverFeaturesSel, 1); wr(r, MmioReg.DriverFeatures, use >> 32n);
  wr(r, MmioReg.QueueSel, 0);
  wr(r, MmioReg.QueueNum, QSIZE);
  if (r.dev.legacy) {
    wr(r, MmioReg.GuestPageSize, 4096);
    wr(r, MmioReg.QueuePfn, Number(DESC >> 12n));
  } else {
    wr(r, MmioReg.Status, Status.Acknowledge | Status.Driver | Status.FeaturesOk);
    wr(r, MmioReg.QueueDescLow, DESC & 0xffffffffn); wr(r, MmioReg.QueueDescHigh, DESC >> 32n);
    wr(r, MmioReg.QueueDriverLow, AVAIL & 0xffffffffn); wr(r, MmioReg.QueueDriverHigh, AVAIL >> 32n);
    wr(r, MmioReg.QueueDeviceLow, USED & 0xffffffffn); wr(r, MmioReg.QueueDeviceHigh, USED >> 32n);
    wr(r, MmioReg.QueueReady, 1);
  }
  wr(r, MmioReg.Status, Status.Acknowledge | Status.Driver | (r.dev.legacy ? 0 : Status.FeaturesOk) | Status.DriverOk);
  return use;
}

/** The rings' addresses: the modern ones above, or the legacy layout from DESC. */
function rings(r: Rig): { avail: bigint; used: bigint } {
  return r.dev.legacy ? { avail: DESC + BigInt(16 * QSIZE), used: DESC + 4096n } : { avail: AVAIL, used: USED };
}

function setDesc(r: Rig, table: bigint, i: number, addr: bigint, len: number, flags: number, next = 0): void {
  const at = table + BigInt(16 * i);
  r.mem.set64(at, addr); r.mem.set32(at + 8n, len); r.mem.set16(at + 12n, flags); r.mem.set16(at + 14n, next);
}

function header(r: Rig, slot: number, type: number, sector: bigint): bigint {
  const at = HDR + BigInt(16 * slot);
  r.mem.set32(at, type); r.mem.set32(at + 4n, 0); r.mem.set64(at + 8n, sector);
  return at;
}

/** header, data, status as descriptors d, d+1, d+2. */
function request3(r: Rig, d: number, type: number, sector: bigint, len: number, deviceWrites = true): void {
  setDesc(r, DESC, d, header(r, d, type, sector), 16, DescFlag.Next, d + 1);
  setDesc(r, DESC, d + 1, DATA + BigInt(0x400 * d), len, DescFlag.Next | (deviceWrites ? DescFlag.Write : 0), d + 2);
  r.mem.bytes[Number(STATUS - BASE) + d] = 0xee;
  setDesc(r, DESC, d + 2, STATUS + BigInt(d), 1, DescFlag.Write);
}

function submit(r: Rig, ...heads: number[]): void {
  const { avail } = rings(r);
  let idx = r.mem.u16(avail + 2n);
  for (const h of heads) { r.mem.set16(avail + 4n + BigInt(2 * (idx % QSIZE)), h); idx = (idx + 1) & 0xffff; }
  r.mem.set16(avail + 2n, idx);
  wr(r, MmioReg.QueueNotify, 0);
}

const usedIdx = (r: Rig): number => r.mem.u16(rings(r).used + 2n);
const usedElem = (r: Rig, i: number): { id: number; len: number } => {
  const at = rings(r).used + 4n + BigInt(8 * (i % QSIZE));
  return { id: r.mem.u32(at), len: r.mem.u32(at + 4n) };
};
const statusOf = (r: Rig, d: number): number => r.mem.bytes[Number(STATUS - BASE) + d];
const dataOf = (r: Rig, d: number, len: number): Uint8Array => r.mem.bytes.slice(Number(DATA - BASE) + 0x400 * d, Number(DATA - BASE) + 0x400 * d + len);

// ---- registers ---------------------------------------------------------------------------------

test('an empty slot reads magic, version and vendor at any width, device id 0, and ignores writes', () => {
  for (const legacy of [false, true]) {
    const r = rig(legacy, false);
    assert.equal(rd(r, MmioReg.MagicValue), 0x74726976n);
    assert.equal(rd(r, MmioReg.Version), legacy ? 1n : 2n);
    assert.equal(rd(r, MmioReg.DeviceId), 0n);
    assert.equal(rd(r, MmioReg.VendorId), 0x554d4551n);
    assert.equal(rd(r, MmioReg.MagicValue, 1), 0x76n);
    assert.equal(rd(r, MmioReg.MagicValue, 2), 0x6976n);
    assert.equal(rd(r, MmioReg.MagicValue, 8), (legacy ? 1n : 2n) << 32n | 0x74726976n);
    wr(r, MmioReg.Status, 7);
    assert.equal(rd(r, MmioReg.Status), 0n);
    assert.equal(rd(r, MmioReg.Config), 0n);
    assert.deepEqual(r.irq, []);
  }
});

test('features are offered as QEMU 7.2 offers them: 64 bits in modern, 32 in legacy, RO only when read-only', () => {
  const m = rig(false), l = rig(true), ro = rig(false, true, { readOnly: true });
  const features = (r: Rig, sel: number): bigint => { wr(r, MmioReg.DeviceFeaturesSel, sel); return rd(r, MmioReg.DeviceFeatures); };
  assert.equal(features(m, 0), 0x30006e54n);
  assert.equal(features(m, 1), 0x101n);
  assert.equal(features(m, 7), 0x101n, 'a selector above 1 reads as 1, as on QEMU');
  assert.equal(features(l, 0), 0x31006ed4n);
  assert.equal(features(l, 1), 0n);
  assert.equal(features(ro, 0), 0x30006e54n | bit(Feature.BlkRo));
});

test('registers take 32-bit accesses only; 64-bit ones are two 32-bit ones; write-only registers read zero', () => {
  const r = rig();
  assert.equal(rd(r, MmioReg.MagicValue, 1), 0n);
  assert.equal(rd(r, MmioReg.MagicValue, 2), 0n);
  assert.equal(rd(r, MmioReg.MagicValue, 8), 2n << 32n | 0x74726976n);
  wr(r, MmioReg.QueueSel, 0);
  assert.equal(rd(r, MmioReg.QueueNumMax), 1024n);
  wr(r, MmioReg.QueueSel, 1);
  assert.equal(rd(r, MmioReg.QueueNumMax), 0n, 'virtio-blk has one queue');
  wr(r, MmioReg.Status, 3, 2);
  assert.equal(rd(r, MmioReg.Status), 0n, 'a 16-bit write to a register is ignored');
  for (const reg of [MmioReg.QueueNum, MmioReg.QueueNotify, MmioReg.InterruptAck, MmioReg.QueueDescLow, MmioReg.DriverFeatures]) assert.equal(rd(r, reg), 0n);
  assert.equal(rd(r, MmioReg.ShmLenLow), 0xffffffffn, 'no shared memory region');
});

test('the configuration space: capacity, geometry, block size, writeback; all-ones past its end', () => {
  const r = rig();
  assert.equal(rd(r, MmioReg.Config, 8), 64n, 'capacity in sectors');
  assert.equal(rd(r, MmioReg.Config + 12), 254n, 'seg_max');
  assert.equal(rd(r, MmioReg.Config + 16, 2), 2n, 'cylinders');
  assert.equal(rd(r, MmioReg.Config + 18, 1), 16n, 'heads');
  assert.equal(rd(r, MmioReg.Config + 19, 1), 63n, 'sectors');
  assert.equal(rd(r, MmioReg.Config + 20), 512n, 'blk_size');
  assert.equal(rd(r, MmioReg.Config + 32, 1), 1n, 'writeback');
  assert.equal(rd(r, MmioReg.Config + 56, 1), 1n, 'write_zeroes_may_unmap, the last byte');
  assert.equal(rd(r, MmioReg.Config + 57, 1), 0xffn);
  assert.equal(rd(r, MmioReg.Config + 56, 4), 0xffffffffn, 'a read that runs past the end');
  wr(r, MmioReg.Config + 32, 0, 1);
  assert.equal(rd(r, MmioReg.Config + 32, 1), 0n);
  wr(r, MmioReg.Config + 32, 9, 1);
  assert.equal(rd(r, MmioReg.Config + 32, 1), 1n);
  wr(r, MmioReg.Config, 5, 1);
  assert.equal(rd(r, MmioReg.Config, 1), 64n, 'capacity is not writable');
});

test('without CONFIG_WCE, DRIVER_OK gives the cache the driver negotiated: none without FLUSH', () => {
  const r = rig();
  init(r, bit(Feature.Version1));
  assert.equal(rd(r, MmioReg.Config + 32, 1), 0n);
  init(r, bit(Feature.Version1) | bit(Feature.BlkFlush));
  assert.equal(rd(r, MmioReg.Config + 32, 1), 1n);
});

test('modern negotiation: features take effect at FEATURES_OK, are limited to the offer, and are frozen after it', () => {
  const r = rig();
  init(r, bit(Feature.Version1) | bit(Feature.RingIndirectDesc) | bit(Feature.BlkScsi));
  assert.equal(rd(r, MmioReg.Status), 0xfn);
  assert.ok(r.dev.has(Feature.RingIndirectDesc));
  assert.ok(!r.dev.has(Feature.BlkScsi), 'SCSI is not offered to modern drivers');
  wr(r, MmioReg.DriverFeaturesSel, 0);
  wr(r, MmioReg.DriverFeatures, 0);
  wr(r, MmioReg.Status, 0xf);
  assert.ok(r.dev.has(Feature.RingIndirectDesc), 'features cannot change once FEATURES_OK is set');
});

test('legacy queue layout: the available ring after the descriptors, the used ring at the next QueueAlign', () => {
  const r = rig(true);
  init(r, 0n);
  assert.equal(rd(r, MmioReg.QueuePfn), DESC >> 12n);
  request3(r, 0, BlkType.In, 1n, 512);
  submit(r, 0);
  assert.equal(usedIdx(r), 1);
  assert.deepEqual(usedElem(r, 0), { id: 0, len: 513 });
  assert.deepEqual(dataOf(r, 0, 512), diskImage().subarray(512, 1024));
  // A reset forgets the queue but keeps its alignment. With QueueAlign 64 the used ring moves:
  // QEMU aligns the end of the available ring's array (not counting used_event): 128 + 4 + 16
  // = 148, up to 192.
  wr(r, MmioReg.Status, 0);
  assert.equal(rd(r, MmioReg.QueuePfn), 0n);
  wr(r, MmioReg.QueueNum, QSIZE);
  wr(r, MmioReg.QueueAlign, 64);
  wr(r, MmioReg.QueuePfn, Number(DESC >> 12n));
  wr(r, MmioReg.Status, Status.Acknowledge | Status.Driver | Status.DriverOk);
  const avail = DESC + BigInt(16 * QSIZE), used = DESC + 192n;
  request3(r, 0, BlkType.In, 2n, 512);
  r.mem.set16(avail + 4n, 0);
  r.mem.set16(avail + 2n, 1);
  wr(r, MmioReg.QueueNotify, 0);
  assert.equal(r.mem.u16(used + 2n), 1, 'the used index, in the used ring at 192');
  assert.deepEqual(dataOf(r, 0, 512), diskImage().subarray(1024, 1536));
});

// ---- requests ------------------------------------------------------------------------------------

test('read, write and re-read through chains of three descriptors; used length counts the status byte', () => {
  const r = rig();
  init(r, bit(Feature.Version1));
  const pattern = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) & 0xff);
  r.mem.bytes.set(pattern, Number(DATA - BASE) + 0x400 * 3);
  request3(r, 3, BlkType.Out, 10n, 1024, false);
  submit(r, 3);
  assert.deepEqual(usedElem(r, 0), { id: 3, len: 1 });
  assert.equal(statusOf(r, 3), BlkStatus.Ok);
  assert.deepEqual(r.disk.contents.subarray(10 * 512, 12 * 512), pattern);
  request3(r, 0, BlkType.In, 10n, 1024);
  submit(r, 0);
  assert.deepEqual(usedElem(r, 1), { id: 0, len: 1025 });
  assert.deepEqual(dataOf(r, 0, 1024), pattern);
  assert.ok(r.irq.at(-1), 'the interrupt line is up');
  assert.equal(rd(r, MmioReg.InterruptStatus), 1n);
  wr(r, MmioReg.InterruptAck, 1);
  assert.equal(r.irq.at(-1), false);
});

test('an indirect table: one ring descriptor, the chain in the table', () => {
  const r = rig();
  init(r, bit(Feature.Version1) | bit(Feature.RingIndirectDesc));
  setDesc(r, TABLE, 0, header(r, 0, BlkType.In, 5n), 16, DescFlag.Next, 1);
  setDesc(r, TABLE, 1, DATA, 512, DescFlag.Next | DescFlag.Write, 2);
  setDesc(r, TABLE, 2, STATUS, 1, DescFlag.Write);
  setDesc(r, DESC, 6, TABLE, 48, DescFlag.Indirect);
  submit(r, 6);
  assert.deepEqual(usedElem(r, 0), { id: 6, len: 513 });
  assert.deepEqual(dataOf(r, 0, 512), diskImage().subarray(5 * 512, 6 * 512));
});

test('status codes: out of range and partial sectors are I/O errors, unknown types unsupported; flush and get-id', () => {
  const r = rig(false, true, { serial: 'serial-0' });
  init(r, bit(Feature.Version1));
  const ask = (type: number, sector: bigint, len: number): number => { request3(r, 0, type, sector, len); submit(r, 0); return statusOf(r, 0); };
  assert.equal(ask(BlkType.In, 63n, 1024), BlkStatus.IoErr);
  assert.equal(ask(BlkType.In, 0n, 100), BlkStatus.IoErr);
  assert.equal(ask(BlkType.In, 64n, 512), BlkStatus.IoErr);
  assert.equal(ask(BlkType.In, 63n, 512), BlkStatus.Ok);
  assert.equal(ask(0x55, 0n, 512), BlkStatus.Unsupp);
  assert.equal(ask(BlkType.In | 0x80000000, 1n, 512), BlkStatus.Ok, 'the legacy barrier flag is ignored');
  r.mem.bytes.fill(0xaa, Number(DATA - BASE), Number(DATA - BASE) + 20);
  assert.equal(ask(BlkType.GetId, 0n, 20), BlkStatus.Ok);
  assert.deepEqual([...dataOf(r, 0, 10)], [...new TextEncoder().encode('serial-0'), 0, 0xaa]);
  setDesc(r, DESC, 0, header(r, 0, BlkType.Flush, 0n), 16, DescFlag.Next, 2);
  submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Ok);
});

test('write-zeroes zeroes, discard leaves the data (as QEMU\'s discard=ignore), unknown flags are unsupported', () => {
  const r = rig();
  init(r, bit(Feature.Version1) | bit(Feature.BlkDiscard) | bit(Feature.BlkWriteZeroes));
  const seg = (sector: bigint, count: number, flags: number): void => {
    r.mem.set64(DATA, sector); r.mem.set32(DATA + 8n, count); r.mem.set32(DATA + 12n, flags);
  };
  seg(4n, 2, 0); request3(r, 0, BlkType.WriteZeroes, 0n, 16, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Ok);
  assert.ok(r.disk.contents.subarray(4 * 512, 6 * 512).every((b) => b === 0));
  assert.notEqual(r.disk.contents[6 * 512 + 1], 0);
  seg(8n, 1, 0); request3(r, 0, BlkType.Discard, 0n, 16, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Ok);
  assert.deepEqual(r.disk.contents.subarray(8 * 512, 9 * 512), diskImage().subarray(8 * 512, 9 * 512));
  seg(8n, 1, 1); request3(r, 0, BlkType.Discard, 0n, 16, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Unsupp, 'discard with UNMAP');
  seg(8n, 1, 2); request3(r, 0, BlkType.WriteZeroes, 0n, 16, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Unsupp);
  seg(64n, 1, 0); request3(r, 0, BlkType.WriteZeroes, 0n, 16, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.IoErr);
  request3(r, 0, BlkType.WriteZeroes, 0n, 32, false); submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.Unsupp, 'more than one segment');
});

test('a read-only disk refuses writes and keeps its bytes', () => {
  const r = rig(false, true, { readOnly: true });
  init(r, bit(Feature.Version1));
  request3(r, 0, BlkType.Out, 1n, 512, false);
  submit(r, 0);
  assert.equal(statusOf(r, 0), BlkStatus.IoErr);
  assert.deepEqual(r.disk.contents, diskImage());
});

test('a batch: every chain made available before the notification is answered, in order', () => {
  const r = rig();
  init(r, bit(Feature.Version1));
  request3(r, 0, BlkType.In, 1n, 512);
  request3(r, 3, BlkType.In, 2n, 512);
  submit(r, 0, 3);
  assert.equal(usedIdx(r), 2);
  assert.deepEqual([usedElem(r, 0).id, usedElem(r, 1).id], [0, 3]);
  assert.deepEqual(dataOf(r, 3, 512), diskImage().subarray(1024, 1536));
});

test('interrupts: the available ring\'s NO_INTERRUPT flag suppresses them; so does used_event under EVENT_IDX', () => {
  const r = rig();
  init(r, bit(Feature.Version1));
  r.mem.set16(AVAIL, 1);
  request3(r, 0, BlkType.In, 1n, 512);
  submit(r, 0);
  assert.equal(usedIdx(r), 1);
  assert.equal(rd(r, MmioReg.InterruptStatus), 0n);

  const e = rig();
  init(e, bit(Feature.Version1) | bit(Feature.RingEventIdx));
  const usedEvent = AVAIL + 4n + BigInt(2 * QSIZE), availEvent = USED + 4n + BigInt(8 * QSIZE);
  request3(e, 0, BlkType.In, 1n, 512);
  submit(e, 0);
  assert.equal(rd(e, MmioReg.InterruptStatus), 1n, 'the first completion always interrupts');
  assert.equal(e.mem.u16(availEvent), 1, 'avail_event: the device has read one entry');
  wr(e, MmioReg.InterruptAck, 1);
  e.mem.set16(usedEvent, 100);
  submit(e, 0);
  assert.equal(rd(e, MmioReg.InterruptStatus), 0n, 'used_event is far ahead');
  e.mem.set16(usedEvent, 2);
  submit(e, 0);
  assert.equal(rd(e, MmioReg.InterruptStatus), 1n, 'the used index passed used_event');
  assert.equal(e.mem.u16(availEvent), 3);
});

test('a driver that breaks a rule stops the device: DEVICE_NEEDS_RESET and a configuration interrupt; a reset recovers', () => {
  const cases: [string, (r: Rig) => void][] = [
    ['zero length', (r) => { request3(r, 0, BlkType.In, 1n, 0); }],
    ['a loop', (r) => { request3(r, 0, BlkType.In, 1n, 512); setDesc(r, DESC, 2, STATUS, 1, DescFlag.Write | DescFlag.Next, 0); }],
    ['next past the table', (r) => { request3(r, 0, BlkType.In, 1n, 512); setDesc(r, DESC, 1, DATA, 512, DescFlag.Write | DescFlag.Next, 9); }],
    ['readable after writable', (r) => { request3(r, 0, BlkType.In, 1n, 512); setDesc(r, DESC, 2, STATUS, 1, 0); }],
    ['an indirect table of 20 bytes', (r) => { setDesc(r, DESC, 0, TABLE, 20, DescFlag.Indirect); }],
    ['a buffer outside memory', (r) => { request3(r, 0, BlkType.In, 1n, 512); setDesc(r, DESC, 1, 0x1000n, 512, DescFlag.Write | DescFlag.Next, 2); }],
    ['no status byte', (r) => { setDesc(r, DESC, 0, header(r, 0, BlkType.In, 0n), 16, 0); }],
  ];
  for (const [name, make] of cases) {
    const r = rig();
    init(r, bit(Feature.Version1));
    make(r);
    submit(r, 0);
    assert.equal(rd(r, MmioReg.Status), BigInt(0xf | Status.DeviceNeedsReset), name);
    assert.equal(rd(r, MmioReg.InterruptStatus), 3n, name);
    assert.equal(rd(r, MmioReg.ConfigGeneration), 1n, name);
    assert.equal(usedIdx(r), 0, name);
    assert.equal(r.errors.length, 1, name);
    request3(r, 0, BlkType.In, 1n, 512);
    submit(r, 0);
    assert.equal(usedIdx(r), 0, `${name}: a broken device ignores notifications`);
    init(r, bit(Feature.Version1));
    assert.equal(rd(r, MmioReg.InterruptStatus), 0n);
    submit(r, 0);
    assert.equal(statusOf(r, 0), BlkStatus.Ok, `${name}: after the reset`);
  }
  // A legacy driver is not told (it has no DEVICE_NEEDS_RESET): the device just stops.
  const l = rig(true);
  init(l, 0n);
  request3(l, 0, BlkType.In, 1n, 0);
  submit(l, 0);
  assert.equal(rd(l, MmioReg.Status), BigInt(Status.Acknowledge | Status.Driver | Status.DriverOk));
  assert.equal(rd(l, MmioReg.InterruptStatus), 0n);
});

test('a device reset forgets the queue and the negotiation; modern queues must be made ready again', () => {
  const r = rig();
  init(r, bit(Feature.Version1));
  assert.equal(rd(r, MmioReg.QueueReady), 1n);
  wr(r, MmioReg.Status, 0);
  assert.equal(rd(r, MmioReg.Status), 0n);
  assert.equal(rd(r, MmioReg.QueueReady), 0n);
  assert.ok(!r.dev.has(Feature.Version1));
  request3(r, 0, BlkType.In, 1n, 512);
  submit(r, 0);
  assert.equal(usedIdx(r), 0, 'no queue, no work');
});

// ---- snapshots -----------------------------------------------------------------------------------

test('save and restore: transport registers, queue indexes and interrupt status come back; the next request continues', () => {
  const r = rig();
  init(r, bit(Feature.Version1) | bit(Feature.RingEventIdx));
  request3(r, 0, BlkType.In, 1n, 512);
  submit(r, 0);
  const saved = r.dev.save(), mem = r.mem.bytes.slice();
  submit(r, 0);
  submit(r, 0);
  const after = r.dev.save(), memAfter = r.mem.bytes.slice();
  r.dev.restore(saved);
  r.mem.bytes.set(mem);
  assert.deepEqual(r.dev.save(), saved);
  assert.equal(r.irq.at(-1), true, 'the line follows the restored interrupt status');
  submit(r, 0);
  submit(r, 0);
  assert.deepEqual(r.dev.save(), after);
  assert.deepEqual(r.mem.bytes, memAfter);
});

test('a machine snapshot holds an overlay disk\'s writes: restoring it undoes them', () => {
  const base = new MemoryDisk(diskImage()), overlay = new OverlayDisk(base);
  const m = new Machine({ memoryMiB: 1, drives: [{ backend: overlay }] });
  const snap = m.snapshot();
  overlay.write(512, new Uint8Array(512).fill(7));
  assert.equal(overlay.read(512, 1)[0], 7);
  m.restore(snap);
  assert.deepEqual(overlay.read(512, 512), diskImage().subarray(512, 1024));
  assert.deepEqual(base.contents, diskImage(), 'the base is never written');
});

test('the overlay disk: writes of any size and alignment over the base, which stays as it was', () => {
  const base = new MemoryDisk(diskImage(4)), o = new OverlayDisk(base);
  o.write(500, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20));
  const want = diskImage(4);
  want.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 500);
  assert.deepEqual(o.read(0, 2048), want);
  assert.equal(o.written, 2);
  const s = o.save();
  o.write(0, new Uint8Array(1024));
  o.restore(s);
  assert.deepEqual(o.read(0, 2048), want);
  assert.deepEqual(o.read(2040, 16), Uint8Array.of(...want.subarray(2040), 0, 0, 0, 0, 0, 0, 0, 0), 'past the end reads zero');
  assert.deepEqual(base.contents, diskImage(4));
});

test('geometry: from the partition table when it gives at most 16 heads, else 16 heads of 63 sectors', () => {
  const table = (endHead: number, endSector: number): Uint8Array => {
    const s = new Uint8Array(512);
    s[0x1be + 5] = endHead; s[0x1be + 6] = endSector; s[0x1be + 12] = 1; s[510] = 0x55; s[511] = 0xaa;
    return s;
  };
  assert.deepEqual(guessGeometry(new Uint8Array(512), 2048), { cylinders: 2, heads: 16, sectors: 63 });
  assert.deepEqual(guessGeometry(new Uint8Array(512), 16 * 63 * 100), { cylinders: 100, heads: 16, sectors: 63 });
  assert.deepEqual(guessGeometry(new Uint8Array(512), 1 << 30), { cylinders: 16383, heads: 16, sectors: 63 });
  assert.deepEqual(guessGeometry(table(3, 32), 2048), { cylinders: 16, heads: 4, sectors: 32 });
  assert.deepEqual(guessGeometry(table(254, 63), 2048 * 1024), { cylinders: 2048 * 1024 / (16 * 63) | 0, heads: 16, sectors: 63 }, 'more than 16 heads');
});

// ---- the machine ---------------------------------------------------------------------------------

test('a device write over translated code retranslates it', () => {
  // A loop adds 1 to a0 each turn; the device reads a sector holding `addi a0, a0, 2` over the
  // loop's first instruction while the loop's block is translated; the loop then adds 2.
  const image = new Uint8Array(4 * 512);
  new DataView(image.buffer).setUint32(512, 0x00250513, true); // addi a0, a0, 2
  // 8 MiB: with less, the device tree (2 MiB-aligned below the top of RAM) would land on the code.
  const m = new Machine({ memoryMiB: 8, drives: [{ backend: new MemoryDisk(image) }] });
  const code = [0x00150513, 0xffdff06f]; // loop: addi a0, a0, 1; j loop
  code.forEach((w, i) => m.ram.view.setUint32(i * 4, w, true));
  m.bootBare(0x80000000n);
  m.run(100);
  assert.equal(m.hart.x[10], 50n);

  // The driver's part, done from outside: a queue at 0x80010000, one read of sector 1 into 0x80000000.
  const phys = (pa: bigint, bytes: number[] | Uint8Array): void => { assert.ok(m.debug.writePhys(pa, Uint8Array.from(bytes))); };
  const le = (v: bigint, n: number): number[] => Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  const slot = m.virtio[0], reg = (off: number, v: bigint): void => slot.write(off, 4, v);
  const desc = 0x80010000n, avail = 0x80011000n, used = 0x80012000n, hdr = 0x80013000n, st = 0x80013100n;
  reg(MmioReg.Status, 3n);
  reg(MmioReg.DriverFeaturesSel, 1n); reg(MmioReg.DriverFeatures, 1n);
  reg(MmioReg.Status, 0xbn);
  reg(MmioReg.QueueNum, 8n);
  reg(MmioReg.QueueDescLow, desc & 0xffffffffn); reg(MmioReg.QueueDriverLow, avail & 0xffffffffn); reg(MmioReg.QueueDeviceLow, used & 0xffffffffn);
  reg(MmioReg.QueueReady, 1n);
  reg(MmioReg.Status, 0xfn);
  phys(hdr, [...le(0n, 4), ...le(0n, 4), ...le(1n, 8)]);
  phys(desc, [...le(hdr, 8), ...le(16n, 4), ...le(1n, 2), ...le(1n, 2),
    ...le(0x80000000n, 8), ...le(512n, 4), ...le(3n, 2), ...le(2n, 2),
    ...le(st, 8), ...le(1n, 4), ...le(2n, 2), ...le(0n, 2)]);
  phys(avail, [0, 0, 1, 0, 0, 0]);
  reg(MmioReg.QueueNotify, 0n);
  assert.equal(m.debug.readPhys(used + 2n, 1)![0], 1, 'the request completed');
  assert.equal(m.debug.readPhys(st, 1)![0], 0);
  // Sector 1 was 512 bytes: the loop's jump went with it; put it back after the new instruction.
  phys(0x80000004n, le(0xffdff06fn, 4));
  m.run(100);
  assert.equal(m.hart.x[10], 150n, 'the loop runs the instruction the device wrote');
});

// ---- the drive option ---------------------------------------------------------------------------

test('drive specs: a path, then options; doubled commas; clear errors for the rest', () => {
  assert.deepEqual(parseDriveSpec('fs.img'), { path: 'fs.img', snapshot: false, readOnly: false });
  assert.deepEqual(parseDriveSpec('file=a,,b.img,snapshot=on,readonly=off,format=raw,serial=d0'), { path: 'a,b.img', snapshot: true, readOnly: false, serial: 'd0' });
  assert.throws(() => parseDriveSpec(''), DriveSpecError);
  assert.throws(() => parseDriveSpec('fs.img,snapshot=maybe'), /snapshot takes on or off/);
  assert.throws(() => parseDriveSpec('fs.img,format=qcow2'), /only raw images/);
  assert.throws(() => parseDriveSpec('fs.img,cache=none'), /unknown drive option 'cache'/);
});

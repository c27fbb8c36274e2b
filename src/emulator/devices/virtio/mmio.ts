// The virtio-mmio transport (virtio 1.2 §4.2) in either version QEMU 7.2 gives: modern
// (version 2, `-global virtio-mmio.force-legacy=false`: queue addresses in three 64-bit
// registers, QueueReady, 64 feature bits) or legacy (version 1, QEMU's default: GuestPageSize,
// QueueAlign and QueuePFN lay the queue out in one block, 32 feature bits). It holds what QEMU
// splits between its proxy and VirtIODevice: status, negotiated features, the queues'
// registers, the interrupt status; the device behind it (or none, in an empty slot) supplies
// its id, feature bits, configuration space and the work on its queues.
//
// Guest-visible details follow QEMU 7.2's hw/virtio/virtio-mmio.c and hw/virtio/virtio.c,
// checked against qemu-system-riscv64 7.2 (test/diff/virtio.test.ts): only the first 0x200
// bytes of a slot answer (the rest is an access fault); registers take 32-bit accesses only
// and ignore others (8-byte accesses arrive as two 32-bit ones), while the configuration space
// takes any width and reads all-ones past its end; an empty slot reads as magic, version and
// vendor with device id 0, whatever the width.
import type { Device } from '../../memory/bus.js';
import type { DmaPort } from '../../memory/dma.js';
import type { Region } from '../../board/virtMap.js';
import { bit, DeviceId, Feature, InterruptBit, MMIO_MAGIC, MmioReg, Status, VENDOR_QEMU } from './spec.js';
import { QUEUE_MAX, Virtqueue, VirtioError, type VirtqueueState } from './virtqueue.js';

/** The bytes of a slot the transport answers (QEMU's virtio-mmio region); the rest of the slot faults. */
export const MMIO_WINDOW = 0x200;
/** QueueSel takes queue numbers below this (QEMU's VIRTIO_QUEUE_MAX). */
const QUEUE_SEL_LIMIT = 1024;
/** Feature bits QEMU keeps from modern drivers' view (the device class's legacy_features). */
const LEGACY_ONLY = bit(Feature.NotifyOnEmpty) | bit(Feature.AnyLayout);

/** What a device behind the transport does; the transport does the rest. */
export interface VirtioDevice {
  readonly deviceId: DeviceId;
  /** Each queue's size after a reset (QEMU's queue-size). */
  readonly queueSizes: readonly number[];
  /** The device's own feature bits on this transport version (the transport adds the ring's). */
  features(legacy: boolean): bigint;
  /** The configuration space as it reads now. */
  config(): Uint8Array;
  /** The driver wrote into the configuration space (`config` is the whole space after the write). */
  writeConfig(config: Uint8Array): void;
  /** The driver wrote the status register; `negotiated` is the feature set in force. */
  statusWritten(status: number, negotiated: bigint): void;
  /** The driver notified a queue: take its available chains and return them. */
  kick(queue: Virtqueue, host: QueueHost): void;
  /** A device reset (status 0): the device's own state back to its power-on values. */
  reset(): void;
  save(): unknown;
  restore(state: unknown): void;
}

/** What a device may ask of the transport while it works on a queue. */
export interface QueueHost {
  readonly dma: DmaPort;
  has(f: Feature): boolean;
  /** Chains were returned through the queue's used ring: interrupt the driver if it wants. */
  usedBuffers(q: Virtqueue): void;
}

interface StagedQueue { num: number; desc: number[]; driver: number[]; device: number[]; enabled: boolean }

export interface VirtioMmioState {
  status: number; isr: number; generation: number; broken: boolean; negotiated: bigint;
  deviceFeaturesSel: number; driverFeaturesSel: number; driverFeatures: number[]; guestPageShift: number;
  queueSel: number; queues: VirtqueueState[]; staged: [number, StagedQueue][]; config: number[]; device: unknown;
}

const u32 = (v: bigint): number => Number(v & 0xffffffffn);
/** Two 32-bit register words, low first, as one 64-bit value. */
const join64 = (pair: number[]): bigint => (BigInt(pair[1] >>> 0) << 32n) | BigInt(pair[0] >>> 0);

export class VirtioMmio implements Device, QueueHost {
  readonly name: string;
  readonly base: number;
  readonly size = MMIO_WINDOW;
  private readonly queues: Virtqueue[];
  private status = 0;
  /** Interrupt status: InterruptBit values, the interrupt line is high while any is set. */
  private isr = 0;
  /** Counts configuration changes (ConfigGeneration). */
  private generation = 0;
  /** Set by a driver error; the device does nothing more until it is reset. */
  private broken = false;
  /** The features in force (the driver's choice, limited to what is offered). */
  private negotiated = 0n;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  /** Modern: the driver's feature words, taken when it sets FEATURES_OK. */
  private driverFeatures = [0, 0];
  private guestPageShift = 0;
  private queueSel = 0;
  /** Modern: each selected queue's registers until QueueReady takes them. */
  private staged = new Map<number, StagedQueue>();
  /** The configuration space as last read, which writes change before the device sees them. */
  private configBuf: Uint8Array;
  /** Told the interrupt line's new level. */
  onInterrupt: (level: boolean) => void = () => {};
  /** Told why the device stopped when the driver breaks a rule (a message for the user). */
  onGuestError: (message: string) => void = () => {};

  constructor(region: Region, readonly legacy: boolean, readonly dma: DmaPort, readonly device?: VirtioDevice) {
    this.name = region.name;
    this.base = region.base;
    this.queues = (device?.queueSizes ?? []).map((n) => new Virtqueue(n));
    this.configBuf = device ? device.config() : new Uint8Array(0);
  }

  /** Every feature bit the device accepts; drivers of the modern transport see all but the legacy-only ones. */
  private get hostFeatures(): bigint {
    if (!this.device) return 0n;
    const ring = bit(Feature.RingIndirectDesc) | bit(Feature.RingEventIdx) | bit(Feature.NotifyOnEmpty) | bit(Feature.RingReset);
    return this.device.features(this.legacy) | ring | (this.legacy ? 0n : bit(Feature.Version1));
  }

  /** The DeviceFeatures register's view: 32 bits in legacy, the modern bits a word at a time. */
  private get offeredFeatures(): bigint {
    return this.legacy ? this.hostFeatures & 0xffffffffn : this.hostFeatures & ~LEGACY_ONLY;
  }

  has(f: Feature): boolean { return (this.negotiated & bit(f)) !== 0n; }

  private stagedQueue(n: number): StagedQueue {
    let s = this.staged.get(n);
    if (!s) { s = { num: 0, desc: [0, 0], driver: [0, 0], device: [0, 0], enabled: false }; this.staged.set(n, s); }
    return s;
  }

  // ---- interrupts ----------------------------------------------------------------------------

  /** The line is high while any interrupt status bit is set (level-triggered, as on QEMU). */
  private updateIrq(): void {
    this.onInterrupt(this.isr !== 0);
  }

  usedBuffers(q: Virtqueue): void {
    if (!q.wantsInterrupt(this.dma, { notifyOnEmpty: this.has(Feature.NotifyOnEmpty), eventIdx: this.has(Feature.RingEventIdx) })) return;
    this.isr |= InterruptBit.UsedBuffer;
    this.updateIrq();
  }

  /** The device's configuration changed: tell a driver that is running. */
  configChanged(): void {
    if (!(this.status & Status.DriverOk)) return;
    // QEMU (virtio_notify_config) sets both bits.
    this.isr |= InterruptBit.ConfigChange | InterruptBit.UsedBuffer;
    this.generation = (this.generation + 1) >>> 0;
    this.updateIrq();
  }

  /** The driver broke a rule: stop until it resets the device, and say so. */
  private fail(message: string): void {
    if (this.has(Feature.Version1)) {
      this.status |= Status.DeviceNeedsReset;
      this.configChanged();
    }
    this.broken = true;
    this.onGuestError(message);
  }

  // ---- reset, features, status -----------------------------------------------------------------

  /** A device reset, as the driver asks for it by writing status 0 (or, legacy, QueuePFN 0). */
  private reset(): void {
    this.device?.reset();
    this.broken = false;
    this.negotiated = 0n;
    this.queueSel = 0;
    this.status = 0;
    this.isr = 0;
    this.updateIrq();
    for (const q of this.queues) q.reset();
  }

  /** The driver's features, limited to those the device accepts; refused once FEATURES_OK is set. */
  private setFeatures(v: bigint): void {
    if (this.status & Status.FeaturesOk) return;
    this.negotiated = v & this.hostFeatures;
  }

  private writeStatus(value: number): void {
    if (!this.legacy && (value & Status.FeaturesOk)) this.setFeatures(join64(this.driverFeatures));
    this.device!.statusWritten(value & 0xff, this.negotiated);
    this.status = value & 0xff;
    if (this.status === 0) {
      this.reset();
      if (!this.legacy) for (const s of this.staged.values()) s.enabled = false;
    }
  }

  // ---- registers -------------------------------------------------------------------------------

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (size === 8) return this.read(offset, 4) | (this.read(offset + 4, 4) << 32n);
    const mask = (1n << BigInt(8 * size)) - 1n;
    if (!this.device) {
      switch (offset) {
        case MmioReg.MagicValue: return BigInt(MMIO_MAGIC) & mask;
        case MmioReg.Version: return BigInt(this.legacy ? 1 : 2) & mask;
        case MmioReg.VendorId: return BigInt(VENDOR_QEMU) & mask;
        default: return 0n;
      }
    }
    if (offset >= MmioReg.Config) return this.readConfig(offset - MmioReg.Config, size);
    if (size !== 4) return 0n;
    const q = this.queues[this.queueSel];
    switch (offset) {
      case MmioReg.MagicValue: return BigInt(MMIO_MAGIC);
      case MmioReg.Version: return this.legacy ? 1n : 2n;
      case MmioReg.DeviceId: return BigInt(this.device.deviceId);
      case MmioReg.VendorId: return BigInt(VENDOR_QEMU);
      case MmioReg.DeviceFeatures:
        if (this.legacy) return this.deviceFeaturesSel ? 0n : this.offeredFeatures;
        return (this.offeredFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn;
      case MmioReg.QueueNumMax: return q && q.num ? BigInt(QUEUE_MAX) : 0n;
      case MmioReg.QueuePfn: return this.legacy && q ? (q.desc >> BigInt(this.guestPageShift)) & 0xffffffffn : 0n;
      case MmioReg.QueueReady: return !this.legacy && this.staged.get(this.queueSel)?.enabled ? 1n : 0n;
      case MmioReg.InterruptStatus: return BigInt(this.isr);
      case MmioReg.Status: return BigInt(this.status);
      case MmioReg.ConfigGeneration: return this.legacy ? 0n : BigInt(this.generation);
      // No shared memory regions: a length of all ones says so.
      case MmioReg.ShmLenLow: case MmioReg.ShmLenHigh: return 0xffffffffn;
      default: return 0n; // write-only and reserved registers read as zero
    }
  }

  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (size === 8) { this.write(offset, 4, value & 0xffffffffn); this.write(offset + 4, 4, value >> 32n); return; }
    if (!this.device) return;
    if (offset >= MmioReg.Config) { this.writeConfig(offset - MmioReg.Config, size, value); return; }
    if (size !== 4) return;
    const v = u32(value), q = this.queues[this.queueSel];
    switch (offset) {
      case MmioReg.DeviceFeaturesSel: this.deviceFeaturesSel = v ? 1 : 0; return;
      case MmioReg.DriverFeatures:
        if (!this.legacy) this.driverFeatures[this.driverFeaturesSel] = v;
        else if (this.driverFeaturesSel === 0) this.setFeatures(BigInt(v));
        return;
      case MmioReg.DriverFeaturesSel: this.driverFeaturesSel = v ? 1 : 0; return;
      case MmioReg.GuestPageSize:
        if (this.legacy) this.guestPageShift = v === 0 ? 0 : 31 - Math.clz32(v & -v);
        return;
      case MmioReg.QueueSel: if (v < QUEUE_SEL_LIMIT) this.queueSel = v; return;
      case MmioReg.QueueNum:
        q?.setNum(v);
        if (this.legacy) q?.updateLegacyRings();
        else this.stagedQueue(this.queueSel).num = v;
        return;
      case MmioReg.QueueAlign:
        if (this.legacy && q && v !== 0 && !this.has(Feature.Version1)) { q.align = v; q.updateLegacyRings(); }
        return;
      case MmioReg.QueuePfn:
        if (!this.legacy) return;
        if (v === 0) { this.reset(); return; }
        if (q && q.num) { q.desc = BigInt(v) << BigInt(this.guestPageShift); q.updateLegacyRings(); }
        return;
      case MmioReg.QueueReady: {
        if (this.legacy) return;
        const s = this.stagedQueue(this.queueSel);
        if (v && q) {
          q.setNum(s.num);
          if (q.num) { q.desc = join64(s.desc); q.avail = join64(s.driver); q.used = join64(s.device); }
        }
        s.enabled = v !== 0;
        return;
      }
      case MmioReg.QueueNotify: {
        const target = this.queues[v];
        if (v >= QUEUE_SEL_LIMIT || !target || !target.live || this.broken) return;
        try {
          this.device.kick(target, this);
        } catch (e) {
          if (!(e instanceof VirtioError)) throw e;
          this.fail(e.message);
        }
        return;
      }
      case MmioReg.InterruptAck: this.isr &= ~v; this.updateIrq(); return;
      case MmioReg.Status: this.writeStatus(v); return;
      case MmioReg.QueueDescLow: case MmioReg.QueueDescHigh:
        if (!this.legacy) this.stagedQueue(this.queueSel).desc[(offset - MmioReg.QueueDescLow) >> 2] = v;
        return;
      case MmioReg.QueueDriverLow: case MmioReg.QueueDriverHigh:
        if (!this.legacy) this.stagedQueue(this.queueSel).driver[(offset - MmioReg.QueueDriverLow) >> 2] = v;
        return;
      case MmioReg.QueueDeviceLow: case MmioReg.QueueDeviceHigh:
        if (!this.legacy) this.stagedQueue(this.queueSel).device[(offset - MmioReg.QueueDeviceLow) >> 2] = v;
        return;
      default: return; // read-only and reserved registers ignore writes
    }
  }

  /** A configuration read refreshes the space from the device first, unless it runs past the end. */
  private readConfig(offset: number, size: 1 | 2 | 4): bigint {
    if (offset + size > this.configBuf.length) return (1n << BigInt(8 * size)) - 1n;
    this.configBuf = this.device!.config();
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.configBuf[offset + i]);
    return v;
  }

  private writeConfig(offset: number, size: 1 | 2 | 4, value: bigint): void {
    if (offset + size > this.configBuf.length) return;
    for (let i = 0; i < size; i++) this.configBuf[offset + i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.device!.writeConfig(this.configBuf);
  }

  // ---- snapshots -------------------------------------------------------------------------------

  save(): VirtioMmioState {
    return {
      status: this.status, isr: this.isr, generation: this.generation, broken: this.broken, negotiated: this.negotiated,
      deviceFeaturesSel: this.deviceFeaturesSel, driverFeaturesSel: this.driverFeaturesSel, driverFeatures: [...this.driverFeatures],
      guestPageShift: this.guestPageShift, queueSel: this.queueSel, queues: this.queues.map((q) => q.save()),
      staged: [...this.staged].map(([n, s]) => [n, { ...s, desc: [...s.desc], driver: [...s.driver], device: [...s.device] }]),
      config: [...this.configBuf], device: this.device?.save(),
    };
  }

  restore(state: unknown): void {
    const s = state as VirtioMmioState;
    this.status = s.status; this.isr = s.isr; this.generation = s.generation; this.broken = s.broken; this.negotiated = s.negotiated;
    this.deviceFeaturesSel = s.deviceFeaturesSel; this.driverFeaturesSel = s.driverFeaturesSel; this.driverFeatures = [...s.driverFeatures];
    this.guestPageShift = s.guestPageShift; this.queueSel = s.queueSel;
    s.queues.forEach((q, i) => this.queues[i].restore(q));
    this.staged = new Map(s.staged.map(([n, q]) => [n, { ...q, desc: [...q.desc], driver: [...q.driver], device: [...q.device] }]));
    this.configBuf = Uint8Array.from(s.config);
    if (this.device && s.device !== undefined) this.device.restore(s.device);
    this.updateIrq();
  }
}

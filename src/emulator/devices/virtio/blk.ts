// A virtio block device (virtio 1.2 §5.2) over a BlockBackend, offering the features QEMU 7.2's
// virtio-blk-device offers with its defaults (a writeback cache, discard and write-zeroes on,
// one queue of 256), and answering requests as it does (hw/block/virtio-blk.c): read, write,
// flush, get-id, discard (accepted and ignored, as QEMU's default discard=ignore does) and
// write-zeroes; anything else is unsupported. Requests complete at once, in the order they
// were made available, so every run of a guest is the same.
//
// A request is one descriptor chain: a 16-byte header the device reads (type, reserved,
// sector), then for writes the data, then device-writable buffers ending in the status byte
// (for reads the data comes first). The used length is everything the chain lets the device
// write, status included, as QEMU reports it.
import { SECTOR, type BlockBackend } from '../blockBackend.js';
import type { DmaPort } from '../../memory/dma.js';
import { bit, DeviceId, Feature, Status } from './spec.js';
import { Chain, VirtioError, type Virtqueue } from './virtqueue.js';
import type { QueueHost, VirtioDevice } from './mmio.js';
import { guessGeometry, type Geometry } from './blkGeometry.js';

/** Request types (§5.2.6); the low bit is the direction, 1 meaning towards the disk. */
export enum BlkType { In = 0, Out = 1, ScsiCmd = 2, Flush = 4, GetId = 8, Discard = 11, WriteZeroes = 13 }
/** The request flag legacy drivers may set and devices ignore. */
const TYPE_BARRIER = 0x80000000;
/** Request status (§5.2.6). */
export enum BlkStatus { Ok = 0, IoErr = 1, Unsupp = 2 }

/** QEMU's queue-size default: one request queue of 256 descriptors. */
export const BLK_QUEUE_SIZE = 256;
/** The header the driver writes: type (4), reserved (4), sector (8). */
const HEADER = 16;
/** The discard/write-zeroes segment: sector (8), num_sectors (4), flags (4). */
const SEGMENT = 16;
const SEGMENT_FLAG_UNMAP = 1;
/** The most sectors one request may move (QEMU's BDRV_REQUEST_MAX_SECTORS, INT_MAX / 512). */
const MAX_REQUEST_SECTORS = 0x3fffff;
/** get-id answers with at most this many bytes of the serial (§5.2.6). */
const ID_BYTES = 20;
/** The configuration space QEMU 7.2 exposes with discard and write-zeroes: up to write_zeroes_may_unmap. */
const CONFIG_SIZE = 57;

export interface BlkOptions {
  /** Writes fail and VIRTIO_BLK_F_RO is offered (QEMU's readonly=on). */
  readOnly?: boolean;
  /** What get-id answers (QEMU's serial property); empty by default. */
  serial?: string;
}

export interface BlkState { writeCache: boolean; disk?: unknown }

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = DeviceId.Block;
  readonly queueSizes = [BLK_QUEUE_SIZE];
  /** Capacity in 512-byte sectors; a partial last sector counts, its missing bytes reading as zero. */
  readonly capacity: number;
  readonly geometry: Geometry;
  private readonly readOnly: boolean;
  private readonly serial: Uint8Array;
  /** The writeback field: with the cache off, every write is flushed before it completes. */
  private writeCache = true;

  constructor(readonly backend: BlockBackend, opts: BlkOptions = {}) {
    this.capacity = Math.ceil(backend.size / SECTOR);
    this.geometry = guessGeometry(backend.read(0, SECTOR), this.capacity);
    this.readOnly = opts.readOnly ?? false;
    this.serial = new TextEncoder().encode(opts.serial ?? '');
  }

  features(legacy: boolean): bigint {
    let f = bit(Feature.BlkSegMax) | bit(Feature.BlkGeometry) | bit(Feature.BlkBlkSize) | bit(Feature.BlkFlush)
      | bit(Feature.BlkTopology) | bit(Feature.BlkConfigWce) | bit(Feature.BlkDiscard) | bit(Feature.BlkWriteZeroes);
    if (this.readOnly) f |= bit(Feature.BlkRo);
    // QEMU offers SCSI commands to legacy drivers (and answers them as unsupported), and any
    // descriptor layout to modern ones, where it is implied.
    f |= legacy ? bit(Feature.BlkScsi) : bit(Feature.AnyLayout);
    return f;
  }

  config(): Uint8Array {
    const c = new Uint8Array(CONFIG_SIZE), v = new DataView(c.buffer);
    v.setBigUint64(0, BigInt(this.capacity), true);
    v.setUint32(8, 0, true); // size_max: no limit on a segment
    v.setUint32(12, BLK_QUEUE_SIZE - 2, true); // seg_max: a request's data segments, leaving header and status
    v.setUint16(16, this.geometry.cylinders, true);
    c[18] = this.geometry.heads;
    c[19] = this.geometry.sectors;
    v.setUint32(20, SECTOR, true); // blk_size
    // topology (24-31): 512-byte physical blocks, no alignment offset, no I/O size hints
    c[32] = this.writeCache ? 1 : 0;
    v.setUint16(34, this.queueSizes.length, true); // num_queues
    v.setUint32(36, MAX_REQUEST_SECTORS, true); // max_discard_sectors
    v.setUint32(40, 1, true); // max_discard_seg
    v.setUint32(44, 1, true); // discard_sector_alignment
    v.setUint32(48, MAX_REQUEST_SECTORS, true); // max_write_zeroes_sectors
    v.setUint32(52, 1, true); // max_write_zeroes_seg
    c[56] = 1; // write_zeroes_may_unmap
    return c;
  }

  writeConfig(config: Uint8Array): void {
    this.writeCache = config[32] !== 0;
  }

  statusWritten(status: number, negotiated: bigint): void {
    // A driver that cannot change the writeback field gets the cache it negotiated: one that
    // takes VIRTIO_BLK_F_FLUSH sends flushes, one that does not needs every write on the disk.
    if ((status & Status.DriverOk) && !(negotiated & bit(Feature.BlkConfigWce))) this.writeCache = (negotiated & bit(Feature.BlkFlush)) !== 0n;
  }

  reset(): void { this.writeCache = true; }

  kick(q: Virtqueue, host: QueueHost): void {
    const eventIdx = host.has(Feature.RingEventIdx);
    for (let chain = q.pop(host.dma, eventIdx); chain; chain = q.pop(host.dma, eventIdx)) {
      const written = this.handle(chain, host);
      q.push(host.dma, chain.head, written);
      host.usedBuffers(q);
    }
    // Everything made available has been taken: the next request should notify.
    if (eventIdx) q.setAvailEvent(host.dma, q.lastAvail);
  }

  /** Carry out one request; returns the used length. */
  private handle(chain: Chain, host: QueueHost): number {
    const dma = host.dma;
    if (chain.readable.length === 0 || chain.writable.length === 0) throw new VirtioError('a block request needs a header and a status byte');
    const header = chain.read(dma, 0, HEADER);
    if (header.length < HEADER) throw new VirtioError(`a block request header of ${header.length} bytes is shorter than ${HEADER}`);
    const h = new DataView(header.buffer);
    const type = h.getUint32(0, true), sector = h.getBigUint64(8, true);
    const written = chain.writableLength, dataIn = written - 1, dataOut = chain.readableLength - HEADER;
    let status: BlkStatus;
    switch ((type & ~(BlkType.Out | TYPE_BARRIER)) >>> 0) {
      case BlkType.In:
        status = (type & BlkType.Out) ? this.write(chain, dma, sector, dataOut) : this.read(chain, dma, sector, dataIn);
        break;
      case BlkType.ScsiCmd:
        status = this.scsi(chain, dma);
        break;
      case BlkType.Flush:
        status = this.io(() => this.backend.flush());
        break;
      case BlkType.GetId: {
        // The serial, NUL-terminated only when shorter than the buffer (and than 20 bytes).
        const id = new Uint8Array(this.serial.length + 1);
        id.set(this.serial);
        chain.write(dma, 0, id.subarray(0, Math.min(id.length, dataIn, ID_BYTES)));
        status = BlkStatus.Ok;
        break;
      }
      case BlkType.Discard & ~BlkType.Out:
      case BlkType.WriteZeroes & ~BlkType.Out:
        status = this.discardOrZero(chain, dma, type, dataOut);
        break;
      default:
        status = BlkStatus.Unsupp;
    }
    chain.write(dma, dataIn, Uint8Array.of(status));
    return written;
  }

  /**
   * Legacy SCSI packet commands, which QEMU offers and refuses: a chain too short to hold the
   * command and the SCSI status is an I/O error; otherwise the SCSI status (the writable
   * buffer before the status byte) says errors = 255 and the request is unsupported.
   */
  private scsi(chain: Chain, dma: DmaPort): BlkStatus {
    const w = chain.writable;
    if (chain.readable.length < 2 || w.length < 3) return BlkStatus.IoErr;
    const at = w.slice(0, -2).reduce((n, s) => n + s.len, 0);
    const errors = Uint8Array.of(255, 0, 0, 0);
    chain.write(dma, at, errors.subarray(0, Math.min(errors.length, w[w.length - 2].len)));
    return BlkStatus.Unsupp;
  }

  /** Whether `bytes` from `sector` are whole sectors within the disk. */
  private inRange(sector: bigint, bytes: number): boolean {
    const n = Math.floor(bytes / SECTOR);
    return n <= MAX_REQUEST_SECTORS && bytes % SECTOR === 0 && sector <= BigInt(this.capacity) && BigInt(n) <= BigInt(this.capacity) - sector;
  }

  /** Run a backend operation; a host I/O error is the guest's I/O error. */
  private io(op: () => void): BlkStatus {
    try { op(); return BlkStatus.Ok; } catch { return BlkStatus.IoErr; }
  }

  private read(chain: Chain, dma: DmaPort, sector: bigint, bytes: number): BlkStatus {
    if (!this.inRange(sector, bytes)) return BlkStatus.IoErr;
    let data: Uint8Array;
    try { data = this.backend.read(Number(sector) * SECTOR, bytes); } catch { return BlkStatus.IoErr; }
    chain.write(dma, 0, data);
    return BlkStatus.Ok;
  }

  private write(chain: Chain, dma: DmaPort, sector: bigint, bytes: number): BlkStatus {
    if (!this.inRange(sector, bytes) || this.readOnly) return BlkStatus.IoErr;
    const data = chain.read(dma, HEADER, bytes);
    return this.io(() => {
      this.backend.write(Number(sector) * SECTOR, data);
      if (!this.writeCache) this.backend.flush();
    });
  }

  private discardOrZero(chain: Chain, dma: DmaPort, type: number, segBytes: number): BlkStatus {
    const zero = ((type & ~TYPE_BARRIER) >>> 0) === BlkType.WriteZeroes;
    // One segment, and the direction bit set, or the device does not know the request.
    if (!(type & BlkType.Out) || segBytes > SEGMENT) return BlkStatus.Unsupp;
    const seg = chain.read(dma, HEADER, SEGMENT);
    if (seg.length < SEGMENT) throw new VirtioError(`a discard or write-zeroes segment of ${seg.length} bytes is shorter than ${SEGMENT}`);
    const v = new DataView(seg.buffer);
    const sector = v.getBigUint64(0, true), count = v.getUint32(8, true), flags = v.getUint32(12, true);
    if (count > MAX_REQUEST_SECTORS || !this.inRange(sector, count * SECTOR)) return BlkStatus.IoErr;
    if (flags & ~SEGMENT_FLAG_UNMAP) return BlkStatus.Unsupp;
    if (!zero) return flags & SEGMENT_FLAG_UNMAP ? BlkStatus.Unsupp : BlkStatus.Ok;
    if (this.readOnly) return BlkStatus.IoErr;
    return this.io(() => {
      const chunk = new Uint8Array(Math.min(count * SECTOR, 1 << 20));
      for (let done = 0; done < count * SECTOR; done += chunk.length) {
        this.backend.write(Number(sector) * SECTOR + done, chunk.subarray(0, Math.min(chunk.length, count * SECTOR - done)));
      }
      if (!this.writeCache) this.backend.flush();
    });
  }

  save(): BlkState {
    return { writeCache: this.writeCache, disk: this.backend.save?.() };
  }

  restore(state: unknown): void {
    const s = state as BlkState;
    this.writeCache = s.writeCache;
    if (s.disk !== undefined) this.backend.restore?.(s.disk);
  }
}

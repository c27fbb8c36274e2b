// The numbers of the virtio specification (1.2) that the transport, the queues and the block
// device share: device status bits (§2.1), feature bits (§6 and §5.2.3), split-ring flags
// (§2.7), and the virtio-mmio register map (§4.2.2 for version 2, §4.2.4 for the legacy
// version 1). Written once here.

/** Device status (§2.1): the driver's progress through initialisation. */
export enum Status {
  Acknowledge = 1,
  Driver = 2,
  DriverOk = 4,
  FeaturesOk = 8,
  DeviceNeedsReset = 0x40,
  Failed = 0x80,
}

/** Feature bit numbers: the transport-independent ones (§6) and virtio-blk's (§5.2.3). */
export enum Feature {
  BlkSizeMax = 1,
  BlkSegMax = 2,
  BlkGeometry = 4,
  BlkRo = 5,
  BlkBlkSize = 6,
  /** Legacy only: SCSI packet commands. */
  BlkScsi = 7,
  /** Also called WCE in legacy: the device has a write cache and takes flush commands. */
  BlkFlush = 9,
  BlkTopology = 10,
  /** The `writeback` config field is writable. */
  BlkConfigWce = 11,
  BlkMq = 12,
  BlkDiscard = 13,
  BlkWriteZeroes = 14,
  /** Legacy only: interrupt when the available ring runs empty, even if suppressed. */
  NotifyOnEmpty = 24,
  AnyLayout = 27,
  RingIndirectDesc = 28,
  RingEventIdx = 29,
  Version1 = 32,
  RingReset = 40,
}

export const bit = (f: Feature): bigint => 1n << BigInt(f);

/** Split-ring descriptor flags (§2.7.5). */
export enum DescFlag { Next = 1, Write = 2, Indirect = 4 }
/** The driver's flag in the available ring: it does not want interrupts (§2.7.7). */
export const AVAIL_F_NO_INTERRUPT = 1;

/** InterruptStatus bits (§4.2.2). */
export enum InterruptBit { UsedBuffer = 1, ConfigChange = 2 }

/** virtio-mmio register offsets; the device's configuration space starts at Config. */
export enum MmioReg {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceId = 0x008,
  VendorId = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  /** Legacy only. */
  GuestPageSize = 0x028,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  /** Legacy only. */
  QueueAlign = 0x03c,
  /** Legacy only. */
  QueuePfn = 0x040,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptAck = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  ShmSel = 0x0ac,
  ShmLenLow = 0x0b0,
  ShmLenHigh = 0x0b4,
  ShmBaseLow = 0x0b8,
  ShmBaseHigh = 0x0bc,
  ConfigGeneration = 0x0fc,
  Config = 0x100,
}

/** "virt", little-endian. */
export const MMIO_MAGIC = 0x74726976;
/** QEMU's vendor id, "QEMU": guests see the same as under QEMU. */
export const VENDOR_QEMU = 0x554d4551;

/** Device ids (§5). */
export enum DeviceId { None = 0, Block = 2 }

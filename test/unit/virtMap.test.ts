// The address map is written once (src/emulator/board/virtMap.ts): the device tree describes
// the devices there, and docs/architecture.md's table says the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VIRT_MAP, VIRTIO_SLOTS, virtioSlot } from '../../src/emulator/board/virtMap.js';
import { MMIO_WINDOW } from '../../src/emulator/devices/virtio/mmio.js';
import { Machine } from '../../src/emulator/machine.js';

test('docs/architecture.md lists the address map as the code has it', () => {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z_0-9]+)` \| `(0x[0-9a-f]+)` \| `([^`]+)` \|\s*(\d*)\s*\|$/gm)]
    .map((m) => ({ name: m[1], base: Number(m[2]), size: m[3], irq: m[4] }));
  assert.deepEqual(rows, VIRT_MAP.map((r) => ({ name: r.name, base: r.base, size: r.size ? `0x${r.size.toString(16)}` : '--memory', irq: r.irq === undefined ? '' : String(r.irq) })));
});

test('the machine attaches each device where the map puts it', () => {
  const m = new Machine();
  const slots = Array.from({ length: VIRTIO_SLOTS }, (_, n) => virtioSlot(n));
  for (const d of m.bus.list()) {
    const slot = slots.find((x) => x.name === d.name);
    if (slot) {
      // A virtio-mmio transport answers the first 0x200 bytes of its slot, as QEMU's does.
      assert.equal(d.base, slot.base, d.name);
      assert.equal(d.size, MMIO_WINDOW, d.name);
      continue;
    }
    const r = VIRT_MAP.find((x) => x.name === d.name);
    assert.ok(r, `${d.name} is not in the map`);
    assert.equal(d.base, r.base, d.name);
    assert.equal(d.size, r.size, d.name);
  }
});

test('all eight virtio-mmio slots are attached, from the first slot of the map up', () => {
  const m = new Machine();
  assert.deepEqual(m.virtio.map((s) => s.base), Array.from({ length: VIRTIO_SLOTS }, (_, n) => VIRT_MAP.find((r) => r.name === 'virtio_mmio')!.base + n * 0x1000));
  assert.deepEqual(m.virtio.map((s) => s.name), m.bus.list().filter((d) => d.name.startsWith('virtio_mmio@')).map((d) => d.name));
});

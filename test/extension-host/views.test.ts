/// <reference types="mocha" />
// The data behind the Page Tables, Physical Frames, Heap and Processes views, read from the views
// themselves inside a real VS Code while Chronos OS stops at known points of its self-tests.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ChronosApi } from '../../src/extension/extension.js';
import type { FramesModel, Item } from '../../src/extension/memoryViews.js';
import { parseElf } from '../../src/emulator/loader/elf.js';
import { ELF, Stops, breakAt, chronos, cont, start, stopSessions } from './session.js';

let api: ChronosApi;
let stops: Stops;

suiteSetup(async () => {
  api = await chronos();
  stops = new Stops();
});
suiteTeardown(() => stops.dispose());

const rows = (items: Item[]): string[] => items.map((i) => `${i.label} ${i.description ?? ''}`);
const ones = (bits: string): number => bits.split('').filter((b) => b === '1').length;
const frames = (): FramesModel => {
  const m = api.views.frames.model;
  if ('message' in m) throw new Error(m.message);
  return m;
};
const freeBlocks = (): Item[] => api.views.heap.getChildren().filter((i) => /^0x/.test(i.label));

suite('memory views at Chronos OS breakpoints', () => {
  teardown(stopSessions);

  test('Page Tables: the kernel mappings with their flags, 2 MiB pages at level 1, and the flat ranges', async () => {
    await start({ runTo: 'run_self_tests' });
    await stops.next();
    const pt = api.views.pageTables;
    pt.flat = false;
    await pt.refresh();
    const top = pt.getChildren();
    assert.match(top[0].label, /^satp 0x80000000000[0-9a-f]{5}$/);
    assert.match(top[0].description ?? '', /^Sv39, root 0x[0-9a-f]+$/);
    // RAM sits under root entry 2 (0x80000000..0xc0000000).
    const ram = top.find((i) => i.label.startsWith('L2[2] 0x80000000'));
    assert.ok(ram, rows(top).join('\n'));
    assert.match(ram.description ?? '', /table @ 0x/);
    const l1 = ram.children ?? [];
    const huge = l1.filter((i) => / 2M → /.test(i.description ?? ''));
    assert.ok(huge.length > 10, `2 MiB leaves under L2[2]: ${rows(l1).join('\n')}`);
    for (const h of huge) {
      assert.match(h.label, /^L1\[\d+\] /);
      assert.match(h.description ?? '', /^VRW--G/);
      assert.equal(h.children, undefined);
    }
    // The kernel text, 0x80200000, is in 4 KiB pages under L1[1], readable and executable only.
    const textTable = l1.find((i) => i.label.startsWith('L1[1] 0x80200000'));
    assert.ok(textTable, rows(l1).join('\n'));
    const entry = textTable.children?.find((i) => i.label.startsWith('L0[0] 0x80200000'));
    assert.ok(entry, rows(textTable.children ?? []).join('\n'));
    assert.match(entry.description ?? '', /^VR-X-G.. 4K → 0x80200000$/);
    assert.equal(entry.memory, '0x80200000');
    // Selecting the entry opens its memory: the kernel's first instructions, as a dump.
    await vscode.commands.executeCommand('chronos.openMemory', entry.memory);
    const dump = vscode.window.activeTextEditor?.document;
    assert.equal(dump?.uri.scheme, 'chronos-memory');
    const elf = parseElf(readFileSync(ELF));
    const text = elf.segments.find((g) => g.vaddr === 0x80200000n)!;
    const first = elf.bytes.subarray(text.offset, text.offset + 16);
    const hex = [...first].map((b) => b.toString(16).padStart(2, '0'));
    assert.match(dump.getText(), new RegExp(`^0000000080200000  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  \\|`, 'm'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    pt.flat = true;
    await pt.refresh();
    const flat = pt.getChildren().slice(1);
    const textRange = flat.find((i) => i.label.startsWith('0x80200000–'));
    assert.ok(textRange, rows(flat).join('\n'));
    assert.match(textRange.description ?? '', /^VR-X-G.. → 0x80200000$/);
    assert.ok(flat.some((i) => /^VRW--G/.test(i.description ?? '') && Number(/(\d+) pages/.exec(i.tooltip ?? '')?.[1]) >= 512), 'a merged read-write range of at least one 2 MiB page');
    pt.flat = false;
  });

  test('Physical Frames: the three frames frames_alloc_free holds are marked, and shown as changed', async () => {
    breakAt('let before = FRAME_STATS.allocated.load(Ordering::Relaxed);');
    breakAt('check!(frames[0] != frames[1]');
    await start({});
    await stops.next();
    await api.views.frames.refresh();
    const before = frames();
    assert.equal(before.total, before.bitmap.length);
    assert.equal(ones(before.bitmap), before.allocated);
    assert.equal(before.free + before.allocated, before.total);
    await cont();
    await stops.next();
    await api.views.frames.refresh();
    const after = frames();
    assert.equal(after.allocated, before.allocated + 3);
    assert.equal(ones(after.bitmap), ones(before.bitmap) + 3);
    assert.equal(after.changed.length, 3, `changed cells ${after.changed.join(', ')}`);
    for (const i of after.changed) assert.equal(after.bitmap[i], '1');
  });

  test('Heap: freeing a and c leaves a hole; freeing b merges the list back', async () => {
    breakAt('let before = heap::stats();');
    breakAt('let split = heap::stats();');
    breakAt('let after = heap::stats();');
    await start({});
    const blocksAt = async (): Promise<{ blocks: string[]; summary: string }> => {
      await stops.next();
      await api.views.heap.refresh();
      const items = api.views.heap.getChildren();
      assert.ok(!items.some((i) => i.label.startsWith('⚠')), rows(items).join('\n'));
      return { blocks: rows(freeBlocks()), summary: items[0].label };
    };
    const before = await blocksAt();
    await cont();
    const split = await blocksAt();
    await cont();
    const merged = await blocksAt();
    assert.equal(split.blocks.length, before.blocks.length + 1, `before:\n${before.blocks.join('\n')}\nsplit:\n${split.blocks.join('\n')}`);
    assert.deepEqual(merged.blocks, before.blocks);
    assert.match(before.summary, /^free \d+ of 8388608 bytes$/);
  });
});

suite('the Processes view', () => {
  teardown(stopSessions);

  test('Chronos OS\'s processes from its descriptor; selecting one shows its address space', async () => {
    const src = join(ELF, '..', '..', '..', '..', 'src', 'syscall', 'process.rs');
    breakAt('Ok(task::with_current(|p| p.pid()) as usize)', src);
    await start({});
    await stops.next(120_000);
    const view = api.views.processes;
    await view.refresh();
    const items = view.getChildren();
    const init = items.find((i) => i.label === '1 init');
    assert.ok(init, rows(items).join('\n'));
    const running = items.filter((i) => / on hart 0$/.test(i.description ?? ''));
    assert.equal(running.length, 1, rows(items).join('\n'));
    assert.match(running[0].description!, /^running on hart 0$/);
    const initStack = init.children?.find((c) => c.label === 'call stack');
    assert.ok(initStack?.children?.some((f) => f.label.endsWith('waitpid')), rows(initStack?.children ?? []).join('\n'));
    const table = running[0].children?.find((c) => c.label === 'page table');
    assert.match(table?.description ?? '', /^0x8[0-9a-f]+000$/);
    await vscode.commands.executeCommand('chronos.showAddressSpace', table!.root);
    const pt = api.views.pageTables;
    assert.equal(pt.root, table!.root);
    await pt.refresh();
    assert.match(pt.getChildren()[0].description ?? '', new RegExp(`root ${table!.root}$`), rows(pt.getChildren()).join('\n'));
    // User space (root entry 1, 0x40000000..0x80000000) is mapped in a process's table.
    assert.ok(pt.getChildren().some((i) => i.label.startsWith('L2[1] 0x40000000')), rows(pt.getChildren()).join('\n'));
    await vscode.commands.executeCommand('chronos.showAddressSpace');
    assert.equal(pt.root, undefined);
    // "Stop only in this process": the breakpoint now carries $pid == its pid.
    assert.equal(running[0].pid, Number(running[0].label.split(' ')[0]));
    await vscode.commands.executeCommand('chronos.breakInProcess', running[0]);
    const bps = vscode.debug.breakpoints;
    assert.equal(bps.length, 1);
    assert.equal(bps[0].condition, `$pid == ${running[0].pid}`);
  });
});

suite('the demo kernel and the commands', () => {
  test('the commands are registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['chronos.refreshViews', 'chronos.togglePageTableMode', 'chronos.translateAddress', 'chronos.findFrame', 'chronos.openDemo', 'chronos.showAddressSpace', 'chronos.breakInProcess']) assert.ok(all.includes(c), c);
  });

  test('unpacking the demo gives a kernel, its sources and a launch configuration mapped onto them', function () {
    const ext = vscode.extensions.getExtension('chronos.chronos')!;
    assert.ok(existsSync(join(ext.extensionPath, 'dist', 'demo')), 'dist/demo is missing: node scripts/package.mjs adds it (npm test runs it)');
    const parent = mkdtempSync(join(tmpdir(), 'chronos-demo-'));
    const folder = api.unpackDemo(parent);
    assert.ok(existsSync(join(folder, 'chronos-kernel')));
    assert.ok(existsSync(join(folder, 'src', 'boot.rs')));
    const launch = JSON.parse(readFileSync(join(folder, '.vscode', 'launch.json'), 'utf8'));
    const cfg = launch.configurations[0];
    assert.equal(cfg.type, 'chronos');
    assert.equal(cfg.program, '${workspaceFolder}/chronos-kernel');
    assert.deepEqual(Object.values(cfg.sourceMap), ['${workspaceFolder}']);
    // Unpacking again refreshes the same folder rather than failing.
    assert.equal(api.unpackDemo(parent), folder);
  });
});

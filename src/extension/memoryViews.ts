// The views no other debugger has, in the Run and Debug sidebar: the SV39 page tables (a tree,
// or merged ranges like vmmap), the heap's free list, and the physical frame bitmap (a webview
// picture). Their data comes from the adapter's inspector requests, refreshed at every stop
// and on demand while the guest runs.
import * as vscode from 'vscode';
import { escapeHtml, page } from './webview.js';

import type { Mapping, PteNode } from '../debugger/inspectors/pageTables.js';
export type Item = {
  label: string; description?: string; tooltip?: string; children?: Item[]; memory?: string;
  /** A process's root page table: selecting the item shows that address space in Page Tables. */
  root?: string;
  /** A process's pid, for the commands on it (its context menu). */
  pid?: number;
  /** The bytes "Run Back to the Last Write" follows from this item (its context menu). */
  write?: WriteTarget;
};

/** chronos/lastWrite's arguments for bytes a view shows (docs/architecture.md, custom requests). */
export interface WriteTarget { address: string; size: number; physical: boolean; bit?: number; label: string }

export const session = (): vscode.DebugSession | undefined => {
  const s = vscode.debug.activeDebugSession;
  return s?.type === 'chronos' ? s : undefined;
};

export abstract class InspectorTree implements vscode.TreeDataProvider<Item> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  protected items: Item[] = [];

  /** Ask the adapter again and redraw. */
  async refresh(): Promise<void> {
    const s = session();
    try {
      this.items = s ? await this.load(s) : [{ label: 'No Chronos debug session' }];
    } catch (e) {
      this.items = [{ label: `Cannot read: ${(e as Error).message}` }];
    }
    this.changed.fire();
  }

  protected abstract load(s: vscode.DebugSession): Promise<Item[]>;

  getTreeItem(i: Item): vscode.TreeItem {
    const t = new vscode.TreeItem(i.label, i.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    t.description = i.description;
    t.tooltip = i.tooltip;
    if (i.memory) t.command = { command: 'chronos.openMemory', title: 'Open memory', arguments: [i.memory] };
    if (i.root) t.command = { command: 'chronos.showAddressSpace', title: 'Show its page tables', arguments: [i.root] };
    if (i.pid !== undefined) t.contextValue = 'chronos.process';
    if (i.write) t.contextValue = 'chronos.written';
    return t;
  }

  getChildren(i?: Item): Item[] { return i ? i.children ?? [] : this.items; }
}

export class PageTablesView extends InspectorTree {
  flat = false;
  /** A root table chosen in the Processes view; the focus hart's satp when none. */
  root: string | undefined;

  protected async load(s: vscode.DebugSession): Promise<Item[]> {
    const r = await s.customRequest('chronos/pageTables', this.root ? { root: this.root } : {});
    if (r.message) return [{ label: r.message }];
    const head: Item = { label: `satp ${r.satp}`, description: `${r.mode}, root ${r.root}` };
    if (this.flat) {
      return [head, ...(r.flat as Mapping[]).map((m) => ({
        label: `${m.vaStart}–${m.vaEnd}`, description: `${m.flags} → ${m.paStart}`, tooltip: `${m.pages} pages`, memory: m.vaStart,
      }))];
    }
    const toItem = (n: PteNode): Item => ({
      label: `L${n.level}[${n.index}] ${n.vaStart}–${n.vaEnd}`,
      description: n.leaf ? `${n.flags} ${n.size} → ${n.pa}` : `${n.flags} table @ ${n.pa}`,
      tooltip: `level ${n.level}, entry ${n.index}: ${n.leaf ? `${n.size} page` : 'next-level table'} at ${n.pa}`,
      children: n.children?.map(toItem),
      memory: n.leaf ? n.vaStart : undefined,
      write: { address: n.pteAddress, size: 8, physical: true, label: `the L${n.level}[${n.index}] entry for ${n.vaStart}` },
    });
    return [head, ...(r.tree as PteNode[]).map(toItem)];
  }
}

export class HeapView extends InspectorTree {
  protected async load(s: vscode.DebugSession): Promise<Item[]> {
    const r = await s.customRequest('chronos/heap');
    if (!r.available) return [{ label: r.message }];
    const items: Item[] = [
      { label: `free ${r.totalFree} of ${r.heapSize} bytes`, description: `used ${r.used}, ${r.blocks.length} free blocks` },
      { label: `largest free block ${r.largestFree}`, description: `fragmentation ${(r.fragmentation * 100).toFixed(1)}%` },
    ];
    if (r.damage) items.push({ label: `⚠ damaged free list: ${r.damage}` });
    for (const b of r.blocks as { address: string; size: number; next: string }[]) {
      // A free block's header: its size and next fields, what the allocator writes.
      items.push({ label: b.address, description: `${b.size} bytes → next ${b.next}`, memory: b.address, write: { address: b.address, size: 16, physical: true, label: `heap block ${b.address}` } });
    }
    return items;
  }
}

/** The frame bitmap as a picture: one cell per frame, changed cells marked since the last stop. */
/** What the Physical Frames picture shows at the latest refresh. */
export interface FramesModel { total: number; free: number; allocated: number; peak?: number; basePpn: string; bitmap: string; changed: number[]; damage?: string; bitmapAddress?: string }

/**
 * What a frame's last write is: the write that last changed its bit in the bitmap, for a kernel
 * that keeps one (Chronos OS); otherwise the frame's first 8 bytes, where a free-list kernel
 * (xv6) links a free frame into its list.
 */
export function frameWriteTarget(m: FramesModel, frame: number): WriteTarget {
  const ppn = BigInt(m.basePpn) + BigInt(frame);
  if (m.bitmapAddress) {
    return { address: `0x${(BigInt(m.bitmapAddress) + BigInt(frame >> 3)).toString(16)}`, size: 1, physical: true, bit: frame & 7, label: `frame ${frame} (PPN 0x${ppn.toString(16)})` };
  }
  return { address: `0x${(ppn << 12n).toString(16)}`, size: 8, physical: true, label: `frame ${frame} (PPN 0x${ppn.toString(16)})` };
}

export class FramesView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  /** The bitmap as read at the latest stop, and at the stop before it. */
  private atLastStop = '';
  private beforeLastStop = '';
  /** The latest picture's data, or the reason there is none. */
  model: FramesModel | { message: string } = { message: 'No Chronos debug session.' };

  /** Called with a frame the user asks to run back to the last write of (the page's button, or w). */
  constructor(private readonly runBack: (t: WriteTarget) => unknown = () => undefined) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true };
    view.webview.onDidReceiveMessage((msg: { type?: string; frame?: unknown }) => {
      if (msg?.type === 'lastWrite' && typeof msg.frame === 'number' && 'bitmap' in this.model && msg.frame >= 0 && msg.frame < this.model.bitmap.length) {
        this.runBack(frameWriteTarget(this.model, msg.frame));
      }
    });
    void this.refresh();
  }

  /**
   * Read the bitmap again. Cells are marked changed against the latest stop while the guest has
   * moved on from it, and against the stop before it otherwise, so that at a stop (and on any
   * refresh while stopped) the picture shows what the last run did.
   */
  async refresh(atStop = false): Promise<void> {
    const s = session();
    let body: string;
    let data = '{}';
    if (!s) { body = '<p>No Chronos debug session.</p>'; this.model = { message: 'No Chronos debug session.' }; }
    else {
      try {
        const r = await s.customRequest('chronos/frames');
        if (!r.available) { body = `<p>${escapeHtml(r.message)}</p>`; this.model = { message: r.message }; }
        else {
          const bits = r.bitmap as string;
          if (atStop) { this.beforeLastStop = this.atLastStop; this.atLastStop = bits; }
          const previous = bits === this.atLastStop ? this.beforeLastStop : this.atLastStop;
          const changed: number[] = [];
          if (previous.length === bits.length) for (let i = 0; i < bits.length; i++) if (bits[i] !== previous[i]) changed.push(i);
          this.model = { total: r.total, free: r.free, allocated: r.allocated, peak: r.peak, basePpn: r.basePpn, bitmap: bits, changed, damage: r.damage, bitmapAddress: r.bitmapAddress };
          // A kernel that keeps no peak (xv6) has none to show; a damaged free list is said first.
          body = `${r.damage ? `<p class="damage" role="alert">⚠ damaged free list: ${escapeHtml(r.damage)}</p>` : ''}<p class="totals" tabindex="0">total ${r.total} · free ${r.free} · allocated ${r.allocated}${r.peak === undefined ? '' : ` · peak ${r.peak}`}</p>
<canvas id="map" tabindex="0" aria-label="frame bitmap: arrow keys move between frames, n goes to the next changed one, w runs back to the last write of the frame"></canvas><p id="hover" aria-live="polite"></p>
<button id="lastWrite" disabled>Run back to the last write of the selected frame</button>`;
          data = JSON.stringify({ bits, changed, base: r.basePpn });
        }
      } catch (e) {
        body = `<p>Cannot read frames: ${escapeHtml((e as Error).message)}</p>`;
        this.model = { message: `Cannot read frames: ${(e as Error).message}` };
      }
    }
    if (!this.view) return;
    const script = `const d = ${data};
const c = document.getElementById('map');
if (c && d.bits) {
  const cell = 3, cols = Math.max(64, Math.floor((document.body.clientWidth - 8) / cell));
  c.width = cols * cell; c.height = Math.ceil(d.bits.length / cols) * cell;
  const g = c.getContext('2d'), css = getComputedStyle(document.body);
  const used = css.getPropertyValue('--vscode-charts-red') || '#c33', free = css.getPropertyValue('--vscode-charts-green') || '#3a3', changed = css.getPropertyValue('--vscode-charts-yellow') || '#cc3';
  const isChanged = new Set(d.changed);
  const colourOf = (i) => isChanged.has(i) ? changed : d.bits[i] === '1' ? used : free;
  const paint = (i, colour) => { g.fillStyle = colour; g.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - 1, cell - 1); };
  for (let i = 0; i < d.bits.length; i++) paint(i, colourOf(i));
  const describe = (i) => {
    const ppn = BigInt(d.base) + BigInt(i);
    document.getElementById('hover').textContent = 'frame ' + i + ': PPN 0x' + ppn.toString(16) + ' at 0x' + (ppn << 12n).toString(16)
      + (d.bits[i] === '1' ? ' allocated' : ' free') + (isChanged.has(i) ? ', changed since the previous stop' : '');
  };
  c.addEventListener('mousemove', (e) => {
    const i = Math.floor(e.offsetY / cell) * cols + Math.floor(e.offsetX / cell);
    if (i < d.bits.length) describe(i);
  });
  // A frame chosen (clicked, or the keyboard's cursor): the button runs back to its last write.
  const vscode = acquireVsCodeApi(), button = document.getElementById('lastWrite');
  const runBack = () => { if (cursor >= 0) vscode.postMessage({ type: 'lastWrite', frame: cursor }); };
  button.addEventListener('click', runBack);
  c.addEventListener('click', (e) => {
    const i = Math.floor(e.offsetY / cell) * cols + Math.floor(e.offsetX / cell);
    if (i < d.bits.length) move(i);
  });
  // Keyboard: arrows move a cursor cell by cell or row by row, Home/End jump, and n jumps to the
  // next changed frame; the description is read out through the live region.
  let cursor = -1;
  const outline = css.getPropertyValue('--vscode-focusBorder') || '#08f';
  const move = (i) => {
    if (cursor >= 0) paint(cursor, colourOf(cursor));
    cursor = Math.max(0, Math.min(d.bits.length - 1, i));
    paint(cursor, outline);
    describe(cursor);
    button.disabled = false;
    button.textContent = 'Run back to the last write of frame ' + cursor;
  };
  c.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols }[e.key];
    if (step !== undefined) move(Math.max(cursor, 0) + (cursor < 0 ? 0 : step));
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(d.bits.length - 1);
    else if (e.key === 'n' && d.changed.length) move(d.changed.find((i) => i > cursor) ?? d.changed[0]);
    else if (e.key === 'w') runBack();
    else return;
    e.preventDefault();
  });
}`;
    const style = 'body{color:var(--vscode-foreground);font-family:var(--vscode-font-family)} canvas{image-rendering:pixelated}'
      + ' button{color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:none;padding:4px 8px;font-family:inherit}'
      + ' button:hover{background:var(--vscode-button-hoverBackground)} button:disabled{opacity:.5}';
    this.view.webview.html = page(this.view.webview, 'Physical Frames', body, script, style);
  }
}

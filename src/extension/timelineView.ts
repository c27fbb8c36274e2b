// The Timeline (a webview in the panel): free frames and heap in use over the run, with markers
// for traps, system calls, context switches, panics and breakpoint hits, the recorded window and
// the machine's position. Clicking a point, or Enter on it, travels there (chronos/goto). The
// data is chronos/timeline's; the page draws it as SVG in the editor's theme colours.
import * as vscode from 'vscode';
import { escapeHtml, page } from './webview.js';
import { session } from './memoryViews.js';

/** What the picture shows at the latest refresh (for the extension-host tests). */
export interface TimelineModel {
  from: number; to: number; position: number; first?: number; last?: number;
  samples: { at: number; freeFrames?: number; heapUsed?: number }[];
  markers: { at: number; kind: string; hart: number; text: string }[];
  counts: Record<string, number>;
  totalFrames?: number; heapSize?: number; framesNote?: string; heapNote?: string;
}

/** How many points the page asks for: about one per two pixels of a wide panel. */
const POINTS = 800;

export class TimelineView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  model: TimelineModel | { message: string } = { message: 'No Chronos debug session.' };
  /** Where the last travel went, and what it answered (for tests and the page's status line). */
  lastTravel: { at: number; error?: string } | undefined;

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true };
    view.webview.onDidReceiveMessage((m: { type?: string; at?: unknown }) => {
      if (m?.type === 'goto' && typeof m.at === 'number' && Number.isSafeInteger(m.at)) void this.travel(m.at);
    });
    view.onDidChangeVisibility(() => { if (view.visible) void this.refresh(); });
    void this.refresh();
  }

  /** Go to a position (a click on the timeline, or the command). */
  async travel(at: number): Promise<void> {
    const s = session();
    if (!s) return;
    try {
      await s.customRequest('chronos/goto', { instruction: at });
      this.lastTravel = { at };
    } catch (e) {
      this.lastTravel = { at, error: (e as Error).message };
      void vscode.window.showWarningMessage(`Chronos: cannot travel to instruction ${at}: ${(e as Error).message}`);
    }
  }

  async refresh(): Promise<void> {
    const s = session();
    if (!s) this.model = { message: 'No Chronos debug session.' };
    else {
      try {
        const r = await s.customRequest('chronos/timeline', { points: POINTS });
        this.model = {
          from: r.from, to: r.to, position: r.position, first: r.history?.first, last: r.history?.last,
          samples: r.samples, markers: r.markers, counts: r.counts,
          totalFrames: r.totalFrames, heapSize: r.heapSize, framesNote: r.framesNote, heapNote: r.heapNote,
        };
      } catch (e) {
        this.model = { message: `Cannot read the timeline: ${(e as Error).message}` };
      }
    }
    this.render();
  }

  private render(): void {
    if (!this.view) return;
    const m = this.model;
    if ('message' in m) {
      this.view.webview.html = page(this.view.webview, 'Timeline', `<p>${escapeHtml(m.message)}</p>`, '', STYLE);
      return;
    }
    const travel = m.first === undefined ? 'recording is off: the timeline cannot travel' : `recorded window: instructions ${m.first} to ${m.last}`;
    const notes = [m.framesNote && `free frames: ${m.framesNote}`, m.heapNote && `heap: ${m.heapNote}`].filter(Boolean).map((n) => `<p class="note">${escapeHtml(String(n))}</p>`).join('');
    const counts = Object.entries(m.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${(n === 1 ? ONE[k] : LABELS[k]) ?? k}`).join(' · ');
    // Each line spans the plot's height between its own least and greatest value (a few frames
    // in thirty thousand would be a flat line at the top otherwise); the legend says the range.
    const range = (key: 'freeFrames' | 'heapUsed'): string => {
      const v = m.samples.flatMap((p) => (p[key] === undefined ? [] : [p[key]!]));
      return v.length ? ` ${Math.min(...v)}–${Math.max(...v)}` : '';
    };
    const body = `<p class="head" id="head">position ${m.position} · ${escapeHtml(travel)}</p>${notes}
<div class="legend"><span class="frames">━ free frames${range('freeFrames')}${m.totalFrames ? ` of ${m.totalFrames}` : ''}</span> <span class="heap">━ heap bytes in use${range('heapUsed')}${m.heapSize ? ` of ${m.heapSize}` : ''}</span> <span>${escapeHtml(counts)}</span></div>
<svg id="plot" role="slider" tabindex="0" aria-label="timeline: arrow keys move between samples, Page Up and Page Down between markers, Enter travels there" aria-valuemin="${m.from}" aria-valuemax="${m.to}" aria-valuenow="${m.position}"></svg>
<p id="cursor" aria-live="polite"></p>`;
    const data = JSON.stringify({ ...m, labels: LABELS });
    this.view.webview.html = page(this.view.webview, 'Timeline', body, script(data), STYLE);
  }
}

const LABELS: Record<string, string> = {
  interrupt: 'interrupts', exception: 'exceptions', syscall: 'system calls', sbi: 'SBI calls',
  switch: 'context switches', panic: 'panics', breakpoint: 'breakpoint hits',
};

const ONE: Record<string, string> = {
  interrupt: 'interrupt', exception: 'exception', syscall: 'system call', sbi: 'SBI call',
  switch: 'context switch', panic: 'panic', breakpoint: 'breakpoint hit',
};

const STYLE = `body{color:var(--vscode-foreground);font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);margin:0 8px}
p{margin:4px 0} .note{color:var(--vscode-descriptionForeground)}
.legend{display:flex;gap:16px;flex-wrap:wrap;color:var(--vscode-descriptionForeground)}
.legend .frames{color:var(--vscode-charts-green)} .legend .heap{color:var(--vscode-charts-blue)}
svg{width:100%;height:170px;display:block;cursor:crosshair}
svg:focus{outline:1px solid var(--vscode-focusBorder)}
.window{fill:var(--vscode-editor-selectionBackground);opacity:.35}
.axis{stroke:var(--vscode-panel-border,#888);stroke-width:1}
.frames-line{fill:none;stroke:var(--vscode-charts-green);stroke-width:1.5}
.heap-line{fill:none;stroke:var(--vscode-charts-blue);stroke-width:1.5}
.now{stroke:var(--vscode-charts-orange);stroke-width:2}
.cursor{stroke:var(--vscode-focusBorder);stroke-width:1;stroke-dasharray:3 2}
.m-interrupt{stroke:var(--vscode-charts-foreground)} .m-exception{stroke:var(--vscode-charts-yellow)}
.m-syscall{stroke:var(--vscode-charts-purple)} .m-sbi{stroke:var(--vscode-descriptionForeground)}
.m-switch{stroke:var(--vscode-charts-orange)} .m-panic{stroke:var(--vscode-charts-red);stroke-width:3}
.m-breakpoint{stroke:var(--vscode-debugIcon-breakpointForeground,var(--vscode-charts-red));stroke-width:2}
.rowlabel{fill:var(--vscode-descriptionForeground);font-size:9px}`;

/** The page's script: draws the plot and turns clicks and keys into travel requests. */
function script(data: string): string {
  return `const d = ${data};
const vscode = acquireVsCodeApi();
const svg = document.getElementById('plot'), out = document.getElementById('cursor');
const NS = 'http://www.w3.org/2000/svg';
const W = Math.max(200, svg.clientWidth || 600), H = 170, PLOT = 110, ROWS = ['interrupt', 'exception', 'syscall', 'sbi', 'switch', 'breakpoint', 'panic'];
svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
const span = Math.max(1, d.to - d.from);
const x = (at) => ((at - d.from) / span) * (W - 2) + 1;
const atOf = (px) => Math.round(d.from + Math.min(1, Math.max(0, (px - 1) / (W - 2))) * span);
const el = (name, attrs) => { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); svg.appendChild(e); return e; };
if (d.first !== undefined) el('rect', { class: 'window', x: x(d.first), y: 0, width: Math.max(1, x(d.last) - x(d.first)), height: H });
el('line', { class: 'axis', x1: 0, x2: W, y1: PLOT, y2: PLOT });
const series = (key, cls) => {
  const pts = d.samples.filter((s) => s[key] !== undefined);
  if (!pts.length) return;
  let lo = Math.min(...pts.map((s) => s[key])), hi = Math.max(...pts.map((s) => s[key]));
  if (lo === hi) { lo -= 1; hi += 1; }
  const y = (v) => PLOT - 4 - ((v - lo) / (hi - lo)) * (PLOT - 10);
  // A value holds until the next sample: steps, not slopes.
  const path = pts.map((s, i) => (i ? x(s.at).toFixed(1) + ',' + y(pts[i - 1][key]).toFixed(1) + ' ' : '') + x(s.at).toFixed(1) + ',' + y(s[key]).toFixed(1));
  el('polyline', { class: cls, points: path.join(' ') });
};
series('freeFrames', 'frames-line');
series('heapUsed', 'heap-line');
const rowH = (H - PLOT - 4) / ROWS.length;
for (const m of d.markers) {
  const r = ROWS.indexOf(m.kind), y0 = PLOT + 2 + Math.max(0, r) * rowH;
  el('line', { class: 'm-' + m.kind, x1: x(m.at), x2: x(m.at), y1: y0, y2: y0 + rowH - 1 });
}
el('line', { class: 'now', x1: x(d.position), x2: x(d.position), y1: 0, y2: H });
const cursorLine = el('line', { class: 'cursor', x1: -10, x2: -10, y1: 0, y2: H });
// The cursor: a position, what was sampled there, and the markers near it.
const points = [...new Set([...d.samples.map((s) => s.at), ...d.markers.map((m) => m.at)])].filter((a) => d.first === undefined || (a >= d.first && a <= d.last)).sort((a, b) => a - b);
const markerAts = [...new Set(d.markers.map((m) => m.at))].sort((a, b) => a - b);
let cursor = d.position;
const describe = (at) => {
  let s = null;
  for (const t of d.samples) { if (t.at <= at) s = t; else break; }
  const near = d.markers.filter((m) => Math.abs(x(m.at) - x(at)) < 2).slice(0, 3).map((m) => m.text);
  const inWindow = d.first !== undefined && at >= d.first && at <= d.last;
  return 'instruction ' + at + (s && s.freeFrames !== undefined ? ' · free frames ' + s.freeFrames : '') + (s && s.heapUsed !== undefined ? ' · heap in use ' + s.heapUsed : '')
    + (near.length ? ' · ' + near.join('; ') : '') + (inWindow ? '' : ' · outside the recorded window');
};
const show = (at) => {
  cursor = at;
  cursorLine.setAttribute('x1', x(at)); cursorLine.setAttribute('x2', x(at));
  svg.setAttribute('aria-valuenow', String(at));
  svg.setAttribute('aria-valuetext', describe(at));
  out.textContent = describe(at);
};
const go = (at) => { show(at); vscode.postMessage({ type: 'goto', at }); };
svg.addEventListener('mousemove', (e) => show(atOf(e.offsetX * W / svg.clientWidth)));
svg.addEventListener('click', (e) => go(atOf(e.offsetX * W / svg.clientWidth)));
const nearest = (list, at, dir) => dir > 0 ? list.find((a) => a > at) : [...list].reverse().find((a) => a < at);
svg.addEventListener('keydown', (e) => {
  let to;
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') to = nearest(points, cursor, e.key === 'ArrowRight' ? 1 : -1);
  else if (e.key === 'PageDown' || e.key === 'PageUp') to = nearest(markerAts, cursor, e.key === 'PageDown' ? 1 : -1);
  else if (e.key === 'Home') to = points[0];
  else if (e.key === 'End') to = points[points.length - 1];
  else if (e.key === 'Enter' || e.key === ' ') { go(cursor); e.preventDefault(); return; }
  else return;
  e.preventDefault();
  if (to !== undefined) show(to);
});
show(d.position);`;
}

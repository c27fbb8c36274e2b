// The document outline: each section (.text, .section .bss.stack...) with the labels,
// constants and macros defined in it, labels marked global when a .globl names them.
import type { Analysis } from './analysis.js';
import type { Span } from './parser.js';

export interface OutlineItem {
  name: string;
  kind: 'section' | 'function' | 'label' | 'constant' | 'macro';
  detail?: string;
  /** The whole extent (for a section, up to the next section). */
  range: { startLine: number; endLine: number };
  selection: Span;
  children: OutlineItem[];
}

export function outline(a: Analysis): OutlineItem[] {
  const { symbols, doc } = a;
  const lastLine = Math.max(0, doc.lines.length - 1);
  const sections: OutlineItem[] = symbols.sections.map((s, i) => ({
    name: s.name, kind: 'section', range: { startLine: s.line, endLine: (symbols.sections[i + 1]?.line ?? lastLine + 1) - 1 },
    selection: s, children: [],
  }));
  const top: OutlineItem[] = [];
  for (const d of [...symbols.definitions].sort((x, y) => x.line - y.line || x.start - y.start)) {
    if (d.kind === 'local') continue;
    const global = symbols.globals.has(d.name);
    const kind: OutlineItem['kind'] = d.kind === 'label' ? (global ? 'function' : 'label') : d.kind === 'macro' ? 'macro' : 'constant';
    const item: OutlineItem = { name: d.name, kind, detail: global ? '.globl' : undefined, range: { startLine: d.line, endLine: d.line }, selection: d, children: [] };
    const home = [...sections].reverse().find((s) => s.range.startLine <= d.line);
    (home ? home.children : top).push(item);
  }
  // A label's extent runs to the next label in its section, so the outline follows the cursor.
  for (const s of sections) {
    s.children.forEach((c, i) => { c.range.endLine = Math.max(c.range.startLine, (s.children[i + 1]?.range.startLine ?? s.range.endLine + 1) - 1); });
  }
  return [...top, ...sections];
}

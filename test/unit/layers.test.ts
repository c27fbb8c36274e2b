// The layers' one direction (docs/architecture.md §1): extension → debugger → emulator. The
// emulator imports nothing outside its own folder (no Node, no packages: it runs in a browser);
// the debugger never imports VS Code or the extension; the language server reads the
// emulator's tables only. Checked over every import in src/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static, dynamic and type-only), as written. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/** The layer a module belongs to: a folder of src/, or 'package' / 'node' for the rest. */
function layerOf(from: string, spec: string): string {
  if (spec.startsWith('node:')) return 'node';
  if (!spec.startsWith('.')) return spec === 'vscode' ? 'vscode' : 'package';
  const target = relative(SRC, resolve(dirname(from), spec));
  return target.startsWith('..') ? 'outside' : target.split('/')[0];
}

const ALLOWED: Record<string, (layer: string, file: string) => boolean> = {
  emulator: (l) => l === 'emulator',
  debugger: (l) => ['emulator', 'debugger', 'node', 'package'].includes(l),
  cli: (l) => ['emulator', 'debugger', 'cli', 'node', 'package'].includes(l),
  // The language client is the one piece of the language folder that runs in the extension host.
  language: (l, f) => ['emulator', 'language', 'node', 'package'].includes(l) || (l === 'vscode' && f.endsWith('/client.ts')),
  extension: (l) => l !== 'outside' && l !== 'cli',
};

test('every import in src/ points down the layers', () => {
  const wrong: string[] = [];
  const all = files(SRC);
  assert.ok(all.length > 80, `only ${all.length} files found under src/`);
  for (const f of all) {
    const own = relative(SRC, f).split('/')[0];
    const rule = ALLOWED[own];
    if (!rule) { wrong.push(`${relative(SRC, f)}: in a folder the layering rules do not know`); continue; }
    for (const spec of imports(f)) {
      const layer = layerOf(f, spec);
      if (!rule(layer, f)) wrong.push(`${relative(SRC, f)} imports ${spec} (${layer})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the import scanner sees what it must refuse', () => {
  // A check that cannot fail is no check: the rules reject what they exist to reject.
  assert.equal(ALLOWED.emulator(layerOf(join(SRC, 'emulator/x.ts'), 'node:fs'), ''), false);
  assert.equal(ALLOWED.emulator(layerOf(join(SRC, 'emulator/x.ts'), '../debugger/session.js'), ''), false);
  assert.equal(ALLOWED.debugger(layerOf(join(SRC, 'debugger/x.ts'), 'vscode'), ''), false);
  assert.equal(ALLOWED.debugger(layerOf(join(SRC, 'debugger/x.ts'), '../extension/extension.js'), ''), false);
  assert.ok(imports(join(SRC, 'debugger/session.ts')).includes('@vscode/debugadapter'));
});

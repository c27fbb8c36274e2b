// Runs the test suites with Node's test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs              every suite
//   node scripts/run-tests.mjs test/isa     only the files under the given folders
// Test files are *.test.ts and *.test.mjs; suites run one after another in the order below so
// that the cheap ones fail first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ORDER = ['test/unit', 'test/isa', 'test/loader', 'test/disasm', 'test/diff', 'test/priv', 'test/kernel', 'test/linux',
  'test/language', 'test/dap', 'test/extension', 'test/e2e'];

// Mocha suites that run inside VS Code's extension host (test/extension/exthost.test.ts starts them).
const NOT_NODE = ['test/extension-host'];

function findTests(dir) {
  if (!existsSync(dir) || NOT_NODE.includes(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.(ts|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.length ? args : [...ORDER, ...readdirSync('test').map((d) => join('test', d)).filter((d) => !ORDER.includes(d) && statSync(d).isDirectory())];
const files = roots.flatMap(findTests);
if (files.length === 0) {
  console.error(`run-tests: no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

// Runs the extension-host suites (test/extension-host, Mocha inside VS Code's extension host,
// the @vscode/test-electron layout) in a real VS Code: code-server, with this repository as the
// extension under development, opened in headless Chromium so that the extension host starts.
// Each Mocha test becomes a subtest here. (`npm run test:electron` runs the same suites under
// @vscode/test-electron where a desktop VS Code can be downloaded.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, codeServerInstalled, freePort, makeProfile, startServer } from '../../scripts/codeServer.js';
import { haveChromium, launchBrowser } from '../e2e/workbench.js';

const SUITE = join(ROOT, 'dist/test/extensionHost/index.js');
const ELF = join(ROOT, 'kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const missing = [
  [codeServerInstalled(), 'code-server is not installed (scripts/setup.sh --e2e)'],
  [haveChromium(), 'chromium is not installed (scripts/setup.sh --e2e)'],
  [existsSync(SUITE), 'the extension-host suites are not built (npm run build)'],
  [existsSync(ELF), 'the kernel is not built (npm run build:kernel)'],
].find(([ok]) => !ok);
// CI installs all of these (npm test runs scripts/setup.sh --e2e): a missing one fails the suite.
if (missing) throw new Error(String(missing[1]));

interface MochaTest { title: string; fullTitle: string; duration?: number; err: { message?: string; stack?: string } }
interface MochaReport { stats: { tests: number; passes: number; failures: number; pending: number }; tests: MochaTest[]; pending: MochaTest[] }

test('the extension-host suites pass inside VS Code', { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'chronos-exthost-'));
  const results = join(dir, 'results.json');
  const server = await startServer(makeProfile(dir), { port: await freePort(), env: { CHRONOS_EXTHOST_RESULTS: results } });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const remote = (p: string): string => `vscode-remote://${new URL(server.url).host}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(SUITE)]]);
    await page.goto(`${server.url}?folder=${encodeURIComponent(join(ROOT, 'kernel'))}&payload=${encodeURIComponent(payload)}`);
    const deadline = Date.now() + 540_000;
    while (!existsSync(results)) {
      if (Date.now() > deadline) assert.fail(`no results from the extension host; code-server said:\n${server.log().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 500)); // Mocha writes the report in one go; let it land
    const report = JSON.parse(readFileSync(results, 'utf8')) as MochaReport;
    assert.ok(report.stats.tests >= 5, `only ${report.stats.tests} tests ran`);
    for (const m of report.tests) {
      await t.test(m.fullTitle, () => {
        if (m.err && m.err.message) assert.fail(`${m.err.message}\n${m.err.stack ?? ''}`);
      });
    }
    assert.equal(report.stats.failures, 0);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

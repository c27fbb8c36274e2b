// The emulator in a web page: dist/emulator.browser.js, loaded by Chromium from a local server,
// boots Chronos OS under the built-in SBI and must print and count exactly what it does in
// Node: the emulator depends on nothing from Node, and the same machine runs in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Machine } from '../../src/emulator/machine.js';
import { haveChromium, launchBrowser } from './workbench.js';

const BUNDLE = resolve('dist/emulator.browser.js');
const KERNEL = resolve('kernel/target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const missing = !haveChromium() ? 'chromium is not installed (scripts/setup.sh --e2e)'
  : !existsSync(BUNDLE) ? 'dist/emulator.browser.js is not built (npm run build)'
    : !existsSync(KERNEL) ? 'the kernel is not built (npm run build:kernel)' : false;
// CI installs and builds all of these (npm test): a missing one fails the suite.
if (missing) throw new Error(missing);

// The page allows eval (the block compiler needs it) and nothing from elsewhere.
const PAGE = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-eval'">
<title>Chronos in a page</title><pre id="out"></pre><script type="module" src="/boot.js"></script>`;
const BOOT = `import { Machine } from '/emulator.js';
const bytes = new Uint8Array(await (await fetch('/kernel.elf')).arrayBuffer());
const m = new Machine({ bios: 'builtin' });
m.loadElf(bytes);
m.boot();
let output = '';
m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
const r = m.run(100_000_000);
document.getElementById('out').textContent = output;
window.chronosResult = { output, stop: r.kind === 'exit' ? r.status : r.kind, instret: m.instret };`;

function inNode(): { output: string; stop: number | string; instret: number } {
  const m = new Machine({ bios: 'builtin' });
  m.loadElf(readFileSync(KERNEL));
  m.boot();
  let output = '';
  m.onUartOutput.event((b) => { output += String.fromCharCode(b); });
  const r = m.run(100_000_000);
  return { output, stop: r.kind === 'exit' ? r.status : r.kind, instret: m.instret };
}

test('Chronos OS boots in a web page exactly as in Node', { timeout: 120_000 }, async () => {
  const files: Record<string, [string, Buffer | string]> = {
    '/': ['text/html', PAGE], '/boot.js': ['text/javascript', BOOT],
    '/emulator.js': ['text/javascript', readFileSync(BUNDLE)], '/kernel.elf': ['application/octet-stream', readFileSync(KERNEL)],
  };
  const server = createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (!f) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const handle = await page.waitForFunction(() => (globalThis as unknown as { chronosResult?: unknown }).chronosResult, undefined, { timeout: 90_000 })
      .catch((e: Error) => { throw new Error(`${e.message}; page errors: ${errors.join('; ')}`); });
    const web = await handle.jsonValue() as ReturnType<typeof inNode>;
    const node = inNode();
    assert.match(web.output, /ktest: \d+ passed, 0 failed/);
    assert.equal(web.stop, 0);
    assert.equal(web.output, node.output);
    assert.equal(web.instret, node.instret);
    assert.match(await page.locator('#out').innerText(), /Chronos OS v0\.2/);
  } finally {
    await browser.close();
    server.close();
  }
});

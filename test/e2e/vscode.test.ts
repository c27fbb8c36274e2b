// Chronos in a real VS Code: code-server with the packaged .vsix installed, driven in Chromium
// as a user would drive it. A breakpoint set by clicking the gutter of a kernel source file,
// F5, the stop at that line, a step, registers in the Variables view, the Disassembly view, the
// Page Tables, Physical Frames and Heap views, and the kernel's shell in the UART terminal; then
// time travel: the Step Back and Reverse buttons, the Physical Frames view showing the past, and
// a click on the Memory Timeline. Screenshots go to test-results/ (and, with
// CHRONOS_README_SHOTS=1, the README's pictures to docs/images/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, codeServerInstalled, freePort, installExtension, makeProfile, startServer, vsixPath, type Server } from '../../scripts/codeServer.js';
import { Workbench, haveChromium, launchBrowser } from './workbench.js';

const VSIX = vsixPath();
const KERNEL = join(ROOT, 'kernel');
const ELF = join(KERNEL, 'target/riscv64gc-unknown-none-elf/release/chronos-kernel');
const BREAK_AT = 'let mut v: Vec<i32> = Vec::new();';
const BREAK_LINE = readFileSync(join(KERNEL, 'src/boot.rs'), 'utf8').split('\n').findIndex((l) => l.includes(BREAK_AT)) + 1;
/** A user program's line (utest's summary) and the launch configuration that gives utest's symbols. */
const UTEST_AT = 'println!("utest: {} passed, {} failed"';
const UTEST_LINE = readFileSync(join(KERNEL, 'user/src/bin/utest.rs'), 'utf8').split('\n').findIndex((l) => l.includes(UTEST_AT)) + 1;
const USER_CONFIG = 'Chronos OS: utest at source level';

const missing = [
  [codeServerInstalled(), 'code-server is not installed (scripts/setup.sh --e2e)'],
  [haveChromium(), 'chromium is not installed (scripts/setup.sh --e2e)'],
  [existsSync(VSIX), `${VSIX} is missing (npm run package)`],
  [existsSync(ELF), 'the kernel is not built (npm run build:kernel)'],
].find(([ok]) => !ok);
// CI installs all of these (npm test runs scripts/setup.sh --e2e): a missing one fails the suite.
if (missing) throw new Error(String(missing[1]));

let allocatedAtBreakpoint = -1;
let dir: string, server: Server, browser: Browser, page: Page, wb: Workbench;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chronos-e2e-'));
  // The DOM renderer keeps the terminal's text in the page, where the test can read it.
  const profile = makeProfile(dir, { 'terminal.integrated.gpuAcceleration': 'off' });
  installExtension(profile, VSIX);
  server = await startServer(profile, { port: await freePort() });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  wb = new Workbench(page);
  await wb.open(`${server.url}?folder=${KERNEL}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const text = async (selector: string): Promise<string> => (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');

async function waitForText(selector: string, pattern: RegExp, what: string, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await page.locator(selector).first().innerText().catch(() => '')).replace(/\s+/g, ' ');
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) {
      await wb.screenshot(`failed-${what.replace(/\W+/g, '-')}`);
      throw new Error(`${what}: ${pattern} not found in ${JSON.stringify(last.slice(0, 2000))}`);
    }
    await page.waitForTimeout(200);
  }
}

async function waitForFrames(frame: ReturnType<Page['frameLocator']>, allocated: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let totals = '';
  while (Date.now() < deadline) {
    totals = await frame.locator('.totals').innerText().catch(() => '');
    if (totals.includes(`allocated ${allocated} `)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`the Physical Frames view says ${JSON.stringify(totals)}, not ${allocated} allocated`);
}

test('a gutter breakpoint in a kernel source file: F5 runs to rust_main, then on to the breakpoint', { timeout: 180_000 }, async () => {
  assert.ok(BREAK_LINE > 0);
  await wb.openFile('src/boot.rs');
  await wb.goToLine(BREAK_LINE);
  await wb.clickGutter(BREAK_AT);
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor();
  await wb.screenshot('01-breakpoint-set');

  await page.keyboard.press('F5');
  // The launch configuration's runTo stops in rust_main first, in main.rs.
  await waitForText('.debug-call-stack', /rust_main/, 'the stop in rust_main', 60_000);
  await page.locator('.tab.active[aria-label*="main.rs"]').waitFor({ timeout: 30_000 });
  await page.keyboard.press('F5');
  await waitForText('.debug-call-stack', /heap_vec[\s\S]*run_self_tests[\s\S]*rust_main/, 'the stop at the breakpoint', 60_000);
  await page.locator('.tab.active[aria-label*="boot.rs"]').waitFor();
  await wb.cursorAt(BREAK_LINE);
  await waitForText('.pane-header:has-text("Call Stack")', /Paused on breakpoint/i, 'the Call Stack header');
  await wb.screenshot('02-stopped-at-breakpoint');
});

test('step over moves to the next line of the function', { timeout: 60_000 }, async () => {
  await page.keyboard.press('F10');
  await wb.cursorAt(BREAK_LINE + 1, 30_000);
  await waitForText('.debug-call-stack', /heap_vec/, 'the call stack after the step');
});

test('the Variables view shows the Rust locals, the registers and decoded CSRs', { timeout: 60_000 }, async () => {
  // After `let mut v = Vec::new()`, the Locals scope (expanded first) shows v as an empty Vec.
  await waitForText('.debug-variables', /Locals v = len 0 Registers/, 'locals');
  await wb.screenshot('02-locals-after-step');
  await page.locator('.debug-variables .monaco-list-row', { hasText: 'Registers' }).first().click();
  const vars = await waitForText('.debug-variables', /pc = 0x802[0-9a-f]{5}\b/, 'registers');
  assert.match(vars, /sp = 0x[0-9a-f]+/);
  assert.match(vars, /privilege = S/);
});

test('the Step Back button returns to the breakpoint\'s line, in the past; stepping forward again gives the same Locals', { timeout: 60_000 }, async () => {
  await page.locator('.action-label[aria-label^="Step Back"]').first().click();
  await wb.cursorAt(BREAK_LINE, 30_000);
  await waitForText('.statusbar', /in the past: \d+ of \d+/, 'the status bar in the past');
  await page.keyboard.press('F10');
  await wb.cursorAt(BREAK_LINE + 1, 30_000);
  await waitForText('.debug-variables', /Locals v = len 0 Registers/, 'the same locals after replaying');
});

test('the Reverse button runs back to the breakpoint\'s hit, a step earlier', { timeout: 60_000 }, async () => {
  await page.locator('.action-label[aria-label^="Reverse"]').first().click();
  await wb.cursorAt(BREAK_LINE, 30_000);
  await waitForText('.pane-header:has-text("Call Stack")', /Paused on breakpoint/i, 'the Call Stack header');
  // The editor's cursor can move before the Call Stack view has refilled its rows.
  await waitForText('.debug-call-stack', /heap_vec/, 'the call stack after reverse continue');
  await waitForText('.statusbar', /in the past: \d+ of \d+/, 'the status bar in the past');
});

test('the Disassembly view lists the instructions around the pc', { timeout: 60_000 }, async () => {
  await wb.command('Open Disassembly View');
  const listing = await waitForText('.disassembly-view', /(addi|auipc|jal|ld|sd)\s/, 'disassembly');
  assert.match(listing, /0x802[0-9a-f]{5}/);
  await wb.screenshot('03-disassembly');
  await page.locator('.tab.active[aria-label*="Disassembly"] .codicon-close').click();
});

test('the Page Tables, Physical Frames and Heap views show the machine', { timeout: 90_000 }, async () => {
  for (const section of ['Variables', 'Watch', 'Breakpoints', 'Call Stack']) await wb.collapseSection(section);
  await wb.widenSideBar(700);
  const tables = await wb.viewSection('Page Tables');
  await tables.locator('.monaco-list-row').first().waitFor();
  assert.match(await tables.innerText(), /satp 0x8000000000080[0-9a-f]{3}/);
  // The kernel maps itself with 4 KiB pages inside the first gigabyte of its window: open the
  // first root entry and look for a leaf with read and execute.
  const row = tables.locator('.monaco-list-row', { hasText: 'L2[' }).first();
  await row.click();
  await page.keyboard.press('ArrowRight');
  await tables.locator('.monaco-list-row', { hasText: 'L1[' }).first().waitFor();
  assert.match(await tables.innerText(), /table @ 0x/);

  const frames = await wb.viewSection('Physical Frames');
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  const totals = await frame.locator('.totals').innerText({ timeout: 30_000 });
  const m = /total \d+ · free \d+ · allocated (\d+) · peak \d+/.exec(totals);
  assert.ok(m, totals);
  allocatedAtBreakpoint = Number(m[1]);
  assert.ok(await frame.locator('canvas#map').isVisible());
  // The picture works from the keyboard: Home goes to frame 0, the arrow to frame 1.
  await frame.locator('canvas#map').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  assert.match(await frame.locator('#hover').innerText(), /^frame 1: PPN 0x[0-9a-f]+ at 0x[0-9a-f]+000 (allocated|free)/);
  assert.ok(await frames.isVisible());

  const heap = await wb.viewSection('Heap');
  await heap.locator('.monaco-list-row', { hasText: 'free' }).first().waitFor();
  assert.match(await heap.innerText(), /free \d+ of 8388608 bytes/);
  assert.match(await heap.innerText(), /largest free block \d+/);
  await page.waitForTimeout(1000); // let the sections finish resizing
  await wb.screenshot('04-memory-views');
});

test('the UART terminal shows the kernel and takes input for its shell', { timeout: 120_000 }, async () => {
  await page.keyboard.press('F5');
  const rows = '.terminal-wrapper.active .xterm-rows, .xterm-rows';
  await waitForText(rows, /chronos> /, 'the shell prompt', 60_000);
  await page.locator('.terminal-wrapper.active .xterm, .xterm').first().click();
  await page.keyboard.type('frames\r');
  await waitForText(rows, /frames: total \d+, free \d+, allocated \d+/, 'the shell answering');
  await page.keyboard.type('alloc 3\r');
  await waitForText(rows, /allocated frame 0x[0-9a-f]+ at 0x[0-9a-f]+\s+allocated frame[\s\S]*allocated frame/, 'three frames');
  await wb.screenshot('05-uart-shell');
  await wb.viewSection('Call Stack');
  await page.keyboard.press('F6');
  await waitForText('.debug-call-stack', /shell::run[\s\S]*rust_main/, 'the pause in the shell', 30_000);
  assert.match(await page.locator('.pane-header', { hasText: 'Call Stack' }).innerText(), /Paused/i);
  // The three frames the shell allocated show in the Physical Frames view at this stop.
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await waitForFrames(frame, allocatedAtBreakpoint + 3);
  await wb.screenshot('06-paused-in-shell');
});

test('the Memory Timeline: a click travels to that instruction; Home and Enter to the boot, which the Physical Frames view shows; End and Enter back', { timeout: 120_000 }, async () => {
  await wb.command('Focus on Memory Timeline View');
  let timeline = await webviewWith('svg#plot');
  const plot = (): ReturnType<Page['locator']> => timeline.locator('svg#plot');
  await plot().locator('polyline').first().waitFor({ timeout: 30_000 });
  const box = (await plot().boundingBox())!;
  await plot().click({ position: { x: box.width * 0.3, y: box.height / 3 } });
  const at = /^instruction (\d+)/.exec(await timeline.locator('#cursor').innerText())?.[1];
  assert.ok(at, 'the cursor names an instruction');
  await waitForText('.statusbar', new RegExp(`in the past: ${at} of \\d+`), 'the travel to the clicked instruction');
  await page.waitForTimeout(1000); // the stop redraws the page
  await wb.screenshot('09-timeline-click', 'docs/images/timeline.png');
  // The keyboard: Home is the record's first point, early in the boot, before the frame allocator.
  timeline = await webviewWith('svg#plot');
  await plot().focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await waitForText('.statusbar', /in the past: \d+ of \d+/, 'the travel to the first point');
  await webviewWith('body', /the frame allocator is not initialised yet/);
  timeline = await webviewWith('svg#plot');
  await plot().focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  const frames = await webviewWith('.totals');
  await frames.locator('.totals', { hasText: `allocated ${allocatedAtBreakpoint + 3} ` }).waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while (/in the past/.test(await text('.statusbar'))) {
    assert.ok(Date.now() < deadline, 'back at the present');
    await page.waitForTimeout(200);
  }
});

test('a user program at source level: a breakpoint in utest.rs stops in U-mode; the Processes view shows utest and init', { timeout: 360_000 }, async () => {
  await page.keyboard.press('Shift+F5');
  // The session has ended when its instruction count leaves the status bar.
  await page.locator('.statusbar-item', { hasText: /Chronos \d+ instructions/ }).waitFor({ state: 'hidden', timeout: 30_000 });
  await wb.openFile('user/src/bin/utest.rs');
  // The kernel's breakpoint from the tests above would stop the boot first.
  await wb.command('Remove All Breakpoints');
  await wb.goToLine(UTEST_LINE);
  await wb.clickGutter(UTEST_AT);
  await wb.command('Debug: Select and Start Debugging');
  await wb.pick(USER_CONFIG);
  await waitForText('.debug-call-stack', /rust_main/, 'the stop in rust_main', 90_000);
  await page.keyboard.press('F5');
  await waitForText('.debug-call-stack', /main\s+utest\.rs/, 'the stop in utest.rs', 300_000);
  await page.locator('.tab.active[aria-label*="utest.rs"]').waitFor();
  await wb.cursorAt(UTEST_LINE);
  for (const section of ['Page Tables', 'Physical Frames', 'Heap', 'Breakpoints']) await wb.collapseSection(section);
  const processes = await wb.viewSection('Processes');
  await processes.locator('.monaco-list-row', { hasText: 'utest' }).first().waitFor({ timeout: 30_000 });
  // The list draws only the rows its section has room for, and the section grows while the
  // ones collapsed above give their height back: wait for the running process's row.
  await processes.locator('.monaco-list-row', { hasText: 'running' }).first().waitFor({ timeout: 30_000 });
  const table = (await processes.innerText()).replace(/\s+/g, ' ');
  assert.match(table, /utest/);
  assert.match(table, /init/);
  assert.match(table, /running/);
  await page.waitForTimeout(1000); // let the sections finish resizing
  await wb.screenshot('10-user-program', 'docs/images/user-program.png');
});

/** The webview frame (views nest their page in two iframes) whose page has `selector`. */
async function webviewWith(selector: string, pattern?: RegExp): Promise<import('playwright-core').Frame> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const found = f.locator(selector);
      if (!await found.count().catch(() => 0)) continue;
      if (!pattern || pattern.test(await found.first().innerText().catch(() => ''))) return f;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}${pattern ? ` with ${pattern}` : ''}`);
    await page.waitForTimeout(200);
  }
}

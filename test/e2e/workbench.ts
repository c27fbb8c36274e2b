// Driving the VS Code workbench in Chromium with Playwright: the few gestures the end-to-end
// tests need, by CSS selector and keyboard, as VS Code's own smoke tests do.
import { chromium, type Browser, type Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = (): boolean => existsSync(CHROMIUM);
export const ARTIFACTS = 'test-results';

export async function launchBrowser(): Promise<Browser> {
  // Without the background-networking flags Chromium keeps dialling Google, and this machine's
  // closed network refuses every attempt.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export class Workbench {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer appears once the workspace folder is read: the workbench is ready for keys.
    await this.page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  }

  /**
   * A screenshot in test-results/; with CHRONOS_README_SHOTS=1, also at `readme` (the README's
   * pictures in docs/images/), so that they are remade by `CHRONOS_README_SHOTS=1 node
   * scripts/run-tests.mjs test/e2e` and never by a plain test run.
   */
  async screenshot(name: string, readme?: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path });
    if (readme && process.env.CHRONOS_README_SHOTS === '1') copyFileSync(path, readme);
    return path;
  }

  /** Run a command by its title from the command palette. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await input.press('Enter');
  }

  /** Choose an entry of the quick pick that is open (a launch configuration, say) by its label. */
  async pick(label: string): Promise<void> {
    // The list is short (launch configurations): click the row rather than type into an input
    // that may still be the command palette's, closing.
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    try {
      await row.waitFor({ timeout: 30_000 });
    } catch (e) {
      await this.screenshot(`failed-pick-${label.replace(/\W+/g, '-')}`);
      throw e;
    }
    await row.click();
  }

  /** Open a workspace file by (part of) its path through Quick Open. */
  async openFile(path: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(path);
    // The file's own row, not a recently opened one shown while the search runs.
    const name = path.split('/').pop()!;
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
  }

  async goToLine(line: number): Promise<void> {
    await this.page.locator('.monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await input.press('Enter');
    await this.cursorAt(line);
  }

  /** The status bar's "Ln N, Col M", which follows the cursor and the debugger's stops. */
  async cursorLine(): Promise<number> {
    const text = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
    const m = /Ln (\d+)/.exec(text);
    return m ? Number(m[1]) : -1;
  }

  async cursorAt(line: number, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (await this.cursorLine() !== line) {
      if (Date.now() > deadline) throw new Error(`the cursor is at line ${await this.cursorLine()}, not ${line}`);
      await this.page.waitForTimeout(100);
    }
  }

  /** Click the editor's glyph margin beside the line holding `text`: a breakpoint, as a user sets one. */
  async clickGutter(text: string): Promise<void> {
    const line = this.page.locator('.monaco-editor .view-line', { hasText: text }).first();
    const box = (await line.boundingBox())!;
    const margin = (await this.page.locator('.monaco-editor .glyph-margin').first().boundingBox())!;
    await this.page.mouse.click(margin.x + margin.width / 2, box.y + box.height / 2);
  }

  /** Drag the side bar's edge, so that the memory views' long rows fit. */
  async widenSideBar(to: number): Promise<void> {
    const bar = (await this.page.locator('#workbench\\.parts\\.sidebar').boundingBox())!;
    const x = bar.x + bar.width, y = bar.y + bar.height / 2;
    await this.page.mouse.move(x - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(to, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Fold a side-bar section away, to give the others room. */
  async collapseSection(title: string): Promise<void> {
    const header = this.page.locator('.pane-header', { hasText: title }).first();
    if (await header.count() && await header.getAttribute('aria-expanded') === 'true') await header.click();
  }

  /** Text of a view in the side bar, opening its section when collapsed. */
  async viewSection(title: string) {
    const header = this.page.locator('.pane-header', { hasText: title }).first();
    await header.waitFor();
    if (await header.getAttribute('aria-expanded') === 'false') await header.click();
    return this.page.locator('.pane', { has: header });
  }
}

// Driving a Chronos debug session from inside the extension host, through the vscode API.
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ChronosApi } from '../../src/extension/extension.js';

export const ROOT = join(__dirname, '..', '..', '..');
export const KERNEL_DIR = join(ROOT, 'kernel');
export const ELF = join(KERNEL_DIR, 'target/riscv64gc-unknown-none-elf/release/chronos-kernel');
export const BOOT_RS = join(KERNEL_DIR, 'src/boot.rs');

export async function chronos(): Promise<ChronosApi> {
  const ext = vscode.extensions.getExtension<ChronosApi>('chronos.chronos');
  if (!ext) throw new Error('the Chronos extension is not loaded');
  return ext.activate();
}

/** Stops of chronos sessions as the adapter reports them, for awaiting; an ended session's unawaited stops are dropped. */
export class Stops implements vscode.Disposable {
  private waiting: ((reason: string) => void)[] = [];
  private readonly queue: string[] = [];
  private readonly sub = vscode.debug.registerDebugAdapterTrackerFactory('chronos', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: { type: string; event?: string; body?: { reason?: string } }) => {
        if (m.type === 'event' && m.event === 'stopped') {
          const r = m.body?.reason ?? '';
          const w = this.waiting.shift();
          if (w) w(r); else this.queue.push(r);
        }
      },
    }),
  });

  private readonly ended = vscode.debug.onDidTerminateDebugSession(() => { this.queue.length = 0; });

  next(timeoutMs = 60_000): Promise<string> {
    const q = this.queue.shift();
    if (q !== undefined) return Promise.resolve(q);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no stop within the time allowed')), timeoutMs);
      this.waiting.push((r) => { clearTimeout(t); resolve(r); });
    });
  }

  dispose(): void { this.sub.dispose(); this.ended.dispose(); }
}

export function lineOf(text: string, file = BOOT_RS): number {
  const lines = require('node:fs').readFileSync(file, 'utf8').split('\n') as string[];
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line with ${text} in ${file}`);
  return i + 1;
}

export function breakAt(text: string, file = BOOT_RS): vscode.SourceBreakpoint {
  const bp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(file), new vscode.Position(lineOf(text, file) - 1, 0)));
  vscode.debug.addBreakpoints([bp]);
  return bp;
}

export async function stopSessions(): Promise<void> {
  vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
  if (vscode.debug.activeDebugSession) {
    const ended = new Promise<void>((r) => { const d = vscode.debug.onDidTerminateDebugSession(() => { d.dispose(); r(); }); });
    await vscode.debug.stopDebugging();
    await ended;
  }
}

export async function start(config: Record<string, unknown>): Promise<vscode.DebugSession> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const ok = await vscode.debug.startDebugging(folder, { type: 'chronos', request: 'launch', name: 'extension-host test', program: ELF, ...config });
  if (!ok || !vscode.debug.activeDebugSession) throw new Error('the debug session did not start');
  return vscode.debug.activeDebugSession;
}

export const cont = (): Thenable<unknown> => vscode.commands.executeCommand('workbench.action.debug.continue');

// A local VS Code for `npm start` and the end-to-end tests: code-server (installed into
// .cache/code-server by install-code-server.sh), run with its own user-data and extensions
// folders so that it never touches the user's own VS Code settings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? __dirname, '..');
const ENTRY = join(ROOT, '.cache/code-server/node_modules/code-server/out/node/entry.js');

export const codeServerInstalled = (): boolean => existsSync(ENTRY);

/** The .vsix `npm run package` (scripts/package.mjs) makes for this version. */
export function vsixPath(): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return join(ROOT, `chronos-${version}.vsix`);
}

export interface Profile { userDataDir: string; extensionsDir: string }

/** A fresh profile: no workspace-trust prompt, no welcome page, no telemetry, no update checks. */
export function makeProfile(dir: string, extra: Record<string, unknown> = {}): Profile {
  const userDataDir = join(dir, 'user-data'), extensionsDir = join(dir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'debug.toolBarLocation': 'docked',
    'git.openRepositoryInParentFolders': 'never',
    'workbench.editor.enablePreview': false,
    ...extra,
  }, null, 2));
  return { userDataDir, extensionsDir };
}

function codeServerArgs(p: Profile): string[] {
  return ['--user-data-dir', p.userDataDir, '--extensions-dir', p.extensionsDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
}

/** Install a .vsix into the profile (replacing an older Chronos). */
export function installExtension(p: Profile, vsix: string): void {
  const r = spawnSync(process.execPath, [ENTRY, ...codeServerArgs(p), '--force', '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export interface Server { url: string; process: ChildProcess; log: () => string; stop: () => Promise<void> }

/** Start code-server on host:port and wait until it answers HTTP. */
export async function startServer(p: Profile, opts: { host?: string; port: number; folder?: string; timeoutMs?: number; env?: Record<string, string> }): Promise<Server> {
  const host = opts.host ?? '127.0.0.1';
  const child = spawn(process.execPath, [ENTRY, ...codeServerArgs(p), '--auth', 'none', '--bind-addr', `${host}:${opts.port}`, ...(opts.folder ? [opts.folder] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '', ...opts.env } });
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  const url = `http://${host}:${opts.port}/`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`code-server did not answer on ${url}:\n${log}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = (): Promise<void> => new Promise((res) => {
    if (child.exitCode !== null) { res(); return; }
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
  return { url, process: child, log: () => log, stop };
}

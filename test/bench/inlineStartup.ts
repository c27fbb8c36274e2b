// F5 to the first breakpoint as the extension host runs the adapter: the session object made in
// a process that has the bundle loaded, its DAP messages exchanged in memory (handleMessage in,
// onDidSendMessage out, each delivered in a task of its own as VS Code's RPC delivers them).
// Bundled alone (dist/benchInline.js, what the adapter's part of extension.js holds) and run by
// startup.ts in a fresh process per launch, which first times the bundle's require: VS Code
// activates the extension on the first F5 of a window (onDebugResolve), so that F5 pays the load
// too, and a later one does not.
import { existsSync, readFileSync } from 'node:fs';
import { ChronosDebugSession } from '../../src/debugger/session.js';
import type { HostFiles } from '../../src/debugger/runtime.js';
import { openDrive } from '../../src/debugger/fileDisk.js';
import { startupClient, type DapMessage, type StartupRun } from './startup.js';

const files: HostFiles = { readFile: (p) => readFileSync(p), exists: (p) => existsSync(p), openDisk: openDrive };

/** One launch to the stop, inline, timed from the session's creation. */
export async function inlineLaunch(): Promise<StartupRun> {
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  const session = new ChronosDebugSession(files, () => {});
  const client = startupClient({
    send: (msg) => { setImmediate(() => session.handleMessage(msg as never)); },
    ms: () => performance.now() - t0,
    cpuMs: () => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1000; },
  }, async (request) => { await request('disconnect', {}); });
  session.onDidSendMessage((m) => { setImmediate(() => client.receive(m as DapMessage)); });
  return client.run();
}

/** The first F5 after activation, then a second in the same process; `loadMs` is the bundle's require, timed by the caller. */
export async function inlineStartup(loadMs: number): Promise<{ first: StartupRun; again: StartupRun; loadMs: number }> {
  const first = await inlineLaunch();
  const again = await inlineLaunch();
  return { first, again, loadMs };
}

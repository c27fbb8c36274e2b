// What the DAP suites share: an adapter process per client, driven over stdio by DebugClient,
// stopped after every test whatever happened in it (a live adapter would keep the run from
// ending).
import { afterEach } from 'node:test';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';

export const ADAPTER = resolve('dist/debugAdapter.js');

const clients: DebugClient[] = [];

export async function client(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'chronos');
  dc.defaultTimeout = 20_000;
  // Stopping twice would leave a promise pending forever: the second stop is a no-op.
  const stop = dc.stop.bind(dc);
  let stopped: Promise<void> | undefined;
  dc.stop = () => (stopped ??= stop());
  clients.push(dc);
  await dc.start();
  return dc;
}

afterEach(async () => { await Promise.all(clients.splice(0).map((c) => c.stop().catch(() => {}))); });

/** initialize and launch, answering the initialized event. */
export async function launch(c: DebugClient, args: Record<string, unknown>): Promise<void> {
  await Promise.all([c.initializeRequest(), c.waitForEvent('initialized').catch(() => {}), c.launch(args)]);
}

// `chronos run --gdb PORT [--gdb-wait]`: the gdb stub on a run. Option checking and start-up
// live here, in one place, for every spelling of the options (QEMU's -s, -S and -gdb tcp::PORT
// mean the same and come here too).
import { GdbServer } from '../debugger/gdb/server.js';
import type { StubTarget } from '../debugger/gdb/target.js';
import { UsageError } from './errors.js';
import { exitDrained } from './output.js';
import type { Runner } from './runner.js';

export interface GdbOptions {
  host: string;
  /** 0 lets the system choose (the port is printed). */
  port: number;
  /** Hold every hart at its first instruction until gdb lets them go (QEMU's -S). */
  wait: boolean;
}

/** gdb connects here only from this machine, as QEMU's -s listens. */
export const GDB_HOST = '127.0.0.1';

/** A TCP port from the command line, for `option` (its name, for the message). */
export function parseGdbPort(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`${option} takes a TCP port from 0 to 65535, not '${text}'`);
  return n;
}

const log = (line: string): void => { process.stderr.write(`chronos: ${line}\n`); };

/**
 * Start the stub for a runner that has not started yet: listen, hold the harts if asked, and
 * take the runner's stops. Close it with the run's end (`close(reason)`), which tells gdb.
 */
export async function startGdbStub(runner: Runner, opts: GdbOptions): Promise<GdbServer> {
  const target: StubTarget = {
    get machine() { return runner.machine; },
    hold: () => runner.hold(),
    release: (keep) => runner.release(keep),
    step: (hart, keep) => runner.step(hart, keep),
    kill: () => { runner.flush(); void exitDrained(0); },
  };
  let server: GdbServer;
  try {
    server = await GdbServer.listen(target, { host: opts.host, port: opts.port, log });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`gdb stub on ${opts.host}:${opts.port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (e as Error).message}`);
  }
  runner.controller = { onStop: (stop) => server.onStop(stop) };
  if (opts.wait) runner.hold();
  const { host, port } = server.address;
  log(`gdb stub listening on ${host}:${port}${opts.wait ? ' (the harts wait for gdb to continue)' : ''}`);
  return server;
}

// gdb-multiarch in batch mode against `chronos run --gdb 0 --gdb-wait`: the commands go in a
// command file, gdb's whole transcript comes back, and chronos's end with it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GDB } from './programs.js';
import { startChronos, type Chronos } from './rsp.js';

export interface GdbRun { transcript: string; status: number | null; chronos: Chronos; chronosStatus: number | null }

/**
 * Start chronos with `chronosArgs` and FILE held for gdb, run `gdb-multiarch FILE` with
 * `commands` after `target remote`, and wait for both to end.
 */
export async function runGdb(dir: string, file: string, chronosArgs: string[], commands: string[]): Promise<GdbRun> {
  const chronos = await startChronos([...chronosArgs, '--gdb', '0', '--gdb-wait', file]);
  const script = join(dir, `gdb-${chronos.port}.cmd`);
  writeFileSync(script, [
    'set pagination off', 'set confirm off', 'set width 0', `target remote 127.0.0.1:${chronos.port}`, ...commands, '',
  ].join('\n'));
  const r = spawnSync(GDB, ['-batch', '-nx', '-x', script, file], { encoding: 'utf8', timeout: 120_000 });
  const timer = setTimeout(() => chronos.proc.kill(), 60_000);
  const chronosStatus = await chronos.exited;
  clearTimeout(timer);
  return { transcript: `${r.stdout}${r.stderr}`, status: r.status, chronos, chronosStatus };
}

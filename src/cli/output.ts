// Writing to stdout and stderr so that nothing is lost: through a pipe, a process that exits
// at once loses whatever the pipe had not taken yet (64 KiB at most), so exiting waits until
// every write has been handed over; and a reader that goes away early (`| head`) ends the
// process quietly, as SIGPIPE ends other tools, instead of an EPIPE stack trace.
import { EXIT_PIPE } from './errors.js';

let piped = false;

/** Install once, before writing: a closed stdout or stderr ends the process quietly. */
export function guardPipes(): void {
  if (piped) return;
  piped = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT_PIPE);
      throw e;
    });
  }
}

/** Resolves once everything written to the stream so far has been handed to the system. */
export function drained(s: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed || !s.writable) { resolve(); return; }
    s.write('', () => resolve());
  });
}

/** Exit with `code` after stdout and stderr are drained. */
export async function exitDrained(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

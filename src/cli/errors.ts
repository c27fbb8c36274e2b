// Errors a user can act on: a bad command line or a file Chronos cannot run. They become one
// line on stderr and exit status 2; anything else is an internal error.
export class UsageError extends Error {
  override name = 'UsageError';
  /**
   * `command` is the command the message is from, as the user typed it ("chronos qemu");
   * `usage` whether the usage text helps (a bad command line, not a file that cannot be booted).
   */
  constructor(message: string, readonly command = 'chronos', readonly usage = !message.includes(':')) {
    super(message);
  }
}

/** Exit status for a usage error or a file Chronos cannot run. */
export const EXIT_USAGE = 2;
/** Exit status when --max-instructions runs out (as timeout(1) does when it kills a command). */
export const EXIT_BUDGET = 124;
/** Exit status when the reader of our output went away (as a process killed by SIGPIPE). */
export const EXIT_PIPE = 141;
/** Exit status for a bug in Chronos (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

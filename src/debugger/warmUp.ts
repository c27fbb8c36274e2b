// The emulator warmed up once per process before the first kernel runs (emulator/warmup/): the
// first run of the user's kernel then starts with V8's code made for the paths it takes, rather
// than having it thrown away and compiled again as each first appears (docs/performance.md).
// The debug adapter does it when it has answered `initialize`, while the client prepares its
// launch; the extension asks for it earlier, when VS Code resolves a Chronos launch
// configuration, so that inside VS Code it is done before the adapter is even made.
// CHRONOS_WARMUP=0 leaves it out (to measure what it buys).
import { warmUp } from '../emulator/warmup/warmup.js';

let done = process.env.CHRONOS_WARMUP === '0';

/** Warm up now, unless this process already has. */
export function warmUpOnce(): void {
  if (done) return;
  done = true;
  try { warmUp(); } catch { /* only a speed-up: whatever broke it, the user's launch reports */ }
}

/** Warm up at the next turn of the event loop, so that the caller's answer goes out first. */
export function warmUpSoon(): void {
  if (!done) setTimeout(warmUpOnce, 0);
}

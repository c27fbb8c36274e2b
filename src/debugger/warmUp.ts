// The emulator warmed up once per process before the first kernel runs (emulator/warmup/): the
// first run of the user's kernel then starts with V8's code made for the paths it takes, rather
// than having it thrown away and compiled again as each first appears (docs/performance.md).
// The session does it at the end of the launch, when it has sent `initialized`: earlier (at
// `initialize`, or when VS Code resolves the configuration) V8 compiled the dispatcher and the
// interpreter as if much of the warm-up's feedback were not there, having been through the
// launch's parsing in between (measured; why, not found). `chronos run` does it after loading
// its images, before the run. CHRONOS_WARMUP=0 leaves it out.
import { warmUp } from '../emulator/warmup/warmup.js';

let done = process.env.CHRONOS_WARMUP === '0';

/** Warm up now, unless this process already has. */
export function warmUpOnce(): void {
  if (done) return;
  done = true;
  try { warmUp(); } catch { /* only a speed-up: whatever broke it, the user's launch reports */ }
}

// Run by warmupTiering.test.ts in a child node with V8's tracing on: the warm-up, then the
// warm-up's guest once more, as the user's kernel would run after it.
import { warmUp } from '../../src/emulator/warmup/warmup.ts';
console.log('reached', warmUp().reachedEnd);
console.log('--- after the warm-up');
console.log('again', warmUp().reachedEnd);

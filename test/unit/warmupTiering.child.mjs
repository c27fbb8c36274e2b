// Run by warmupTiering.test.ts in a child node with V8's tracing on: the warm-up, nothing else.
import { warmUp } from '../../src/emulator/warmup/warmup.ts';
console.log('reached', warmUp().reachedEnd);

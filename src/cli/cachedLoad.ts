// What `node dist/chronos.js` and `node dist/debugAdapter.js` run: a few lines that load the
// real bundle beside them (BUNDLE) through V8's code cache. Without one, every process parses
// the 600 KB bundle and compiles each function it calls to bytecode on the way, some 40 ms of
// a 0.55 s Linux boot (docs/performance.md). The cache is made when a process ends: the
// first time, when the bundle has changed, or when this run went far beyond the one that made
// it (a cache made by `chronos disasm` holds none of the emulator). Where it cannot be read or
// written, the bundle loads as it would have anyway.
import { Script } from 'node:vm';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The bundle's file name in dist/, set by esbuild.mjs for each loader. */
declare const BUNDLE: string;

/** A cache made by a run this much shorter than the current one is made again. */
const OUTGROWN = 2;
/** Runs shorter than this never replace a cache (the write costs some 10 ms). */
const WORTH_MS = 300;

function load(file: string): void {
  const started = Date.now();
  const source = readFileSync(file, 'utf8');
  // V8 checks a cache against the source's length and its own version and flags, not the
  // text: the name holds a hash of the text, so a rebuilt bundle never gets the old code.
  const key = createHash('sha1').update(source).update(process.version).update(process.arch).digest('hex').slice(0, 16);
  const dir = join(dirname(file), '.cache');
  const cacheFile = join(dir, `${BUNDLE}.${key}.v8`);
  let cached: Buffer | undefined, madeInMs = 0;
  try {
    const data = readFileSync(cacheFile);
    madeInMs = data.readUInt32LE(0);
    cached = data.subarray(4);
  } catch { /* none yet */ }
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const remake = cached === undefined || script.cachedDataRejected === true;
  process.on('exit', () => {
    const ranMs = Date.now() - started;
    if (!remake && !(ranMs >= WORTH_MS && ranMs > OUTGROWN * madeInMs)) return;
    try {
      const data = script.createCachedData(), head = Buffer.alloc(4);
      head.writeUInt32LE(Math.min(ranMs, 0xffffffff));
      mkdirSync(dir, { recursive: true });
      // Whole or not at all: another process may be reading it, or writing it too.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, Buffer.concat([head, data]));
      renameSync(partial, cacheFile);
      // Caches of the bundle's earlier builds.
      for (const name of readdirSync(dir)) if (name.startsWith(`${BUNDLE}.`) && name.endsWith('.v8') && join(dir, name) !== cacheFile) unlinkSync(join(dir, name));
    } catch { /* a read-only install: no cache */ }
  });
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const m = { exports: {}, filename: file, id: file, loaded: false };
  wrapper.call(m.exports, m.exports, createRequire(file), m, file, dirname(file));
  m.loaded = true;
}

load(join(__dirname, BUNDLE));

// Bundles the extension, the debug adapter, the CLI and the benchmark into dist/.
import * as esbuild from 'esbuild';
import { requestValidatorsPlugin } from './scripts/requestValidators.mjs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode'],
  // The debug adapter's request validators compiled here, not at its first requests.
  plugins: [requestValidatorsPlugin()],
};

const entries = [
  // The CLI and the spawned adapter: each bundle behind a loader that keeps V8's code cache (src/cli/cachedLoad.ts).
  { entryPoints: ['src/cli/chronos.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['src/cli/cachedLoad.ts'], outfile: 'dist/chronos.js', define: { BUNDLE: '"cli.js"' } },
  { entryPoints: ['test/bench/bench.ts'], outfile: 'dist/bench.js' },
  { entryPoints: ['src/debugger/main.ts'], outfile: 'dist/adapter.js' },
  { entryPoints: ['src/cli/cachedLoad.ts'], outfile: 'dist/debugAdapter.js', define: { BUNDLE: '"adapter.js"' } },
  // The adapter driven in memory, as the extension host runs it (test/bench/startup.ts).
  { entryPoints: ['test/bench/inlineStartup.ts'], outfile: 'dist/benchInline.js' },
  { entryPoints: ['src/language/server.ts'], outfile: 'dist/asmServer.js' },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // The emulator alone, for web pages (test/e2e/browser.test.ts loads it in Chromium).
  { entryPoints: ['src/emulator/browser.ts'], outfile: 'dist/emulator.browser.js', platform: 'browser', format: 'esm', target: 'es2022', external: [] },
  // The extension-host tests (test/extension-host), loaded by VS Code as extensionTestsPath.
  { entryPoints: ['test/extension-host/index.ts', 'test/extension-host/views.test.ts', 'test/extension-host/qemuArgs.test.ts', 'test/extension-host/timeTravel.test.ts'], outdir: 'dist/test/extensionHost', external: ['vscode', 'mocha'] },
];

for (const e of entries) {
  const opts = { ...common, ...e };
  if (watch) await (await esbuild.context(opts)).watch();
  else await esbuild.build(opts);
}

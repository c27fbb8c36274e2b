/// <reference types="mocha" />
// The extension-host test entry, in @vscode/test-electron's layout: VS Code loads this file in
// its extension host (extensionTestsPath) and awaits run(). Mocha runs the suites beside it.
// When CHRONOS_EXTHOST_RESULTS names a file, the results go there as Mocha's JSON report
// (code-server's extension host has no console we can read); otherwise to the console.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const output = process.env.CHRONOS_EXTHOST_RESULTS;
  const mocha = new Mocha({
    ui: 'tdd', timeout: 120_000, color: false,
    ...(output ? { reporter: 'json', reporterOptions: { output } } : { reporter: 'spec' }),
  });
  for (const f of readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host tests failed`)) : resolve()));
  });
}

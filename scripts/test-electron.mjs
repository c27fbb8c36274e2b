// `npm run test:electron`: the extension-host suites (test/extension-host) in a desktop VS Code
// downloaded by @vscode/test-electron, for machines that can reach Microsoft's update servers.
// Ours cannot; there the same suites run in code-server (test/extension/exthost.test.ts).
import { runTests } from '@vscode/test-electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist/test/extensionHost/index.js'),
    launchArgs: [join(root, 'kernel'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`test:electron: ${e instanceof Error ? e.message : e}`);
  console.error('test:electron: a desktop VS Code could not be downloaded or the suites failed; the same suites run in code-server with npm test.');
  process.exit(1);
}

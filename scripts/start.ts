// `npm start`, after setup, build and packaging: installs the freshly built .vsix into a local
// VS Code and serves a workspace holding the Chronos OS sources with a ready launch.json.
//   CHRONOS_PORT (default 8080) and CHRONOS_HOST (default 127.0.0.1) choose the address.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, codeServerInstalled, installExtension, makeProfile, startServer, vsixPath } from './codeServer.js';

const vsix = vsixPath();
const workspace = join(ROOT, 'kernel');

// A desktop VS Code on PATH gets the extension too: the same workspace opens there with `code kernel`.
if (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0) {
  const r = spawnSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  if (r.status === 0) console.log(`start: installed ${vsix} into the desktop VS Code; open it with: code ${workspace}`);
}

async function main(): Promise<void> {
  if (!codeServerInstalled()) {
    console.error('start: code-server is not installed; run scripts/setup.sh --e2e (as root, for its Debian packages)');
    process.exit(1);
  }
  const profile = makeProfile(join(ROOT, '.cache/vscode-profile'));
  installExtension(profile, vsix);
  const port = Number(process.env.CHRONOS_PORT ?? 8080);
  const host = process.env.CHRONOS_HOST ?? '127.0.0.1';
  const server = await startServer(profile, { host, port, folder: workspace });
  console.log(`
Chronos is installed in VS Code (code-server), with the Chronos OS sources as the workspace.
Open  ${server.url}?folder=${encodeURIComponent(workspace)}
then press F5: the kernel boots on the Chronos emulator and stops in rust_main; the Run and Debug
sidebar shows Page Tables, Physical Frames and Heap, and the Chronos UART terminal takes input
for the kernel's console monitor (try: help, alloc 3, grow 5000, heap). The configuration
"Chronos OS: user shell" boots to the user shell instead (try: help, ps, utest, hog 8).
Ctrl-C stops the server.`);
  const stop = (): void => { void server.stop().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (code) => { console.error(`start: code-server exited (${code})\n${server.log().slice(-2000)}`); process.exit(1); });
}

void main();

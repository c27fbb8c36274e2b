// The stand-alone debug adapter: DAP over stdio (the default), or a TCP server with
// --server=PORT, for VS Code's external mode and other DAP clients (nvim-dap, dap-mode).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ChronosDebugSession } from './session.js';
import type { HostFiles } from './runtime.js';
import { openDrive } from './fileDisk.js';

export const nodeFiles: HostFiles = {
  readFile: (p) => readFileSync(p),
  exists: (p) => existsSync(p),
  openDisk: openDrive,
};

const port = process.argv.map((a) => /^--server=(\d+)$/.exec(a)?.[1]).find(Boolean);
if (port) {
  createServer((socket) => {
    const session = new ChronosDebugSession(nodeFiles);
    session.setRunAsServer(true);
    session.start(socket, socket);
  }).listen(Number(port), '127.0.0.1', () => process.stderr.write(`chronos debug adapter listening on 127.0.0.1:${port}\n`));
} else {
  const session = new ChronosDebugSession(nodeFiles);
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

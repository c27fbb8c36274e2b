/// <reference types="mocha" />
// launch.json's qemuArgs inside a real VS Code: a configuration with the QEMU line alone (no
// program), its -kernel relative to the workspace folder as a Makefile's paths are relative to
// its directory, boots and stops where runTo says.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Stops, chronos, stopSessions } from './session.js';

let stops: Stops;

suiteSetup(async () => {
  await chronos();
  stops = new Stops();
});
suiteTeardown(() => stops.dispose());

suite('launch.json qemuArgs', () => {
  teardown(stopSessions);

  test('the Makefile\'s line alone boots the kernel -kernel names, its path the workspace folder\'s', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the suite runs with Chronos OS\'s kernel folder open');
    const ok = await vscode.debug.startDebugging(folder, {
      type: 'chronos', request: 'launch', name: 'make qemu',
      qemuArgs: '-machine virt -nographic -bios default -kernel target/riscv64gc-unknown-none-elf/release/chronos-kernel -m 256M -append quiet',
      runTo: 'rust_main',
    });
    assert.ok(ok && vscode.debug.activeDebugSession, 'the debug session did not start');
    const session = vscode.debug.activeDebugSession;
    assert.equal(session.configuration.cwd, folder.uri.fsPath);
    await stops.next();
    const frames = await session.customRequest('stackTrace', { threadId: 1 }) as { stackFrames: { name: string }[] };
    assert.equal(frames.stackFrames[0].name, 'rust_main');
  });
});

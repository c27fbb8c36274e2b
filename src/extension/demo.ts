// "Chronos: Open Demo Kernel": unpacks the Chronos OS ELF and its sources that ship inside the
// .vsix into a folder the user picks, with a launch configuration ready for F5, and opens it.
// Nobody needs a Rust toolchain to try the debugger this way.
import * as vscode from 'vscode';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DemoInfo { builtIn: string; program: string }

/** The launch configuration of an unpacked demo: its DWARF paths mapped onto the folder. */
export function demoLaunchJson(info: DemoInfo): string {
  return `${JSON.stringify({
    version: '0.2.0',
    configurations: [{
      type: 'chronos', request: 'launch', name: 'Chronos OS (demo)',
      program: `\${workspaceFolder}/${info.program}`,
      bootargs: 'shell',
      runTo: 'rust_main',
      sourceMap: { [info.builtIn]: '${workspaceFolder}' },
    }],
  }, null, 2)}\n`;
}

/** Unpack the demo into `parent`/chronos-demo; returns that folder. Never overwrites user files. */
export function unpackDemo(extensionPath: string, parent: string): string {
  const source = join(extensionPath, 'dist', 'demo');
  if (!existsSync(source)) throw new Error('this build of Chronos has no demo kernel inside (it is added by npm run package)');
  const info = JSON.parse(readFileSync(join(source, 'chronos-demo.json'), 'utf8')) as DemoInfo;
  const target = join(parent, 'chronos-demo');
  if (existsSync(target) && !existsSync(join(target, 'chronos-demo.json'))) throw new Error(`${target} exists and is not a Chronos demo; choose another folder`);
  mkdirSync(join(target, '.vscode'), { recursive: true });
  cpSync(source, target, { recursive: true });
  writeFileSync(join(target, '.vscode', 'launch.json'), demoLaunchJson(info));
  return target;
}

export async function openDemo(context: vscode.ExtensionContext, parent?: string): Promise<void> {
  if (!parent) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      openLabel: 'Unpack the demo here', title: 'Chronos: where should the demo kernel go? (a chronos-demo folder is made inside)',
    });
    if (!picked?.length) return;
    parent = picked[0].fsPath;
  }
  try {
    const folder = unpackDemo(context.extensionPath, parent);
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(folder), { forceNewWindow: false });
  } catch (e) {
    void vscode.window.showErrorMessage(`Chronos: cannot open the demo kernel: ${(e as Error).message}`);
  }
}

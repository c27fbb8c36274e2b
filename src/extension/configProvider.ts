// Launch configurations for `chronos`: an initial one that finds the kernel ELF Cargo built in
// the workspace, and defaults for a bare F5 with no launch.json.
import * as vscode from 'vscode';

const TARGET_GLOB = '**/target/riscv64*-unknown-none-elf/{release,debug}/*';

/** Kernel ELF files Cargo left in the workspace, newest first. */
export async function findKernelElves(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(TARGET_GLOB, '**/node_modules/**', 200);
  const elves: { uri: vscode.Uri; mtime: number }[] = [];
  for (const uri of found) {
    if (/\.(d|rlib|rmeta|json|o|a|so)$/.test(uri.path) || uri.path.includes('/deps/') || uri.path.includes('/build/')) continue;
    try {
      const head = await vscode.workspace.fs.readFile(uri);
      if (head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
        const stat = await vscode.workspace.fs.stat(uri);
        elves.push({ uri, mtime: stat.mtime });
      }
    } catch { /* unreadable: not ours */ }
  }
  return elves.sort((a, b) => b.mtime - a.mtime).map((e) => e.uri);
}

function relative(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? `\${workspaceFolder}/${vscode.workspace.asRelativePath(uri, false)}` : uri.fsPath;
}

export class ChronosConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const elves = await findKernelElves();
    const program = elves.length ? relative(elves[0]) : '${workspaceFolder}/target/riscv64gc-unknown-none-elf/release/kernel';
    return [{ type: 'chronos', request: 'launch', name: 'Debug kernel (Chronos)', program, stopOnEntry: false }];
  }

  /**
   * F5 without a launch.json: debug the newest kernel ELF in the workspace. Relative paths (a
   * Makefile's QEMU line names kernel/kernel and fs.img) are the workspace folder's unless the
   * configuration gives cwd.
   */
  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const elves = await findKernelElves();
      if (!elves.length) {
        await vscode.window.showErrorMessage('Chronos: no kernel ELF found under target/riscv64*-unknown-none-elf/. Build the kernel first, or add a launch configuration with "program".');
        return undefined;
      }
      return { type: 'chronos', request: 'launch', name: 'Debug kernel (Chronos)', program: elves[0].fsPath };
    }
    if (!config.program && !config.qemuArgs) {
      await vscode.window.showErrorMessage('Chronos: the launch configuration needs "program" (the kernel ELF to debug) or "qemuArgs" (the Makefile\'s QEMU options).');
      return undefined;
    }
    const cwd = config.cwd ?? folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return cwd === undefined ? config : { ...config, cwd };
  }
}

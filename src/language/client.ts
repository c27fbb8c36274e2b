// Starts the RISC-V assembly language server for the extension. The extension calls this
// from activate() (it is activated on `onLanguage:riscv-asm`, so the server runs only while
// an assembly file is open) and disposes the returned client on deactivate().
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

export const ASM_LANGUAGE_ID = 'riscv-asm';

/** `serverModulePath`: the bundled server, e.g. context.asAbsolutePath('dist/asmServer.js'). */
export async function startAsmLanguageClient(context: ExtensionContext, serverModulePath: string): Promise<LanguageClient> {
  const serverOptions: ServerOptions = {
    run: { module: serverModulePath, transport: TransportKind.ipc },
    debug: { module: serverModulePath, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: ASM_LANGUAGE_ID }, { scheme: 'untitled', language: ASM_LANGUAGE_ID }],
  };
  const client = new LanguageClient('chronosRiscvAsm', 'RISC-V Assembly (Chronos)', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(client);
  return client;
}

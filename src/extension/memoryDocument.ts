// Memory opened from the views (a page-table entry, a free block) as a read-only hex dump, for
// VS Code installs without the Hex Editor extension: `chronos-memory:/ADDRESS?length=N`. The
// bytes come from the adapter's readMemory, which reads through the guest's page tables
// without side effects.
import * as vscode from 'vscode';

export const MEMORY_SCHEME = 'chronos-memory';
const ROW = 16;

/** A hexdump -C style listing; unreadable bytes (unmapped pages) are shown as `??`. */
export function hexDump(address: bigint, bytes: Uint8Array, unreadable: number): string {
  const lines: string[] = [];
  const total = bytes.length + unreadable;
  for (let off = 0; off < total; off += ROW) {
    const hex: string[] = [];
    let ascii = '';
    for (let i = off; i < off + ROW && i < total; i++) {
      if (i < bytes.length) {
        hex.push(bytes[i].toString(16).padStart(2, '0'));
        ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
      } else { hex.push('??'); ascii += ' '; }
    }
    const left = hex.slice(0, 8).join(' '), right = hex.slice(8).join(' ');
    lines.push(`${(address + BigInt(off)).toString(16).padStart(16, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return `${lines.join('\n')}\n`;
}

export class MemoryDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** At a stop, open dumps are read again. */
  refreshOpen(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === MEMORY_SCHEME) this.changed.fire(d.uri);
  }

  static uri(address: string, length = 4096): vscode.Uri {
    return vscode.Uri.from({ scheme: MEMORY_SCHEME, path: `/${address}`, query: `length=${length}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const s = vscode.debug.activeDebugSession;
    if (s?.type !== 'chronos') return 'No Chronos debug session.\n';
    const address = uri.path.slice(1);
    const length = Number(new URLSearchParams(uri.query).get('length') ?? 4096);
    try {
      const r = await s.customRequest('readMemory', { memoryReference: address, count: length });
      const bytes = Buffer.from(r.data ?? '', 'base64');
      return `memory at ${address} (virtual, through the current satp), read at the latest stop\n\n${hexDump(BigInt(r.address ?? address), bytes, r.unreadableBytes ?? 0)}`;
    } catch (e) {
      return `Cannot read memory at ${address}: ${(e as Error).message}\n`;
    }
  }
}

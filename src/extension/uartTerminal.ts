// The guest's UART as a VS Code terminal: what the kernel prints appears in it, what the user
// types goes to the UART's receive side. Output arrives as the adapter's `stdout` output
// events; input leaves as the `chronos/uartInput` custom request.
import * as vscode from 'vscode';

export class UartTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writeEmitter.event;
  private terminal: vscode.Terminal | undefined;
  private pending = '';
  private open_ = false;

  constructor(private session: vscode.DebugSession) {}

  attach(session: vscode.DebugSession): void { this.session = session; }

  show(preserveFocus = true): void {
    if (!this.terminal || this.terminal.exitStatus) {
      this.terminal = vscode.window.createTerminal({ name: 'Chronos UART', pty: this, iconPath: new vscode.ThemeIcon('terminal') });
    }
    this.terminal.show(preserveFocus);
  }

  open(): void {
    this.open_ = true;
    if (this.pending) { this.writeEmitter.fire(this.pending); this.pending = ''; }
  }

  close(): void { this.open_ = false; this.terminal = undefined; }

  /** Guest output; a terminal wants CRLF. */
  write(text: string): void {
    const t = text.replace(/\r?\n/g, '\r\n');
    if (this.open_) this.writeEmitter.fire(t); else this.pending += t;
  }

  handleInput(data: string): void {
    // The guest sees the bytes a serial terminal would send: Enter is a carriage return.
    this.session.customRequest('chronos/uartInput', { text: data }).then(undefined, (e: Error) => {
      this.write(`\r\n[chronos: input not delivered: ${e.message}]\r\n`);
    });
  }

  dispose(): void { this.terminal?.dispose(); this.writeEmitter.dispose(); }
}

// The terminal as `chronos qemu` shares it between the guest's serial console and the monitor,
// as QEMU's stdio character devices do:
// - mon:stdio (-nographic): the serial console, with Ctrl-A as the escape key: Ctrl-A x quits,
//   Ctrl-A c switches between the console and the monitor, Ctrl-A h lists the keys, Ctrl-A
//   Ctrl-A types a Ctrl-A; the guest's output is shown whichever has the keyboard;
// - -monitor stdio: every line typed goes to the monitor;
// - -serial stdio: every byte goes to the guest (Ctrl-C ends the run, as a signal would).
// On a terminal it is put in raw mode (so Ctrl-C reaches the guest under mon:stdio) and the
// monitor echoes and edits its line itself, as QEMU's readline does; through a pipe, bytes
// pass as they come and nothing is echoed.
import { MONITOR_BANNER, MONITOR_PROMPT, type Monitor } from '../debugger/monitor/monitor.js';

const CTRL_A = 0x01, CTRL_C = 0x03, BS = 0x08, DEL = 0x7f, ESC = 0x1b, CR = 0x0d, LF = 0x0a;

/** The monitor's text as QEMU writes it to a character device: every \n as \r\n. */
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

const MUX_HELP = [
  'C-a h    print this help', 'C-a x    exit emulator', 'C-a s    save disk data back to file (if -snapshot)',
  'C-a t    toggle console timestamps', 'C-a b    send break (magic sysrq)', 'C-a c    switch between console and monitor',
  'C-a C-a  sends C-a',
];

export interface ConsoleSinks {
  /** Bytes for the guest's UART. */
  type(bytes: Uint8Array): void;
  /** Text for the terminal, as is (the runner's pending guest output goes first). */
  write(text: string): void;
  /** End the run: Ctrl-A x, or Ctrl-C without escapes. */
  terminate(message: string): void;
}

/** The monitor's line, edited as typed. */
class MonitorLine {
  private line = '';
  private skipLf = false;
  private escape = 0;

  constructor(private readonly monitor: Monitor, private readonly out: ConsoleSinks, private readonly echo: boolean) {}

  /** Show the banner and the first prompt. */
  open(first: boolean): void {
    this.out.write(crlf(first ? MONITOR_BANNER : '') + MONITOR_PROMPT);
  }

  byte(c: number): void {
    if (this.escape) {
      // An escape sequence (arrow keys and the like): swallowed whole, since there is no history.
      if (this.escape === 1 && c !== 0x5b && c !== 0x4f) this.escape = 0;
      else if (this.escape === 2 && c >= 0x40 && c <= 0x7e) this.escape = 0;
      else this.escape = 2;
      return;
    }
    if (c === LF && this.skipLf) { this.skipLf = false; return; }
    this.skipLf = false;
    if (c === CR || c === LF) {
      this.skipLf = c === CR;
      const line = this.line;
      this.line = '';
      if (this.echo) this.out.write('\r\n');
      const output = this.monitor.execute(line);
      this.out.write(crlf(output) + (this.monitor.quitting ? '' : MONITOR_PROMPT));
      return;
    }
    if (c === ESC) { this.escape = 1; return; }
    if (c === DEL || c === BS) {
      if (this.line) { this.line = this.line.slice(0, -1); if (this.echo) this.out.write('\b \b'); }
      return;
    }
    if (c >= 0x20 && c < 0x7f) {
      this.line += String.fromCharCode(c);
      if (this.echo) this.out.write(String.fromCharCode(c));
    }
  }
}

export type ConsoleMode = 'serial' | 'mux' | 'monitor';

/** Routes the terminal's bytes; `input(chunk)` is the runner's onInput. */
export class QemuConsole {
  private focus: 'serial' | 'monitor';
  private escaped = false;
  private monitorOpened = false;
  private readonly line: MonitorLine | undefined;

  constructor(private readonly mode: ConsoleMode, private readonly out: ConsoleSinks, monitor: Monitor | undefined, echo: boolean) {
    this.focus = mode === 'monitor' ? 'monitor' : 'serial';
    this.line = monitor && new MonitorLine(monitor, out, echo);
  }

  /** Show what the terminal shows before any input: the monitor's banner when it has the keyboard. */
  start(): void {
    if (this.focus === 'monitor' && this.line) { this.line.open(true); this.monitorOpened = true; }
  }

  input(chunk: Uint8Array): void {
    let serial: number[] = [];
    const sendSerial = (): void => { if (serial.length) { this.out.type(Uint8Array.from(serial)); serial = []; } };
    for (const c of chunk) {
      if (this.mode === 'mux' && this.escaped) {
        this.escaped = false;
        if (this.escape(c, sendSerial)) return;
        if (c === CTRL_A) { if (this.focus === 'serial') serial.push(c); else this.line?.byte(c); }
        continue;
      }
      if (this.mode === 'mux' && c === CTRL_A) { this.escaped = true; continue; }
      if (this.mode === 'serial' && c === CTRL_C) { sendSerial(); this.out.terminate('chronos: terminating on Ctrl-C\n'); return; }
      if (this.focus === 'serial') serial.push(c);
      else { sendSerial(); this.line?.byte(c); }
    }
    sendSerial();
  }

  /** A Ctrl-A escape; true when the run ends. */
  private escape(c: number, sendSerial: () => void): boolean {
    switch (c) {
      case 0x78: // x
        sendSerial();
        this.out.terminate('Chronos: Terminated\n\r');
        return true;
      case 0x63: // c
        sendSerial();
        if (!this.line) return false;
        if (this.focus === 'serial') {
          this.focus = 'monitor';
          this.line.open(!this.monitorOpened);
          this.monitorOpened = true;
        } else {
          this.focus = 'serial';
        }
        return false;
      case 0x68: // h
        this.out.write(`\n\r${MUX_HELP.join('\n\r')}\n\r`);
        return false;
      default:
        return false;
    }
  }
}

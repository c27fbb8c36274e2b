// What the drop-in suites share: a console session with a running machine (QEMU or `chronos
// qemu`) through pipes, waiting for text and typing; and the monitor's answers to commands,
// read from either in the same form: the bytes between the command and the next prompt
// (QEMU echoes what is typed, with its line editor's escape codes, on a line of its own; that
// line is dropped).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const CHRONOS = resolve('dist/chronos.js');
export const PROMPT = '(qemu) ';

export class Session {
  readonly child: ChildProcess;
  out = '';
  private closed = false;
  private readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], opts: { cwd?: string } = {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd, detached: true });
    this.child.stdout!.setEncoding('latin1');
    this.child.stdout!.on('data', (s: string) => { this.out += s; });
    this.child.stderr!.setEncoding('latin1');
    this.child.stderr!.on('data', (s: string) => { this.err += s; });
    this.exited = new Promise((r) => this.child.on('exit', (code) => { this.closed = true; r(code); }));
  }

  err = '';

  /** Wait until `pattern` appears at or after `from`; the offset just past it. */
  async waitFor(pattern: string, timeoutMs: number, from = 0): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const i = this.out.indexOf(pattern, from);
      if (i >= 0) return i + pattern.length;
      if (this.closed) throw new Error(`the machine ended before "${pattern}"; its output ends:\n${this.out.slice(-800)}\n${this.err.slice(-800)}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`no "${JSON.stringify(pattern)}" after ${timeoutMs} ms; the output ends:\n${this.out.slice(-800)}\n${this.err.slice(-400)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  send(text: string): void { this.child.stdin!.write(text); }

  /** The exit status, ending the machine if it has not ended within `ms`. */
  async end(ms = 3000): Promise<number | null> {
    const timer = setTimeout(() => { try { process.kill(-this.child.pid!, 'SIGKILL'); } catch { /* gone */ } }, ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Type a monitor command and return its answer: what comes between the command and the next prompt. */
export async function ask(s: Session, command: string, echoed: boolean, timeoutMs = 10_000): Promise<string> {
  const from = s.out.length;
  s.send(`${command}\n`);
  const end = await s.waitFor(PROMPT, timeoutMs, from);
  let answer = s.out.slice(from, end - PROMPT.length);
  if (echoed) answer = answer.slice(answer.indexOf('\r\n') + 2);
  return answer;
}

/**
 * The answers of a monitor on stdio (`-monitor stdio`) to each command, from QEMU or Chronos;
 * `@wait MS` is no command but a pause (its answer is '').
 */
export async function monitorAnswers(machine: 'qemu' | 'chronos', args: string[], commands: string[]): Promise<string[]> {
  const s = machine === 'qemu' ? new Session('qemu-system-riscv64', args) : new Session(process.execPath, [CHRONOS, 'qemu', ...args]);
  try {
    await s.waitFor(PROMPT, 20_000);
    const answers: string[] = [];
    for (const c of commands) {
      const pause = /^@wait (\d+)$/.exec(c);
      if (pause) { await new Promise((r) => setTimeout(r, Number(pause[1]))); answers.push(''); continue; }
      answers.push(await ask(s, c, machine === 'qemu'));
    }
    s.send('q\n');
    return answers;
  } finally {
    await s.end();
  }
}

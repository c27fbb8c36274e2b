// A remote-serial-protocol client for the tests: frames packets, takes the stub's acks, and
// reads replies back through the stub's own reader; `chronos run --gdb 0` started as a child,
// with the port it reports.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { frame, PacketReader, type Received } from '../../src/debugger/gdb/packets.js';

export class RspClient {
  private readonly reader = new PacketReader();
  private readonly queue: Received[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  /** Console output the stub sent in O packets. */
  console = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const r of this.reader.feed(chunk)) this.queue.push(r);
      this.waiter?.();
    });
    socket.on('close', () => { this.closed = true; this.waiter?.(); });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RspClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RspClient(s)));
      s.once('error', reject);
    });
  }

  /** The next thing the stub sent (acks included), or undefined when it closed first. */
  async next(timeoutMs = 20_000): Promise<Received | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error('no answer from the stub');
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 100); });
      this.waiter = undefined;
    }
    return this.queue.shift();
  }

  /** The next packet, skipping acks and collecting O packets' console text. */
  async packet(timeoutMs?: number): Promise<string | undefined> {
    for (;;) {
      const r = await this.next(timeoutMs);
      if (r === undefined) return undefined;
      if (r.kind !== 'packet') continue;
      if (/^O[0-9a-f]+$/.test(r.data) && r.data !== 'OK') { this.console += Buffer.from(r.data.slice(1), 'hex').toString(); continue; }
      return r.data;
    }
  }

  write(bytes: string | Uint8Array): void { this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes); }

  send(data: string): void { this.write(frame(data)); }

  /** Send a packet and return its reply. */
  async request(data: string): Promise<string | undefined> {
    this.send(data);
    return this.packet();
  }

  close(): void { this.socket.destroy(); }
}

export interface Chronos { proc: ChildProcess; port: number; stderr: () => string; stdout: () => string; exited: Promise<number | null> }

/** `node dist/chronos.js run ARGS --gdb 0 ...`, once it says where it listens. */
export function startChronos(args: string[], command: 'run' | 'qemu' = 'run'): Promise<Chronos> {
  const proc = spawn(process.execPath, ['dist/chronos.js', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '', out = '';
  proc.stdout!.on('data', (b: Buffer) => { out += b.toString('latin1'); });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve({ proc, port: Number(m[1]), stderr: () => err, stdout: () => out, exited });
    });
    proc.on('exit', (code) => reject(new Error(`chronos exited (${code}) before listening: ${err}`)));
  });
}

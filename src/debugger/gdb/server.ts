// The gdb stub's network side: a TCP server for one gdb at a time (as QEMU's -gdb). A
// connecting gdb stops the guest, as `target remote` expects; its packets are acknowledged
// (until QStartNoAckMode), answered by its GdbSession, and a 0x03 byte interrupts. When gdb
// detaches or the connection drops, its breakpoints go and the guest runs on; the server
// keeps listening for the next gdb.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { frame, PacketReader, type Received } from './packets.js';
import { GdbSession } from './session.js';
import type { StubTarget, TargetStop } from './target.js';

export interface GdbServerOptions {
  host: string;
  port: number;
  /** Lines for the user (connections, dropped packets), without a newline. */
  log(line: string): void;
}

/** How many times in a row a packet is sent again when gdb asks ('-') before giving up on it. */
const MAX_RESENDS = 3;

export class GdbServer {
  private connection: Connection | undefined;

  private constructor(private readonly server: Server, private readonly target: StubTarget, private readonly log: (line: string) => void) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listen on host:port; rejects with the system's error (the port is taken, say). */
  static listen(target: StubTarget, opts: GdbServerOptions): Promise<GdbServer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        server.on('error', (e) => opts.log(`gdb stub: ${e.message}`));
        resolve(new GdbServer(server, target, opts.log));
      });
    });
  }

  /** Where it listens (the port the system chose when asked for port 0). */
  get address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  get connected(): boolean { return this.connection !== undefined; }

  private accept(socket: Socket): void {
    if (this.connection) {
      this.log(`gdb stub: refused a second connection from ${socket.remoteAddress}:${socket.remotePort} (one gdb at a time)`);
      socket.destroy();
      return;
    }
    this.target.hold();
    this.connection = new Connection(socket, this.target, this.log, () => { this.connection = undefined; });
    this.log(`gdb connected from ${socket.remoteAddress}:${socket.remotePort}`);
  }

  /** The runner's stops: gdb's while it is connected (and then the machine stays held). */
  onStop(stop: TargetStop): boolean {
    return this.connection?.session.onStop(stop) ?? false;
  }

  /** The run is over: tell a waiting gdb (W for an exit), then close everything. */
  async close(stop?: TargetStop): Promise<void> {
    const c = this.connection;
    if (c && stop) c.session.ended(stop);
    await c?.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

class Connection {
  readonly session: GdbSession;
  private readonly reader = new PacketReader();
  private noAck = false;
  private lastSent: Buffer | undefined;
  private resends = 0;
  private closed = false;

  constructor(private readonly socket: Socket, private readonly target: StubTarget, private readonly log: (line: string) => void,
    private readonly onClose: () => void) {
    this.session = new GdbSession(target, (data) => this.sendPacket(data));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => { for (const r of this.reader.feed(chunk)) this.received(r); });
    socket.on('error', () => this.gone());
    socket.on('close', () => this.gone());
  }

  private received(r: Received): void {
    if (this.closed) return;
    switch (r.kind) {
      case 'ack': this.resends = 0; return;
      case 'nak':
        if (!this.noAck && this.lastSent && this.resends++ < MAX_RESENDS) this.write(this.lastSent);
        return;
      case 'interrupt': this.session.interrupt(); return;
      case 'bad':
        this.log(`gdb stub: dropped a packet: ${r.reason}`);
        if (!this.noAck) this.write(Buffer.from('-'));
        return;
      case 'packet': this.packet(r.data); return;
    }
  }

  private packet(data: string): void {
    if (!this.noAck) this.write(Buffer.from('+'));
    let reply: string | undefined;
    try {
      reply = this.session.handle(data);
    } catch (e) {
      // A bug of ours must not end the session: gdb gets an error, the user one line.
      this.log(`gdb stub: internal error in '${data.slice(0, 40)}': ${(e as Error).message}`);
      if (process.env.CHRONOS_DEBUG) this.log(`${(e as Error).stack}`);
      reply = 'E01';
    }
    if (reply !== undefined) this.sendPacket(reply);
    if (this.session.noAck) this.noAck = true;
    const after = this.session.after;
    if (after === 'close') { this.log('gdb detached; the guest runs on'); void this.close(); }
    else if (after === 'kill') { this.log('killed by gdb'); this.target.kill(); }
  }

  private sendPacket(data: string): void {
    this.lastSent = frame(data);
    this.resends = 0;
    this.write(this.lastSent);
  }

  private write(b: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(b);
  }

  /** Close after everything written so far has gone out. */
  close(): Promise<void> {
    if (this.closed || this.socket.destroyed) { this.gone(); return Promise.resolve(); }
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      this.gone();
    });
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.detach();
    this.onClose();
  }
}

// The remote serial protocol's framing (gdb manual, "Remote Protocol", Overview and Binary
// Data): a packet is `$data#cc`, cc the sum of data's bytes modulo 256 in two hex digits. In
// data, '}' escapes the byte after it (xor 0x20) and `x*n` repeats x (n - 29) more times
// (run-length). The receiver answers '+' (taken) or '-' (send it again) until both sides agree
// to stop acknowledging (QStartNoAckMode). A 0x03 byte between packets is an interrupt: gdb's
// Ctrl-C. Payloads are kept as latin1 strings, one character per byte, so binary data (X,
// qXfer) passes unchanged.

/** What the reader found in the bytes from the other side. */
export type Received =
  | { kind: 'packet'; data: string }
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'interrupt' }
  /** A packet that cannot be taken: a wrong checksum, a bad escape, too long, cut short by another '$'. */
  | { kind: 'bad'; reason: string };

/** The largest payload accepted (after unescaping); qSupported announces it as PacketSize. */
export const MAX_PACKET = 0x4000;

const DOLLAR = 0x24, HASH = 0x23, ESCAPE = 0x7d, REPEAT = 0x2a, ACK = 0x2b, NAK = 0x2d, INTERRUPT = 0x03;

/** The modulo-256 sum of a string's bytes (its characters are bytes). */
export function checksum(raw: string): number {
  let sum = 0;
  for (let i = 0; i < raw.length; i++) sum = (sum + raw.charCodeAt(i)) & 0xff;
  return sum;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** A payload framed for sending: the bytes gdb would misread ($ # } *) escaped, the checksum appended. */
export function frame(data: string): Buffer {
  let body = '';
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    body += c === DOLLAR || c === HASH || c === ESCAPE || c === REPEAT ? `}${String.fromCharCode(c ^ 0x20)}` : data[i];
  }
  return Buffer.from(`$${body}#${hex2(checksum(body))}`, 'latin1');
}

/**
 * Turns the byte stream from gdb into acks, interrupts and whole packets, however the bytes
 * are split across reads. Bytes outside a packet other than + - and 0x03 are line noise and
 * are dropped, as gdb's own reader drops them.
 */
export class PacketReader {
  private inPacket = false;
  /** The raw bytes between '$' and '#', for the checksum. */
  private raw = '';
  /** The payload so far, escapes and repeats undone. */
  private data = '';
  private escaped = false;
  private repeat = false;
  /** The checksum digits after '#' (undefined until the '#'). */
  private sum: string | undefined;
  private broken: string | undefined;

  feed(bytes: Uint8Array): Received[] {
    const out: Received[] = [];
    for (const b of bytes) {
      const r = this.byte(b);
      if (r) out.push(r);
    }
    return out;
  }

  private byte(b: number): Received | undefined {
    if (!this.inPacket) {
      if (b === DOLLAR) { this.start(); return undefined; }
      if (b === ACK) return { kind: 'ack' };
      if (b === NAK) return { kind: 'nak' };
      if (b === INTERRUPT) return { kind: 'interrupt' };
      return undefined;
    }
    if (this.sum !== undefined) {
      this.sum += String.fromCharCode(b);
      return this.sum.length === 2 ? this.finish() : undefined;
    }
    if (b === DOLLAR) {
      // A new packet before this one's '#': this one was cut short (gdb restarts after a timeout).
      this.start();
      return { kind: 'bad', reason: 'a packet was cut short by the next one' };
    }
    if (b === HASH) {
      if (this.escaped) this.broken ??= 'the packet ends inside an escape';
      if (this.repeat) this.broken ??= 'the packet ends inside a repeat';
      this.sum = '';
      return undefined;
    }
    this.raw += String.fromCharCode(b);
    if (this.broken) return undefined;
    if (this.escaped) { this.escaped = false; this.add(String.fromCharCode(b ^ 0x20)); return undefined; }
    if (this.repeat) {
      this.repeat = false;
      const n = b - 29;
      // gdb never repeats nothing, and never spells a count with a non-printable byte.
      if (this.data.length === 0 || n < 1 || b > 126) { this.broken = 'a bad run-length repeat'; return undefined; }
      this.add(this.data[this.data.length - 1].repeat(n));
      return undefined;
    }
    if (b === ESCAPE) this.escaped = true;
    else if (b === REPEAT) this.repeat = true;
    else this.add(String.fromCharCode(b));
    return undefined;
  }

  private add(s: string): void {
    if (this.data.length + s.length > MAX_PACKET) { this.broken = `the packet is longer than ${MAX_PACKET} bytes`; return; }
    this.data += s;
  }

  private start(): void {
    this.inPacket = true;
    this.raw = '';
    this.data = '';
    this.escaped = false;
    this.repeat = false;
    this.sum = undefined;
    this.broken = undefined;
  }

  private finish(): Received {
    this.inPacket = false;
    const digits = this.sum!;
    if (this.broken) return { kind: 'bad', reason: this.broken };
    if (!/^[0-9a-fA-F]{2}$/.test(digits)) return { kind: 'bad', reason: `the checksum '${digits}' is not two hex digits` };
    const want = checksum(this.raw);
    if (parseInt(digits, 16) !== want) return { kind: 'bad', reason: `checksum ${digits} does not match the packet's ${hex2(want)}` };
    return { kind: 'packet', data: this.data };
  }
}

// The DAP's wire format read defensively: `Content-Length: N\r\n\r\n` then N bytes of JSON, from
// a stream that may carry anything. Each complete frame becomes a message, or a report of what
// was wrong with it (with the request's seq and command when they can be made out, so it can
// still be answered); the reader always finds the next frame. A Content-Length that lies is
// survived where the bytes allow: one too large swallows the next frame's header, which is
// found again inside the body; one too small cuts the JSON, which is completed up to the next
// header.

export type Incoming =
  | { kind: 'message'; message: Record<string, unknown> }
  | { kind: 'malformed'; reason: string; seq?: number; command?: string };

const HEADER_END = Buffer.from('\r\n\r\n');
const MARKER_BYTES = Buffer.from('Content-Length');
/** Larger frames than this are refused (and skipped): no client sends them. */
export const MAX_FRAME = 64 * 1024 * 1024;
/** How many closing braces a body that runs on is tried at, before it is given up as broken. */
const MAX_RESYNC_TRIES = 256;
/** Header bytes without an end before the reader gives up on them. */
const MAX_HEADER = 64 * 1024;

export class MessageReader {
  private buf = Buffer.alloc(0);
  /** The body length the last header announced, while its bytes are still to come. */
  private pending = -1;

  /** Take more bytes; returns the frames they complete. */
  feed(chunk: Uint8Array): Incoming[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const out: Incoming[] = [];
    for (;;) {
      if (this.pending < 0) {
        const end = this.buf.indexOf(HEADER_END);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER) {
            out.push({ kind: 'malformed', reason: `${this.buf.length} bytes without a header end (\\r\\n\\r\\n)` });
            this.skipToMarker(1);
          }
          return out;
        }
        const header = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end + HEADER_END.length);
        const m = /content-length\s*:\s*(\S*)/i.exec(header);
        const n = m && /^\d{1,12}$/.test(m[1]) ? Number(m[1]) : NaN;
        if (!Number.isFinite(n)) {
          out.push({ kind: 'malformed', reason: m ? `Content-Length '${m[1]}' is not a byte count` : 'a header without Content-Length' });
          // What follows is most likely the frame's JSON: take it up to the next header.
          const next = this.buf.indexOf(MARKER_BYTES);
          const body = this.buf.subarray(0, next >= 0 ? next : this.buf.length);
          const parsed = body.length ? parse(body.toString('utf8')) : undefined;
          if (parsed?.ok) { out.push(shape(parsed.value, body.toString('utf8'))); this.buf = this.buf.subarray(body.length); }
          continue;
        }
        if (n > MAX_FRAME) { out.push({ kind: 'malformed', reason: `a frame of ${n} bytes is larger than ${MAX_FRAME}` }); continue; }
        this.pending = n;
      }
      if (this.buf.length < this.pending) return out;
      const body = this.buf.subarray(0, this.pending);
      this.buf = this.buf.subarray(this.pending);
      this.pending = -1;
      out.push(this.decode(body));
    }
  }

  private decode(body: Buffer): Incoming {
    const text = body.toString('utf8');
    const parsed = parse(text);
    if (parsed.ok) return shape(parsed.value, text);
    // Too large a length: this body runs on into the next frame. The shortest prefix that is
    // JSON is this frame; the rest is read again (the next frame's header, or what is left of it).
    let tries = 0;
    for (let end = body.indexOf(0x7d); end >= 0 && tries++ < MAX_RESYNC_TRIES; end = body.indexOf(0x7d, end + 1)) {
      const head = parse(body.toString('utf8', 0, end + 1));
      if (head.ok) {
        this.buf = Buffer.concat([body.subarray(end + 1), this.buf]);
        return shape(head.value, text);
      }
    }
    // Too small a length: the JSON goes on up to the next header, if that has arrived.
    const next = this.buf.indexOf(MARKER_BYTES);
    if (next > 0) {
      const longer = parse(text + this.buf.toString('utf8', 0, next));
      if (longer.ok) { this.buf = this.buf.subarray(next); return shape(longer.value, text); }
    }
    return malformed(`invalid JSON (${parsed.error})`, text);
  }

  /** Drop bytes up to the next header that looks like one (or all of them). */
  private skipToMarker(from: number): void {
    const at = this.buf.indexOf(MARKER_BYTES, from);
    this.buf = at >= 0 ? this.buf.subarray(at) : Buffer.alloc(0);
  }
}

function parse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try { return { ok: true, value: JSON.parse(text) }; } catch (e) { return { ok: false, error: (e as Error).message }; }
}

function shape(value: unknown, text: string): Incoming {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed(`a message must be a JSON object, not ${describe(value)}`, text);
  return { kind: 'message', message: value as Record<string, unknown> };
}

/** A frame that is not a message: what is wrong, and the request it was meant to be if that shows. */
function malformed(reason: string, text: string): Incoming {
  const seq = /"seq"\s*:\s*(\d{1,15})/.exec(text);
  const command = /"command"\s*:\s*"([^"\\]{1,100})"/.exec(text);
  return { kind: 'malformed', reason, seq: seq ? Number(seq[1]) : undefined, command: command?.[1] };
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}


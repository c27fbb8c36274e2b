// The DAP frame reader (src/debugger/protocol/framing.ts) against whatever a wire may carry:
// frames split anywhere, invalid JSON, JSON that is not an object, headers without a length,
// and lengths that lie in either direction, after each of which the next frame still arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageReader, type Incoming } from '../../src/debugger/protocol/framing.js';

const frame = (body: string, length = Buffer.byteLength(body)): string => `Content-Length: ${length}\r\n\r\n${body}`;
const req = (seq: number, command: string): string => JSON.stringify({ seq, type: 'request', command, arguments: {} });

function read(...chunks: string[]): Incoming[] {
  const r = new MessageReader();
  return chunks.flatMap((c) => r.feed(Buffer.from(c)));
}
const seqs = (items: Incoming[]): (number | string)[] => items.map((i) => (i.kind === 'message' ? Number(i.message.seq) : `bad:${i.seq ?? '?'}`));

test('frames arrive whole however the bytes are split', () => {
  const all = frame(req(1, 'threads')) + frame(req(2, 'évaluer'));
  for (let cut = 0; cut <= all.length; cut++) assert.deepEqual(seqs(read(all.slice(0, cut), all.slice(cut))), [1, 2], `cut at ${cut}`);
});

test('invalid JSON is reported with the seq and command it can make out, and the next frame is read', () => {
  const items = read(frame('{"seq": 7, "type": "request", "command": "setBreakpoints", "arguments": {"x": NaN}}') + frame(req(8, 'threads')));
  assert.deepEqual(seqs(items), ['bad:7', 8]);
  assert.equal(items[0].kind === 'malformed' && items[0].command, 'setBreakpoints');
  assert.match(items[0].kind === 'malformed' ? items[0].reason : '', /invalid JSON/);
});

test('JSON that is not an object, and a header without a length', () => {
  assert.deepEqual(seqs(read(frame('[1, 2]') + frame('"text"') + frame(req(3, 'threads')))), ['bad:?', 'bad:?', 3]);
  const items = read(`Content-Type: application/json\r\n\r\n${req(4, 'threads')}${frame(req(5, 'threads'))}`);
  assert.deepEqual(seqs(items), ['bad:?', 4, 5]);
});

test('a length too large swallows the next header, which is found again', () => {
  for (let extra = 1; extra < 30; extra++) {
    const body = req(9, 'threads');
    const got = seqs(read(frame(body, Buffer.byteLength(body) + extra) + frame(req(10, 'threads')) + frame(req(11, 'threads'))));
    assert.deepEqual(got.filter((s) => typeof s === 'number'), [9, 10, 11], `${extra} bytes too many: ${got.join(' ')}`);
  }
});

test('a length too small cuts the JSON, which is completed up to the next header', () => {
  for (let short = 1; short < 10; short++) {
    const body = req(12, 'threads');
    assert.deepEqual(seqs(read(frame(body, Buffer.byteLength(body) - short) + frame(req(13, 'threads')))), [12, 13], `${short} bytes short`);
  }
});

test('garbage without any header end is dropped after a bound, and reading goes on', () => {
  const r = new MessageReader();
  const junk = r.feed(Buffer.alloc(70 * 1024, 0x41));
  assert.equal(junk.length, 1);
  assert.equal(junk[0].kind, 'malformed');
  assert.deepEqual(seqs(r.feed(Buffer.from(frame(req(14, 'threads'))))), [14]);
});

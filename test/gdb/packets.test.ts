// The remote protocol's framing: checksums, escapes, run-length repeats, acks and Ctrl-C,
// packets split across reads, and the packets a stub must refuse (a wrong or non-hex
// checksum, a packet cut short by the next, a broken escape or repeat, an oversized packet)
// without losing the packets that follow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksum, frame, MAX_PACKET, PacketReader, type Received } from '../../src/debugger/gdb/packets.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const feed = (s: string | Buffer): Received[] => new PacketReader().feed(typeof s === 'string' ? bytes(s) : s);
const sum = (s: string): string => checksum(s).toString(16).padStart(2, '0');

test('checksums are the byte sum modulo 256, two lower-case hex digits', () => {
  assert.equal(checksum(''), 0);
  assert.equal(checksum('OK'), 0x9a);
  assert.equal(frame('OK').toString('latin1'), '$OK#9a');
  assert.equal(frame('').toString('latin1'), '$#00');
  assert.equal(checksum('\xff\xff'), 0xfe);
});

test('frame escapes the bytes gdb would misread, and the reader undoes it', () => {
  const data = 'a$b#c}d*e\x03\xff';
  const framed = frame(data).toString('latin1');
  assert.equal(framed.slice(1, framed.indexOf('#', framed.length - 3)), 'a}\x04b}\x03c}]d}\ne\x03\xff');
  assert.doesNotMatch(framed.slice(1, -3), /[$#*]/);
  assert.deepEqual(feed(framed), [{ kind: 'packet', data }]);
});

test('the reader takes packets, acks and interrupts however the bytes are split', () => {
  const stream = `+${frame('qSupported:swbreak+').toString('latin1')}-\x03${frame('m80000000,4').toString('latin1')}`;
  const whole = feed(stream);
  assert.deepEqual(whole, [
    { kind: 'ack' }, { kind: 'packet', data: 'qSupported:swbreak+' }, { kind: 'nak' }, { kind: 'interrupt' },
    { kind: 'packet', data: 'm80000000,4' },
  ]);
  for (let cut = 1; cut < stream.length; cut++) {
    const r = new PacketReader();
    assert.deepEqual([...r.feed(bytes(stream.slice(0, cut))), ...r.feed(bytes(stream.slice(cut)))], whole, `split at ${cut}`);
  }
  const r = new PacketReader();
  assert.deepEqual([...bytes(stream)].flatMap((b) => r.feed(Buffer.of(b))), whole, 'one byte at a time');
});

test('a 0x03 inside a packet is data, not an interrupt', () => {
  assert.deepEqual(feed(`$X1,1:\x03#${sum('X1,1:\x03')}`), [{ kind: 'packet', data: 'X1,1:\x03' }]);
});

test('run-length repeats expand (x* followed by n repeats x n - 29 more times)', () => {
  // "0* " is 0 and three more: 0000.
  assert.deepEqual(feed(`$0* #${sum('0* ')}`), [{ kind: 'packet', data: '0000' }]);
  assert.deepEqual(feed(`$ab*"c#${sum('ab*"c')}`), [{ kind: 'packet', data: 'abbbbbbc' }]);
  // The checksum covers the bytes as sent, not as expanded.
  assert.deepEqual(feed(`$0* #${sum('0000')}`)[0].kind, 'bad');
});

test('lying and broken packets are refused, and the next packet still gets through', () => {
  const good = frame('g').toString('latin1');
  const cases: [string, RegExp][] = [
    ['$g#00', /checksum 00 does not match/],
    ['$g#zz', /not two hex digits/],
    ['$m0,4$', /cut short/],
    [`$a}#${sum('a}')}`, /inside an escape/],
    [`$*a#${sum('*a')}`, /run-length/],
    [`$a*\x10#${sum('a*\x10')}`, /run-length/],
  ];
  for (const [input, reason] of cases) {
    const got = feed(input + good);
    assert.equal(got[0].kind, 'bad', JSON.stringify(input));
    assert.match((got[0] as { reason: string }).reason, reason, JSON.stringify(input));
    assert.deepEqual(got[got.length - 1], { kind: 'packet', data: 'g' }, `after ${JSON.stringify(input)}`);
  }
});

test('an oversized packet is refused as a whole, without growing without bound', () => {
  const huge = 'M0,1:' + 'a'.repeat(MAX_PACKET + 10);
  const got = feed(`$${huge}#${sum(huge)}${frame('?').toString('latin1')}`);
  assert.equal(got.length, 2);
  assert.match((got[0] as { reason: string }).reason, /longer than/);
  assert.deepEqual(got[1], { kind: 'packet', data: '?' });
  // Exactly the limit is fine.
  const max = 'a'.repeat(MAX_PACKET);
  assert.deepEqual(feed(frame(max)), [{ kind: 'packet', data: max }]);
});

test('line noise between packets is dropped', () => {
  assert.deepEqual(feed(`hello\r\n\x00${frame('?').toString('latin1')}xyz`), [{ kind: 'packet', data: '?' }]);
});

test('random bytes with many framing bytes never throw, and what they yield fits the limit', () => {
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let round = 0; round < 200; round++) {
    const b = Buffer.alloc(2000, 0).map(() => {
      const x = rnd() % 100;
      return x < 5 ? 0x24 : x < 10 ? 0x23 : x < 13 ? 0x7d : x < 16 ? 0x2a : rnd() & 0xff;
    });
    for (const r of new PacketReader().feed(b)) {
      if (r.kind === 'packet') assert.ok(r.data.length <= MAX_PACKET);
    }
  }
});

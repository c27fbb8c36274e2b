// Request arguments are checked in one place (src/debugger/protocol/validate.ts), with messages
// that say which field, what it must be and what it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { checkArguments, knownRequest, SCHEMA_OPTIONS } from '../../src/debugger/protocol/validate.js';
import { REQUEST_SCHEMAS } from '../../src/debugger/protocol/schemas.js';

// The adapter compiles the schemas without checking them against the meta-schema (that costs
// start-up time), so this is where a malformed schema is caught.
test('every request schema is a valid JSON Schema', () => {
  const ajv = new Ajv(SCHEMA_OPTIONS);
  for (const [command, schema] of Object.entries(REQUEST_SCHEMAS)) {
    assert.equal(ajv.validateSchema(schema), true, `${command}: ${ajv.errorsText(ajv.errors)}`);
  }
  assert.equal(ajv.validateSchema({ type: 'object', properties: { line: { type: 'integr' } } }), false, 'a malformed schema is refused');
});

test('messages a user can act on', () => {
  assert.equal(checkArguments('setBreakpoints', { source: { path: '/a.c' }, breakpoints: [{ line: -5 }] }),
    'setBreakpoints: breakpoints[0].line must be a positive integer, got -5');
  assert.equal(checkArguments('setBreakpoints', { breakpoints: [] }), 'setBreakpoints: source is required');
  assert.equal(checkArguments('readMemory', { memoryReference: 'zz', count: 4 }),
    'readMemory: memoryReference must be an address (decimal or 0x hex, at most 64 bits), got "zz"');
  assert.equal(checkArguments('readMemory', { memoryReference: '0x10', count: 1e9 }), 'readMemory: count must be at most 16777216, got 1000000000');
  assert.equal(checkArguments('stackTrace', { threadId: 'one' }), 'stackTrace: threadId must be an integer, got "one"');
  assert.equal(checkArguments('next', { threadId: 1, granularity: 'word' }),
    'next: granularity must be one of "statement", "line", "instruction", got "word"');
  assert.equal(checkArguments('evaluate', []), 'evaluate: arguments must be an object, not an array');
  assert.equal(checkArguments('launch', { program: 'k', memory: 0 }), 'launch: memory must be a positive integer, got 0');
  assert.equal(checkArguments('launch', { program: 'k', smp: 9 }), 'launch: smp must be at most 8, got 9');
  assert.equal(checkArguments('launch', {}), 'launch: program is required');
});

test('well-formed arguments pass, extra fields included (clients add their own)', () => {
  assert.equal(checkArguments('setBreakpoints', { source: { path: '/a.c', name: 'a.c' }, breakpoints: [{ line: 3, condition: 'i == 2' }], extra: 1 }), undefined);
  assert.equal(checkArguments('launch', { type: 'chronos', request: 'launch', name: 'x', program: 'k', smp: 3, sourceMap: { '/a': '/b' }, __sessionId: 'z' }), undefined);
  assert.equal(checkArguments('threads', undefined), undefined);
  assert.equal(knownRequest('chronos/frames'), true);
  assert.equal(knownRequest('nonsense'), false);
});

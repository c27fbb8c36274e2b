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

test("a request named after an Object method is an unknown request, not a schema lookup that throws", () => {
  for (const c of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    assert.equal(knownRequest(c), false, c);
    assert.equal(checkArguments(c, {}), undefined, c);
  }
});

// The bundles carry validators compiled at build time (scripts/requestValidators.mjs); they must
// judge every argument as the ones compiled here at run time do, errors and all.
test('the validators compiled at build time judge as ajv.compile does', async () => {
  const { requestValidatorsSource } = await import('../../scripts/requestValidators.mjs');
  const module = { exports: {} as { requestValidator(c: string): ((v: unknown) => boolean) & { errors?: unknown } } };
  const { createRequire } = await import('node:module');
  new Function('module', 'exports', 'require', await requestValidatorsSource())(module, module.exports, createRequire(import.meta.url));
  const built = module.exports.requestValidator;
  const ajv = new Ajv({ ...SCHEMA_OPTIONS, validateSchema: false });
  const values: unknown[] = [{}, null, 1, 'x', [], { threadId: 1 }, { threadId: 'one' }, { threadId: -1 }, { threadId: 2 ** 31 + 1 },
    { source: { path: '/a.c' }, breakpoints: [{ line: 3 }] }, { source: { path: 5 } }, { source: {}, breakpoints: [{ line: 0 }] },
    { source: {}, breakpoints: [{ line: 1, hitCondition: 'x'.repeat(1001) }] }, { breakpoints: [{ name: '' }] }, { breakpoints: [{ dataId: 'v:1f:8', accessType: 'write' }] },
    { breakpoints: [{ dataId: 'q:1:1' }] }, { memoryReference: '0x10', count: 4 }, { memoryReference: 'zz', count: 4 }, { memoryReference: '0x10', count: 1e9 },
    { memoryReference: '0x10', data: 'AAE=' }, { memoryReference: '0x10', data: '**' }, { program: 'k' }, { program: 'k', memory: 0 }, { program: 'k', smp: 9 },
    { qemuArgs: '-kernel k' }, { program: 'k', history: 'lots' }, { program: 'k', sourceMap: { '/a': 3 } }, { expression: 'x', frameId: 1.5 },
    { granularity: 'word', threadId: 1 }, { filters: ['panic'] }, { filters: [1] }, { text: 'hi' }, { instruction: -1 }, { points: 1 }];
  for (const command of Object.keys(REQUEST_SCHEMAS)) {
    const b = built(command), r = ajv.compile(REQUEST_SCHEMAS[command]);
    assert.ok(b, `${command} has a built validator`);
    for (const v of values) {
      assert.equal(b(v), r(v), `${command} on ${JSON.stringify(v)}`);
      assert.deepEqual(b.errors ?? null, r.errors ?? null, `${command}'s errors on ${JSON.stringify(v)}`);
    }
  }
  assert.equal(built('nonsense'), undefined);
  assert.equal(built('constructor'), undefined);
});

// Binding a breakpoint to a process (the Processes view's "Stop only in this process").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindCondition } from '../../src/extension/conditions.js';

test('a binding adds $pid == N, replaces an earlier one, and keeps the user\'s condition whole', () => {
  assert.equal(bindCondition(undefined, 2), '$pid == 2');
  assert.equal(bindCondition('', 2), '$pid == 2');
  assert.equal(bindCondition('i == 7', 2), '$pid == 2 && (i == 7)');
  assert.equal(bindCondition('$pid == 2 && (i == 7)', 3), '$pid == 3 && (i == 7)');
  assert.equal(bindCondition('$pid == 2', 3), '$pid == 3');
  assert.equal(bindCondition('(a) || (b)', 1), '$pid == 1 && ((a) || (b))');
});

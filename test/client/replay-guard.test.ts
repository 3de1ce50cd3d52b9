import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_AHEAD_MS, admit, type SeenEnvelope } from '../../src/client/trust/replay-guard.ts';

const NOW = 1_780_000_000_000;

test('fresh once, a replay after; kept sorted by signed time', () => {
  let seen: readonly SeenEnvelope[] = [];
  for (const [id, sentAt] of [['b', NOW - 10], ['a', NOW - 20], ['c', NOW]] as const) {
    const result = admit(seen, { id, sentAt }, NOW);
    assert.is(result.verdict, 'fresh');
    seen = result.seen;
  }
  assert.equal(seen.map((entry) => entry.id), ['a', 'b', 'c']);
  assert.equal(admit(seen, { id: 'b', sentAt: NOW - 10 }, NOW), { verdict: 'replayed', seen });
});

test('signed more than ten minutes ahead of this clock: refused, not remembered', () => {
  assert.is(admit([], { id: 'x', sentAt: NOW + MAX_AHEAD_MS }, NOW).verdict, 'fresh');
  assert.equal(admit([], { id: 'y', sentAt: NOW + MAX_AHEAD_MS + 1 }, NOW), { verdict: 'future', seen: [] });
});

test('full: the oldest is forgotten, and anything older than what is left is refused as a possible replay', () => {
  let seen: readonly SeenEnvelope[] = [];
  for (let i = 0; i < 4; i++) seen = admit(seen, { id: `m${i}`, sentAt: NOW - 100 + i }, NOW, 3).seen;
  assert.equal(seen.map((entry) => entry.id), ['m1', 'm2', 'm3']);
  assert.is(admit(seen, { id: 'm0', sentAt: NOW - 100 }, NOW, 3).verdict, 'too_old', 'the forgotten one, replayed');
  assert.is(admit(seen, { id: 'n', sentAt: NOW - 98 }, NOW, 3).verdict, 'fresh', 'not older than the oldest kept');
});

test.run();

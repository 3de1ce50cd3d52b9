import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newSession } from '../../src/domain/connection.ts';
import { takeSendToken } from '../../src/domain/send-rate.ts';

test('a burst of twice the rate passes, then the sender waits for a token', () => {
  const session = newSession('c-1');
  for (let i = 0; i < 20; i++) assert.is(takeSendToken(session, 10, 0), 0, `send ${i}`);
  const wait = takeSendToken(session, 10, 0);
  assert.ok(wait > 99 && wait <= 100, `waits about 100 ms, got ${wait}`);
  assert.is(takeSendToken(session, 10, 100), 0);
  assert.ok(takeSendToken(session, 10, 100) > 0);
});

test('a rate of 0 never limits', () => {
  const session = newSession('c-1');
  for (let i = 0; i < 10_000; i++) assert.is(takeSendToken(session, 0, 0), 0);
});

test.run();

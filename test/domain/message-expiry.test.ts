import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { startMessageExpiry } from '../../src/domain/message-expiry.ts';
import type { MessageBuffer } from '../../src/ports/message-buffer.ts';
import { ManualClock, RecordingLogger } from '../support/fakes.ts';
import { TEST_CONFIG } from '../support/in-process-relay.ts';

const HOUR = 3_600_000;

/** A buffer that records when it was asked to expire, and answers `answer`. */
function expiryCalls(answer: () => number | Promise<number>) {
  const calls: number[] = [];
  const buffer = { expire: (now: number) => (calls.push(now), answer()) } as Pick<MessageBuffer, 'expire'> as MessageBuffer;
  return { buffer, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a queue nobody reads is emptied once its messages outlive the time-to-live, and the count is logged', async () => {
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  const buffer = new InMemoryMessageBuffer();
  const limits = { ...TEST_CONFIG.buffer, ttlMs: 10_000 };
  buffer.enqueue('bob', { from: 'alice', body: 'hi', ts: clock.now(), bytes: 2 }, limits);
  buffer.enqueue('bob', { from: 'alice', body: 'again', ts: clock.now() + 5_000, bytes: 5 }, limits);
  startMessageExpiry(buffer, clock, logger, limits.ttlMs);
  clock.advance(9_000);
  await settle();
  assert.equal(logger.entries.map((entry) => entry.event), [], 'nothing has outlived the TTL after 9 s');
  clock.advance(1_000);
  await settle();
  assert.equal(logger.entries, [{ level: 'info', event: 'messages_expired', fields: { count: 1 } }]);
  const left = await buffer.take('bob', 0, 10, clock.now());
  assert.equal(left.map((message) => message.body), ['again']);
});

test('expiry runs a tenth of the TTL apart, at least a second and at most a minute apart, at the clock\'s time', () => {
  for (const [ttlMs, interval] of [[5_000, 1_000], [100_000, 10_000], [7 * 24 * HOUR, 60_000]] as const) {
    const clock = new ManualClock();
    const { buffer, calls } = expiryCalls(() => 0);
    startMessageExpiry(buffer, clock, new RecordingLogger(), ttlMs);
    clock.advance(interval - 1);
    assert.equal(calls, [], `TTL ${ttlMs}: nothing before ${interval} ms`);
    clock.advance(1);
    clock.advance(interval);
    assert.equal(calls, [clock.time - interval, clock.time], `TTL ${ttlMs}: every ${interval} ms`);
  }
});

test('a failed run is logged as expiry_failed, and the next one runs all the same', async () => {
  const clock = new ManualClock();
  const logger = new RecordingLogger();
  let failures = 1;
  const { buffer, calls } = expiryCalls(async () => {
    if (failures-- > 0) throw new Error('redis went away');
    return 3;
  });
  startMessageExpiry(buffer, clock, logger, 10_000);
  clock.advance(1_000);
  await settle();
  clock.advance(1_000);
  await settle();
  assert.is(calls.length, 2);
  assert.equal(logger.entries, [
    { level: 'error', event: 'expiry_failed', fields: { reason: 'redis went away' } },
    { level: 'info', event: 'messages_expired', fields: { count: 3 } },
  ]);
});

test('once cancelled, expiry no longer runs and holds no timer', () => {
  const clock = new ManualClock();
  const { buffer, calls } = expiryCalls(() => 0);
  const cancel = startMessageExpiry(buffer, clock, new RecordingLogger(), 10_000);
  clock.advance(1_000);
  cancel();
  clock.advance(10_000);
  assert.is(calls.length, 1);
  assert.is(clock.scheduled, 0);
});

test.run();

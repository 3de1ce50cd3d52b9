import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisMessageBuffer } from '../../src/adapters/redis/redis-message-buffer.ts';
import { RedisPresenceHints } from '../../src/adapters/redis/redis-presence-hints.ts';
import { RedisPresence } from '../../src/adapters/redis/redis-presence.ts';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator.ts';
import { messageBufferContract } from '../contracts/message-buffer-contract.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

const harness = (target: RedisTarget) => ({ buffer: new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator()), dispose: () => target.dispose() });

const real = await realRedis();
const LIMITS = { maxMessagesPerRecipient: 10, maxBytesPerRecipient: 1000, maxBytesTotal: 10_000, ttlMs: 60_000 };
messageBufferContract('ioredis-mock', async () => harness(mockRedis()));
if (real !== undefined) messageBufferContract('redis-server', async () => harness(real()));

const hinted = suite<{ target: RedisTarget; buffer: RedisMessageBuffer; presence: RedisPresence }>('RedisMessageBuffer: presence read with a send or an ack');
hinted.before.each((context) => {
  context.target = real?.() ?? mockRedis();
  const hints = new RedisPresenceHints();
  context.buffer = new RedisMessageBuffer(context.target.redis, context.target.prefix, new RandomIdGenerator(), hints);
  context.presence = new RedisPresence(context.target.redis, context.target.prefix, { ttlMs: 60_000 }, { log: () => undefined }, hints);
});
hinted.after.each(async ({ target }) => {
  await target.dispose();
});

hinted('the lookup right after a send or an ack is answered at once; a turn later, by Redis again', async ({ buffer, presence }) => {
  await presence.claim('bob', 'c-bob');
  await presence.claim('alice', 'c-alice');
  const queued = await buffer.enqueue('bob', { from: 'alice', body: 'hi', ts: Date.now(), bytes: 2 }, LIMITS);
  assert.equal(presence.lookup('bob'), 'c-bob', 'no round trip for the recipient');
  assert.equal(presence.lookup('carol') instanceof Promise, true, 'no hint for anyone else');
  await buffer.acknowledge('bob', [queued.ok ? queued.id : '']);
  assert.equal(presence.lookup('alice'), 'c-alice', 'no round trip for the sender to receipt');
  await new Promise((resolve) => setImmediate(resolve));
  const later = presence.lookup('alice');
  assert.ok(later instanceof Promise, 'hints last one turn');
  assert.is(await later, 'c-alice');
});

hinted('a send to someone offline hints undefined; a claim on this instance drops the hint', async ({ buffer, presence }) => {
  await buffer.enqueue('bob', { from: 'alice', body: 'hi', ts: Date.now(), bytes: 2 }, LIMITS);
  assert.is(presence.lookup('bob'), undefined);
  const claiming = presence.claim('bob', 'c-bob');
  const lookup = presence.lookup('bob');
  assert.ok(lookup instanceof Promise, 'not the hint from before the claim');
  await claiming;
  assert.is(await lookup, 'c-bob');
});

hinted.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisBootId } from '../../src/adapters/redis/redis-boot-id.ts';
import { RecordingLogger } from '../support/fakes.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

const real = await realRedis();

function bootIdSuite(name: string, make: () => RedisTarget): void {
  const it = suite<{ target: RedisTarget }>(`RedisBootId: ${name}`);
  it.before.each((context) => {
    context.target = make();
  });
  it.after.each(async ({ target }) => {
    await target.dispose();
  });

  it('is the buffer\'s: every instance on the Redis, and the next start, read the same one', async ({ target }) => {
    const first = new RedisBootId(target.redis, target.prefix, new RecordingLogger());
    const second = new RedisBootId(target.redis, target.prefix, new RecordingLogger());
    await first.open();
    await second.open();
    assert.match(first.id, /^[A-Za-z0-9_-]{22}$/);
    assert.is(second.id, first.id);
  });

  it('a Redis that lost its data gets a new one, read on the reconnection, and the loss is logged', async ({ target }) => {
    const logger = new RecordingLogger();
    const boot = new RedisBootId(target.redis, target.prefix, logger);
    await boot.open();
    const before = boot.id;
    await target.redis.del(`${target.prefix}boot`);
    target.redis.emit('ready');
    for (let i = 0; i < 50 && boot.id === before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.is.not(boot.id, before);
    assert.match(boot.id, /^[A-Za-z0-9_-]{22}$/);
    assert.ok(logger.entries.some((entry) => entry.event === 'redis_queues_lost'));
  });

  it.run();
}

bootIdSuite('ioredis-mock', mockRedis);
if (real !== undefined) bootIdSuite('redis-server', real);

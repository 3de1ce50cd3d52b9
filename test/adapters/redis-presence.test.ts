import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisPresence } from '../../src/adapters/redis/redis-presence.ts';
import { presenceContract } from '../contracts/presence-contract.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

const silent = { log: () => undefined };
const harness = (target: RedisTarget) => ({
  presence: new RedisPresence(target.redis, target.prefix, { ttlMs: 60_000 }, silent),
  dispose: () => target.dispose(),
});

const real = await realRedis();
presenceContract('ioredis-mock', async () => harness(mockRedis()));
if (real !== undefined) presenceContract('redis-server', async () => harness(real()));

const expiry = suite<{ target: RedisTarget; presence: RedisPresence }>('RedisPresence: sessions of a dead instance expire');
expiry.before.each((context) => {
  context.target = real?.() ?? mockRedis();
  context.presence = new RedisPresence(context.target.redis, context.target.prefix, { ttlMs: 300 }, silent);
});
expiry.after.each(async ({ target, presence }) => {
  presence.stop();
  await target.dispose();
});

expiry('without renewal a session vanishes after its time-to-live: no ghost in who', async ({ presence }) => {
  await presence.claim('alice', 'c-a.1');
  assert.equal(await presence.online(), ['alice']);
  await new Promise((resolve) => setTimeout(resolve, 450));
  assert.is(await presence.lookup('alice'), undefined);
  assert.equal(await presence.online(), []);
});

expiry('a running instance renews its sessions, and puts back one Redis lost', async ({ target, presence }) => {
  await presence.claim('alice', 'c-a.1');
  presence.start();
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.is(await presence.lookup('alice'), 'c-a.1');
  await target.redis.del(`${target.prefix}presence:alice`);
  await presence.renew();
  assert.is(await presence.lookup('alice'), 'c-a.1');
  assert.equal(await presence.online(), ['alice']);
});

expiry('renewal neither revives a released session nor overrides another instance\'s claim', async ({ target, presence }) => {
  const other = new RedisPresence(target.redis, target.prefix, { ttlMs: 300 }, silent);
  await presence.claim('alice', 'c-a.1');
  await presence.claim('bob', 'c-a.2');
  await other.claim('alice', 'c-b.1');
  await presence.release('bob', 'c-a.2');
  await presence.renew();
  assert.is(await presence.lookup('alice'), 'c-b.1');
  assert.is(await presence.lookup('bob'), undefined);
});

expiry.run();

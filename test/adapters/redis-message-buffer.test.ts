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

const numbering = suite<{ target: RedisTarget }>('RedisMessageBuffer: the sends of one turn, in one script run');
numbering.before.each((context) => {
  context.target = real?.() ?? mockRedis();
});
numbering.after.each(async ({ target }) => {
  await target.dispose();
});

// ENQUEUE prints a number's last six digits apart from the others, and refused sends use up numbers.
numbering('numbers carry across a million and stay exact in ids, takes and acks', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const full = { ...LIMITS, maxMessagesPerRecipient: 3 };
  const send = (to: string, body: string) => buffer.enqueue(to, { from: 'alice', body, ts: Date.now(), bytes: body.length }, full);
  for (const [counter, expected] of [['1999997', [1999998, 1999999, 2000000, 2000001]], ['5', [6, 7, 8, 9]]] as const) {
    await target.redis.set(`${target.prefix}seq`, counter);
    await target.redis.del(`${target.prefix}q:bob`, `${target.prefix}q:bob:m`);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((body) => send('bob', body)).concat(send('carol', 'e')));
    assert.equal(results.map((r) => (r.ok ? r.seq : r.code)), [...expected.slice(0, 3), 'queue_full', expected[3]! + 1]);
    const ids = results.slice(0, 3).map((r) => (r.ok ? r.id : ''));
    assert.equal(ids.map((id) => id.slice(id.lastIndexOf('.') + 1)), expected.slice(0, 3).map(String));
    const taken = await buffer.take('bob', 0, 10, Date.now());
    assert.equal(taken.map((m) => [m.id, m.seq, m.body]), ids.map((id, i) => [id, expected[i], 'abc'[i]]));
    assert.equal((await buffer.acknowledge('bob', ids)).map((m) => m.id), ids);
  }
});

// ENQUEUE takes a recipient's sends of one run together: one room check when they all fit.
numbering('sends of one turn to several recipients are numbered recipient by recipient, each in the order sent', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const send = (to: string, body: string) => buffer.enqueue(to, { from: 'alice', body, ts: Date.now(), bytes: body.length }, { ...LIMITS, maxMessagesPerRecipient: 2 });
  const results = await Promise.all([send('bob', 'b1'), send('carol', 'c1'), send('bob', 'b2'), send('carol', 'c2'), send('bob', 'b3')]);
  const first = results[0]!.ok ? results[0]!.seq : 0;
  assert.equal(results.map((r) => (r.ok ? [r.seq - first, r.after === 0 ? 'none' : r.after - first] : r.code)), [[0, 'none'], [3, 'none'], [1, 0], [4, 3], 'queue_full']);
  assert.equal((await buffer.take('bob', 0, 10, Date.now())).map((m) => [m.body, m.seq - first]), [['b1', 0], ['b2', 1]]);
  assert.equal((await buffer.take('carol', 0, 10, Date.now())).map((m) => [m.body, m.seq - first]), [['c1', 3], ['c2', 4]]);
});

// ACKNOWLEDGE checks the usual ack (every message of its range, in order) member by member
// against the ids, with no table: a member only goes for an id that is all of its own.
numbering('an id that begins another\'s (S.1 beside S.10) acknowledges nothing, even when the range read holds as many messages as ids', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  await target.redis.set(`${target.prefix}seq`, '9');
  const send = (body: string) => buffer.enqueue('bob', { from: 'alice', body, ts: Date.now(), bytes: body.length }, LIMITS);
  const [ten, eleven] = await Promise.all([send('ten'), send('eleven')]);
  assert.ok(ten!.ok && eleven!.ok && ten.id.endsWith('.10') && eleven.id.endsWith('.11'));
  const lookalike = ten.id.slice(0, -1);
  assert.equal(await buffer.acknowledge('bob', [lookalike, eleven.id]), [{ id: eleven.id, from: 'alice' }]);
  assert.equal((await buffer.take('bob', 0, 10, Date.now())).map((m) => m.id), [ten.id]);
});

numbering('with no counter (Redis lost its data) numbers restart above the clock\'s, then count on', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const send = (ts: number) => buffer.enqueue('bob', { from: 'alice', body: 'hi', ts, bytes: 2 }, LIMITS);
  const results = await Promise.all([send(1_764_115_200_000), send(1_764_115_200_000)]);
  await target.redis.del(`${target.prefix}seq`);
  results.push(await send(1_764_115_200_005), await send(1_764_115_200_006));
  assert.equal(results.map((r) => (r.ok ? r.seq : r.code)), [1_764_115_200_000_001, 1_764_115_200_000_002, 1_764_115_200_005_001, 1_764_115_200_005_002]);
});

numbering('sends under different limits in one turn are each held to their own', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const send = (to: string, maxMessagesPerRecipient: number) =>
    buffer.enqueue(to, { from: 'alice', body: 'hi', ts: Date.now(), bytes: 2 }, { ...LIMITS, maxMessagesPerRecipient });
  const results = await Promise.all([send('bob', 1), send('bob', 1), send('carol', 3), send('carol', 3), send('bob', 2)]);
  assert.equal(results.map((r) => (r.ok ? 'ok' : r.code)), ['ok', 'queue_full', 'ok', 'ok', 'ok']);
  const seqs = results.map((r) => (r.ok ? r.seq : 0)).filter((seq) => seq > 0);
  assert.equal(seqs, [...seqs].sort((a, b) => a - b), 'numbered in the order sent');
});

numbering('a queue an older version wrote (no highest number kept) is never handed out past', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const send = (body: string) => buffer.enqueue('bob', { from: 'alice', body, ts: Date.now(), bytes: body.length }, LIMITS);
  const old = await send('old');
  await target.redis.hdel(`${target.prefix}q:bob:m`, 'last');
  const next = await send('next');
  assert.ok(old.ok && next.ok);
  assert.ok(next.after >= old.seq, `after ${next.after} is below ${old.seq}, still queued`);
  const then = await send('then');
  assert.equal(then.ok && then.after, next.seq, 'kept again from the next send on');
});

// ENQUEUE takes each member as an argument of its own: a newline no longer needs JSON.
numbering('a body with a newline is queued as it is; one with a lone surrogate as JSON, as earlier versions wrote both', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const ts = Date.now();
  for (const body of ['two\nlines', 'lone \ud800']) await buffer.enqueue('bob', { from: 'alice', body, ts, bytes: 9 }, LIMITS);
  const records = (await target.redis.zrange(`${target.prefix}q:bob`, 0, -1)).map((member) => member.split(':').slice(3).join(':'));
  assert.equal(records, [`alice:${ts}:two\nlines`, JSON.stringify(['alice', 'lone \ud800', ts])]);
  assert.equal((await buffer.take('bob', 0, 10, ts)).map((m) => m.body), ['two\nlines', 'lone \ud800']);
});

// An emptied queue keeps its keys until the sweep (making them again at each send cost Redis).
numbering('an emptied queue is forgotten by the sweep, and swept again once it fills again', async ({ target }) => {
  const buffer = new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator());
  const keys = () => Promise.all([target.redis.exists(`${target.prefix}q:bob:m`), target.redis.zrange(`${target.prefix}queues`, 0, -1)]);
  const sent = await buffer.enqueue('bob', { from: 'alice', body: 'hi', ts: Date.now(), bytes: 2 }, LIMITS);
  await buffer.acknowledge('bob', [sent.ok ? sent.id : '']);
  assert.equal(await keys(), [1, ['bob']], 'kept while empty');
  assert.is(await buffer.expire(Date.now()), 0);
  assert.equal(await keys(), [0, []], 'forgotten by the sweep');
  await buffer.enqueue('bob', { from: 'alice', body: 'hi', ts: Date.now(), bytes: 2 }, LIMITS);
  assert.equal(await keys(), [1, ['bob']]);
  assert.is(await buffer.expire(Date.now() + LIMITS.ttlMs + 1), 1, 'the queue made again is swept');
  assert.equal(await keys(), [0, []]);
  assert.is(await target.redis.get(`${target.prefix}bytes`), '0');
});

numbering.run();

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

// Each id a run of its own and a sender of its own: the reply's most values for an ack.
hinted('an ack of thousands of ids, each from another sender, is answered whole', async ({ buffer }) => {
  const roomy = { ...LIMITS, maxMessagesPerRecipient: 10_000, maxBytesPerRecipient: 1 << 20, maxBytesTotal: 1 << 20 };
  const sent = await Promise.all(Array.from({ length: 2_800 }, (_, i) => buffer.enqueue('bob', { from: `s${i}`, body: 'x', ts: Date.now(), bytes: 1 }, roomy)));
  const ids = sent.map((result) => (result.ok ? result.id : ''));
  const acknowledged = await buffer.acknowledge('bob', ids);
  assert.equal(acknowledged.length, 2_800);
  assert.equal(acknowledged.at(-1), { id: ids.at(-1)!, from: 's2799' });
});

hinted.run();

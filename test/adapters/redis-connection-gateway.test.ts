import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { InstanceIdGenerator } from '../../src/adapters/redis/instance-id-generator.ts';
import { InstanceIdentity } from '../../src/adapters/redis/instance-identity.ts';
import { RedisConnectionGateway } from '../../src/adapters/redis/redis-connection-gateway.ts';
import { RedisInstanceListener } from '../../src/adapters/redis/redis-instance-listener.ts';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator.ts';
import { RecordingGateway, RecordingLogger } from '../support/fakes.ts';
import { redisServerMissing, startRedisServer } from '../support/redis-server.ts';
import type { RedisServer } from '../support/redis-server.ts';
import { runUnlessMissing } from '../support/missing-service.ts';

interface Instance {
  readonly identity: InstanceIdentity;
  readonly local: RecordingGateway;
  readonly gateway: RedisConnectionGateway;
  readonly pushed: [string, number][];
  readonly clients: Redis[];
}

const missing = redisServerMissing();
const server = missing === undefined ? await startRedisServer() : undefined;
const it = suite<{ a: Instance; b: Instance }>('RedisConnectionGateway: reaching connections of another instance');

async function instance(server: RedisServer, prefix: string): Promise<Instance> {
  const identity = new InstanceIdentity();
  const local = new RecordingGateway();
  const logger = new RecordingLogger();
  const commands = server.client();
  const subscriber = server.client();
  const gateway = new RedisConnectionGateway(local, commands, prefix, identity, logger);
  const pushed: [string, number][] = [];
  const listener = new RedisInstanceListener(subscriber, prefix, identity, gateway, async (connection, seq) => void pushed.push([connection, seq]), logger);
  await listener.start();
  return { identity, local, gateway, pushed, clients: [commands, subscriber] };
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it.before.each(async (context) => {
  const prefix = `test-${randomBytes(4).toString('hex')}:`;
  context.a = await instance(server!, prefix);
  context.b = await instance(server!, prefix);
});
it.after.each(async ({ a, b }) => {
  await Promise.all([...a.clients, ...b.clients].map((client) => client.quit()));
});

it('connection ids carry their instance', ({ a, b }) => {
  const ids = new InstanceIdGenerator(new RandomIdGenerator(), a.identity);
  const id = ids.connectionId();
  assert.ok(a.identity.holds(id));
  assert.not.ok(b.identity.holds(id));
  assert.match(ids.messageId(), /^m-/);
});

it('frames, closes and wakes for a connection of B, asked on A, are applied on B only', async ({ a, b }) => {
  const onB = b.identity.stamp('c-0123');
  a.gateway.send(onB, { op: 'receipt', id: 'm-1', to: 'bob' });
  a.gateway.send(onB, { op: 'bye', reason: 'replaced' });
  a.gateway.close(onB);
  a.gateway.wake(onB, 7);
  await eventually(() => b.pushed.length === 1);
  assert.equal(b.local.sentTo(onB), [{ op: 'receipt', id: 'm-1', to: 'bob' }, { op: 'bye', reason: 'replaced' }]);
  assert.ok(b.local.closed.has(onB));
  assert.equal(b.pushed, [[onB, 7]]);
  assert.equal(a.local.frames.size, 0);
  assert.equal(a.pushed, []);
});

it('a connection of this instance is served locally, and only it can take pushes', async ({ a, b }) => {
  const onA = a.identity.stamp('c-1');
  a.gateway.send(onA, { op: 'pong' });
  assert.equal(a.local.sentTo(onA), [{ op: 'pong' }], 'at once, without Redis');
  assert.ok(a.gateway.canTakeMore(onA));
  assert.not.ok(a.gateway.canTakeMore(b.identity.stamp('c-2')));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(b.local.frames.size, 0);
});

it('B ignores malformed commands and commands for connections it does not hold', async ({ a, b }) => {
  const publisher = a.clients[0]!;
  const onA = a.identity.stamp('c-9');
  const bChannel = (await publisher.pubsub('CHANNELS', '*')) as string[];
  const target = bChannel.find((name) => name.endsWith(`instance:${b.identity.instance}`))!;
  await publisher.publish(target, 'not json');
  await publisher.publish(target, JSON.stringify({ do: 'send', connection: onA, frame: { op: 'pong' } }));
  await publisher.publish(target, JSON.stringify({ do: 'explode', connection: b.identity.stamp('c-3') }));
  for (const ids of [[1], 'm-1', undefined]) {
    await publisher.publish(target, JSON.stringify({ do: 'receipts', connection: b.identity.stamp('c-3'), to: 'bob', ids }));
  }
  const onB = b.identity.stamp('c-4');
  a.gateway.send(onB, { op: 'pong' });
  await eventually(() => b.local.sentTo(onB).length === 1);
  assert.equal([...b.local.frames.keys()], [onB]);
  // An older version's wake carries no number: whatever is queued is pushed.
  await publisher.publish(target, JSON.stringify({ do: 'wake', connection: onB }));
  await eventually(() => b.pushed.length === 1);
  assert.equal(b.pushed, [[onB, Number.MAX_SAFE_INTEGER]]);
});

it("one turn's commands for B go in one message, in order, each connection woken once", async ({ a, b }) => {
  const listener = server!.client();
  // Ready first: ioredis's ready check (INFO) is refused on a connection already subscribed.
  await listener.ping();
  const messages: string[] = [];
  listener.on('message', (_channel: string, text: string) => messages.push(text));
  const channels = (await a.clients[0]!.pubsub('CHANNELS', '*')) as string[];
  await listener.subscribe(channels.find((name) => name.endsWith(`instance:${b.identity.instance}`))!);
  try {
    const [one, two] = [b.identity.stamp('c-5'), b.identity.stamp('c-6')];
    for (let i = 0; i < 3; i++) {
      a.gateway.wake(one, [5, 7, 6][i]!);
      a.gateway.send(one, { op: 'receipt', id: `m-${i}`, to: 'bob' });
    }
    a.gateway.wake(two, 4);
    a.gateway.send(two, { op: 'receipt', id: 'm-8', to: 'carol' });
    a.gateway.send(two, { op: 'receipt', id: 'm-9', to: 'dave' });
    a.gateway.send(one, { op: 'receipt', id: 'm-3', to: 'bob' });
    a.gateway.send(one, { op: 'receipt', id: 'm-4', to: 'bob', unreadable: true });
    await eventually(() => b.pushed.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(b.pushed, [[one, 7], [two, 4]], 'each once, for the highest number');
    assert.equal(b.local.sentTo(one), [...[0, 1, 2, 3].map((i) => ({ op: 'receipt', id: `m-${i}`, to: 'bob' })), { op: 'receipt', id: 'm-4', to: 'bob', unreadable: true }]);
    assert.equal(b.local.sentTo(two), [{ op: 'receipt', id: 'm-8', to: 'carol' }, { op: 'receipt', id: 'm-9', to: 'dave' }]);
    assert.is(messages.length, 1, messages.join('\n'));
    const receipts = (connection: string, to: string, ids: string[]) => ({ do: 'receipts', connection, to, ids });
    assert.equal(JSON.parse(messages[0]!), [
      { do: 'wake', connection: one, seq: 7 }, receipts(one, 'bob', ['m-0', 'm-1', 'm-2']), { do: 'wake', connection: two, seq: 4 },
      receipts(two, 'carol', ['m-8']), receipts(two, 'dave', ['m-9']), receipts(one, 'bob', ['m-3']),
      // docs/protocol.md "Unreadable copies": the flagged one as its frame, which an older instance passes on whole.
      { do: 'send', connection: one, frame: { op: 'receipt', id: 'm-4', to: 'bob', unreadable: true } },
    ], 'receipts in a row for one connection and recipient go as one command');
  } finally {
    await listener.quit();
  }
});

if (server !== undefined) it.after(() => server.stop());
runUnlessMissing(it, missing);

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisMessageBuffer } from '../../src/adapters/redis/redis-message-buffer.ts';
import { RandomIdGenerator } from '../../src/adapters/system/random-id-generator.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import type { MessageBuffer } from '../../src/ports/message-buffer.ts';
import { PUSH_RETRY_MS } from '../../src/domain/router.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';
import { mockRedis, realRedis } from '../support/redis-harness.ts';
import type { RedisTarget } from '../support/redis-harness.ts';

const pushFailures = (h: ReturnType<typeof inProcessRelay>) => h.logger.entries.filter((entry) => entry.event === 'handler_failed').map((entry) => entry.level);

/** Lets what the retry set off end: at once in memory, a round trip or two with redis-server. */
async function settledOn(condition: () => boolean): Promise<void> {
  for (let turns = 0; turns < 200 && !condition(); turns++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Bob stays connected and quiet; the write of alice's message to him fails once. */
async function firstPushFails(mode: PortMode, buffer: MessageBuffer | undefined, times = 1) {
  const h = inProcessRelay({ mode, buffer });
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const send = h.gateway.send.bind(h.gateway);
  let failures = times;
  h.gateway.send = (connection: string, frame: OutboundFrame) => {
    if (connection === bob && frame.op === 'msg' && failures-- > 0) throw new Error('write failed');
    send(connection, frame);
  };
  await h.frame(alice, { op: 'send', to: 'bob', body: 'stranded?' });
  await settledOn(() => pushFailures(h).length > 0);
  const bodies = () => h.gateway.sentTo(bob).filter((frame) => frame.op === 'msg').map((frame) => frame.body);
  assert.equal(bodies(), [], 'the first push failed');
  return { h, bob, bodies };
}

/** A buffer for one test (the memory one when undefined) and its clean-up. */
type BufferMaker = () => { buffer: MessageBuffer | undefined; dispose(): Promise<void> };

function pushRetrySuite(label: string, mode: PortMode, make: BufferMaker): void {
  const test = suite(`a push that failed is tried again: ${label}, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);
  let disposal: (() => Promise<void>) | undefined;
  const firstFails = (times = 1) => {
    const { buffer, dispose } = make();
    disposal = dispose;
    return firstPushFails(mode, buffer, times);
  };
  test.after.each(async () => disposal?.());

  // Issue 24 "Stranded messages": before, it waited for bob's next message, drain or login.
  test('on a timer: a recipient who stays connected and quiet gets it within a retry period', async () => {
    const { h, bodies } = await firstFails();
    h.clock.advance(PUSH_RETRY_MS);
    await settledOn(() => bodies().length > 0);
    assert.equal(bodies(), ['stranded?']);
    assert.is(h.clock.scheduled, 0, 'the retry timer ends with the failures');
  });

  test('a push failing on every retry is logged once at error, then at debug, until it goes through', async () => {
    const { h, bodies } = await firstFails(3);
    for (let retry = 1; retry <= 3; retry++) {
      h.clock.advance(PUSH_RETRY_MS);
      await settledOn(() => pushFailures(h).length > retry || bodies().length > 0);
    }
    assert.equal(pushFailures(h), ['error', 'debug', 'debug']);
    assert.equal(bodies(), ['stranded?']);
  });

  // A wake lost between instances (Redis pub/sub): the message waits in the shared buffer, and no
  // timer of this instance knows of it. The clients ping every 60 s (keep-alive.ts, web/main.ts).
  test('a wake lost between instances: nothing pushes it until the recipient\'s own ping, which brings it', async () => {
    const { buffer, dispose } = make();
    disposal = dispose;
    const h = inProcessRelay({ mode, buffer });
    await h.addOperators('alice', 'bob');
    const bob = await h.login('bob');
    await h.buffer.enqueue('bob', { from: 'alice', body: 'woken?', ts: h.clock.now(), bytes: 6 }, h.config.buffer);
    const bodies = () => h.gateway.sentTo(bob).filter((frame) => frame.op === 'msg').map((frame) => frame.body);
    h.clock.advance(10 * PUSH_RETRY_MS);
    await settledOn(() => bodies().length > 0);
    assert.equal(bodies(), [], 'queued by another instance, its wake lost');
    await h.frame(bob, { op: 'ping', ref: 'p' });
    await settledOn(() => bodies().length > 0);
    assert.equal(bodies(), ['woken?']);
  });

  test('on ping: the recipient\'s own ping brings it at once', async () => {
    const { h, bob, bodies } = await firstFails();
    const answer = await h.frame(bob, { op: 'ping', ref: 'p' });
    assert.equal(answer[0], { op: 'pong', ref: 'p' });
    assert.equal(bodies(), ['stranded?']);
  });

  test.run();
}

const redisBuffer = (target: RedisTarget) => ({ buffer: new RedisMessageBuffer(target.redis, target.prefix, new RandomIdGenerator()), dispose: () => target.dispose() });
for (const mode of PORT_MODES) pushRetrySuite('memory buffer', mode, () => ({ buffer: undefined, dispose: async () => undefined }));
pushRetrySuite('Redis buffer on ioredis-mock', 'sync', () => redisBuffer(mockRedis()));
const real = await realRedis();
if (real !== undefined) pushRetrySuite('Redis buffer on redis-server', 'sync', () => redisBuffer(real()));

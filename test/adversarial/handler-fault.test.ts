import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import type { BufferLimits, NewMessage, QueuedMessage } from '../../src/domain/messages.ts';
import type { Awaitable } from '../../src/ports/awaitable.ts';
import type { EnqueueResult } from '../../src/ports/message-buffer.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';
import { PASSWORD } from '../support/seed-operators.ts';

const SECRET = 'TOPSECRET-body-7f3a';

/**
 * A buffer whose storage breaks on one message: an unexpected exception deep in a handler,
 * thrown at once (the memory adapters answer synchronously) or through a rejected promise.
 */
class BrokenBuffer extends InMemoryMessageBuffer {
  constructor(private readonly rejects: boolean) {
    super();
  }

  override enqueue(to: string, message: NewMessage, limits: BufferLimits): Awaitable<EnqueueResult> {
    if (!message.body.includes('break')) return super.enqueue(to, message, limits);
    const error = new TypeError(`storage failed on ${message.body}`);
    if (this.rejects) return Promise.reject(error);
    throw error;
  }
}

for (const rejects of [false, true]) {
  test(`an exception in a handler (${rejects ? 'a rejected promise' : 'thrown at once'}): that frame gets internal, the connection lives on, the log says where without content`, async () => {
    await exceptionCostsOnlyItsFrame(new BrokenBuffer(rejects));
  });
}

for (const rejects of [false, true]) {
  test(`a push that fails (${rejects ? 'a rejected promise' : 'thrown at once'}) leaves the connection able to be pushed to again`, async () => {
    let failTakes = 0;
    const buffer = new (class extends InMemoryMessageBuffer {
      override take(to: string, afterSeq: number, max: number, now: number): Awaitable<QueuedMessage[]> {
        if (failTakes > 0) {
          failTakes--;
          if (rejects) return Promise.reject(new Error('take failed'));
          throw new Error('take failed');
        }
        return super.take(to, afterSeq, max, now);
      }
    })();
    const h = inProcessRelay({ buffer });
    await h.addOperators('alice', 'bob');
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    failTakes = 1;
    const failed = await h.frame(alice, { op: 'send', to: 'bob', body: 'first', ref: '1' });
    assert.equal(failed.map((f) => (f.op === 'error' ? f.code : f.op)), ['internal']);
    const sent = await h.frame(alice, { op: 'send', to: 'bob', body: 'second', ref: '2' });
    assert.equal(sent.map((f) => (f.op === 'sent' ? f.status : f.op)), ['delivered']);
    const bodies = h.gateway.sentTo(bob).flatMap((f) => (f.op === 'msg' ? [f.body] : []));
    assert.equal(bodies, ['first', 'second'], 'the message queued before the failure is pushed too, in order');
  });
}

async function exceptionCostsOnlyItsFrame(broken: BrokenBuffer): Promise<void> {
  const h = inProcessRelay({ buffer: broken });
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  const bob = await h.login('bob');

  const replies = await h.frame(alice, { op: 'send', to: 'bob', body: `break ${SECRET}`, ref: 'r-1' });
  assert.equal(replies, [{ op: 'error', code: 'internal', message: 'internal error', ref: 'r-1' }]);
  assert.not.ok(h.gateway.closed.has(alice), 'the connection stays open');

  assert.equal(await h.frame(alice, { op: 'ping', ref: 'after' }), [{ op: 'pong', ref: 'after' }]);
  const sent = await h.frame(alice, { op: 'send', to: 'bob', body: 'fine', ref: 'r-2' });
  assert.is(sent[0]?.op, 'sent');
  assert.is(h.last(bob)?.op, 'msg');

  const failures = h.logger.entries.filter((entry) => entry.event === 'handler_failed');
  assert.is(failures.length, 1);
  const [failure] = failures;
  assert.is(failure?.level, 'error');
  assert.equal({ op: failure?.fields.op, error: failure?.fields.error }, { op: 'send', error: 'TypeError' });
  assert.match(String(failure?.fields.where), /handler-fault\.test\.ts:\d+/, 'names the place that threw');
  assert.not.ok(JSON.stringify(h.logger.entries).includes(SECRET), 'no message content in the log');
}

test('an exception while authenticating: internal, and the name is not left locked by the throttle', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice');
  const original = h.credentials.findHash.bind(h.credentials);
  let broken = true;
  h.credentials.findHash = async (name) => {
    if (broken) throw new Error('database is locked');
    return original(name);
  };
  const conn = h.open();
  const replies = await h.frame(conn, { op: 'auth', name: 'alice', password: PASSWORD, ref: 'a' });
  assert.equal(replies.map((f) => (f.op === 'error' ? f.code : f.op)), ['internal']);
  broken = false;
  const retry = await h.frame(conn, { op: 'auth', name: 'alice', password: PASSWORD });
  assert.is(retry[0]?.op, 'welcome');
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import type { BufferLimits, NewMessage, QueuedMessage } from '../../src/domain/messages.ts';
import type { EnqueueResult } from '../../src/ports/message-buffer.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { outline } from '../support/frame-assertions.ts';

const SECRET = 'TOPSECRET-body-7f3a';

/** A buffer whose storage breaks on one message: thrown at once, or rejected when the ports answer later. */
class BrokenBuffer extends InMemoryMessageBuffer {
  override enqueue(to: string, message: NewMessage, limits: BufferLimits): EnqueueResult {
    if (message.body.includes('break')) throw new TypeError(`storage failed on ${message.body}`);
    return super.enqueue(to, message, limits);
  }
}

/** A buffer whose next `failTakes` takes fail: a push that breaks after its message was accepted. */
class FailingTakeBuffer extends InMemoryMessageBuffer {
  failTakes = 0;
  override take(to: string, afterSeq: number, max: number, now: number): readonly QueuedMessage[] {
    if (this.failTakes > 0) {
      this.failTakes--;
      throw new Error(`take failed for ${SECRET}`);
    }
    return super.take(to, afterSeq, max, now);
  }
}

/** Makes the next `count` message writes to `connection` throw, as a broken socket's would. */
function failMessageWrites(h: ReturnType<typeof inProcessRelay>, connection: string, count: number): void {
  const send = h.gateway.send.bind(h.gateway);
  let failures = count;
  h.gateway.send = (to, frame) => {
    if (to === connection && frame.op === 'msg' && failures-- > 0) throw new Error(`write failed for ${SECRET}`);
    send(to, frame);
  };
}

const bodiesTo = (frames: OutboundFrame[]) => frames.flatMap((f) => (f.op === 'msg' ? [f.body] : []));

for (const mode of PORT_MODES) {
  const test = suite(`handler faults, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);
  const thrown = mode === 'sync' ? 'thrown at once' : 'a rejected promise';

  async function pushFailure(buffer = new FailingTakeBuffer()) {
    const h = inProcessRelay({ buffer, mode });
    await h.addOperators('alice', 'bob');
    return { h, buffer, alice: await h.login('alice'), bob: await h.login('bob') };
  }

  test(`an exception in a handler (${thrown}): that frame gets internal, the connection lives on, the log says where without content`, async () => {
    const h = inProcessRelay({ buffer: new BrokenBuffer(), mode });
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
  });

  test(`a push that fails (${thrown}) after the buffer took the message: the sender gets sent, the log says where, the next drain delivers it once`, async () => {
    const { h, buffer, alice, bob } = await pushFailure();
    // The first message's write fails, so the second cannot be handed out as it is: it is taken.
    failMessageWrites(h, bob, 1);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'first', ref: '1' })), ['sent queued']);
    buffer.failTakes = 1;
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'second', ref: '2' })), ['sent queued']);
    assert.equal(bodiesTo(h.gateway.sentTo(bob)), []);
    const failures = h.logger.entries.filter((entry) => entry.event === 'handler_failed');
    assert.equal(failures.map((f) => [f.fields.conn, f.fields.op, f.fields.error]), [[bob, 'push', 'Error'], [bob, 'push', 'Error']]);
    assert.not.ok(JSON.stringify(h.logger.entries).includes(SECRET), 'no message content in the log');
    await h.relay.onDrain(bob);
    await h.relay.onDrain(bob);
    assert.equal(bodiesTo(h.gateway.sentTo(bob)), ['first', 'second'], 'retried, once each');
  });

  test('a push that fails: the message comes once on the next login, and the next send pushes it first', async () => {
    const { h, alice, bob } = await pushFailure();
    failMessageWrites(h, bob, 1);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'first' })), ['sent queued']);
    await h.relay.onClose(bob);
    const again = await h.login('bob');
    assert.equal(h.gateway.sentTo(again)[1], { op: 'welcome', name: 'bob', pending: 1 });
    assert.equal(bodiesTo(h.gateway.sentTo(again)), ['first']);

    failMessageWrites(h, again, 1);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'second' })), ['sent queued']);
    await h.frame(alice, { op: 'send', to: 'bob', body: 'third' });
    assert.equal(bodiesTo(h.gateway.sentTo(again)), ['first', 'second', 'third'], 'in order, each once');
  });

  test('a write that throws while pushing: the sender gets sent, the connection is pushed to again, each message once', async () => {
    const { h, alice, bob } = await pushFailure();
    failMessageWrites(h, bob, 1);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'first' })), ['sent queued']);
    assert.equal(h.logger.entries.map((e) => [e.event, e.fields.op]).filter(([event]) => event === 'handler_failed'), [['handler_failed', 'push']]);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'second' })), [mode === 'sync' ? 'sent delivered' : 'sent queued']);
    // Handed out once before the write failed, the first counts as pushed: docs/protocol.md, "Messages".
    assert.equal(h.gateway.sentTo(bob).flatMap((f) => (f.op === 'msg' ? [[f.body, f.redelivered]] : [])), [['first', true], ['second', undefined]]);
  });

  test('a write that throws among the messages following a welcome: the login stands, the rest follows, each message once', async () => {
    const { h, alice } = await pushFailure();
    await h.addOperators('carol');
    for (const body of ['one', 'two']) await h.frame(alice, { op: 'send', to: 'carol', body });
    const send = h.gateway.send.bind(h.gateway);
    let failWrites = 1;
    h.gateway.send = (connection, frame) => {
      if (frame.op === 'msg' && failWrites-- > 0) throw new Error('write failed');
      send(connection, frame);
    };
    const carol = await h.login('carol');
    assert.equal(outline(h.gateway.sentTo(carol)), ['hello', 'welcome', 'msg', 'msg']);
    assert.equal(bodiesTo(h.gateway.sentTo(carol)), ['one', 'two']);
  });

  test('an exception while authenticating: internal, and the name is not left locked by the throttle', async () => {
    const h = inProcessRelay({ mode });
    await h.addOperators('alice');
    const original = h.credentials.findHash.bind(h.credentials);
    let broken = true;
    h.credentials.findHash = async (name) => {
      if (broken) throw new Error('database is locked');
      return original(name);
    };
    const conn = h.open();
    const replies = await h.frame(conn, { op: 'auth', name: 'alice', password: PASSWORD, ref: 'a' });
    assert.equal(outline(replies), ['internal']);
    broken = false;
    const retry = await h.frame(conn, { op: 'auth', name: 'alice', password: PASSWORD });
    assert.is(retry[0]?.op, 'welcome');
  });

  test.run();
}

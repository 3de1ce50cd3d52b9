import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import type { QueuedMessage } from '../../src/domain/messages.ts';
import { expectFrame, msgs, outline } from '../support/frame-assertions.ts';
import { PORT_MODES, inProcessRelay, relayWithAlice } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';

class TakeCountingBuffer extends InMemoryMessageBuffer {
  takes = 0;
  override take(to: string, afterSeq: number, max: number, now: number): readonly QueuedMessage[] {
    this.takes++;
    return super.take(to, afterSeq, max, now);
  }
}

const errorCode = (frames: OutboundFrame[]) => (frames[0]?.op === 'error' ? frames[0].code : frames[0]?.op);

function messagesSuite(mode: PortMode): void {
  const test = suite(`relay messages, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  const pair = (config = {}) => relayWithAlice(mode, config);

  test('a message to a connected recipient is delivered live; the sender learns the id', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    const sent = expectFrame((await h.frame(alice, { op: 'send', to: 'bob', body: 'hi', ref: 'c-42' }))[0], 'sent');
    // Handed out as the buffer accepted it, whichever way the ports answer (docs/protocol.md, "Messages").
    assert.equal([sent.status, sent.ref], ['delivered', 'c-42']);
    const [msg] = msgs(h.gateway.sentTo(bob));
    assert.equal(msg, { op: 'msg', id: sent.id, from: 'alice', body: 'hi', ts: h.clock.now() });
  });

  test(`a send crosses the core ${mode === 'sync' ? 'without a promise, as on the memory adapters' : 'through promises, without holding the connection'}`, async () => {
    const { h, alice } = await pair();
    await h.login('bob');
    const before = h.gateway.sentTo(alice).length;
    // docs/protocol.md "Pipelining": a send answered later lets the connection's next frames in at once.
    assert.is(h.relay.onFrame(alice, JSON.stringify({ op: 'send', to: 'bob', body: 'hi' })), undefined);
    assert.equal(outline(h.gateway.sentTo(alice).slice(before)), mode === 'sync' ? ['sent delivered'] : []);
    await h.frame(alice, { op: 'ping' });
    assert.equal(outline(h.gateway.sentTo(alice).slice(before)), ['sent delivered', 'pong']);
  });

  test('a message to an offline recipient is queued and handed over after the welcome, oldest first', async () => {
    const { h, alice } = await pair();
    for (const body of ['one', 'two', 'three']) {
      assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body })), ['sent queued']);
      h.clock.advance(10);
    }
    const bob = await h.login('bob');
    const frames = h.gateway.sentTo(bob);
    assert.equal(frames[1], { op: 'welcome', name: 'bob', pending: 3 });
    assert.equal(frames.slice(2).map((f) => { const m = expectFrame(f, 'msg'); return [m.body, m.redelivered]; }), [['one', undefined], ['two', undefined], ['three', undefined]]);
  });

  test('unacknowledged messages come again on the next login, flagged redelivered, with the same ts', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'keep me' });
    const [first] = msgs(h.gateway.sentTo(bob));
    await h.relay.onClose(bob);
    h.clock.advance(5_000);
    const again = await h.login('bob');
    const frames = h.gateway.sentTo(again);
    assert.equal(frames[1], { op: 'welcome', name: 'bob', pending: 1 });
    assert.equal(frames[2], { ...first!, redelivered: true });
  });

  test('a second login takes over: the old connection gets bye replaced, the new one everything unacknowledged', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'first' });
    const newer = await h.login('bob');
    assert.equal(h.last(bob), { op: 'bye', reason: 'replaced' });
    assert.ok(h.gateway.closed.has(bob));
    const frames = h.gateway.sentTo(newer);
    assert.equal(frames[1], { op: 'welcome', name: 'bob', pending: 1 });
    const redelivered = expectFrame(frames[2], 'msg');
    assert.equal([redelivered.body, redelivered.redelivered], ['first', true]);
    await h.relay.onClose(bob);
    assert.equal(await h.frame(alice, { op: 'who' }), [{ op: 'online', names: ['alice', 'bob'] }], 'the old close does not log bob out');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'second' });
    assert.equal([expectFrame(h.last(newer), 'msg').body, expectFrame(h.last(newer), 'msg').redelivered], ['second', undefined]);
  });

  test('a takeover here: what the replaced connection was never written comes unflagged', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    h.gateway.blocked.add(bob);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'waiting' })), ['sent queued']);
    const newer = await h.login('bob');
    assert.equal(msgs(h.gateway.sentTo(newer)).map((m) => [m.body, m.redelivered]), [['waiting', undefined]]);
  });

  test('a takeover of a session on another instance: everything waiting comes flagged, its marks may be on their way', async () => {
    const { h, alice } = await pair();
    await h.presence.claim('bob', 'c-elsewhere');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'maybe written there' });
    const bob = await h.login('bob');
    assert.equal(h.gateway.sentTo('c-elsewhere').at(-1), { op: 'bye', reason: 'replaced' });
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => [m.body, m.redelivered]), [['maybe written there', true]]);
  });

  test('who lists every authenticated operator, sorted, the asker included', async () => {
    const { h, alice } = await pair();
    await h.login('carol');
    await h.login('bob');
    h.open();
    assert.equal(await h.frame(alice, { op: 'who' }), [{ op: 'online', names: ['alice', 'bob', 'carol'] }]);
  });

  test('refusals: no_such_recipient, body_too_large, with the ref, nothing queued', async () => {
    const { h, alice } = await pair({ maxBodyBytes: 4 });
    assert.equal(await h.frame(alice, { op: 'send', to: 'zed', body: 'x', ref: 'a' }), [{ op: 'error', code: 'no_such_recipient', message: 'no such operator', ref: 'a' }]);
    assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: 'éé€' })), 'body_too_large');
    assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: 'éé' })), 'sent');
    const bob = await h.login('bob');
    assert.equal(h.gateway.sentTo(bob)[1], { op: 'welcome', name: 'bob', pending: 1 });
  });

  test('a full queue refuses the new message and keeps the old ones', async () => {
    const { h, alice } = await pair({ buffer: { maxMessagesPerRecipient: 2, maxBytesPerRecipient: 1000, maxBytesTotal: 10_000, ttlMs: 60_000 } });
    for (const body of ['a', 'b']) assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body })), 'sent');
    assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: 'c', ref: 'r' })), 'queue_full');
    assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'carol', body: 'c' })), 'sent', 'other queues are unaffected');
    const bob = await h.login('bob');
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['a', 'b']);
  });

  test('messages older than the TTL are not delivered', async () => {
    const { h, alice } = await pair({ buffer: { maxMessagesPerRecipient: 10, maxBytesPerRecipient: 1000, maxBytesTotal: 10_000, ttlMs: 1_000 } });
    await h.frame(alice, { op: 'send', to: 'bob', body: 'old' });
    h.clock.advance(600);
    await h.frame(alice, { op: 'send', to: 'bob', body: 'new' });
    h.clock.advance(600);
    const bob = await h.login('bob');
    assert.equal(h.gateway.sentTo(bob)[1], { op: 'welcome', name: 'bob', pending: 1 });
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['new']);
  });

  test('a sender past its rate gets rate_limited with retry_after_ms', async () => {
    const { h, alice } = await pair({ sendRatePerSecond: 2 });
    for (let i = 0; i < 4; i++) assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: `${i}` })), 'sent');
    const limited = expectFrame((await h.frame(alice, { op: 'send', to: 'bob', body: 'x', ref: 'r' }))[0], 'error');
    assert.equal([limited.code, limited.ref, limited.retry_after_ms], ['rate_limited', 'r', 500]);
    h.clock.advance(500);
    assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: 'later' })), 'sent');
  });

  test('the send rate is per sender: logging in again does not refill the bucket', async () => {
    const { h, alice } = await pair({ sendRatePerSecond: 2 });
    for (let i = 0; i < 4; i++) assert.equal(errorCode(await h.frame(alice, { op: 'send', to: 'bob', body: `${i}` })), 'sent');
    await h.relay.onClose(alice);
    const again = await h.login('alice');
    assert.equal(errorCode(await h.frame(again, { op: 'send', to: 'bob', body: 'one more' })), 'rate_limited');
    assert.equal(errorCode(await h.frame(await h.login('carol'), { op: 'send', to: 'bob', body: 'x' })), 'sent', 'other senders have their own');
  });

  test('a slow consumer: pushing stops at the high-water mark, messages wait, and resume in order on drain', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'm0' });
    h.gateway.blocked.add(bob);
    const statuses = [];
    for (let i = 1; i <= 100; i++) statuses.push(...outline(await h.frame(alice, { op: 'send', to: 'bob', body: `m${i}` })));
    assert.equal(statuses, Array(100).fill('sent queued'));
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['m0']);
    h.gateway.blocked.delete(bob);
    await h.relay.onDrain(bob);
    const bodies = msgs(h.gateway.sentTo(bob)).map((m) => m.body);
    assert.equal(bodies, Array.from({ length: 101 }, (_, i) => `m${i}`), 'everything, once, in order');
    assert.equal(msgs(h.gateway.sentTo(bob)).filter((m) => m.redelivered !== undefined), []);
  });

  test('a recipient keeping up is handed each message as accepted, without a take; one behind older messages waits its turn', async () => {
    const buffer = new TakeCountingBuffer();
    const h = inProcessRelay({ buffer, mode });
    await h.addOperators('alice', 'bob');
    const alice = await h.login('alice');
    const bob = await h.login('bob');
    const takesAtLogin = buffer.takes;
    for (const body of ['one', 'two']) assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body })), ['sent delivered']);
    assert.is(buffer.takes, takesAtLogin, 'no take while bob keeps up');
    h.gateway.blocked.add(bob);
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'three' })), ['sent queued']);
    h.gateway.blocked.delete(bob);
    // 'three' is still to push when 'four' is accepted: the push loop takes both, in order.
    await h.frame(alice, { op: 'send', to: 'bob', body: 'four' });
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => [m.body, m.redelivered]), ['one', 'two', 'three', 'four'].map((body) => [body, undefined]));
    assert.ok(buffer.takes > takesAtLogin, 'taken from the buffer');
  });

  test('a message a push loop took before its own hand-out was due is not written twice', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    // The send finds its recipient late, after a drain has pushed the message already.
    const lookup = h.presence.lookup.bind(h.presence);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.presence.lookup = (name) => gate.then(() => lookup(name));
    const sending = h.frame(alice, { op: 'send', to: 'bob', body: 'once' });
    await new Promise((resolve) => setImmediate(resolve));
    await h.relay.onDrain(bob);
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['once'], 'pushed by the drain');
    release();
    assert.equal(outline(await sending), ['sent delivered']);
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['once'], 'not handed out again');
  });

  test('a message to oneself is delivered', async () => {
    const { h, alice } = await pair();
    const frames = await h.frame(alice, { op: 'send', to: 'alice', body: 'note to self' });
    assert.equal(outline(frames).sort(), ['msg', 'sent delivered']);
  });

  test('a recipient held by another instance is woken for the message and the send reported delivered', async () => {
    const { h, alice } = await pair();
    await h.presence.claim('bob', 'c-elsewhere');
    assert.equal(outline(await h.frame(alice, { op: 'send', to: 'bob', body: 'x' })), ['sent delivered']);
    const [[connection, seq]] = h.gateway.woken as [[string, number]];
    assert.equal(connection, 'c-elsewhere');
    const [queued] = await h.buffer.take('bob', 0, 10, h.clock.now());
    assert.is(seq, queued!.seq, 'woken for the message just queued');
  });

  test('woken by another instance for a message: pushed, unless an earlier push wrote it already', async () => {
    const buffer = new TakeCountingBuffer();
    const h = inProcessRelay({ buffer, mode });
    await h.addOperators('alice', 'bob');
    const bob = await h.login('bob');
    // Queued as another instance queues it, in the shared buffer.
    const queuedElsewhere = async (body: string) => {
      const queued = await h.buffer.enqueue('bob', { from: 'alice', body, ts: h.clock.now(), bytes: body.length }, h.config.buffer);
      if (!queued.ok) throw new Error(queued.code);
      return queued.seq;
    };
    const [one, two] = [await queuedElsewhere('one'), await queuedElsewhere('two')];
    await h.relay.onWake(bob, two);
    const takes = buffer.takes;
    await h.relay.onWake(bob, one);
    await h.relay.onWake(bob, two);
    assert.is(buffer.takes, takes, 'no take for messages pushed already');
    await h.relay.onWake(bob, await queuedElsewhere('three'));
    await h.frame(bob, { op: 'ping' });
    assert.equal(msgs(h.gateway.sentTo(bob)).map((m) => m.body), ['one', 'two', 'three']);
  });

  test('a connection that closes while its login claims presence leaves no one online behind', async () => {
    const { h, alice } = await pair();
    const claim = h.presence.claim.bind(h.presence);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.presence.claim = async (name, connection) => {
      await gate;
      return claim(name, connection);
    };
    const bob = h.open();
    const login = h.frame(bob, { op: 'auth', name: 'bob', password: 'correct horse battery' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h.relay.onClose(bob);
    release();
    await login;
    assert.equal(await h.frame(alice, { op: 'who' }), [{ op: 'online', names: ['alice'] }]);
  });

  test.run();
}

for (const mode of PORT_MODES) messagesSuite(mode);

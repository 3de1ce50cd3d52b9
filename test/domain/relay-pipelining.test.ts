import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { MAX_OVERLAPPING } from '../../src/domain/overlapping-answers.ts';
import { outline } from '../support/frame-assertions.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';

/** docs/protocol.md "Pipelining", on ports that answer later (Redis): sends and acks overlap, answers keep the frames' order. */
async function loggedIn() {
  const h = inProcessRelay({ mode: 'async', config: { maxBodyBytes: 10 } });
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  return { h, alice, before: h.gateway.sentTo(alice).length };
}
const send = (ref: string, body = 'hi') => JSON.stringify({ op: 'send', to: 'bob', body, ref });
const refs = (frames: readonly OutboundFrame[]) => frames.map((f) => ('ref' in f ? f.ref : undefined));

test('sends in a row are all taken at once, and answered in their order, an error answered at once included', async () => {
  const { h, alice, before } = await loggedIn();
  const handled = [send('r1'), send('r2', 'far too long'), send('r3')].map((line) => h.relay.onFrame(alice, line));
  assert.equal(handled, [undefined, undefined, undefined]);
  assert.equal(outline(h.gateway.sentTo(alice).slice(before)), [], 'the refusal of r2 went ahead of the answer to r1');
  await h.frame(alice, { op: 'ping', ref: 'p' });
  const answers = h.gateway.sentTo(alice).slice(before);
  assert.equal(outline(answers), ['sent queued', 'body_too_large', 'sent queued', 'pong']);
  assert.equal(refs(answers), ['r1', 'r2', 'r3', 'p']);
});

test('a frame that is not a send or an ack waits for the answers before it', async () => {
  const { h, alice, before } = await loggedIn();
  h.relay.onFrame(alice, send('r1'));
  const who = h.relay.onFrame(alice, JSON.stringify({ op: 'who' }));
  assert.instance(who, Promise);
  await who;
  assert.equal(outline(h.gateway.sentTo(alice).slice(before)), ['sent queued', 'online']);
});

test(`with ${MAX_OVERLAPPING} sends waiting, the connection's next frames wait until they are answered; nothing is lost`, async () => {
  const { h, alice, before } = await loggedIn();
  const handled = Array.from({ length: MAX_OVERLAPPING }, (_, i) => h.relay.onFrame(alice, send(`r${i}`)));
  assert.is(handled.filter((pending) => pending === undefined).length, MAX_OVERLAPPING - 1);
  assert.instance(handled.at(-1), Promise);
  await handled.at(-1);
  const answers = h.gateway.sentTo(alice).slice(before);
  assert.equal(refs(answers), handled.map((_, i) => `r${i}`));
  const bob = await h.login('bob');
  assert.equal(h.gateway.sentTo(bob).find((f) => f.op === 'welcome'), { op: 'welcome', name: 'bob', pending: MAX_OVERLAPPING });
});

test('a later send that fails while an earlier one waits is answered internal after it, and is no unhandled rejection', async () => {
  const { h, alice, before } = await loggedIn();
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const enqueue = h.buffer.enqueue;
    let calls = 0;
    h.buffer.enqueue = (...args) => (++calls === 1
      ? new Promise((resolve) => setTimeout(() => resolve(enqueue.apply(h.buffer, args)), 30))
      : Promise.reject(new Error('buffer gone')));
    h.relay.onFrame(alice, send('r1'));
    h.relay.onFrame(alice, send('r2'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await h.frame(alice, { op: 'ping', ref: 'p' });
    const answers = h.gateway.sentTo(alice).slice(before);
    assert.equal([outline(answers), refs(answers)], [['sent queued', 'internal', 'pong'], ['r1', 'r2', 'p']]);
    assert.equal(unhandled, []);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('a send that throws at once while an earlier one waits is answered internal in its turn', async () => {
  const { h, alice, before } = await loggedIn();
  h.relay.onFrame(alice, send('r1'));
  const route = h.router.route;
  h.router.route = () => {
    throw new Error('a bug');
  };
  assert.is(h.relay.onFrame(alice, send('r2')), undefined);
  h.router.route = route;
  await h.frame(alice, { op: 'ping', ref: 'p' });
  assert.equal(refs(h.gateway.sentTo(alice).slice(before)), ['r1', 'r2', 'p']);
  assert.equal(outline(h.gateway.sentTo(alice).slice(before)), ['sent queued', 'internal', 'pong']);
});

test('a frame too large waits for the answers before it, then closes the connection', async () => {
  const { h, alice, before } = await loggedIn();
  h.relay.onFrame(alice, send('r1'));
  const oversized = h.relay.onOversizedFrame(alice);
  assert.instance(oversized, Promise);
  assert.equal(outline(h.gateway.sentTo(alice).slice(before)), [], 'frame_too_large went ahead of the answer to r1');
  await oversized;
  assert.equal(outline(h.gateway.sentTo(alice).slice(before)), ['sent queued', 'frame_too_large']);
  assert.ok(h.gateway.closed.has(alice), 'the connection is closed');
});

test('an ack overlaps too: its receipts reach the sender, and a failing one is answered internal in its turn', async () => {
  const { h, alice } = await loggedIn();
  await h.frame(alice, { op: 'send', to: 'bob', body: 'one' });
  const bob = await h.login('bob');
  const [msg] = h.gateway.sentTo(bob).filter((f) => f.op === 'msg');
  const failing = h.buffer.acknowledge;
  h.buffer.acknowledge = () => Promise.reject(new Error('buffer gone'));
  const beforeBob = h.gateway.sentTo(bob).length;
  assert.is(h.relay.onFrame(bob, JSON.stringify({ op: 'ack', id: 'm-none', ref: 'a1' })), undefined);
  h.buffer.acknowledge = failing;
  assert.is(h.relay.onFrame(bob, JSON.stringify({ op: 'ack', id: (msg as { id: string }).id })), undefined);
  await h.frame(bob, { op: 'ping', ref: 'p' });
  assert.equal(outline(h.gateway.sentTo(bob).slice(beforeBob)), ['internal', 'pong']);
  assert.equal(outline(h.gateway.sentTo(alice).slice(-1)), ['receipt']);
});

test.run();

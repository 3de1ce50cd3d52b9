import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Frame } from '../support/protocol-client.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServers, stopServers } from '../support/server-process.ts';

// PROTOCOL "Messages", against the real server over TCP.
let main: RunningServer;
/** Tiny limits: 3 messages or 1000 bytes per recipient, 2500 bytes in all, 2 sends a second. */
let tight: RunningServer;
/** Messages live one second. */
let brief: RunningServer;

test.before(async () => {
  [main, tight, brief] = await startServers([
    {
      operators: ['alice', 'bob', 'carol', 'dave', 'erin', 'slow', 'fast'],
      args: ['--send-rate', '0', '--queue-max-messages', '100000', '--queue-max-bytes', '100000000', '--buffer-max-bytes', '100000000'],
    },
    {
      operators: ['sender', 'scount', 'sbytes', 'sbig', 'sbig2', 'rcount', 'rbytes', 'rbig1', 'rbig2', 'rbig3', 'rate1', 'rate2', 'rate3', 'rate4', 'rate5'],
      args: ['--queue-max-messages', '3', '--queue-max-bytes', '1000', '--buffer-max-bytes', '2500', '--send-rate', '2'],
    },
    { operators: ['alice', 'bob'], args: ['--message-ttl', '1'] },
  ]) as [RunningServer, RunningServer, RunningServer];
});

test.after(async () => {
  for (const status of await stopServers([main, tight, brief])) assert.is(status, 0);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server has handled everything this client sent before (frames are handled in order). */
async function settled(client: ProtocolClient): Promise<void> {
  client.send({ op: 'ping', ref: 'settled' });
  await client.next('pong');
}

async function send(client: ProtocolClient, to: string, body: string, ref?: string): Promise<Frame> {
  client.send(ref === undefined ? { op: 'send', to, body } : { op: 'send', to, body, ref });
  return client.next();
}

/** Closes a connection and waits until the server has seen it go (`who` from `observer` no longer lists it). */
async function logout(client: ProtocolClient, name: string, observer: ProtocolClient): Promise<void> {
  client.close();
  for (;;) {
    observer.send({ op: 'who' });
    if (!((await observer.next('online')).names as string[]).includes(name)) return;
    await sleep(10);
  }
}

/** Logs in, checks the welcome's count, reads the pending messages, acknowledges them, logs out. */
async function drain(server: RunningServer, name: string, pending: number): Promise<Frame[]> {
  const client = await ProtocolClient.login(server.port, name);
  assert.equal(client.received[1], { op: 'welcome', name, pending }, `${name}'s welcome`);
  const messages: Frame[] = [];
  for (let i = 0; i < pending; i++) messages.push(await client.next());
  assert.equal(messages.map((m) => m.op), Array(pending).fill('msg'));
  if (messages.length > 0) client.send({ op: 'ack', ids: messages.map((m) => m.id) });
  await settled(client);
  client.close();
  return messages;
}

test('sent: delivered to a live recipient, queued for an offline one; ref echoed, absent without one', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const bob = await ProtocolClient.login(main.port, 'bob');
  const live = await send(alice, 'bob', 'live', 'c-42');
  assert.equal(Object.keys(live).sort(), ['id', 'op', 'ref', 'status']);
  assert.equal([live.op, live.ref, live.status], ['sent', 'c-42', 'delivered']);
  assert.ok(typeof live.id === 'string' && live.id.length > 0);
  const offline = await send(alice, 'carol', 'offline');
  assert.equal(Object.keys(offline).sort(), ['id', 'op', 'status']);
  assert.is(offline.status, 'queued');
  assert.is.not(offline.id, live.id);
  const msg = await bob.next();
  assert.is(msg.body, 'live');
  bob.send({ op: 'ack', id: msg.id });
  assert.equal((await drain(main, 'carol', 1)).map((m) => m.body), ['offline']);
  alice.close();
  bob.close();
});

test('msg: id, from, body and ts (when the server accepted it), the same ts on every delivery', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const dave = await ProtocolClient.login(main.port, 'dave');
  const before = Date.now();
  const sent = await send(alice, 'dave', 'stamp me ✉');
  const after = Date.now();
  const msg = await dave.next();
  assert.equal(Object.keys(msg).sort(), ['body', 'from', 'id', 'op', 'ts']);
  assert.equal([msg.op, msg.id, msg.from, msg.body], ['msg', sent.id, 'alice', 'stamp me ✉']);
  assert.ok(typeof msg.ts === 'number' && msg.ts >= before - 5 && msg.ts <= after + 5, `ts ${msg.ts} within [${before}, ${after}]`);
  await logout(dave, 'dave', alice);
  const again = await ProtocolClient.login(main.port, 'dave');
  assert.equal(await again.next(), { ...msg, redelivered: true });
  again.send({ op: 'ack', id: msg.id });
  await settled(again);
  again.close();
  alice.close();
});

test('body: up to the body limit in UTF-8 bytes; over it body_too_large with nothing queued; empty is invalid', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const full = 'é'.repeat(8192); // 16384 bytes, 8192 characters
  assert.is((await send(alice, 'erin', full, 'full')).status, 'queued');
  for (const body of ['é'.repeat(8193), 'x'.repeat(16385)]) {
    assert.equal(await send(alice, 'erin', body, 'big'), { op: 'error', code: 'body_too_large', message: 'body longer than the body limit', ref: 'big' });
  }
  const empty = await send(alice, 'erin', '', 'empty');
  assert.equal([empty.code, empty.ref], ['invalid', 'empty']);
  const longRef = await send(alice, 'erin', 'fine body', 'r'.repeat(65));
  assert.is(longRef.code, 'invalid');
  assert.not.ok('ref' in longRef);
  assert.equal((await drain(main, 'erin', 1)).map((m) => m.body), [full], 'only the message within the limit was queued');
  alice.close();
});

test('recipients: no_such_recipient for an unknown operator, invalid for a malformed name, nothing queued', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  assert.equal(await send(alice, 'nobody', 'hello?', 'n1'), { op: 'error', code: 'no_such_recipient', message: 'no such operator', ref: 'n1' });
  for (const to of ['Bob', 'bob!', '', 'b'.repeat(33)]) {
    const error = await send(alice, to, 'hello?', 'n2');
    assert.equal([error.code, error.ref], ['invalid', 'n2'], to);
  }
  alice.close();
});

test('ack: by id or ids, unknown ids ignored, no reply; what is not acknowledged stays queued and comes again', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const ids: unknown[] = [];
  for (let i = 0; i < 5; i++) ids.push((await send(alice, 'carol', `a${i}`)).id);
  const carol = await ProtocolClient.login(main.port, 'carol');
  for (let i = 0; i < 5; i++) await carol.next('msg');
  carol.send({ op: 'ack', id: ids[0] });
  carol.send({ op: 'ack', ids: [ids[2], 'm-unknown', ids[3]] });
  carol.send({ op: 'ack', id: 'm-never-was' });
  carol.send({ op: 'ack', ids: [] });
  carol.send({ op: 'ack', ids: [ids[2]] }); // already acknowledged: ignored
  await settled(carol);
  assert.equal(carol.received.slice(2 + 5).map((f) => f.op), ['pong'], 'acks get no reply');
  await logout(carol, 'carol', alice);
  const left = await drain(main, 'carol', 2);
  assert.equal(left.map((m) => [m.id, m.redelivered]), [[ids[1], true], [ids[4], true]]);
  alice.close();
});

test('ack: up to 1000 ids; more, or neither id nor ids, is invalid', async () => {
  const dave = await ProtocolClient.login(main.port, 'dave');
  const thousand = Array.from({ length: 1000 }, (_, i) => `m-x${i}`);
  dave.send({ op: 'ack', ids: thousand });
  await settled(dave);
  dave.send({ op: 'ack', ids: [...thousand, 'm-one-more'], ref: 'k' });
  assert.equal(await dave.next(), { op: 'error', code: 'invalid', message: 'ids: expected an array of at most 1000 strings', ref: 'k' });
  dave.send({ op: 'ack', ref: 'none' });
  assert.equal([(await dave.next()).code], ['invalid']);
  dave.close();
});

test('receipt: goes to the sender while connected, and is never queued', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const bob = await ProtocolClient.login(main.port, 'bob');
  const first = await send(alice, 'bob', 'receipt please');
  const second = await send(alice, 'bob', 'sender gone by then');
  const [m1, m2] = [await bob.next('msg'), await bob.next('msg')];
  bob.send({ op: 'ack', id: m1.id });
  assert.equal(await alice.next(), { op: 'receipt', id: first.id, to: 'bob' });
  assert.equal(await bob.pending(50), [], 'the recipient gets no receipt');

  await logout(alice, 'alice', bob);
  bob.send({ op: 'ack', id: m2.id });
  await settled(bob);
  const back = await ProtocolClient.login(main.port, 'alice');
  assert.equal(back.received[1], { op: 'welcome', name: 'alice', pending: 0 });
  assert.equal(await back.pending(200), [], `no queued receipt for ${second.id}`);
  back.close();
  bob.close();
});

test('order: each recipient gets messages in the order the server accepted them, redeliveries first', async () => {
  const alice = await ProtocolClient.login(main.port, 'alice');
  const carol = await ProtocolClient.login(main.port, 'carol');
  const dave = await ProtocolClient.login(main.port, 'dave');
  const accepted: unknown[] = [];
  for (let i = 0; i < 10; i++) {
    const [from, client] = i % 2 === 0 ? ['alice', alice] : ['carol', carol];
    accepted.push((await send(client, 'dave', `${from}-${i}`)).id);
  }
  const live: Frame[] = [];
  for (let i = 0; i < 10; i++) live.push(await dave.next('msg'));
  assert.equal(live.map((m) => m.id), accepted);
  await logout(dave, 'dave', alice);
  for (let i = 10; i < 13; i++) accepted.push((await send(alice, 'dave', `alice-${i}`)).id);
  const back = await drain(main, 'dave', 13);
  assert.equal(back.map((m) => m.id), accepted);
  assert.equal(back.map((m) => m.redelivered === true), [...Array(10).fill(true), false, false, false]);
  alice.close();
  carol.close();
});

test('slow consumers: a recipient that does not read stops being pushed to, and gets everything in order once it reads', async () => {
  const COUNT = 600;
  const body = 'z'.repeat(16_000);
  const slow = await ProtocolClient.login(main.port, 'slow');
  slow.socket.pause();
  const fast = await ProtocolClient.login(main.port, 'fast');
  for (let i = 0; i < COUNT; i++) fast.send({ op: 'send', to: 'slow', body: `${i}:${body}` });
  const statuses: string[] = [];
  const ids: unknown[] = [];
  for (let i = 0; i < COUNT; i++) {
    const sent = await fast.next('sent', 20_000);
    statuses.push(sent.status as string);
    ids.push(sent.id);
  }
  const delivered = statuses.filter((s) => s === 'delivered').length;
  assert.ok(delivered > 0, 'pushed while the connection had room');
  assert.ok(delivered < COUNT, `queued once past the high-water mark (${delivered} of ${COUNT} delivered)`);

  // Meanwhile others are served as usual.
  const alice = await ProtocolClient.login(main.port, 'alice');
  const bob = await ProtocolClient.login(main.port, 'bob');
  assert.is((await send(alice, 'bob', 'not held up')).status, 'delivered');
  const msg = await bob.next('msg');
  assert.is(msg.body, 'not held up');
  bob.send({ op: 'ack', id: msg.id });

  slow.socket.resume();
  const received: Frame[] = [];
  for (let i = 0; i < COUNT; i++) received.push(await slow.next('msg', 20_000));
  assert.equal(received.map((m) => m.id), ids, 'nothing lost, nothing twice, in order');
  assert.equal(received.flatMap((m, i) => (m.body === `${i}:${body}` && !('redelivered' in m) ? [] : [{ ...m, body: String(m.body).slice(0, 20) }])), [], 'each body as sent, none flagged');
  assert.equal(await slow.pending(100), []);
  slow.send({ op: 'ack', ids: ids.slice(0, 600) });
  for (let i = 0; i < COUNT; i++) await fast.next('receipt');
  for (const client of [slow, fast, alice, bob]) client.close();
});

// Each test sends as an operator of its own: the send rate (2/s, bursts of 4) is per sender.
test('queue_full: a recipient at its message limit refuses the new message and keeps the older ones', async () => {
  const sender = await ProtocolClient.login(tight.port, 'scount');
  for (const body of ['a', 'b', 'c']) assert.is((await send(sender, 'rcount', body)).status, 'queued');
  assert.equal(await send(sender, 'rcount', 'd', 'q'), { op: 'error', code: 'queue_full', message: "the recipient's queue is full", ref: 'q' });
  assert.equal((await drain(tight, 'rcount', 3)).map((m) => m.body), ['a', 'b', 'c']);
  sender.close();
});

test('queue_full: a recipient at its byte limit (body bytes) refuses what does not fit, takes what does', async () => {
  const sender = await ProtocolClient.login(tight.port, 'sbytes');
  assert.is((await send(sender, 'rbytes', 'x'.repeat(600))).status, 'queued');
  assert.is((await send(sender, 'rbytes', 'y'.repeat(401))).code, 'queue_full');
  assert.is((await send(sender, 'rbytes', 'y'.repeat(400))).status, 'queued', 'exactly at the limit fits');
  assert.equal((await drain(tight, 'rbytes', 2)).map((m) => (m.body as string).length), [600, 400]);
  sender.close();
});

test('queue_full: the whole server at --buffer-max-bytes refuses even an empty queue, until space is acknowledged', async () => {
  const sender = await ProtocolClient.login(tight.port, 'sbig');
  assert.is((await send(sender, 'rbig1', 'a'.repeat(1000))).status, 'queued');
  assert.is((await send(sender, 'rbig2', 'b'.repeat(1000))).status, 'queued');
  assert.is((await send(sender, 'rbig3', 'c'.repeat(501), 'all')).code, 'queue_full');
  assert.is((await send(sender, 'rbig3', 'c'.repeat(500))).status, 'queued', 'exactly the server limit fits');
  assert.equal((await drain(tight, 'rbig1', 1)).map((m) => m.body), ['a'.repeat(1000)]);
  const again = await ProtocolClient.login(tight.port, 'sbig2'); // the first sender has spent its burst
  assert.is((await send(again, 'rbig3', 'd'.repeat(400))).status, 'queued', 'acknowledging freed the space');
  assert.equal((await drain(tight, 'rbig2', 1)).map((m) => m.body), ['b'.repeat(1000)]);
  assert.equal((await drain(tight, 'rbig3', 2)).map((m) => m.body), ['c'.repeat(500), 'd'.repeat(400)]);
  sender.close();
  again.close();
});

test('rate_limited: past the send rate (bursts up to twice it) with retry_after_ms, nothing queued', async () => {
  const sender = await ProtocolClient.login(tight.port, 'sender');
  const names = ['rate1', 'rate2', 'rate3', 'rate4', 'rate5'];
  for (const [i, to] of names.entries()) sender.send({ op: 'send', to, body: 'burst', ref: `b${i}` });
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await sender.next());
  assert.equal(answers.slice(0, 4).map((a) => a.status), ['queued', 'queued', 'queued', 'queued']);
  const limited = answers[4]!;
  assert.equal([limited.op, limited.code, limited.ref], ['error', 'rate_limited', 'b4']);
  const retry = limited.retry_after_ms as number;
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 500, `retry_after_ms ${retry}`);
  await drain(tight, 'rate5', 0);
  await sleep(retry);
  assert.is((await send(sender, 'rate5', 'later')).status, 'queued');
  for (const name of names) await drain(tight, name, 1);
  sender.close();
});

test('TTL: a message older than --message-ttl is gone, pushed before or not; a fresh one is kept', async () => {
  const alice = await ProtocolClient.login(brief.port, 'alice');
  const bob = await ProtocolClient.login(brief.port, 'bob');
  assert.is((await send(alice, 'bob', 'pushed, never acknowledged')).status, 'delivered');
  await bob.next('msg');
  await logout(bob, 'bob', alice);
  assert.is((await send(alice, 'bob', 'queued, never read')).status, 'queued');
  await sleep(1_300);
  assert.is((await send(alice, 'bob', 'fresh')).status, 'queued');
  assert.equal((await drain(brief, 'bob', 1)).map((m) => m.body), ['fresh']);
  alice.close();
});

test.run();

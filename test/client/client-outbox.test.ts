import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientOutbox } from '../../src/client/client-outbox.ts';

test('a receipt that overtook its sent is shown after it, as a line of its own', () => {
  const outbox = new ClientOutbox();
  const ref = outbox.add('#ops');
  assert.is(outbox.receipt('m-1'), undefined);
  assert.equal(outbox.accepted(ref, 'm-1', 'delivered'), ['#1 to #ops: delivered', '#1 to #ops: ✓ received']);
});

test('a receipt after its sent, for any copy, is shown once', () => {
  const outbox = new ClientOutbox();
  const ref = outbox.add('bob');
  assert.equal(outbox.accepted(ref, 'm-1', 'queued', ['m-2']), ['#1 to bob: queued']);
  assert.is(outbox.receipt('m-2'), '#1 to bob: ✓ received');
  assert.is(outbox.receipt('m-1'), undefined);
});

test('a copy acknowledged unopened says which device could not open it, never received; a copy read later still is', () => {
  const outbox = new ClientOutbox();
  const ref = outbox.add('bob');
  outbox.keep(ref, { kind: 'mls', group: 'g', id: 'x1', text: 'one' });
  assert.equal(outbox.accepted(ref, 'm-1', 'delivered', ['m-2']), ['#1 to bob: delivered']);
  assert.is(outbox.receipt('m-1', 'bob/k3v9'), '#1 to bob: bob/k3v9 could not open it');
  assert.is(outbox.receipt('m-1', 'bob/k3v9'), undefined, 'said once a device');
  assert.equal(outbox.toResend().map((o) => o.number), [1], 'not received: kept for re-sending, where a copy made afresh may open');
  assert.is(outbox.receipt('m-2'), '#1 to bob: ✓ received');
  assert.equal(outbox.toResend(), []);
});

test('a group message: one member received it, another member\'s device could not open it, told after the tick', () => {
  const outbox = new ClientOutbox();
  const ref = outbox.add('#ops');
  assert.is(outbox.receipt('m-1', 'carol/d1'), undefined, 'overtook its sent');
  assert.equal(outbox.accepted(ref, 'm-1', 'delivered'), ['#1 to #ops: delivered', '#1 to #ops: carol/d1 could not open it']);
  assert.is(outbox.receipt('m-1'), '#1 to #ops: ✓ received');
  assert.is(outbox.receipt('m-1', 'dave/d2'), '#1 to #ops: dave/d2 could not open it', 'after the tick too');
});

test('a sent that is not ours shows nothing', () => {
  assert.equal(new ClientOutbox().accepted('c-9', 'm-1', 'delivered'), []);
});

test('a text re-sent after a restart and held for /trust is not kept for the next restart (the holds send it)', () => {
  const outbox = new ClientOutbox();
  const held = outbox.add('bob');
  outbox.keep(held, { kind: 'mls', group: 'g', id: 'x1', text: 'one' });
  outbox.accepted(held, 'm-1', 'queued');
  const other = outbox.add('carol');
  outbox.keep(other, { kind: 'mls', group: 'h', id: 'x2', text: 'two' });
  outbox.accepted(other, 'm-2', 'queued');
  const [first, second] = outbox.toResend();
  assert.is(outbox.held(outbox.again(first!), 'bob has a new device: held, not sent'), '#1 to bob: bob has a new device: held, not sent');
  outbox.again(second!);
  assert.equal(outbox.toResend().map((o) => o.to), ['carol']);
});

test('answered() waits until every message has its sent, its refusal or a lost connection; failures are counted', async () => {
  const outbox = new ClientOutbox();
  const one = outbox.add('bob');
  const two = outbox.add('carol');
  let answered = false;
  void outbox.answered().then(() => { answered = true; });
  outbox.accepted(one, 'm-1', 'delivered');
  await Promise.resolve();
  assert.is(answered, false, 'carol\'s message still awaits the server');
  assert.is(outbox.unanswered, 1);
  assert.is(outbox.refused(two, 'no operator named carol'), '#2 to carol: not sent (no operator named carol)');
  await Promise.resolve();
  assert.is(answered, true);
  assert.is(outbox.failures, 1);
  assert.is(outbox.lastFailure, '#2 to carol: not sent (no operator named carol)');
  outbox.add('dave');
  assert.equal(outbox.connectionLost(), ['#3 to dave: connection lost before the server confirmed it; it may not have arrived']);
  assert.is(outbox.failures, 2);
  assert.is(outbox.unanswered, 0);
});

test.run();

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

test('a sent that is not ours shows nothing', () => {
  assert.equal(new ClientOutbox().accepted('c-9', 'm-1', 'delivered'), []);
});

test.run();

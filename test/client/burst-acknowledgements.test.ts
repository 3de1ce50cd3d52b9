import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BurstAcknowledgements } from '../../src/client/conversations/burst-acknowledgements.ts';

function recording(failWrites = 0) {
  const log: string[] = [];
  const acks = new BurstAcknowledgements(async () => {
    if (failWrites-- > 0) throw new Error('disk full');
    log.push('write');
  }, (frame) => log.push(`ack ${frame.ids.join(',')}${frame.unreadable === true ? ' unreadable' : ''}`));
  return { acks, log };
}

test('deliveries that came together are acknowledged together, after one write, the held one not', async () => {
  const { acks, log } = recording();
  for (let i = 0; i < 3; i++) acks.received();
  acks.processedOne('m-1');
  await acks.doneWithOne();
  acks.processedOne('m-2');
  await acks.doneWithOne();
  assert.equal(log, [], 'nothing written or acknowledged while the burst goes on');
  await acks.doneWithOne(); // the third was held for /trust: done with, not processed
  assert.equal(log, ['write', 'ack m-1,m-2']);
});

test('a burst whose write fails is acknowledged with the next one, never before a write', async () => {
  const { acks, log } = recording(1);
  acks.received();
  acks.processedOne('m-1');
  await acks.doneWithOne().catch(() => undefined);
  assert.equal(log, []);
  acks.received();
  acks.processedOne('m-2');
  await acks.doneWithOne();
  assert.equal(log, ['write', 'ack m-1,m-2']);
});

test('those that could not be opened go in an ack of their own, flagged, after the same write', async () => {
  const { acks, log } = recording();
  for (let i = 0; i < 3; i++) acks.received();
  acks.processedOne('m-1');
  acks.processedOne('m-2', true);
  acks.processedOne('m-3');
  for (let i = 0; i < 3; i++) await acks.doneWithOne();
  assert.equal(log, ['write', 'ack m-1,m-3', 'ack m-2 unreadable']);
});

test('one delivery alone is written and acknowledged at once', async () => {
  const { acks, log } = recording();
  acks.received();
  acks.processedOne('m-9');
  await acks.doneWithOne();
  assert.equal(log, ['write', 'ack m-9']);
});

test.run();

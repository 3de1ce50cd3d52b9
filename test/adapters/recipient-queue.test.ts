import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecipientQueue } from '../../src/adapters/memory/recipient-queue.ts';

function fill(queue: RecipientQueue, count: number): void {
  for (let i = 1; i <= count; i++) queue.append({ from: 'alice', body: 'x'.repeat(100), ts: 0, bytes: 100 }, `m-${i}`, i, 1e15);
}

test('acknowledging all but the oldest message frees the others, not only their count', () => {
  const queue = new RecipientQueue();
  fill(queue, 1000);
  for (let i = 2; i <= 1000; i++) queue.remove(i);
  assert.is(queue.count, 1);
  assert.is(queue.bytes, 100);
  const held = (queue as unknown as { entries: unknown[] }).entries.length;
  assert.ok(held <= 130, `the array holds ${held} entries for 1 live message`);
  assert.equal(queue.take(0, 10).map((m) => m.id), ['m-1']);
});

test('taking after a sequence number still works after compaction', () => {
  const queue = new RecipientQueue();
  fill(queue, 300);
  for (let i = 1; i <= 300; i += 2) queue.remove(i);
  for (let i = 2; i <= 200; i += 2) queue.remove(i);
  assert.is(queue.remove(1), undefined, 'a removed message is removed once');
  assert.is(queue.remove(301), undefined, 'an unknown sequence number removes nothing');
  assert.equal(queue.take(250, 100).map((m) => m.seq), [252, 254, 256, 258, 260, 262, 264, 266, 268, 270, 272, 274, 276, 278, 280, 282, 284, 286, 288, 290, 292, 294, 296, 298, 300]);
});

test('what it hands out, its own entries, cannot be altered by a caller (tsc checks this)', () => {
  const queue = new RecipientQueue();
  fill(queue, 1);
  const taken = queue.take(0, 1);
  const alter = () => {
    // @ts-expect-error the list handed out is read-only
    taken.push(taken[0]!);
    // @ts-expect-error so is each message in it
    taken[0]!.redelivered = false;
    // @ts-expect-error and the queue's counts
    queue.count = 0;
  };
  assert.type(alter, 'function');
  assert.is(taken[0]!.redelivered, false);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { messageBufferContract } from '../contracts/message-buffer-contract.ts';

messageBufferContract('memory', async () => ({ buffer: new InMemoryMessageBuffer(), dispose: async () => undefined }));

const LIMITS = { maxMessagesPerRecipient: 10, maxBytesPerRecipient: 1000, maxBytesTotal: 10_000, ttlMs: 60_000 };

test('stopping loses the unexpired messages it holds, counted with the mailboxes they wait in', () => {
  const buffer = new InMemoryMessageBuffer();
  assert.equal(buffer.lostOnExit(0), { messages: 0, recipients: 0 });
  const send = (to: string, ts: number) => buffer.enqueue(to, { from: 'alice', body: 'hi', ts, bytes: 2 }, LIMITS);
  const first = send('bob', 1_000);
  send('bob', 70_000);
  send('bob/k3v9q2xa', 70_000);
  const acked = send('carol', 70_000);
  if (!first.ok || !acked.ok) throw new Error('refused');
  buffer.acknowledge('carol', [acked.id]);
  // bob's first has outlived its 60 s; carol's was acknowledged.
  assert.equal(buffer.lostOnExit(70_000), { messages: 2, recipients: 2 });
});

test.run();

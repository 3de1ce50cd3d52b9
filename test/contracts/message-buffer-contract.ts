import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AcknowledgedMessage, BufferLimits, NewMessage, StoredMessage } from '../../src/domain/messages.ts';
import type { EnqueueResult, MessageBuffer } from '../../src/ports/message-buffer.ts';

export interface MessageBufferHarness {
  readonly buffer: MessageBuffer;
  dispose(): Promise<void>;
}

const T0 = 1_764_115_200_000;
const TTL = 60_000;
const ROOMY: BufferLimits = { maxMessagesPerRecipient: 1000, maxBytesPerRecipient: 1 << 20, maxBytesTotal: 1 << 24, ttlMs: TTL };

function message(body: string, ts = T0, from = 'alice'): NewMessage {
  return { from, body, ts, bytes: Buffer.byteLength(body) };
}

/** The StoredMessage fields of what a buffer hands back (an adapter may carry more). */
function stored({ id, from, body, ts, bytes }: StoredMessage): StoredMessage {
  return { id, from, body, ts, bytes };
}

/** What an acknowledgement tells of a message (an adapter may tell more). */
function acknowledged({ id, from }: AcknowledgedMessage): AcknowledgedMessage {
  return { id, from };
}

/** PROTOCOL "Messages" as a MessageBuffer must keep it, for every adapter (STYLE 5). */
export function messageBufferContract(name: string, make: () => Promise<MessageBufferHarness>): void {
  const it = suite<{ h: MessageBufferHarness }>(`MessageBuffer: ${name}`);
  it.before.each(async (context) => {
    context.h = await make();
  });
  it.after.each(async ({ h }) => {
    await h.dispose();
  });

  /** The messages as queued: with the id and sequence number the buffer gave each. */
  const enqueueAll = async (buffer: MessageBuffer, to: string, messages: readonly NewMessage[], limits = ROOMY) => {
    const queued: (StoredMessage & { seq: number })[] = [];
    for (const m of messages) {
      const result = await buffer.enqueue(to, m, limits);
      if (!result.ok) throw new Error(`enqueue refused: ${result.code}`);
      queued.push({ ...m, id: result.id, seq: result.seq });
    }
    return queued;
  };

  it('keeps each recipient\'s messages in the order accepted, with every field intact', async ({ h }) => {
    const forBob = [
      message('one'), message('two: "quoted" ünïcödé ✉ \u2028'), message('three\nlines\twith:colons'), message('[not json'),
      message('a lone \ud800 surrogate'), message(''), message('\\n:[]"'),
    ];
    const forCarol = [message('c1', T0, 'bob')];
    const queued = await enqueueAll(h.buffer, 'bob', forBob.slice(0, 2));
    await enqueueAll(h.buffer, 'carol', forCarol);
    queued.push(...(await enqueueAll(h.buffer, 'bob', forBob.slice(2))));
    const taken = await h.buffer.take('bob', 0, 100, T0);
    assert.equal(taken.map(stored), queued.map(stored));
    assert.equal((await h.buffer.take('carol', 0, 100, T0)).map((m) => m.body), ['c1']);
    assert.equal(await h.buffer.take('dave', 0, 100, T0), []);
  });

  it('numbers messages increasingly per recipient, even after the queue emptied', async ({ h }) => {
    const first = (await enqueueAll(h.buffer, 'bob', [message('a'), message('b')])).map((m) => m.seq);
    assert.ok(first[1]! > first[0]!);
    const taken = await h.buffer.take('bob', 0, 10, T0);
    assert.equal(taken.map((m) => m.seq), first);
    await h.buffer.acknowledge('bob', taken.map((m) => m.id));
    const [again] = await enqueueAll(h.buffer, 'bob', [message('c')]);
    assert.ok(again!.seq > first[1]!, `seq ${again!.seq} after ${first[1]}`);
  });

  it('takes only messages after a sequence number, at most the number asked', async ({ h }) => {
    const seqs = (await enqueueAll(h.buffer, 'bob', ['a', 'b', 'c', 'd', 'e'].map((body) => message(body)))).map((m) => m.seq);
    assert.equal((await h.buffer.take('bob', seqs[1]!, 2, T0)).map((m) => m.body), ['c', 'd']);
    assert.equal((await h.buffer.take('bob', seqs[3]!, 10, T0)).map((m) => m.body), ['e']);
    assert.equal(await h.buffer.take('bob', seqs[4]!, 10, T0), []);
  });

  it('marks messages pushed before as redelivered, and only those', async ({ h }) => {
    await enqueueAll(h.buffer, 'bob', [message('a'), message('b')]);
    const first = await h.buffer.take('bob', 0, 1, T0);
    assert.equal(first.map((m) => m.redelivered), [false]);
    await enqueueAll(h.buffer, 'bob', [message('c')]);
    const again = await h.buffer.take('bob', 0, 10, T0);
    assert.equal(again.map((m) => [m.body, m.redelivered]), [['a', true], ['b', false], ['c', false]]);
  });

  it('tells each message the number queued before it for its recipient, refused ones left out', async ({ h }) => {
    const limits = { ...ROOMY, maxMessagesPerRecipient: 3 };
    const send = (to: string, body: string) => h.buffer.enqueue(to, message(body), limits);
    const [a, c] = [await send('bob', 'a'), await send('carol', 'c')];
    // One turn: an adapter that batches sends must still tell each its own predecessor.
    const [b, d, full, e] = await Promise.all([send('bob', 'b'), send('bob', 'd'), send('bob', 'full'), send('carol', 'e')]);
    const ok = [a, c, b, d, e].map((result) => {
      if (!result!.ok) throw new Error(`enqueue refused: ${result!.code}`);
      return result!;
    });
    assert.equal(full!.ok, false);
    assert.equal(ok.map((result) => result.after), [0, 0, ok[0]!.seq, ok[2]!.seq, ok[1]!.seq]);
    await h.buffer.acknowledge('bob', [ok[0]!.id, ok[2]!.id, ok[3]!.id]);
    const again = await send('bob', 'after all acknowledged');
    assert.equal(again.ok && again.after, 0, 'an emptied queue has nothing before');
  });

  // The Redis buffer keeps an emptied queue's keys until its sweep: the next sends find them.
  it('a queue that empties and fills again keeps counting from nothing, under its limits, numbered on', async ({ h }) => {
    const two: BufferLimits = { maxMessagesPerRecipient: 2, maxBytesPerRecipient: 2, maxBytesTotal: 3, ttlMs: TTL };
    const first = await enqueueAll(h.buffer, 'bob', [message('a'), message('b')], two);
    h.buffer.handedOutAll('bob');
    await h.buffer.take('bob', 0, 10, T0);
    assert.equal((await h.buffer.acknowledge('bob', first.map((m) => m.id))).length, 2);
    for (let round = 0; round < 2; round++) {
      const [c, d, e] = (await Promise.all(['c', 'd', 'e'].map((body) => h.buffer.enqueue('bob', message(body), two)))) as [EnqueueResult, EnqueueResult, EnqueueResult];
      assert.ok(c.ok && d.ok, 'the emptied queue has its room back');
      assert.equal(e.ok, false, 'and no more than its limit');
      assert.ok(c.seq > first[1]!.seq && d.seq > c.seq, 'numbered after the messages before');
      assert.equal([c.after, d.after], [0, c.seq]);
      assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => [m.body, m.redelivered]), [['c', false], ['d', false]]);
      assert.equal((await h.buffer.enqueue('carol', message('f'), two)).ok, true, 'one byte left in all');
      assert.equal((await h.buffer.enqueue('carol', message('g'), two)).ok, false, 'the total counts the queue again');
      assert.equal((await h.buffer.acknowledge('bob', [c.id, d.id])).map(acknowledged), [{ id: c.id, from: 'alice' }, { id: d.id, from: 'alice' }]);
      await h.buffer.acknowledge('carol', (await h.buffer.take('carol', 0, 10, T0)).map((m) => m.id));
      await h.buffer.expire(T0);
    }
  });

  it('counts a message handed out as pushed: taken again, it is redelivered', async ({ h }) => {
    const [a, b] = await enqueueAll(h.buffer, 'bob', [message('a'), message('b')]);
    h.buffer.handedOut('bob', a!.seq);
    h.buffer.handedOut('carol', b!.seq);
    assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => [m.body, m.redelivered]), [['a', true], ['b', false]]);
    assert.equal(await h.buffer.take('carol', 0, 10, T0), [], 'a hand-out queues nothing');
  });

  it('counts every message queued as pushed when told so, and none queued after', async ({ h }) => {
    await enqueueAll(h.buffer, 'bob', [message('a'), message('b')]);
    h.buffer.handedOutAll('bob');
    h.buffer.handedOutAll('carol');
    await enqueueAll(h.buffer, 'bob', [message('c')]);
    assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => [m.body, m.redelivered]), [['a', true], ['b', true], ['c', false]]);
    assert.equal(await h.buffer.take('carol', 0, 10, T0), [], 'queues nothing');
  });

  it('acknowledges: tells the removed messages\' ids and senders, ignores unknown and repeated ids', async ({ h }) => {
    // The Redis buffer keeps a body with a lone surrogate apart from the others (as JSON); a newline goes as it is.
    const sent = await enqueueAll(h.buffer, 'bob', [message('a\n'), message('b', T0, 'carol'), message('c\ud800d', T0, 'dave')]);
    const removed = await h.buffer.acknowledge('bob', [sent[2]!.id, 'm-unknown', sent[0]!.id, sent[0]!.id]);
    assert.equal(removed.map(acknowledged), [sent[2]!, sent[0]!].map(acknowledged));
    assert.equal(await h.buffer.acknowledge('bob', [sent[0]!.id]), []);
    assert.equal(await h.buffer.acknowledge('carol', [sent[1]!.id]), [], 'an id acts only on its recipient\'s queue');
    assert.equal(await h.buffer.acknowledge('bob', []), []);
    assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => m.body), ['b']);
  });

  it('acknowledges messages between device mailboxes (docs/protocol.md "Groups"), telling the sending mailbox', async ({ h }) => {
    const sent = await enqueueAll(h.buffer, 'bob/k3v9q2xa', [message('mls1.AAAA', T0, 'alice/dev1'), message('mls1.\nBBBB', T0, 'alice/dev1')]);
    assert.equal((await h.buffer.acknowledge('bob/k3v9q2xa', sent.map((m) => m.id))).map(acknowledged), sent.map(acknowledged));
    assert.equal(await h.buffer.take('bob/k3v9q2xa', 0, 10, T0), []);
  });

  it('acknowledges ids far apart in a long queue, and a run of ids with a gap in it', async ({ h }) => {
    const sent = await enqueueAll(h.buffer, 'bob', Array.from({ length: 60 }, (_, i) => message(`n${i}`)));
    const far = [sent[59]!, sent[0]!, sent[30]!];
    assert.equal((await h.buffer.acknowledge('bob', far.map((m) => m.id))).map(acknowledged), far.map(acknowledged));
    const run = [...sent.slice(1, 10), ...sent.slice(11, 20)];
    assert.equal((await h.buffer.acknowledge('bob', run.map((m) => m.id))).map(acknowledged), run.map(acknowledged));
    const left = sent.filter((m) => !far.includes(m) && !run.includes(m)).map((m) => m.body);
    assert.equal((await h.buffer.take('bob', 0, 100, T0)).map((m) => m.body), left);
  });

  it('gives every message its own id, and only that exact id acknowledges it', async ({ h }) => {
    const sent = await enqueueAll(h.buffer, 'bob', [message('a'), message('b')]);
    assert.is(new Set(sent.map((m) => m.id)).size, 2);
    const [id] = sent.map((m) => m.id);
    const lookalikes = [id!.toUpperCase(), `${id}0`, `${id} `, `${id}\n`, `\n${id}`, `x\n${id}\n`, id!.slice(0, -1), `${id!.slice(0, -1)}0${id!.slice(-1)}`, ''];
    assert.equal(await h.buffer.acknowledge('bob', lookalikes), []);
    assert.equal((await h.buffer.acknowledge('bob', ['x\ny', id!, ''])).map(acknowledged), [{ id: id!, from: 'alice' }]);
  });

  it('refuses past the per-recipient message limit without dropping older messages', async ({ h }) => {
    const limits = { ...ROOMY, maxMessagesPerRecipient: 2 };
    await enqueueAll(h.buffer, 'bob', [message('a'), message('b')], limits);
    assert.equal(await h.buffer.enqueue('bob', message('c'), limits), { ok: false, code: 'queue_full' });
    assert.ok((await h.buffer.enqueue('carol', message('other'), limits)).ok, 'another recipient has room');
    assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => m.body), ['a', 'b']);
  });

  it('refuses past the per-recipient byte limit, and frees bytes on acknowledgement', async ({ h }) => {
    const limits = { ...ROOMY, maxBytesPerRecipient: 10 };
    const [first] = await enqueueAll(h.buffer, 'bob', [message('12345678')], limits);
    assert.equal(await h.buffer.enqueue('bob', message('123'), limits), { ok: false, code: 'queue_full' });
    assert.ok((await h.buffer.enqueue('bob', message('12'), limits)).ok, 'exactly at the limit fits');
    await h.buffer.acknowledge('bob', [first!.id]);
    assert.ok((await h.buffer.enqueue('bob', message('1234567'), limits)).ok);
    assert.equal((await h.buffer.take('bob', 0, 10, T0)).map((m) => m.body), ['12', '1234567']);
  });

  it('refuses past the whole buffer\'s byte limit, across recipients', async ({ h }) => {
    const limits = { ...ROOMY, maxBytesTotal: 10 };
    const [held] = await enqueueAll(h.buffer, 'bob', [message('123456')], limits);
    assert.equal(await h.buffer.enqueue('carol', message('12345'), limits), { ok: false, code: 'queue_full' });
    assert.ok((await h.buffer.enqueue('carol', message('1234'), limits)).ok);
    assert.equal(await h.buffer.enqueue('dave', message('1'), limits), { ok: false, code: 'queue_full' });
    await h.buffer.acknowledge('bob', [held!.id]);
    assert.ok((await h.buffer.enqueue('dave', message('123456'), limits)).ok);
    assert.equal((await h.buffer.take('bob', 0, 10, T0)), []);
  });

  it('drops messages past their time-to-live when taking, oldest first', async ({ h }) => {
    await enqueueAll(h.buffer, 'bob', [message('old', T0), message('new', T0 + 10_000)]);
    assert.equal((await h.buffer.take('bob', 0, 10, T0 + TTL - 1)).map((m) => m.body), ['old', 'new']);
    assert.equal((await h.buffer.take('bob', 0, 10, T0 + TTL)).map((m) => m.body), ['new']);
    assert.equal(await h.buffer.take('bob', 0, 10, T0 + TTL + 10_000), []);
  });

  it('a take past more expired messages than it asks for still fills up with live ones', async ({ h }) => {
    await enqueueAll(h.buffer, 'bob', Array.from({ length: 130 }, (_, i) => message(`old${i}`, T0)));
    const fresh = Array.from({ length: 70 }, (_, i) => `new${i}`);
    await enqueueAll(h.buffer, 'bob', fresh.map((body) => message(body, T0 + 10_000)));
    assert.equal((await h.buffer.take('bob', 0, 60, T0 + TTL)).map((m) => m.body), fresh.slice(0, 60));
    assert.equal((await h.buffer.take('bob', 0, 100, T0 + TTL)).map((m) => m.body), fresh);
  });

  it('expire() drops every expired message of a long queue', async ({ h }) => {
    await enqueueAll(h.buffer, 'bob', Array.from({ length: 150 }, (_, i) => message(`old${i}`, T0)));
    await enqueueAll(h.buffer, 'bob', [message('new', T0 + 10_000)]);
    assert.is(await h.buffer.expire(T0 + TTL), 150);
    assert.equal((await h.buffer.take('bob', 0, 500, T0)).map((m) => m.body), ['new'], 'taken at a time they had not expired yet: they are gone');
  });

  it('expire() drops what outlived its time-to-live everywhere, counts it, and frees its bytes', async ({ h }) => {
    const limits = { ...ROOMY, maxBytesTotal: 12 };
    await enqueueAll(h.buffer, 'bob', [message('aaaa', T0), message('bbbb', T0 + 5_000)], limits);
    await enqueueAll(h.buffer, 'carol', [message('cccc', T0)], limits);
    assert.equal(await h.buffer.enqueue('dave', message('d', T0 + 1), limits), { ok: false, code: 'queue_full' });
    assert.equal(await h.buffer.expire(T0 + TTL), 2);
    assert.equal(await h.buffer.expire(T0 + TTL), 0);
    assert.equal((await h.buffer.take('bob', 0, 10, T0 + TTL)).map((m) => m.body), ['bbbb']);
    assert.equal(await h.buffer.take('carol', 0, 10, T0 + TTL), []);
    assert.ok((await h.buffer.enqueue('dave', message('12345678', T0 + TTL), limits)).ok, 'expired bytes were freed');
  });

  it('frees an expired message\'s room when a new one arrives', async ({ h }) => {
    const limits = { ...ROOMY, maxMessagesPerRecipient: 1 };
    await enqueueAll(h.buffer, 'bob', [message('stale', T0)], limits);
    assert.equal(await h.buffer.enqueue('bob', message('early', T0 + 1), limits), { ok: false, code: 'queue_full' });
    assert.ok((await h.buffer.enqueue('bob', message('fresh', T0 + TTL), limits)).ok);
    assert.equal((await h.buffer.take('bob', 0, 10, T0 + TTL)).map((m) => m.body), ['fresh']);
  });

  it('hands out a long queue in order (adapters fetch it in batches)', async ({ h }) => {
    const bodies = Array.from({ length: 130 }, (_, i) => `n${i}`);
    await enqueueAll(h.buffer, 'bob', bodies.map((body) => message(body)));
    const all = await h.buffer.take('bob', 0, Number.MAX_SAFE_INTEGER, T0);
    assert.equal(all.map((m) => m.body), bodies);
    const seqs = all.map((m) => m.seq);
    assert.equal(seqs, [...new Set(seqs)].sort((x, y) => x - y), 'increasing');
  });

  it.run();
}

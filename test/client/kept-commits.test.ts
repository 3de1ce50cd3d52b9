import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeptCommits } from '../../src/client/conversations/kept-commits.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';

/** A relay that answers each `send` with what `answer` makes of it. */
function relay(answer: (frame: ClientFrame & { ref: string; to: string }) => object) {
  const sent: ClientFrame[] = [];
  const requests: Requests = new Requests({
    send: (frame) => {
      sent.push(frame);
      queueMicrotask(() => requests.answer(answer(frame as ClientFrame & { ref: string; to: string }) as ServerFrame));
    },
  });
  return { sent, requests };
}

const commit = (group: string, epoch: bigint, body: string) => ({ group, epoch, body, welcome: undefined, members: [] });
const label = (group: string) => `#${group}`;
const BEFORE = ['alice/dev0', 'bob/dev1', 'carol/dev2', 'carol/dev3'];
const COPIES = { copies: [{ to: 'bob/dev1', id: 'm-1' }, { to: 'carol/dev2', id: 'm-2' }, { to: 'carol/dev3', id: 'm-3' }, { to: 'dave/dev4', id: 'm-4' }] };

/** Answers a send to an operator with a copy for each of its devices in BEFORE (and the name's own). */
const answerCopies = (next: { id: number }) => (frame: ClientFrame & { ref: string; to: string }) => ({
  op: 'sent', ref: frame.ref, id: `m-${++next.id}`, status: 'queued',
  copies: [frame.to, ...BEFORE.filter((m) => m.startsWith(`${frame.to}/`))].map((to) => ({ to, id: `m-${++next.id}`, status: 'queued' })),
});

test('a commit waits for each old member\'s receipt of its copy; the new member\'s copy (a welcome) and other mailboxes do not count', async () => {
  const kept = new KeptCommits();
  kept.committed(commit('ops', 4n, 'mls1.C4'), BEFORE, COPIES);
  assert.not.ok(kept.confirmed('m-4', 'dave/dev4'), 'the welcome\'s copy');
  assert.not.ok(kept.confirmed('m-1', 'carol/dev2'), 'another mailbox');
  assert.ok(kept.confirmed('m-1', 'bob/dev1'));
  assert.ok(kept.confirmed('m-2', 'carol/dev2'));
  assert.ok(kept.confirmed('m-3', 'carol/dev3'));
  const { sent, requests } = relay(answerCopies({ id: 10 }));
  assert.equal(await kept.resend(requests, label), []);
  assert.equal(sent, [], 'every member had it');
});

test('after a restart, the commits go again oldest first, once to each operator lacking one, and the new copies\' receipts settle them', async () => {
  const kept = new KeptCommits();
  kept.committed(commit('ops', 4n, 'mls1.C4'), BEFORE, COPIES);
  kept.committed(commit('ops', 5n, 'mls1.C5'), BEFORE, { copies: [{ to: 'bob/dev1', id: 'm-5' }, { to: 'carol/dev2', id: 'm-6' }, { to: 'carol/dev3', id: 'm-7' }] });
  assert.ok(kept.confirmed('m-1', 'bob/dev1'));
  const { sent, requests } = relay(answerCopies({ id: 100 }));
  assert.equal(await kept.resend(requests, label), []);
  assert.equal(sent.map((f) => [(f as { to: string }).to, (f as { body: string }).body]), [['carol', 'mls1.C4'], ['bob', 'mls1.C5'], ['carol', 'mls1.C5']]);
  // carol/dev2's copy of the re-sent C4 was m-103 (m-102 the name's own, m-104 carol/dev3's).
  assert.ok(kept.confirmed('m-103', 'carol/dev2'), 'the copy sent again');
  assert.ok(kept.confirmed('m-2', 'carol/dev3') === false && kept.confirmed('m-3', 'carol/dev3'), 'the first copy still counts');
});

test('a commit the relay refuses to carry again is dropped for that operator with a line saying so, once', async () => {
  const kept = new KeptCommits();
  kept.committed(commit('ops', 4n, 'mls1.BIG'), BEFORE, COPIES);
  const { sent, requests } = relay((frame) => (frame.to === 'carol' ? { op: 'error', ref: frame.ref, code: 'body_too_large', message: 'too large' } : answerCopies({ id: 0 })(frame)));
  assert.equal(await kept.resend(requests, label), [
    'a change to #ops, lost when the server restarted, could not be sent again to carol (body_too_large: too large): their devices that missed it cannot read the conversation until removed and invited again',
  ]);
  assert.is(sent.length, 2);
  const again = relay(answerCopies({ id: 50 }));
  assert.equal(await kept.resend(again.requests, label), []);
  assert.equal(again.sent.map((f) => (f as { to: string }).to), ['bob'], 'carol is not tried again; bob, who has not acknowledged, is');
});

test('only the last 256 commits are kept', async () => {
  const kept = new KeptCommits();
  for (let epoch = 0; epoch < 300; epoch++) kept.committed(commit('ops', BigInt(epoch), `mls1.C${epoch}`), ['bob/dev1'], { copies: [{ to: 'bob/dev1', id: `m-${epoch}` }] });
  const { sent, requests } = relay(answerCopies({ id: 1000 }));
  await kept.resend(requests, label);
  assert.is(sent.length, 256);
  assert.is((sent[0] as { body: string }).body, 'mls1.C44');
});

test.run();

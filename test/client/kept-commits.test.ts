import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UPLOAD_PART_CHARS } from '../../src/client/conversations/commit-sender.ts';
import { KeptCommits } from '../../src/client/conversations/kept-commits.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';

type Resend = ClientFrame & { ref: string; to: string[]; body?: string };

/** A relay that answers each frame with what `answer` makes of it. */
function relay(answer: (frame: Resend) => object) {
  const sent: ClientFrame[] = [];
  const requests: Requests = new Requests({
    send: (frame) => {
      sent.push(frame);
      queueMicrotask(() => requests.answer(answer(frame as Resend) as ServerFrame));
    },
  });
  return { sent, requests };
}

const commit = (group: string, epoch: bigint, body: string) => ({ group, epoch, body, welcome: undefined, members: [] });
const label = (group: string) => `#${group}`;
const BEFORE = ['alice/dev0', 'bob/dev1', 'carol/dev2', 'carol/dev3'];
const COPIES = { copies: [{ to: 'bob/dev1', id: 'm-1' }, { to: 'carol/dev2', id: 'm-2' }, { to: 'carol/dev3', id: 'm-3' }, { to: 'dave/dev4', id: 'm-4' }] };

/** Answers a `group_resend` with a copy for each mailbox it names. */
const answerCopies = (next: { id: number }) => (frame: Resend) => ({
  op: 'sent', ref: frame.ref, id: `m-${next.id + 1}`, status: 'queued', copies: frame.to.map((to) => ({ to, id: `m-${++next.id}`, status: 'queued' })),
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

test('after a restart, the commits go again oldest first, each in one group_resend to the mailboxes lacking it, and the new copies\' receipts settle them', async () => {
  const kept = new KeptCommits();
  kept.committed(commit('ops', 4n, 'mls1.C4'), BEFORE, COPIES);
  kept.committed(commit('ops', 5n, 'mls1.C5'), BEFORE, { copies: [{ to: 'bob/dev1', id: 'm-5' }, { to: 'carol/dev2', id: 'm-6' }, { to: 'carol/dev3', id: 'm-7' }] });
  assert.ok(kept.confirmed('m-1', 'bob/dev1'));
  const { sent, requests } = relay(answerCopies({ id: 100 }));
  assert.equal(await kept.resend(requests, label), []);
  assert.equal(sent.map((f) => ({ ...f, ref: undefined })), [
    { op: 'group_resend', to: ['carol/dev2', 'carol/dev3'], body: 'mls1.C4', ref: undefined },
    { op: 'group_resend', to: ['bob/dev1', 'carol/dev2', 'carol/dev3'], body: 'mls1.C5', ref: undefined },
  ]);
  assert.ok(kept.confirmed('m-101', 'carol/dev2'), 'the copy sent again');
  assert.ok(kept.confirmed('m-2', 'carol/dev3') === false && kept.confirmed('m-3', 'carol/dev3'), 'the first copy still counts');
});

test('a commit past the upload size goes in parts, as group_commit\'s', async () => {
  const kept = new KeptCommits();
  const large = `mls1.${'A'.repeat(UPLOAD_PART_CHARS + 10)}`;
  kept.committed(commit('ops', 4n, large), BEFORE, COPIES);
  const { sent, requests } = relay((frame) => (frame.op === 'upload' ? { op: 'uploaded', ref: frame.ref, upload: 'u', bytes: 0 } : answerCopies({ id: 0 })(frame)));
  assert.equal(await kept.resend(requests, label), []);
  assert.equal(sent.map((f) => f.op), ['upload', 'upload', 'group_resend']);
  const resend = sent[2] as { body?: string; body_upload?: string };
  assert.equal([resend.body, resend.body_upload], [undefined, (sent[0] as { upload: string }).upload]);
});

test('a commit the relay refuses to carry again is dropped with a line saying so, once', async () => {
  const kept = new KeptCommits();
  kept.committed(commit('ops', 4n, 'mls1.C4'), BEFORE, COPIES);
  kept.committed(commit('ops', 5n, 'mls1.C5'), BEFORE, { copies: [{ to: 'bob/dev1', id: 'm-5' }] });
  const { sent, requests } = relay((frame) => (frame.body === 'mls1.C4' ? { op: 'error', ref: frame.ref, code: 'no_such_group', message: 'no such group' } : answerCopies({ id: 0 })(frame)));
  assert.equal(await kept.resend(requests, label), [
    'a change to #ops, lost when the server restarted, could not be sent again (no_such_group: no such group): bob, carol cannot read the conversation on the devices that missed it until they are removed and invited again',
  ]);
  assert.is(sent.length, 2);
  const again = relay(answerCopies({ id: 50 }));
  assert.equal(await kept.resend(again.requests, label), []);
  assert.equal(again.sent.map((f) => (f as Resend).body), ['mls1.C5'], 'the refused one is not tried again');
});

test('bodies beyond 8 Mi characters in all: the oldest go first', async () => {
  const kept = new KeptCommits();
  const body = (n: number) => `mls1.${String(n).repeat(3 * 1024 * 1024)}`;
  for (let n = 1; n <= 3; n++) kept.committed(commit('ops', BigInt(n), body(n)), ['bob/dev1'], { copies: [{ to: 'bob/dev1', id: `m-${n}` }] });
  assert.not.ok(kept.confirmed('m-1', 'bob/dev1'), 'the first went to make room for the third');
  assert.ok(kept.confirmed('m-2', 'bob/dev1'));
  kept.committed(commit('ops', 4n, body(4)), ['bob/dev1'], { copies: [{ to: 'bob/dev1', id: 'm-4' }] });
  assert.ok(kept.confirmed('m-3', 'bob/dev1'), 'an acknowledged commit freed its room');
});

test('only the last 256 commits are kept', async () => {
  const kept = new KeptCommits();
  for (let epoch = 0; epoch < 300; epoch++) kept.committed(commit('ops', BigInt(epoch), `mls1.C${epoch}`), ['bob/dev1'], { copies: [{ to: 'bob/dev1', id: `m-${epoch}` }] });
  const { sent, requests } = relay(answerCopies({ id: 1000 }));
  await kept.resend(requests, label);
  assert.is(sent.length, 256);
  assert.is((sent[0] as Resend).body, 'mls1.C44');
});

test.run();

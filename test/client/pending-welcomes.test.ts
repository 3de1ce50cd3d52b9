import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PendingWelcomes } from '../../src/client/conversations/pending-welcomes.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';

/** A relay that answers each `send` with what `answer` makes of it. */
function relay(answer: (frame: ClientFrame & { ref: string }) => object) {
  const sent: ClientFrame[] = [];
  const requests: Requests = new Requests({
    send: (frame) => {
      sent.push(frame);
      queueMicrotask(() => requests.answer(answer(frame as ClientFrame & { ref: string }) as ServerFrame));
    },
  });
  return { sent, requests };
}

/** A commit of `epoch` bringing a welcome (so the welcome starts its member at epoch + 1). */
const commit = (group: string, epoch: bigint, welcome: string) => ({ group, epoch, body: 'mls1.COMMIT', welcome, members: [] });

const COMMITTED = { copies: [{ to: 'carol/dev2', id: 'm-1', status: 'queued' as const }, { to: 'bob/dev1', id: 'm-2', status: 'queued' as const }] };

test('a welcome waits for its new member\'s receipt; only that mailbox\'s receipt of that copy settles it', async () => {
  const welcomes = new PendingWelcomes();
  // carol was in the group: her copy is the commit; bob's is the welcome.
  welcomes.committed(commit('g', 1n, 'mls1.WELCOME'), ['alice/dev0', 'carol/dev2'], COMMITTED);
  assert.not.ok(welcomes.confirmed('m-1', 'carol/dev2'), 'the commit\'s copy');
  assert.not.ok(welcomes.confirmed('m-2', 'bob/dev9'), 'another mailbox');
  assert.ok(welcomes.confirmed('m-2', 'bob/dev1'));
  const { sent, requests } = relay((frame) => ({ op: 'sent', ref: frame.ref, id: 'm-3', status: 'queued' }));
  assert.equal(await welcomes.resend(requests, () => 2n), []);
  assert.equal(sent, [], 'nothing left to send');
});

test('after a restart, an unconfirmed welcome goes to its member\'s operator while the epoch holds, and its new copy settles it', async () => {
  const welcomes = new PendingWelcomes();
  welcomes.committed(commit('g', 1n, 'mls1.WELCOME'), ['alice/dev0'], { copies: [COMMITTED.copies[1]!] });
  const { sent, requests } = relay((frame) => ({ op: 'sent', ref: frame.ref, id: 'm-5', status: 'queued', copies: [{ to: 'bob', id: 'm-4', status: 'queued' }, { to: 'bob/dev1', id: 'm-5', status: 'queued' }] }));
  assert.equal(await welcomes.resend(requests, () => 2n), []);
  assert.equal(sent.map((f) => ({ ...f, ref: undefined })), [{ op: 'send', to: 'bob', body: 'mls1.WELCOME', ref: undefined }]);
  assert.ok(welcomes.confirmed('m-5', 'bob/dev1'), 'the copy sent again');
});

test('a welcome whose conversation moved on, or that the relay refuses, is dropped with a line saying so', async () => {
  const welcomes = new PendingWelcomes();
  welcomes.committed(commit('g', 1n, 'mls1.OLD'), ['alice/dev0'], { copies: [COMMITTED.copies[1]!] });
  welcomes.committed(commit('h', 0n, 'mls1.BIG'), ['alice/dev0'], { copies: [{ to: 'dave/dev3', id: 'm-9' }] });
  welcomes.committed(commit('gone', 0n, 'mls1.GONE'), ['alice/dev0'], { copies: [{ to: 'erin/dev4', id: 'm-8' }] });
  const { sent, requests } = relay((frame) => ({ op: 'error', ref: frame.ref, code: 'body_too_large', message: 'too large' }));
  const epochs: Record<string, bigint> = { g: 3n, h: 1n };
  const problems = await welcomes.resend(requests, (group) => epochs[group]);
  assert.is(sent.length, 1, 'only the one whose epoch holds was tried');
  assert.equal(problems, [
    'bob/dev1 may not have had its invitation, lost when the server restarted; the conversation has moved on since',
    'dave/dev3\'s invitation, lost when the server restarted, could not be sent again (body_too_large: too large)',
  ]);
  assert.equal(await welcomes.resend(requests, (group) => epochs[group]), [], 'each said once');
});

test.run();

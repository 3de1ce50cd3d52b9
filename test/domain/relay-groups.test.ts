import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupDelivery } from '../../src/domain/group-delivery.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { SLOTS } from '../contracts/device-directory-contract.ts';
import { makeIdentity } from '../support/device-keys.ts';
import { expectFrame, outline } from '../support/frame-assertions.ts';
import { InMemoryGroupDirectory } from '../support/fakes.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';
import { privateMessage, welcomeMessage } from '../support/mls-headers.ts';

const G = Buffer.alloc(32, 7).toString('base64');
const WELCOME = welcomeMessage();
type Msg = Extract<OutboundFrame, { op: 'msg' }>;
const msgs = (frames: OutboundFrame[]) => frames.filter((f): f is Msg => f.op === 'msg');
const bodies = (frames: OutboundFrame[]) => msgs(frames).map((m) => [m.from, m.body]);

function groupsSuite(mode: PortMode): void {
  const test = suite(`relay groups, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  /** alice, bob, carol logged in; alice made group G with bob and carol (epoch 1). */
  async function group(config = {}) {
    const h = inProcessRelay({ config, mode });
    await h.addOperators('alice', 'bob', 'carol', 'dave');
    const [alice, bob, carol] = [await h.login('alice'), await h.login('bob'), await h.login('carol')];
    const committed = expectFrame((await h.frame(alice, {
      op: 'group_commit', body: privateMessage(G, 0, 'commit'), members: ['alice', 'bob', 'carol'], welcome: WELCOME, ref: 'c0',
    }))[0], 'committed');
    return { h, alice, bob, carol, committed };
  }

  test('the first commit creates the group; its welcome goes to the new members only, as ordinary messages', async () => {
    const { h, alice, bob, carol, committed } = await group();
    assert.equal([committed.group, committed.epoch, committed.ref], [G, 1, 'c0']);
    assert.equal(committed.copies.map((c) => 'id' in c && [c.to, c.status]), [['bob', 'delivered'], ['carol', 'delivered']]);
    for (const member of [bob, carol]) assert.equal(bodies(h.gateway.sentTo(member)), [['alice', WELCOME]]);
    assert.equal(msgs(h.gateway.sentTo(alice)), [], 'nothing to the committer');
    assert.equal(await h.frame(bob, { op: 'group_info', group: G }), [{ op: 'group', group: G, epoch: 1, members: ['alice', 'bob', 'carol'], committer: 'alice' }]);
  });

  test('a group send goes to every member but the sender, one copy each, with acks and receipts per copy', async () => {
    const { h, alice, bob, carol } = await group();
    const body = privateMessage(G, 1, 'application');
    const sent = expectFrame((await h.frame(bob, { op: 'group_send', body, ref: 's1' }))[0], 'sent');
    assert.equal([sent.status, sent.ref, sent.copies?.map((c) => c.to)], ['delivered', 's1', ['alice', 'carol']]);
    const [toAlice] = msgs(h.gateway.sentTo(alice)).filter((m) => m.body === body);
    assert.equal([toAlice?.from, toAlice?.id], ['bob', sent.id]);
    assert.equal(msgs(h.gateway.sentTo(bob)).filter((m) => m.body === body), [], 'not to the sender');
    const toCarol = msgs(h.gateway.sentTo(carol)).find((m) => m.body === body)!;
    await h.frame(carol, { op: 'ack', id: toCarol.id });
    assert.equal(h.last(bob), { op: 'receipt', id: toCarol.id, to: 'carol' });
    // docs/protocol.md "Unreadable copies": a member that could not open its copy says so, and only its receipt carries it.
    await h.frame(alice, { op: 'ack', id: toAlice!.id, unreadable: true });
    assert.equal(h.last(bob), { op: 'receipt', id: toAlice!.id, to: 'alice', unreadable: true });
  });

  test('a member offline gets the copy queued, and at login', async () => {
    const { h, bob, carol } = await group();
    await h.relay.onClose(carol);
    const sent = expectFrame((await h.frame(bob, { op: 'group_send', body: privateMessage(G, 1, 'proposal') }))[0], 'sent');
    assert.equal([sent.status, sent.copies?.map((c) => 'id' in c && c.status)], ['queued', ['delivered', 'queued']]);
    const again = await h.login('carol');
    assert.equal(bodies(h.gateway.sentTo(again)).at(-1), ['bob', privateMessage(G, 1, 'proposal')]);
  });

  test('first commit wins: the loser gets stale_epoch with the current epoch, an outsider no_such_group', async () => {
    const { h, alice, bob } = await group();
    const dave = await h.login('dave');
    const winner = await h.frame(alice, { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['alice', 'bob', 'carol'] });
    assert.equal(expectFrame(winner[0], 'committed').epoch, 2);
    const loser = await h.frame(bob, { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['alice', 'bob'], ref: 'x' });
    assert.equal(loser, [{ op: 'error', code: 'stale_epoch', message: 'the group is at another epoch: process its commits first', ref: 'x', epoch: 2 }]);
    assert.equal(outline(await h.frame(dave, { op: 'group_commit', body: privateMessage(G, 2, 'commit'), members: ['dave'] })), ['no_such_group']);
    assert.equal(outline(await h.frame(bob, { op: 'group_send', body: privateMessage(G, 1, 'application') })), ['stale_epoch'], 'a send of a past epoch');
  });

  test('a commit goes to every previous member, removed ones included; the welcome only to those who join', async () => {
    const { h, alice, bob, carol } = await group();
    const dave = await h.login('dave');
    const commit = privateMessage(G, 1, 'commit', 90);
    const committed = expectFrame((await h.frame(alice, { op: 'group_commit', body: commit, members: ['alice', 'bob', 'dave'], welcome: WELCOME }))[0], 'committed');
    assert.equal(committed.copies.map((c) => c.to), ['bob', 'carol', 'dave']);
    assert.equal(bodies(h.gateway.sentTo(carol)).at(-1), ['alice', commit], 'carol learns she was removed');
    assert.equal(bodies(h.gateway.sentTo(bob)).at(-1), ['alice', commit]);
    assert.equal(bodies(h.gateway.sentTo(dave)), [['alice', WELCOME]]);
    assert.equal(outline(await h.frame(carol, { op: 'group_send', body: privateMessage(G, 2, 'application') })), ['no_such_group']);
    assert.equal(outline(await h.frame(carol, { op: 'group_info', group: G })), ['no_such_group']);
  });

  test('refuses non-members, wrong content types and what is not MLS; the connection stays', async () => {
    const { h, bob } = await group();
    const dave = await h.login('dave');
    assert.equal(outline(await h.frame(dave, { op: 'group_send', body: privateMessage(G, 1, 'application') })), ['no_such_group']);
    const refused = [
      { op: 'group_send', body: privateMessage(G, 1, 'commit') },
      { op: 'group_send', body: 'hello' },
      { op: 'group_commit', body: privateMessage(G, 1, 'application'), members: ['bob'] },
      { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['alice'] },
      { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['bob', 'bob'] },
      { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['bob'], welcome: privateMessage(G, 1, 'commit') },
    ];
    for (const frame of refused) assert.equal(outline(await h.frame(bob, frame)), ['invalid'], JSON.stringify(frame));
    assert.equal(outline(await h.frame(bob, { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['bob', 'nobody'] })), ['no_such_recipient']);
    assert.equal(outline(await h.frame(bob, { op: 'ping' })), ['pong']);
  });

  test('handshakes past the frame limit come in uploads; an oversized upload is refused without losing the connection', async () => {
    const { h, alice, bob } = await group({ maxHandshakeBytes: 4000, maxBodyBytes: 300 });
    const commit = privateMessage(G, 1, 'commit', 2000);
    assert.equal(outline(await h.frame(alice, { op: 'group_commit', body: commit, members: ['alice', 'bob'] })), ['body_too_large']);
    const half = Math.floor(commit.length / 2);
    assert.equal(await h.frame(alice, { op: 'upload', upload: 'u1', data: commit.slice(0, half), more: true, ref: 'p1' }), [{ op: 'uploaded', upload: 'u1', bytes: half, ref: 'p1' }]);
    await h.frame(alice, { op: 'upload', upload: 'u1', data: commit.slice(half), more: false });
    assert.equal(outline(await h.frame(alice, { op: 'upload', upload: 'u2', data: 'x'.repeat(2000), more: true })), ['body_too_large'], 'past 4000 held');
    assert.equal(outline(await h.frame(alice, { op: 'ping' })), ['pong']);
    const committed = await h.frame(alice, { op: 'group_commit', body_upload: 'u1', members: ['alice', 'bob'] });
    assert.equal(expectFrame(committed[0], 'committed').epoch, 2);
    assert.equal(bodies(h.gateway.sentTo(bob)).at(-1), ['alice', commit]);
    assert.equal(outline(await h.frame(alice, { op: 'group_commit', body_upload: 'u1', members: ['alice'] })), ['invalid'], 'an upload is used once');
    assert.equal(outline(await h.frame(alice, { op: 'upload', upload: 'u3', data: 'x'.repeat(3900), more: true })), ['uploaded'], 'released');
    await h.relay.onClose(alice);
  });

  test('a send in steady state reads no database; a commit made elsewhere is found by the epoch of the next send', async () => {
    const directory = new InMemoryGroupDirectory();
    const h = inProcessRelay({ mode, groups: directory });
    await h.addOperators('alice', 'bob', 'carol');
    const [alice, bob, carol] = [await h.login('alice'), await h.login('bob'), await h.login('carol')];
    await h.frame(alice, { op: 'group_commit', body: privateMessage(G, 0, 'commit'), members: ['alice', 'bob'] });
    const reads = directory.reads;
    for (let i = 0; i < 3; i++) await h.frame(bob, { op: 'group_send', body: privateMessage(G, 1, 'application') });
    assert.is(directory.reads, reads);
    // Another instance shares the directory and commits: carol joins at epoch 2.
    const elsewhere = new GroupDelivery(h.router, directory, h.existing, h.gateway, h.config);
    await elsewhere.handle({ ...h.sessions.get(alice)!, id: 'c-other' }, { op: 'group_commit', body: { text: privateMessage(G, 1, 'commit') }, members: ['alice', 'bob', 'carol'] });
    const sent = expectFrame((await h.frame(bob, { op: 'group_send', body: privateMessage(G, 2, 'application') }))[0], 'sent');
    assert.equal(sent.copies?.map((c) => c.to), ['alice', 'carol']);
    assert.is(directory.reads, reads + 1);
    assert.equal(bodies(h.gateway.sentTo(carol)).at(-1), ['bob', privateMessage(G, 2, 'application')]);
  });

  test('group_resend: a commit of a passed epoch goes again, from a member, to the mailboxes it names, removed ones too, uploads allowed', async () => {
    const { h, alice, bob, carol } = await group({ maxBodyBytes: 300 });
    const commit = privateMessage(G, 1, 'commit', 600);
    await h.frame(alice, { op: 'upload', upload: 'c', data: commit, more: false });
    await h.frame(alice, { op: 'group_commit', body_upload: 'c', members: ['alice', 'bob'] });
    await h.frame(alice, { op: 'upload', upload: 'r', data: commit, more: false });
    const sent = expectFrame((await h.frame(alice, { op: 'group_resend', body_upload: 'r', to: ['carol', 'alice'], ref: 'r1' }))[0], 'sent');
    assert.equal([sent.ref, sent.copies?.map((c) => 'id' in c && [c.to, c.status])], ['r1', [['carol', 'delivered']]], 'not to the sender');
    assert.equal(bodies(h.gateway.sentTo(carol)).slice(-2), [['alice', commit], ['alice', commit]], 'carol, removed by it, gets it again');
    const toCarol = msgs(h.gateway.sentTo(carol)).at(-1)!;
    assert.is(toCarol.id, sent.id);
    await h.frame(carol, { op: 'ack', id: toCarol.id });
    assert.equal(h.last(alice), { op: 'receipt', id: toCarol.id, to: 'carol' });
    assert.equal(outline(await h.frame(bob, { op: 'group_resend', body: privateMessage(G, 1, 'commit'), to: ['nobody'] })), ['no_such_recipient']);
  });

  test('group frames name only mailboxes that exist: an operator\'s name or one of its certified devices, never a made-up device', async () => {
    const { h, alice } = await group();
    await h.devices.add('bob', makeIdentity().device('bob', 'phone1').record, SLOTS);
    assert.equal(outline(await h.frame(alice, { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['alice', 'bob', 'bob/zzzz1'] })), ['no_such_recipient']);
    assert.equal(outline(await h.frame(alice, { op: 'group_resend', body: privateMessage(G, 0, 'commit'), to: ['bob/zzzz1'] })), ['no_such_recipient']);
    const committed = expectFrame((await h.frame(alice, { op: 'group_commit', body: privateMessage(G, 1, 'commit'), members: ['alice', 'bob', 'bob/phone1'] }))[0], 'committed');
    assert.is(committed.epoch, 2, 'a certified device is a member like its name');
    const resent = expectFrame((await h.frame(alice, { op: 'group_resend', body: privateMessage(G, 1, 'commit'), to: ['bob/phone1'] }))[0], 'sent');
    assert.equal(resent.copies?.map((c) => c.to), ['bob/phone1']);
  });

  test('group_resend refuses the current epoch\'s commit (group_commit\'s), anything but a commit, and anyone not a member now', async () => {
    const { h, bob, carol } = await group();
    const dave = await h.login('dave');
    const refused: [string, object, string][] = [
      [bob, { op: 'group_resend', body: privateMessage(G, 1, 'commit'), to: ['carol'] }, 'invalid'],
      [bob, { op: 'group_resend', body: privateMessage(G, 0, 'application'), to: ['carol'] }, 'invalid'],
      [bob, { op: 'group_resend', body: privateMessage(G, 0, 'commit'), to: [] }, 'invalid'],
      [bob, { op: 'group_resend', to: ['carol'] }, 'invalid'],
      [dave, { op: 'group_resend', body: privateMessage(G, 0, 'commit'), to: ['carol'] }, 'no_such_group'],
    ];
    for (const [who, frame, code] of refused) assert.equal(outline(await h.frame(who, frame)), [code], JSON.stringify(frame));
    assert.equal(outline(await h.frame(bob, { op: 'group_resend', body: privateMessage(G, 0, 'commit'), to: ['carol'] })), ['sent delivered']);
    assert.equal(bodies(h.gateway.sentTo(carol)).at(-1), ['bob', privateMessage(G, 0, 'commit')]);
  });

  test('one send-rate token a group frame, whatever its copies', async () => {
    const { h, bob } = await group({ sendRatePerSecond: 1 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(...outline(await h.frame(bob, { op: 'group_send', body: privateMessage(G, 1, 'application') })));
    // A burst of two tokens: two frames of two copies each go, counted per copy only one would.
    assert.equal(answers, ['sent delivered', 'sent delivered', 'rate_limited']);
  });

  test.run();
}

for (const mode of PORT_MODES) groupsSuite(mode);

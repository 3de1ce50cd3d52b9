import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { mlsGroupRun } from '../support/mls-messages.ts';
import type { MlsGroupRun } from '../support/mls-messages.ts';
import { startServer } from '../support/server-process.ts';
import type { RunningServer } from '../support/server-process.ts';

interface Context {
  server: RunningServer;
  run: MlsGroupRun;
  clients: ProtocolClient[];
}

const it = suite<Context>('groups over TCP, real ts-mls messages (X-Wing), handshakes uploaded in parts');
/** Parts of a few per handshake here; a client uses parts just under the frame limit. */
const PART = 1_000;
const MAX_HANDSHAKE_BYTES = 200_000;

it.before(async (context) => {
  [context.server, context.run] = await Promise.all([
    startServer({ operators: ['alice', 'bob', 'carol'], args: ['--max-handshake-bytes', String(MAX_HANDSHAKE_BYTES)] }),
    mlsGroupRun('MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519'),
  ]);
});
it.after(async ({ server }) => {
  await server.stop();
});
it.before.each((context) => {
  context.clients = [];
});
it.after.each(({ clients }) => {
  for (const client of clients) client.close();
});

/** Sends `text` as upload `id` in parts under the frame limit; returns the last `uploaded`. */
async function upload(client: ProtocolClient, id: string, text: string) {
  let answer;
  for (let at = 0; at < text.length; at += PART) {
    client.send({ op: 'upload', upload: id, data: text.slice(at, at + PART), more: at + PART < text.length });
    answer = await client.next('uploaded');
  }
  return answer;
}

it('alice commits bob in through uploads, bob gets the welcome, messages fan out, a stale commit is refused', async (context) => {
  const { run, server } = context;
  const [alice, bob] = await Promise.all([ProtocolClient.login(server.port, 'alice'), ProtocolClient.login(server.port, 'bob')]);
  context.clients.push(alice, bob);
  assert.ok(run.addCommit.length > 2 * PART, 'the commit takes several parts');

  assert.is((await upload(alice, 'c', run.addCommit))?.bytes, run.addCommit.length);
  await upload(alice, 'w', run.welcome);
  alice.send({ op: 'group_commit', body_upload: 'c', welcome_upload: 'w', members: ['alice', 'bob'], ref: 'k1' });
  const committed = await alice.next('committed');
  assert.equal([committed.group, committed.epoch, committed.ref], [run.group, 1, 'k1']);
  const welcome = await bob.next('msg');
  assert.equal([welcome.from, welcome.body], ['alice', run.welcome], 'one msg frame, past the frame limit');
  bob.send({ op: 'ack', id: welcome.id });

  alice.send({ op: 'group_info', group: run.group });
  assert.equal(await alice.next('group'), { op: 'group', group: run.group, epoch: 1, members: ['alice', 'bob'], committer: 'alice' });

  // The second commit (a PublicMessage at epoch 1) wins once; the same again is stale.
  await upload(alice, 'c2', run.publicCommit);
  alice.send({ op: 'group_commit', body_upload: 'c2', members: ['alice', 'bob'] });
  assert.is((await alice.next('committed')).epoch, 2);
  assert.is((await bob.next('msg')).body, run.publicCommit);
  await upload(bob, 'c3', run.publicCommit);
  bob.send({ op: 'group_commit', body_upload: 'c3', members: ['alice', 'bob'], ref: 'late' });
  const stale = await bob.next('error');
  assert.equal([stale.code, stale.epoch, stale.ref], ['stale_epoch', 2, 'late']);

  alice.send({ op: 'group_send', body: run.application, ref: 's' });
  const sent = await alice.next('sent');
  assert.equal([sent.status, sent.copies], ['delivered', [{ to: 'bob', id: sent.id, status: 'delivered' }]]);
  const msg = await bob.next('msg');
  assert.equal([msg.from, msg.body], ['alice', run.application]);
  bob.send({ op: 'ack', id: msg.id });
  assert.equal(await alice.next('receipt'), { op: 'receipt', id: sent.id, to: 'bob' });
});

it('an outsider is refused; past --max-handshake-bytes an upload is refused and the connection goes on', async (context) => {
  const { run, server } = context;
  const carol = await ProtocolClient.login(server.port, 'carol');
  context.clients.push(carol);
  carol.send({ op: 'group_send', body: run.application });
  assert.is((await carol.next('error')).code, 'no_such_group');
  let refused;
  let held = 0;
  while (refused === undefined) {
    carol.send({ op: 'upload', upload: 'big', data: 'A'.repeat(60_000), more: true });
    const answer = await carol.next();
    if (answer.op === 'error') refused = answer;
    else held = Number(answer.bytes);
  }
  assert.equal([refused.code, held], ['body_too_large', 180_000]);
  carol.send({ op: 'ping', ref: 'still' });
  assert.equal(await carol.next('pong'), { op: 'pong', ref: 'still' });
});

it.run();

import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { privateMessage, welcomeMessage } from '../support/mls-headers.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { backendsMissing, startSharedBackends } from '../support/scale-out.ts';
import type { SharedBackends } from '../support/scale-out.ts';
import { LITSXG } from '../support/server-process.ts';
import type { RunningServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';
import { runUnlessMissing } from '../support/missing-service.ts';

interface Context {
  backends: SharedBackends;
  credentials: string;
  a: RunningServer;
  b: RunningServer;
  clients: ProtocolClient[];
}

const it = suite<Context>('scale-out: two servers on one Redis and one PostgreSQL');
const missing = backendsMissing();

// Servers take seconds to start, so A and B serve every test; each test has operators of its own.
it.before(async (context) => {
  context.backends = await startSharedBackends();
  context.credentials = await context.backends.credentials(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'judy', 'lena', 'mona', 'nina']);
  [context.a, context.b] = await Promise.all([context.backends.server(context.credentials), context.backends.server(context.credentials)]);
});
it.after(async ({ backends, a, b }) => {
  await Promise.all([a.stop(), b.stop()]);
  await backends.stop();
});
it.before.each((context) => {
  context.clients = [];
});
it.after.each(({ clients }) => {
  for (const client of clients) client.close();
});

async function login(context: Context, server: RunningServer, name: string): Promise<ProtocolClient> {
  const client = await ProtocolClient.login(server.port, name);
  context.clients.push(client);
  return client;
}

it('alice on A and bob on B exchange messages, acknowledgements and receipts; who lists both', async (context) => {
  const alice = await login(context, context.a, 'alice');
  const bob = await login(context, context.b, 'bob');
  alice.send({ op: 'send', to: 'bob', body: 'hello from A', ref: 'r1' });
  const sent = await alice.next('sent');
  assert.equal([sent.ref, sent.status], ['r1', 'delivered']);
  const msg = await bob.next('msg');
  assert.equal([msg.id, msg.from, msg.body, msg.redelivered], [sent.id, 'alice', 'hello from A', undefined]);
  bob.send({ op: 'ack', id: msg.id });
  assert.equal(await alice.next('receipt'), { op: 'receipt', id: sent.id, to: 'bob' });

  bob.send({ op: 'send', to: 'alice', body: 'and back from B' });
  const reply = await alice.next('msg');
  assert.equal([reply.from, reply.body], ['bob', 'and back from B']);
  alice.send({ op: 'ack', ids: [reply.id] });
  assert.is((await bob.next('receipt')).id, reply.id);
  // docs/protocol.md "Unreadable copies": the flag crosses to the sender's instance.
  bob.send({ op: 'send', to: 'alice', body: 'e2e1.not-an-envelope-alice-can-open' });
  const unopened = await alice.next('msg');
  alice.send({ op: 'ack', ids: [unopened.id], unreadable: true });
  assert.equal(await bob.next('receipt'), { op: 'receipt', id: unopened.id, to: 'alice', unreadable: true });

  for (const client of [alice, bob]) {
    client.send({ op: 'who' });
    assert.equal((await client.next('online')).names, ['alice', 'bob']);
  }
});

it('keeps order across instances for many messages', async (context) => {
  const carol = await login(context, context.a, 'carol');
  const dave = await login(context, context.b, 'dave');
  const bodies = Array.from({ length: 200 }, (_, i) => `n${i}`);
  for (const body of bodies) carol.send({ op: 'send', to: 'dave', body });
  const got: string[] = [];
  while (got.length < bodies.length) got.push(String((await dave.next('msg')).body));
  assert.equal(got, bodies);
});

it('a second login on B takes over alice\'s session on A, and redelivers what she had not acknowledged', async (context) => {
  const first = await login(context, context.a, 'erin');
  const frank = await login(context, context.b, 'frank');
  frank.send({ op: 'send', to: 'erin', body: 'unacknowledged' });
  const pushed = await first.next('msg');
  const second = await ProtocolClient.connect(context.b.port);
  context.clients.push(second);
  await second.next('hello');
  second.send({ op: 'auth', name: 'erin', password: PASSWORD });
  assert.equal((await second.next('welcome')).pending, 1);
  const again = await second.next('msg');
  assert.equal([again.id, again.body, again.redelivered], [pushed.id, 'unacknowledged', true]);
  assert.equal(await first.next('bye'), { op: 'bye', reason: 'replaced' });
  assert.ok(await first.waitClosed(), 'the replaced connection is closed');
  frank.send({ op: 'who' });
  const names = (await frank.next('online')).names as string[];
  assert.equal(names.filter((name) => name === 'erin' || name === 'frank'), ['erin', 'frank']);
  frank.send({ op: 'send', to: 'erin', body: 'to the new session' });
  assert.is((await second.next('msg')).body, 'to the new session');
});

it('queued messages survive a restart of the server that accepted them', async (context) => {
  const dir = tempDir();
  try {
    const a = await context.backends.server(context.credentials, { dataDir: dir.path });
    const gina = await ProtocolClient.login(a.port, 'gina');
    gina.send({ op: 'send', to: 'hank', body: 'while you were away' });
    assert.is((await gina.next('sent')).status, 'queued');
    gina.close();
    assert.is(await a.stop(), 0);
    const restarted = await context.backends.server(context.credentials, { dataDir: dir.path });
    try {
      const hank = await ProtocolClient.login(restarted.port, 'hank');
      const msg = await hank.next('msg');
      assert.equal([msg.from, msg.body], ['gina', 'while you were away']);
      hank.close();
    } finally {
      await restarted.stop();
    }
  } finally {
    dir.remove();
  }
});

it('the operator command works against PostgreSQL while both servers run', async (context) => {
  const add = await operator(['add', 'kim', '--credentials', context.credentials], `${PASSWORD}\n`);
  assert.equal([add.status, add.stdout], [0, 'added kim\n']);
  const list = await operator(['list', '--credentials', context.credentials], '');
  assert.ok(list.stdout.split('\n').includes('kim'), list.stdout);
  await login(context, context.a, 'kim');
  await login(context, context.b, 'kim');
});

function operator(args: readonly string[], stdin: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(LITSXG, ['operator', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout }));
    child.stdin.end(stdin);
  });
}

it('group members on A and B get group messages; first commit wins across instances; a commit on A reroutes sends on B', async (context) => {
  const lena = await login(context, context.a, 'lena');
  const [mona, nina] = [await login(context, context.b, 'mona'), await login(context, context.b, 'nina')];
  const group = Buffer.alloc(32, 42).toString('base64');
  lena.send({ op: 'group_commit', body: privateMessage(group, 0, 'commit'), members: ['lena', 'mona', 'nina'], welcome: welcomeMessage() });
  assert.is((await lena.next('committed')).epoch, 1);
  for (const member of [mona, nina]) assert.equal(pick(await member.next('msg')), ['lena', welcomeMessage()]);

  // Both commit epoch 1 at once, one on each instance: exactly one wins, the other learns the epoch.
  lena.send({ op: 'group_commit', body: privateMessage(group, 1, 'commit', 10), members: ['lena', 'mona', 'nina'] });
  mona.send({ op: 'group_commit', body: privateMessage(group, 1, 'commit', 20), members: ['lena', 'mona', 'nina'] });
  const answers = [await answer(lena), await answer(mona)];
  assert.equal(answers.map((frame) => frame.op).sort(), ['committed', 'error'], JSON.stringify(answers));
  assert.equal(answers.map((frame) => (frame.op === 'error' ? [frame.code, frame.epoch] : frame.epoch)).sort(), [2, ['stale_epoch', 2]].sort());

  // lena on A removes nina at epoch 2; mona's next send on B is of epoch 3 and reaches lena only.
  lena.send({ op: 'group_commit', body: privateMessage(group, 2, 'commit', 30), members: ['lena', 'mona'] });
  assert.is((await lena.next('committed')).epoch, 3);
  await delivered(nina, privateMessage(group, 2, 'commit', 30), 'lena');
  await delivered(mona, privateMessage(group, 2, 'commit', 30), 'lena');
  mona.send({ op: 'group_send', body: privateMessage(group, 3, 'application'), ref: 's' });
  const sent = await mona.next('sent');
  assert.equal(sent.copies, [{ to: 'lena', id: sent.id, status: 'delivered' }]);
  await delivered(lena, privateMessage(group, 3, 'application'), 'mona');
  nina.send({ op: 'group_send', body: privateMessage(group, 3, 'application') });
  assert.is((await nina.next('error')).code, 'no_such_group');
});

const pick = (frame: Record<string, unknown>) => [frame.from, frame.body];

/** The next frame that is not a delivery. */
async function answer(client: ProtocolClient) {
  for (;;) {
    const frame = await client.next();
    if (frame.op !== 'msg') return frame;
  }
}

/** Waits for `body` from `from`, past the deliveries before it. */
async function delivered(client: ProtocolClient, body: string, from: string): Promise<void> {
  let msg;
  do msg = await client.next('msg');
  while (msg.body !== body);
  assert.is(msg.from, from);
}

// Last: it kills A.
it('a killed server leaves no ghost presence once its sessions expire', async (context) => {
  const ivan = await login(context, context.a, 'ivan');
  const judy = await login(context, context.b, 'judy');
  ivan.send({ op: 'who' });
  assert.equal((await ivan.next('online')).names, ['ivan', 'judy']);
  await context.a.kill();
  const deadline = Date.now() + 15_000;
  let names: unknown;
  do {
    await new Promise((resolve) => setTimeout(resolve, 500));
    judy.send({ op: 'who' });
    names = (await judy.next('online')).names;
  } while (JSON.stringify(names) !== '["judy"]' && Date.now() < deadline);
  assert.equal(names, ['judy']);
  judy.send({ op: 'send', to: 'ivan', body: 'are you there?' });
  assert.is((await judy.next('sent')).status, 'queued');
  const back = await login(context, context.b, 'ivan');
  assert.is((await back.next('msg')).body, 'are you there?');
});

runUnlessMissing(it, missing);

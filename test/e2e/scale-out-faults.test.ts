import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Frame } from '../support/protocol-client.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { backendsMissing, startSharedBackends } from '../support/scale-out.ts';
import { runUnlessMissing } from '../support/missing-service.ts';

/** Sends until the server accepts (after Redis came back), or fails after `ms`. */
async function sendUntilAccepted(client: ProtocolClient, frame: Frame, ms: number): Promise<Frame> {
  const deadline = Date.now() + ms;
  for (let attempt = 0; ; attempt++) {
    client.send({ ...frame, ref: `try-${attempt}` });
    const answer = await client.next();
    if (answer.op === 'sent') return answer;
    assert.equal([answer.op, answer.code], ['error', 'internal'], JSON.stringify(answer));
    if (Date.now() > deadline) throw new Error(`still refused after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('Redis stopping mid-test: sends get internal, nothing crashes, service and queued messages come back', async () => {
  const backends = await startSharedBackends();
  const credentials = await backends.credentials(['alice', 'bob', 'carol']);
  const [a, b] = await Promise.all([backends.server(credentials), backends.server(credentials)]);
  const clients: ProtocolClient[] = [];
  try {
    const alice = await ProtocolClient.login(a.port, 'alice');
    const bob = await ProtocolClient.login(b.port, 'bob');
    clients.push(alice, bob);
    alice.send({ op: 'send', to: 'carol', body: 'accepted before the outage' });
    assert.is((await alice.next('sent')).status, 'queued');

    // Frozen (SIGSTOP): connections stay open but nothing answers.
    backends.redis.pause();
    const frozenAt = Date.now();
    alice.send({ op: 'send', to: 'bob', body: 'during the freeze', ref: 'frozen' });
    assert.equal(await alice.next(undefined, 8_000), { op: 'error', code: 'internal', ref: 'frozen', message: (alice.received.at(-1) as Frame).message });
    // Bounded by the 2 s command timeout (its timer may fire late on a busy machine).
    const waited = Date.now() - frozenAt;
    assert.ok(waited >= 1_900 && waited < 4_000, `a send to a frozen Redis was answered after ${waited} ms`);
    alice.send({ op: 'ping', ref: 'alive' });
    assert.equal(await alice.next(), { op: 'pong', ref: 'alive' });
    backends.redis.resume();
    await sendUntilAccepted(alice, { op: 'send', to: 'bob', body: 'after the freeze' }, 10_000);
    const bodies: string[] = [];
    while (!bodies.includes('after the freeze')) {
      const msg = await bob.next('msg');
      bodies.push(String(msg.body));
      bob.send({ op: 'ack', id: msg.id });
    }
    // The frozen send may have reached Redis before the server gave up on it: at most once more.
    assert.ok(bodies.join('|') === 'after the freeze' || bodies.join('|') === 'during the freeze|after the freeze', bodies.join('|'));

    // Stopped and started again: a Redis without persistence comes back empty.
    await backends.redis.halt();
    const downAt = Date.now();
    alice.send({ op: 'send', to: 'bob', body: 'while Redis is down', ref: 'down' });
    const refused = await alice.next('error', 5_000);
    assert.equal([refused.code, refused.ref], ['internal', 'down']);
    assert.ok(Date.now() - downAt < 1_000, `a send while Redis is down was answered after ${Date.now() - downAt} ms`);
    bob.send({ op: 'who', ref: 'w' });
    assert.is((await bob.next('error')).code, 'internal');
    await backends.redis.restart();
    // Each instance puts its live sessions back within a third of the presence time-to-live.
    let online: unknown;
    const deadline = Date.now() + 10_000;
    while (JSON.stringify(online) !== '["alice","bob"]' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      bob.send({ op: 'who' });
      const answer = await bob.next();
      online = answer.op === 'online' ? answer.names : undefined;
    }
    assert.equal(online, ['alice', 'bob']);
    const sent = await sendUntilAccepted(alice, { op: 'send', to: 'bob', body: 'Redis is back' }, 5_000);
    assert.is(sent.status, 'delivered');
    const msg = await bob.next('msg');
    assert.equal([msg.id, msg.body], [sent.id, 'Redis is back'], 'numbering went on past what bob had been pushed');

    assert.is(a.process.exitCode, null, 'A still runs');
    assert.is(b.process.exitCode, null, 'B still runs');
    assert.ok(a.logs.some((entry) => entry.event === 'redis_unavailable'), 'the outage is logged');
    assert.ok(a.logs.every((entry) => !JSON.stringify(entry).includes('while Redis is down')), 'no body in the logs');
    for (const client of clients) client.close();
    assert.equal(await Promise.all([a.stop(), b.stop()]), [0, 0], 'both shut down cleanly');
  } finally {
    for (const client of clients) client.close();
    await Promise.all([a.stop(), b.stop()]);
    await backends.stop();
  }
});

runUnlessMissing(test, backendsMissing());

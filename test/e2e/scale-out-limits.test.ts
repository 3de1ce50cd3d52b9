import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runUnlessMissing } from '../support/missing-service.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { backendsMissing, startSharedBackends } from '../support/scale-out.ts';
import type { SharedBackends } from '../support/scale-out.ts';
import type { RunningServer } from '../support/server-process.ts';

const SEND_RATE = 5;

interface Context {
  backends: SharedBackends;
  a: RunningServer;
  b: RunningServer;
}

const it = suite<Context>('scale-out: the guess throttle and the send rate hold across two instances');

it.before(async (context) => {
  context.backends = await startSharedBackends();
  const credentials = await context.backends.credentials(['alice', 'bob', 'carol']);
  const setup = { args: ['--send-rate', String(SEND_RATE)] };
  [context.a, context.b] = await Promise.all([context.backends.server(credentials, setup), context.backends.server(credentials, setup)]);
});
it.after(async ({ backends, a, b }) => {
  await Promise.all([a.stop(), b.stop()]);
  await backends.stop();
});

it('a guesser alternating between the two instances gets no more verified guesses than on one', async ({ a, b }) => {
  // PROTOCOL "Session" 4: on one instance, guesses go through at 0, 0, 0, 0, 1 and 3 s (the
  // delay doubles from the fourth failure), so at most 6 within 4 s; with a throttle per
  // instance, two would let 12 through.
  const until = Date.now() + 4_000;
  let verified = 0;
  let limited = 0;
  for (let attempt = 0; Date.now() < until; attempt++) {
    const client = await ProtocolClient.connect(attempt % 2 === 0 ? a.port : b.port);
    try {
      await client.next('hello');
      client.send({ op: 'auth', name: 'alice', password: `wrong guess ${attempt}` });
      const answer = await client.next('error');
      if (answer.code === 'auth_failed') verified++;
      else {
        assert.is(answer.code, 'rate_limited');
        limited++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(Number(answer.retry_after_ms ?? 100), Math.max(0, until - Date.now()))));
      }
    } finally {
      client.close();
    }
  }
  assert.ok(verified >= 4 && verified <= 6, `verified guesses over both instances: ${verified} (rate limited: ${limited})`);
  assert.ok(limited > 0, 'the guesser was held back');
});

it('a sender flooding through both instances is held to --send-rate in total', async ({ a, b }) => {
  // One session at a time per operator: bob floods on A, logs in on B (taking the session over)
  // and floods on, and back. Buckets per instance would give him a full burst on each login.
  const started = Date.now();
  let accepted = 0;
  for (let round = 0; round < 4; round++) {
    const client = await ProtocolClient.login(round % 2 === 0 ? a.port : b.port, 'bob');
    try {
      for (let i = 0; i < 3 * SEND_RATE; i++) client.send({ op: 'send', to: 'carol', body: `flood ${round}.${i}`, ref: String(i) });
      for (let i = 0; i < 3 * SEND_RATE; i++) {
        const answer = await client.next();
        if (answer.op === 'sent') accepted++;
        else assert.equal([answer.op, answer.code], ['error', 'rate_limited'], JSON.stringify(answer));
      }
    } finally {
      client.close();
    }
  }
  const seconds = (Date.now() - started) / 1000;
  // The burst (twice the rate) plus what the bucket refilled meanwhile.
  const allowed = 2 * SEND_RATE + Math.ceil(seconds * SEND_RATE);
  assert.ok(accepted >= 2 * SEND_RATE && accepted <= allowed, `accepted ${accepted} sends in ${seconds.toFixed(2)} s; allowed ${allowed}`);
});

runUnlessMissing(it, backendsMissing());

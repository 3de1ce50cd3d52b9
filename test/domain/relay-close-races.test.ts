import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MessageBuffer } from '../../src/ports/message-buffer.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';
import { PASSWORD } from '../support/seed-operators.ts';

const settled = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Bob's login stopped at its take from the buffer (a Redis take in flight), with a message
 * waiting for him; `release` lets the take answer. Counts every take after that.
 */
async function loginHeldAtTake(mode: PortMode) {
  const h = inProcessRelay({ mode });
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  await h.frame(alice, { op: 'send', to: 'bob', body: 'hello bob' });
  const take: MessageBuffer['take'] = h.buffer.take.bind(h.buffer);
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let takes = 0;
  h.buffer.take = (...args) => (++takes === 1 ? gate.then(() => take(...args)) : take(...args));
  const connection = h.open();
  const login = h.relay.onFrame(connection, JSON.stringify({ op: 'auth', name: 'bob', password: PASSWORD }));
  while (takes === 0) await settled();
  return { h, connection, release, login, takes: () => takes };
}

function closeRaceSuite(mode: PortMode): void {
  const test = suite(`a session ended while its login takes from the buffer, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  // Issue 24 "A closed session can come back to life".
  test('closed meanwhile: no welcome, no push, and it never becomes ready', async () => {
    const held = await loginHeldAtTake(mode);
    const session = held.h.sessions.get(held.connection)!;
    const framesBefore = held.h.gateway.sentTo(held.connection).length;
    await held.h.relay.onClose(held.connection);
    held.release();
    await held.login;
    await settled();
    assert.equal(held.h.gateway.sentTo(held.connection).slice(framesBefore), []);
    assert.is(session.ready, false);
    assert.is(held.takes(), 1, 'no push took from the buffer for it');
  });

  test('replaced meanwhile (a takeover racing the take): the older one stays closed and pushes nothing', async () => {
    const held = await loginHeldAtTake(mode);
    const newer = await held.h.login('bob');
    assert.equal(held.h.gateway.sentTo(held.connection).at(-1), { op: 'bye', reason: 'replaced' });
    held.release();
    await held.login;
    const takes = held.takes();
    await held.h.relay.onDrain(held.connection);
    await settled();
    assert.is(held.h.sessions.get(held.connection)?.ready, false);
    assert.is(held.takes(), takes, 'a drain of the older one takes nothing');
    assert.equal(held.h.gateway.sentTo(newer).filter((frame) => frame.op === 'msg').map((frame) => frame.body), ['hello bob']);
  });

  test.run();
}

for (const mode of PORT_MODES) closeRaceSuite(mode);

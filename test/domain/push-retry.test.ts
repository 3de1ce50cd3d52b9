import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { PUSH_RETRY_MS } from '../../src/domain/router.ts';
import { PORT_MODES, inProcessRelay } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Bob stays connected and quiet; the write of alice's message to him fails once. */
async function firstPushFails(mode: PortMode) {
  const h = inProcessRelay({ mode });
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const send = h.gateway.send.bind(h.gateway);
  let failures = 1;
  h.gateway.send = (connection: string, frame: OutboundFrame) => {
    if (connection === bob && frame.op === 'msg' && failures-- > 0) throw new Error('write failed');
    send(connection, frame);
  };
  await h.frame(alice, { op: 'send', to: 'bob', body: 'stranded?' });
  const bodies = () => h.gateway.sentTo(bob).filter((frame) => frame.op === 'msg').map((frame) => frame.body);
  assert.equal(bodies(), [], 'the first push failed');
  return { h, bob, bodies };
}

function pushRetrySuite(mode: PortMode): void {
  const test = suite(`a push that failed is tried again, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  // Issue 24 "Stranded messages": before, it waited for bob's next message, drain or login.
  test('on a timer: a recipient who stays connected and quiet gets it within a retry period', async () => {
    const { h, bodies } = await firstPushFails(mode);
    h.clock.advance(PUSH_RETRY_MS);
    await settled();
    assert.equal(bodies(), ['stranded?']);
    assert.is(h.clock.scheduled, 0, 'the retry timer ends with the failures');
  });

  test('on ping: the recipient\'s own ping brings it at once', async () => {
    const { h, bob, bodies } = await firstPushFails(mode);
    const answer = await h.frame(bob, { op: 'ping', ref: 'p' });
    assert.equal(answer[0], { op: 'pong', ref: 'p' });
    assert.equal(bodies(), ['stranded?']);
  });

  test.run();
}

for (const mode of PORT_MODES) pushRetrySuite(mode);

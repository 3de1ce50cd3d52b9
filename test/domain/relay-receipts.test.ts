import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { msgs, outline } from '../support/frame-assertions.ts';
import { PORT_MODES, relayWithAlice } from '../support/in-process-relay.ts';
import type { PortMode } from '../support/in-process-relay.ts';

/** PROTOCOL "Messages", acknowledgement and receipt; docs/protocol.md "Unreadable copies". */
function receiptsSuite(mode: PortMode): void {
  const test = suite(`relay receipts, ports answering ${mode === 'sync' ? 'at once' : 'later'}`);

  const pair = () => relayWithAlice(mode);

  test('an acknowledged message is gone, and its sender gets a receipt', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'ack me' });
    const [msg] = msgs(h.gateway.sentTo(bob));
    assert.equal(await h.frame(bob, { op: 'ack', id: msg!.id }), [], 'an ack gets no reply');
    assert.equal(h.last(alice), { op: 'receipt', id: msg!.id, to: 'bob' });
    await h.relay.onClose(bob);
    const again = await h.login('bob');
    assert.equal(h.gateway.sentTo(again)[1], { op: 'welcome', name: 'bob', pending: 0 });
  });

  test('an ack flagged unreadable: the copy is gone all the same, and its receipt says it was not opened', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    for (const body of ['one', 'two']) await h.frame(alice, { op: 'send', to: 'bob', body });
    const [one, two] = msgs(h.gateway.sentTo(bob));
    assert.equal(await h.frame(bob, { op: 'ack', ids: [one!.id], unreadable: true }), []);
    assert.equal(h.last(alice), { op: 'receipt', id: one!.id, to: 'bob', unreadable: true });
    // `false` is accepted as the field's absence; anything else is refused before anything is acknowledged.
    assert.equal(outline(await h.frame(bob, { op: 'ack', ids: [two!.id], unreadable: 'epoch' })), ['invalid']);
    assert.equal(await h.frame(bob, { op: 'ack', ids: [two!.id], unreadable: false }), []);
    assert.equal(h.last(alice), { op: 'receipt', id: two!.id, to: 'bob' });
    await h.relay.onClose(bob);
    assert.equal(h.gateway.sentTo(await h.login('bob'))[1], { op: 'welcome', name: 'bob', pending: 0 });
  });

  test('receipts are not queued for a sender who is gone; unknown ids are ignored', async () => {
    const { h, alice } = await pair();
    await h.frame(alice, { op: 'send', to: 'bob', body: 'x' });
    await h.relay.onClose(alice);
    const bob = await h.login('bob');
    const [msg] = msgs(h.gateway.sentTo(bob));
    assert.equal(await h.frame(bob, { op: 'ack', ids: [msg!.id, 'm-unknown'] }), []);
    const back = await h.login('alice');
    assert.equal(h.gateway.sentTo(back).map((f) => f.op), ['hello', 'welcome']);
  });

  test('nothing comes between a welcome and its pending messages: no receipt to a sender still logging in', async () => {
    const { h, alice } = await pair();
    const bob = await h.login('bob');
    await h.frame(alice, { op: 'send', to: 'bob', body: 'one' });
    await h.frame(bob, { op: 'send', to: 'alice', body: 'waiting for alice' });
    const [msg] = msgs(h.gateway.sentTo(bob));
    const take = h.buffer.take.bind(h.buffer);
    let acked = false;
    // Bob acknowledges just while alice's new connection is between claiming presence and its welcome.
    h.buffer.take = async (to, after, max, now) => {
      if (to === 'alice' && !acked) {
        acked = true;
        await h.frame(bob, { op: 'ack', id: msg!.id });
      }
      return take(to, after, max, now);
    };
    const again = await h.login('alice');
    const frames = h.gateway.sentTo(again);
    assert.equal(frames.slice(1, 3).map((f) => f.op), ['welcome', 'msg']);
    assert.equal(frames.filter((f) => f.op === 'receipt'), []);
  });

  test.run();
}

for (const mode of PORT_MODES) receiptsSuite(mode);

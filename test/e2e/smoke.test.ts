import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { startServer } from '../support/server-process.ts';

test('two operators exchange a message through the real server', async () => {
  const server = await startServer({ operators: ['alice', 'bob'] });
  try {
    const alice = await ProtocolClient.login(server.port, 'alice');
    const bob = await ProtocolClient.login(server.port, 'bob');
    alice.send({ op: 'send', to: 'bob', body: 'hello bob', ref: 'r1' });
    const sent = await alice.next('sent');
    assert.equal(sent.status, 'delivered');
    const msg = await bob.next('msg');
    assert.equal([msg.from, msg.body, msg.id], ['alice', 'hello bob', sent.id]);
    bob.send({ op: 'ack', id: msg.id });
    assert.equal((await alice.next('receipt')).to, 'bob');
    alice.close();
    bob.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test.run();

import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeIdentity } from '../support/device-keys.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';

// docs/protocol.md "Sending to a name with devices", over TCP with the built server.
let server: RunningServer;

test.before(async () => {
  server = await startServer({ operators: ['alice', 'bob'] });
});

test.after(async () => {
  assert.is(await server.stop(), 0);
});

/** What a plain client (nc) does: types lines, reads lines; every line it got once `until` matches one. */
function rawSession(port: number, typed: string, until: RegExp): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(typed));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (until.test(text)) {
        socket.destroy();
        resolve(text.split('\n').filter((line) => line !== ''));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => reject(new Error(`no ${until} within 5 s; got ${text}`)));
  });
}

test('plain text from a raw socket to alice reaches her device session, and the sender learns each copy', async () => {
  const identity = makeIdentity();
  const phone = identity.device('alice', 'phone1');
  const alice = await ProtocolClient.login(server.port, 'alice');
  alice.send({ op: 'publish_key', ...identity.published });
  await alice.next('key_published');
  alice.send({ op: 'publish_device', ...phone.record });
  await alice.next('device_published');
  alice.send({ op: 'quit' });

  const device = await ProtocolClient.connect(server.port);
  const hello = await device.next('hello');
  device.send({ op: 'auth_key', name: 'alice', device: 'phone1', signature: phone.login(String(hello.challenge), String(hello.server_id)) });
  assert.equal(await device.next(), { op: 'welcome', name: 'alice', pending: 0, device: 'phone1' });

  const typed = `{"op":"auth","name":"bob","password":"${PASSWORD}"}\n{"op":"send","to":"alice","body":"hello from nc"}\n`;
  const lines = await rawSession(server.port, typed, /"op":"sent".*\n/);
  const sent = JSON.parse(lines.at(-1)!) as { op: string; copies: { to: string; id?: string }[] };
  const msg = await device.next('msg');
  assert.equal({ ...msg, ts: 0 }, { op: 'msg', id: sent.copies[1]?.id, from: 'bob', body: 'hello from nc', ts: 0 });
  assert.equal(sent.copies.map((copy) => copy.to), ['alice', 'alice/phone1']);
  device.send({ op: 'quit' });
});

test.run();

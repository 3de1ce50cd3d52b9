import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { startServer } from '../support/server-process.ts';

test('a peer that floods empty lines behind a slow auth and vanishes does not stall anyone else', async () => {
  const server = await startServer({ operators: ['alice'] });
  try {
    const flooder = connect({ port: server.port, host: '127.0.0.1' });
    await new Promise((resolve) => flooder.once('connect', resolve));
    // An unknown name costs a full scrypt hash: the flood queues up behind it.
    flooder.write('{"op":"auth","name":"nobody","password":"whatever it is"}\n');
    flooder.write(Buffer.alloc(1024 * 1024, '\n'));
    await new Promise<void>((resolve) => flooder.end(resolve));
    const started = Date.now();
    const alice = await ProtocolClient.login(server.port, 'alice');
    assert.ok(Date.now() - started < 3_000, `alice waited ${Date.now() - started} ms`);
    alice.close();
  } finally {
    const started = Date.now();
    assert.is(await server.stop(), 0);
    assert.ok(Date.now() - started < 5_000, 'SIGTERM still answered within 5 s');
  }
});

test.run();

import { EventEmitter } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { instanceChannel } from '../../src/adapters/redis/instance-command.ts';
import { InstanceIdentity } from '../../src/adapters/redis/instance-identity.ts';
import { RedisInstanceListener } from '../../src/adapters/redis/redis-instance-listener.ts';
import { TcpConnection } from '../../src/adapters/tcp/tcp-connection.ts';
import { TcpConnectionGateway } from '../../src/adapters/tcp/tcp-connection-gateway.ts';
import { TcpConnectionRegistry } from '../../src/adapters/tcp/tcp-connection-registry.ts';
import type { Relay } from '../../src/domain/relay.ts';
import { inProcessRelay } from '../support/in-process-relay.ts';
import { ProtocolClient } from '../support/protocol-client.ts';

// Issue 24 "Stranded messages": one rejection that slipped past the relay at a boundary ended the
// process, and every buffered message with it. Here each boundary gets one, and the server goes on.
const SECRET = 'TOPSECRET-boundary-5e1c';

/** The relay, except that every call about `faulty` connections rejects, as a bug slipping past it would. */
function slipping(relay: Relay, faulty: Set<string>): Relay {
  return new Proxy(relay, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      if (key !== 'onFrame' && key !== 'onDrain' && key !== 'onClose' && key !== 'onWake') return value.bind(target);
      return (connection: string, ...rest: unknown[]) => faulty.has(connection)
        ? Promise.reject(new TypeError(`slipped for ${SECRET}`))
        : value.call(target, connection, ...rest);
    },
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 3_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const failures = (h: ReturnType<typeof inProcessRelay>) => h.logger.entries.filter((entry) => entry.event === 'handler_failed');

test('transport: a frame, a drain and a close that reject are logged where; the connection is released and alice and bob go on', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob', 'mallory');
  const registry = new TcpConnectionRegistry();
  const tcp = new TcpConnectionGateway(registry);
  Object.assign(h.gateway, { send: tcp.send.bind(tcp), close: tcp.close.bind(tcp), canTakeMore: tcp.canTakeMore.bind(tcp) });
  const faulty = new Set<string>();
  const relay = slipping(h.relay, faulty);
  const sockets = new Map<string, Socket>();
  let next = 0;
  const server = createServer((socket) => {
    const id = `c-${++next}`;
    sockets.set(id, socket);
    registry.add(new TcpConnection(id, socket, relay, { host: '127.0.0.1', port: 0, maxFrameBytes: 65_536, authTimeoutMs: 10_000, idleTimeoutMs: 300_000, highWaterChars: 262_144 }, registry, h.logger));
    relay.onOpen(id);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const alice = await ProtocolClient.login(port, 'alice');
    const bob = await ProtocolClient.login(port, 'bob');
    const mallory = await ProtocolClient.connect(port);
    await mallory.next('hello');
    faulty.add('c-3');
    mallory.send({ op: 'auth', name: 'mallory', password: SECRET });
    mallory.send({ op: 'ping' });
    await until(() => failures(h).length === 2);
    sockets.get('c-3')!.emit('drain');
    mallory.socket.destroy();
    await until(() => failures(h).length === 4 && registry.size === 2);

    alice.send({ op: 'send', to: 'bob', body: 'still here', ref: 'r1' });
    assert.is((await bob.next('msg')).body, 'still here');
    assert.is((await alice.next('sent')).status, 'delivered');
    assert.equal(failures(h).map((entry) => [entry.fields.conn, entry.fields.op, entry.fields.error]), [
      ['c-3', 'frame', 'TypeError'], ['c-3', 'frame', 'TypeError'], ['c-3', 'drain', 'TypeError'], ['c-3', 'close', 'TypeError'],
    ]);
    assert.not.match(JSON.stringify(h.logger.entries), SECRET);
    alice.socket.destroy();
    bob.socket.destroy();
  } finally {
    server.close();
  }
});

test('Redis: a wake and a command that fail are logged where; alice and bob go on being served', async () => {
  const h = inProcessRelay();
  await h.addOperators('alice', 'bob');
  const alice = await h.login('alice');
  const bob = await h.login('bob');
  const identity = new InstanceIdentity();
  const [broken, woken] = [identity.stamp('c-broken'), identity.stamp('c-woken')];
  const relay = slipping(h.relay, new Set([woken]));
  const send = h.gateway.send.bind(h.gateway);
  h.gateway.send = (connection, frame) => {
    if (connection === broken) throw new TypeError(`write failed for ${SECRET}`);
    send(connection, frame);
  };
  const subscriber = Object.assign(new EventEmitter(), { subscribe: async () => 1 });
  await new RedisInstanceListener(subscriber as unknown as Redis, 'p:', identity, h.gateway, (connection, seq) => relay.onWake(connection, seq), h.logger).start();
  subscriber.emit('message', instanceChannel('p:', identity.instance), JSON.stringify([
    { do: 'wake', connection: woken, seq: 1 },
    { do: 'send', connection: broken, frame: { op: 'msg', id: 'm-1', from: 'mallory', body: SECRET, ts: 1 } },
  ]));
  await until(() => failures(h).length === 2);

  const sent = await h.frame(alice, { op: 'send', to: 'bob', body: 'still here', ref: 'r1' });
  assert.is(sent.find((frame) => frame.op === 'sent')?.status, 'delivered');
  assert.is(h.gateway.sentTo(bob).find((frame) => frame.op === 'msg')?.body, 'still here');
  assert.equal(failures(h).map((entry) => [entry.fields.conn, entry.fields.op, entry.fields.error]).sort(), [
    [broken, 'send', 'TypeError'], [woken, 'wake', 'TypeError'],
  ]);
  assert.not.match(JSON.stringify(h.logger.entries), SECRET);
});

test.run();

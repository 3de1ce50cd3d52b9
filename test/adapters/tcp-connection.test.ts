import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpConnection } from '../../src/adapters/tcp/tcp-connection.ts';
import { TcpConnectionRegistry } from '../../src/adapters/tcp/tcp-connection-registry.ts';
import type { Relay } from '../../src/domain/relay.ts';
import { RecordingLogger } from '../support/fakes.ts';

const OPTIONS = { host: '127.0.0.1', port: 0, maxFrameBytes: 65_536, authTimeoutMs: 10_000, idleTimeoutMs: 300_000, highWaterChars: 262_144 };

/** A relay whose frames get `answer` (by default a port that never answers: a hung store), recording what it is told. */
function hungRelay(answer: () => Promise<void> = () => new Promise<void>(() => undefined)) {
  const events: string[] = [];
  const relay = {
    onFrame(_connection: string, line: string | null) {
      events.push(`frame ${line}`);
      return answer();
    },
    async onClose(connection: string) {
      events.push(`close ${connection}`);
    },
    onDrain: async () => undefined,
    onOversizedFrame: () => undefined,
    onAuthDeadline: () => undefined,
  };
  return { events, relay: relay as unknown as Relay };
}

/** A server whose connections are TcpConnections on `relay`, and a client connected to it. */
async function serve(relay: Relay) {
  const registry = new TcpConnectionRegistry();
  const logger = new RecordingLogger();
  const server: Server = createServer((socket: Socket) => registry.add(new TcpConnection('c-1', socket, relay, OPTIONS, registry, logger)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  return { registry, logger, client, close: () => server.close() };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Issue 24 "Wedged connections": the close used to wait in the queue behind the frame that hung.
test('a socket closed while a frame waits is released at once, and the frames behind it are dropped', async () => {
  const { events, relay } = hungRelay();
  const { registry, client, close } = await serve(relay);
  try {
    client.write('{"op":"auth"}\n{"op":"send"}\n');
    await until(() => events.length > 0);
    client.destroy();
    await until(() => registry.size === 0);
    assert.equal(events, ['frame {"op":"auth"}', 'close c-1']);
  } finally {
    close();
  }
});

// Issue 24: a rejection that slipped out of the relay ended the process and every queue with it.
test('a frame whose handling rejects is logged where, and the connection goes on with the next', async () => {
  const { events, relay } = hungRelay(() => Promise.reject(new TypeError('a bug')));
  const { logger, client, close } = await serve(relay);
  try {
    client.write('{"op":"ping"}\n{"op":"who"}\n');
    await until(() => events.length === 2);
    assert.equal(events, ['frame {"op":"ping"}', 'frame {"op":"who"}']);
    await until(() => logger.entries.length === 2);
    assert.equal(logger.entries.map((entry) => [entry.event, entry.fields.op, entry.fields.error]), [['handler_failed', 'frame', 'TypeError'], ['handler_failed', 'frame', 'TypeError']]);
    client.destroy();
  } finally {
    close();
  }
});

test.run();

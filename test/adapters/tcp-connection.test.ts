import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpConnection } from '../../src/adapters/tcp/tcp-connection.ts';
import { TcpConnectionRegistry } from '../../src/adapters/tcp/tcp-connection-registry.ts';
import type { Relay } from '../../src/domain/relay.ts';

const OPTIONS = { host: '127.0.0.1', port: 0, maxFrameBytes: 65_536, authTimeoutMs: 10_000, idleTimeoutMs: 300_000, highWaterChars: 262_144 };

/** A relay whose first frame waits for a port that never answers (a hung store), recording what it is told. */
function hungRelay() {
  const events: string[] = [];
  const relay = {
    onFrame(_connection: string, line: string | null) {
      events.push(`frame ${line}`);
      return new Promise<void>(() => undefined);
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

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 2_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Issue 24 "Wedged connections": the close used to wait in the queue behind the frame that hung.
test('a socket closed while a frame waits is released at once, and the frames behind it are dropped', async () => {
  const { events, relay } = hungRelay();
  const registry = new TcpConnectionRegistry();
  const server: Server = createServer((socket: Socket) => registry.add(new TcpConnection('c-1', socket, relay, OPTIONS, registry)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    client.write('{"op":"auth"}\n{"op":"send"}\n');
    await until(() => events.length > 0);
    client.destroy();
    await until(() => registry.size === 0);
    assert.equal(events, ['frame {"op":"auth"}', 'close c-1']);
  } finally {
    server.close();
  }
});

test.run();

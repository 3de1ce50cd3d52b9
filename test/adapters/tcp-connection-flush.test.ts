import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpConnection } from '../../src/adapters/tcp/tcp-connection.ts';
import { TcpConnectionRegistry } from '../../src/adapters/tcp/tcp-connection-registry.ts';
import type { TransportOptions } from '../../src/adapters/tcp/transport-options.ts';
import type { Relay } from '../../src/domain/relay.ts';
import { RecordingLogger } from '../support/fakes.ts';

const OPTIONS: TransportOptions = { host: '127.0.0.1', port: 0, maxFrameBytes: 65_536, authTimeoutMs: 10_000, idleTimeoutMs: 60_000, highWaterChars: 262_144 };

/** The part of a socket a TcpConnection uses, recording its writes. */
class FakeSocket extends EventEmitter {
  readonly writes: string[] = [];
  writableLength = 0;
  destroyed = false;
  setNoDelay(): void {}
  pause(): void {}
  resume(): void {}
  end(): void {}
  destroy(): void {
    this.destroyed = true;
  }
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
}

/** Two connections; each frame read on `a` answers on `a` and forwards to `b`, as a send does. */
function pair() {
  const registry = new TcpConnectionRegistry();
  const sockets = { a: new FakeSocket(), b: new FakeSocket() };
  const relay = {
    onFrame(connection: string, line: string): void {
      registry.get(connection)!.send(`{"answer":${JSON.stringify(line)}}`);
      registry.get('b')!.send(`{"forwarded":${JSON.stringify(line)}}`);
    },
    onDrain: async () => undefined,
    onClose: async () => undefined,
  } as unknown as Relay;
  for (const id of ['a', 'b'] as const) registry.add(new TcpConnection(id, sockets[id] as unknown as Socket, relay, OPTIONS, registry, new RecordingLogger()));
  return { registry, sockets };
}

test('what a received chunk causes is written before its data event returns, one write per connection', () => {
  const { sockets } = pair();
  sockets.a.emit('data', Buffer.from('one\ntwo\n'));
  // Written while the chunk's frames are still in the cache, not a turn later with every other
  // connection's (issue 21: 5 % of the CPU per message, bench pairs --pin).
  assert.equal(sockets.a.writes, ['{"answer":"one"}\n{"answer":"two"}\n']);
  assert.equal(sockets.b.writes, ['{"forwarded":"one"}\n{"forwarded":"two"}\n']);
  sockets.a.emit('data', Buffer.from('three\n'));
  assert.equal(sockets.b.writes.length, 2);
});

test('frames sent outside a data event (a timer, a port answering later) leave together after a tick', async () => {
  const { registry, sockets } = pair();
  registry.get('b')!.send('{"op":"late"}');
  registry.get('b')!.send('{"op":"later"}');
  assert.equal(sockets.b.writes, []);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sockets.b.writes, ['{"op":"late"}\n{"op":"later"}\n']);
});

test('what the continuations of a received chunk send leaves before the turn goes on to other sockets, one write per connection', async () => {
  const registry = new TcpConnectionRegistry();
  const socket = new FakeSocket();
  const relay = {
    // As a key login answers: after the ports' promises, in two continuations of the data event.
    onFrame(connection: string): void {
      void Promise.resolve()
        .then(() => registry.get(connection)!.send('{"op":"welcome"}'))
        .then(() => registry.get(connection)!.send('{"op":"msg"}'));
    },
    onDrain: async () => undefined,
    onClose: async () => undefined,
  } as unknown as Relay;
  registry.add(new TcpConnection('a', socket as unknown as Socket, relay, OPTIONS, registry, new RecordingLogger()));
  // Stands for the next socket's callback in the same turn of the event loop.
  const writtenBeforeNextCallback = new Promise<string[]>((resolve) => setImmediate(() => resolve([...socket.writes])));
  socket.emit('data', Buffer.from('{"op":"auth_key"}\n'));
  // docs/performance.md: a welcome that waited for every other socket of the turn held back the
  // bench's clients (issue 21).
  assert.equal(await writtenBeforeNextCallback, ['{"op":"welcome"}\n{"op":"msg"}\n']);
});

test('a backlog drained round after round lets the turn\'s other sockets in between the rounds', async () => {
  const registry = new TcpConnectionRegistry();
  const socket = new FakeSocket();
  const events: string[] = [];
  socket.write = (text: string) => {
    events.push(`write ${text.trim()}`);
    return true;
  };
  const ROUNDS = 3;
  let rounds = 1;
  let drainedAll: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    drainedAll = resolve;
  });
  // Each round fills the connection past its high-water mark; the kernel takes it whole, so the
  // relay is told at once that it may push the next round, as an offline backlog is handed over.
  const relay = {
    onFrame: () => undefined,
    onDrain(): Promise<void> {
      if (rounds < ROUNDS) registry.get('a')!.send(`"round ${++rounds}"`.padEnd(100));
      else drainedAll();
      return Promise.resolve();
    },
    onClose: async () => undefined,
  } as unknown as Relay;
  registry.add(new TcpConnection('a', socket as unknown as Socket, relay, { ...OPTIONS, highWaterChars: 64 }, registry, new RecordingLogger()));
  registry.get('a')!.send('"round 1"'.padEnd(100));
  // Stands for another socket whose callbacks come every turn.
  let otherSocket = true;
  const everyTurn = () => {
    events.push('other socket');
    if (otherSocket) setImmediate(everyTurn);
  };
  setImmediate(everyTurn);
  await done;
  otherSocket = false;
  const writes = events.filter((event) => event.startsWith('write'));
  assert.equal(writes, ['write "round 1"', 'write "round 2"', 'write "round 3"']);
  // Between two rounds, the other socket had its turn.
  const between = (i: number) => events.slice(events.indexOf(writes[i]!), events.indexOf(writes[i + 1]!));
  assert.ok(between(0).includes('other socket') && between(1).includes('other socket'), events.join(', '));
});

test.run();

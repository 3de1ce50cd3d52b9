import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runClient } from '../../src/client/client.ts';

/** A scripted relay: what the client sent, per connection, and a way to answer. */
class ScriptedRelay {
  readonly received: Record<string, unknown>[][] = [];
  private readonly server: Server;
  private readonly waiting: ((socket: Socket) => void)[] = [];

  constructor() {
    this.server = createServer((socket) => {
      const frames: Record<string, unknown>[] = [];
      this.received.push(frames);
      createInterface({ input: socket }).on('line', (line) => frames.push(JSON.parse(line) as Record<string, unknown>));
      socket.on('error', () => undefined);
      this.waiting.shift()?.(socket);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  nextConnection(): Promise<Socket> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function send(socket: Socket, frame: Record<string, unknown>): void {
  socket.write(`${JSON.stringify(frame)}\n`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('shows a redelivered message once, acknowledges every delivery, and reconnects', async () => {
  const relay = new ScriptedRelay();
  const port = await relay.listen();
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => { screen += chunk.toString(); });
  const first = relay.nextConnection();
  const status = runClient({ name: 'bob', server: { host: '127.0.0.1', port }, password: 'secret password', input, output });

  const one = await first;
  send(one, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[0]?.some((f) => f.op === 'auth') ?? false, 'auth');
  assert.equal(relay.received[0]?.[0], { op: 'auth', name: 'bob', password: 'secret password' });
  send(one, { op: 'welcome', name: 'bob', pending: 2 });
  send(one, { op: 'msg', id: 'm-1', from: 'alice', body: 'first', ts: Date.UTC(2026, 0, 1, 12, 0, 0) });
  send(one, { op: 'msg', id: 'm-2', from: 'alice', body: 'second\u001b[2J', ts: Date.UTC(2026, 0, 1, 12, 0, 1) });
  await until(() => relay.received[0]?.filter((f) => f.op === 'ack').length === 2, 'two acks');
  assert.match(screen, '2 messages waiting');
  assert.match(screen, 'alice: second^[[2J', 'an escape sequence from a sender is shown, not obeyed');

  const second = relay.nextConnection();
  one.destroy();
  const two = await second;
  send(two, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[1]?.some((f) => f.op === 'auth') ?? false, 'auth again');
  send(two, { op: 'welcome', name: 'bob', pending: 2 });
  send(two, { op: 'msg', id: 'm-2', from: 'alice', body: 'second\u001b[2J', ts: Date.UTC(2026, 0, 1, 12, 0, 1), redelivered: true });
  send(two, { op: 'msg', id: 'm-3', from: 'alice', body: 'third', ts: Date.UTC(2026, 0, 1, 12, 0, 2) });
  await until(() => relay.received[1]?.filter((f) => f.op === 'ack').length === 2, 'acks after reconnecting');
  assert.equal(relay.received[1]?.filter((f) => f.op === 'ack'), [{ op: 'ack', id: 'm-2' }, { op: 'ack', id: 'm-3' }]);

  input.end('@alice thanks\n');
  await until(() => relay.received[1]?.some((f) => f.op === 'quit') ?? false, 'quit');
  assert.equal(relay.received[1]?.find((f) => f.op === 'send'), { op: 'send', to: 'alice', body: 'thanks', ref: 'c-1' });
  send(two, { op: 'sent', ref: 'c-1', id: 'm-4', status: 'queued' });
  send(two, { op: 'bye', reason: 'quit' });
  two.end();
  assert.is(await status, 0);

  assert.is(screen.match(/alice: first/g)?.length, 1);
  assert.is(screen.match(/alice: second/g)?.length, 1, 'the redelivered message is shown once');
  assert.is(screen.match(/alice: third/g)?.length, 1);
  assert.match(screen, /connection lost \(.*\); reconnecting in/);
  assert.match(screen, 'reconnected to 127.0.0.1');
  assert.match(screen, '#1 to alice: queued');
  assert.not.match(screen, 'secret password');
  await relay.close();
});

test('takes the password from the first input line when it is not a terminal', async () => {
  const relay = new ScriptedRelay();
  const port = await relay.listen();
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const connection = relay.nextConnection();
  const status = runClient({ name: 'bob', server: { host: '127.0.0.1', port }, input, output });
  input.write('piped password\n/who\n');
  const socket = await connection;
  send(socket, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[0]?.some((f) => f.op === 'auth') ?? false, 'auth');
  assert.is(relay.received[0]?.[0]?.password, 'piped password');
  send(socket, { op: 'welcome', name: 'bob', pending: 0 });
  // /who typed before the session was ready goes out once it is.
  await until(() => relay.received[0]?.some((f) => f.op === 'who') ?? false, 'who');
  input.end();
  socket.destroy();
  assert.is(await status, 0);
  await relay.close();
});

test.run();

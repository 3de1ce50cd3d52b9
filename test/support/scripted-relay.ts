import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { type ClientOptions, runClient } from '../../src/client/client.ts';
import { tempDir } from './temp-dir.ts';

const KEY_STORES = tempDir();
let stores = 0;
/** A fresh key store for each client. */
export const keysDir = (): string => join(KEY_STORES.path, String(++stores));

/**
 * A scripted relay: what the client sent, per connection, and a way to answer. Operators have
 * the keys given (`fetch_key` is answered with them), and no other has any.
 */
export class ScriptedRelay {
  readonly received: Record<string, unknown>[][] = [];
  private readonly server: Server;
  private readonly waiting: ((socket: Socket) => void)[] = [];

  constructor(keys: Readonly<Record<string, { agreement: string; signing: string }>> = {}) {
    this.server = createServer((socket) => {
      const frames: Record<string, unknown>[] = [];
      this.received.push(frames);
      createInterface({ input: socket }).on('line', (line) => {
        const frame = JSON.parse(line) as Record<string, unknown>;
        frames.push(frame);
        if (frame.op === 'ping') send(socket, { op: 'pong' });
        if (frame.op !== 'fetch_key') return;
        const key = keys[String(frame.name)];
        // An operator without a key uses a plain client: their text in clear is theirs to send.
        send(socket, key === undefined ? { op: 'error', code: 'no_key', message: 'no key', ref: frame.ref } : { op: 'key', name: frame.name, ...key, ref: frame.ref });
      });
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

/** Runs the terminal client on a fake terminal, with a fresh key store: what it shows collects in `screen()`. */
export function startClient(options: Omit<ClientOptions, 'keys' | 'input' | 'output'>) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => { screen += chunk.toString(); });
  const status = runClient({ ...options, keys: { dir: keysDir() }, input, output });
  return { input, status, screen: () => screen };
}

export function send(socket: Socket, frame: Record<string, unknown>): void {
  socket.write(`${JSON.stringify(frame)}\n`);
}

export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Removes every key store the clients started here made. */
export function removeKeyStores(): void {
  KEY_STORES.remove();
}

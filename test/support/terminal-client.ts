import { PassThrough } from 'node:stream';
import { type ClientOptions, runClient } from '../../src/client/client.ts';
import type { KeyStoreLocation } from '../../src/client/e2e/key-store-location.ts';

/** A terminal client in this process, its keyboard and screen as streams. */
export function terminalClient(name: string, port: number, keys: string | KeyStoreLocation, password: string | undefined, host = '127.0.0.1', more: Partial<ClientOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => { screen += chunk.toString(); });
  const status = runClient({ name, server: { host, port }, keys: typeof keys === 'string' ? { dir: keys } : keys, ...more, ...(password === undefined ? {} : { password }), input, output });
  return {
    status,
    type: (line: string) => input.write(`${line}\n`),
    quit: () => input.end(),
    screen: () => screen,
    waitFor: (text: string) => until(() => screen.includes(text), `${name}'s screen to show ${JSON.stringify(text)}:\n${screen}`),
  };
}

/** A terminal client logged in by password with its store in `dir`, once its conversations are up. */
export async function readyTerminalClient(name: string, port: number, dir: string, password: string): Promise<ReturnType<typeof terminalClient>> {
  const client = terminalClient(name, port, dir, password);
  await client.waitFor('conversations ready on device');
  return client;
}

export async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LITSXG } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

test('SIGTERM while the server is still starting (Redis not answering yet): exit 0 within 5 s, not killed by the signal', async () => {
  const dir = tempDir();
  // Accepts and never answers: the server's start waits on it.
  const held: Socket[] = [];
  let connected!: () => void;
  const reached = new Promise<void>((resolve) => (connected = resolve));
  const silentRedis = createServer((socket) => {
    held.push(socket);
    connected();
  });
  await new Promise<void>((resolve) => silentRedis.listen(0, '127.0.0.1', resolve));
  const redisPort = (silentRedis.address() as AddressInfo).port;
  try {
    const child = spawn(LITSXG, ['serve', '--port', '0', '--data-dir', dir.path, '--buffer', 'redis', '--redis-url', `redis://127.0.0.1:${redisPort}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    await reached;
    const started = Date.now();
    child.kill('SIGTERM');
    assert.equal(await exited, [0, null]);
    assert.ok(Date.now() - started < 5_000, `exited after ${Date.now() - started} ms`);
    const events = stderr.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
    assert.equal(events, ['shutting_down']);
  } finally {
    for (const socket of held) socket.destroy();
    silentRedis.close();
    dir.remove();
  }
});

test.run();

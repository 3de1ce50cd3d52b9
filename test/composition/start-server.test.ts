import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServeOptions } from '../../src/adapters/cli/serve-options.ts';
import { DataDirectoryError } from '../../src/adapters/system/data-directory.ts';
import { JsonLinesLogger } from '../../src/adapters/system/json-lines-logger.ts';
import { ListenError } from '../../src/adapters/tcp/listen-error.ts';
import { startServer } from '../../src/composition/start-server.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { tempDir } from '../support/temp-dir.ts';

function options(dataDir: string, overrides: Partial<ServeOptions> = {}): ServeOptions {
  return {
    host: '127.0.0.1', port: 0, dataDir, registration: 'closed', credentials: 'sqlite',
    buffer: 'memory', redisUrl: 'redis://127.0.0.1:1', presence: 'memory', onion: false, torControl: undefined,
    torPassword: undefined, onionPort: 7770, onionClientAuth: false, onionDownExitMs: 0, onionPow: 'on', onionPowQueueRate: 250,
    onionPowQueueBurst: 2500, onionMaxStreams: 32, web: false, webPort: 7780, webOrigin: undefined, maxFrameBytes: 65536, maxBodyBytes: 16384, maxHandshakeBytes: 1048576, queueMaxMessages: 1000,
    queueMaxBytes: 4194304, bufferMaxBytes: 268435456, messageTtlMs: 604800_000, authTimeoutMs: 10_000,
    idleTimeoutMs: 300_000, maxConnections: 10000, sendRate: 100, logLevel: 'info', ...overrides,
  };
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: new JsonLinesLogger('info', (line) => void lines.push(JSON.parse(line))) };
}

const LOCK = 'litsxg.lock';
const CREDENTIALS = 'credentials.sqlite';

test('a started server holds its data directory and listens; stopping says bye, then lets the directory go', async () => {
  const dir = tempDir();
  try {
    const { lines, logger } = recordingLogger();
    const server = await startServer(options(dir.path), logger);
    assert.equal(lines.map((line) => line.event), ['listening']);
    assert.is(server.onion, undefined);
    assert.ok(existsSync(join(dir.path, LOCK)), 'locked');
    const second = await startServer(options(dir.path), recordingLogger().logger).catch((error: Error) => error);
    assert.instance(second, DataDirectoryError);
    const client = await ProtocolClient.connect(server.address.port);
    await server.stop();
    assert.equal(await client.next('bye'), { op: 'bye', reason: 'shutdown' });
    assert.not.ok(existsSync(join(dir.path, LOCK)), 'the lock is released');
    const refused = await ProtocolClient.connect(server.address.port).then(() => 'connected', () => 'refused');
    assert.is(refused, 'refused');
  } finally {
    dir.remove();
  }
});

test('a start that cannot listen has opened the credentials, and lets the data directory go', async () => {
  const dir = tempDir();
  try {
    const server = await startServer(options(join(dir.path, 'data')), recordingLogger().logger);
    const other = join(dir.path, 'other');
    const blocked = await startServer(options(other, { port: server.address.port }), recordingLogger().logger).catch((error: Error) => error);
    assert.instance(blocked, ListenError);
    assert.ok(existsSync(join(other, CREDENTIALS)), 'credentials were opened before listening');
    assert.not.ok(existsSync(join(other, LOCK)), 'a failed start releases the lock');
    await server.stop();
  } finally {
    dir.remove();
  }
});

test.run();

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../bench/free-port.ts';
import { tempDir } from './temp-dir.ts';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** A fresh client (the caller quits it). */
  client(): Redis;
  /** Stops the process (its data, held only in memory, is gone); `restart` may follow. */
  halt(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis stops answering but keeps its data. */
  pause(): void;
  resume(): void;
}

/** Whether Debian's `redis-server` is installed; or why not (see reportMissingService). */
export function redisServerMissing(): string | undefined {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return found.error === undefined && found.status === 0 ? undefined : 'redis-server is not installed (apt-get install redis-server)';
}

/** A throwaway redis-server on a free loopback port, persisting nothing, as docs/scaling.md § Starting it says to run it. */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = tempDir('litsxg-redis-');
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', dir.path, '--daemonize', 'no', '--loglevel', 'warning', ...extraArgs,
    ], { stdio: 'ignore' });
    // Never keeps the test process alive, and never outlives it.
    started.unref();
    killOnExit(started);
    child = started;
    await waitForPing(port, started);
  };
  const halt = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGCONT');
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const killer = setTimeout(() => running.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killer);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client: () => new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 }),
    halt,
    async stop() {
      await halt();
      dir.remove();
    },
    async restart() {
      await halt();
      await launch();
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}

const alive = new Set<ChildProcess>();
let exitHook = false;

function killOnExit(child: ChildProcess): void {
  if (!exitHook) process.once('exit', () => alive.forEach((c) => c.kill('SIGKILL')));
  exitHook = true;
  alive.add(child);
  child.once('exit', () => alive.delete(child));
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch (error) {
      // Started with --requirepass: it is up, and says so by asking for the password.
      if ((error as Error).message.startsWith('NOAUTH')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error('redis-server did not answer within 10 s');
}

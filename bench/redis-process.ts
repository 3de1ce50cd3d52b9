import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { pinnedCommand } from './cpu-pinning.ts';
import { freePort } from './free-port.ts';
import { type ProcSample, sampleProcess } from './proc-stats.ts';

const START_TIMEOUT_MS = 10_000;

/**
 * The redis-server that `bench --buffer redis` starts for itself: loopback, a free port, nothing
 * written to disk, as docs/scaling.md § Starting it says to run it. Emptied between runs.
 */
export class RedisProcess {
  private constructor(private readonly child: ChildProcess, readonly port: number) {}

  /** `cpu`: with `bench --pin`, the load generator's core (issue 21). */
  static async start(cpu?: number): Promise<RedisProcess> {
    const port = await freePort();
    const child = spawn(...pinnedCommand(cpu, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--loglevel', 'warning']), { stdio: 'ignore' });
    let failed = false;
    child.once('error', () => { failed = true; });
    process.once('exit', () => child.kill('SIGKILL'));
    const redis = new RedisProcess(child, port);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || failed) throw new Error('redis-server did not start (is it installed?)');
      if ((await redis.command('PING').catch(() => '')).startsWith('+PONG')) return redis;
      if (Date.now() > deadline) throw new Error('redis-server did not answer in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  sample(): ProcSample {
    return sampleProcess(this.child.pid ?? 0);
  }

  /** Forgets every queue and session of the last run. */
  async flush(): Promise<void> {
    await this.command('FLUSHALL');
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }

  /** One inline command, its first reply line. */
  private command(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      socket.setEncoding('utf8');
      socket.once('error', reject);
      socket.once('data', (reply: string) => {
        socket.destroy();
        resolve(reply);
      });
      socket.write(`${text}\r\n`);
    });
  }
}

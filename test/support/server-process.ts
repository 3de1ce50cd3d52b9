import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { seedOperators } from './seed-operators.ts';
import { tempDir } from './temp-dir.ts';

export const LITSXG = new URL('../../bin/litsxg', import.meta.url).pathname;

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** SIGTERM, then the exit status (SIGKILL after 8 s). */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export interface ServerSetup {
  /** Operators to create first (password PASSWORD); ignored when `dataDir` is given and already seeded. */
  operators?: readonly string[];
  /** Extra `serve` arguments, e.g. ['--registration', 'open']. */
  args?: readonly string[];
  /** Reuse a data dir (a restart); by default a fresh temp dir, removed on stop. */
  dataDir?: string;
  env?: Record<string, string>;
}

/** Starts `bin/litsxg serve --port 0` for real and waits for its `listening` line. */
export async function startServer(setup: ServerSetup = {}): Promise<RunningServer> {
  const temp = setup.dataDir === undefined ? tempDir() : undefined;
  const dataDir = setup.dataDir ?? temp!.path;
  if (setup.operators !== undefined && setup.operators.length > 0) await seedOperators(dataDir, setup.operators);
  const child = spawn(LITSXG, ['serve', '--port', '0', '--data-dir', dataDir, ...(setup.args ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...setup.env },
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<{ host: string; port: number }>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.event === 'listening') resolve({ host: String(entry.host), port: Number(entry.port) });
      } catch {
        logs.push({ event: 'unparsed', line });
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${JSON.stringify(logs)}`)));
    setTimeout(() => reject(new Error('server did not listen within 30 s')), 30_000).unref();
  });
  const { host, port } = await listening;
  let stopping: Promise<number | null> | undefined;
  return {
    host, port, dataDir, process: child, logs,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        const code = await exited;
        clearTimeout(killer);
        temp?.remove();
        return code;
      })();
      return stopping;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts several servers at once; if one fails to start, stops the others and rethrows. */
export async function startServers(setups: readonly ServerSetup[]): Promise<RunningServer[]> {
  const settled = await Promise.allSettled(setups.map((setup) => startServer(setup)));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure === undefined) return settled.map((result) => (result as PromiseFulfilledResult<RunningServer>).value);
  await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  throw failure.reason;
}

/** Stops servers a `before` hook started (none if it failed) and returns their exit statuses. */
export function stopServers(servers: readonly (RunningServer | undefined)[]): Promise<(number | null)[]> {
  return Promise.all(servers.filter((server) => server !== undefined).map((server) => server.stop()));
}

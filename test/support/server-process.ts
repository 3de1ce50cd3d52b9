import { LITSXG, ServerProcess } from '../../bench/server-process.ts';
import { seedOperators } from './seed-operators.ts';
import { tempDir } from './temp-dir.ts';

export { LITSXG };
/** A real server started by the shared harness (bench/server-process.ts). */
export type RunningServer = ServerProcess;

export interface ServerSetup {
  /** Operators to create first (password PASSWORD); names already in `dataDir` are kept. */
  operators?: readonly string[];
  /** Extra `serve` arguments, e.g. ['--registration', 'open']. */
  args?: readonly string[];
  /** Reuse a data dir (a restart); by default a fresh temp dir, removed on stop. */
  dataDir?: string;
  env?: Record<string, string>;
}

/** Starts the real server on a free port of 127.0.0.1 and waits for its `listening` line. */
export async function startServer(setup: ServerSetup = {}): Promise<RunningServer> {
  const temp = setup.dataDir === undefined ? tempDir() : undefined;
  const dataDir = setup.dataDir ?? temp!.path;
  if (setup.operators !== undefined && setup.operators.length > 0) await seedOperators(dataDir, setup.operators);
  return ServerProcess.start('real', { dataDir, args: setup.args ?? [], env: setup.env ?? {}, onStopped: () => temp?.remove() });
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

import { BenchConnection } from './bench-connection.ts';
import type { Endpoint } from './endpoint.ts';
import type { ProcSample } from './proc-stats.ts';

/** What a workload needs to reach a server and name its operators. */
export interface WorkloadContext {
  endpoint: Endpoint;
  password: string;
  /** How the bench operators log in: their password, or a signature by their published key. */
  login: 'password' | 'key';
  /** Where the receivers of `pairs` log in, when not at `endpoint` (another server on the same Redis). */
  receiverEndpoint?: Endpoint;
  /** Present when the bench started the server (or servers, summed), for /proc figures. */
  server: { sample(): ProcSample } | undefined;
  /** The redis-server the bench started, for its CPU per message. */
  redis?: { sample(): ProcSample };
  /** Per network round trip or login, generous for Tor. */
  timeoutMs: number;
  progress(text: string): void;
}

/** The operators a bench uses; they must exist with the bench password. */
export const benchNames = {
  sender: (i: number): string => `bench-s${i}`,
  receiver: (i: number): string => `bench-r${i}`,
  pool: (i: number): string => `bench-c${i}`,
  storm: (i: number): string => `bench-l${i}`,
};

/** The names of P pairs and of a login storm, then the pool (idle connections, offline recipients). */
export function benchNameSets(pairs: number, storm: number, pool: number): { timed: string[]; pool: string[] } {
  const timed: string[] = [];
  for (let i = 0; i < pairs; i++) timed.push(benchNames.sender(i), benchNames.receiver(i));
  for (let i = 0; i < storm; i++) timed.push(benchNames.storm(i));
  return { timed, pool: Array.from({ length: pool }, (_, i) => benchNames.pool(i)) };
}

export interface LoginHooks {
  /** Before `auth`: install frame handlers here, the pending messages follow the welcome at once. */
  beforeLogin?: (conn: BenchConnection, index: number) => void;
  afterLogin?: (conn: BenchConnection, index: number) => void;
}

/**
 * Connects and authenticates every name, `concurrency` at a time. Names with full-cost hashes
 * go about as many at a time as the server hashes in parallel, so none waits out its auth timeout.
 */
export async function loginAll(ctx: WorkloadContext, names: readonly string[], concurrency: number,
  hooks: LoginHooks = {}, endpointOf: (name: string) => Endpoint = () => ctx.endpoint): Promise<BenchConnection[]> {
  const conns: BenchConnection[] = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const index = next++;
      try {
        const { conn, hello } = await BenchConnection.open(endpointOf(names[index]!), ctx.timeoutMs);
        conns[index] = conn;
        hooks.beforeLogin?.(conn, index);
        await conn.login(ctx.login === 'key' ? 'auth_key' : 'auth', names[index]!, ctx.password, ctx.timeoutMs, hello);
        hooks.afterLogin?.(conn, index);
      } catch (error) {
        throw new Error(`logging in ${names[index]}: ${(error as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  } catch (error) {
    closeAll(conns);
    throw error;
  }
  return conns;
}

export function closeAll(conns: readonly (BenchConnection | undefined)[]): void {
  for (const conn of conns) conn?.destroy();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `done()` or the deadline; returns whether it finished. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

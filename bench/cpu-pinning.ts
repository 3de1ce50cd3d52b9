import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * `bench --pin`: the measured server on one core, the load generator (this process, and Redis
 * with `--buffer redis`) on another, as a host with other work gives a server one core. Unpinned,
 * the scheduler moves both over both cores of a small machine, so the server borrows the load
 * generator's core whenever it idles and the figure mixes the two (issue 21).
 */
export interface CpuPinning {
  /** The core the started servers (real or bare) run on. */
  readonly server: number;
  /** The core of the bench's own clients and of its redis-server. */
  readonly load: number;
}

/** Server on the first core, the rest on the second: needs two cores at least. */
export function planPinning(): CpuPinning {
  if (cpus().length < 2) throw new Error('--pin needs two CPUs at least (one for the server, one for the load generator)');
  return { server: 0, load: 1 };
}

/** `taskset -c CORE` before a command: taskset execs it, so the pid stays the command's own (for /proc). */
export function pinnedCommand(core: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return core === undefined ? [command, [...args]] : ['taskset', ['-c', String(core), command, ...args]];
}

/** The CPUs a running process may use, as /proc lists them ("0", "0-1"). */
export function allowedCpus(pid: number): string {
  const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  return out.slice(out.lastIndexOf(':') + 1).trim();
}

/**
 * Pins every thread of a running process (this one: its libuv pool and V8's helpers too) to
 * `core`; returns the undoing, since the bench may run inside a longer process (the tests).
 */
export function pinProcess(pid: number, core: number): () => void {
  const before = allowedCpus(pid);
  setAffinity(pid, String(core));
  return () => setAffinity(pid, before);
}

function setAffinity(pid: number, list: string): void {
  execFileSync('taskset', ['-a', '-c', '-p', list, String(pid)], { stdio: 'ignore' });
}

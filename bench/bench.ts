import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchConnection } from './bench-connection.ts';
import { type CpuPinning, pinProcess, planPinning } from './cpu-pinning.ts';
import { helpOrUsageError } from '../src/adapters/cli/usage-error.ts';
import { BENCH_COMMAND, type BenchOptions, parseBenchOptions, type Target, type Workload } from './bench-options.ts';
import { type BenchReport, FAULTS, renderTable, summarise, toJson } from './bench-report.ts';
import { runConns } from './conns-workload.ts';
import type { Endpoint } from './endpoint.ts';
import { GROUP_DELIVERIES, GROUP_MEMBERS, runGroups } from './groups-workload.ts';
import { runOffline } from './offline-workload.ts';
import { SCRYPT_DEFAULTS } from '../src/adapters/crypto/scrypt-password-hasher.ts';
import { benchIdentity } from './bench-keys.ts';
import { FAST_SCRYPT, registerAll, seedOperators } from './operator-seeder.ts';
import { type Figures, runPairs } from './pairs-workload.ts';
import { ProcessGroup } from './process-group.ts';
import { RedisProcess } from './redis-process.ts';
import { ServerProcess } from './server-process.ts';
import { runStartup } from './startup-workload.ts';
import { benchNameSets, type WorkloadContext } from './workload-context.ts';

export interface BenchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Only ever a bench operator's password, in a data dir of its own or given with --password-file. */
const DEFAULT_PASSWORD = 'litsxg-bench-password';
const RUN_TIMEOUT_MS = 300_000;

/** `litsxg bench`: returns the exit status (0 clean, 1 a fault or a failed run, 2 bad options). */
export async function runBench(argv: string[], io: BenchIo): Promise<number> {
  const parsed = parseBenchOptions(argv);
  if (parsed.kind !== 'run') return helpOrUsageError(BENCH_COMMAND.name, parsed, io);
  const { options } = parsed;
  const tty = !options.json && (io.stdout as { isTTY?: boolean }).isTTY === true;
  const progress = (text: string): void => {
    if (tty) io.stdout.write(`\r\x1b[K${text.slice(0, 100)}`);
  };
  const password = options.passwordFile === undefined
    ? DEFAULT_PASSWORD
    : (readFileSync(options.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '');
  const report: BenchReport = {
    machine: { cpus: cpus().length, node: process.version, platform: process.platform, loadavg: [loadavg()[0]!] },
    options: { ...options, passwordFile: options.passwordFile === undefined ? undefined : '(given)' },
    workloads: [],
    errors: [],
  };
  let pin: CpuPinning | undefined;
  try {
    pin = options.pin ? planPinning() : undefined;
  } catch (error) {
    io.stderr.write(`litsxg bench: ${(error as Error).message}\n`);
    return 2;
  }
  if (pin !== undefined) report.machine.pinned = pin;
  const ownDataDir = options.dataDir === undefined && options.targets.includes('real');
  const dataDir = options.dataDir ?? (ownDataDir ? mkdtempSync(join(tmpdir(), 'litsxg-bench-')) : '');
  const unpin = pin === undefined ? undefined : pinProcess(process.pid, pin.load);
  const redis = options.buffer === 'redis' ? await RedisProcess.start(pin?.load) : undefined;
  try {
    await prepare(options, dataDir, password, progress);
    for (const workload of options.workloads) {
      const runs: Partial<Record<Target, Figures[]>> = {};
      for (let run = 1; run <= options.runs; run++) {
        // Alternate which target goes first, so drift of the machine hits both alike.
        const order = run % 2 === 1 ? options.targets : [...options.targets].reverse();
        for (const target of order) {
          const label = `[${workload} ${target} ${run}/${options.runs}]`;
          progress(`${label} starting`);
          try {
            (runs[target] ??= []).push(await runOne(options, workload, target, dataDir, password, redis, pin?.server,
              (text) => progress(`${label} ${text}`)));
          } catch (error) {
            report.errors.push(`${label} ${(error as Error).message}`);
          }
        }
      }
      report.workloads.push(summarise(workload, runs));
    }
  } finally {
    report.machine.loadavg.push(loadavg()[0]!);
    if (tty) io.stdout.write('\r\x1b[K');
    redis?.stop();
    unpin?.();
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    if (ownDataDir) rmSync(`${dataDir}-b`, { recursive: true, force: true });
  }
  io.stdout.write(options.json ? toJson(report) : renderTable(report));
  return report.errors.length > 0 || hasFaults(report) ? 1 : 0;
}

function endpointOf(options: BenchOptions): Endpoint {
  const server = options.server!;
  return options.proxy === undefined ? { ...server } : { ...server, proxy: options.proxy };
}

async function prepare(options: BenchOptions, dataDir: string, password: string, progress: (text: string) => void): Promise<void> {
  const needs = (w: Workload): boolean => options.workloads.includes(w);
  const pairs = needs('pairs') || needs('logins') || needs('offline') ? options.pairs : 0;
  const storm = needs('logins') ? options.logins : 0;
  const pool = Math.max(needs('conns') ? options.conns : 0, needs('offline') ? options.recipients : 0, needs('groups') ? GROUP_MEMBERS : 0);
  const names = benchNameSets(pairs, storm, pool);
  if (options.login === 'key') for (const name of [...names.timed, ...names.pool]) benchIdentity(name);
  if (options.targets.includes('real')) {
    progress(`creating ${names.timed.length + names.pool.length} bench operators`);
    // Timed logins hash at the server's own cost; the idle pool cheaply.
    // Published keys too, for `--login key`.
    const keys = (name: string) => benchIdentity(name).published;
    await seedOperators(dataDir, names.timed, { password, scrypt: SCRYPT_DEFAULTS, keys });
    await seedOperators(dataDir, names.pool, { password, scrypt: FAST_SCRYPT, keys });
  }
  if (options.server !== undefined) {
    const endpoint = endpointOf(options);
    const timeoutMs = timeoutFor(options);
    const { conn, hello } = await BenchConnection.open(endpoint, timeoutMs);
    conn.destroy();
    if (hello.registration === 'open') {
      progress('registering bench operators');
      await registerAll(endpoint, password, [...names.timed, ...names.pool], timeoutMs);
    }
  }
}

function timeoutFor(options: BenchOptions): number {
  return options.proxy === undefined ? 30_000 : 60_000;
}

async function runOne(options: BenchOptions, workload: Workload, target: Target, dataDir: string, password: string,
  redis: RedisProcess | undefined, cpu: number | undefined, progress: (text: string) => void): Promise<Figures> {
  const servers = await startServers(options, target, dataDir, redis, cpu);
  const [server, receiving] = servers;
  const ctx: WorkloadContext = {
    endpoint: server === undefined ? endpointOf(options) : { host: '127.0.0.1', port: server.port },
    receiverEndpoint: receiving === undefined ? undefined : { host: '127.0.0.1', port: receiving.port },
    password,
    login: options.login,
    server: server === undefined ? undefined : new ProcessGroup(servers),
    redis: target === 'redis' || target === 'redis-pair' ? redis : undefined,
    timeoutMs: timeoutFor(options),
    progress,
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`run did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    });
    return await Promise.race([workloadRun(options, workload, ctx, dataDir, server), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.all(servers.map((started) => started.stop()));
  }
}

/** None for `server`; two for `redis-pair` (senders log in on the first, receivers on the second). */
async function startServers(options: BenchOptions, target: Target, dataDir: string, redis: RedisProcess | undefined,
  cpu: number | undefined): Promise<ServerProcess[]> {
  if (target === 'server') return [];
  const pinned = cpu === undefined ? {} : { cpu };
  if (target === 'bare') return [await ServerProcess.start('bare', pinned)];
  const nodeArgs = [...options.nodeArgs, ...(options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir])];
  if (target === 'real') return [await ServerProcess.start('real', { dataDir, args: realServerArgs(options), nodeArgs, ...pinned })];
  await redis!.flush();
  const args = [...realServerArgs(options), '--buffer', 'redis', '--presence', 'redis', '--redis-url', redis!.url];
  // Each server locks its own data directory: the second one gets a copy of the operators.
  const dirs = target === 'redis' ? [dataDir] : [dataDir, `${dataDir}-b`];
  if (dirs[1] !== undefined) cpSync(dataDir, dirs[1], { recursive: true });
  return Promise.all(dirs.map((dir) => ServerProcess.start('real', { dataDir: dir, args, nodeArgs, ...pinned })));
}

function workloadRun(options: BenchOptions, workload: Workload, ctx: WorkloadContext, dataDir: string,
  server: ServerProcess | undefined): Promise<Figures> {
  const pairs = { pairs: options.pairs, window: options.window, bodyBytes: options.bodyBytes, seconds: options.seconds,
    warmupSeconds: options.warmup };
  switch (workload) {
    case 'pairs':
      return runPairs(ctx, pairs);
    case 'logins':
      return runPairs(ctx, { ...pairs, storm: { logins: options.logins, baselineSeconds: options.stormAfter } });
    case 'offline':
      return runOffline(ctx, { recipients: options.recipients, perRecipient: options.perRecipient,
        senders: options.offlineSenders, window: options.window, bodyBytes: options.bodyBytes });
    case 'conns':
      return runConns(ctx, { conns: options.conns });
    case 'startup':
      return runStartup(server, dataDir);
    case 'groups':
      return runGroups(ctx, { members: GROUP_MEMBERS, deliveries: GROUP_DELIVERIES, window: options.window });
  }
}

/** No send rate limit (a bench sender is a flood by design), and queues that hold K messages. */
function realServerArgs(options: BenchOptions): string[] {
  const args = ['--log-level', 'warn', '--send-rate', '0'];
  if (options.perRecipient > 1000) args.push('--queue-max-messages', String(options.perRecipient));
  const queueBytes = options.perRecipient * options.bodyBytes * 2;
  if (queueBytes > 4_194_304) args.push('--queue-max-bytes', String(queueBytes));
  return args;
}

function hasFaults(report: BenchReport): boolean {
  return report.workloads.some((w) => Object.values(w.targets).some((t) =>
    FAULTS.some((k) => (t?.median[k] ?? 0) > 0)));
}

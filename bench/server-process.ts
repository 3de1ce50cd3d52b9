import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { LineSplitter } from '../src/client/line-splitter.ts';
import { pinnedCommand } from './cpu-pinning.ts';
import { type ProcSample, sampleProcess } from './proc-stats.ts';

export type TargetKind = 'real' | 'bare';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LITSXG = join(REPO_ROOT, 'bin', 'litsxg');
/** The runtime options `bin/litsxg` runs the server with: what is measured and tested is what ships. */
const SERVER_NODE_OPTIONS = readFileSync(join(REPO_ROOT, 'bin', 'node-options'), 'utf8').split(/\s+/).filter((option) => option !== '');
const LISTEN_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 8_000;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  if (bareRelay !== undefined) rmSync(dirname(bareRelay), { recursive: true, force: true });
});

export interface ServerStart {
  /** Data dir of the real server. */
  readonly dataDir?: string;
  /** Extra `serve` options, after `--host 127.0.0.1 --port 0 --data-dir DIR`. */
  readonly args?: readonly string[];
  /** Extra node options (`--cpu-prof`), which bin/litsxg does not pass on. */
  readonly nodeArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** `bench --pin`: the one core it runs on (taskset), all its threads included. */
  readonly cpu?: number;
  /** Run once the process has exited after `stop` (a temporary data dir's removal). */
  readonly onStopped?: () => void;
}

/**
 * A server started for a test or a bench run, on a free loopback port: the real one as
 * bin/litsxg runs it, `node <bin/node-options> dist/main.js serve` (the pid is the server's own,
 * for /proc), or the bare reference relay, compiled to JavaScript too so that neither carries a
 * loader. Its JSON log lines are kept.
 */
export class ServerProcess {
  /** Every log line so far, parsed (`{ event: 'unparsed', line }` otherwise). */
  readonly logs: Record<string, unknown>[] = [];
  private address = { host: '127.0.0.1', port: 0 };
  private startedMs = 0;
  private stopping: Promise<number | null> | undefined;

  private constructor(
    readonly kind: TargetKind,
    readonly process: ChildProcess,
    private readonly exited: Promise<number | null>,
    readonly dataDir: string,
    private readonly onStopped: () => void,
  ) {}

  static async start(kind: TargetKind, options: ServerStart = {}): Promise<ServerProcess> {
    const script = kind === 'real' ? ['dist/main.js', 'serve', '--data-dir', options.dataDir ?? ''] : [bareRelayScript()];
    const nodeOptions = [...(kind === 'real' ? SERVER_NODE_OPTIONS : []), ...(options.nodeArgs ?? [])];
    const args = [...nodeOptions, ...script, '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])];
    const started = performance.now();
    const [command, argv] = pinnedCommand(options.cpu, process.execPath, args);
    const child = spawn(command, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
    running.add(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }));
    const server = new ServerProcess(kind, child, exited, options.dataDir ?? '', options.onStopped ?? (() => undefined));
    try {
      await server.listening();
      server.startedMs = performance.now() - started;
      return server;
    } catch (error) {
      await server.kill();
      server.onStopped();
      throw error;
    }
  }

  /** Where it listens, from its `listening` line. */
  get host(): string {
    return this.address.host;
  }

  get port(): number {
    return this.address.port;
  }

  /** From spawning the process to its `listening` line. */
  get startMs(): number {
    return this.startedMs;
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  sample(): ProcSample {
    return sampleProcess(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited in time; resolves with the exit status. */
  stop(): Promise<number | null> {
    this.stopping ??= (async () => {
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
      const killer = setTimeout(() => this.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await this.exited;
      clearTimeout(killer);
      this.onStopped();
      return code;
    })();
    return this.stopping;
  }

  /** SIGKILL: a crash. */
  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }

  private listening(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not listen within ${LISTEN_TIMEOUT_MS / 1000} s: ${this.tail()}`)), LISTEN_TIMEOUT_MS);
      const lines = new LineSplitter();
      this.process.stderr!.setEncoding('utf8');
      this.process.stderr!.on('data', (chunk: string) => lines.push(chunk, (line) => {
        const entry = parsed(line);
        this.logs.push(entry);
        if (entry.event !== 'listening' || typeof entry.port !== 'number') return;
        clearTimeout(timer);
        this.address = { host: String(entry.host), port: entry.port };
        resolve();
      }));
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? this.process.signalCode}) before listening: ${this.tail()}`));
      });
    });
  }

  private tail(): string {
    return JSON.stringify(this.logs.slice(-10)).slice(-600);
  }
}

function parsed(line: string): Record<string, unknown> {
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) return entry as Record<string, unknown>;
  } catch {
    // Not JSON: kept as it came.
  }
  return { event: 'unparsed', line };
}

let bareRelay: string | undefined;

/** The bare relay bundled into a temporary file, once per process. */
function bareRelayScript(): string {
  if (bareRelay === undefined) {
    const outfile = join(mkdtempSync(join(tmpdir(), 'litsxg-bare-')), 'bare-relay.mjs');
    buildSync({ entryPoints: [join(REPO_ROOT, 'bench', 'bare-relay.ts')], outfile, bundle: true, platform: 'node',
      format: 'esm', logLevel: 'warning' });
    bareRelay = outfile;
  }
  return bareRelay;
}

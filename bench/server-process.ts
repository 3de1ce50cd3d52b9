import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { LineSplitter } from '../src/client/line-splitter.ts';
import { type ProcSample, sampleProcess } from './proc-stats.ts';

export type TargetKind = 'real' | 'bare';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The runtime options `bin/litsxg` runs the server with: the bench measures what ships. */
const SERVER_NODE_OPTIONS = readFileSync(join(REPO_ROOT, 'bin', 'node-options'), 'utf8').split(/\s+/).filter((option) => option !== '');
const LISTEN_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 6_000;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  if (bareRelay !== undefined) rmSync(dirname(bareRelay), { recursive: true, force: true });
});

export interface ServerOptions {
  /** Data dir of the real server. */
  dataDir?: string;
  /** Extra `serve` options. */
  args?: string[];
  /** Extra node options (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/**
 * A server the bench started itself, on 127.0.0.1 and a free port: the real one as bin/litsxg
 * runs it, `node NODE-OPTIONS dist/main.js serve` (the pid is the server's own, for /proc), or
 * the bare reference relay, compiled to JavaScript too so that neither carries a loader.
 */
export class ServerProcess {
  private constructor(
    readonly kind: TargetKind,
    private readonly child: ChildProcess,
    readonly port: number,
    /** From spawning the process to its `listening` line. */
    readonly startMs: number,
  ) {}

  static async start(kind: TargetKind, options: ServerOptions = {}): Promise<ServerProcess> {
    const script = kind === 'real'
      ? ['dist/main.js', 'serve', '--data-dir', options.dataDir ?? '', '--log-level', 'warn']
      : [bareRelayScript()];
    const nodeOptions = [...(kind === 'real' ? SERVER_NODE_OPTIONS : []), ...(options.nodeArgs ?? [])];
    const args = [...nodeOptions, ...script, '--host', '127.0.0.1', '--port', '0', ...(options.args ?? [])];
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    try {
      const port = await listeningPort(child);
      return new ServerProcess(kind, child, port, performance.now() - started);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  sample(): ProcSample {
    return sampleProcess(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

let bareRelay: string | undefined;

/** The bare relay bundled into a temporary file, once per bench process. */
function bareRelayScript(): string {
  if (bareRelay === undefined) {
    const outfile = join(mkdtempSync(join(tmpdir(), 'litsxg-bare-')), 'bare-relay.mjs');
    buildSync({ entryPoints: [join(REPO_ROOT, 'bench', 'bare-relay.ts')], outfile, bundle: true, platform: 'node',
      format: 'esm', logLevel: 'warning' });
    bareRelay = outfile;
  }
  return bareRelay;
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const lines = new LineSplitter();
    const fail = (why: string): void => reject(new Error(`${why}; stderr: ${tail.join(' | ').slice(-600)}`));
    const timer = setTimeout(() => fail('server did not report listening in time'), LISTEN_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      lines.push(chunk, (line) => {
        tail.push(line);
        if (tail.length > 10) tail.shift();
        const port = listeningLine(line);
        if (port !== undefined) {
          clearTimeout(timer);
          resolve(port);
        }
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`server exited (${code ?? signal}) before listening`);
    });
  });
}

function listeningLine(line: string): number | undefined {
  try {
    const event = JSON.parse(line) as { event?: unknown; port?: unknown };
    return event.event === 'listening' && typeof event.port === 'number' ? event.port : undefined;
  } catch {
    return undefined;
  }
}

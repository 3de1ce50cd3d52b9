import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Figures } from './pairs-workload.ts';
import { REPO_ROOT, type ServerProcess } from './server-process.ts';
import { sleep } from './workload-context.ts';

/** How long the started server idles before its resident memory is read. */
const IDLE_MS = 1_500;

/**
 * How fast a server starts and how light it sits, on a data dir that already exists: the time
 * from spawning it to its `listening` line, its resident memory once idle, and the wall time of
 * a command line: `bin/litsxg operator list` for the real server, `node -e 0` for the bare relay.
 */
export async function runStartup(server: ServerProcess | undefined, dataDir: string): Promise<Figures> {
  if (server === undefined) throw new Error('startup measures servers the bench starts itself');
  await sleep(IDLE_MS);
  const idle = server.sample();
  const command = server.kind === 'real'
    ? [join(REPO_ROOT, 'bin', 'litsxg'), 'operator', 'list', '--data-dir', dataDir]
    : [process.execPath, '-e', '0'];
  return {
    listening_ms: server.startMs,
    idle_rss_mb: idle.rssBytes / 2 ** 20,
    command_ms: await wallTime(command),
  };
}

function wallTime([file, ...args]: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${[file, ...args].join(' ')} exited with ${code}`));
    });
  });
}

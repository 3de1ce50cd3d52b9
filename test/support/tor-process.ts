import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TorProcess {
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything tor logged so far (its `Log … file` lines go to `<dataDir>/tor.log`). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts one `tor -f <dataDir>/torrc` that dies with this process (__OwningControllerProcess),
 * and waits for `ready` (polled) or for it to exit, within `timeoutMs`.
 */
export async function startTor(options: {
  dataDir: string;
  torrc: readonly string[];
  ready: (tor: TorProcess) => Promise<boolean>;
  timeoutMs: number;
  /** Told as soon as the process exists, so a caller can stop it even if start-up fails elsewhere. */
  track?: (tor: TorProcess) => void;
}): Promise<TorProcess> {
  const torrcPath = join(options.dataDir, 'torrc');
  const logPath = join(options.dataDir, 'tor.log');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await writeFile(torrcPath, [
    `DataDirectory ${options.dataDir}`,
    `Log notice file ${logPath}`,
    'GeoIPFile /dev/null',
    'GeoIPv6File /dev/null',
    `__OwningControllerProcess ${process.pid}`,
    ...options.torrc,
    '',
  ].join('\n'), { mode: 0o600 });
  const child = spawn('tor', ['-f', torrcPath, '--defaults-torrc', '/dev/null'], {
    stdio: 'ignore',
    env: { ...process.env, MALLOC_ARENA_MAX: '1' },
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const tor: TorProcess = {
    dataDir: options.dataDir,
    child,
    log: () => readFile(logPath, 'utf8').catch(() => ''),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    },
  };
  options.track?.(tor);
  const deadline = Date.now() + options.timeoutMs;
  while (!(await options.ready(tor))) {
    if (exited || Date.now() > deadline) {
      const log = await tor.log();
      await tor.stop();
      throw new Error(`tor in ${options.dataDir} ${exited ? 'exited' : 'was not ready in time'}:\n${log.split('\n').slice(-15).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return tor;
}

/** The port tor wrote to `ControlPortWriteToFile` (`PORT=127.0.0.1:1234`), once it has. */
export async function writtenPort(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const port = /:(\d+)\s*$/m.exec(text)?.[1];
  return port === undefined ? undefined : Number(port);
}

export async function hashTorPassword(password: string): Promise<string> {
  const child = spawn('tor', ['--quiet', '--hash-password', password], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  await new Promise((resolve) => child.once('exit', resolve));
  const hash = /16:[0-9A-F]+/.exec(out)?.[0];
  if (hash === undefined) throw new Error('tor --hash-password printed no hash');
  return hash;
}

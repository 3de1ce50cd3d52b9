import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../bench/free-port.ts';
import { tempDir } from './temp-dir.ts';

export interface PostgresCluster {
  readonly port: number;
  /** A fresh, empty database on the cluster; its URL. */
  createDatabase(): Promise<string>;
  stop(): void;
}

const BIN_ROOT = '/usr/lib/postgresql';

/** Debian's PostgreSQL binaries (the newest installed), or undefined. */
function postgresBin(): string | undefined {
  if (!existsSync(BIN_ROOT)) return undefined;
  const versions = readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(BIN_ROOT, versions[0], 'bin');
}

/** Why a PostgreSQL cluster cannot be started here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  return postgresBin() === undefined ? 'PostgreSQL is not installed (apt-get install postgresql)' : undefined;
}

let databases = 0;

/**
 * A temporary PostgreSQL cluster on a free loopback port, trusting local connections, without
 * fsync (tests need no durability). PostgreSQL refuses to run as root: as root the cluster
 * belongs to the `postgres` user. It is stopped when the test process exits.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (bin === undefined) throw new Error(postgresMissing());
  const port = await freePort();
  const dir = tempDir('litsxg-pg-');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir.path, Number(run('id', ['-u', 'postgres'], false).trim()), Number(run('id', ['-g', 'postgres'], false).trim()));
  const data = join(dir.path, 'data');
  const pgRun = (tool: string, args: string[]) => run(join(bin, tool), args, asRoot);
  pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'litsxg', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const stop = () => {
    spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), 'stop', '-D', data, '-m', 'immediate', '-s'], { stdio: 'ignore' });
    dir.remove();
  };
  pgRun('pg_ctl', ['start', '-D', data, '-w', '-s', '-l', join(dir.path, 'log'),
    '-o', `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`]);
  process.once('exit', stop);
  return {
    port,
    async createDatabase() {
      const name = `litsxg_${process.pid}_${++databases}`;
      const admin = new pg.Client({ connectionString: `postgres://litsxg@127.0.0.1:${port}/postgres` });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://litsxg@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}

function run(command: string, args: string[], asPostgres: boolean): string {
  const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}

import { KyselyCredentialRepository } from '../../src/adapters/kysely/kysely-credential-repository.ts';
import { openPostgresCredentials } from '../../src/adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialDialect } from '../../src/adapters/postgres/postgres-credential-dialect.ts';
import { SystemClock } from '../../src/adapters/system/system-clock.ts';
import { postgresMissing, startPostgresCluster } from './postgres-cluster.ts';
import type { PostgresCluster } from './postgres-cluster.ts';
import { redisServerMissing, startRedisServer } from './redis-server.ts';
import type { RedisServer } from './redis-server.ts';
import { seedOperators } from './seed-operators.ts';
import { startServer } from './server-process.ts';
import type { RunningServer, ServerSetup } from './server-process.ts';

/** One redis-server and one PostgreSQL, for servers that act as one. */
export interface SharedBackends {
  readonly redis: RedisServer;
  readonly postgres: PostgresCluster;
  /** A fresh credential database with these operators (password PASSWORD); its URL. */
  credentials(operators: readonly string[]): Promise<string>;
  /** `bin/litsxg serve` on these backends with Redis buffer and presence. */
  server(credentialsUrl: string, setup?: ServerSetup): Promise<RunningServer>;
  stop(): Promise<void>;
}

/** Why the scale-out end-to-end tests cannot run here, or undefined. */
export function backendsMissing(): string | undefined {
  return redisServerMissing() ?? postgresMissing();
}

export async function startSharedBackends(): Promise<SharedBackends> {
  const [redis, postgres] = await Promise.all([startRedisServer(), startPostgresCluster()]);
  return {
    redis,
    postgres,
    async credentials(operators) {
      const url = await postgres.createDatabase();
      await seedOperators(new KyselyCredentialRepository(await openPostgresCredentials(url), new SystemClock(), new PostgresCredentialDialect()), operators);
      return url;
    },
    server(credentialsUrl, setup = {}) {
      return startServer({
        ...setup,
        args: ['--credentials', credentialsUrl, '--buffer', 'redis', '--redis-url', redis.url, '--presence', 'redis', '--send-rate', '0', ...(setup.args ?? [])],
      });
    },
    async stop() {
      await redis.stop();
      postgres.stop();
    },
  };
}

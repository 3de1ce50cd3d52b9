import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import { CredentialDatabase } from '../kysely/credential-database.ts';
import type { CredentialDialect } from '../kysely/credential-dialect.ts';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import { BUSY_TIMEOUT_MS } from './open-sqlite-credentials.ts';
import { retryWhileBusy } from './retry-while-busy.ts';

/**
 * SQLite's part of the credential repository: statements wait out another process's write
 * lock, and `PRAGMA data_version` tells when another connection (the `operator` command)
 * committed, so the names are reloaded only then.
 */
@injectable()
export class SqliteCredentialDialect implements CredentialDialect {
  private dataVersion = -1;

  constructor(@inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>) {}

  run<T>(statement: () => Promise<T>): Promise<T> {
    return retryWhileBusy(statement, BUSY_TIMEOUT_MS);
  }

  async namesChanged(): Promise<boolean> {
    const { rows } = await this.run(() => sql<{ data_version: number }>`pragma data_version`.execute(this.db));
    const version = rows[0]?.data_version ?? -1;
    const changed = version !== this.dataVersion;
    this.dataVersion = version;
    return changed;
  }
}

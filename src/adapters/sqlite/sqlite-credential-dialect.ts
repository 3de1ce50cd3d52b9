import { sql } from 'kysely';
import type { CompiledQuery, Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import { CredentialDatabase } from '../kysely/credential-database.ts';
import type { CredentialDialect } from '../kysely/credential-dialect.ts';
import type { CredentialSchema } from '../kysely/credential-schema.ts';
import { BUSY_TIMEOUT_MS } from './open-sqlite-credentials.ts';
import { isBusy, retryWhileBusy } from './retry-while-busy.ts';
import { sqliteHandleOf } from './sqlite-handles.ts';

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

  /**
   * Read at once through better-sqlite3's prepared statement, past Kysely's connection lock and
   * its promise hops (issue 21: a key login's lookup). Not while Kysely holds a transaction open
   * across awaits on the one connection: a read then would see writes not yet committed, which
   * may yet be rolled back. Then, or when another process holds a lock, Kysely's way.
   */
  first<Row>(db: Kysely<CredentialSchema>, query: CompiledQuery<Row>): Promise<Row | undefined> {
    const handle = sqliteHandleOf(db);
    if (handle !== undefined && !handle.database.inTransaction) {
      try {
        return Promise.resolve(handle.statements.prepare(query.sql).get(...query.parameters) as Row | undefined);
      } catch (error) {
        if (!isBusy(error)) return Promise.reject(error);
      }
    }
    return this.run(async () => (await db.executeQuery(query)).rows[0]);
  }

  async namesChanged(): Promise<boolean> {
    const { rows } = await this.run(() => sql<{ data_version: number }>`pragma data_version`.execute(this.db));
    const version = rows[0]?.data_version ?? -1;
    const changed = version !== this.dataVersion;
    this.dataVersion = version;
    return changed;
  }
}

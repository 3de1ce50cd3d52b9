import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { CredentialRepository } from '../../ports/credential-repository.ts';
import { CredentialDatabase } from './credential-database.ts';
import type { CredentialSchema } from './credential-schema.ts';
import { BUSY_TIMEOUT_MS } from './open-sqlite-credentials.ts';
import { retryWhileBusy } from './retry-while-busy.ts';

/** How stale the name cache behind `exists` may be when another process changed the file. */
const NAMES_RECHECK_MS = 1_000;

/**
 * Credentials in SQLite through Kysely. Hashes are read afresh at every authentication; the
 * per-message `exists` answers from a set of names, reloaded when `PRAGMA data_version` says
 * another connection (the `operator` command) committed.
 */
@injectable()
export class SqliteCredentialRepository implements CredentialRepository {
  private names: Set<OperatorName> | undefined;
  private dataVersion = -1;
  private checkedAt = 0;

  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  async findHash(name: OperatorName): Promise<string | undefined> {
    const row = await busy(() => this.db.selectFrom('operators').select('password_hash').where('name', '=', name).executeTakeFirst());
    return row?.password_hash;
  }

  async exists(name: OperatorName): Promise<boolean> {
    return (await this.currentNames()).has(name);
  }

  async add(name: OperatorName, hash: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await busy(() => this.db
      .insertInto('operators')
      .values({ name, password_hash: hash, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst());
    const added = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    if (added) this.names?.add(name);
    return added;
  }

  async changeHash(name: OperatorName, hash: string): Promise<boolean> {
    const result = await busy(() => this.db
      .updateTable('operators')
      .set({ password_hash: hash, updated_at: this.clock.now() })
      .where('name', '=', name)
      .executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  async remove(name: OperatorName): Promise<boolean> {
    const result = await busy(() => this.db.deleteFrom('operators').where('name', '=', name).executeTakeFirst());
    this.names?.delete(name);
    return Number(result.numDeletedRows) === 1;
  }

  async list(): Promise<OperatorName[]> {
    const rows = await busy(() => this.db.selectFrom('operators').select('name').orderBy('name').execute());
    return rows.map((row) => row.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async currentNames(): Promise<Set<OperatorName>> {
    const now = this.clock.now();
    if (this.names !== undefined && now - this.checkedAt < NAMES_RECHECK_MS) return this.names;
    this.checkedAt = now;
    const { rows } = await busy(() => sql<{ data_version: number }>`pragma data_version`.execute(this.db));
    const version = rows[0]?.data_version ?? -1;
    if (this.names === undefined || version !== this.dataVersion) {
      this.dataVersion = version;
      this.names = new Set(await this.list());
    }
    return this.names;
  }
}

function busy<T>(statement: () => Promise<T>): Promise<T> {
  return retryWhileBusy(statement, BUSY_TIMEOUT_MS);
}

import type { Kysely } from 'kysely';
import { inject, injectable } from 'inversify';
import type { OperatorName } from '../../domain/names.ts';
import { Clock } from '../../ports/clock.ts';
import type { Awaitable } from '../../domain/awaitable.ts';
import type { CredentialRepository } from '../../ports/credential-repository.ts';
import { CredentialDatabase } from './credential-database.ts';
import { CredentialDialect } from './credential-dialect.ts';
import type { CredentialSchema } from './credential-schema.ts';

/** How stale the name cache behind `exists` may be when another process changed the store. */
const NAMES_RECHECK_MS = 1_000;

/**
 * Credentials through Kysely, the same queries on SQLite and PostgreSQL. Hashes are read afresh
 * at every authentication; the per-message `exists` answers from a set of names, reloaded when
 * the dialect says another connection (another instance, the `operator` command) may have
 * changed them.
 */
@injectable()
export class KyselyCredentialRepository implements CredentialRepository {
  private names: Set<OperatorName> | undefined;
  /** Set by a timer a second after each check: the per-message path reads no clock. */
  private namesStale = true;
  /** The check under way: every lookup meanwhile waits for it. */
  private namesLoading: Promise<Set<OperatorName>> | undefined;

  constructor(
    @inject(CredentialDatabase) private readonly db: Kysely<CredentialSchema>,
    @inject(Clock) private readonly clock: Clock,
    @inject(CredentialDialect) private readonly dialect: CredentialDialect,
  ) {}

  async findHash(name: OperatorName): Promise<string | undefined> {
    const row = await this.dialect.run(() => this.db.selectFrom('operators').select('password_hash').where('name', '=', name).executeTakeFirst());
    return row?.password_hash;
  }

  /**
   * Answered from the set while it is fresh: the per-message path waits for no database. While
   * it is checked again, every lookup waits for that check, so a sender's later message can
   * never overtake an earlier one that waited here (docs/protocol.md "Pipelining").
   */
  exists(name: OperatorName): Awaitable<boolean> {
    if (this.names !== undefined && !this.namesStale) return this.names.has(name);
    this.namesLoading ??= this.reloadNames();
    return this.namesLoading.then((names) => names.has(name));
  }

  async add(name: OperatorName, hash: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.dialect.run(() => this.db
      .insertInto('operators')
      .values({ name, password_hash: hash, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst());
    const added = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    if (added) this.names?.add(name);
    return added;
  }

  async changeHash(name: OperatorName, hash: string): Promise<boolean> {
    const result = await this.dialect.run(() => this.db
      .updateTable('operators')
      .set({ password_hash: hash, updated_at: this.clock.now() })
      .where('name', '=', name)
      .executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The operator and what is kept for them go in one transaction (issue 24): interrupted, an
   * operator keeps both account and onion client-authorization key, never a key without the
   * account nor the reverse. The identity key goes with the row (foreign key, cascade).
   */
  async remove(name: OperatorName): Promise<boolean> {
    const result = await this.dialect.run(() => this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('operator_onion_auth_keys').where('name', '=', name).execute();
      return trx.deleteFrom('operators').where('name', '=', name).executeTakeFirst();
    }));
    this.names?.delete(name);
    return Number(result.numDeletedRows) === 1;
  }

  async list(): Promise<OperatorName[]> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operators').select('name').orderBy('name').execute());
    return rows.map((row) => row.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async reloadNames(): Promise<Set<OperatorName>> {
    try {
      // Asked even for the first load, so that the dialect's next answer compares with this moment.
      const changed = await this.dialect.namesChanged();
      if (this.names === undefined || changed) this.names = new Set(await this.list());
      this.namesStale = false;
      setTimeout(() => {
        this.namesStale = true;
      }, NAMES_RECHECK_MS).unref();
      return this.names;
    } finally {
      this.namesLoading = undefined;
    }
  }
}

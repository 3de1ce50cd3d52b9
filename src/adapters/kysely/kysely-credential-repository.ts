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
  /** Loaded at the first `exists`, then refreshed every NAMES_RECHECK_MS in the background. */
  private names: Set<OperatorName> | undefined;
  private namesLoading: Promise<Set<OperatorName>> | undefined;
  private stopRechecking: (() => void) | undefined;

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
   * Answered from the set once it is loaded: the per-message path waits for no database. Always
   * at once from then on, so a sender's later message can never overtake an earlier one that
   * waited here (docs/protocol.md "Pipelining").
   */
  exists(name: OperatorName): Awaitable<boolean> {
    if (this.names !== undefined) return this.names.has(name);
    this.namesLoading ??= this.loadNames();
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

  async remove(name: OperatorName): Promise<boolean> {
    const result = await this.dialect.run(() => this.db.deleteFrom('operators').where('name', '=', name).executeTakeFirst());
    this.names?.delete(name);
    return Number(result.numDeletedRows) === 1;
  }

  async list(): Promise<OperatorName[]> {
    const rows = await this.dialect.run(() => this.db.selectFrom('operators').select('name').orderBy('name').execute());
    return rows.map((row) => row.name);
  }

  async close(): Promise<void> {
    this.stopRechecking?.();
    await this.db.destroy();
  }

  private async loadNames(): Promise<Set<OperatorName>> {
    try {
      // Asked at the first load too, so that the dialect's next answer compares with this moment.
      await this.dialect.namesChanged();
      this.names = new Set(await this.list());
      this.stopRechecking = this.clock.every(NAMES_RECHECK_MS, () => void this.recheckNames());
      return this.names;
    } finally {
      this.namesLoading = undefined;
    }
  }

  /** A failed recheck keeps the names known: the next one tries again. */
  private async recheckNames(): Promise<void> {
    try {
      if (await this.dialect.namesChanged()) this.names = new Set(await this.list());
    } catch {
      // The database is out of reach for now; logins, which read it afresh, report it.
    }
  }
}
